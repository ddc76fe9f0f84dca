/**
 * Regenerates `test/fixtures/decoder-oracle.txt.gz`: what LLVM's disassembler (`llvm-mc` from
 * Debian's `llvm` package) says about every 16-bit word and a biased random sample of 32-bit
 * instruction words. The decoder test reads the fixture, so CI needs no LLVM.
 *
 *   npx tsx packages/riscv/scripts/generate-decoder-oracle.ts [count32] [seed]
 *
 * Every expected text is LLVM's canonical form (`-M no-aliases -M numeric`: real mnemonics, `x`
 * register names), tab-free and with `unknown` fence sets written as `0`. A compressed word is
 * recorded as the base instruction it expands to, found without trusting our own decoder: LLVM
 * prints the expansion when aliases are on, `llvm-mc` assembles that text again without the C
 * extension (so nothing is re-compressed), and the 32-bit word it produces is disassembled in
 * canonical form. Hints, which LLVM keeps in their compressed spelling, are recorded as
 * `hint <text>`.
 *
 * Fixture lines: `<hex word> <tab> <expected>`, where expected is the canonical text, `illegal`
 * (LLVM reports an invalid encoding), `hint ...`, or `long` (a 16-bit word whose low bits say the
 * instruction is 32 bits or longer).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, "..", "test", "fixtures", "decoder-oracle.txt.gz")
const count32 = Number(process.argv[2] ?? 250_000)
let seed = Number(process.argv[3] ?? 0x5eed1234) >>> 0

/** The extensions besides C that the decoder implements (C is added where wanted). */
const EXTENSIONS = "+m,+a,+f,+d,+zba,+zbb,+zbs"

const work = mkdtempSync(join(tmpdir(), "riscv-oracle-"))

/** A small deterministic generator (xorshift32), so the sample is reproducible. */
const next = (): number => {
  seed ^= seed << 13
  seed >>>= 0
  seed ^= seed >>> 17
  seed ^= seed << 5
  seed >>>= 0
  return seed
}
const below = (n: number) => next() % n
const pick = <A>(xs: ReadonlyArray<A>): A => xs[below(xs.length)]

const hexBytes = (word: number, bytes: number): string => {
  const parts: Array<string> = []
  for (let i = 0; i < bytes; i++) parts.push("0x" + ((word >>> (8 * i)) & 0xff).toString(16).padStart(2, "0"))
  return parts.join(" ")
}

const run = (args: ReadonlyArray<string>, input: string): { stdout: string; stderr: string } => {
  const file = join(work, "input.txt")
  writeFileSync(file, input)
  const result = spawnSync("llvm-mc", [...args, file], { encoding: "utf8", maxBuffer: 1 << 30 })
  if (result.error !== undefined) throw result.error
  return { stdout: result.stdout, stderr: result.stderr }
}

const disassembleArgs = (aliases: boolean) => [
  "--disassemble",
  "-triple=riscv64",
  `-mattr=${EXTENSIONS},+c`,
  ...(aliases ? ["-M", "numeric"] : ["-M", "no-aliases", "-M", "numeric"])
]

/** Disassembles one instruction per line; undefined where LLVM reports an invalid encoding. */
const disassemble = (lines: ReadonlyArray<string>, aliases: boolean): Array<string | undefined> => {
  const { stderr, stdout } = run(disassembleArgs(aliases), lines.join("\n") + "\n")
  const invalid = new Set<number>()
  for (const m of stderr.matchAll(/input\.txt:(\d+):\d+: warning: invalid instruction encoding/g)) {
    invalid.add(Number(m[1]) - 1)
  }
  const texts = stdout.split("\n").filter((l) => l.startsWith("\t") && l.trim() !== ".text").map(normalize)
  const result: Array<string | undefined> = []
  let t = 0
  for (let i = 0; i < lines.length; i++) result.push(invalid.has(i) ? undefined : texts[t++])
  if (t !== texts.length) {
    throw new Error(`llvm-mc: ${texts.length} outputs for ${lines.length - invalid.size} valid lines`)
  }
  return result
}

/** Canonical text: one space after the mnemonic, `0` for an empty fence set. */
const normalize = (line: string): string => {
  const [mnemonic, operands = ""] = line.trim().split("\t")
  let ops = operands.trim()
  if (mnemonic === "fence") ops = ops.replace(/unknown/g, "0")
  return ops === "" ? mnemonic : `${mnemonic} ${ops}`
}

