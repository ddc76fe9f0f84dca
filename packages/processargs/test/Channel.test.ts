import { assert, describe, it } from "@effect/vitest"
import * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Status } from "@zxsim/kernel/Status"
import * as CString from "@zxsim/processargs/CString"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as Message from "@zxsim/processargs/Message"
import * as MessageContents from "@zxsim/processargs/MessageContents"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Scope from "effect/Scope"
import { crateVector } from "./fixtures/crateVector.js"

const c = CString.unsafeFromString

/**
 * Runs a test body in its own scope on a fresh kernel, and checks that once that scope has closed
 * the kernel holds exactly what it held before: no object or handle leaked.
 */
const withKernel = <A, E>(body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>) =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const baseline = yield* kernel.stats
    const result = yield* Effect.scoped(body)
    assert.deepStrictEqual(yield* kernel.stats, baseline)
    return result
  }).pipe(Effect.provide(Kernel.layer))

const vmos = (count: number) =>
  Effect.flatMap(Kernel.Kernel, (kernel) => Effect.all(Array.from({ length: count }, () => kernel.vmo.create(1))))

const koids = (handles: ReadonlyArray<Handle.Handle>) =>
  Effect.flatMap(
    Kernel.Kernel,
    (kernel) => Effect.forEach(handles, (h) => Effect.map(kernel.handle.info(h), (i) => i.koid))
  )

