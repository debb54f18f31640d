// Single-file proofs (docs/format.md §9) read and reshaped by independent code: @ipld/car's reader and
// writer, @ipld/dag-cbor and multiformats' sha2-256, none of mlchain's.
//
//   node proof-car.mjs list FILE
//       {"roots", "blocks": [{cid, codec, size, hash_ok}], "proof": {path, commit, anchor}} as JSON
//   node proof-car.mjs forge IN OUT FIELD VALUE
//       IN with one anchor fact changed (block, chain, logIndex: a number; transaction, blockHash,
//       registry: 0x-hex; repo, branch: text), the proof block re-encoded and its new CID the root
//   node proof-car.mjs replace IN OUT INDEX DONOR DONOR_INDEX
//       IN with its block INDEX (0: the root) replaced by block DONOR_INDEX of the CAR DONOR
import { readFile, writeFile } from 'node:fs/promises'
import { CarReader, CarWriter } from '@ipld/car'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'

const hex = (bytes) => '0x' + Buffer.from(bytes).toString('hex')

async function read (path) {
  const reader = await CarReader.fromBytes(await readFile(path))
  const blocks = []
  for await (const block of reader.blocks()) blocks.push(block)
  return { roots: await reader.getRoots(), blocks }
}

async function write (path, roots, blocks) {
  const { writer, out } = CarWriter.create(roots)
  const chunks = []
  const collected = (async () => { for await (const chunk of out) chunks.push(chunk) })()
  for (const block of blocks) await writer.put(block)
  await writer.close()
  await collected
  await writeFile(path, Buffer.concat(chunks))
}

const [command, ...args] = process.argv.slice(2)
if (command === 'list') {
  const { roots, blocks } = await read(args[0])
  const listed = []
  for (const { cid, bytes } of blocks) {
    const digest = await sha256.digest(bytes)
    listed.push({
      cid: cid.toString(),
      codec: cid.code,
      size: bytes.length,
      hash_ok: cid.multihash.code === sha256.code && Buffer.compare(digest.digest, cid.multihash.digest) === 0
    })
  }
  const root = blocks.find((block) => block.cid.equals(roots[0]))
  const decoded = root ? dagCbor.decode(root.bytes) : null
  let proof = null
  if (decoded) {
    const anchor = decoded.anchor
      ? Object.fromEntries(Object.entries(decoded.anchor).map(([k, v]) => [k, v instanceof Uint8Array ? hex(v) : v]))
      : null
    proof = { type: decoded.type, path: decoded.path, commit: decoded.commit ? String(decoded.commit) : null, anchor }
  }
  process.stdout.write(JSON.stringify({ roots: roots.map(String), blocks: listed, proof }) + '\n')
} else if (command === 'forge') {
  const [input, output, field, value] = args
  const { roots, blocks } = await read(input)
  const proof = dagCbor.decode(blocks[0].bytes)
  if (['block', 'chain', 'logIndex'].includes(field)) proof.anchor[field] = Number(value)
  else if (['transaction', 'blockHash', 'registry'].includes(field)) proof.anchor[field] = Buffer.from(value.slice(2), 'hex')
  else proof.anchor[field] = value
  const bytes = dagCbor.encode(proof)
  const cid = CID.createV1(dagCbor.code, await sha256.digest(bytes))
  if (!roots[0].equals(blocks[0].cid)) throw new Error('the root is not the first block')
  await write(output, [cid], [{ cid, bytes }, ...blocks.slice(1)])
  process.stdout.write(cid.toString() + '\n')
} else if (command === 'replace') {
  const [input, output, index, donor, donorIndex] = args
  const { roots, blocks } = await read(input)
  const donated = (await read(donor)).blocks[Number(donorIndex)]
  blocks[Number(index)] = donated
  await write(output, Number(index) === 0 ? [donated.cid] : roots, blocks)
} else {
  process.stderr.write('usage: node proof-car.mjs list FILE | forge IN OUT FIELD VALUE | replace IN OUT INDEX DONOR DONOR_INDEX\n')
  process.exit(2)
}
