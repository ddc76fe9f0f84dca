/**
 * The JIT against the interpreter on random programs (see `utils/RandomPrograms.ts` for what they
 * contain and `utils/Differential.ts` for how they run): every stop reason, register, pc and
 * instret, and the memory at the end, must be the same. Each property run is a batch of 32
 * programs sharing one machine per engine; 313 runs make 10,016 programs. The long run is
 * `npm run difftest -w @zxsim/riscv -- 100000`.
 */
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import { runBatch } from "./utils/Differential.js"

const BATCH = 32
const RUNS = 313

describe("JIT against the interpreter", () => {
  let programs = 0
  let compiled = 0
  let total = 0

  it.prop(
    "random programs stop the same way with the same registers and memory",
    [FastCheck.integer({ min: 1, max: 0x7fffffff })],
    ([seed]) => {
      const result = runBatch(seed, BATCH)
      programs += result.programs
      compiled += result.compiled
      total += result.total
      assert.deepStrictEqual(result.divergences, [], `batch seed ${seed}`)
    },
    // 10,000 programs take a minute alone and several on a busy machine.
    { timeout: 600_000, fastCheck: { numRuns: RUNS } }
  )

  it("ran at least 10,000 programs, most of their instructions compiled", () => {
    assert.isAtLeast(programs, 10_000)
    // Every program runs three times on the JIT; the first run mostly warms it up.
    assert.isAbove(compiled / total, 0.4)
  })
})
