/**
 * An obviously-correct model of the RV64IM integer operations, transcribed from the ISA manual
 * with BigInt: every value is an unsigned 64-bit bigint, and each operation is its manual
 * definition, spelled out with no cleverness. Slow, and only ever used by tests.
 */

const MASK64 = (1n << 64n) - 1n
/** Unsigned 64-bit view. */
export const u64 = (x: bigint): bigint => BigInt.asUintN(64, x)
/** Signed 64-bit view. */
export const s64 = (x: bigint): bigint => BigInt.asIntN(64, x)
/** Low 32 bits sign-extended to 64 (the W forms' result rule), as unsigned. */
export const sext32 = (x: bigint): bigint => u64(BigInt.asIntN(32, x))
const s32 = (x: bigint) => BigInt.asIntN(32, x)
const u32 = (x: bigint) => BigInt.asUintN(32, x)
const INT64_MIN = -(1n << 63n)
const INT32_MIN = -(1n << 31n)

/** Register-register operations: name -> (rs1, rs2) -> rd. */
export const registerOps: Readonly<Record<string, (a: bigint, b: bigint) => bigint>> = {
  add: (a, b) => u64(a + b),
  sub: (a, b) => u64(a - b),
  sll: (a, b) => u64(a << (b & 63n)),
  slt: (a, b) => (s64(a) < s64(b) ? 1n : 0n),
  sltu: (a, b) => (a < b ? 1n : 0n),
  xor: (a, b) => a ^ b,
  srl: (a, b) => a >> (b & 63n),
  sra: (a, b) => u64(s64(a) >> (b & 63n)),
  or: (a, b) => a | b,
  and: (a, b) => a & b,
  addw: (a, b) => sext32(a + b),
  subw: (a, b) => sext32(a - b),
  sllw: (a, b) => sext32(a << (b & 31n)),
  srlw: (a, b) => sext32(u32(a) >> (b & 31n)),
  sraw: (a, b) => sext32(s32(a) >> (b & 31n)),
  mul: (a, b) => u64(a * b),
  mulh: (a, b) => u64((s64(a) * s64(b)) >> 64n),
  mulhsu: (a, b) => u64((s64(a) * b) >> 64n),
  mulhu: (a, b) => (a * b) >> 64n,
  // Division rounds toward zero (BigInt's `/`); the remainder takes the dividend's sign (`%`).
  div: (a, b) => (b === 0n ? MASK64 : s64(a) === INT64_MIN && s64(b) === -1n ? a : u64(s64(a) / s64(b))),
  divu: (a, b) => (b === 0n ? MASK64 : a / b),
  rem: (a, b) => (b === 0n ? a : s64(a) === INT64_MIN && s64(b) === -1n ? 0n : u64(s64(a) % s64(b))),
  remu: (a, b) => (b === 0n ? a : a % b),
  mulw: (a, b) => sext32(a * b),
  divw: (a, b) => s32(b) === 0n ? MASK64 : s32(a) === INT32_MIN && s32(b) === -1n ? sext32(a) : sext32(s32(a) / s32(b)),
  divuw: (a, b) => (u32(b) === 0n ? MASK64 : sext32(u32(a) / u32(b))),
  remw: (a, b) => (s32(b) === 0n ? sext32(a) : s32(a) === INT32_MIN && s32(b) === -1n ? 0n : sext32(s32(a) % s32(b))),
  remuw: (a, b) => (u32(b) === 0n ? sext32(a) : sext32(u32(a) % u32(b)))
}

/** Register-immediate operations: name -> (rs1, sign-extended immediate or shift amount) -> rd. */
export const immediateOps: Readonly<Record<string, (a: bigint, imm: bigint) => bigint>> = {
  addi: (a, i) => u64(a + i),
  slti: (a, i) => (s64(a) < i ? 1n : 0n),
  sltiu: (a, i) => (a < u64(i) ? 1n : 0n),
  xori: (a, i) => a ^ u64(i),
  ori: (a, i) => a | u64(i),
  andi: (a, i) => a & u64(i),
  slli: (a, sh) => u64(a << sh),
  srli: (a, sh) => a >> sh,
  srai: (a, sh) => u64(s64(a) >> sh),
  addiw: (a, i) => sext32(a + i),
  slliw: (a, sh) => sext32(a << sh),
  srliw: (a, sh) => sext32(u32(a) >> sh),
  sraiw: (a, sh) => sext32(s32(a) >> sh)
}

/** Shift-immediate operations and the largest shift amount each takes. */
export const shiftLimits: Readonly<Record<string, number>> = {
  slli: 63,
  srli: 63,
  srai: 63,
  slliw: 31,
  srliw: 31,
  sraiw: 31
}

/** Interesting 64-bit values: 0, ±1, the 64- and 32-bit extremes and their neighbours. */
export const EDGE_VALUES: ReadonlyArray<bigint> = [
  0n,
  1n,
  2n,
  u64(-1n),
  u64(-2n),
  u64(INT64_MIN),
  (1n << 63n) - 1n,
  u64(INT64_MIN + 1n),
  0x7fffffffn,
  0x80000000n,
  u64(-0x80000000n),
  0xffffffffn,
  0x100000000n,
  u64(-0x100000000n),
  0x123456789abcdef0n,
  0xfedcba9876543210n
]

/** Interesting 12-bit immediates. */
export const EDGE_IMMEDIATES: ReadonlyArray<number> = [0, 1, -1, 2, 0x7ff, -0x800, 0x555, -0x556]
