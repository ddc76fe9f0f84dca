import { assert, describe, it } from "@effect/vitest"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import { InfoTopic } from "@zxsim/kernel/Syscalls"
import * as Effect from "effect/Effect"
import { DATA, launch, withGuests } from "./utils/launch.js"
import type { Script } from "./utils/ScriptCpu.js"
import { sys } from "./utils/ScriptCpu.js"

/** Holds the host thread for `ms` inside the guest's CPU run: CPU time the kernel charges to the thread. */
const busy = (ms: number) => {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // spin
  }
}

describe("task runtime", () => {
  // Live clock: CPU time is host time spent in the CPU's runs.
  it.live("a job's and a process's CPU time add up what their threads ran, after they ended; other objects are refused", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const job = yield* k.job.create(yield* k.job.root())
        const worker: Script = function*(m) {
          const bootstrap = Number(m.a(0))
          busy(3)
          // A channel is not a task; a buffer too small for the record says so.
          const wrongType = yield sys("object_get_info", bootstrap, InfoTopic.TASK_RUNTIME, DATA, 32, 0, 0)
          const notThread = yield sys("object_get_info", bootstrap, InfoTopic.THREAD_STATS, DATA, 16, 0, 0)
          busy(3)
          yield sys(
            "process_exit",
            wrongType === BigInt(Status.WRONG_TYPE) && notThread === BigInt(Status.WRONG_TYPE) ? 0 : 1
          )
        }
        const first = yield* launch(cpu, worker, "first", job)
        const second = yield* launch(cpu, worker, "second", job)
        for (const { process } of [first, second]) {
          yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
          assert.strictEqual((yield* k.process.info(process)).returnCode, 0n)
        }
        const a = yield* k.task.runtime(first.process)
        const b = yield* k.task.runtime(second.process)
        assert.isAbove(Number(a), 0)
        assert.isAbove(Number(b), 0)
        // The job counts its processes after they ended, exactly.
        assert.strictEqual(yield* k.task.runtime(job), a + b)
        assert.isAtLeast(Number(yield* k.task.runtime(yield* k.job.root())), Number(a + b))
      })
    ))
})
