import { assert, describe, it } from "@effect/vitest"
import * as Handle from "@zxsim/kernel/Handle"
import * as Rights from "@zxsim/kernel/Rights"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import {
  assertBytes,
  expectStatus,
  failureOf,
  kernel,
  live,
  PAGE,
  pretend,
  ramp,
  runCase,
  withKernel
} from "./support.js"

const R = Rights.Rights

/** `count` handles to fresh VMOs, each holding one distinct byte. */
const vmos = (count: number) =>
  Effect.gen(function*() {
    const k = yield* kernel
    const out: Array<Handle.Vmo> = []
    for (let i = 0; i < count; i++) out.push(yield* k.vmo.fromBytes(new Uint8Array([i & 0xff])))
    return out
  })

describe("Channel", () => {
  describe("messages", () => {
    it.effect("a pair carries messages both ways, in order, whole", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        yield* k.channel.write(a, new Uint8Array([1]))
        yield* k.channel.write(a, new Uint8Array([2, 2]))
        yield* k.channel.write(b, new Uint8Array([3, 3, 3]))
        yield* k.channel.write(a, new Uint8Array(0))
        assert.deepStrictEqual(Array.from((yield* k.channel.read(b)).bytes), [1])
        assert.deepStrictEqual(Array.from((yield* k.channel.read(b)).bytes), [2, 2])
        assert.deepStrictEqual(Array.from((yield* k.channel.read(b)).bytes), [])
        yield* expectStatus(k.channel.read(b), Status.SHOULD_WAIT)
        const back = yield* k.channel.read(a)
        assert.deepStrictEqual(Array.from(back.bytes), [3, 3, 3])
        assert.strictEqual(back.handles.length, 0)
        yield* expectStatus(k.channel.read(a), Status.SHOULD_WAIT)
      })))

    it.effect("the message is copied on write: later changes to the buffer do not travel", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        const buffer = new Uint8Array([1, 2, 3])
        yield* k.channel.write(a, buffer)
        buffer.fill(9)
        assert.deepStrictEqual(Array.from((yield* k.channel.read(b)).bytes), [1, 2, 3])
      })))

    it.effect("handles travel: the sender's die, the reader gets live ones to the same objects and rights", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        const vmo = yield* k.vmo.fromBytes(new Uint8Array([42]))
        const small = yield* k.handle.duplicate(vmo, R.READ | R.TRANSFER)
        const [x, y] = yield* k.channel.create()
        const koids = [(yield* k.handle.info(vmo)).koid, (yield* k.handle.info(y)).koid]
        yield* k.channel.write(a, new Uint8Array([7]), [small, y])
        assert.isFalse(Handle.isLive(small))
        assert.isFalse(Handle.isLive(y))
        yield* expectStatus(k.vmo.read(small, 0, 1), Status.BAD_HANDLE)
        // In flight the handles still count: nothing was closed.
        assert.strictEqual((yield* live).handles, 6)
        const message = yield* k.channel.read(b)
        assert.strictEqual(message.handles.length, 2)
        const [gotVmo, gotChannel] = message.handles
        assert.isTrue(Handle.isLive(gotVmo))
        const info = yield* k.handle.info(gotVmo)
        assert.strictEqual(info.koid, koids[0])
        assert.strictEqual(info.rights, R.READ | R.TRANSFER)
        assert.strictEqual((yield* k.handle.info(gotChannel)).koid, koids[1])
        // The transferred endpoint still talks to its peer.
        yield* k.channel.write(x, new Uint8Array([5]))
        const viaMoved = yield* k.channel.read(pretend<"CHANNEL">(gotChannel))
        assert.deepStrictEqual(Array.from(viaMoved.bytes), [5])
        assert.strictEqual((yield* live).handles, 6)
      })))

    it.effect("read handles belong to the reading scope", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        yield* k.channel.write(a, new Uint8Array(0), yield* vmos(3))
        assert.strictEqual((yield* live).VMO, 3)
        const received = yield* Effect.scoped(Effect.map(k.channel.read(b), (m) => m.handles))
        assert.isTrue(received.every((h) => !Handle.isLive(h)))
        assert.strictEqual((yield* live).VMO, 0)
      })))

    it.effect("write needs WRITE and read needs READ (ACCESS_DENIED)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        const readOnly = yield* k.handle.replace(a, Rights.DEFAULT_CHANNEL & ~R.WRITE)
        const writeOnly = yield* k.handle.replace(b, Rights.DEFAULT_CHANNEL & ~R.READ)
        const [vmo] = yield* vmos(1)
        yield* expectStatus(k.channel.write(readOnly, new Uint8Array(1), [vmo]), Status.ACCESS_DENIED)
        // The handles are consumed even so.
        assert.isFalse(Handle.isLive(vmo))
        assert.strictEqual((yield* live).VMO, 0)
        yield* k.channel.write(writeOnly, new Uint8Array(1))
        yield* expectStatus(k.channel.read(writeOnly), Status.ACCESS_DENIED)
        assert.strictEqual((yield* k.channel.read(readOnly)).bytes.length, 1)
      })))
  })

  describe("limits", () => {
    it.effect("65,536 bytes and 64 handles pass; one more byte or handle is OUT_OF_RANGE", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        const big = ramp(65536)
        yield* k.channel.write(a, big)
        assert.deepStrictEqual((yield* k.channel.read(b)).bytes, big)
        yield* expectStatus(k.channel.write(a, new Uint8Array(65537)), Status.OUT_OF_RANGE)
        yield* expectStatus(k.channel.read(b), Status.SHOULD_WAIT)
        const sixtyFour = yield* vmos(64)
        yield* k.channel.write(a, new Uint8Array(0), sixtyFour)
        const message = yield* k.channel.read(b)
        assert.strictEqual(message.handles.length, 64)
        for (let i = 0; i < 64; i++) {
          assert.deepStrictEqual(Array.from(yield* k.vmo.read(pretend<"VMO">(message.handles[i]), 0, 1)), [i])
        }
        const sixtyFive = yield* vmos(65)
        yield* expectStatus(k.channel.write(a, new Uint8Array(0), sixtyFive), Status.OUT_OF_RANGE)
        assert.isTrue(sixtyFive.every((h) => !Handle.isLive(h)))
        yield* expectStatus(k.channel.read(b), Status.SHOULD_WAIT)
        assert.strictEqual((yield* live).VMO, 64)
      })))
  })

  describe("handle checks", () => {
    it.effect("a handle without TRANSFER fails ACCESS_DENIED, and every handle is consumed", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        const [v0, v1, v2] = yield* vmos(3)
        const stuck = yield* k.handle.replace(v1, Rights.DEFAULT_VMO & ~R.TRANSFER)
        yield* expectStatus(k.channel.write(a, new Uint8Array(1), [v0, stuck, v2]), Status.ACCESS_DENIED)
        assert.isFalse(Handle.isLive(v0))
        assert.isFalse(Handle.isLive(stuck))
        assert.isFalse(Handle.isLive(v2))
        assert.strictEqual((yield* live).VMO, 0)
        yield* expectStatus(k.channel.read(b), Status.SHOULD_WAIT)
      })))

    it.effect("sending the writing endpoint itself fails NOT_SUPPORTED and consumes the handles", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        const [v0] = yield* vmos(1)
        yield* expectStatus(k.channel.write(a, new Uint8Array(1), [v0, a]), Status.NOT_SUPPORTED)
        assert.isFalse(Handle.isLive(v0))
        assert.isFalse(Handle.isLive(a))
        // `a` was consumed: its peer sees the channel closed.
        yield* expectStatus(k.channel.read(b), Status.PEER_CLOSED)
      })))

    it.effect("a dead, invalid or repeated handle fails BAD_HANDLE and every other handle is consumed", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        const [v0, v1, v2, v3] = yield* vmos(4)
        yield* k.handle.close(v1)
        yield* expectStatus(k.channel.write(a, new Uint8Array(1), [v0, v1, v2]), Status.BAD_HANDLE)
        assert.isFalse(Handle.isLive(v0))
        assert.isFalse(Handle.isLive(v2))
        const [w0, w1] = yield* vmos(2)
        yield* expectStatus(k.channel.write(a, new Uint8Array(1), [w0, Handle.invalid, w1]), Status.BAD_HANDLE)
        assert.isFalse(Handle.isLive(w0))
        assert.isFalse(Handle.isLive(w1))
        yield* expectStatus(k.channel.write(a, new Uint8Array(1), [v3, v3]), Status.BAD_HANDLE)
        assert.isFalse(Handle.isLive(v3))
        assert.strictEqual((yield* live).VMO, 0)
        yield* expectStatus(k.channel.read(b), Status.SHOULD_WAIT)
      })))

    it.effect("the peer endpoint may be sent", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        const [c, d] = yield* k.channel.create()
        yield* k.channel.write(c, new Uint8Array(0), [b])
        const m = yield* k.channel.read(d)
        assert.strictEqual(m.handles.length, 1)
        yield* k.channel.write(a, new Uint8Array([1]))
        assert.deepStrictEqual(Array.from((yield* k.channel.read(pretend<"CHANNEL">(m.handles[0]))).bytes), [1])
      })))
  })

  describe("read limits", () => {
    it.effect("a message over the read limits fails BUFFER_TOO_SMALL and stays queued", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        yield* k.channel.write(a, ramp(100), yield* vmos(2))
        const tooSmall = yield* expectStatus(k.channel.read(b, { maxBytes: 99 }), Status.BUFFER_TOO_SMALL)
        // The error reports the sizes the message needs.
        assert.include(tooSmall.message, "100")
        yield* expectStatus(k.channel.read(b, { maxHandles: 1 }), Status.BUFFER_TOO_SMALL)
        yield* expectStatus(k.channel.read(b, { maxBytes: 0, maxHandles: 0 }), Status.BUFFER_TOO_SMALL)
        assert.strictEqual((yield* live).VMO, 2)
        assert.isTrue(((yield* k.object.signals(b)) & Signals.CHANNEL_READABLE) !== 0)
        const m = yield* k.channel.read(b, { maxBytes: 100, maxHandles: 2 })
        assert.deepStrictEqual(m.bytes, ramp(100))
        assert.strictEqual(m.handles.length, 2)
      })))
  })

  describe("peer closed", () => {
    it.effect("queued messages stay readable after the peer closes; then PEER_CLOSED", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        yield* k.channel.write(a, new Uint8Array([1]))
        yield* k.handle.close(a)
        const signals = yield* k.object.signals(b)
        assert.isTrue((signals & Signals.CHANNEL_PEER_CLOSED) !== 0)
        assert.isTrue((signals & Signals.CHANNEL_WRITABLE) === 0)
        assert.deepStrictEqual(Array.from((yield* k.channel.read(b)).bytes), [1])
        yield* expectStatus(k.channel.read(b), Status.PEER_CLOSED)
      })))

    it.effect("writing to a closed peer fails PEER_CLOSED and consumes the handles", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        yield* k.handle.close(b)
        const [v] = yield* vmos(1)
        yield* expectStatus(k.channel.write(a, new Uint8Array([1]), [v]), Status.PEER_CLOSED)
        assert.isFalse(Handle.isLive(v))
        assert.strictEqual((yield* live).VMO, 0)
      })))

    it.effect("handles queued on an endpoint are closed when its last handle closes", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        yield* k.channel.write(a, new Uint8Array(1), yield* vmos(3))
        yield* k.channel.write(a, new Uint8Array(1), yield* vmos(2))
        assert.strictEqual((yield* live).VMO, 5)
        assert.strictEqual((yield* live).handles, 7)
        // The writer is still open: the messages die with the endpoint they are queued on.
        yield* k.handle.close(b)
        assert.strictEqual((yield* live).VMO, 0)
        assert.strictEqual((yield* live).handles, 1)
        assert.strictEqual((yield* live).CHANNEL, 1)
      })))

    it.effect("a channel travelling inside a message closes with it, and its peer sees PEER_CLOSED", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [x, y] = yield* k.channel.create()
        yield* Effect.scoped(Effect.gen(function*() {
          const [a] = yield* k.channel.create()
          yield* k.channel.write(a, new Uint8Array(0), [y])
        }))
        assert.isTrue(((yield* k.object.signals(x)) & Signals.CHANNEL_PEER_CLOSED) !== 0)
        assert.strictEqual((yield* live).CHANNEL, 1)
      })))
  })

  describe("signals", () => {
    it.effect("READABLE while messages are queued; WRITABLE while the peer is open", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [a, b] = yield* k.channel.create()
        assert.strictEqual(yield* k.object.signals(b), Signals.CHANNEL_WRITABLE)
        yield* k.channel.write(a, new Uint8Array(1))
        yield* k.channel.write(a, new Uint8Array(1))
        assert.strictEqual(yield* k.object.signals(b), Signals.CHANNEL_WRITABLE | Signals.CHANNEL_READABLE)
        assert.strictEqual(yield* k.object.signals(a), Signals.CHANNEL_WRITABLE)
        yield* k.channel.read(b)
        assert.strictEqual(yield* k.object.signals(b), Signals.CHANNEL_WRITABLE | Signals.CHANNEL_READABLE)
        yield* k.channel.read(b)
        assert.strictEqual(yield* k.object.signals(b), Signals.CHANNEL_WRITABLE)
      })))
  })

  describe("properties", () => {
    const bytesArb = FastCheck.oneof(
      FastCheck.integer({ min: 65530, max: 65542 }),
      FastCheck.integer({ min: 0, max: 65536 }),
      FastCheck.integer({ min: 65536, max: 200_000 })
    )
    const handlesArb = FastCheck.oneof(FastCheck.integer({ min: 60, max: 70 }), FastCheck.integer({ min: 0, max: 70 }))

    it.prop(
      "channel limits hold at the boundaries: ≤ 65,536 bytes and ≤ 64 handles pass, more is OUT_OF_RANGE",
      [bytesArb, handlesArb, FastCheck.nat(255), FastCheck.integer()],
      ([byteCount, handleCount, seed, kernelSeed]) =>
        runCase(
          Effect.gen(function*() {
            const k = yield* kernel
            const [a, b] = yield* k.channel.create()
            const vmo = yield* k.vmo.create(PAGE)
            const handles: Array<Handle.Handle> = []
            for (let i = 0; i < handleCount; i++) handles.push(yield* k.handle.duplicate(vmo))
            const bytes = ramp(byteCount, seed)
            const exit = yield* Effect.exit(k.channel.write(a, bytes, handles))
            // Whatever happens, the sender's handles are gone.
            assert.isTrue(handles.every((h) => !Handle.isLive(h)))
            const fits = byteCount <= 65536 && handleCount <= 64
            if (exit._tag === "Success") {
              assert.isTrue(fits)
              const message = yield* k.channel.read(b)
              assertBytes(message.bytes, bytes)
              assert.strictEqual(message.handles.length, handleCount)
            } else {
              assert.isFalse(fits)
              assert.strictEqual(failureOf(exit.cause).status, Status.OUT_OF_RANGE)
              yield* expectStatus(k.channel.read(b), Status.SHOULD_WAIT)
              assert.strictEqual((yield* live).handles, 3)
            }
          }),
          kernelSeed
        ),
      { fastCheck: { numRuns: 1000 } }
    )
  })
})
