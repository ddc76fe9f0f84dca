/**
 * F and D, instruction by instruction, on the edge values the ISA manual (and IEEE 754) single out:
 * ±0, subnormals, ±inf, quiet and signalling NaNs, the largest and smallest normals, results
 * exactly halfway between representable values in every rounding mode, integer limits for
 * conversions; with the exception flags each sets. Also NaN-boxing, the FP CSRs, reserved
 * rounding modes, FP loads and stores (compressed ones too) and FP state across run calls.
 */
import { assert, describe, it } from "@effect/vitest"
import * as A from "@zxsim/riscv/Assembler"
import { CODE, DATA, engines, Machine, PAGE, R, X } from "./utils/Machine.js"

const { DYN, RDN, RMM, RNE, RTZ, RUP } = A.Rm
const NX = 1
const UF = 2
const OF = 4
const DZ = 8
const NV = 16

const D = (x: number): bigint => {
  const v = new DataView(new ArrayBuffer(8))
  v.setFloat64(0, x, true)
  return v.getBigUint64(0, true)
}
/** A single, NaN-boxed. */
const S = (x: number): bigint => {
  const v = new DataView(new ArrayBuffer(4))
  v.setFloat32(0, x, true)
  return 0xffffffff00000000n | BigInt(v.getUint32(0, true))
}
const boxed = (bits: number): bigint => 0xffffffff00000000n | BigInt(bits >>> 0)

const CANONICAL_D = 0x7ff8000000000000n
const CANONICAL_S = boxed(0x7fc00000)
const QNAN_D = 0x7ff8000000000123n
const SNAN_D = 0x7ff0000000000001n
const SNAN_S = boxed(0x7f800001)
const MAX_D = 0x7fefffffffffffffn
const MIN_NORMAL_D = 0x0010000000000000n
const MIN_SUB_D = 1n
const ONE_MINUS_D = 0x3fefffffffffffffn // 1 - 2^-53
const ONE_PLUS_D = 0x3ff0000000000001n // 1 + 2^-52
const NEG = 1n << 63n

const add = (fmt: number) => (rd: number, a: number, b: number, rm: number) => A.opFp(0, fmt, rd, a, b, rm)
const fmulD = (rd: number, a: number, b: number, rm: number) => A.opFp(2, 1, rd, a, b, rm)
const fdivD = (rd: number, a: number, b: number, rm: number) => A.opFp(3, 1, rd, a, b, rm)
const fsqrtD = (rd: number, a: number, rm: number) => A.opFp(0x0b, 1, rd, a, 0, rm)
const fcvt = (fmt: number, to: number, rd: number, a: number, rm: number) => A.opFp(0x18, fmt, rd, a, to, rm)
const fcvtFrom = (fmt: number, from: number, rd: number, a: number, rm: number) => A.opFp(0x1a, fmt, rd, a, from, rm)
const hex = (x: bigint) => "0x" + x.toString(16)

