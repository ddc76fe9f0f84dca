/**
 * The FP result oracle: every case of test/fixtures/fp-oracle.bin.gz (written once by
 * scripts/generate-fp-oracle.ts from qemu-riscv64 running a static rv64gc program) runs on every
 * CPU, with the rounding mode static in the instruction and again dynamic from `frm`, and must give
 * the recorded result bits and exactly the recorded `fflags`.
 */
import { assert, describe, it } from "@effect/vitest"
import * as A from "@zxsim/riscv/Assembler"
import { readFileSync } from "node:fs"
import { gunzipSync } from "node:zlib"
import { FP_OPS, type FpOp } from "./utils/FpOps.js"
import { engines, Machine, R, W } from "./utils/Machine.js"

/** A case: where its record starts in the fixture (after op, rm, flags come the operands, then the result). */
interface Case {
  readonly at: number
  readonly flags: number
}

const bytes = gunzipSync(readFileSync(new URL("./fixtures/fp-oracle.bin.gz", import.meta.url)))
const hex = (at: number, width: number): string => {
  let s = ""
  for (let i = width - 1; i >= 0; i--) s += bytes[at + i].toString(16).padStart(2, "0")
  return s
}
/** Cases by op, then by rounding mode. */
const groups = new Map<number, Map<number, Array<Case>>>()
let total = 0
for (let at = 0; at < bytes.length;) {
  const op = bytes[at]
  const rm = bytes[at + 1]
  const flags = bytes[at + 2]
  const desc = FP_OPS[op]
  const byRm = groups.get(op) ?? new Map<number, Array<Case>>()
  groups.set(op, byRm)
  const list = byRm.get(rm) ?? []
  byRm.set(rm, list)
  list.push({ at: at + 3, flags })
  at += 3
  for (const k of desc.sources) at += k === "x" ? 8 : desc.width
  at += desc.result === "x" ? 8 : desc.resultWidth
  total++
}

/** Records in guest memory: a, b, c, result, flags (8 bytes each). */
const RECORDS = 0x400000
const RECORD = 40
const RECORDS_SIZE = 0x80000

/** A loop over the records running `op` on each, with `rm` static or (dynamic) from frm. */
const program = (desc: FpOp, rm: number, dynamic: boolean) => {
  const rd = desc.result === "f" ? 3 : 6 // f3 or t1
  const sources = desc.sources.map((k, i) => (k === "f" ? i : 5)) // f0..f2 or t0
  const [s1 = 0, s2 = 0, s3 = 0] = sources
  return [
    dynamic ? A.fsrmi(0, rm) : A.fsrmi(0, 0),
    A.label("loop"),
    A.fld(0, 0, 10),
    A.fld(1, 8, 10),
    A.fld(2, 16, 10),
    A.ld(5, 0, 10),
    A.fsflags(0, 0),
    desc.encode(rd, s1, s2, s3, dynamic ? A.Rm.DYN : rm),
    A.frflags(7),
    desc.result === "f" ? A.fsd(3, 24, 10) : A.sd(6, 24, 10),
    A.sd(7, 32, 10),
    A.addi(10, 10, RECORD),
    A.bne(10, 11, "loop"),
    A.ebreak()
  ]
}

describe.each(engines)("FP oracle ($name)", ({ make }) => {
  it(`the oracle has at least 100,000 cases of every operation`, () => {
    assert.isAtLeast(total, 100_000)
    assert.strictEqual(groups.size, FP_OPS.length)
  })

  it("every case gives qemu's result and flags, with static and dynamic rounding modes", { timeout: 120_000 }, () => {
    const m = new Machine(make(), { wasmPages: 64 })
    m.map(RECORDS, RECORDS_SIZE, R | W)
    const mismatches: Array<string> = []
    let checked = 0
    for (const [op, byRm] of groups) {
      const desc = FP_OPS[op]
      for (const [rm, list] of byRm) {
        for (const dynamic of desc.rounds ? [false, true] : [false]) {
          for (let start = 0; start < list.length; start += RECORDS_SIZE / RECORD) {
            const chunk = list.slice(start, start + RECORDS_SIZE / RECORD)
            const data = new Uint8Array(chunk.length * RECORD)
            chunk.forEach((c, i) => {
              let at = c.at
              desc.sources.forEach((k, j) => {
                const width = k === "x" ? 8 : desc.width
                data.set(bytes.subarray(at, at + width), i * RECORD + 8 * j)
                // Singles are NaN-boxed.
                if (width === 4) data.fill(0xff, i * RECORD + 8 * j + 4, i * RECORD + 8 * j + 8)
                at += width
              })
            })
            m.write(RECORDS, data)
            m.load(program(desc, rm, dynamic))
            m.setX(10, RECORDS)
            m.setX(11, RECORDS + chunk.length * RECORD)
            m.fcsr = 0
            const stop = m.run(100_000_000)
            assert.strictEqual(stop._tag === "Exception" ? stop.kind : stop._tag, "breakpoint", desc.name)
            const out = m.read(RECORDS, chunk.length * RECORD)
            const width = desc.result === "x" ? 8 : desc.resultWidth
            chunk.forEach((c, i) => {
              const result = c.at + desc.sources.reduce((n, k) => n + (k === "x" ? 8 : desc.width), 0)
              const base = i * RECORD
              let same = out[base + 32] === c.flags
              for (let b = 0; b < width; b++) same &&= out[base + 24 + b] === bytes[result + b]
              // A single result is NaN-boxed.
              for (let b = width; b < 8; b++) same &&= out[base + 24 + b] === 0xff
              checked++
              if (!same) {
                const sources = desc.sources.map((k, j) =>
                  hex(
                    c.at + desc.sources.slice(0, j).reduce((n, kk) => n + (kk === "x" ? 8 : desc.width), 0),
                    k === "x" ? 8 : desc.width
                  )
                )
                let got = ""
                for (let b = 7; b >= 0; b--) got += out[base + 24 + b].toString(16).padStart(2, "0")
                mismatches.push(
                  `${desc.name} rm=${rm}${dynamic ? " (dyn)" : ""} ${sources.join(", ")}: ` +
                    `want ${hex(result, width)} flags ${c.flags}, got ${got} flags ${out[base + 32]}`
                )
              }
            })
          }
        }
      }
    }
    assert.deepStrictEqual(mismatches.slice(0, 30), [], `${mismatches.length} mismatches`)
    assert.isAtLeast(checked, 100_000)
  })
})
