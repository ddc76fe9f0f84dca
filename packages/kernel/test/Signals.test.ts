import { assert, describe, it } from "@effect/vitest"
import * as Rights from "@zxsim/kernel/Rights"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import { ProcessInfoFlags, TIME_INFINITE } from "@zxsim/kernel/Task"
import { USER_ASPACE_BASE } from "@zxsim/kernel/VmOptions"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { expectStatus, kernel, withKernel } from "./support.js"

const R = Rights.Rights

/** Whether a forked fiber is still waiting (has not finished). */
const stillWaiting = <A, E>(fiber: Fiber.RuntimeFiber<A, E>) => Effect.map(Fiber.poll(fiber), Option.isNone)

describe("Signals", () => {
  it("have Zircon's bit values", () => {
    assert.strictEqual(Signals.OBJECT_READABLE, 1)
    assert.strictEqual(Signals.OBJECT_WRITABLE, 2)
    assert.strictEqual(Signals.OBJECT_PEER_CLOSED, 4)
    assert.strictEqual(Signals.OBJECT_SIGNALED, 8)
    assert.strictEqual(Signals.PROCESS_TERMINATED, 8)
    assert.strictEqual(Signals.THREAD_TERMINATED, 8)
    assert.strictEqual(Signals.THREAD_RUNNING, 16)
    assert.strictEqual(Signals.THREAD_SUSPENDED, 32)
  })

  describe("waitOne", () => {
    it.effect("returns at once when a signal is already set", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a] = yield* k.channel.create()
        const observed = yield* k.object.waitOne(a, Signals.CHANNEL_WRITABLE | Signals.CHANNEL_READABLE)
        assert.strictEqual(observed, Signals.CHANNEL_WRITABLE)
        // Even with a deadline already past.
        assert.strictEqual(yield* k.object.waitOne(a, Signals.CHANNEL_WRITABLE, 0n), Signals.CHANNEL_WRITABLE)
      })))

    it.effect("wakes when a signal is set later, suspending only the waiting fiber", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        const waiter = yield* Effect.fork(k.object.waitOne(b, Signals.CHANNEL_READABLE | Signals.CHANNEL_PEER_CLOSED))
        yield* Effect.yieldNow()
        assert.isTrue(yield* stillWaiting(waiter))
        // This fiber goes on working with the kernel meanwhile.
        const vmo = yield* k.vmo.create(4096)
        yield* k.vmo.write(vmo, 0, new Uint8Array([1]))
        assert.isTrue(yield* stillWaiting(waiter))
        yield* k.channel.write(a, new Uint8Array([1]))
        const observed = yield* Fiber.join(waiter)
        assert.strictEqual(observed, Signals.CHANNEL_READABLE | Signals.CHANNEL_WRITABLE)
      })))

    it.effect("several waiters on one object all wake; waiters for other signals keep waiting", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        const w1 = yield* Effect.fork(k.object.waitOne(b, Signals.CHANNEL_READABLE))
        const w2 = yield* Effect.fork(k.object.waitOne(b, Signals.CHANNEL_READABLE))
        const other = yield* Effect.fork(k.object.waitOne(b, Signals.CHANNEL_PEER_CLOSED))
        yield* Effect.yieldNow()
        yield* k.channel.write(a, new Uint8Array(0))
        assert.isTrue(((yield* Fiber.join(w1)) & Signals.CHANNEL_READABLE) !== 0)
        assert.isTrue(((yield* Fiber.join(w2)) & Signals.CHANNEL_READABLE) !== 0)
        assert.isTrue(yield* stillWaiting(other))
        yield* k.handle.close(a)
        assert.isTrue(((yield* Fiber.join(other)) & Signals.CHANNEL_PEER_CLOSED) !== 0)
      })))

    it.effect("a deadline passes with the TestClock: TIMED_OUT, not before", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [, b] = yield* k.channel.create()
        const deadline = (yield* k.monotonic) + 1_000_000_000n
        const waiter = yield* Effect.fork(k.object.waitOne(b, Signals.CHANNEL_READABLE, deadline))
        yield* Effect.yieldNow()
        yield* TestClock.adjust("999 millis")
        assert.isTrue(yield* stillWaiting(waiter))
        yield* TestClock.adjust("1 millis")
        yield* expectStatus(Fiber.join(waiter), Status.TIMED_OUT)
      })))

    it.effect("a deadline at or before now fails TIMED_OUT at once", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [, b] = yield* k.channel.create()
        yield* expectStatus(k.object.waitOne(b, Signals.CHANNEL_READABLE, 0n), Status.TIMED_OUT)
        yield* expectStatus(k.object.waitOne(b, Signals.CHANNEL_READABLE, yield* k.monotonic), Status.TIMED_OUT)
      })))

    it.effect("a signal before the deadline wins", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        const deadline = (yield* k.monotonic) + 1_000_000_000n
        const waiter = yield* Effect.fork(k.object.waitOne(b, Signals.CHANNEL_READABLE, deadline))
        yield* TestClock.adjust("500 millis")
        yield* k.channel.write(a, new Uint8Array(0))
        assert.isTrue(((yield* Fiber.join(waiter)) & Signals.CHANNEL_READABLE) !== 0)
        yield* TestClock.adjust("1 second")
      })))

    it.effect("closing the handle during the wait fails it CANCELED", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [, b] = yield* k.channel.create()
        const copy = yield* k.handle.duplicate(yield* k.vmo.create(0))
        const waiter = yield* Effect.fork(k.object.waitOne(b, Signals.CHANNEL_READABLE))
        const onVmo = yield* Effect.fork(k.object.waitOne(copy, Signals.USER_ALL, TIME_INFINITE))
        yield* Effect.yieldNow()
        yield* k.handle.close(b)
        yield* expectStatus(Fiber.join(waiter), Status.CANCELED)
        yield* k.handle.close(copy)
        yield* expectStatus(Fiber.join(onVmo), Status.CANCELED)
      })))

    it.effect("a wait through a handle that closes with its scope is CANCELED", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const outcome = yield* Effect.scoped(Effect.gen(function*() {
          const [, b] = yield* k.channel.create()
          const fiber = yield* Effect.fork(k.object.waitOne(b, Signals.CHANNEL_READABLE))
          yield* Effect.yieldNow()
          return fiber
        }))
        yield* expectStatus(Fiber.join(outcome), Status.CANCELED)
      })))

    it.effect("an interrupted wait leaves nothing behind", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        const waiter = yield* Effect.fork(k.object.waitOne(b, Signals.CHANNEL_READABLE))
        yield* Effect.yieldNow()
        yield* Fiber.interrupt(waiter)
        yield* k.channel.write(a, new Uint8Array(0))
        assert.strictEqual(
          yield* k.object.waitOne(b, Signals.CHANNEL_READABLE),
          Signals.CHANNEL_READABLE | Signals.CHANNEL_WRITABLE
        )
      })))

    it.effect("a process's TERMINATED wakes its waiters", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const root = yield* k.job.root()
        const { process } = yield* k.process.create(root, "waited")
        const thread = yield* k.thread.create(process, "t")
        yield* k.process.start(process, thread, USER_ASPACE_BASE, USER_ASPACE_BASE, null, 0)
        const waiter = yield* Effect.fork(k.object.waitOne(process, Signals.PROCESS_TERMINATED))
        yield* Effect.yieldNow()
        assert.isTrue(yield* stillWaiting(waiter))
        yield* k.task.kill(process)
        assert.isTrue(((yield* Fiber.join(waiter)) & Signals.PROCESS_TERMINATED) !== 0)
        assert.strictEqual((yield* k.process.info(process)).flags, ProcessInfoFlags.STARTED | ProcessInfoFlags.EXITED)
      })))

    it.effect("needs WAIT (ACCESS_DENIED): VMAR handles have none", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const root = yield* k.job.root()
        const { rootVmar } = yield* k.process.create(root, "p")
        yield* expectStatus(k.object.waitOne(rootVmar, Signals.USER_ALL, 0n), Status.ACCESS_DENIED)
        const [a] = yield* k.channel.create()
        const blind = yield* k.handle.replace(a, Rights.DEFAULT_CHANNEL & ~R.WAIT)
        yield* expectStatus(k.object.waitOne(blind, Signals.CHANNEL_WRITABLE), Status.ACCESS_DENIED)
      })))
  })

  describe("user signals", () => {
    it.effect("object.signal sets and clears user bits and wakes waiters; needs SIGNAL", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(0)
        const bit = 1 << 24
        const waiter = yield* Effect.fork(k.object.waitOne(vmo, bit))
        yield* Effect.yieldNow()
        yield* k.object.signal(vmo, 0, bit)
        assert.isTrue(((yield* Fiber.join(waiter)) & bit) !== 0)
        assert.isTrue(((yield* k.object.signals(vmo)) & bit) !== 0)
        yield* k.object.signal(vmo, bit, 0)
        assert.strictEqual((yield* k.object.signals(vmo)) & bit, 0)
        const mute = yield* k.handle.duplicate(vmo, Rights.DEFAULT_VMO & ~R.SIGNAL)
        yield* expectStatus(k.object.signal(mute, 0, bit), Status.ACCESS_DENIED)
      })))

    it.effect("only user bits may be set or cleared (INVALID_ARGS)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a] = yield* k.channel.create()
        yield* expectStatus(k.object.signal(a, 0, Signals.CHANNEL_READABLE), Status.INVALID_ARGS)
        yield* expectStatus(k.object.signal(a, Signals.CHANNEL_WRITABLE, 0), Status.INVALID_ARGS)
        assert.strictEqual(yield* k.object.signals(a), Signals.CHANNEL_WRITABLE)
      })))
  })
})
