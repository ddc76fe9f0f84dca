/**
 * Regenerates `test/fixtures/fp-oracle.bin.gz`: expected results and exception flags of F and D
 * instructions on a large random set of operands biased to edge values (±0, subnormals, ±inf,
 * quiet and signalling NaNs, the largest and smallest normals, values halfway between
 * representable results, integer limits), in every rounding mode, computed once by an
 * independent reference: a static rv64gc Linux program (`scripts/fp-oracle/generator.c`, written
 * by this script from the operation table in `test/utils/FpOps.ts`, each instruction as assembly
 * text with its static rounding mode, so GNU as encodes it, not our assembler) run under
 * qemu-riscv64. The program clears `fflags`, runs the instruction and reads `fflags` back.
 *
 *   npm run fp-oracle -w @zxsim/riscv -- [cases] [seed]
 *
 * Needs riscv64-linux-gnu-gcc and qemu-riscv64. The fixture: gzip of records
 * `op u8, rm u8, flags u8, sources (f: the op's width in bytes; x: 8), result (f: the result's
 * width; x: 8)`, little-endian, single-precision values as their 32 bits (NaN-boxed in the
 * register).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { FP_OPS, type FpOp } from "../test/utils/FpOps.js"

const here = dirname(fileURLToPath(import.meta.url))
const fixture = join(here, "..", "test", "fixtures", "fp-oracle.bin.gz")
const source = join(here, "fp-oracle", "generator.c")
const count = Number(process.argv[2] ?? 150_000)
let seed = Number(process.argv[3] ?? 0xf10a7) >>> 0

const RM_NAMES = ["rne", "rtz", "rdn", "rup", "rmm"]

// ---- the generator program ---------------------------------------------------------------------

/** The assembly text of `op` in mode `rm`: f0..f2 / %[a] sources, f3 / %[r] result. */
const asmText = (op: FpOp, rm: number): string => {
  const dest = op.result === "f" ? "f3" : "%[r]"
  const sources = op.sources.map((k, i) => (k === "f" ? `f${i}` : "%[a]"))
  const mode = op.rounds ? `, ${RM_NAMES[rm]}` : ""
  return `${op.name} ${[dest, ...sources].join(", ")}${mode}`
}

const program = (): string => {
  const cases: Array<string> = []
  FP_OPS.forEach((op, index) => {
    for (let rm = 0; rm < (op.rounds ? 5 : 1); rm++) {
      const body = [
        "fmv.d.x f0, %[a]",
        "fmv.d.x f1, %[b]",
        "fmv.d.x f2, %[c]",
        "fsflags zero",
        asmText(op, rm),
        "frflags %[f]",
        ...(op.result === "f" ? ["fmv.x.d %[r], f3"] : [])
      ]
      cases.push(
        `    case ${index * 8 + rm}: /* ${op.name} ${op.rounds ? RM_NAMES[rm] : ""} */\n` +
          `      __asm__ volatile(${body.map((l) => JSON.stringify(l + "\n\t")).join(" ")}\n` +
          `        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");\n` +
          `      break;`
      )
    }
  })
  return `/*
 * The FP result oracle's reference program (written by scripts/generate-fp-oracle.ts; do not
 * edit). Reads records {u32 code = op * 8 + rm, u32 pad, u64 a, b, c} from stdin and writes
 * {u64 result, u64 fflags} to stdout for each, running the instruction with its static rounding
 * mode after clearing fflags. Built with riscv64-linux-gnu-gcc -static -march=rv64gc and run
 * under qemu-riscv64.
 */
#include <stdint.h>
#include <stdio.h>

struct input { uint32_t code, pad; uint64_t a, b, c; };
struct output { uint64_t result, flags; };

static struct output run(uint32_t code, uint64_t a, uint64_t b, uint64_t c) {
  uint64_t r = 0, f = 0;
  switch (code) {
${cases.join("\n")}
    default:
      f = ~0ull;
  }
  struct output o = { r, f };
  return o;
}

int main(void) {
  struct input in;
  while (fread(&in, sizeof in, 1, stdin) == 1) {
    struct output o = run(in.code, in.a, in.b, in.c);
    fwrite(&o, sizeof o, 1, stdout);
  }
  return 0;
}
`
}

// ---- operands -------------------------------------------------------------------------------------

/** xorshift32, so the sample is reproducible. */
const next = (): number => {
  seed ^= seed << 13
  seed >>>= 0
  seed ^= seed >>> 17
  seed ^= seed << 5
  seed >>>= 0
  return seed
}
const below = (n: number) => next() % n
const pick = <T>(xs: ReadonlyArray<T>): T => xs[below(xs.length)]
const random64 = (): bigint => (BigInt(next()) << 32n) | BigInt(next())

