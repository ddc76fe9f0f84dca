/**
 * A tiny RV64GC (plus Zba, Zbb, Zbs) assembler for tests: one encode function per instruction format, one per
 * instruction (named after its mnemonic, operands in assembly order), the compressed forms under
 * {@link C}, a few pseudo-instructions (`li`, `mv`, `nop`, `j`, `ret`), and {@link assemble} to lay
 * out a program with labels. Encoders throw a `RangeError` on an operand that does not fit: a
 * test with a bad operand is a bug in the test.
 *
 * ```ts
 * const code = assemble([
 *   li(Reg.a0, 10),
 *   label("loop"),
 *   addi(Reg.a0, Reg.a0, -1),
 *   bne(Reg.a0, Reg.zero, "loop"),
 *   ecall()
 * ])
 * ```
 *
 * @since 0.1.0
 */

/**
 * Register numbers by ABI name (and `x0`–`x31`).
 *
 * @since 0.1.0
 * @category utils
 */
export const Reg = {
  zero: 0,
  ra: 1,
  sp: 2,
  gp: 3,
  tp: 4,
  t0: 5,
  t1: 6,
  t2: 7,
  s0: 8,
  fp: 8,
  s1: 9,
  a0: 10,
  a1: 11,
  a2: 12,
  a3: 13,
  a4: 14,
  a5: 15,
  a6: 16,
  a7: 17,
  s2: 18,
  s3: 19,
  s4: 20,
  s5: 21,
  s6: 22,
  s7: 23,
  s8: 24,
  s9: 25,
  s10: 26,
  s11: 27,
  t3: 28,
  t4: 29,
  t5: 30,
  t6: 31
} as const

/**
 * A compressed (16-bit) instruction in a program.
 *
 * @since 0.1.0
 * @category models
 */
export interface Half {
  readonly _tag: "Half"
  readonly bits: number
}

/**
 * A position in a program that branches and jumps can name.
 *
 * @since 0.1.0
 * @category models
 */
export interface Label {
  readonly _tag: "Label"
  readonly name: string
}

/**
 * An instruction whose encoding depends on where a label ends up.
 *
 * @since 0.1.0
 * @category models
 */
export interface Deferred {
  readonly _tag: "Deferred"
  readonly length: 2 | 4
  /** The encoding, given this instruction's address and every label's address. */
  readonly encode: (at: number, labels: ReadonlyMap<string, number>) => number
}

/**
 * One item of a program: a 32-bit instruction word, or one of the tagged items.
 *
 * @since 0.1.0
 * @category models
 */
export type Item = number | Half | Label | Deferred

/**
 * A program: items, nested arrays of items (flattened), or raw bytes.
 *
 * @since 0.1.0
 * @category models
 */
export type Program = ReadonlyArray<Item | Uint8Array | Program>

/**
 * A branch or jump target: a byte offset from the instruction, or a label.
 *
 * @since 0.1.0
 * @category models
 */
export type Target = number | string

const check = (value: number, bits: number, signed: boolean, what: string, multiple = 1): void => {
  const min = signed ? -(2 ** (bits - 1)) : 0
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1
  if (!Number.isInteger(value) || value < min || value > max || value % multiple !== 0) {
    throw new RangeError(
      `${what} ${value} does not fit ${signed ? "signed" : "unsigned"} ${bits} bits${
        multiple > 1 ? ` as a multiple of ${multiple}` : ""
      }`
    )
  }
}
const reg = (r: number, what = "register"): number => {
  check(r, 5, false, what)
  return r
}

// ---- formats -------------------------------------------------------------------------------------

/**
 * R-type: `funct7 | rs2 | rs1 | funct3 | rd | opcode`.
 *
 * @since 0.1.0
 * @category utils
 */
export const rType = (opcode: number, rd: number, funct3: number, rs1: number, rs2: number, funct7: number): number =>
  ((funct7 << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (funct3 << 12) | (reg(rd) << 7) | opcode) >>> 0

/**
 * I-type with a signed 12-bit immediate.
 *
 * @since 0.1.0
 * @category utils
 */
export const iType = (opcode: number, rd: number, funct3: number, rs1: number, imm: number): number => {
  check(imm, 12, true, "immediate")
  return (((imm & 0xfff) << 20) | (reg(rs1) << 15) | (funct3 << 12) | (reg(rd) << 7) | opcode) >>> 0
}

/**
 * S-type with a signed 12-bit offset.
 *
 * @since 0.1.0
 * @category utils
 */
export const sType = (opcode: number, funct3: number, rs1: number, rs2: number, imm: number): number => {
  check(imm, 12, true, "offset")
  return ((((imm >> 5) & 0x7f) << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (funct3 << 12) | ((imm & 31) << 7) |
    opcode) >>> 0
}

/**
 * B-type with a signed 13-bit, even offset.
 *
 * @since 0.1.0
 * @category utils
 */
export const bType = (opcode: number, funct3: number, rs1: number, rs2: number, imm: number): number => {
  check(imm, 13, true, "branch offset", 2)
  return ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) |
    (funct3 << 12) | (((imm >> 1) & 15) << 8) | (((imm >> 11) & 1) << 7) | opcode) >>> 0
}

/**
 * U-type with the 20-bit upper immediate (signed or unsigned 20-bit value).
 *
 * @since 0.1.0
 * @category utils
 */
export const uType = (opcode: number, rd: number, imm20: number): number => {
  if (!Number.isInteger(imm20) || imm20 < -(2 ** 19) || imm20 >= 2 ** 20) {
    throw new RangeError(`upper immediate ${imm20} does not fit 20 bits`)
  }
  return (((imm20 & 0xfffff) << 12) | (reg(rd) << 7) | opcode) >>> 0
}

