/**
 * Zba, Zbb and Zbs, instruction by instruction, against a BigInt model transcribed from the
 * bit-manipulation specification's pseudocode, on every pair of edge values (and every edge value
 * with each interesting shift amount or bit index), with aliased and x0 destinations, on every CPU.
 */
import { assert, describe, it } from "@effect/vitest"
import * as A from "@zxsim/riscv/Assembler"
import { CODE, engines, Machine } from "./utils/Machine.js"
import { EDGE_VALUES, s64, sext32, u64 } from "./utils/Model.js"

const u32 = (x: bigint) => BigInt.asUintN(32, x)
const bitsOf = (x: bigint, width: number) => Array.from({ length: width }, (_, i) => (x >> BigInt(i)) & 1n)
const clz = (x: bigint, width: number) => {
  let n = 0
  for (let i = width - 1; i >= 0 && ((x >> BigInt(i)) & 1n) === 0n; i--) n++
  return BigInt(n)
}
const ctz = (x: bigint, width: number) => {
  let n = 0
  for (let i = 0; i < width && ((x >> BigInt(i)) & 1n) === 0n; i++) n++
  return BigInt(n)
}
const rotr = (x: bigint, s: bigint, width: number) => {
  const w = BigInt(width)
  const mask = (1n << w) - 1n
  const v = x & mask
  return ((v >> s) | (v << ((w - s) % w))) & mask
}

/** Register-register operations: name -> (rs1, rs2) -> rd. */
const registerOps: Readonly<
  Record<string, readonly [(rd: number, a: number, b: number) => number, (a: bigint, b: bigint) => bigint]>
> = {
  "add.uw": [A.addUw, (a, b) => u64(u32(a) + b)],
  sh1add: [A.sh1add, (a, b) => u64((a << 1n) + b)],
  sh2add: [A.sh2add, (a, b) => u64((a << 2n) + b)],
  sh3add: [A.sh3add, (a, b) => u64((a << 3n) + b)],
  "sh1add.uw": [A.sh1addUw, (a, b) => u64((u32(a) << 1n) + b)],
  "sh2add.uw": [A.sh2addUw, (a, b) => u64((u32(a) << 2n) + b)],
  "sh3add.uw": [A.sh3addUw, (a, b) => u64((u32(a) << 3n) + b)],
  andn: [A.andn, (a, b) => a & u64(~b)],
  orn: [A.orn, (a, b) => u64(a | u64(~b))],
  xnor: [A.xnor, (a, b) => u64(~(a ^ b))],
  min: [A.min, (a, b) => (s64(a) < s64(b) ? a : b)],
  max: [A.max, (a, b) => (s64(a) > s64(b) ? a : b)],
  minu: [A.minu, (a, b) => (a < b ? a : b)],
  maxu: [A.maxu, (a, b) => (a > b ? a : b)],
  rol: [A.rol, (a, b) => rotr(a, (64n - (b & 63n)) % 64n, 64)],
  ror: [A.ror, (a, b) => rotr(a, b & 63n, 64)],
  rolw: [A.rolw, (a, b) => sext32(rotr(a, (32n - (b & 31n)) % 32n, 32))],
  rorw: [A.rorw, (a, b) => sext32(rotr(a, b & 31n, 32))],
  bclr: [A.bclr, (a, b) => a & u64(~(1n << (b & 63n)))],
  bset: [A.bset, (a, b) => a | (1n << (b & 63n))],
  binv: [A.binv, (a, b) => a ^ (1n << (b & 63n))],
  bext: [A.bext, (a, b) => (a >> (b & 63n)) & 1n]
}

/** Operations with an immediate: name -> (encoder, model, largest immediate). */
const immediateOps: Readonly<
  Record<string, readonly [(rd: number, a: number, imm: number) => number, (a: bigint, i: bigint) => bigint, number]>
> = {
  "slli.uw": [A.slliUw, (a, i) => u64(u32(a) << i), 63],
  rori: [A.rori, (a, i) => rotr(a, i, 64), 63],
  roriw: [A.roriw, (a, i) => sext32(rotr(a, i, 32)), 31],
  bclri: [A.bclri, (a, i) => a & u64(~(1n << i)), 63],
  bseti: [A.bseti, (a, i) => a | (1n << i), 63],
  binvi: [A.binvi, (a, i) => a ^ (1n << i), 63],
  bexti: [A.bexti, (a, i) => (a >> i) & 1n, 63]
}