const buffer = new DataView(new ArrayBuffer(8))
const bitsOf64 = (x: number): bigint => (buffer.setFloat64(0, x, true), buffer.getBigUint64(0, true))
const bitsOf32 = (x: number): bigint => (buffer.setFloat32(0, x, true), BigInt(buffer.getUint32(0, true)))
const valueOf = (width: 4 | 8, bits: bigint): number => {
  if (width === 8) return (buffer.setBigUint64(0, bits, true), buffer.getFloat64(0, true))
  return (buffer.setUint32(0, Number(bits), true), buffer.getFloat32(0, true))
}

interface Shape {
  readonly p: number
  readonly bias: number
  readonly expMax: number
  readonly width: 4 | 8
}
const S: Shape = { p: 24, bias: 127, expMax: 255, width: 4 }
const D: Shape = { p: 53, bias: 1023, expMax: 2047, width: 8 }

const make = (f: Shape, sign: number, exponent: number, fraction: bigint): bigint =>
  (BigInt(sign) << BigInt(f.width * 8 - 1)) | (BigInt(exponent) << BigInt(f.p - 1)) |
  (fraction & ((1n << BigInt(f.p - 1)) - 1n))

const edges = (f: Shape): Array<bigint> => {
  const frac = (1n << BigInt(f.p - 1)) - 1n
  const quiet = 1n << BigInt(f.p - 2)
  const of = (x: number) => (f.width === 8 ? bitsOf64(x) : bitsOf32(x))
  const values = [
    make(f, 0, 0, 0n),
    make(f, 1, 0, 0n),
    make(f, 0, 0, 1n),
    make(f, 1, 0, 1n),
    make(f, 0, 0, frac),
    make(f, 1, 0, frac),
    make(f, 0, 1, 0n),
    make(f, 1, 1, 0n),
    make(f, 0, f.expMax - 1, frac),
    make(f, 1, f.expMax - 1, frac),
    make(f, 0, f.expMax, 0n),
    make(f, 1, f.expMax, 0n),
    make(f, 0, f.expMax, quiet),
    make(f, 1, f.expMax, quiet),
    make(f, 0, f.expMax, quiet | 5n),
    make(f, 0, f.expMax, 1n),
    make(f, 1, f.expMax, 3n),
    make(f, 0, f.expMax, quiet - 1n),
    make(f, 0, f.bias, 0n),
    make(f, 1, f.bias, 0n),
    make(f, 0, f.bias, 1n),
    make(f, 0, f.bias - 1, frac),
    make(f, 0, f.bias + 1, 0n),
    make(f, 0, 1, 1n),
    make(f, 0, 0, 1n << BigInt(f.p - 2)),
    make(f, 0, f.expMax - 1, 0n)
  ]
  for (
    const x of [
      0.5,
      1.5,
      2.5,
      -0.5,
      -1.5,
      -2.5,
      3,
      0.1,
      2147483647,
      2147483647.5,
      2147483648,
      -2147483648,
      -2147483648.5,
      -2147483649,
      4294967295,
      4294967295.5,
      4294967296,
      2 ** 63, // 2^63 - 1 as a double
      2 ** 63,
      -(2 ** 63),
      2 ** 64, // 2^64 - 1 as a double
      2 ** 64,
      16777216,
      16777217,
      2 ** 53, // 2^53 + 1 as a double
      -0.75,
      1e-300,
      3e38,
      1e308
    ]
  ) {
    values.push(of(x))
  }
  return values
}
const EDGES = new Map<number, Array<bigint>>([[4, edges(S)], [8, edges(D)]])

/** A value with few significant bits (likely to give exact or halfway results), near `exponent`. */
const fewBits = (f: Shape, exponent: number): bigint => {
  const bits = 1 + below(f.p)
  const fraction = (random64() & ((1n << BigInt(bits)) - 1n)) << BigInt(f.p - 1 - Math.min(bits, f.p - 1))
  return make(f, below(2), Math.max(0, Math.min(f.expMax - 1, exponent)), fraction)
}

const randomFloat = (f: Shape): bigint => {
  const roll = below(10)
  if (roll < 3) return pick(EDGES.get(f.width)!)
  const mask = (1n << BigInt(f.width * 8)) - 1n
  if (roll < 4) return random64() & mask
  const exponent = roll < 7 ? f.bias - 30 + below(60) : roll < 8 ? below(f.p + 2) : f.expMax - 1 - below(f.p + 2)
  if (roll < 6) return fewBits(f, exponent)
  return make(f, below(2), Math.max(0, Math.min(f.expMax - 1, exponent)), random64())
}

