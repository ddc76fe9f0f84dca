/**
 * Zba, Zbb and Zbs as WebAssembly, for the emitter: each operation is a few i64 (or, for the W
 * forms, i32) instructions, leaving the result on the stack. WebAssembly has count-leading and
 * -trailing zeros, population count, rotates and sign extension from 8 and 16 bits; byte reversal
 * and OR-combine are built from shifts and masks.
 * @internal
 */
import { Op } from "../../Decoder.js"
import type { Insn } from "./region.js"
import { type Bytes, Opcode as W } from "./wasm.js"

/** Opcodes this file needs beyond `W`. */
const X = {
  i32Clz: 0x67,
  i32Ctz: 0x68,
  i32Popcnt: 0x69,
  i32Rotl: 0x77,
  i32Rotr: 0x78,
  i64GtS: 0x55,
  i64GtU: 0x56,
  i64Clz: 0x79,
  i64Ctz: 0x7a,
  i64Popcnt: 0x7b,
  i64Rotl: 0x89,
  i64Rotr: 0x8a,
  i64Extend8S: 0xc2,
  i64Extend16S: 0xc3,
  localTee: 0x22
} as const

/** What the emitter lends: pushing a register, pushing a 64-bit constant (halves), an i64 scratch local. */
export interface EmitContext {
  readonly b: Bytes
  readonly getX: (r: number) => void
  readonly const64: (lo: number, hi: number) => void
  readonly scratch: number
}

