// The reference for `mlchain cid`: ipfs-unixfs-importer (the JS implementation of IPIP-499's profiles)
// run on files and directory trees read from disk, printing "<cid>  <path>" per argument exactly as
// `mlchain cid` does, so the interop tests can diff the two outputs.
//
//   node unixfs-cid.mjs PROFILE PATH...
//
// Files are streamed from disk (never whole in memory); directories are walked recursively in bytewise
// name order, empty directories kept, symlinks imported as symlink nodes and never followed.
import { createReadStream } from 'node:fs'
import { lstat, readdir, readlink } from 'node:fs/promises'
import { BlackHoleBlockstore } from 'blockstore-core'
import { importer } from 'ipfs-unixfs-importer'

const [profile, ...paths] = process.argv.slice(2)
if (profile !== 'unixfs-v1-2025' && profile !== 'unixfs-v0-2015' || paths.length === 0) {
  process.stderr.write('usage: node unixfs-cid.mjs unixfs-v1-2025|unixfs-v0-2015 PATH...\n')
  process.exit(2)
}

const readChunkBytes = 1024 * 1024

function fileContent (path) {
  return createReadStream(path, { highWaterMark: readChunkBytes })
}

function byteOrder (a, b) {
  return Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8'))
}

// Import candidates for a directory tree rooted at `rootName`, parents before children.
async function * treeCandidates (diskPath, importPath) {
  const info = await lstat(diskPath)
  if (info.isSymbolicLink()) {
    yield { path: importPath, link: await readlink(diskPath) }
  } else if (info.isDirectory()) {
    yield { path: importPath }
    const entries = await readdir(diskPath, { withFileTypes: true })
    entries.sort(byteOrder)
    for (const entry of entries) {
      yield * treeCandidates(`${diskPath}/${entry.name}`, `${importPath}/${entry.name}`)
    }
  } else if (info.isFile()) {
    yield { path: importPath, content: fileContent(diskPath) }
  } else {
    throw new Error(`${diskPath} is neither a file, a directory nor a symlink`)
  }
}

async function cidOf (path) {
  const info = await lstat(path)
  const blockstore = new BlackHoleBlockstore()
  if (info.isFile()) {
    let root
    for await (const entry of importer([{ content: fileContent(path) }], blockstore, { profile })) root = entry
    return root.cid
  }
  if (info.isSymbolicLink()) {
    let root
    for await (const entry of importer([{ path: 'link', link: await readlink(path) }], blockstore, { profile })) root = entry
    return root.cid
  }
  const rootName = 'root'
  let root
  for await (const entry of importer(treeCandidates(path, rootName), blockstore, { profile })) {
    if (entry.path === rootName) root = entry
  }
  return root.cid
}

for (const path of paths) {
  const cid = await cidOf(path)
  process.stdout.write(`${cid.toString()}  ${path}\n`)
}