describe.each(engines)("floating point ($name)", ({ make }) => {
  const m = new Machine(make())

  /** Runs one instruction on f1/f2/f3 (or x5) and returns f10 (or x10) and the flags it raised. */
  const run = (word: number, sources: { f?: ReadonlyArray<bigint>; x?: bigint; fcsr?: number }, intResult = false) => {
    m.load([word, A.ebreak()])
    ;(sources.f ?? []).forEach((v, i) => m.setF(1 + i, v))
    if (sources.x !== undefined) m.setX(5, sources.x)
    m.fcsr = sources.fcsr ?? 0
    m.setF(10, 0x1234n)
    m.setX(10, 0x1234n)
    const stop = m.run()
    assert.strictEqual(stop._tag === "Exception" ? stop.kind : stop._tag, "breakpoint")
    return { value: intResult ? m.x(10) : m.f(10), flags: m.fcsr & 31 }
  }
  const expect = (
    what: string,
    got: { value: bigint; flags: number },
    value: bigint,
    flags: number
  ) => {
    assert.strictEqual(hex(got.value), hex(value), what)
    assert.strictEqual(got.flags, flags, `${what}: flags`)
  }

  it("results halfway between doubles round as each mode says", () => {
    // 1 + 2^-53 is halfway between 1 and 1 + 2^-52.
    const half = D(2 ** -53)
    const cases: ReadonlyArray<readonly [number, bigint, bigint]> = [
      [RNE, D(1), NEG | D(1)],
      [RTZ, D(1), NEG | D(1)],
      [RDN, D(1), NEG | ONE_PLUS_D],
      [RUP, ONE_PLUS_D, NEG | D(1)],
      [RMM, ONE_PLUS_D, NEG | ONE_PLUS_D]
    ]
    for (const [rm, positive, negative] of cases) {
      expect(`1 + 2^-53 rm ${rm}`, run(add(1)(10, 1, 2, rm), { f: [D(1), half] }), positive, NX)
      expect(`-1 - 2^-53 rm ${rm}`, run(add(1)(10, 1, 2, rm), { f: [NEG | D(1), NEG | half] }), negative, NX)
      // The same through frm.
      expect(`1 + 2^-53 dyn ${rm}`, run(add(1)(10, 1, 2, DYN), { f: [D(1), half], fcsr: rm << 5 }), positive, NX)
    }
    // Single precision: 1 + 2^-24 is halfway between 1 and 1 + 2^-23.
    expect("single RNE tie", run(add(0)(10, 1, 2, RNE), { f: [S(1), S(2 ** -24)] }), S(1), NX)
    expect("single RMM tie", run(add(0)(10, 1, 2, RMM), { f: [S(1), S(2 ** -24)] }), S(1 + 2 ** -23), NX)
    // 2.5 + 2^-52 * 0: ties of a three-quarter are not ties.
    expect("exact sum", run(add(1)(10, 1, 2, RUP), { f: [D(1.5), D(1)] }), D(2.5), 0)
  })

  it("x - x is +0 in every mode but RDN, where it is -0", () => {
    for (const rm of [RNE, RTZ, RUP, RMM]) {
      expect(`rm ${rm}`, run(add(1)(10, 1, 2, rm), { f: [D(3), NEG | D(3)] }), 0n, 0)
    }
    expect("RDN", run(add(1)(10, 1, 2, RDN), { f: [D(3), NEG | D(3)] }), NEG, 0)
    expect("-0 + -0", run(add(1)(10, 1, 2, RNE), { f: [NEG, NEG] }), NEG, 0)
  })

  it("overflow gives infinity or the largest finite value by mode, with OF and NX", () => {
    const cases: ReadonlyArray<readonly [number, bigint, bigint]> = [
      [RNE, D(Infinity), D(-Infinity)],
      [RTZ, MAX_D, NEG | MAX_D],
      [RDN, MAX_D, D(-Infinity)],
      [RUP, D(Infinity), NEG | MAX_D],
      [RMM, D(Infinity), D(-Infinity)]
    ]
    for (const [rm, positive, negative] of cases) {
      expect(`max * 2 rm ${rm}`, run(fmulD(10, 1, 2, rm), { f: [MAX_D, D(2)] }), positive, OF | NX)
      expect(`-max * 2 rm ${rm}`, run(fmulD(10, 1, 2, rm), { f: [NEG | MAX_D, D(2)] }), negative, OF | NX)
    }
    // Infinity from infinite operands is exact.
    expect("inf * 2", run(fmulD(10, 1, 2, RNE), { f: [D(Infinity), D(2)] }), D(Infinity), 0)
  })

  it("underflow: tininess is detected after rounding, and only inexact tiny results raise UF", () => {
    // Exact subnormal results raise nothing.
    expect("exact subnormal", run(fmulD(10, 1, 2, RNE), { f: [MIN_NORMAL_D, D(0.5)] }), 0x0008000000000000n, 0)
    // (1 - 2^-53) * 2^-1022 = 2^-1022 - 2^-1075: tiny even after rounding to 53 bits, and halfway
    // between subnormals: RNE gives the smallest normal, RTZ the largest subnormal; both UF.
    expect(
      "tiny, rounds up to normal",
      run(fmulD(10, 1, 2, RNE), { f: [ONE_MINUS_D, MIN_NORMAL_D] }),
      MIN_NORMAL_D,
      UF | NX
    )
    expect("tiny, RTZ", run(fmulD(10, 1, 2, RTZ), { f: [ONE_MINUS_D, MIN_NORMAL_D] }), 0x000fffffffffffffn, UF | NX)
    // (1 - 2^-53) * (2^-1022 + 2^-1074) is above 2^-1022: not tiny, only NX.
    expect("not tiny", run(fmulD(10, 1, 2, RNE), { f: [ONE_MINUS_D, MIN_NORMAL_D + 1n] }), MIN_NORMAL_D, NX)
    // The smallest subnormal halved: zero in RNE (UF NX), the smallest subnormal in RUP.
    expect("to zero", run(fmulD(10, 1, 2, RNE), { f: [MIN_SUB_D, D(0.5)] }), 0n, UF | NX)
    expect("to min subnormal", run(fmulD(10, 1, 2, RUP), { f: [MIN_SUB_D, D(0.5)] }), MIN_SUB_D, UF | NX)
  })

  it("division by zero and invalid operations", () => {
    expect("1 / 0", run(fdivD(10, 1, 2, RNE), { f: [D(1), 0n] }), D(Infinity), DZ)
    expect("-1 / +0", run(fdivD(10, 1, 2, RNE), { f: [NEG | D(1), 0n] }), D(-Infinity), DZ)
    expect("0 / 0", run(fdivD(10, 1, 2, RNE), { f: [0n, 0n] }), CANONICAL_D, NV)
    expect("inf / inf", run(fdivD(10, 1, 2, RNE), { f: [D(Infinity), D(Infinity)] }), CANONICAL_D, NV)
    expect("inf - inf", run(add(1)(10, 1, 2, RNE), { f: [D(Infinity), D(-Infinity)] }), CANONICAL_D, NV)
    expect("0 * inf", run(fmulD(10, 1, 2, RNE), { f: [0n, D(Infinity)] }), CANONICAL_D, NV)
    expect("sqrt(-1)", run(fsqrtD(10, 1, RNE), { f: [D(-1)] }), CANONICAL_D, NV)
    expect("sqrt(-0)", run(fsqrtD(10, 1, RNE), { f: [NEG] }), NEG, 0)
    expect("sqrt(2) inexact", run(fsqrtD(10, 1, RNE), { f: [D(2)] }), D(Math.SQRT2), NX)
    // sqrt(2) = 0x3ff6a09e667f3bcc.9...: nearest rounds up.
    expect("sqrt(2) RTZ", run(fsqrtD(10, 1, RTZ), { f: [D(2)] }), D(Math.SQRT2) - 1n, NX)
    expect("sqrt(2) RUP", run(fsqrtD(10, 1, RUP), { f: [D(2)] }), D(Math.SQRT2), NX)
  })

  it("NaN results are canonical; signalling NaN operands raise NV", () => {
    expect("qNaN + 1", run(add(1)(10, 1, 2, RNE), { f: [QNAN_D, D(1)] }), CANONICAL_D, 0)
    expect("sNaN + 1", run(add(1)(10, 1, 2, RNE), { f: [SNAN_D, D(1)] }), CANONICAL_D, NV)
    expect("1 * -qNaN", run(fmulD(10, 1, 2, RNE), { f: [D(1), NEG | QNAN_D] }), CANONICAL_D, 0)
    expect("single sNaN", run(add(0)(10, 1, 2, RNE), { f: [SNAN_S, S(1)] }), CANONICAL_S, NV)
    expect("fcvt.d.s sNaN", run(A.opFp(0x08, 1, 10, 1, 0, 0), { f: [SNAN_S] }), CANONICAL_D, NV)
    expect("fcvt.s.d qNaN", run(A.opFp(0x08, 0, 10, 1, 1, RNE), { f: [QNAN_D] }), CANONICAL_S, 0)
  })

  it("NaN-boxing: an improperly boxed single reads as the canonical NaN; moves and stores do not check", () => {
    const unboxed = 0x000000003f800000n // 1.0f without the box
    expect("fadd.s", run(add(0)(10, 1, 2, RNE), { f: [unboxed, S(1)] }), CANONICAL_S, 0)
    expect("fsgnj.s", run(A.opFp(4, 0, 10, 1, 2, 0), { f: [unboxed, S(-1)] }), boxed(0xffc00000), 0)
    expect("fsgnjx.s", run(A.opFp(4, 0, 10, 2, 1, 2), { f: [unboxed, S(-1)] }), boxed(0xbf800000), 0)
    expect("feq.s", run(A.opFp(0x14, 0, 10, 1, 1, 2), { f: [unboxed] }, true), 0n, 0)
    expect("fclass.s", run(A.opFp(0x1c, 0, 10, 1, 0, 1), { f: [unboxed] }, true), 1n << 9n, 0)
    expect("fcvt.d.s", run(A.opFp(0x08, 1, 10, 1, 0, 0), { f: [unboxed] }), CANONICAL_D, 0)
    // fmv.x.w takes the low 32 bits as they are, sign-extended.
    expect("fmv.x.w", run(A.fmvXW(10, 1), { f: [0x12345678bf800000n] }, true), 0xffffffffbf800000n, 0)
    expect("fmv.w.x", run(A.fmvWX(10, 5), { x: 0xdeadbeef3f800000n }), S(1), 0)
    // FSW stores the low 32 bits; FLW boxes.
    m.load([A.fsw(1, 0, 5), A.flw(10, 0, 5), A.ebreak()])
    m.setX(5, DATA)
    m.setF(1, 0x12345678cafef00dn)
    m.run()
    assert.strictEqual(hex(m.readU64(DATA) & 0xffffffffn), hex(0xcafef00dn))
    assert.strictEqual(hex(m.f(10)), hex(boxed(0xcafef00d)))
  })

  it("fmin/fmax order -0 below +0, return the non-NaN operand, and raise NV only for sNaN", () => {
    const fmin = A.opFp(5, 1, 10, 1, 2, 0)
    const fmax = A.opFp(5, 1, 10, 1, 2, 1)
    expect("min(-0, +0)", run(fmin, { f: [NEG, 0n] }), NEG, 0)
    expect("min(+0, -0)", run(fmin, { f: [0n, NEG] }), NEG, 0)
    expect("max(-0, +0)", run(fmax, { f: [NEG, 0n] }), 0n, 0)
    expect("min(qNaN, 1)", run(fmin, { f: [QNAN_D, D(1)] }), D(1), 0)
    expect("max(1, sNaN)", run(fmax, { f: [D(1), SNAN_D] }), D(1), NV)
    expect("min(qNaN, sNaN)", run(fmin, { f: [QNAN_D, SNAN_D] }), CANONICAL_D, NV)
    expect("max(-inf, -max)", run(fmax, { f: [D(-Infinity), NEG | MAX_D] }), NEG | MAX_D, 0)
    expect("single min(sNaN, -0)", run(A.opFp(5, 0, 10, 1, 2, 0), { f: [SNAN_S, S(-0)] }), S(-0), NV)
  })

  it("comparisons: FEQ is quiet, FLT and FLE signal on any NaN", () => {
    const feq = A.opFp(0x14, 1, 10, 1, 2, 2)
    const flt = A.opFp(0x14, 1, 10, 1, 2, 1)
    const fle = A.opFp(0x14, 1, 10, 1, 2, 0)
    expect("feq(-0, +0)", run(feq, { f: [NEG, 0n] }, true), 1n, 0)
    expect("fle(-0, +0)", run(fle, { f: [NEG, 0n] }, true), 1n, 0)
    expect("flt(-0, +0)", run(flt, { f: [NEG, 0n] }, true), 0n, 0)
    expect("feq(qNaN, qNaN)", run(feq, { f: [QNAN_D, QNAN_D] }, true), 0n, 0)
    expect("feq(sNaN, 1)", run(feq, { f: [SNAN_D, D(1)] }, true), 0n, NV)
    expect("flt(qNaN, 1)", run(flt, { f: [QNAN_D, D(1)] }, true), 0n, NV)
    expect("fle(1, qNaN)", run(fle, { f: [D(1), QNAN_D] }, true), 0n, NV)
    expect("flt(-inf, -max)", run(flt, { f: [D(-Infinity), NEG | MAX_D] }, true), 1n, 0)
  })

  it("fclass sets exactly one bit per class", () => {
    const classes: ReadonlyArray<readonly [bigint, number]> = [
      [D(-Infinity), 0],
      [D(-1), 1],
      [NEG | 1n, 2],
      [NEG, 3],
      [0n, 4],
      [1n, 5],
      [D(1), 6],
      [D(Infinity), 7],
      [SNAN_D, 8],
      [QNAN_D, 9]
    ]
    for (const [value, bit] of classes) {
      expect(`fclass.d ${hex(value)}`, run(A.opFp(0x1c, 1, 10, 1, 0, 1), { f: [value] }, true), 1n << BigInt(bit), 0)
    }
  })

  it("float-to-integer conversions round by mode and saturate with NV", () => {
    const W = 0
    const WU = 1
    const L = 2
    const LU = 3
    const cases: ReadonlyArray<readonly [string, number, number, bigint, bigint, number]> = [
      ["2.5 RNE", W, RNE, D(2.5), 2n, NX],
      ["2.5 RMM", W, RMM, D(2.5), 3n, NX],
      ["2.5 RUP", W, RUP, D(2.5), 3n, NX],
      ["2.5 RDN", W, RDN, D(2.5), 2n, NX],
      ["-2.5 RNE", W, RNE, D(-2.5), (1n << 64n) - 2n, NX],
      ["-2.5 RMM", W, RMM, D(-2.5), (1n << 64n) - 3n, NX],
      ["-2.5 RDN", W, RDN, D(-2.5), (1n << 64n) - 3n, NX],
      ["-2.5 RTZ", W, RTZ, D(-2.5), (1n << 64n) - 2n, NX],
      ["3.5 RNE", W, RNE, D(3.5), 4n, NX],
      ["NaN to W", W, RNE, QNAN_D, 0x7fffffffn, NV],
      ["-inf to W", W, RNE, D(-Infinity), 0xffffffff80000000n, NV],
      ["2^31 to W", W, RNE, D(2 ** 31), 0x7fffffffn, NV],
      ["-2^31 - 0.5 RTZ to W", W, RTZ, D(-(2 ** 31) - 0.5), 0xffffffff80000000n, NX],
      ["-2^31 - 0.5 RDN to W", W, RDN, D(-(2 ** 31) - 0.5), 0xffffffff80000000n, NV],
      ["NaN to WU", WU, RNE, QNAN_D, (1n << 64n) - 1n, NV],
      ["-1 to WU", WU, RNE, D(-1), 0n, NV],
      ["-0.5 RTZ to WU", WU, RTZ, D(-0.5), 0n, NX],
      ["3e9 to WU (sign-extended)", WU, RNE, D(3e9), 0xffffffffb2d05e00n, 0],
      ["2^63 to L", L, RNE, D(2 ** 63), 0x7fffffffffffffffn, NV],
      ["-2^63 to L", L, RNE, D(-(2 ** 63)), 0x8000000000000000n, 0],
      ["2^64 to LU", LU, RNE, D(2 ** 64), (1n << 64n) - 1n, NV],
      ["2^64 - 2048 to LU", LU, RNE, D(2 ** 64 - 2048), (1n << 64n) - 2048n, 0],
      ["-inf to LU", LU, RNE, D(-Infinity), 0n, NV]
    ]
    for (const [what, kind, rm, value, want, flags] of cases) {
      expect(what, run(fcvt(1, kind, 10, 1, rm), { f: [value] }, true), want, flags)
    }
    expect("single 1.5 to L", run(fcvt(0, L, 10, 1, RNE), { f: [S(1.5)] }, true), 2n, NX)
  })

  it("integer-to-float conversions round by mode", () => {
    expect("2^24 + 1 to single RNE", run(fcvtFrom(0, 0, 10, 5, RNE), { x: 16777217n }), S(16777216), NX)
    expect("2^24 + 1 to single RUP", run(fcvtFrom(0, 0, 10, 5, RUP), { x: 16777217n }), S(16777218), NX)
    expect("2^63 - 1 to double", run(fcvtFrom(1, 2, 10, 5, RNE), { x: (1n << 63n) - 1n }), D(2 ** 63), NX)
    expect("2^63 - 1 to double RTZ", run(fcvtFrom(1, 2, 10, 5, RTZ), { x: (1n << 63n) - 1n }), D(2 ** 63) - 1n, NX)
    expect("-1 (L) to double", run(fcvtFrom(1, 2, 10, 5, RNE), { x: (1n << 64n) - 1n }), D(-1), 0)
    expect("2^64 - 1 (LU) to double", run(fcvtFrom(1, 3, 10, 5, RNE), { x: (1n << 64n) - 1n }), D(2 ** 64), NX)
    expect("W uses the low 32 bits", run(fcvtFrom(1, 0, 10, 5, RNE), { x: 0x12345678ffffffffn }), D(-1), 0)
    expect("WU uses the low 32 bits", run(fcvtFrom(1, 1, 10, 5, RNE), { x: 0x12345678ffffffffn }), D(4294967295), 0)
  })

  it("fused multiply-add rounds once", () => {
    // (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104 exactly; rounding the product first would give 0.
    const fmaddD = (rm: number) => A.fusedMultiplyAdd(0x43, 1, 10, 1, 2, 3, rm)
    expect("fmadd.d", run(fmaddD(RNE), { f: [ONE_PLUS_D, 0x3feffffffffffffen, D(-1)] }), D(-(2 ** -104)), 0)
    expect("fnmadd.d", run(A.fusedMultiplyAdd(0x4f, 1, 10, 1, 2, 3, RNE), { f: [D(2), D(3), D(1)] }), D(-7), 0)
    expect("fmsub.d", run(A.fusedMultiplyAdd(0x47, 1, 10, 1, 2, 3, RNE), { f: [D(2), D(3), D(1)] }), D(5), 0)
    expect("fnmsub.d", run(A.fusedMultiplyAdd(0x4b, 1, 10, 1, 2, 3, RNE), { f: [D(2), D(3), D(1)] }), D(-5), 0)
    // inf * 0 + qNaN is invalid.
    expect("inf * 0 + qNaN", run(fmaddD(RNE), { f: [D(Infinity), 0n, QNAN_D] }), CANONICAL_D, NV)
    expect(
      "inf * 2 - inf",
      run(A.fusedMultiplyAdd(0x47, 1, 10, 1, 2, 3, RNE), { f: [D(Infinity), D(2), D(Infinity)] }),
      CANONICAL_D,
      NV
    )
    // Single: 1 + 2^-24 exactly halfway after the product, decided by the addend's tail.
    expect(
      "fmadd.s",
      run(A.fusedMultiplyAdd(0x43, 0, 10, 1, 2, 3, RNE), { f: [S(1 + 2 ** -23), S(1 - 2 ** -24), S(2 ** -48)] }),
      S(1),
      NX
    )
    expect("-0 + -0 product", run(fmaddD(RNE), { f: [NEG, D(1), NEG] }), NEG, 0)
  })

  it("the FP CSRs: fflags, frm and fcsr views of one register; the counters are read-only", () => {
    m.load([
      A.csrrwi(5, 0x003, 0), // fcsr = 0
      A.addi(6, 0, 0x1ff),
      A.csrrw(0, 0x003, 6), // fcsr = 0xff (bits above 7 ignored)
      A.csrrs(7, 0x003, 0), // x7 = 0xff
      A.csrrci(28, 0x001, 3), // clears NX, UF; x28 = old fflags 0x1f
      A.csrrs(29, 0x002, 0), // x29 = frm 7
      A.fsrmi(30, 2), // frm = RDN, x30 = 7
      A.csrrs(31, 0x003, 0), // x31 = 0x5c
      A.ebreak()
    ])
    m.fcsr = 0x1f
    assert.strictEqual(m.run()._tag, "Exception")
    assert.deepStrictEqual([m.x(5), m.x(7), m.x(28), m.x(29), m.x(30), m.x(31)], [0x1fn, 0xffn, 0x1fn, 7n, 7n, 0x5cn])
    assert.strictEqual(m.fcsr, 0x5c)
    // Writing a counter is illegal, even with x0 as the source of CSRRW.
    const stop = m.exec([A.csrrw(0, 0xc00, 0)])
    assert.deepStrictEqual(stop, {
      _tag: "Exception",
      kind: "illegal-instruction",
      address: A.csrrw(0, 0xc00, 0),
      pc: CODE
    })
    const other = m.exec([A.csrrs(5, 0x300, 0)])
    assert.strictEqual(other._tag === "Exception" && other.kind, "illegal-instruction")
  })

  it("a dynamic rounding mode with a reserved frm is an illegal instruction and changes nothing", () => {
    for (const frm of [5, 6, 7]) {
      const word = add(1)(10, 1, 2, DYN)
      m.load([word, A.ebreak()])
      m.setF(10, 0x1234n)
      m.fcsr = frm << 5
      const stop = m.run()
      assert.deepStrictEqual(stop, { _tag: "Exception", kind: "illegal-instruction", address: word, pc: CODE })
      assert.strictEqual(m.f(10), 0x1234n)
      assert.strictEqual(m.fcsr, frm << 5)
    }
    // Static reserved modes never decode.
    const reserved = add(1)(10, 1, 2, 5)
    const stop = m.exec([reserved])
    assert.deepStrictEqual(stop, { _tag: "Exception", kind: "illegal-instruction", address: reserved, pc: CODE })
    // Instructions without rounding do not look at frm.
    expect("fsgnj with frm 7", run(A.opFp(4, 1, 10, 1, 2, 0), { f: [D(1), D(-2)], fcsr: 7 << 5 }), D(-1), 0)
  })

  it("FP loads and stores: misaligned, across pages, compressed forms, and faults that change nothing", () => {
    m.load([
      A.fld(1, 3, 5), // misaligned
      A.fsd(1, 0, 6), // crosses into the next page
      A.C.fsd(8, 8, 9),
      A.C.fld(9, 8, 9),
      A.C.fsdsp(1, 16),
      A.C.fldsp(2, 16),
      A.ebreak()
    ])
    m.writeU64(DATA + 3, 0x0123456789abcdefn)
    m.setX(5, DATA)
    m.setX(6, DATA + PAGE - 4)
    m.setX(9, DATA + 0x100)
    m.setF(8, D(3.25))
    m.setX(2, DATA + 0x200)
    m.run()
    assert.strictEqual(hex(m.f(1)), hex(0x0123456789abcdefn))
    assert.strictEqual(hex(m.readU64(DATA + PAGE - 4)), hex(0x0123456789abcdefn))
    assert.strictEqual(m.f(9), D(3.25))
    assert.strictEqual(m.f(2), 0x0123456789abcdefn)
    // A store to a read-only page faults and writes nothing.
    m.map(0x300000, PAGE, R | X)
    const stop = m.exec([A.fsd(1, 0, 5)], { 5: 0x300000 })
    assert.deepStrictEqual(stop, { _tag: "Exception", kind: "store-page-fault", address: 0x300000, pc: CODE })
    assert.strictEqual(m.readU64(0x300000), 0n)
    const load = m.exec([A.flw(3, 0, 5)], { 5: 0x700000 })
    assert.strictEqual(load._tag === "Exception" && load.kind, "load-page-fault")
  })

  it("FP registers and fcsr persist across run calls", () => {
    m.load([
      A.fsrmi(0, RUP),
      A.opFp(0x1a, 1, 1, 5, 0, RNE), // f1 = 3
      A.opFp(3, 1, 2, 1, 2, DYN), // f2 = f1 / f2 (rounded up)
      A.ebreak()
    ])
    m.setX(5, 3n)
    m.setF(2, D(7))
    for (let i = 0; i < 3; i++) assert.deepStrictEqual(m.run(1), { _tag: "BudgetSpent" })
    assert.strictEqual(m.run()._tag, "Exception")
    assert.strictEqual(m.f(2), D(3 / 7) + 1n)
    assert.strictEqual(m.fcsr, (RUP << 5) | NX)
  })
})
