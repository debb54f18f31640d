// The reference for mlchain's private-model files: age-encryption 0.3.1 (the age v1 format) with the
// file key wrapped by eciesjs 0.4.18 in a stanza of type mlchain.dev/ecies-secp256k1, exactly as
// libmlchain's crypto/age.hpp and crypto/ecies.hpp describe it. Same commands as tests/tools/age_tool.cpp,
// so tests/interop/age_ecies.sh can cross the two implementations both ways:
//
//   node age-ecies.mjs encrypt PUBKEYHEX IN OUT     age file of IN for the secp256k1 public key
//   node age-ecies.mjs decrypt PRIVKEYHEX IN OUT    plaintext of the age file IN
//   node age-ecies.mjs wrap PUBKEYHEX HEX           eciesjs.encrypt, printed as hex
//   node age-ecies.mjs unwrap PRIVKEYHEX HEX        eciesjs.decrypt, printed as hex
import { readFile, writeFile } from 'node:fs/promises'
import { Decrypter, Encrypter, Stanza } from 'age-encryption'
import { decrypt as eciesDecrypt, encrypt as eciesEncrypt } from 'eciesjs'

const stanzaType = 'mlchain.dev/ecies-secp256k1'
const wrappedFileKeySize = 65 + 16 + 16 + 16

const fromHex = (text) => Uint8Array.from(Buffer.from(text.replace(/^0x/, ''), 'hex'))
const toHex = (bytes) => Buffer.from(bytes).toString('hex')

class EciesRecipient {
  constructor (publicKey) { this.publicKey = publicKey }
  wrapFileKey (fileKey) {
    return [new Stanza([stanzaType], Uint8Array.from(eciesEncrypt(this.publicKey, fileKey)))]
  }
}

class EciesIdentity {
  constructor (privateKey) { this.privateKey = privateKey }
  unwrapFileKey (stanzas) {
    for (const stanza of stanzas) {
      if (stanza.args[0] !== stanzaType) continue
      if (stanza.args.length !== 1 || stanza.body.length !== wrappedFileKeySize) {
        throw new Error(`malformed ${stanzaType} stanza`)
      }
      try {
        return Uint8Array.from(eciesDecrypt(this.privateKey, stanza.body))
      } catch {
        // Wrapped for another key: age's rule is to try the next stanza.
      }
    }
    return null
  }
}

const [command, key, input, output] = process.argv.slice(2)
switch (command) {
  case 'encrypt': {
    const encrypter = new Encrypter()
    encrypter.addRecipient(new EciesRecipient(fromHex(key)))
    await writeFile(output, await encrypter.encrypt(new Uint8Array(await readFile(input))))
    break
  }
  case 'decrypt': {
    const decrypter = new Decrypter()
    decrypter.addIdentity(new EciesIdentity(fromHex(key)))
    await writeFile(output, await decrypter.decrypt(new Uint8Array(await readFile(input))))
    break
  }
  case 'wrap':
    process.stdout.write(toHex(eciesEncrypt(fromHex(key), fromHex(input))) + '\n')
    break
  case 'unwrap':
    process.stdout.write(toHex(eciesDecrypt(fromHex(key), fromHex(input))) + '\n')
    break
  default:
    process.stderr.write('usage: node age-ecies.mjs encrypt|decrypt|wrap|unwrap KEYHEX IN [OUT]\n')
    process.exit(2)
}
