import { assert, describe, it } from "@effect/vitest"
import * as Rights from "@zxsim/kernel/Rights"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import { assertBytes, expectStatus, kernel, live, ramp, withKernel } from "./support.js"

const R = Rights.Rights

describe("Socket", () => {
  it.effect("a pair carries a byte stream both ways", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const [a, b] = yield* k.socket.create()
      assert.strictEqual(yield* k.socket.write(a, new Uint8Array([1, 2, 3])), 3)
      assert.strictEqual(yield* k.socket.write(a, new Uint8Array([4, 5])), 2)
      // A stream: reads need not follow the writes' boundaries.
      assert.deepStrictEqual(Array.from(yield* k.socket.read(b, 2)), [1, 2])
      assert.deepStrictEqual(Array.from(yield* k.socket.read(b, 100)), [3, 4, 5])
      yield* expectStatus(k.socket.read(b, 100), Status.SHOULD_WAIT)
      assert.strictEqual(yield* k.socket.write(b, new Uint8Array([9])), 1)
      assert.deepStrictEqual(Array.from(yield* k.socket.read(a, 1)), [9])
      assert.strictEqual(yield* k.socket.write(a, new Uint8Array(0)), 0)
      yield* expectStatus(k.socket.read(b, 1), Status.SHOULD_WAIT)
    })))

  it.effect("the written bytes are copied", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const [a, b] = yield* k.socket.create()
      const buffer = new Uint8Array([1, 2])
      yield* k.socket.write(a, buffer)
      buffer.fill(0)
      assert.deepStrictEqual(Array.from(yield* k.socket.read(b, 2)), [1, 2])
    })))

  it.effect("a full socket takes what fits, then fails SHOULD_WAIT until read", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const [a, b] = yield* k.socket.create()
      // Not a divisor of any power-of-two capacity, so the last write is partial.
      const chunk = ramp(65521)
      let total = 0
      for (;;) {
        const n = yield* k.socket.write(a, chunk)
        total += n
        if (n < chunk.length) break
        assert.isBelow(total, 64 * 1024 * 1024, "the socket never filled")
      }
      assert.isTrue(((yield* k.object.signals(a)) & Signals.SOCKET_WRITABLE) === 0)
      yield* expectStatus(k.socket.write(a, new Uint8Array([1])), Status.SHOULD_WAIT)
      // Reading makes room again; the stream is intact.
      const head = yield* k.socket.read(b, 100)
      assertBytes(head, chunk.subarray(0, 100))
      assert.isTrue(((yield* k.object.signals(a)) & Signals.SOCKET_WRITABLE) !== 0)
      assert.strictEqual(yield* k.socket.write(a, new Uint8Array(200)), 100)
      let read = 100
      while (read < total) read += (yield* k.socket.read(b, 1 << 20)).length
      assert.strictEqual(read, total + 100)
    })))

  it.effect("PEER_CLOSED: writes fail at once, reads after the buffered bytes are drained", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const [a, b] = yield* k.socket.create()
      yield* k.socket.write(a, new Uint8Array([1, 2]))
      yield* k.handle.close(a)
      const signals = yield* k.object.signals(b)
      assert.isTrue((signals & Signals.SOCKET_PEER_CLOSED) !== 0)
      assert.isTrue((signals & Signals.SOCKET_WRITABLE) === 0)
      yield* expectStatus(k.socket.write(b, new Uint8Array([1])), Status.PEER_CLOSED)
      assert.deepStrictEqual(Array.from(yield* k.socket.read(b, 10)), [1, 2])
      yield* expectStatus(k.socket.read(b, 10), Status.PEER_CLOSED)
      assert.strictEqual((yield* live).SOCKET, 1)
    })))

  it.effect("signals: READABLE while bytes are buffered, WRITABLE while there is room", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const [a, b] = yield* k.socket.create()
      assert.strictEqual(yield* k.object.signals(b), Signals.SOCKET_WRITABLE)
      yield* k.socket.write(a, new Uint8Array(3))
      assert.strictEqual(yield* k.object.signals(b), Signals.SOCKET_WRITABLE | Signals.SOCKET_READABLE)
      yield* k.socket.read(b, 2)
      assert.strictEqual(yield* k.object.signals(b), Signals.SOCKET_WRITABLE | Signals.SOCKET_READABLE)
      yield* k.socket.read(b, 2)
      assert.strictEqual(yield* k.object.signals(b), Signals.SOCKET_WRITABLE)
    })))

  it.effect("write needs WRITE, read needs READ (ACCESS_DENIED)", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const [a, b] = yield* k.socket.create()
      const readOnly = yield* k.handle.duplicate(a, Rights.DEFAULT_SOCKET & ~R.WRITE)
      const writeOnly = yield* k.handle.duplicate(b, Rights.DEFAULT_SOCKET & ~R.READ)
      yield* expectStatus(k.socket.write(readOnly, new Uint8Array(1)), Status.ACCESS_DENIED)
      yield* k.socket.write(writeOnly, new Uint8Array(1))
      yield* expectStatus(k.socket.read(writeOnly, 1), Status.ACCESS_DENIED)
      assert.strictEqual((yield* k.socket.read(readOnly, 1)).length, 1)
    })))

  it.effect("an endpoint lives while any handle to it does; then its peer sees PEER_CLOSED", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const [a, b] = yield* k.socket.create()
      const copy = yield* k.handle.duplicate(a)
      yield* k.handle.close(a)
      assert.strictEqual(yield* k.socket.write(b, new Uint8Array([1])), 1)
      assert.deepStrictEqual(Array.from(yield* k.socket.read(copy, 1)), [1])
      yield* k.handle.close(copy)
      yield* expectStatus(k.socket.write(b, new Uint8Array([1])), Status.PEER_CLOSED)
    })))
})