/** Assembles one instruction per line without the C extension; the 32-bit words, undefined on error. */
const assemble = (lines: ReadonlyArray<string>): Array<number | undefined> => {
  const { stderr, stdout } = run(["-triple=riscv64", `-mattr=${EXTENSIONS}`, "-show-encoding"], lines.join("\n") + "\n")
  const failed = new Set<number>()
  for (const m of stderr.matchAll(/input\.txt:(\d+):\d+: error/g)) failed.add(Number(m[1]) - 1)
  const words = [...stdout.matchAll(/# encoding: \[([^\]]*)\]/g)].map((m) =>
    m[1].split(",").reduce((acc, b, i) => acc + Number(b) * 2 ** (8 * i), 0)
  )
  const result: Array<number | undefined> = []
  let w = 0
  for (let i = 0; i < lines.length; i++) result.push(failed.has(i) ? undefined : words[w++])
  if (w !== words.length) throw new Error(`llvm-mc: ${words.length} encodings for ${lines.length - failed.size} lines`)
  return result
}

// ---- 16-bit words ------------------------------------------------------------------------------

const short: Array<number> = []
for (let h = 0; h < 0x10000; h++) if ((h & 3) !== 3) short.push(h)
const shortLines = short.map((h) => hexBytes(h, 2))
const canonical16 = disassemble(shortLines, false)
const aliased16 = disassemble(shortLines, true)
const expandable: Array<number> = []
for (let i = 0; i < short.length; i++) {
  const text = aliased16[i]
  if (text !== undefined && !text.startsWith("c.")) expandable.push(i)
}
const expanded = assemble(expandable.map((i) => aliased16[i]!))
const expandedCanonical = disassemble(expanded.map((w) => hexBytes(w ?? 0, 4)), false)
const expandedAliased = disassemble(expanded.map((w) => hexBytes(w ?? 0, 4)), true)
const expected16 = new Map<number, string>()
for (let i = 0; i < short.length; i++) {
  const text = canonical16[i]
  expected16.set(short[i], text === undefined ? "illegal" : `hint ${text}`)
}
expandable.forEach((i, k) => {
  const word = expanded[k]
  const text = expandedCanonical[k]
  if (word === undefined || text === undefined) throw new Error(`cannot expand ${shortLines[i]}: ${aliased16[i]}`)
  // The round trip must be exact: the re-assembled word prints as the expansion LLVM showed.
  if (expandedAliased[k] !== aliased16[i]) throw new Error(`round trip of ${aliased16[i]} gave ${expandedAliased[k]}`)
  expected16.set(short[i], text)
})

// ---- 32-bit words ------------------------------------------------------------------------------

const OPCODES = [0x03, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x2f, 0x33, 0x37, 0x3b, 0x63, 0x67, 0x6f, 0x73]
// The opcodes of F and D, sampled more often than the others (they have the most encodings).
const FP_OPCODES = [0x07, 0x27, 0x43, 0x47, 0x4b, 0x4f, 0x53, 0x53, 0x53, 0x53]
// Opcodes of extensions we do not implement, custom space and reserved space.
const OTHER_OPCODES = [0x57, 0x0b, 0x2b, 0x5b, 0x7b, 0x77, 0x6b]
// OP-FP funct5 values that name operations.
const FP_FUNCT5 = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x0b, 0x14, 0x18, 0x1a, 0x1c, 0x1e]
// funct7 values of OP and OP-32 for M, the base and the bit-manipulation extensions.
const OP_FUNCT7 = [0x00, 0x20, 0x01, 0x04, 0x05, 0x10, 0x14, 0x24, 0x30, 0x34]
// OP-IMM and OP-IMM-32 shift-like funct6 values (base, Zba, Zbb, Zbs), and whole funct12 values.
const IMM_FUNCT6 = [0x00, 0x10, 0x02, 0x0a, 0x12, 0x18, 0x1a]
const IMM_FUNCT12 = [0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x287, 0x6b8, 0x698, 0x680]
const AMO_FUNCT5 = [0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c]
const CSRS = [0xc00, 0xc01, 0xc02, 0xc03, 0xc1f, 0xc80, 0xc81, 0xc82, 0x001, 0x002, 0x003, 0x100, 0x300, 0xf14, 0x7c0]

