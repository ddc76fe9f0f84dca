/**
 * The JIT against the interpreter on random programs (see `utils/RandomPrograms.ts` for what they
 * contain and `utils/Differential.ts` for how they run): every stop reason, register (x, f, fcsr),
 * pc and instret, and the memory at the end, must be the same. Each property run is a batch of 32
 * programs sharing one machine per engine; 313 runs make 10,016 programs (scaled by
 * ZXSIM_PROPERTY_RUNS). The long run is
 * `npm run difftest -w @zxsim/riscv -- 100000`.
 */
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import { propertyRuns } from "../../../test-support/propertyRuns.js"
import { runBatch } from "./utils/Differential.js"

const BATCH = 32
const RUNS = propertyRuns(313)

describe("JIT against the interpreter", () => {
  let programs = 0
  let compiled = 0
  let total = 0

  // An asynchronous property that gives the event loop a turn between batches: the whole run
  // takes many seconds, and a worker that blocks that long on a loaded machine misses Vitest's
  // 60-second RPC deadline ("Timeout calling onTaskUpdate") and fails the run.
  it("random programs stop the same way with the same registers and memory", () =>
    FastCheck.assert(
      FastCheck.asyncProperty(FastCheck.integer({ min: 1, max: 0x7fffffff }), async (seed) => {
        await new Promise<void>((resolve) => setImmediate(resolve))
        const result = runBatch(seed, BATCH)
        programs += result.programs
        compiled += result.compiled
        total += result.total
        assert.deepStrictEqual(result.divergences, [], `batch seed ${seed}`)
      }),
      { numRuns: RUNS }
    ), 600_000)

  it("ran every batch's programs, most of their instructions compiled", () => {
    assert.isAtLeast(programs, RUNS * BATCH)
    // Every program runs three times on the JIT; the first run mostly warms it up. F and D
    // instructions (about 6% of the random items) run on the interpreter and end regions.
    assert.isAbove(compiled / total, 0.35)
  })
})
