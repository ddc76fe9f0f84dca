import { assert, describe, it } from "@effect/vitest"
import * as FuchsiaIo from "@zxsim/fidl/FuchsiaIo"
import * as Message from "@zxsim/fidl/Message"
import * as PseudoDirectory from "@zxsim/fidl/PseudoDirectory"
import * as TestUtil from "@zxsim/fidl/TestUtil"
import * as TestUtilClient from "@zxsim/fidl/TestUtilClient"
import * as Transport from "@zxsim/fidl/Transport"
import * as Wire from "@zxsim/fidl/Wire"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Status } from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import type * as Scope from "effect/Scope"
import * as FakeUtil from "./utils/FakeUtil.js"

/** Handles and objects the kernel holds, to compare before and after. */
const snapshot = Effect.flatMap(
  Kernel.Kernel,
  (k) => Effect.map(k.stats, (s) => JSON.stringify({ handles: s.handles, objects: s.objects }))
)

/** Runs `body` on a fresh kernel and checks that everything it made is gone when its scope closes. */
const withKernel = <A, E>(body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>): Effect.Effect<A, E> =>
  Effect.gen(function*() {
    const before = yield* snapshot
    const result = yield* Effect.scoped(body)
    assert.strictEqual(yield* snapshot, before, "kernel objects or handles leaked")
    return result
  }).pipe(Effect.provide(Kernel.layer))

/**
 * What the seed's `setup_test_util_builder` does, with the fake in place of the program: a
 * channel whose server end is the program's DirectoryRequest, a Util client connected through
 * the client end, and the directory client end dropped right after.
 */
const startFake = (options: FakeUtil.FakeUtilOptions) =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const [directoryClient, directoryServer] = yield* kernel.channel.create()
    const util = yield* TestUtilClient.connect(directoryClient)
    yield* kernel.handle.close(directoryClient)
    const program = yield* Effect.fork(FakeUtil.serveOutgoing(directoryServer, options))
    return { util, program }
  })

