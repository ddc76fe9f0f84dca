import { assert, describe, it } from "@effect/vitest"
import { ObjectType } from "@zxsim/kernel/ObjectType"
import * as Rights from "@zxsim/kernel/Rights"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import { PolicyAction, PolicyCondition } from "@zxsim/kernel/Task"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { expectStatus, kernel, live, withKernel } from "./support.js"
import { DATA, launch, withGuests } from "./utils/launch.js"
import { sys } from "./utils/ScriptCpu.js"

const R = Rights.Rights

describe("events", () => {
  it.effect("an event is only signals: SIGNALED and user signals set and cleared, a waiter woken", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const event = yield* k.event.create()
      const info = yield* k.handle.info(event)
      assert.strictEqual(info.type, "EVENT")
      assert.strictEqual(info.rights, Rights.DEFAULT_EVENT)
      assert.strictEqual((yield* live).EVENT, 1)
      assert.strictEqual(yield* k.object.signals(event), 0)
      const waiter = yield* Effect.fork(k.object.waitOne(event, Signals.EVENT_SIGNALED))
      yield* Effect.yieldNow()
      yield* k.object.signal(event, 0, Signals.EVENT_SIGNALED | Signals.USER_0)
      assert.strictEqual(yield* Fiber.join(waiter), Signals.EVENT_SIGNALED | Signals.USER_0)
      yield* k.object.signal(event, Signals.EVENT_SIGNALED, 0)
      assert.strictEqual(yield* k.object.signals(event), Signals.USER_0)
      // Anything but SIGNALED and the user signals is refused, and an event has no peer.
      yield* expectStatus(k.object.signal(event, 0, Signals.OBJECT_READABLE), Status.INVALID_ARGS)
      yield* expectStatus(k.object.signalPeer(event, 0, Signals.USER_0), Status.ACCESS_DENIED)
    })))

  it.effect("an event pair's ends signal each other, and an end sees its peer close", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const [a, b] = yield* k.event.createPair()
      const infoA = yield* k.handle.info(a)
      const infoB = yield* k.handle.info(b)
      assert.strictEqual(infoA.type, "EVENTPAIR")
      assert.strictEqual(infoA.relatedKoid, infoB.koid)
      assert.strictEqual(infoB.relatedKoid, infoA.koid)
      assert.strictEqual(infoA.rights, Rights.DEFAULT_EVENTPAIR)
      assert.strictEqual((yield* live).EVENTPAIR, 2)
      const waiter = yield* Effect.fork(k.object.waitOne(b, Signals.USER_1))
      yield* Effect.yieldNow()
      yield* k.object.signalPeer(a, 0, Signals.USER_1 | Signals.EVENT_SIGNALED)
      assert.strictEqual(yield* Fiber.join(waiter), Signals.USER_1 | Signals.EVENT_SIGNALED)
      assert.strictEqual(yield* k.object.signals(a), 0)
      yield* k.object.signalPeer(a, Signals.USER_1, 0)
      assert.strictEqual(yield* k.object.signals(b), Signals.EVENT_SIGNALED)
      // Closing one end: the other sees PEER_CLOSED, keeps its koid link, and cannot signal it.
      const closed = yield* Effect.fork(k.object.waitOne(b, Signals.OBJECT_PEER_CLOSED))
      yield* Effect.yieldNow()
      yield* k.handle.close(a)
      assert.strictEqual(yield* Fiber.join(closed), Signals.EVENT_SIGNALED | Signals.OBJECT_PEER_CLOSED)
      assert.strictEqual((yield* k.handle.info(b)).relatedKoid, infoA.koid)
      yield* expectStatus(k.object.signalPeer(b, 0, Signals.USER_0), Status.PEER_CLOSED)
      assert.strictEqual((yield* live).EVENTPAIR, 1)
    })))

  it.effect("signalPeer reaches a channel's and a socket's other end; it needs SIGNAL_PEER and a peer", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const [c0, c1] = yield* k.channel.create()
      yield* k.object.signalPeer(c0, 0, Signals.USER_2)
      assert.strictEqual(((yield* k.object.signals(c1)) & Signals.USER_ALL) >>> 0, Signals.USER_2)
      // SIGNALED is an event's signal only.
      yield* expectStatus(k.object.signalPeer(c0, 0, Signals.EVENT_SIGNALED), Status.INVALID_ARGS)
      const [s0, s1] = yield* k.socket.create()
      yield* k.object.signalPeer(s1, 0, Signals.USER_7)
      assert.strictEqual(((yield* k.object.signals(s0)) & Signals.USER_ALL) >>> 0, Signals.USER_7)
      const weak = yield* k.handle.duplicate(s1, Rights.DEFAULT_SOCKET & ~R.SIGNAL_PEER)
      yield* expectStatus(k.object.signalPeer(weak, 0, Signals.USER_0), Status.ACCESS_DENIED)
      const vmo = yield* k.vmo.create(4096)
      const vmoWithPeerRight = yield* k.handle.duplicate(vmo)
      yield* expectStatus(k.object.signalPeer(vmoWithPeerRight, 0, Signals.USER_0), Status.ACCESS_DENIED)
    })))
})

