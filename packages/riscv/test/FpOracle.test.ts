/**
 * The FP result oracle: every case of test/fixtures/fp-oracle.bin.gz (written once by
 * scripts/generate-fp-oracle.ts from qemu-riscv64 running a static rv64gc program) runs on every
 * CPU, with the rounding mode static in the instruction and again dynamic from `frm`, and must give
 * the recorded result bits and exactly the recorded `fflags`.
 */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { gunzipSync } from "node:zlib"
import * as A from "@zxsim/riscv/Assembler"
import { engines, Machine, R, W } from "./utils/Machine.js"
import { FP_OPS, type FpOp } from "./utils/FpOps.js"

interface Case {
  readonly rm: number
  readonly flags: number
  readonly sources: ReadonlyArray<bigint>
  readonly result: bigint
}

const bytes = gunzipSync(readFileSync(new URL("./fixtures/fp-oracle.bin.gz", import.meta.url)))
const read = (at: number, width: number): bigint => {
  let v = 0n
  for (let i = width - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i])
  return v
}
/** Cases by op, then by rounding mode. */
const groups = new Map<number, Map<number, Array<Case>>>()
let total = 0
for (let at = 0; at < bytes.length;) {
  const op = bytes[at]
  const rm = bytes[at + 1]
  const flags = bytes[at + 2]
  at += 3
  const desc = FP_OPS[op]
  const sources: Array<bigint> = []
  for (const k of desc.sources) {
    const width = k === "x" ? 8 : desc.width
    sources.push(read(at, width))
    at += width
  }
  const width = desc.result === "x" ? 8 : desc.resultWidth
  const result = read(at, width)
  at += width
  const byRm = groups.get(op) ?? new Map<number, Array<Case>>()
  groups.set(op, byRm)
  const list = byRm.get(rm) ?? []
  byRm.set(rm, list)
  list.push({ rm, flags, sources, result })
  total++
}

/** Records in guest memory: a, b, c, result, flags (8 bytes each). */
const RECORDS = 0x400000
const RECORD = 40
const RECORDS_SIZE = 0x80000

const box = (desc: FpOp, kind: string, v: bigint) => (kind === "f" && desc.width === 4 ? v | 0xffffffff00000000n : v)

/** A loop over the records running `op` on each, with `rm` static or (dynamic) from frm. */
const program = (desc: FpOp, rm: number, dynamic: boolean) => {
  const rd = desc.result === "f" ? 3 : 6 // f3 or t1
  const sources = desc.sources.map((k, i) => (k === "f" ? i : 5)) // f0..f2 or t0
  const [s1 = 0, s2 = 0, s3 = 0] = sources
  return [
    dynamic ? A.fsrmi(0, rm) : A.fsrmi(0, 0),
    A.label("loop"),
    A.fld(0, 0, 10), A.fld(1, 8, 10), A.fld(2, 16, 10), A.ld(5, 0, 10),
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
            const data = new DataView(new ArrayBuffer(chunk.length * RECORD))
            chunk.forEach((c, i) => desc.sources.forEach((k, j) => data.setBigUint64(i * RECORD + 8 * j, box(desc, k, c.sources[j]), true)))
            m.write(RECORDS, new Uint8Array(data.buffer))
            m.load(program(desc, rm, dynamic))
            m.setX(10, RECORDS)
            m.setX(11, RECORDS + chunk.length * RECORD)
            m.fcsr = 0
            const stop = m.run(100_000_000)
            assert.strictEqual(stop._tag === "Exception" ? stop.kind : stop._tag, "breakpoint", desc.name)
            const out = new DataView(m.read(RECORDS, chunk.length * RECORD).slice().buffer)
            chunk.forEach((c, i) => {
              let got = out.getBigUint64(i * RECORD + 24, true)
              const flags = Number(out.getBigUint64(i * RECORD + 32, true))
              if (desc.result === "f" && desc.resultWidth === 4) {
                if (got >> 32n !== 0xffffffffn) mismatches.push(`${desc.name}: result ${got.toString(16)} not NaN-boxed`)
                got &= 0xffffffffn
              }
              checked++
              if (got !== c.result || flags !== c.flags) {
                mismatches.push(
                  `${desc.name} rm=${rm}${dynamic ? " (dyn)" : ""} ${c.sources.map((s) => s.toString(16)).join(", ")}: ` +
                    `want ${c.result.toString(16)} flags ${c.flags}, got ${got.toString(16)} flags ${flags}`
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
