/**
 * The 64-bit helpers the interpreter uses for multiplication and division, against BigInt on
 * values chosen to reach each of their paths (both operands small, dividend below 2^52, a small
 * divisor, and the general bitwise division).
 */
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import * as I64 from "../src/internal/int64.js"
import { EDGE_VALUES, registerOps } from "./utils/Model.js"

type Helper = (r: Int32Array, d: number, a: number, b: number) => void
const helpers: ReadonlyArray<readonly [string, Helper]> = [
  ["mul", I64.mul],
  ["mulh", I64.mulh],
  ["mulhsu", I64.mulhsu],
  ["mulhu", I64.mulhu],
  ["div", I64.div],
  ["divu", I64.divu],
  ["rem", I64.rem],
  ["remu", I64.remu],
  ["divw", I64.divw],
  ["divuw", I64.divuw],
  ["remw", I64.remw],
  ["remuw", I64.remuw]
]

const r = new Int32Array(8)
const put = (i: number, v: bigint) => {
  r[2 * i] = Number(BigInt.asIntN(32, v))
  r[2 * i + 1] = Number(BigInt.asIntN(32, v >> 32n))
}
const get = (i: number) => (BigInt(r[2 * i + 1] >>> 0) << 32n) | BigInt(r[2 * i] >>> 0)

/** Values spread over magnitudes: every bit length, both signs, plus the edge values. */
const value = FastCheck.oneof(
  FastCheck.constantFrom(...EDGE_VALUES),
  FastCheck.integer({ min: 0, max: 64 }).chain((bits) => FastCheck.bigUintN(64).map((v) => v >> BigInt(64 - bits))),
  FastCheck.integer({ min: 0, max: 64 }).chain((bits) =>
    FastCheck.bigUintN(64).map((v) => BigInt.asUintN(64, -(v >> BigInt(64 - bits))))
  )
)

describe("64-bit helpers", () => {
  for (const [name, helper] of helpers) {
    it.prop(`${name} agrees with BigInt`, [value, value], ([a, b]) => {
      put(1, a)
      put(2, b)
      helper(r, 0, 2, 4)
      assert.strictEqual(get(0), registerOps[name](a, b), `${name} 0x${a.toString(16)}, 0x${b.toString(16)}`)
      // Destination aliasing a source.
      helper(r, 2, 2, 4)
      assert.strictEqual(get(1), registerOps[name](a, b))
    }, { fastCheck: { numRuns: 5000 } })
  }
})
