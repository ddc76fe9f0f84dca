import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, describe, it } from "@effect/vitest"
import * as Ldsvc from "@zxsim/fidl/Ldsvc"
import * as Loader from "@zxsim/fidl/Loader"
import * as Message from "@zxsim/fidl/Message"
import * as Transport from "@zxsim/fidl/Transport"
import * as Wire from "@zxsim/fidl/Wire"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Rights from "@zxsim/kernel/Rights"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const bytes = (s: string) => new TextEncoder().encode(s)
const files: Record<string, Uint8Array> = {
  "ld.so.1": bytes("\x7fELF the dynamic linker"),
  "libc.so": bytes("libc"),
  "libfoo.so": bytes("plain libfoo"),
  "x/libfoo.so": bytes("prefixed libfoo"),
  "libbar.so": bytes("plain libbar")
}

/** Runs a test with a fresh kernel and the loader layer built on it. */
const withLoader = <A, E>(
  loader: Layer.Layer<Loader.Loader, never, Kernel.Kernel>,
  self: Effect.Effect<A, E, Kernel.Kernel | Loader.Loader | Scope.Scope>
) => self.pipe(Effect.scoped, Effect.provide(loader.pipe(Layer.provideMerge(Kernel.layer))))

/** A client end connected to a server fiber answering from the `Loader` in context. */
const connect = Effect.gen(function*() {
  const kernel = yield* Kernel.Kernel
  const [client, server] = yield* kernel.channel.create()
  const fiber = yield* Effect.fork(Loader.serve(server))
  return { client, fiber }
})

const contentsOf = (vmo: Handle.Vmo) =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    return new TextDecoder().decode(yield* kernel.vmo.read(vmo, 0, yield* kernel.vmo.getContentSize(vmo)))
  })

/** Handles and objects the kernel holds, to compare before and after. */
const snapshot = Effect.flatMap(
  Kernel.Kernel,
  (k) => Effect.map(k.stats, (s) => JSON.stringify({ handles: s.handles, objects: s.objects }))
)

/** Closes the client and waits for the server fiber to end by itself. */
const hangUp = (client: Handle.Channel, fiber: Fiber.RuntimeFiber<void>) =>
  Effect.flatMap(Kernel.Kernel, (k) => Effect.zipRight(k.handle.close(client), Fiber.join(fiber)))

