// Vectors for the balanced file layout at toy sizes: ipfs-unixfs-importer run with a given chunk size and
// links-per-node limit on the bytes i % 251 (i = 0 … LENGTH-1), printing the root CID and its Tsize.
// Small numbers give trees several levels deep from a few dozen bytes (tests/vectors/README.md).
//
//   node file-dag.mjs CID_VERSION RAW_LEAVES(0|1) CHUNK_SIZE MAX_LINKS LENGTH
import { BlackHoleBlockstore } from 'blockstore-core'
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'

const [cidVersion, rawLeaves, chunkSize, maxChildrenPerNode, length] = process.argv.slice(2).map(Number)
const content = Uint8Array.from({ length }, (_, i) => i % 251)
const options = {
  cidVersion,
  rawLeaves: rawLeaves === 1,
  chunker: fixedSize({ chunkSize }),
  layout: balanced({ maxChildrenPerNode })
}
for await (const entry of importer([{ content }], new BlackHoleBlockstore(), options)) {
  process.stdout.write(`${entry.cid.toString()} ${entry.size}\n`)
}