/** Emits `insn` (a bit-manipulation operation), leaving rd's new value on the stack. */
export const emitBitManipulation = (cx: EmitContext, insn: Insn): void => {
  const { b, const64, getX } = cx
  const { imm, op, rs1, rs2 } = insn
  const low32 = () => const64(-1, 0)
  switch (op) {
    case Op.ADD_UW:
      return getX(rs1), low32(), b.byte(W.i64And), getX(rs2), b.byte(W.i64Add)
    case Op.SH1ADD:
    case Op.SH2ADD:
    case Op.SH3ADD:
      return getX(rs1), const64(op - Op.SH1ADD + 1, 0), b.byte(W.i64Shl), getX(rs2), b.byte(W.i64Add)
    case Op.SH1ADD_UW:
    case Op.SH2ADD_UW:
    case Op.SH3ADD_UW:
      getX(rs1), low32(), b.byte(W.i64And)
      return const64(op - Op.SH1ADD_UW + 1, 0), b.byte(W.i64Shl), getX(rs2), b.byte(W.i64Add)
    case Op.SLLI_UW:
      return getX(rs1), low32(), b.byte(W.i64And), const64(imm, 0), b.byte(W.i64Shl)
    case Op.ANDN:
      return getX(rs1), getX(rs2), const64(-1, -1), b.byte(W.i64Xor), b.byte(W.i64And)
    case Op.ORN:
      return getX(rs1), getX(rs2), const64(-1, -1), b.byte(W.i64Xor), b.byte(W.i64Or)
    case Op.XNOR:
      return getX(rs1), getX(rs2), b.byte(W.i64Xor), const64(-1, -1), b.byte(W.i64Xor)
    case Op.CLZ:
      return getX(rs1), b.byte(X.i64Clz)
    case Op.CTZ:
      return getX(rs1), b.byte(X.i64Ctz)
    case Op.CPOP:
      return getX(rs1), b.byte(X.i64Popcnt)
    case Op.CLZW:
    case Op.CTZW:
    case Op.CPOPW:
      getX(rs1), b.byte(W.i32WrapI64)
      return b.byte(op === Op.CLZW ? X.i32Clz : op === Op.CTZW ? X.i32Ctz : X.i32Popcnt), b.byte(W.i64ExtendI32U)
    case Op.MAX:
    case Op.MIN:
    case Op.MAXU:
    case Op.MINU: {
      // select(a, b, a > b) for max, a < b for min.
      const compare = op === Op.MAX ? X.i64GtS : op === Op.MIN ? W.i64LtS : op === Op.MAXU ? X.i64GtU : W.i64LtU
      return getX(rs1), getX(rs2), getX(rs1), getX(rs2), b.byte(compare), b.byte(W.select)
    }
    case Op.SEXT_B:
      return getX(rs1), b.byte(X.i64Extend8S)
    case Op.SEXT_H:
      return getX(rs1), b.byte(X.i64Extend16S)
    case Op.ZEXT_H:
      return getX(rs1), const64(0xffff, 0), b.byte(W.i64And)
    case Op.ROL:
    case Op.ROR:
      return getX(rs1), getX(rs2), b.byte(op === Op.ROL ? X.i64Rotl : X.i64Rotr)
    case Op.RORI:
      return getX(rs1), const64(imm, 0), b.byte(X.i64Rotr)
    case Op.ROLW:
    case Op.RORW:
      getX(rs1), b.byte(W.i32WrapI64), getX(rs2), b.byte(W.i32WrapI64)
      return b.byte(op === Op.ROLW ? X.i32Rotl : X.i32Rotr), b.byte(W.i64ExtendI32S)
    case Op.RORIW:
      getX(rs1), b.byte(W.i32WrapI64), b.byte(W.i32Const), b.s32(imm)
      return b.byte(X.i32Rotr), b.byte(W.i64ExtendI32S)
    case Op.ORC_B: {
      // A byte's bit 7 of ((x & 0x7f..) + 0x7f..) | x is set iff the byte is nonzero; spread it.
      const seven = 0x7f7f7f7f
      getX(rs1), const64(seven, seven), b.byte(W.i64And), const64(seven, seven), b.byte(W.i64Add)
      getX(rs1), b.byte(W.i64Or), const64(0x80808080 | 0, 0x80808080 | 0), b.byte(W.i64And)
      return const64(7, 0), b.byte(W.i64ShrU), const64(0xff, 0), b.byte(W.i64Mul)
    }
    case Op.REV8: {
      // Swap bytes within halfwords, halfwords within words, then the words.
      const t = cx.scratch
      getX(rs1), b.byte2(W.localSet, t)
      b.byte2(W.localGet, t), const64(8, 0), b.byte(W.i64ShrU), const64(0x00ff00ff, 0x00ff00ff), b.byte(W.i64And)
      b.byte2(W.localGet, t), const64(0x00ff00ff, 0x00ff00ff), b.byte(W.i64And), const64(8, 0), b.byte(W.i64Shl)
      b.byte(W.i64Or), b.byte2(X.localTee, t)
      const64(16, 0), b.byte(W.i64ShrU), const64(0x0000ffff, 0x0000ffff), b.byte(W.i64And)
      b.byte2(W.localGet, t), const64(0x0000ffff, 0x0000ffff), b.byte(W.i64And), const64(16, 0), b.byte(W.i64Shl)
      return b.byte(W.i64Or), const64(32, 0), b.byte(X.i64Rotl)
    }
    case Op.BCLR:
      return getX(rs1), const64(1, 0), getX(rs2), b.byte(W.i64Shl), const64(-1, -1), b.byte(W.i64Xor), b.byte(W.i64And)
    case Op.BSET:
    case Op.BINV:
      return getX(rs1), const64(1, 0), getX(rs2), b.byte(W.i64Shl), b.byte(op === Op.BSET ? W.i64Or : W.i64Xor)
    case Op.BEXT:
      return getX(rs1), getX(rs2), b.byte(W.i64ShrU), const64(1, 0), b.byte(W.i64And)
    case Op.BEXTI:
      return getX(rs1), const64(imm, 0), b.byte(W.i64ShrU), const64(1, 0), b.byte(W.i64And)
    default: {
      // BCLRI, BSETI, BINVI with the mask as a constant.
      const lo = imm < 32 ? 1 << imm : 0
      const hi = imm < 32 ? 0 : 1 << (imm - 32)
      getX(rs1)
      if (op === Op.BCLRI) return const64(~lo, ~hi), b.byte(W.i64And)
      return const64(lo, hi), b.byte(op === Op.BSETI ? W.i64Or : W.i64Xor)
    }
  }
}