/** One-source operations. */
const unaryOps: Readonly<Record<string, readonly [(rd: number, a: number) => number, (a: bigint) => bigint]>> = {
  clz: [A.clz, (a) => clz(a, 64)],
  clzw: [A.clzw, (a) => clz(u32(a), 32)],
  ctz: [A.ctz, (a) => ctz(a, 64)],
  ctzw: [A.ctzw, (a) => ctz(u32(a), 32)],
  cpop: [A.cpop, (a) => bitsOf(a, 64).reduce((n, b) => n + b, 0n)],
  cpopw: [A.cpopw, (a) => bitsOf(a, 32).reduce((n, b) => n + b, 0n)],
  "sext.b": [A.sextB, (a) => u64(BigInt.asIntN(8, a))],
  "sext.h": [A.sextH, (a) => u64(BigInt.asIntN(16, a))],
  "zext.h": [A.zextH, (a) => a & 0xffffn],
  "orc.b": [A.orcB, (a) => {
    let r = 0n
    for (let i = 0n; i < 64n; i += 8n) if (((a >> i) & 0xffn) !== 0n) r |= 0xffn << i
    return r
  }],
  rev8: [A.rev8, (a) => {
    let r = 0n
    for (let i = 0n; i < 8n; i++) r |= ((a >> (8n * i)) & 0xffn) << (8n * (7n - i))
    return r
  }]
}

const hex = (x: bigint) => "0x" + x.toString(16)
/** Edge values plus shift amounts and bit indices as second operands. */
const SECOND = [...EDGE_VALUES, 31n, 32n, 33n, 63n, 64n, 95n]

describe.each(engines)("bit manipulation ($name)", ({ make }) => {
  const m = new Machine(make())
  const expectBreak = () => {
    const stop = m.run()
    assert.strictEqual(stop._tag === "Exception" ? stop.kind : stop._tag, "breakpoint")
  }

  for (const [name, [encode, model]] of Object.entries(registerOps)) {
    it(`${name} on every pair of edge values, with aliased and x0 destinations`, () => {
      m.load([encode(7, 5, 6), encode(8, 8, 9), encode(11, 10, 11), encode(0, 5, 6), A.ebreak()])
      for (const a of EDGE_VALUES) {
        for (const b of SECOND) {
          for (const [r, v] of [[5, a], [6, b], [8, a], [9, b], [10, a], [11, b]] as const) m.setX(r, v)
          m.pc = CODE
          expectBreak()
          const want = model(a, b)
          assert.strictEqual(hex(m.x(7)), hex(want), `${name} ${hex(a)}, ${hex(b)}`)
          assert.strictEqual(hex(m.x(8)), hex(want), `${name} ${hex(a)}, ${hex(b)} (rd = rs1)`)
          assert.strictEqual(hex(m.x(11)), hex(want), `${name} ${hex(a)}, ${hex(b)} (rd = rs2)`)
          assert.strictEqual(m.x(0), 0n)
        }
      }
    })
  }

  for (const [name, [encode, model, limit]] of Object.entries(immediateOps)) {
    it(`${name} on every edge value and immediate`, () => {
      for (const imm of [0, 1, 7, 31, Math.min(32, limit), limit]) {
        m.load([encode(7, 5, imm), encode(8, 8, imm), A.ebreak()])
        for (const a of EDGE_VALUES) {
          m.setX(5, a)
          m.setX(8, a)
          m.pc = CODE
          expectBreak()
          assert.strictEqual(hex(m.x(7)), hex(model(a, BigInt(imm))), `${name} ${hex(a)}, ${imm}`)
          assert.strictEqual(hex(m.x(8)), hex(model(a, BigInt(imm))), `${name} ${hex(a)}, ${imm} (rd = rs1)`)
        }
      }
    })
  }

  for (const [name, [encode, model]] of Object.entries(unaryOps)) {
    it(`${name} on every edge value`, () => {
      m.load([encode(7, 5), encode(8, 8), A.ebreak()])
      for (const a of [...EDGE_VALUES, 0x0100ff0080n, 0x8000000000000001n, 0x00ff00ff00ff00ffn]) {
        m.setX(5, a)
        m.setX(8, a)
        m.pc = CODE
        expectBreak()
        assert.strictEqual(hex(m.x(7)), hex(model(a)), `${name} ${hex(a)}`)
        assert.strictEqual(hex(m.x(8)), hex(model(a)), `${name} ${hex(a)} (rd = rs1)`)
      }
    })
  }

  it("literal vectors from the specification", () => {
    const run = (word: number, a: bigint, b = 0n) => {
      m.exec([word, A.ebreak()], { 5: a, 6: b })
      return m.x(7)
    }
    assert.strictEqual(run(A.clz(7, 5), 0n), 64n)
    assert.strictEqual(run(A.ctzw(7, 5), 0xffffffff00000000n), 32n)
    assert.strictEqual(run(A.rev8(7, 5), 0x0102030405060708n), 0x0807060504030201n)
    assert.strictEqual(run(A.orcB(7, 5), 0x0001000000800000n), 0x00ff000000ff0000n)
    assert.strictEqual(run(A.addUw(7, 5, 6), 0xffffffff80000000n, 1n), 0x80000001n)
    assert.strictEqual(run(A.sextH(7, 5), 0x8000n), 0xffffffffffff8000n)
    assert.strictEqual(run(A.rolw(7, 5, 6), 0x80000000n, 1n), 1n)
  })
})
