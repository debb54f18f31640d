// The pinned access page of tests/unit/privacy_records_test.cpp, built with @ipld/dag-cbor (the IPLD
// reference codec) rather than mlchain's: writes access-page.cbor and prints its CID; with --check, decodes
// the committed file instead, checks every field and that re-encoding gives the same bytes, and prints the CID.
//   node tests/peers/access-page-vector.mjs [--check]   (writes/reads tests/vectors/privacy/access-page.cbor)
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { readFileSync, writeFileSync } from 'node:fs'
import { deepStrictEqual } from 'node:assert/strict'

const utf8 = (text) => new TextEncoder().encode(text)
const file = new URL('../vectors/privacy/access-page.cbor', import.meta.url)

const commit = CID.createV1(0x71, await sha256.digest(utf8('mlchain commit')))
const next = CID.createV1(0x71, await sha256.digest(utf8('next page')))
const page = {
  v: 1,
  commit: commit.bytes,
  // The compressed secp256k1 generator point (the public key of private key 1).
  recipient: new Uint8Array(Buffer.from('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798', 'hex')),
  // Sorted by the bytes of plain: the CIDv1 (01 55 …) before the CIDv0 (12 20 …).
  files: [
    {
      plain: CID.parse('bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am').bytes,
      cipher: CID.parse('QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH'),
      header: utf8('age-encryption.org/v1\n-> mlchain.dev/ecies-secp256k1\nAAAA\n--- first\n')
    },
    {
      plain: CID.parse('QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN').bytes,
      cipher: CID.parse('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'),
      header: utf8('age-encryption.org/v1\n-> mlchain.dev/ecies-secp256k1\nBBBB\n--- second\n')
    }
  ],
  next
}

let bytes
if (process.argv[2] === '--check') {
  bytes = new Uint8Array(readFileSync(file))
  const decoded = dagCbor.decode(bytes)
  deepStrictEqual(Object.keys(decoded).sort(), ['commit', 'files', 'next', 'recipient', 'v'])
  deepStrictEqual(decoded.v, 1)
  deepStrictEqual(CID.decode(decoded.commit).toString(), commit.toString())
  deepStrictEqual(decoded.files.map((f) => CID.decode(f.plain).toString()),
    page.files.map((f) => CID.decode(f.plain).toString()))
  deepStrictEqual(decoded.files.map((f) => CID.asCID(f.cipher)?.toString()), page.files.map((f) => f.cipher.toString()))
  deepStrictEqual(decoded.files.map((f) => Buffer.from(f.header).toString()),
    page.files.map((f) => Buffer.from(f.header).toString()))
  deepStrictEqual(CID.asCID(decoded.next)?.toString(), next.toString())
  deepStrictEqual(Buffer.from(dagCbor.encode(decoded)), Buffer.from(bytes))
  deepStrictEqual(Buffer.from(dagCbor.encode(page)), Buffer.from(bytes))
} else {
  bytes = dagCbor.encode(page)
  writeFileSync(file, bytes)
}
console.log(CID.createV1(dagCbor.code, await sha256.digest(bytes)).toString())