describe("TestUtilClient against a TypeScript Util server", () => {
  it.effect("GetArguments answers every argument in order; the server ends when the client closes", () =>
    withKernel(Effect.gen(function*() {
      const { program, util } = yield* startFake({ args: ["arg0", "arg1", "arg2"] })
      assert.deepStrictEqual(yield* util.getArguments, ["arg0", "arg1", "arg2"])
      assert.strictEqual(yield* util.getArgumentCount, 3n)
      assert.isNull(program.unsafePoll())
      yield* util.close
      const report = yield* Fiber.join(program)
      assert.deepStrictEqual(report, { connections: 1, replyFailures: [] })
    })))

  it.effect("10,000 arguments: GetArgumentCount says 10,000; the GetArguments reply (over 64 KiB) cannot be sent", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const args = Array.from({ length: 10_000 }, () => "arg")
      const { program, util } = yield* startFake({ args })
      assert.strictEqual(yield* util.getArgumentCount, 10_000n)
      // Each element costs a 16-byte string header plus "arg" padded to 8: 24 bytes, so the
      // reply is 240,032 bytes, far over what a channel message may hold.
      const body = Either.getOrThrow(Wire.encode(TestUtil.GetArgumentsResponse, { args }))
      assert.strictEqual(Message.HEADER_SIZE + body.bytes.length, 16 + 16 + 10_000 * 24)
      assert.isAbove(Message.HEADER_SIZE + body.bytes.length, Message.MAX_BYTES)
      // The server's reply fails, which ends its connection: the client sees it close.
      const error = yield* Effect.flip(util.getArguments)
      assert.strictEqual(error._tag, "UtilConnectionClosed")
      assert.strictEqual(error.method, "GetArguments")
      assert.strictEqual(error.asZxStatus, Status.PEER_CLOSED)
      const report = yield* Fiber.join(program)
      assert.strictEqual(report.replyFailures.length, 1)
      const failure = report.replyFailures[0]
      assert.strictEqual(failure.method, "GetArguments")
      assert.isTrue(failure.error._tag === "EncodeError" && failure.error.reason === "MessageTooLarge")
      // Written by hand instead, the kernel refuses the same bytes.
      const [a, b] = yield* kernel.channel.create()
      const tooBig = yield* Effect.flip(
        kernel.channel.write(a, new Uint8Array(Message.HEADER_SIZE + body.bytes.length))
      )
      assert.strictEqual(tooBig.status, Status.OUT_OF_RANGE)
      yield* kernel.handle.close(b)
      // Later calls fail the same way, without waiting.
      assert.strictEqual((yield* Effect.flip(util.getArgumentCount))._tag, "UtilConnectionClosed")
    })))

  it.effect("GetEnvironment splits at the first = after the first byte; 10,000 entries are counted", () =>
    withKernel(Effect.gen(function*() {
      const { program, util } = yield* startFake({
        environ: ["VAR1=value2", "VAR2=value2", "=lead=x", "noequals", "", "K="]
      })
      assert.deepStrictEqual(yield* util.getEnvironment, [
        { key: "VAR1", value: "value2" },
        { key: "VAR2", value: "value2" },
        { key: "=lead", value: "x" },
        { key: "K", value: "" }
      ])
      assert.strictEqual(yield* util.getEnvironmentCount, 4n)
      yield* util.close
      yield* Fiber.join(program)
      const huge = yield* startFake({ environ: Array.from({ length: 10_000 }, () => "a=b") })
      assert.strictEqual(yield* huge.util.getEnvironmentCount, 10_000n)
      yield* huge.util.close
      yield* Fiber.join(huge.program)
    })))

  it.effect("GetLifecycleKoid: only the first connection sees the lifecycle koid", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const [lifecycle, other] = yield* kernel.channel.create()
      const koid = BigInt((yield* kernel.handle.info(lifecycle)).koid)
      const [directoryClient, directoryServer] = yield* kernel.channel.create()
      const first = yield* TestUtilClient.connect(directoryClient)
      const second = yield* TestUtilClient.connect(directoryClient)
      const program = yield* Effect.fork(FakeUtil.serveOutgoing(directoryServer, { lifecycleKoid: koid }))
      assert.strictEqual(yield* first.getLifecycleKoid, koid)
      assert.strictEqual(yield* second.getLifecycleKoid, 0n)
      // The directory is still open: the program keeps serving after its connections close.
      yield* first.close
      yield* second.close
      assert.isNull(program.unsafePoll())
      yield* kernel.handle.close(directoryClient)
      assert.strictEqual((yield* Fiber.join(program)).connections, 2)
      yield* kernel.handle.close(other)
    })))

  it.effect("GetLifecycleKoid without a lifecycle handle is 0", () =>
    withKernel(Effect.gen(function*() {
      const { program, util } = yield* startFake({})
      assert.strictEqual(yield* util.getLifecycleKoid, 0n)
      yield* util.close
      yield* Fiber.join(program)
    })))

  it.effect("DumpNamespace and ReadFile through two served pseudo-directories give the seed's answers", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const content1 = "test content 1 1234567890123456789"
      const content2 = "test content 2 9876543210987654321"
      const [dir1Client, dir1Server] = yield* kernel.channel.create()
      const [dir2Client, dir2Server] = yield* kernel.channel.create()
      const dir1 = yield* Effect.fork(PseudoDirectory.serve(dir1Server, { test_file1: content1 }))
      const dir2 = yield* Effect.fork(PseudoDirectory.serve(dir2Server, { test_file2: content2 }))
      const { program, util } = yield* startFake({
        namespace: [{ path: "/dir1", directory: dir1Client }, { path: "/dir2", directory: dir2Client }]
      })
      assert.strictEqual(yield* util.dumpNamespace, "/dir1, /dir1/test_file1, /dir2, /dir2/test_file2")
      assert.strictEqual(yield* util.readFile("/dir1/test_file1"), content1)
      assert.strictEqual(yield* util.readFile("/dir2/test_file2"), content2)
      assert.match(yield* util.readFile("/dir1/missing"), /^read_to_string failed: .*NOT_FOUND/)
      yield* util.close
      yield* Fiber.join(program)
      // The program's namespace handles go with it; then the directory servers end.
      yield* kernel.handle.close(dir1Client)
      yield* kernel.handle.close(dir2Client)
      yield* Fiber.join(dir1)
      yield* Fiber.join(dir2)
    })))

  it.effect("the outgoing directory routes only the protocol's name; other paths get NOT_FOUND", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const [directoryClient, directoryServer] = yield* kernel.channel.create()
      const program = yield* Effect.fork(FakeUtil.serveOutgoing(directoryServer, { args: ["x"] }))
      const [wrongClient, wrongServer] = yield* kernel.channel.create()
      yield* Transport.send(directoryClient, FuchsiaIo.Directory.methods.Open, {
        flags: TestUtilClient.OPEN_FLAGS,
        mode: 0,
        path: "svc/test.processbuilder.Util",
        object: wrongServer
      })
      const wrong = yield* Effect.flip(Transport.call(wrongClient, TestUtil.Util.methods.GetArguments, undefined))
      assert.isTrue(wrong._tag === "PeerClosed" && wrong.epitaph === Status.NOT_FOUND)
      const util = yield* TestUtilClient.connect(directoryClient)
      assert.deepStrictEqual(yield* util.getArguments, ["x"])
      // What connect sent: Open with RIGHT_READABLE | RIGHT_WRITABLE, mode 0 and the discoverable name.
      assert.strictEqual(TestUtilClient.OPEN_FLAGS, 0x3)
      yield* util.close
      yield* kernel.handle.close(directoryClient)
      yield* Fiber.join(program)
    })))

  it.effect("connect sends exactly Open(RIGHT_READABLE | RIGHT_WRITABLE, 0, \"test.processbuilder.Util\", server end)", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const [directoryClient, directoryServer] = yield* kernel.channel.create()
      const util = yield* TestUtilClient.connect(directoryClient)
      const { header, value } = yield* Transport.decode(
        FuchsiaIo.OpenRequest,
        yield* Transport.receive(directoryServer)
      )
      assert.strictEqual(header.txid, 0)
      assert.strictEqual(header.ordinal, FuchsiaIo.Directory.methods.Open.ordinal)
      assert.strictEqual(value.flags, FuchsiaIo.OpenFlags.RIGHT_READABLE | FuchsiaIo.OpenFlags.RIGHT_WRITABLE)
      assert.strictEqual(value.mode, 0)
      assert.strictEqual(value.path, "test.processbuilder.Util")
      // The object is the peer of the client's channel.
      const objectInfo = yield* kernel.handle.info(value.object)
      const clientInfo = yield* kernel.handle.info(util.channel)
      assert.strictEqual(objectInfo.koid, clientInfo.relatedKoid)
      // A server that closes with an epitaph: the client's error carries it.
      yield* Transport.closeWithEpitaph(value.object, Status.NOT_SUPPORTED)
      const error = yield* Effect.flip(util.dumpNamespace)
      assert.isTrue(error._tag === "UtilConnectionClosed" && error.epitaph === Status.NOT_SUPPORTED)
      assert.match(error.message, /DumpNamespace.*NOT_SUPPORTED/)
      yield* util.close
    })))

  it.effect("a malformed or mismatched reply is a UtilCallFailed carrying the FIDL error", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const [directoryClient, directoryServer] = yield* kernel.channel.create()
      const util = yield* TestUtilClient.connect(directoryClient)
      const { value } = yield* Transport.decode(FuchsiaIo.OpenRequest, yield* Transport.receive(directoryServer))
      const server = value.object
      const methods = TestUtil.Util.methods
      const answer = Effect.fork(Effect.scoped(Effect.gen(function*() {
        const request = yield* Transport.receive(server)
        const header = yield* Transport.decodeHeader(request)
        // Answers GetArgumentCount with the ordinal of GetEnvironmentCount.
        yield* Transport.reply(server, methods.GetEnvironmentCount, header.txid, { count: 1n })
      })))
      const fiber = yield* answer
      const wrong = yield* Effect.flip(util.getArgumentCount)
      yield* Fiber.join(fiber)
      assert.isTrue(wrong._tag === "UtilCallFailed" && wrong.cause._tag === "UnexpectedOrdinal")
      assert.strictEqual(wrong.asZxStatus, Status.NOT_SUPPORTED)
      const truncated = yield* Effect.fork(Effect.scoped(Effect.gen(function*() {
        const header = yield* Transport.decodeHeader(yield* Transport.receive(server))
        const good = Either.getOrThrow(
          Message.encode(methods.GetLifecycleKoid.response!, { txid: header.txid, ordinal: header.ordinal }, {
            koid: 5n
          })
        )
        yield* kernel.channel.write(server, good.bytes.subarray(0, 20))
      })))
      const malformed = yield* Effect.flip(util.getLifecycleKoid)
      yield* Fiber.join(truncated)
      assert.isTrue(malformed._tag === "UtilCallFailed" && malformed.cause._tag === "DecodeError")
      assert.strictEqual(malformed.asZxStatus, Status.INVALID_ARGS)
      yield* util.close
      yield* kernel.handle.close(directoryClient)
    })))

  it.effect("calls from concurrent fibers are serialized on the one channel", () =>
    withKernel(Effect.gen(function*() {
      const { program, util } = yield* startFake({ args: ["a", "b"], environ: ["X=1"] })
      const results = yield* Effect.all(
        Array.from(
          { length: 20 },
          (
            _,
            i
          ) => (i % 2 === 0 ? Effect.map(util.getArgumentCount, Number) : Effect.map(util.getEnvironmentCount, Number))
        ),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(results, Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 2 : 1)))
      yield* util.close
      yield* Fiber.join(program)
    })))
})