const INT_EDGES = [
  0n,
  1n,
  2n,
  3n,
  (1n << 64n) - 1n,
  0x7fffffffn,
  0x80000000n,
  0xffffffffn,
  0x100000000n,
  0xffffffff80000000n,
  0x7fffffffffffffffn,
  0x8000000000000000n,
  0x1000001n,
  0xffffffffff000001n,
  0x20000000000001n,
  0x20000000000003n,
  0x7fffffc0n,
  0x7fffff80n,
  0xfffffffffffffc01n
]
const randomInteger = (): bigint => {
  const roll = below(6)
  if (roll < 2) return pick(INT_EDGES)
  if (roll < 3) return random64()
  // A value with a bounded number of significant bits, either sign, sign-extended from 32 bits sometimes.
  const bits = 1 + below(64)
  let v = random64() & ((1n << BigInt(bits)) - 1n)
  if (below(2) === 0) v = BigInt.asUintN(64, -v)
  if (below(3) === 0) v = BigInt.asUintN(64, BigInt.asIntN(32, v))
  return v
}

/** Operands for `op`: sometimes derived from each other to provoke cancellation and ties. */
const operands = (op: FpOp): Array<bigint> => {
  const f: Shape = op.width === 8 ? D : S
  const xs = op.sources.map((k) => (k === "x" ? randomInteger() : randomFloat(f)))
  if (op.sources.length >= 2 && op.sources[0] === "f" && below(5) === 0) {
    // b close to a (cancellation, equal values, signed zeros).
    const a = xs[0]
    xs[1] = below(2) === 0 ? a ^ (1n << BigInt(f.width * 8 - 1)) : a + BigInt(below(3)) - 1n
    xs[1] &= (1n << BigInt(f.width * 8)) - 1n
  }
  if (op.sources.length === 3 && below(3) === 0) {
    // c close to -(a * b): the product's low bits decide the result.
    const product = valueOf(f.width, xs[0]) * valueOf(f.width, xs[1])
    const c = f.width === 8 ? bitsOf64(-product) : bitsOf32(-product)
    xs[2] = (c + BigInt(below(5)) - 2n) & ((1n << BigInt(f.width * 8)) - 1n)
  }
  return xs
}

// ---- run ------------------------------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), "fp-oracle-"))
writeFileSync(source, program())
const binary = join(work, "generator")
const cc = spawnSync(
  "riscv64-linux-gnu-gcc",
  ["-O1", "-static", "-march=rv64gc", "-mabi=lp64d", "-o", binary, source],
  { encoding: "utf8" }
)
if (cc.status !== 0) throw new Error(`riscv64-linux-gnu-gcc failed:\n${cc.stderr}`)

interface Case {
  readonly op: number
  readonly rm: number
  readonly sources: Array<bigint>
}
const cases: Array<Case> = []
for (let i = 0; i < count; i++) {
  const op = below(FP_OPS.length)
  const desc = FP_OPS[op]
  cases.push({ op, rm: desc.rounds ? below(5) : 0, sources: operands(desc) })
}
const box = (desc: FpOp, kind: string, v: bigint) => (kind === "f" && desc.width === 4 ? v | 0xffffffff00000000n : v)
const input = new DataView(new ArrayBuffer(32 * cases.length))
cases.forEach((c, i) => {
  const desc = FP_OPS[c.op]
  input.setUint32(32 * i, c.op * 8 + c.rm, true)
  desc.sources.forEach((k, j) => input.setBigUint64(32 * i + 8 + 8 * j, box(desc, k, c.sources[j]), true))
})
const inputFile = join(work, "input.bin")
writeFileSync(inputFile, new Uint8Array(input.buffer))
const run = spawnSync("sh", ["-c", `qemu-riscv64 ${binary} < ${inputFile}`], { maxBuffer: 1 << 30 })
if (run.status !== 0) throw new Error(`qemu-riscv64 failed: ${run.stderr}`)
const output = new DataView(run.stdout.buffer, run.stdout.byteOffset, run.stdout.byteLength)
if (output.byteLength !== 16 * cases.length) throw new Error(`generator wrote ${output.byteLength} bytes`)

const bytes: Array<number> = []
const push = (v: bigint, width: number) => {
  for (let i = 0; i < width; i++) bytes.push(Number((v >> BigInt(8 * i)) & 0xffn))
}
cases.forEach((c, i) => {
  const desc = FP_OPS[c.op]
  const result = output.getBigUint64(16 * i, true)
  const flags = output.getBigUint64(16 * i + 8, true)
  if (flags > 31n) throw new Error(`case ${i} (${desc.name}): generator did not know the instruction`)
  if (desc.result === "f" && desc.resultWidth === 4 && result >> 32n !== 0xffffffffn) {
    throw new Error(`case ${i} (${desc.name}): result ${result.toString(16)} is not NaN-boxed`)
  }
  bytes.push(c.op, c.rm, Number(flags))
  desc.sources.forEach((k, j) => push(c.sources[j], k === "x" ? 8 : desc.width))
  push(result, desc.result === "x" ? 8 : desc.resultWidth)
})
const gz = gzipSync(Buffer.from(bytes), { level: 9 })
writeFileSync(fixture, gz)
rmSync(work, { recursive: true })
readFileSync(fixture)
process.stdout.write(`wrote ${fixture}: ${cases.length} cases, ${bytes.length} bytes, ${gz.length} gzipped\n`)
