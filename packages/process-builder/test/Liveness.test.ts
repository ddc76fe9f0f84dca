import { assert, describe, it } from "@effect/vitest"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import { TaskReturnCode } from "@zxsim/kernel/Task"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Effect from "effect/Effect"
import { onKernel } from "./fixtures.js"
import { runGuest } from "./guests.js"

/** A raw 10 ms host timer counting its ticks: it only ticks when the event loop gets its turn. */
const ticker = Effect.acquireRelease(
  Effect.sync(() => {
    const state = { ticks: 0, timer: undefined as ReturnType<typeof setInterval> | undefined }
    state.timer = setInterval(() => state.ticks++, 10)
    return state
  }),
  (state) => Effect.sync(() => clearInterval(state.timer))
)

describe("host liveness", () => {
  for (const call of ["clock", "close"]) {
    it.live(
      `a guest spinning on an immediate syscall (${call}) lets a host ticker tick 20 times, then dies by task_kill`,
      () =>
        onKernel(
          Effect.gen(function*() {
            const k = yield* Kernel.Kernel
            const clock = yield* ticker
            const outcome = yield* runGuest("spin_syscall", {
              args: [call],
              whileRunning: (process) =>
                Effect.gen(function*() {
                  while (clock.ticks < 20) yield* Effect.promise(() => new Promise<void>((r) => setTimeout(r, 10)))
                  yield* k.task.kill(process)
                  yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
                })
            })
            assert.isAtLeast(clock.ticks, 20)
            assert.strictEqual(outcome.returnCode, BigInt(TaskReturnCode.SYSCALL_KILL))
            assert.isAbove((yield* k.executionStats).hostYields, 0)
          }),
          RiscvJit.layer
        ),
      { timeout: 60_000 }
    )
  }
})