/**
 * J-type with a signed 21-bit, even offset.
 *
 * @since 0.1.0
 * @category utils
 */
export const jType = (opcode: number, rd: number, imm: number): number => {
  check(imm, 21, true, "jump offset", 2)
  return ((((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) |
    (((imm >> 12) & 0xff) << 12) | (reg(rd) << 7) | opcode) >>> 0
}

// ---- RV64I ---------------------------------------------------------------------------------------

const deferred = (length: 2 | 4, target: string, encode: (offset: number) => number): Deferred => ({
  _tag: "Deferred",
  length,
  encode: (at, labels) => {
    const to = labels.get(target)
    if (to === undefined) throw new RangeError(`undefined label ${target}`)
    return encode(to - at)
  }
})
const withTarget = (target: Target, length: 2 | 4, encode: (offset: number) => number): number | Deferred =>
  typeof target === "number" ? encode(target) : deferred(length, target, encode)
const half = (bits: number): Half => ({ _tag: "Half", bits })

/**
 * Marks a position.
 *
 * @since 0.1.0
 * @category utils
 */
export const label = (name: string): Label => ({ _tag: "Label", name })

/**
 * `lui rd, imm20` (rd = imm20 << 12, sign-extended).
 *
 * @since 0.1.0
 * @category utils
 */
export const lui = (rd: number, imm20: number) => uType(0x37, rd, imm20)
/**
 * `auipc rd, imm20` (rd = pc + (imm20 << 12)).
 *
 * @since 0.1.0
 * @category utils
 */
export const auipc = (rd: number, imm20: number) => uType(0x17, rd, imm20)
/**
 * `jal rd, target`.
 *
 * @since 0.1.0
 * @category utils
 */
export const jal = (rd: number, target: Target) => withTarget(target, 4, (o) => jType(0x6f, rd, o))
/**
 * `jalr rd, offset(rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const jalr = (rd: number, offset: number, rs1: number) => iType(0x67, rd, 0, rs1, offset)

const branch = (funct3: number) => (rs1: number, rs2: number, target: Target) =>
  withTarget(target, 4, (o) => bType(0x63, funct3, rs1, rs2, o))
/**
 * `beq rs1, rs2, target`.
 *
 * @since 0.1.0
 * @category utils
 */
export const beq = branch(0)
/**
 * `bne rs1, rs2, target`.
 *
 * @since 0.1.0
 * @category utils
 */
export const bne = branch(1)
/**
 * `blt rs1, rs2, target`.
 *
 * @since 0.1.0
 * @category utils
 */
export const blt = branch(4)
/**
 * `bge rs1, rs2, target`.
 *
 * @since 0.1.0
 * @category utils
 */
export const bge = branch(5)
/**
 * `bltu rs1, rs2, target`.
 *
 * @since 0.1.0
 * @category utils
 */
export const bltu = branch(6)
/**
 * `bgeu rs1, rs2, target`.
 *
 * @since 0.1.0
 * @category utils
 */
export const bgeu = branch(7)

const load = (funct3: number) => (rd: number, offset: number, rs1: number) => iType(0x03, rd, funct3, rs1, offset)
/**
 * `lb rd, offset(rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const lb = load(0)
/**
 * `lh rd, offset(rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const lh = load(1)
/**
 * `lw rd, offset(rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const lw = load(2)
/**
 * `ld rd, offset(rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ld = load(3)
/**
 * `lbu rd, offset(rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const lbu = load(4)
/**
 * `lhu rd, offset(rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const lhu = load(5)
/**
 * `lwu rd, offset(rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const lwu = load(6)

const store = (funct3: number) => (rs2: number, offset: number, rs1: number) => sType(0x23, funct3, rs1, rs2, offset)
/**
 * `sb rs2, offset(rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sb = store(0)
/**
 * `sh rs2, offset(rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sh = store(1)
/**
 * `sw rs2, offset(rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sw = store(2)
/**
 * `sd rs2, offset(rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sd = store(3)

const opImm = (funct3: number) => (rd: number, rs1: number, imm: number) => iType(0x13, rd, funct3, rs1, imm)
/**
 * `addi rd, rs1, imm`.
 *
 * @since 0.1.0
 * @category utils
 */
export const addi = opImm(0)
/**
 * `slti rd, rs1, imm`.
 *
 * @since 0.1.0
 * @category utils
 */
export const slti = opImm(2)
/**
 * `sltiu rd, rs1, imm`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sltiu = opImm(3)
/**
 * `xori rd, rs1, imm`.
 *
 * @since 0.1.0
 * @category utils
 */
export const xori = opImm(4)
/**
 * `ori rd, rs1, imm`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ori = opImm(6)
/**
 * `andi rd, rs1, imm`.
 *
 * @since 0.1.0
 * @category utils
 */
export const andi = opImm(7)

const shiftImm =
  (opcode: number, funct3: number, funct6: number, bits: number) => (rd: number, rs1: number, shamt: number) => {
    check(shamt, bits, false, "shift amount")
    return ((funct6 << 26) | (shamt << 20) | (reg(rs1) << 15) | (funct3 << 12) | (reg(rd) << 7) | opcode) >>> 0
  }
/**
 * `slli rd, rs1, shamt` (0–63).
 *
 * @since 0.1.0
 * @category utils
 */
export const slli = shiftImm(0x13, 1, 0, 6)
/**
 * `srli rd, rs1, shamt` (0–63).
 *
 * @since 0.1.0
 * @category utils
 */
export const srli = shiftImm(0x13, 5, 0, 6)
/**
 * `srai rd, rs1, shamt` (0–63).
 *
 * @since 0.1.0
 * @category utils
 */
export const srai = shiftImm(0x13, 5, 0x10, 6)
/**
 * `slliw rd, rs1, shamt` (0–31).
 *
 * @since 0.1.0
 * @category utils
 */
export const slliw = shiftImm(0x1b, 1, 0, 5)
/**
 * `srliw rd, rs1, shamt` (0–31).
 *
 * @since 0.1.0
 * @category utils
 */
export const srliw = shiftImm(0x1b, 5, 0, 5)
/**
 * `sraiw rd, rs1, shamt` (0–31).
 *
 * @since 0.1.0
 * @category utils
 */
export const sraiw = shiftImm(0x1b, 5, 0x10, 5)
/**
 * `addiw rd, rs1, imm`.
 *
 * @since 0.1.0
 * @category utils
 */
export const addiw = (rd: number, rs1: number, imm: number) => iType(0x1b, rd, 0, rs1, imm)

const op = (opcode: number, funct3: number, funct7: number) => (rd: number, rs1: number, rs2: number) =>
  rType(opcode, rd, funct3, rs1, rs2, funct7)
/**
 * `add rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const add = op(0x33, 0, 0)
/**
 * `sub rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sub = op(0x33, 0, 0x20)
/**
 * `sll rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sll = op(0x33, 1, 0)
/**
 * `slt rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const slt = op(0x33, 2, 0)
/**
 * `sltu rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sltu = op(0x33, 3, 0)
/**
 * `xor rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const xor = op(0x33, 4, 0)
/**
 * `srl rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const srl = op(0x33, 5, 0)
/**
 * `sra rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sra = op(0x33, 5, 0x20)
/**
 * `or rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const or = op(0x33, 6, 0)
/**
 * `and rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const and = op(0x33, 7, 0)
/**
 * `addw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const addw = op(0x3b, 0, 0)
/**
 * `subw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const subw = op(0x3b, 0, 0x20)
/**
 * `sllw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sllw = op(0x3b, 1, 0)
/**
 * `srlw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const srlw = op(0x3b, 5, 0)
/**
 * `sraw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sraw = op(0x3b, 5, 0x20)

// ---- M -------------------------------------------------------------------------------------------

/**
 * `mul rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const mul = op(0x33, 0, 1)
/**
 * `mulh rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const mulh = op(0x33, 1, 1)
/**
 * `mulhsu rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const mulhsu = op(0x33, 2, 1)
/**
 * `mulhu rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const mulhu = op(0x33, 3, 1)
/**
 * `div rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const div = op(0x33, 4, 1)
/**
 * `divu rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const divu = op(0x33, 5, 1)
/**
 * `rem rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const rem = op(0x33, 6, 1)
/**
 * `remu rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const remu = op(0x33, 7, 1)
/**
 * `mulw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const mulw = op(0x3b, 0, 1)
/**
 * `divw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const divw = op(0x3b, 4, 1)
/**
 * `divuw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const divuw = op(0x3b, 5, 1)
/**
 * `remw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const remw = op(0x3b, 6, 1)
/**
 * `remuw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const remuw = op(0x3b, 7, 1)

// ---- A -------------------------------------------------------------------------------------------

/**
 * Memory-ordering bits of an atomic instruction.
 *
 * @since 0.1.0
 * @category models
 */
export interface Ordering {
  readonly aq?: boolean
  readonly rl?: boolean
}
const amo = (funct5: number, funct3: number) => (rd: number, rs2: number, rs1: number, ordering: Ordering = {}) =>
  rType(0x2f, rd, funct3, rs1, rs2, (funct5 << 2) | (ordering.aq === true ? 2 : 0) | (ordering.rl === true ? 1 : 0))
/**
 * `lr.w rd, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const lrW = (rd: number, rs1: number, ordering: Ordering = {}) => amo(0x02, 2)(rd, 0, rs1, ordering)
/**
 * `lr.d rd, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const lrD = (rd: number, rs1: number, ordering: Ordering = {}) => amo(0x02, 3)(rd, 0, rs1, ordering)
/**
 * `sc.w rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const scW = amo(0x03, 2)
/**
 * `sc.d rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const scD = amo(0x03, 3)
/**
 * `amoswap.w rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amoswapW = amo(0x01, 2)
/**
 * `amoadd.w rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amoaddW = amo(0x00, 2)
/**
 * `amoxor.w rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amoxorW = amo(0x04, 2)
/**
 * `amoand.w rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amoandW = amo(0x0c, 2)
/**
 * `amoor.w rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amoorW = amo(0x08, 2)
/**
 * `amomin.w rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amominW = amo(0x10, 2)
/**
 * `amomax.w rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amomaxW = amo(0x14, 2)
/**
 * `amominu.w rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amominuW = amo(0x18, 2)
/**
 * `amomaxu.w rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amomaxuW = amo(0x1c, 2)
/**
 * `amoswap.d rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amoswapD = amo(0x01, 3)
/**
 * `amoadd.d rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amoaddD = amo(0x00, 3)
/**
 * `amoxor.d rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amoxorD = amo(0x04, 3)
/**
 * `amoand.d rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amoandD = amo(0x0c, 3)
/**
 * `amoor.d rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amoorD = amo(0x08, 3)
/**
 * `amomin.d rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amominD = amo(0x10, 3)
/**
 * `amomax.d rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amomaxD = amo(0x14, 3)
/**
 * `amominu.d rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amominuD = amo(0x18, 3)
/**
 * `amomaxu.d rd, rs2, (rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const amomaxuD = amo(0x1c, 3)

// ---- system --------------------------------------------------------------------------------------

/**
 * `fence pred, succ` with each set as the bits `i o r w` (8 4 2 1); defaults to `fence iorw, iorw`.
 *
 * @since 0.1.0
 * @category utils
 */
export const fence = (pred = 15, succ = 15) => (((pred & 15) << 24) | ((succ & 15) << 20) | 0x0f) >>> 0
/**
 * `fence.i`.
 *
 * @since 0.1.0
 * @category utils
 */
export const fenceI = () => 0x0000100f
/**
 * `ecall`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ecall = () => 0x00000073
/**
 * `ebreak`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ebreak = () => 0x00100073
/**
 * `csrrs rd, csr, rs1`.
 *
 * @since 0.1.0
 * @category utils
 */
export const csrrs = (rd: number, csr: number, rs1: number) =>
  (iType(0x73, rd, 2, rs1, 0) | ((csr & 0xfff) << 20)) >>> 0
/**
 * `csrrc rd, csr, rs1`.
 *
 * @since 0.1.0
 * @category utils
 */
export const csrrc = (rd: number, csr: number, rs1: number) =>
  (iType(0x73, rd, 3, rs1, 0) | ((csr & 0xfff) << 20)) >>> 0
/**
 * `csrrw rd, csr, rs1`.
 *
 * @since 0.1.0
 * @category utils
 */
export const csrrw = (rd: number, csr: number, rs1: number) =>
  (iType(0x73, rd, 1, rs1, 0) | ((csr & 0xfff) << 20)) >>> 0
/**
 * `csrrsi rd, csr, uimm`.
 *
 * @since 0.1.0
 * @category utils
 */
export const csrrsi = (rd: number, csr: number, uimm: number) =>
  (iType(0x73, rd, 6, reg(uimm, "uimm"), 0) | ((csr & 0xfff) << 20)) >>> 0
/**
 * `csrrci rd, csr, uimm`.
 *
 * @since 0.1.0
 * @category utils
 */
export const csrrci = (rd: number, csr: number, uimm: number) =>
  (iType(0x73, rd, 7, reg(uimm, "uimm"), 0) | ((csr & 0xfff) << 20)) >>> 0
/**
 * `csrrwi rd, csr, uimm`.
 *
 * @since 0.1.0
 * @category utils
 */
export const csrrwi = (rd: number, csr: number, uimm: number) =>
  (iType(0x73, rd, 5, reg(uimm, "uimm"), 0) | ((csr & 0xfff) << 20)) >>> 0
/**
 * `rdcycle rd` (`csrrs rd, cycle, x0`).
 *
 * @since 0.1.0
 * @category utils
 */
export const rdcycle = (rd: number) => csrrs(rd, 0xc00, 0)
/**
 * `rdtime rd` (`csrrs rd, time, x0`).
 *
 * @since 0.1.0
 * @category utils
 */
export const rdtime = (rd: number) => csrrs(rd, 0xc01, 0)
/**
 * `rdinstret rd` (`csrrs rd, instret, x0`).
 *
 * @since 0.1.0
 * @category utils
 */
export const rdinstret = (rd: number) => csrrs(rd, 0xc02, 0)

// ---- pseudo-instructions -------------------------------------------------------------------------

/**
 * `nop` (`addi x0, x0, 0`).
 *
 * @since 0.1.0
 * @category utils
 */
export const nop = () => addi(0, 0, 0)
/**
 * `mv rd, rs` (`addi rd, rs, 0`).
 *
 * @since 0.1.0
 * @category utils
 */
export const mv = (rd: number, rs: number) => addi(rd, rs, 0)
/**
 * `j target` (`jal x0, target`).
 *
 * @since 0.1.0
 * @category utils
 */
export const j = (target: Target) => jal(0, target)
/**
 * `ret` (`jalr x0, 0(ra)`).
 *
 * @since 0.1.0
 * @category utils
 */
export const ret = () => jalr(0, 0, 1)

/**
 * `li rd, value`: loads any 64-bit value (a number must be a safe integer; a bigint is taken
 * modulo 2^64) with `lui`/`addiw` for 32-bit values and `slli`/`addi` steps for the rest.
 *
 * @since 0.1.0
 * @category utils
 */
export const li = (rd: number, value: number | bigint): Array<number> => {
  const v = BigInt.asIntN(64, BigInt(value))
  if (v >= -2048n && v < 2048n) return [addi(rd, 0, Number(v))]
  if (v >= -(2n ** 31n) && v < 2n ** 31n) {
    const low = Number(BigInt.asIntN(12, v))
    const high = Number(BigInt.asIntN(20, (v - BigInt(low)) >> 12n))
    return low === 0 ? [lui(rd, high)] : [lui(rd, high), addiw(rd, rd, low)]
  }
  const low = Number(BigInt.asIntN(12, v))
  const upper = (v - BigInt(low)) >> 12n
  return [...li(rd, upper), slli(rd, rd, 12), ...(low === 0 ? [] : [addi(rd, rd, low)])]
}

// ---- C -------------------------------------------------------------------------------------------

const prime = (r: number, what = "register"): number => {
  if (r < 8 || r > 15) throw new RangeError(`${what} x${r} is not one of x8–x15`)
  return r - 8
}
const bit = (value: number, from: number, to: number) => ((value >> from) & 1) << to
const bits = (value: number, from: number, count: number, to: number) => ((value >> from) & ((1 << count) - 1)) << to
const nonZeroReg = (r: number) => {
  if (reg(r) === 0) throw new RangeError("register x0 is reserved here")
  return r
}

/**
 * The compressed instructions (RV64C), each producing a 16-bit {@link Half}.
 *
 * @since 0.1.0
 * @category utils
 */
export const C = {
  /** `c.fld rd', uimm(rs1')` (rd', rs1' in 8–15; uimm a multiple of 8 below 256). */
  fld: (rd: number, offset: number, rs1: number): Half => {
    check(offset, 8, false, "c.fld offset", 8)
    return half(
      0x2000 | (((offset >> 3) & 7) << 10) | (prime(rs1) << 7) | (((offset >> 6) & 3) << 5) | (prime(rd) << 2)
    )
  },
  /** `c.fsd rs2', uimm(rs1')`. */
  fsd: (rs2: number, offset: number, rs1: number): Half => {
    check(offset, 8, false, "c.fsd offset", 8)
    return half(
      0xa000 | (((offset >> 3) & 7) << 10) | (prime(rs1) << 7) | (((offset >> 6) & 3) << 5) | (prime(rs2) << 2)
    )
  },
  /** `c.fldsp rd, uimm(sp)` (uimm a multiple of 8 below 512). */
  fldsp: (rd: number, offset: number): Half => {
    check(offset, 9, false, "c.fldsp offset", 8)
    return half(
      0x2002 | (((offset >> 5) & 1) << 12) | (reg(rd) << 7) | (((offset >> 3) & 3) << 5) | (((offset >> 6) & 7) << 2)
    )
  },
  /** `c.fsdsp rs2, uimm(sp)`. */
  fsdsp: (rs2: number, offset: number): Half => {
    check(offset, 9, false, "c.fsdsp offset", 8)
    return half(0xa002 | (((offset >> 3) & 7) << 10) | (((offset >> 6) & 7) << 7) | (reg(rs2) << 2))
  },
  /** `c.addi4spn rd', sp, uimm` (uimm a non-zero multiple of 4 below 1024). */
  addi4spn: (rd: number, uimm: number) => {
    check(uimm, 10, false, "immediate", 4)
    if (uimm === 0) throw new RangeError("c.addi4spn immediate must not be 0")
    return half(bits(uimm, 4, 2, 11) | bits(uimm, 6, 4, 7) | bit(uimm, 2, 6) | bit(uimm, 3, 5) | (prime(rd) << 2))
  },
  /** `c.lw rd', uimm(rs1')`. */
  lw: (rd: number, uimm: number, rs1: number) => {
    check(uimm, 7, false, "offset", 4)
    return half(
      (2 << 13) | bits(uimm, 3, 3, 10) | (prime(rs1) << 7) | bit(uimm, 2, 6) | bit(uimm, 6, 5) | (prime(rd) << 2)
    )
  },
  /** `c.ld rd', uimm(rs1')`. */
  ld: (rd: number, uimm: number, rs1: number) => {
    check(uimm, 8, false, "offset", 8)
    return half((3 << 13) | bits(uimm, 3, 3, 10) | (prime(rs1) << 7) | bits(uimm, 6, 2, 5) | (prime(rd) << 2))
  },
  /** `c.sw rs2', uimm(rs1')`. */
  sw: (rs2: number, uimm: number, rs1: number) => {
    check(uimm, 7, false, "offset", 4)
    return half(
      (6 << 13) | bits(uimm, 3, 3, 10) | (prime(rs1) << 7) | bit(uimm, 2, 6) | bit(uimm, 6, 5) | (prime(rs2) << 2)
    )
  },
  /** `c.sd rs2', uimm(rs1')`. */
  sd: (rs2: number, uimm: number, rs1: number) => {
    check(uimm, 8, false, "offset", 8)
    return half((7 << 13) | bits(uimm, 3, 3, 10) | (prime(rs1) << 7) | bits(uimm, 6, 2, 5) | (prime(rs2) << 2))
  },
  /** `c.nop`. */
  nop: () => half(0x0001),
  /** `c.addi rd, imm` (imm a 6-bit signed value). */
  addi: (rd: number, imm: number) => {
    check(imm, 6, true, "immediate")
    return half(1 | bit(imm, 5, 12) | (reg(rd) << 7) | bits(imm, 0, 5, 2))
  },
  /** `c.addiw rd, imm` (rd not x0). */
  addiw: (rd: number, imm: number) => {
    check(imm, 6, true, "immediate")
    return half((1 << 13) | 1 | bit(imm, 5, 12) | (nonZeroReg(rd) << 7) | bits(imm, 0, 5, 2))
  },
  /** `c.li rd, imm`. */
  li: (rd: number, imm: number) => {
    check(imm, 6, true, "immediate")
    return half((2 << 13) | 1 | bit(imm, 5, 12) | (reg(rd) << 7) | bits(imm, 0, 5, 2))
  },
  /** `c.addi16sp sp, imm` (a non-zero multiple of 16, -512..496). */
  addi16sp: (imm: number) => {
    check(imm, 10, true, "immediate", 16)
    if (imm === 0) throw new RangeError("c.addi16sp immediate must not be 0")
    return half(
      (3 << 13) | 1 | bit(imm, 9, 12) | (2 << 7) | bit(imm, 4, 6) | bit(imm, 6, 5) | bits(imm, 7, 2, 3) | bit(imm, 5, 2)
    )
  },
  /** `c.lui rd, imm6` (rd not x0 or x2; the 6-bit signed upper immediate, not 0). */
  lui: (rd: number, imm6: number) => {
    check(imm6, 6, true, "immediate")
    if (imm6 === 0 || rd === 2) throw new RangeError("c.lui needs a non-zero immediate and rd other than sp")
    return half((3 << 13) | 1 | bit(imm6, 5, 12) | (reg(rd) << 7) | bits(imm6, 0, 5, 2))
  },
  /** `c.srli rd', shamt`. */
  srli: (rd: number, shamt: number) => {
    check(shamt, 6, false, "shift amount")
    return half((4 << 13) | 1 | bit(shamt, 5, 12) | (prime(rd) << 7) | bits(shamt, 0, 5, 2))
  },
  /** `c.srai rd', shamt`. */
  srai: (rd: number, shamt: number) => {
    check(shamt, 6, false, "shift amount")
    return half((4 << 13) | 1 | bit(shamt, 5, 12) | (1 << 10) | (prime(rd) << 7) | bits(shamt, 0, 5, 2))
  },
  /** `c.andi rd', imm`. */
  andi: (rd: number, imm: number) => {
    check(imm, 6, true, "immediate")
    return half((4 << 13) | 1 | bit(imm, 5, 12) | (2 << 10) | (prime(rd) << 7) | bits(imm, 0, 5, 2))
  },
  /** `c.sub rd', rs2'`. */
  sub: (rd: number, rs2: number) => half(0x8c01 | (prime(rd) << 7) | (prime(rs2) << 2)),
  /** `c.xor rd', rs2'`. */
  xor: (rd: number, rs2: number) => half(0x8c21 | (prime(rd) << 7) | (prime(rs2) << 2)),
  /** `c.or rd', rs2'`. */
  or: (rd: number, rs2: number) => half(0x8c41 | (prime(rd) << 7) | (prime(rs2) << 2)),
  /** `c.and rd', rs2'`. */
  and: (rd: number, rs2: number) => half(0x8c61 | (prime(rd) << 7) | (prime(rs2) << 2)),
  /** `c.subw rd', rs2'`. */
  subw: (rd: number, rs2: number) => half(0x9c01 | (prime(rd) << 7) | (prime(rs2) << 2)),
  /** `c.addw rd', rs2'`. */
  addw: (rd: number, rs2: number) => half(0x9c21 | (prime(rd) << 7) | (prime(rs2) << 2)),
  /** `c.j target`. */
  j: (target: Target): Half | Deferred => {
    const encode = (o: number) => {
      check(o, 12, true, "jump offset", 2)
      return (5 << 13) | 1 | bit(o, 11, 12) | bit(o, 4, 11) | bits(o, 8, 2, 9) | bit(o, 10, 8) | bit(o, 6, 7) |
        bit(o, 7, 6) | bits(o, 1, 3, 3) | bit(o, 5, 2)
    }
    return typeof target === "number" ? half(encode(target)) : deferred(2, target, encode)
  },
  /** `c.beqz rs1', target`. */
  beqz: (rs1: number, target: Target): Half | Deferred => compressedBranch(6, rs1, target),
  /** `c.bnez rs1', target`. */
  bnez: (rs1: number, target: Target): Half | Deferred => compressedBranch(7, rs1, target),
  /** `c.slli rd, shamt`. */
  slli: (rd: number, shamt: number) => {
    check(shamt, 6, false, "shift amount")
    return half(2 | bit(shamt, 5, 12) | (reg(rd) << 7) | bits(shamt, 0, 5, 2))
  },
  /** `c.lwsp rd, uimm(sp)` (rd not x0). */
  lwsp: (rd: number, uimm: number) => {
    check(uimm, 8, false, "offset", 4)
    return half((2 << 13) | 2 | bit(uimm, 5, 12) | (nonZeroReg(rd) << 7) | bits(uimm, 2, 3, 4) | bits(uimm, 6, 2, 2))
  },
  /** `c.ldsp rd, uimm(sp)` (rd not x0). */
  ldsp: (rd: number, uimm: number) => {
    check(uimm, 9, false, "offset", 8)
    return half((3 << 13) | 2 | bit(uimm, 5, 12) | (nonZeroReg(rd) << 7) | bits(uimm, 3, 2, 5) | bits(uimm, 6, 3, 2))
  },
  /** `c.jr rs1` (rs1 not x0). */
  jr: (rs1: number) => half((4 << 13) | 2 | (nonZeroReg(rs1) << 7)),
  /** `c.mv rd, rs2` (rs2 not x0). */
  mv: (rd: number, rs2: number) => half((4 << 13) | 2 | (reg(rd) << 7) | (nonZeroReg(rs2) << 2)),
  /** `c.ebreak`. */
  ebreak: () => half(0x9002),
  /** `c.jalr rs1` (rs1 not x0). */
  jalr: (rs1: number) => half((4 << 13) | 0x1000 | 2 | (nonZeroReg(rs1) << 7)),
  /** `c.add rd, rs2` (rs2 not x0). */
  add: (rd: number, rs2: number) => half((4 << 13) | 0x1000 | 2 | (reg(rd) << 7) | (nonZeroReg(rs2) << 2)),
  /** `c.swsp rs2, uimm(sp)`. */
  swsp: (rs2: number, uimm: number) => {
    check(uimm, 8, false, "offset", 4)
    return half((6 << 13) | 2 | bits(uimm, 2, 4, 9) | bits(uimm, 6, 2, 7) | (reg(rs2) << 2))
  },
  /** `c.sdsp rs2, uimm(sp)`. */
  sdsp: (rs2: number, uimm: number) => {
    check(uimm, 9, false, "offset", 8)
    return half((7 << 13) | 2 | bits(uimm, 3, 3, 10) | bits(uimm, 6, 3, 7) | (reg(rs2) << 2))
  }
} as const

function compressedBranch(funct3: number, rs1: number, target: Target): Half | Deferred {
  const rs = prime(rs1)
  const encode = (o: number) => {
    check(o, 9, true, "branch offset", 2)
    return (funct3 << 13) | 1 | bit(o, 8, 12) | bits(o, 3, 2, 10) | (rs << 7) | bits(o, 6, 2, 5) | bits(o, 1, 2, 3) |
      bit(o, 5, 2)
  }
  return typeof target === "number" ? half(encode(target)) : deferred(2, target, encode)
}

// ---- layout --------------------------------------------------------------------------------------

type Flat = Item | Uint8Array

const isProgram = (item: Flat | Program): item is Program => Array.isArray(item)

const flatten = (program: Program, out: Array<Flat>): Array<Flat> => {
  for (const item of program) {
    if (isProgram(item)) flatten(item, out)
    else out.push(item)
  }
  return out
}

const lengthOf = (item: Flat): number =>
  typeof item === "number"
    ? 4
    : item instanceof Uint8Array
    ? item.length
    : item._tag === "Half"
    ? 2
    : item._tag === "Label"
    ? 0
    : item.length

/**
 * Lays out a program as bytes (little-endian), resolving labels.
 *
 * @since 0.1.0
 * @category utils
 */
export const assemble = (program: Program): Uint8Array => assembleAt(program, 0).bytes

/**
 * {@link assemble}, also returning each label's address given the program starts at `origin`.
 *
 * @since 0.1.0
 * @category utils
 */
export const assembleAt = (
  program: Program,
  origin: number
): { readonly bytes: Uint8Array; readonly labels: ReadonlyMap<string, number> } => {
  const items = flatten(program, [])
  const labels = new Map<string, number>()
  let size = 0
  for (const item of items) {
    if (typeof item === "object" && !(item instanceof Uint8Array) && item._tag === "Label") {
      if (labels.has(item.name)) throw new RangeError(`label ${item.name} defined twice`)
      labels.set(item.name, origin + size)
    }
    size += lengthOf(item)
  }
  const bytes = new Uint8Array(size)
  const view = new DataView(bytes.buffer)
  let at = 0
  for (const item of items) {
    if (typeof item === "number") view.setUint32(at, item >>> 0, true)
    else if (item instanceof Uint8Array) bytes.set(item, at)
    else if (item._tag === "Half") view.setUint16(at, item.bits, true)
    else if (item._tag === "Deferred") {
      const word = item.encode(origin + at, labels)
      if (item.length === 2) view.setUint16(at, word, true)
      else view.setUint32(at, word >>> 0, true)
    }
    at += lengthOf(item)
  }
  return { bytes, labels }
}

// ---- Zba, Zbb, Zbs -----------------------------------------------------------------------------------

/**
 * `add.uw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const addUw = op(0x3b, 0, 0x04)
/**
 * `sh1add rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sh1add = op(0x33, 2, 0x10)
/**
 * `sh2add rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sh2add = op(0x33, 4, 0x10)
/**
 * `sh3add rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sh3add = op(0x33, 6, 0x10)
/**
 * `sh1add.uw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sh1addUw = op(0x3b, 2, 0x10)
/**
 * `sh2add.uw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sh2addUw = op(0x3b, 4, 0x10)
/**
 * `sh3add.uw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sh3addUw = op(0x3b, 6, 0x10)
/**
 * `slli.uw rd, rs1, shamt` (0–63).
 *
 * @since 0.1.0
 * @category utils
 */
export const slliUw = shiftImm(0x1b, 1, 0x02, 6)
/**
 * `andn rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const andn = op(0x33, 7, 0x20)
/**
 * `orn rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const orn = op(0x33, 6, 0x20)
/**
 * `xnor rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const xnor = op(0x33, 4, 0x20)
/**
 * `min rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const min = op(0x33, 4, 0x05)
/**
 * `minu rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const minu = op(0x33, 5, 0x05)
/**
 * `max rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const max = op(0x33, 6, 0x05)
/**
 * `maxu rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const maxu = op(0x33, 7, 0x05)
/**
 * `rol rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const rol = op(0x33, 1, 0x30)
/**
 * `ror rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ror = op(0x33, 5, 0x30)
/**
 * `rolw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const rolw = op(0x3b, 1, 0x30)
/**
 * `rorw rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const rorw = op(0x3b, 5, 0x30)
/**
 * `rori rd, rs1, shamt` (0–63).
 *
 * @since 0.1.0
 * @category utils
 */
export const rori = shiftImm(0x13, 5, 0x18, 6)
/**
 * `roriw rd, rs1, shamt` (0–31).
 *
 * @since 0.1.0
 * @category utils
 */
export const roriw = shiftImm(0x1b, 5, 0x18, 5)
/**
 * `bclr rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const bclr = op(0x33, 1, 0x24)
/**
 * `bext rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const bext = op(0x33, 5, 0x24)
/**
 * `binv rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const binv = op(0x33, 1, 0x34)
/**
 * `bset rd, rs1, rs2`.
 *
 * @since 0.1.0
 * @category utils
 */
export const bset = op(0x33, 1, 0x14)
/**
 * `bclri rd, rs1, index` (0–63).
 *
 * @since 0.1.0
 * @category utils
 */
export const bclri = shiftImm(0x13, 1, 0x12, 6)
/**
 * `bexti rd, rs1, index` (0–63).
 *
 * @since 0.1.0
 * @category utils
 */
export const bexti = shiftImm(0x13, 5, 0x12, 6)
/**
 * `binvi rd, rs1, index` (0–63).
 *
 * @since 0.1.0
 * @category utils
 */
export const binvi = shiftImm(0x13, 1, 0x1a, 6)
/**
 * `bseti rd, rs1, index` (0–63).
 *
 * @since 0.1.0
 * @category utils
 */
export const bseti = shiftImm(0x13, 1, 0x0a, 6)
const unary = (opcode: number, funct3: number, funct12: number) => (rd: number, rs1: number) =>
  ((funct12 << 20) | (reg(rs1) << 15) | (funct3 << 12) | (reg(rd) << 7) | opcode) >>> 0
/**
 * `clz rd, rs1`.
 *
 * @since 0.1.0
 * @category utils
 */
export const clz = unary(0x13, 1, 0x600)
/**
 * `ctz rd, rs1`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ctz = unary(0x13, 1, 0x601)
/**
 * `cpop rd, rs1`.
 *
 * @since 0.1.0
 * @category utils
 */
export const cpop = unary(0x13, 1, 0x602)
/**
 * `clzw rd, rs1`.
 *
 * @since 0.1.0
 * @category utils
 */
export const clzw = unary(0x1b, 1, 0x600)
/**
 * `ctzw rd, rs1`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ctzw = unary(0x1b, 1, 0x601)
/**
 * `cpopw rd, rs1`.
 *
 * @since 0.1.0
 * @category utils
 */
export const cpopw = unary(0x1b, 1, 0x602)
/**
 * `sext.b rd, rs1`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sextB = unary(0x13, 1, 0x604)
/**
 * `sext.h rd, rs1`.
 *
 * @since 0.1.0
 * @category utils
 */
export const sextH = unary(0x13, 1, 0x605)
/**
 * `zext.h rd, rs1` (RV64: `packw rd, rs1, x0`).
 *
 * @since 0.1.0
 * @category utils
 */
export const zextH = unary(0x3b, 4, 0x080)
/**
 * `orc.b rd, rs1`.
 *
 * @since 0.1.0
 * @category utils
 */
export const orcB = unary(0x13, 5, 0x287)
/**
 * `rev8 rd, rs1` (RV64).
 *
 * @since 0.1.0
 * @category utils
 */
export const rev8 = unary(0x13, 5, 0x6b8)

// ---- F and D -----------------------------------------------------------------------------------------

/**
 * Rounding-mode field values (`DYN` reads `frm`).
 *
 * @since 0.1.0
 * @category utils
 */
export const Rm = { RNE: 0, RTZ: 1, RDN: 2, RUP: 3, RMM: 4, DYN: 7 } as const

/**
 * `flw rd, offset(rs1)` (rd an f register).
 *
 * @since 0.1.0
 * @category utils
 */
export const flw = (rd: number, offset: number, rs1: number) => iType(0x07, rd, 2, rs1, offset)
/**
 * `fld rd, offset(rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const fld = (rd: number, offset: number, rs1: number) => iType(0x07, rd, 3, rs1, offset)
/**
 * `fsw rs2, offset(rs1)` (rs2 an f register).
 *
 * @since 0.1.0
 * @category utils
 */
export const fsw = (rs2: number, offset: number, rs1: number) => sType(0x27, 2, rs1, rs2, offset)
/**
 * `fsd rs2, offset(rs1)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const fsd = (rs2: number, offset: number, rs1: number) => sType(0x27, 3, rs1, rs2, offset)

/**
 * An OP-FP instruction: `funct5`, the format (`0` single, `1` double), registers by number and the
 * funct3 field (a rounding mode, or the operation selector of sign injection, min/max, compares).
 *
 * @since 0.1.0
 * @category utils
 */
export const opFp = (funct5: number, fmt: number, rd: number, rs1: number, rs2: number, funct3: number): number =>
  rType(0x53, rd, funct3 & 7, rs1, rs2, (funct5 << 2) | fmt)

/**
 * A fused multiply-add: `opcode` 0x43 FMADD, 0x47 FMSUB, 0x4b FNMSUB, 0x4f FNMADD.
 *
 * @since 0.1.0
 * @category utils
 */
export const fusedMultiplyAdd = (
  opcode: number,
  fmt: number,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  rm: number
): number => (rType(opcode, rd, rm & 7, rs1, rs2, fmt & 3) | (reg(rs3) << 27)) >>> 0

/**
 * `fmv.d.x rd, rs1` (f from x, raw bits).
 *
 * @since 0.1.0
 * @category utils
 */
export const fmvDX = (rd: number, rs1: number) => opFp(0x1e, 1, rd, rs1, 0, 0)
/**
 * `fmv.x.d rd, rs1`.
 *
 * @since 0.1.0
 * @category utils
 */
export const fmvXD = (rd: number, rs1: number) => opFp(0x1c, 1, rd, rs1, 0, 0)
/**
 * `fmv.w.x rd, rs1` (boxes the low 32 bits).
 *
 * @since 0.1.0
 * @category utils
 */
export const fmvWX = (rd: number, rs1: number) => opFp(0x1e, 0, rd, rs1, 0, 0)
/**
 * `fmv.x.w rd, rs1` (sign-extends the low 32 bits).
 *
 * @since 0.1.0
 * @category utils
 */
export const fmvXW = (rd: number, rs1: number) => opFp(0x1c, 0, rd, rs1, 0, 0)
/**
 * `frflags rd` (`csrrs rd, fflags, x0`).
 *
 * @since 0.1.0
 * @category utils
 */
export const frflags = (rd: number) => csrrs(rd, 0x001, 0)
/**
 * `fsflags rd, rs1` (`csrrw rd, fflags, rs1`).
 *
 * @since 0.1.0
 * @category utils
 */
export const fsflags = (rd: number, rs1: number) => csrrw(rd, 0x001, rs1)
/**
 * `fsrmi rd, mode` (`csrrwi rd, frm, mode`).
 *
 * @since 0.1.0
 * @category utils
 */
export const fsrmi = (rd: number, mode: number) => csrrwi(rd, 0x002, mode)