describe("event syscalls", () => {
  it.effect("event_create, eventpair_create and object_signal_peer from a guest; handles it keeps die with it", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* kernel
        const { process } = yield* launch(cpu, function*(m) {
          const okEvent = yield sys("event_create", 0, DATA)
          const event = m.u32(DATA)
          const signaled = yield sys("object_signal", event, 0, Signals.EVENT_SIGNALED)
          const pending = yield sys("object_wait_one", event, Signals.EVENT_SIGNALED, 0, DATA + 4)
          const okPair = yield sys("eventpair_create", 0, DATA + 8, DATA + 12)
          const [a, b] = [m.u32(DATA + 8), m.u32(DATA + 12)]
          const peer = yield sys("object_signal_peer", a, 0, Signals.USER_3)
          const seen = yield sys("object_wait_one", b, Signals.USER_3, 0, DATA + 16)
          const badOptions = yield sys("event_create", 1, DATA + 20)
          const noPeer = yield sys("object_signal_peer", event, 0, Signals.USER_0)
          yield sys("handle_close", b)
          const peerGone = yield sys("object_signal_peer", a, 0, Signals.USER_0)
          const results = [okEvent, signaled, pending, okPair, peer, seen].every((s) => s === 0n) &&
            m.u32(DATA + 4) === Signals.EVENT_SIGNALED && m.u32(DATA + 16) === Signals.USER_3 &&
            badOptions === BigInt(Status.INVALID_ARGS) && noPeer === BigInt(Status.ACCESS_DENIED) &&
            peerGone === BigInt(Status.PEER_CLOSED)
          // The event and the pair's first end stay open: the process's death closes them.
          yield sys("process_exit", results ? 0 : 1)
        })
        yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
        assert.strictEqual((yield* k.process.info(process)).returnCode, 0n)
      })
    ))

  it.effect("a job policy denying NEW_EVENT or NEW_EVENTPAIR refuses them with ACCESS_DENIED", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* kernel
        const root = yield* k.job.root()
        const job = yield* k.job.create(root)
        yield* k.job.setPolicy(job, [
          { condition: PolicyCondition.NEW_EVENT, action: PolicyAction.DENY },
          { condition: PolicyCondition.NEW_EVENTPAIR, action: PolicyAction.DENY }
        ])
        const { process } = yield* launch(
          cpu,
          function*() {
            const event = yield sys("event_create", 0, DATA)
            const pair = yield sys("eventpair_create", 0, DATA, DATA + 4)
            yield sys(
              "process_exit",
              event === BigInt(Status.ACCESS_DENIED) && pair === BigInt(Status.ACCESS_DENIED) ? 0 : 1
            )
          },
          "denied",
          job
        )
        yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
        assert.strictEqual((yield* k.process.info(process)).returnCode, 0n)
        assert.strictEqual(ObjectType.EVENTPAIR, 16)
      })
    ))
})
