import { assert, describe, it } from "@effect/vitest"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Effect from "effect/Effect"
import { onKernel } from "./fixtures.js"
import { image } from "./guests.js"

describe("JIT translations across processes", () => {
  it.live("processes started from one executable VMO share compiled code, wherever their images land", () =>
    onKernel(
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const file = yield* k.vmo.fromBytes(image("exit_code"), { executable: true })
        const spawn = Effect.scoped(Effect.gen(function*() {
          const builder = yield* ProcessBuilder.make({
            name: "exit_code",
            job: yield* k.job.root(),
            executable: yield* k.handle.duplicate(file),
            systemVdso: yield* k.systemVdso()
          })
          const built = yield* ProcessBuilder.build(builder)
          const process = yield* BuiltProcess.start(built)
          yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
          assert.strictEqual((yield* k.process.info(process)).returnCode, 0n)
          return built.elfBase
        }))
        const compiled = () => Effect.map(k.executionStats, (s) => s.cpu?.regionsCompiled ?? 0)
        const firstBase = yield* spawn
        const afterFirst = yield* compiled()
        assert.isAbove(afterFirst, 0)
        const bases = [firstBase]
        const counts: Array<number> = []
        for (let i = 0; i < 12; i++) {
          bases.push(yield* spawn)
          counts.push(yield* compiled())
        }
        // Address-space randomization put the images at different addresses ...
        assert.isAbove(new Set(bases).size, 1)
        // ... yet the code compiled for the first process serves all the others: none of them
        // compiles anything (compiling on first sight, without waiting to fill a batch).
        assert.deepStrictEqual(counts, counts.map(() => afterFirst))
      }),
      RiscvJit.layerWith({ hotness: 1, patience: 0 })
    ))
})
