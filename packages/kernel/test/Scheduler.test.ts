import { assert, describe, it } from "@effect/vitest"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import { ProcessInfoFlags, TaskReturnCode } from "@zxsim/kernel/Task"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { hostTurns, launch, withGuests } from "./utils/launch.js"
import * as ScriptCpu from "./utils/ScriptCpu.js"
import { fault, spin, sys } from "./utils/ScriptCpu.js"

const terminated = (process: Parameters<Kernel.KernelShape["process"]["info"]>[0]) =>
  Effect.flatMap(Kernel.Kernel, (k) => k.object.waitOne(process, Signals.PROCESS_TERMINATED))

describe("Scheduler", () => {
  it.effect("a guest that exits records its return code, start time and flags", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const { process } = yield* launch(cpu, function*() {
          yield sys("process_exit", 42)
        })
        yield* terminated(process)
        const info = yield* k.process.info(process)
        assert.strictEqual(info.returnCode, 42n)
        assert.strictEqual(info.flags, ProcessInfoFlags.STARTED | ProcessInfoFlags.EXITED)
        assert.isTrue(info.startTime > 0n)
      })
    ))

  it.effect("an ecall from outside the vDSO kills the process with the exception return code", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const { process } = yield* launch(cpu, function*() {
          yield { _tag: "EcallAt", pc: 0x5000_0000, number: 0 }
        })
        yield* terminated(process)
        assert.strictEqual((yield* k.process.info(process)).returnCode, BigInt(TaskReturnCode.EXCEPTION_KILL))
      })
    ))

  it.effect("an ecall from another syscall's stub kills the process", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const { process } = yield* launch(cpu, function*() {
          // process_exit's number, from handle_close's stub.
          yield { _tag: "EcallAt", pc: cpu.vdsoCode + 4, number: 30 }
        })
        yield* terminated(process)
        assert.strictEqual((yield* k.process.info(process)).returnCode, BigInt(TaskReturnCode.EXCEPTION_KILL))
      })
    ))

  it.effect("an exception kills only the faulting process", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const bad = yield* launch(cpu, function*() {
          yield fault("load-page-fault", 0x10)
        })
        const good = yield* launch(cpu, function*() {
          for (let i = 0; i < 5; i++) yield spin
          yield sys("process_exit", 7)
        })
        yield* terminated(bad.process)
        yield* terminated(good.process)
        assert.strictEqual((yield* k.process.info(bad.process)).returnCode, BigInt(TaskReturnCode.EXCEPTION_KILL))
        assert.strictEqual((yield* k.process.info(good.process)).returnCode, 7n)
      })
    ))

  it.effect("a runaway guest does not starve other fibers or TestClock timers, and kill stops it", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const { process } = yield* launch(cpu, function*() {
          for (;;) yield spin
        })
        const timer = yield* Effect.fork(Effect.sleep("1 second"))
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(timer)
        let turns = 0
        for (let i = 0; i < 10; i++) {
          yield* Effect.yieldNow()
          turns++
        }
        assert.strictEqual(turns, 10)
        const info = yield* k.process.info(process)
        assert.strictEqual(info.flags, ProcessInfoFlags.STARTED)
        yield* k.task.kill(process)
        yield* terminated(process)
        assert.strictEqual((yield* k.process.info(process)).returnCode, BigInt(TaskReturnCode.SYSCALL_KILL))
      })
    ))

  it.effect("a blocked wait suspends only its thread; a message wakes it", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const { channel, process } = yield* launch(cpu, function*(m) {
          const h = m.a(0)
          const status = yield sys("object_wait_one", h, Signals.CHANNEL_READABLE, 0x7fffffffffffffffn, 0)
          yield sys("process_exit", status === 0n ? 5 : 6)
        })
        yield* hostTurns(20)
        assert.strictEqual((yield* k.process.info(process)).flags, ProcessInfoFlags.STARTED)
        yield* k.channel.write(channel, new Uint8Array([1]))
        yield* terminated(process)
        assert.strictEqual((yield* k.process.info(process)).returnCode, 5n)
      })
    ))

  it.effect("a wait with a deadline times out when the TestClock passes it, not before", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const { process } = yield* launch(cpu, function*(m) {
          const h = m.a(0)
          const now = yield sys("clock_get_monotonic")
          const status = yield sys("object_wait_one", h, Signals.CHANNEL_READABLE, now + 5_000_000_000n, 0)
          yield sys("process_exit", -status)
        })
        yield* hostTurns(20)
        yield* TestClock.adjust("4 seconds")
        assert.strictEqual((yield* k.process.info(process)).flags, ProcessInfoFlags.STARTED)
        yield* TestClock.adjust("2 seconds")
        yield* terminated(process)
        assert.strictEqual((yield* k.process.info(process)).returnCode, BigInt(-Status.TIMED_OUT))
      })
    ))

  it.effect("nanosleep follows the Clock", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const { process } = yield* launch(cpu, function*() {
          const now = yield sys("clock_get_monotonic")
          yield sys("nanosleep", now + 3_000_000_000n)
          yield sys("process_exit", 1)
        })
        yield* hostTurns(20)
        yield* TestClock.adjust("2 seconds")
        assert.strictEqual((yield* k.process.info(process)).flags, ProcessInfoFlags.STARTED)
        yield* TestClock.adjust("1 second")
        yield* terminated(process)
        assert.strictEqual((yield* k.process.info(process)).returnCode, 1n)
      })
    ))

  it.effect("closing the kernel's scope kills running guests", () => {
    const cpu = new ScriptCpu.ScriptCpu()
    return Effect.gen(function*() {
      const { process } = yield* launch(cpu, function*() {
        for (;;) yield spin
      })
      const k = yield* Kernel.Kernel
      assert.strictEqual((yield* k.stats).runningProcesses, 1)
      return process
    }).pipe(Effect.scoped, Effect.provide(Kernel.layer.pipe(Layer.provide(ScriptCpu.layer(cpu)))), Effect.asVoid)
  })
})