describe("Loader over a kernel channel", () => {
  it.effect("client asks, server answers from the in-memory layer with an executable VMO", () =>
    withLoader(
      Loader.layerFromMap(files),
      Effect.gen(function*() {
        const kernel = yield* Kernel.Kernel
        const before = yield* snapshot
        yield* Effect.scoped(Effect.gen(function*() {
          const { client, fiber } = yield* connect
          const vmo = yield* Loader.loadObject(client, "ld.so.1")
          assert.strictEqual(yield* contentsOf(vmo), "\x7fELF the dynamic linker")
          const info = yield* kernel.handle.info(vmo)
          assert.strictEqual(info.type, "VMO")
          assert.isTrue(Rights.has(info.rights, Rights.Rights.EXECUTE | Rights.Rights.READ | Rights.Rights.MAP))
          assert.strictEqual(yield* kernel.object.getName(vmo), "ld.so.1")
          // Several requests on one connection.
          assert.strictEqual(yield* contentsOf(yield* Loader.loadObject(client, "libc.so")), "libc")
          yield* hangUp(client, fiber)
        }))
        assert.strictEqual(yield* snapshot, before)
      })
    ))

  it.effect("a missing name gives NOT_FOUND", () =>
    withLoader(
      Loader.layerFromMap(files),
      Effect.gen(function*() {
        const { client } = yield* connect
        const raw = yield* Loader.callLoadObject(client, "libmissing.so")
        assert.deepStrictEqual(raw, { rv: Status.NOT_FOUND, object: Option.none() })
        const error = yield* Effect.flip(Loader.loadObject(client, "libmissing.so"))
        assert.strictEqual(error._tag, "LoaderError")
        assert.strictEqual(error.status, Status.NOT_FOUND)
      })
    ))

  it.effect("a failing loader's status reaches the client; OK without a VMO is refused as INTERNAL", () =>
    Effect.gen(function*() {
      yield* withLoader(
        Loader.layerFailing(Status.ACCESS_DENIED),
        Effect.gen(function*() {
          const { client } = yield* connect
          const error = yield* Effect.flip(Loader.loadObject(client, "ld.so.1"))
          assert.strictEqual(error._tag === "LoaderError" && error.status, Status.ACCESS_DENIED)
        })
      )
      yield* withLoader(
        Loader.layerFailing(Status.OK),
        Effect.gen(function*() {
          const { client } = yield* connect
          assert.deepStrictEqual(yield* Loader.callLoadObject(client, "ld.so.1"), {
            rv: Status.OK,
            object: Option.none()
          })
          const error = yield* Effect.flip(Loader.loadObject(client, "ld.so.1"))
          assert.strictEqual(error._tag === "LoaderError" && error.status, Status.INTERNAL)
        })
      )
    }))

  it.effect("a server that never answers leaves the client waiting until its own deadline", () =>
    withLoader(
      Loader.layerNever,
      Effect.gen(function*() {
        const { client, fiber: server } = yield* connect
        const call = yield* Effect.fork(
          Loader.loadObject(client, "ld.so.1").pipe(
            Effect.timeoutFail({ duration: "30 seconds", onTimeout: () => "deadline" as const })
          )
        )
        yield* TestClock.adjust("29 seconds")
        assert.isNull(call.unsafePoll())
        yield* TestClock.adjust("1 second")
        const exit = yield* Fiber.await(call)
        assert.deepStrictEqual(exit, Exit.fail("deadline"))
        // The server is still waiting on its loader; the client hanging up ends it.
        assert.isNull(server.unsafePoll())
        yield* hangUp(client, server)
      })
    ))

  it.effect("Clone serves a second channel, which outlives the first", () =>
    withLoader(
      Loader.layerFromMap(files),
      Effect.gen(function*() {
        const kernel = yield* Kernel.Kernel
        const before = yield* snapshot
        yield* Effect.scoped(Effect.gen(function*() {
          const { client, fiber } = yield* connect
          const [cloneClient, cloneServer] = yield* kernel.channel.create()
          assert.strictEqual(yield* Loader.clone(client, cloneServer), Status.OK)
          assert.strictEqual(yield* contentsOf(yield* Loader.loadObject(cloneClient, "libc.so")), "libc")
          assert.strictEqual(yield* contentsOf(yield* Loader.loadObject(client, "libc.so")), "libc")
          yield* kernel.handle.close(client)
          yield* Effect.yieldNow()
          assert.strictEqual(
            yield* contentsOf(yield* Loader.loadObject(cloneClient, "ld.so.1")),
            "\x7fELF the dynamic linker"
          )
          assert.isNull(fiber.unsafePoll())
          yield* hangUp(cloneClient, fiber)
        }))
        assert.strictEqual(yield* snapshot, before)
      })
    ))

  it.effect("Config searches the prefix first, or only with a trailing '!'; each connection has its own", () =>
    withLoader(
      Loader.layerFromMap(files),
      Effect.gen(function*() {
        const kernel = yield* Kernel.Kernel
        const { client } = yield* connect
        const load = (ch: Handle.Channel, name: string) =>
          Effect.flatMap(Loader.loadObject(ch, name), contentsOf).pipe(
            Effect.catchTag("LoaderError", (e) => Effect.succeed(e.status))
          )
        assert.strictEqual(yield* Loader.config(client, "x"), Status.OK)
        assert.strictEqual(yield* load(client, "libfoo.so"), "prefixed libfoo")
        assert.strictEqual(yield* load(client, "libbar.so"), "plain libbar")
        assert.strictEqual(yield* Loader.config(client, "x!"), Status.OK)
        assert.strictEqual(yield* load(client, "libfoo.so"), "prefixed libfoo")
        assert.strictEqual(yield* load(client, "libbar.so"), Status.NOT_FOUND)
        const [cloneClient, cloneServer] = yield* kernel.channel.create()
        yield* Loader.clone(client, cloneServer)
        assert.strictEqual(yield* load(cloneClient, "libbar.so"), "plain libbar")
        assert.strictEqual(yield* Loader.config(client, ""), Status.OK)
        assert.strictEqual(yield* load(client, "libfoo.so"), "plain libfoo")
      })
    ))

  it.effect("closing the client ends the server fiber", () =>
    withLoader(
      Loader.layerFromMap(files),
      Effect.gen(function*() {
        const { client, fiber } = yield* connect
        yield* Effect.yieldNow()
        assert.isNull(fiber.unsafePoll())
        yield* hangUp(client, fiber)
      })
    ))

  it.effect("Done closes the connection", () =>
    withLoader(
      Loader.layerFromMap(files),
      Effect.gen(function*() {
        const kernel = yield* Kernel.Kernel
        const { client, fiber } = yield* connect
        yield* Loader.done(client)
        yield* Fiber.join(fiber)
        const signals = yield* kernel.object.waitOne(client, Signals.CHANNEL_PEER_CLOSED)
        assert.isTrue((signals & Signals.CHANNEL_PEER_CLOSED) !== 0)
        const error = yield* Effect.flip(Loader.loadObject(client, "ld.so.1"))
        assert.strictEqual(error._tag, "PeerClosed")
      })
    ))
})

