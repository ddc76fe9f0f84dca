import { assert, describe, it } from "@effect/vitest"
import { decode, type Instruction, instructionLength, Op } from "@zxsim/riscv/Decoder"
import { disassemble, format } from "@zxsim/riscv/Disassembler"
import { readFileSync } from "node:fs"
import { gunzipSync } from "node:zlib"

/**
 * The oracle: what `llvm-mc --disassemble -triple=riscv64 -mattr=+m,+a,+f,+d,+c,+zba,+zbb,+zbs -M no-aliases -M numeric`
 * says about every 16-bit word and 250,000 biased random 32-bit words (see
 * scripts/generate-decoder-oracle.ts). Compressed words are recorded as LLVM's expansion.
 */
const lines = gunzipSync(readFileSync(new URL("./fixtures/decoder-oracle.txt.gz", import.meta.url)))
  .toString("utf8").trimEnd().split("\n")
interface Entry {
  readonly word: number
  /** A 32-bit word (8 hex digits in the fixture) rather than a 16-bit one (4 digits). */
  readonly long: boolean
  readonly expected: string
}
const oracle: ReadonlyArray<Entry> = lines.map((line) => {
  const tab = line.indexOf("\t")
  return { word: parseInt(line.slice(0, tab), 16), long: tab === 8, expected: line.slice(tab + 1) }
})

/** Writes `x0` or is a shift by 0 of a register onto itself: no architectural effect. */
const hasNoEffect = (insn: Instruction) =>
  insn.rd === 0 ||
  ((insn.op === Op.SLLI || insn.op === Op.SRLI || insn.op === Op.SRAI) && insn.imm === 0 && insn.rd === insn.rs1)

/**
 * Where this decoder deliberately differs from LLVM 14, each rule limited to the encodings it is
 * about (so it cannot hide a real mismatch). Returns a failure message, "" when the rule accepts
 * the decoding, or undefined when no rule applies.
 */
const deliberate = ({ expected, long, word }: Entry, insn: Instruction): string | undefined => {
  const illegal = insn.op === Op.ILLEGAL
  const opcode = word & 0x7f
  const funct3 = (word >>> 12) & 7
  const mnemonic = expected.split(" ")[0]
  // `unimp` (c.unimp = 0x0000, and csrrw x0, cycle, x0) is the ISA's designated illegal instruction.
  if (mnemonic === "unimp") return illegal ? "" : "unimp must be illegal"
  if (!long && expected.startsWith("hint ")) {
    // `c.lui x0, 0` has nzimm = 0, which is reserved rather than a hint.
    if (expected === "hint c.lui x0, 0") return illegal ? "" : "c.lui with nzimm 0 is reserved"
    // Other hints run as the base instruction their expansion gives, which has no effect.
    return !illegal && hasNoEffect(insn) ? "" : "a hint must decode to an instruction without effect"
  }
  // C.LUI with nzimm = 0 is reserved; LLVM 14 decodes it as `lui rd, 0`.
  if (!long && (word & 0xe003) === 0x6001 && (word & 0x107c) === 0 && /^lui x\d+, 0$/.test(expected)) {
    return illegal ? "" : "c.lui with nzimm 0 is reserved"
  }
  // C.MV: the ISA expands it to `add rd, x0, rs2`; LLVM's table uses `addi rd, rs2, 0` (same result).
  if (!long && (word & 0xf003) === 0x8002) {
    const rd = (word >>> 7) & 31
    const rs2 = (word >>> 2) & 31
    if (expected === `addi x${rd}, x${rs2}, 0`) {
      return format(insn) === `add x${rd}, x0, x${rs2}`
        ? ""
        : "c.mv must expand to add rd, x0, rs2"
    }
  }
  if (long) {
    // CSRs: the FP CSRs, and reads of cycle, time and instret; everything else is illegal.
    if (opcode === 0x73 && funct3 !== 0 && /^csrr/.test(mnemonic)) {
      const csr = word >>> 20
      const rs1 = (word >>> 15) & 31
      const readsCounter = (csr === 0xc00 || csr === 0xc01 || csr === 0xc02) && rs1 === 0 && funct3 !== 1 &&
        funct3 !== 5
      if (!readsCounter && csr > 3) return illegal ? "" : `${expected} must be illegal`
    }
    // FCVT.D.S, FCVT.D.W and FCVT.D.WU never round, but their rm field is still a rounding mode
    // (the reserved 5 and 6 are illegal, dyn reads frm); LLVM 14 accepts only rm = 0.
    if (
      opcode === 0x53 && expected === "illegal" &&
      [0x42000000, 0xd2000000, 0xd2100000].includes((word & 0xfff00000) >>> 0)
    ) {
      const text = format(insn)
      if (funct3 === 5 || funct3 === 6) return illegal ? "" : "reserved rounding mode"
      return /^fcvt\.d\.(s|w|wu) f\d+, [xf]\d+$/.test(text) ? "" : `${text}: not an exact conversion`
    }
    // Privileged instructions are illegal in user mode.
    if (opcode === 0x73 && funct3 === 0 && ["mret", "sret", "uret", "wfi", "sfence.vma"].includes(mnemonic)) {
      return illegal ? "" : `${expected} is privileged`
    }
    // FENCE and FENCE.I: base implementations ignore the reserved fields (rd, rs1, FENCE.I's
    // immediate, unknown fm values) and treat the instruction as the plain fence.
    if (opcode === 0x0f && expected === "illegal" && (funct3 === 0 || funct3 === 1)) {
      return insn.op === (funct3 === 0 ? Op.FENCE : Op.FENCE_I) ? "" : "reserved fence fields are ignored"
    }
  }
  return undefined
}

