// The JavaScript side of tests/interop/dag_codecs.sh: @ipld/dag-cbor and @ipld/dag-pb, the IPLD
// reference codecs, against mlchain's. Value descriptions use the line format dag_codec_tool reads.
//   node dag-codecs.mjs generate cbor|pb COUNT SEED   -> "<description>\t<hex>\t<CIDv1>" per line
//   node dag-codecs.mjs recode cbor|pb                -> block hex on stdin, decode-then-encode hex out
import * as dagCbor from '@ipld/dag-cbor'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { createInterface } from 'node:readline'

const hex = (bytes) => (bytes.length === 0 ? '-' : Buffer.from(bytes).toString('hex'))
const unhex = (text) => (text === '-' ? new Uint8Array() : new Uint8Array(Buffer.from(text, 'hex')))
const utf8 = (text) => new TextEncoder().encode(text)

// mulberry32: a small seeded generator, so a failing case can be reproduced from its seed.
function random (seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function generator (seed) {
  const next = random(seed)
  const int = (n) => Math.floor(next() * n)
  const pick = (items) => items[int(items.length)]
  const bytes = (max) => Uint8Array.from({ length: int(max + 1) }, () => int(256))
  const alphabet = ['a', 'b', 'z', 'A', '0', ' ', '/', '.', '_', 'é', 'ß', 'Ω', 'ж', '中', '文', '😀', '🤖', '\u0000', '\n', '"']
  const text = (max) => Array.from({ length: int(max + 1) }, () => pick(alphabet)).join('')
  const bigBelow = (bits) => { // a random integer in [0, 2^bits)
    let value = 0n
    for (let i = 0; i < bits; i += 16) value = (value << 16n) | BigInt(int(65536))
    return value & ((1n << BigInt(bits)) - 1n)
  }
  const cid = () => {
    const digest = Digest.create(0x12, Uint8Array.from({ length: 32 }, () => int(256)))
    switch (int(5)) {
      case 0: return CID.createV0(digest)
      case 1: return CID.createV1(0x55, digest)
      case 2: return CID.createV1(0x71, digest)
      case 3: return CID.createV1(0x55, Digest.create(0x00, bytes(40))) // identity: inline data
      default: return CID.createV1(0x70, digest)
    }
  }
  // Integers at the edges of every CBOR head width, both signs, and up to ±2^64.
  const integer = () => {
    const edges = [0n, 1n, 23n, 24n, 255n, 256n, 65535n, 65536n, 4294967295n, 4294967296n,
      9007199254740991n, 9007199254740992n, 9223372036854775807n, 9223372036854775808n, 18446744073709551615n]
    const argument = next() < 0.5 ? pick(edges) : bigBelow(pick([5, 8, 16, 32, 53, 64]))
    return next() < 0.5 ? { argument, negative: false } : { argument, negative: true }
  }
  // Floats JS keeps as floats: finite and not integer-valued (an integral number encodes as an integer).
  const float = () => {
    for (;;) {
      const bits = bigBelow(64)
      const number = new Float64Array(new BigUint64Array([bits]).buffer)[0]
      if (Number.isFinite(number) && !Number.isInteger(number)) return { bits, number }
    }
  }

  const value = (depth) => {
    const kinds = depth > 3 ? ['null', 'bool', 'int', 'float', 'bytes', 'text', 'link'] : ['null', 'bool', 'int', 'float', 'bytes', 'text', 'link', 'list', 'map', 'map']
    switch (pick(kinds)) {
      case 'null': return { js: null, desc: 'null' }
      case 'bool': { const b = next() < 0.5; return { js: b, desc: String(b) } }
      case 'int': {
        const { argument, negative } = integer()
        const big = negative ? -1n - argument : argument
        const js = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big
        return { js, desc: `${negative ? 'nint' : 'uint'} ${argument}` }
      }
      case 'float': { const { bits, number } = float(); return { js: number, desc: `float ${bits.toString(16).padStart(16, '0')}` } }
      case 'bytes': { const b = bytes(int(4) === 0 ? 300 : 20); return { js: b, desc: `bytes ${hex(b)}` } }
      case 'text': { const t = text(int(4) === 0 ? 100 : 12); return { js: t, desc: `text ${hex(utf8(t))}` } }
      case 'link': { const c = cid(); return { js: c, desc: `link ${c}` } }
      case 'list': {
        const items = Array.from({ length: int(6) }, () => value(depth + 1))
        return { js: items.map((i) => i.js), desc: [`list ${items.length}`, ...items.map((i) => i.desc)].join(' ') }
      }
      default: {
        const js = {}
        const parts = []
        for (let i = int(7); i > 0; i--) {
          const key = text(int(3) === 0 ? 30 : 6)
          if (key in js || key === '__proto__') continue
          const item = value(depth + 1)
          js[key] = item.js
          parts.push(`${hex(utf8(key))} ${item.desc}`)
        }
        return { js, desc: [`map ${parts.length}`, ...parts].join(' ') }
      }
    }
  }

  const pbNode = () => {
    const links = Array.from({ length: int(5) }, () => {
      const link = { Hash: cid() }
      if (next() < 0.7) link.Name = text(int(3) === 0 ? 40 : 8)
      if (next() < 0.7) link.Tsize = Number(bigBelow(pick([7, 16, 32, 53])))
      return link
    })
    // The dag-pb encoder requires links sorted by Name bytes (stable; a missing Name sorts as "").
    const nameBytes = (link) => Buffer.from(utf8(link.Name ?? ''))
    links.sort((a, b) => Buffer.compare(nameBytes(a), nameBytes(b)))
    const node = { Links: links }
    if (next() < 0.7) node.Data = bytes(int(4) === 0 ? 500 : 30)
    const desc = [`pbnode ${links.length}`, ...links.map((l) =>
      `${l.Hash} ${l.Name === undefined ? '~' : hex(utf8(l.Name))} ${l.Tsize === undefined ? '~' : l.Tsize}`),
    node.Data === undefined ? '~' : hex(node.Data)].join(' ')
    return { js: node, desc }
  }

  return { value: () => value(0), pbNode }
}

async function generate (codec, count, seed) {
  const make = generator(seed)
  for (let i = 0; i < count; i++) {
    const { js, desc } = codec === 'cbor' ? make.value() : make.pbNode()
    const block = codec === 'cbor' ? dagCbor.encode(js) : dagPb.encode(dagPb.prepare(js))
    const cid = CID.createV1(codec === 'cbor' ? dagCbor.code : dagPb.code, await sha256.digest(block))
    process.stdout.write(`${desc}\t${hex(block)}\t${cid}\n`)
  }
}

async function recode (codec) {
  const lines = createInterface({ input: process.stdin })
  for await (const line of lines) {
    try {
      const block = unhex(line)
      const again = codec === 'cbor' ? dagCbor.encode(dagCbor.decode(block)) : dagPb.encode(dagPb.decode(block))
      process.stdout.write(`${hex(again)}\n`)
    } catch (error) {
      process.stdout.write(`rejected: ${error.message}\n`)
    }
  }
}

const [mode, codec, count, seed] = process.argv.slice(2)
if (mode === 'generate' && (codec === 'cbor' || codec === 'pb')) {
  await generate(codec, Number(count), Number(seed))
} else if (mode === 'recode' && (codec === 'cbor' || codec === 'pb')) {
  await recode(codec)
} else {
  process.stderr.write('usage: node dag-codecs.mjs generate cbor|pb COUNT SEED | recode cbor|pb\n')
  process.exit(2)
}