describe("Message over a kernel channel", () => {
  it.effect("build_and_write_message", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const [writer, reader] = yield* kernel.channel.create()
      // VMOs stand in for every handle type: the message does not care what the objects are.
      const [dum0, dum1, dum2] = yield* vmos(3)
      const sentKoids = yield* koids([dum0, dum1, dum2])
      const contents = MessageContents.make({
        args: [c("arg1"), c("arg2"), c("arg3")],
        environmentVars: [c("FOO=BAR")],
        namespacePaths: [c("/data"), c("/pkg")],
        handles: [
          MessageContents.startupHandle(dum0, HandleInfo.unsafeMake("User1", 0x1234)),
          MessageContents.startupHandle(dum1, HandleInfo.unsafeMake("NamespaceDirectory", 0)),
          MessageContents.startupHandle(dum2, HandleInfo.unsafeMake("NamespaceDirectory", 1))
        ]
      })

      const calculatedSize = yield* Message.calculateSize(contents)
      const message = yield* Message.build(contents)
      assert.strictEqual(calculatedSize, message.bytes.length)
      yield* Message.write(message, writer)
      // The handles moved into the channel.
      assert.isFalse([dum0, dum1, dum2].some(Handle.isLive))

      const read = yield* kernel.channel.read(reader)
      assert.strictEqual(read.bytes.length, calculatedSize)
      assert.deepStrictEqual(Array.from(read.bytes), Array.from(crateVector))
      assert.deepStrictEqual(yield* koids(read.handles), sentKoids)
    })))

  it.effect("byte_limit", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const [writer, reader] = yield* kernel.channel.create()
      const limit = Message.MAX_MESSAGE_BYTES
      const argLimit = limit - 1 - Message.HEADER_SIZE

      // At the limit: builds, writes, and reads back at that length.
      yield* Message.send(MessageContents.make({ args: [c("a".repeat(argLimit))] }), writer)
      const read = yield* kernel.channel.read(reader)
      assert.strictEqual(read.bytes.length, limit)

      // One byte over: SizeTooLarge from build, nothing written.
      const over = Message.build(MessageContents.make({ args: [c("a".repeat(argLimit + 1))] }))
      assert.isTrue(Either.isLeft(over) && over.left._tag === "SizeTooLarge")
      const error = yield* Effect.flip(
        Message.send(MessageContents.make({ args: [c("a".repeat(argLimit + 1))] }), writer)
      )
      assert.strictEqual(error._tag, "SizeTooLarge")
      const nothing = yield* Effect.flip(kernel.channel.read(reader))
      assert.strictEqual(nothing._tag === "ZxError" && nothing.status, Status.SHOULD_WAIT)
    })))

  it.effect("handle_limit", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const [writer, reader] = yield* kernel.channel.create()
      const limit = Message.MAX_MESSAGE_HANDLES
      const startup = (handles: ReadonlyArray<Handle.Handle>) =>
        handles.map((h) => MessageContents.startupHandle(h, HandleInfo.unsafeMake("User1")))

      // At the limit: builds, writes, and reads back that many handles.
      const sixtyFour = yield* vmos(limit)
      yield* Message.write(yield* Message.build(MessageContents.make({ handles: startup(sixtyFour) })), writer)
      const read = yield* kernel.channel.read(reader)
      assert.strictEqual(read.handles.length, limit)

      // One more: TooManyHandles from build. Build moves nothing; the scope still owns the handles.
      const sixtyFive = yield* vmos(limit + 1)
      const over = Message.build(MessageContents.make({ handles: startup(sixtyFive) }))
      assert.isTrue(Either.isLeft(over) && over.left._tag === "TooManyHandles")
      assert.isTrue(sixtyFive.every(Handle.isLive))
    })))

  it.effect("Message.read decodes what Message.send wrote, handles paired with their infos in order", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const [writer, reader] = yield* kernel.channel.create()
      const handles = yield* vmos(4)
      const sentKoids = yield* koids(handles)
      const infos = [
        HandleInfo.unsafeMake("ProcessSelf"),
        HandleInfo.unsafeMake("NamespaceDirectory", 0),
        HandleInfo.unsafeMake("FileDescriptor", 2),
        HandleInfo.unsafeMake("User2", 0xffff)
      ]
      const sent = MessageContents.make({
        args: [c("/pkg/bin/app"), c("--flag")],
        environmentVars: [c("LD_DEBUG=1")],
        namespacePaths: [c("/svc")],
        handles: handles.map((h, i) => MessageContents.startupHandle(h, infos[i]))
      })
      yield* Message.send(sent, writer)
      const received = yield* Message.read(reader)
      assert.deepStrictEqual(received.args.map(CString.toString), ["/pkg/bin/app", "--flag"])
      assert.deepStrictEqual(received.environmentVars.map(CString.toString), ["LD_DEBUG=1"])
      assert.deepStrictEqual(received.namespacePaths.map(CString.toString), ["/svc"])
      assert.deepStrictEqual(received.handles.map((h) => h.info.raw), infos.map((i) => i.raw))
      assert.deepStrictEqual(yield* koids(received.handles.map((h) => h.handle)), sentKoids)
      assert.isTrue(received.handles.every((h) => Handle.isLive(h.handle)))
    })))

  it.effect("a write that fails still consumes the handles, as Zircon does", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const [writer, reader] = yield* kernel.channel.create()
      yield* kernel.handle.close(reader)
      const handles = yield* vmos(2)
      const contents = MessageContents.make({
        handles: handles.map((h) => MessageContents.startupHandle(h, HandleInfo.fromType("User0")))
      })
      const error = yield* Effect.flip(Message.send(contents, writer))
      assert.isTrue(error._tag === "ZxError" && error.status === Status.PEER_CLOSED)
      assert.isFalse(handles.some(Handle.isLive))
    })))

  it.effect("a malformed message read from a channel is a DecodeError; its handles close with the scope", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const [writer, reader] = yield* kernel.channel.create()
      const handles = yield* vmos(2)
      // The crate vector says three handles; two travel with it.
      yield* kernel.channel.write(writer, crateVector, handles)
      const error = yield* Effect.flip(Message.read(reader))
      assert.strictEqual(error._tag, "HandleCountMismatch")
      const empty = yield* Effect.flip(Message.read(reader))
      assert.isTrue(empty._tag === "ZxError" && empty.status === Status.SHOULD_WAIT)
    })))

  it.effect("placeholder handles size a message like real ones, as the builder's stack sizing needs", () =>
    withKernel(Effect.gen(function*() {
      const [real] = yield* vmos(1)
      const placeholders = MessageContents.make({
        args: [c("app")],
        handles: [MessageContents.startupHandle(Handle.invalid, HandleInfo.fromType("User0"))]
      })
      const withReal = {
        ...placeholders,
        handles: [MessageContents.startupHandle(real, HandleInfo.fromType("StackVmo"))]
      }
      assert.strictEqual(yield* Message.calculateSize(placeholders), yield* Message.calculateSize(withReal))
    })))
})