describe("Loader server robustness", () => {
  const collectWarnings = () => {
    const warnings: Array<unknown> = []
    const logger = Logger.make(({ logLevel, message }) => {
      if (logLevel._tag === "Warning") warnings.push(message)
    })
    return { warnings, layer: Logger.add(logger) }
  }

  const rejectsWith = (
    tag: string,
    write: (client: Handle.Channel) => Effect.Effect<void, unknown, Kernel.Kernel | Scope.Scope>
  ) => {
    const { layer, warnings } = collectWarnings()
    return withLoader(
      Loader.layerFromMap(files),
      Effect.gen(function*() {
        const kernel = yield* Kernel.Kernel
        const before = yield* snapshot
        yield* Effect.scoped(Effect.gen(function*() {
          const { client, fiber } = yield* connect
          yield* write(client)
          yield* Fiber.join(fiber)
          const signals = yield* kernel.object.waitOne(client, Signals.CHANNEL_PEER_CLOSED)
          assert.isTrue((signals & Signals.CHANNEL_PEER_CLOSED) !== 0)
        }))
        // Whatever the bad message carried is closed: nothing is left.
        assert.strictEqual(yield* snapshot, before)
        assert.strictEqual(warnings.length, 1)
        const logged = warnings[0] as ReadonlyArray<{ readonly _tag?: string }>
        assert.strictEqual(logged[1]._tag, tag)
      })
    ).pipe(Effect.provide(layer))
  }

  const raw = (bytes: Uint8Array, handles: ReadonlyArray<Handle.Handle> = []) => (client: Handle.Channel) =>
    Effect.flatMap(Kernel.Kernel, (k) => k.channel.write(client, bytes, handles))

  it.effect("an unknown ordinal closes the channel and logs UnexpectedOrdinal", () =>
    rejectsWith(
      "UnexpectedOrdinal",
      raw(Either.getOrThrow(Message.encode(Wire.empty, { txid: 7, ordinal: 0x1234n }, undefined)).bytes)
    ))

  it.effect("a malformed request closes the channel, its handles, and logs DecodeError", () =>
    rejectsWith("DecodeError", (client) =>
      Effect.gen(function*() {
        const kernel = yield* Kernel.Kernel
        const method = Ldsvc.Loader.methods.LoadObject
        const good = Either.getOrThrow(
          Message.encode(method.request, { txid: 3, ordinal: method.ordinal }, { objectName: "ld.so.1" })
        )
        const vmo = yield* kernel.vmo.create(4096)
        // A LoadObject request carrying a handle it has no place for.
        yield* raw(good.bytes, [vmo])(client)
      })))

  it.effect("a two-way request with txid 0 closes the channel", () =>
    rejectsWith(
      "DecodeError",
      raw(
        Either.getOrThrow(
          Message.encode(Ldsvc.ConfigRequest, { txid: 0, ordinal: Ldsvc.Loader.methods.Config.ordinal }, {
            config: "x"
          })
        ).bytes
      )
    ))

  it.effect("a message too short for a header closes the channel", () =>
    rejectsWith("DecodeError", raw(new Uint8Array([1, 2, 3]))))
})