describe("Decoder", () => {
  it("the oracle covers every 16-bit word and at least 200,000 32-bit words", () => {
    const short = oracle.filter((e) => !e.long)
    assert.strictEqual(short.length, 0x10000)
    assert.deepStrictEqual(short.map((e) => e.word), Array.from({ length: 0x10000 }, (_, i) => i))
    assert.isAtLeast(oracle.length - short.length, 200_000)
  })

  it("agrees with llvm-mc on every 16-bit word and every sampled 32-bit word", () => {
    const mismatches: Array<string> = []
    const rules = new Map<string, number>()
    let agreed = 0
    for (const entry of oracle) {
      const { expected, long, word } = entry
      if (expected === "long") {
        // Low bits 11: the first half of a 32-bit (or longer) instruction.
        if (instructionLength(word) !== 4) mismatches.push(`${word.toString(16)}: not a 4-byte prefix`)
        continue
      }
      const insn = decode(word)
      if (insn.length !== (long ? 4 : 2)) mismatches.push(`${word.toString(16)}: length ${insn.length}`)
      const got = insn.op === Op.ILLEGAL ? "illegal" : format(insn)
      const verdict = deliberate(entry, insn)
      if (verdict === undefined) {
        if (got === expected) agreed++
        else mismatches.push(`${word.toString(16)}: llvm "${expected}", decoder "${got}"`)
      } else if (verdict === "") {
        const key = expected.startsWith("hint ") ? "hint" : expected.split(" ")[0]
        rules.set(key, (rules.get(key) ?? 0) + 1)
      } else {
        mismatches.push(`${word.toString(16)}: llvm "${expected}", decoder "${got}": ${verdict}`)
      }
    }
    assert.deepStrictEqual(mismatches.slice(0, 20), [])
    // Most of the table is plain agreement; the deliberate differences stay a minority, and each
    // kind of them occurs (so no rule is dead).
    assert.isAbove(agreed, 250_000)
    const kinds = [
      "unimp",
      "hint",
      "lui",
      "addi",
      "csrrs",
      "csrrc",
      "csrrw",
      "csrrsi",
      "csrrci",
      "csrrwi",
      "mret",
      "illegal"
    ]
    for (const kind of kinds) assert.isAbove(rules.get(kind) ?? 0, 0, kind)
  })

  it("ILLEGAL carries the instruction bits", () => {
    const insn = decode(0xffffffff)
    assert.strictEqual(insn.op, Op.ILLEGAL)
    assert.strictEqual(insn.imm >>> 0, 0xffffffff)
    assert.strictEqual(insn.bits, 0xffffffff)
    assert.strictEqual(decode(0x0000).op, Op.ILLEGAL)
    assert.strictEqual(decode(0x0000).length, 2)
  })

  it("immediates are sign-extended the way the ISA says", () => {
    assert.strictEqual(disassemble(0xfff00093), "addi x1, x0, -1")
    assert.strictEqual(decode(0x800000b7).imm, -0x80000000) // lui x1, 0x80000
    assert.strictEqual(decode(0x8000006f).imm, -(1 << 20)) // jal x0, -1 MiB
    assert.strictEqual(decode(0x80000063).imm, -4096) // beq x0, x0, -4096
  })
})
