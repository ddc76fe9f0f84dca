import { assert, describe, it } from "@effect/vitest"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import { TIME_INFINITE } from "@zxsim/kernel/Task"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { DATA, hostTurns, launch, withGuests } from "./utils/launch.js"
import type { Machine, Script, ScriptCpu } from "./utils/ScriptCpu.js"
import { sys } from "./utils/ScriptCpu.js"

const FUTEX = DATA + 0x100
const MARKS = DATA + 0x200
const u32 = (value: number) => {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, value >>> 0, true)
  return b
}

let nextEntry = 0x7000_0000

/**
 * Launches `main` with `helpers` extra threads: each helper's thread handle arrives in the
 * bootstrap channel, and main starts them (`startHelpers`) at their scripts' entries.
 */
const launchWithHelpers = (
  cpu: ScriptCpu,
  main: (m: Machine, helpers: ReadonlyArray<number>) => ReturnType<Script>,
  helpers: ReadonlyArray<Script>
) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const entries = helpers.map((script) => {
      const entry = nextEntry
      nextEntry += 0x1000
      cpu.program(entry, script)
      return entry
    })
    const launched = yield* launch(cpu, function*(m) {
      const bootstrap = Number(m.a(0))
      yield sys("object_wait_one", bootstrap, Signals.CHANNEL_READABLE, TIME_INFINITE, 0)
      yield sys("channel_read", bootstrap, 0, DATA + 0x800, DATA + 0x900, 64, 8, DATA + 0xa00, DATA + 0xa04)
      const threads = entries.map((_, i) => m.u32(DATA + 0x900 + 4 * i))
      // Each helper gets its own stack, 4 KiB apart below the top of the data page.
      for (let i = 0; i < threads.length; i++) {
        yield sys("thread_start", threads[i], entries[i], DATA + 0xf000 - 0x1000 * i, i, 0)
      }
      yield* main(m, threads)
    })
    const threads = []
    for (let i = 0; i < helpers.length; i++) threads.push(yield* k.thread.create(launched.process, `helper-${i}`))
    yield* k.channel.write(launched.channel, new Uint8Array(0), threads)
    return launched
  })

describe("futexes", () => {
  it.effect("futex_wait refuses a changed value, a misaligned or null address and a bad owner, and times out", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const { process } = yield* launch(cpu, function*(m) {
          const bootstrap = Number(m.a(0))
          m.write(FUTEX, u32(7))
          const changed = yield sys("futex_wait", FUTEX, 6, 0, TIME_INFINITE)
          const misaligned = yield sys("futex_wait", FUTEX + 2, 7, 0, TIME_INFINITE)
          const nowhere = yield sys("futex_wait", 0, 7, 0, TIME_INFINITE)
          const badOwner = yield sys("futex_wait", FUTEX, 7, 0x12345673, TIME_INFINITE)
          const wrongOwner = yield sys("futex_wait", FUTEX, 7, bootstrap, TIME_INFINITE)
          const past = yield sys("futex_wait", FUTEX, 7, 0, 0)
          const now = yield sys("clock_get_monotonic")
          const later = yield sys("futex_wait", FUTEX, 7, 0, now + 1_000_000n)
          const wakeNobody = yield sys("futex_wake", FUTEX, 1)
          const ok = changed === BigInt(Status.BAD_STATE) && misaligned === BigInt(Status.INVALID_ARGS) &&
            nowhere === BigInt(Status.INVALID_ARGS) && badOwner === BigInt(Status.BAD_HANDLE) &&
            wrongOwner === BigInt(Status.WRONG_TYPE) && past === BigInt(Status.TIMED_OUT) &&
            later === BigInt(Status.TIMED_OUT) && wakeNobody === 0n
          yield sys("process_exit", ok ? 0 : 1)
        })
        // The timed wait ends when the clock passes its deadline.
        yield* hostTurns(20)
        yield* TestClock.adjust(Duration.millis(2))
        yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
        assert.strictEqual((yield* k.process.info(process)).returnCode, 0n)
      })
    ))

  it.effect("threads started inside an uninterruptible region (a resource's acquisition) still time out and can be killed", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        // Fibers inherit their parent's interruptibility: a guest thread started from inside
        // acquireRelease's acquisition must not inherit it, or its timed wait never ends and a
        // kill never lands.
        const timed = yield* Effect.uninterruptible(launch(cpu, function*(m) {
          m.write(FUTEX, u32(7))
          const now = yield sys("clock_get_monotonic")
          const later = yield sys("futex_wait", FUTEX, 7, 0, now + 1_000_000n)
          yield sys("process_exit", later === BigInt(Status.TIMED_OUT) ? 0 : 1)
        }, "timed"))
        const forever = yield* Effect.uninterruptible(launch(cpu, function*(m) {
          m.write(FUTEX + 4, u32(7))
          yield sys("futex_wait", FUTEX + 4, 7, 0, TIME_INFINITE)
          yield sys("process_exit", 1)
        }, "forever"))
        yield* hostTurns(20)
        yield* TestClock.adjust(Duration.millis(2))
        yield* k.object.waitOne(timed.process, Signals.PROCESS_TERMINATED)
        assert.strictEqual((yield* k.process.info(timed.process)).returnCode, 0n)
        yield* k.task.kill(forever.process)
        yield* k.object.waitOne(forever.process, Signals.PROCESS_TERMINATED)
        assert.strictEqual((yield* k.process.info(forever.process)).returnCode, -1024n)
      })
    ))

  it.effect("futex_wake wakes waiters in the order they began waiting, at most wake_count of them", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        // Each helper waits on the futex, then records the order it was woken in.
        const helper: Script = function*(m) {
          const index = Number(m.a(0))
          const status = yield sys("futex_wait", FUTEX, 0, 0, TIME_INFINITE)
          const order = m.u32(MARKS) + 1
          m.write(MARKS, u32(order))
          m.write(MARKS + 4 + 4 * index, u32(status === 0n ? order : 99))
          yield sys("thread_exit")
        }
        const { process } = yield* launchWithHelpers(cpu, function*(m, threads) {
          // Let both helpers block (each wait suspends only its own thread).
          for (let i = 0; i < 4; i++) yield sys("nanosleep", 0)
          yield sys("futex_wake", FUTEX, 1)
          yield sys("object_wait_one", threads[0], Signals.THREAD_TERMINATED, TIME_INFINITE, 0)
          const firstOnly = m.u32(MARKS) === 1 && m.u32(MARKS + 4) === 1 && m.u32(MARKS + 8) === 0
          yield sys("futex_wake", FUTEX, 0xffffffff)
          yield sys("object_wait_one", threads[1], Signals.THREAD_TERMINATED, TIME_INFINITE, 0)
          const then = m.u32(MARKS) === 2 && m.u32(MARKS + 8) === 2
          yield sys("process_exit", firstOnly && then ? 0 : 1)
        }, [helper, helper])
        yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
        assert.strictEqual((yield* k.process.info(process)).returnCode, 0n)
      })
    ))

  it.effect("a process that dies with threads waiting on futexes leaves nothing behind", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const waiter: Script = function*() {
          yield sys("futex_wait", FUTEX, 0, 0, TIME_INFINITE)
          yield sys("thread_exit")
        }
        const { process } = yield* launchWithHelpers(cpu, function*() {
          for (let i = 0; i < 4; i++) yield sys("nanosleep", 0)
          yield sys("process_exit", 5)
        }, [waiter, waiter, waiter])
        yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
        assert.strictEqual((yield* k.process.info(process)).returnCode, 5n)
      })
    ))
})