const setField = (word: number, value: number, shift: number, bits: number): number => {
  const mask = ((2 ** bits - 1) * 2 ** shift) >>> 0
  return ((word & ~mask) | ((value * 2 ** shift) & mask)) >>> 0
}

const sample32 = (): number => {
  const roll = below(100)
  if (roll < 8) return (next() | 3) >>> 0
  let w = next()
  const opcode = roll < 12 ? pick(OTHER_OPCODES) : roll < 50 ? pick(FP_OPCODES) : pick(OPCODES)
  w = setField(w, opcode, 0, 7)
  const bias = below(4) !== 0
  switch (opcode) {
    case 0x33:
    case 0x3b:
      if (bias) w = setField(w, pick(OP_FUNCT7), 25, 7)
      if (bias && below(4) === 0) w = setField(w, 0, 20, 5)
      break
    case 0x13:
    case 0x1b:
      if (bias && ((w >>> 12) & 3) === 1) {
        if (below(3) === 0) w = setField(w, pick(IMM_FUNCT12), 20, 12)
        else w = setField(w, pick(IMM_FUNCT6), 26, 6)
      }
      if (bias && opcode === 0x1b && below(2) === 0) w = setField(w, pick([0x00, 0x20, 0x30]), 25, 7)
      break
    case 0x07:
    case 0x27:
      if (bias) w = setField(w, pick([2, 3]), 12, 3)
      break
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f:
      if (bias) w = setField(w, below(2), 25, 2)
      break
    case 0x53:
      if (bias) {
        w = setField(w, pick(FP_FUNCT5) * 4 + (below(5) === 0 ? below(4) : below(2)), 25, 7)
        if (below(2) === 0) w = setField(w, below(4), 20, 5)
        if (below(2) === 0) w = setField(w, pick([0, 1, 2, 3, 4, 7]), 12, 3)
      }
      break
    case 0x2f:
      if (bias) {
        w = setField(w, pick(AMO_FUNCT5), 27, 5)
        w = setField(w, pick([2, 3]), 12, 3)
        if (((w >>> 27) & 31) === 2 && below(2) === 0) w = setField(w, 0, 20, 5)
      }
      break
    case 0x73:
      if (bias) {
        if (below(4) === 0) {
          w = pick([0x00000073, 0x00100073, 0x10500073, 0x30200073, 0x12000073, 0x10200073])
          if (below(3) === 0) w = setField(w, next(), 7, 5)
        } else {
          w = setField(w, pick(CSRS), 20, 12)
          if (below(2) === 0) w = setField(w, 0, 15, 5)
        }
      }
      break
    case 0x0f:
      if (bias) {
        w = setField(w, below(2), 12, 3)
        if (below(2) === 0) w = setField(w, 0, 7, 5)
        if (below(2) === 0) w = setField(w, 0, 15, 5)
        if (below(2) === 0) w = setField(w, pick([0, 8]), 28, 4)
        if (below(4) === 0 && ((w >>> 12) & 7) === 1) w = setField(w, 0, 20, 12)
      }
      break
    case 0x67:
      if (bias) w = setField(w, 0, 12, 3)
      break
  }
  return w
}

const seen = new Set<number>()
const long: Array<number> = []
while (long.length < count32) {
  const w = sample32()
  if (seen.has(w)) continue
  seen.add(w)
  long.push(w)
}
const expected32 = disassemble(long.map((w) => hexBytes(w, 4)), false)

// ---- write -------------------------------------------------------------------------------------

const lines: Array<string> = []
for (let h = 0; h < 0x10000; h++) {
  lines.push(`${h.toString(16).padStart(4, "0")}\t${(h & 3) === 3 ? "long" : expected16.get(h)}`)
}
long.forEach((w, i) => lines.push(`${w.toString(16).padStart(8, "0")}\t${expected32[i] ?? "illegal"}`))
const gz = gzipSync(Buffer.from(lines.join("\n") + "\n"), { level: 9 })
writeFileSync(out, gz)
rmSync(work, { recursive: true })
const illegal32 = expected32.filter((t) => t === undefined).length
process.stdout.write(
  `wrote ${out}: ${lines.length} lines (${0x10000} 16-bit words, ${long.length} 32-bit words, ${illegal32} of them illegal), ${gz.length} bytes\n`
)