describe("Loader client", () => {
  it.effect("skips replies with other txids (closing their handles) and decodes the one that matches", () =>
    Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const [client, server] = yield* kernel.channel.create()
      const call = yield* Effect.fork(Loader.callLoadObject(client, "ld.so.1"))
      const request = yield* Transport.receive(server)
      const { header, value } = yield* Transport.decode(Ldsvc.LoadObjectRequest, request)
      assert.deepStrictEqual(value, { objectName: "ld.so.1" })
      assert.isTrue(header.txid > 0 && header.txid < 0x8000_0000)
      const method = Ldsvc.Loader.methods.LoadObject
      const handlesBefore = (yield* kernel.stats).handles
      const stale = yield* kernel.vmo.create(4096)
      yield* Transport.reply(server, method, header.txid ^ 1, { rv: Status.OK, object: Option.some(stale) })
      const answer = yield* kernel.vmo.fromBytes(bytes("linker"), { executable: true })
      yield* Transport.reply(server, method, header.txid, { rv: Status.OK, object: Option.some(answer) })
      const result = yield* Fiber.join(call)
      assert.strictEqual(result.rv, Status.OK)
      assert.strictEqual(yield* contentsOf(Option.getOrThrow(result.object)), "linker")
      // The stale reply's VMO was closed; only the answer's is held.
      assert.strictEqual((yield* kernel.stats).handles, handlesBefore + 1)
    }).pipe(Effect.scoped, Effect.provide(Kernel.layer)))

  it.effect("an epitaph fails the call with PeerClosed carrying its status", () =>
    Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const [client, server] = yield* kernel.channel.create()
      const call = yield* Effect.fork(Loader.loadObject(client, "ld.so.1"))
      yield* Transport.receive(server)
      yield* Transport.closeWithEpitaph(server, Status.UNAVAILABLE)
      const exit = yield* Fiber.await(call)
      assert.isTrue(Exit.isFailure(exit))
      const error = yield* Effect.flip(Fiber.join(call))
      assert.strictEqual(error._tag === "PeerClosed" && error.status, Status.UNAVAILABLE)
    }).pipe(Effect.scoped, Effect.provide(Kernel.layer)))

  it.effect("a name over 1024 bytes is refused before anything is sent", () =>
    Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const [client] = yield* kernel.channel.create()
      const error = yield* Effect.flip(Loader.callLoadObject(client, "x".repeat(1025)))
      assert.strictEqual(error._tag === "EncodeError" && error.reason, "TooLong")
    }).pipe(Effect.scoped, Effect.provide(Kernel.layer)))
})

describe("Loader.layerFromDirectory", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zxsim-loader-"))
  fs.writeFileSync(path.join(dir, "ld.so.1"), "from disk")
  fs.mkdirSync(path.join(dir, "asan"))
  fs.writeFileSync(path.join(dir, "asan", "libc.so"), "asan libc")
  fs.writeFileSync(path.join(dir, "libc.so"), "plain libc")
  fs.mkdirSync(path.join(dir, "adir.so"))

  const layer = Loader.layerFromDirectory(dir).pipe(Layer.provide(NodeFileSystem.layer))

  it.effect("reads files as executable VMOs named after them; refuses names leaving the directory", () =>
    withLoader(
      layer,
      Effect.gen(function*() {
        const kernel = yield* Kernel.Kernel
        const loader = yield* Loader.Loader
        const vmo = yield* loader.loadObject("ld.so.1")
        assert.strictEqual(yield* contentsOf(vmo), "from disk")
        assert.isTrue(Rights.has((yield* kernel.handle.info(vmo)).rights, Rights.Rights.EXECUTE))
        assert.strictEqual(yield* kernel.object.getName(vmo), "ld.so.1")
        const status = (name: string) => Effect.map(Effect.flip(loader.loadObject(name)), (e) => e.status)
        assert.strictEqual(yield* status("missing.so"), Status.NOT_FOUND)
        assert.strictEqual(yield* status("adir.so"), Status.NOT_FOUND)
        assert.strictEqual(yield* status("../etc/passwd"), Status.INVALID_ARGS)
        assert.strictEqual(yield* status("/etc/passwd"), Status.INVALID_ARGS)
        assert.strictEqual(yield* status("a//b"), Status.INVALID_ARGS)
      })
    ))

  it.effect("serves a channel with Config prefixes over subdirectories", () =>
    withLoader(
      layer,
      Effect.gen(function*() {
        const { client, fiber } = yield* connect
        yield* Loader.config(client, "asan")
        assert.strictEqual(yield* contentsOf(yield* Loader.loadObject(client, "libc.so")), "asan libc")
        assert.strictEqual(yield* contentsOf(yield* Loader.loadObject(client, "ld.so.1")), "from disk")
        yield* hangUp(client, fiber)
      })
    ).pipe(Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))))
})
