import { assert, describe, it } from "@effect/vitest"
import * as FuchsiaIo from "@zxsim/fidl/FuchsiaIo"
import * as IoClient from "@zxsim/fidl/IoClient"
import * as Message from "@zxsim/fidl/Message"
import * as PseudoDirectory from "@zxsim/fidl/PseudoDirectory"
import * as Transport from "@zxsim/fidl/Transport"
import * as Wire from "@zxsim/fidl/Wire"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"

const { DESCRIBE, DIRECTORY, NOT_DIRECTORY, RIGHT_READABLE, RIGHT_WRITABLE } = FuchsiaIo.OpenFlags
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

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

/** A client end connected to a server fiber serving `tree`. */
const serveTree = (tree: PseudoDirectory.Tree, options?: PseudoDirectory.ServeOptions) =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const [client, server] = yield* kernel.channel.create()
    const fiber = yield* Effect.fork(PseudoDirectory.serve(server, tree, options))
    return { client, fiber }
  })

/** Closes `client` and waits for the server fiber to end by itself. */
const hangUp = (client: Handle.Channel, fiber: Fiber.RuntimeFiber<void>) =>
  Effect.flatMap(Kernel.Kernel, (k) => Effect.zipRight(k.handle.close(client), Fiber.join(fiber)))

/** The epitaph a closed channel left, then checks that nothing follows it. */
const epitaphOf = (channel: Handle.Channel) =>
  Effect.gen(function*() {
    const message = yield* Transport.receive(channel)
    const { header, value } = yield* Transport.decode(Message.EpitaphBody, message)
    assert.strictEqual(header.ordinal, Message.EPITAPH_ORDINAL)
    const after = yield* Effect.flip(Transport.receive(channel))
    assert.strictEqual(after._tag, "PeerClosed")
    return value.error
  })

const names = (dirents: ReadonlyArray<FuchsiaIo.Dirent>) => dirents.map((d) => `${d.name}:${d.type}`)

const tree: PseudoDirectory.Tree = {
  test_file1: "test content 1",
  "b.bin": new Uint8Array([0, 1, 2, 255]),
  sub: { nested: "nested contents", deeper: { leaf: "" } },
  A: {}
}

describe("PseudoDirectory", () => {
  it.effect("lists '.' then the entries in byte order, reads files, and ends when the client hangs up", () =>
    withKernel(Effect.gen(function*() {
      const { client, fiber } = yield* serveTree(tree)
      const all = yield* IoClient.readDirents(client)
      assert.deepStrictEqual(names(all), [".:4", "A:4", "b.bin:8", "sub:4", "test_file1:8"])
      assert.isTrue(all.every((d) => d.ino === FuchsiaIo.INO_UNKNOWN))
      assert.deepStrictEqual(yield* IoClient.readDirents(client), [], "an empty reply marks the end")
      assert.deepStrictEqual(names(yield* IoClient.listDirectory(client)), ["A:4", "b.bin:8", "sub:4", "test_file1:8"])
      assert.strictEqual(text(yield* IoClient.readFile(client, "test_file1")), "test content 1")
      assert.deepStrictEqual(yield* IoClient.readFile(client, "b.bin"), new Uint8Array([0, 1, 2, 255]))
      assert.strictEqual(text(yield* IoClient.readFile(client, "sub/nested")), "nested contents")
      assert.strictEqual(text(yield* IoClient.readFile(client, "sub/deeper/leaf")), "")
      const sub = yield* IoClient.open(client, "sub/", RIGHT_READABLE | DIRECTORY)
      assert.deepStrictEqual(names(yield* IoClient.listDirectory(sub)), ["deeper:4", "nested:8"])
      yield* IoClient.close(sub)
      assert.isNull(fiber.unsafePoll())
      yield* hangUp(client, fiber)
    })))

  it.effect("the namespace walk over /dir1 and /dir2 gives the dump start_util_with_namespace_entries expects", () =>
    withKernel(Effect.gen(function*() {
      const dir1 = yield* serveTree({ test_file1: "test content 1 42" })
      const dir2 = yield* serveTree({ test_file2: "test content 2 43" })
      // Given in either order, the namespace's top level is listed by name.
      const namespace = [{ path: "/dir2", directory: dir2.client }, { path: "/dir1", directory: dir1.client }]
      const dump = yield* IoClient.dumpNamespace(namespace)
      assert.strictEqual(dump, "/dir1, /dir1/test_file1, /dir2, /dir2/test_file2")
      // Each listing has a connection of its own: a second walk sees the same.
      assert.strictEqual(yield* IoClient.dumpNamespace(namespace), dump)
      assert.strictEqual(text(yield* IoClient.readFile(dir1.client, "test_file1")), "test content 1 42")
      assert.strictEqual(text(yield* IoClient.readFile(dir2.client, "test_file2")), "test content 2 43")
      yield* hangUp(dir1.client, dir1.fiber)
      yield* hangUp(dir2.client, dir2.fiber)
    })))

  it.effect("the walk recurses into subdirectories and splits nested namespace paths", () =>
    withKernel(Effect.gen(function*() {
      const lib = yield* serveTree({ z: "", a: { b: { c: "deep" }, "a.txt": "x" } })
      const svc = yield* serveTree({ "fuchsia.Foo": "" })
      const empty = yield* serveTree({})
      const paths = yield* IoClient.walkNamespace([
        { path: "/svc", directory: svc.client },
        { path: "/pkg/lib", directory: lib.client },
        { path: "/pkg/empty", directory: empty.client }
      ])
      assert.deepStrictEqual(paths, [
        "/pkg",
        "/pkg/empty",
        "/pkg/lib",
        "/pkg/lib/a",
        "/pkg/lib/a/a.txt",
        "/pkg/lib/a/b",
        "/pkg/lib/a/b/c",
        "/pkg/lib/z",
        "/svc",
        "/svc/fuchsia.Foo"
      ])
      const nested = yield* Effect.flip(
        IoClient.walkNamespace([{ path: "/pkg", directory: svc.client }, { path: "/pkg/lib", directory: lib.client }])
      )
      assert.isTrue(nested._tag === "IoError" && nested.status === Status.INVALID_ARGS)
      const relative = yield* Effect.flip(IoClient.walkNamespace([{ path: "pkg", directory: svc.client }]))
      assert.isTrue(relative._tag === "IoError" && relative.status === Status.INVALID_ARGS)
      for (const served of [lib, svc, empty]) yield* hangUp(served.client, served.fiber)
    })))

  it.effect("each connection has its own dirent cursor and seek position", () =>
    withKernel(Effect.gen(function*() {
      const { client, fiber } = yield* serveTree({ a: "0123456789", b: "", c: "" })
      const one = yield* IoClient.open(client, ".", RIGHT_READABLE | DIRECTORY)
      const two = yield* IoClient.open(client, ".", RIGHT_READABLE | DIRECTORY)
      // "." is 11 bytes, "a" 11: a budget of 22 takes two dirents.
      assert.deepStrictEqual(names(yield* IoClient.readDirents(one, 22)), [".:4", "a:8"])
      assert.deepStrictEqual(names(yield* IoClient.readDirents(two, 11)), [".:4"])
      assert.deepStrictEqual(names(yield* IoClient.readDirents(one, 22)), ["b:8", "c:8"])
      assert.deepStrictEqual(names(yield* IoClient.readDirents(two)), ["a:8", "b:8", "c:8"])
      assert.deepStrictEqual(yield* IoClient.readDirents(one), [])
      yield* IoClient.rewind(one)
      assert.deepStrictEqual(names(yield* IoClient.readDirents(one, 11)), [".:4"])
      const f1 = yield* IoClient.open(client, "a", RIGHT_READABLE)
      const f2 = yield* IoClient.open(client, "a", RIGHT_READABLE)
      assert.strictEqual(text(yield* IoClient.read(f1, 3)), "012")
      assert.strictEqual(text(yield* IoClient.read(f2, 4)), "0123")
      assert.strictEqual(text(yield* IoClient.read(f1, 3)), "345")
      assert.strictEqual(text(yield* IoClient.readAll(f1)), "6789")
      assert.strictEqual(text(yield* IoClient.read(f1, 3)), "", "an empty read at the end")
      assert.strictEqual(text(yield* IoClient.readAll(f2)), "456789")
      for (const ch of [one, two, f1, f2]) yield* IoClient.close(ch)
      yield* hangUp(client, fiber)
    })))

  it.effect("ReadDirents: BUFFER_TOO_SMALL when the next dirent does not fit, capped at 8192 bytes", () =>
    withKernel(Effect.gen(function*() {
      const many: Record<string, string> = {}
      for (let i = 0; i < 1000; i++) many[`entry-${String(i).padStart(4, "0")}`] = ""
      const { client, fiber } = yield* serveTree(many)
      const small = yield* Effect.flip(IoClient.readDirents(client, 10))
      assert.isTrue(small._tag === "IoError" && small.status === Status.BUFFER_TOO_SMALL)
      // 20 bytes a dirent: 8192 bytes hold 409 of them ("." being 11).
      const first = yield* IoClient.readDirents(client, 1 << 30)
      assert.strictEqual(first.length, 1 + Math.floor((8192 - 11) / 20))
      const rest = yield* IoClient.listDirectory(client)
      assert.strictEqual(rest.length, 1000)
      assert.strictEqual(rest[999].name, "entry-0999")
      yield* hangUp(client, fiber)
    })))

  it.effect("Read: counts over 8192 are OUT_OF_RANGE; big files take several reads", () =>
    withKernel(Effect.gen(function*() {
      const big = new Uint8Array(20_000).map((_, i) => i * 7)
      const { client, fiber } = yield* serveTree({ big })
      const file = yield* IoClient.open(client, "big", RIGHT_READABLE | NOT_DIRECTORY)
      const over = yield* Effect.flip(IoClient.read(file, 8193))
      assert.isTrue(over._tag === "IoError" && over.status === Status.OUT_OF_RANGE)
      assert.strictEqual((yield* IoClient.read(file, 8192)).length, 8192)
      assert.deepStrictEqual(yield* IoClient.readAll(file), big.subarray(8192))
      assert.deepStrictEqual(yield* IoClient.readFile(client, "big"), big)
      yield* IoClient.close(file)
      yield* hangUp(client, fiber)
    })))

  it.effect("a failed Open closes the object channel with the status as its epitaph; the directory goes on", () =>
    withKernel(Effect.gen(function*() {
      const { client, fiber } = yield* serveTree(tree)
      const cases: ReadonlyArray<readonly [string, number, number]> = [
        ["missing", RIGHT_READABLE, Status.NOT_FOUND],
        ["sub/missing", RIGHT_READABLE, Status.NOT_FOUND],
        ["test_file1", RIGHT_READABLE | DIRECTORY, Status.NOT_DIR],
        ["test_file1/", RIGHT_READABLE, Status.NOT_DIR],
        ["test_file1/x", RIGHT_READABLE, Status.NOT_DIR],
        ["sub", RIGHT_READABLE | NOT_DIRECTORY, Status.NOT_FILE],
        [".", RIGHT_READABLE | NOT_DIRECTORY, Status.NOT_FILE],
        ["sub", RIGHT_READABLE | DIRECTORY | NOT_DIRECTORY, Status.INVALID_ARGS],
        ["/sub", RIGHT_READABLE, Status.INVALID_ARGS],
        ["sub//nested", RIGHT_READABLE, Status.INVALID_ARGS],
        ["sub/../test_file1", RIGHT_READABLE, Status.INVALID_ARGS],
        ["", RIGHT_READABLE, Status.INVALID_ARGS],
        // The root connection is readable only: no writable connections below it.
        ["sub", RIGHT_READABLE | RIGHT_WRITABLE, Status.ACCESS_DENIED]
      ]
      for (const [path, flags, status] of cases) {
        const child = yield* IoClient.open(client, path, flags)
        assert.strictEqual(yield* epitaphOf(child), status, path)
      }
      // A call written after the server gave up still learns why from the queued epitaph.
      const kernel = yield* Kernel.Kernel
      const late = yield* IoClient.open(client, "nope", RIGHT_READABLE)
      yield* kernel.object.waitOne(late, Signals.CHANNEL_PEER_CLOSED)
      const lateError = yield* Effect.flip(IoClient.read(late))
      assert.isTrue(lateError._tag === "PeerClosed" && lateError.epitaph === Status.NOT_FOUND)
      // Through the client helpers, the epitaph is the open's failure.
      const missing = yield* Effect.flip(IoClient.readFile(client, "nope"))
      assert.isTrue(missing._tag === "IoError" && missing.operation === "Open" && missing.status === Status.NOT_FOUND)
      const notFile = yield* Effect.flip(IoClient.readFile(client, "sub"))
      assert.isTrue(notFile._tag === "IoError" && notFile.status === Status.NOT_FILE)
      assert.strictEqual(text(yield* IoClient.readFile(client, "sub/nested")), "nested contents")
      yield* hangUp(client, fiber)
    })))

  it.effect("a writable root lets connections below it be writable, but files stay read-only", () =>
    withKernel(Effect.gen(function*() {
      const { client, fiber } = yield* serveTree(tree, { rights: RIGHT_READABLE | RIGHT_WRITABLE })
      const sub = yield* IoClient.open(client, "sub", RIGHT_READABLE | RIGHT_WRITABLE | DIRECTORY)
      assert.deepStrictEqual(names(yield* IoClient.listDirectory(sub)), ["deeper:4", "nested:8"])
      const file = yield* IoClient.open(sub, "nested", RIGHT_READABLE | RIGHT_WRITABLE)
      assert.strictEqual(yield* epitaphOf(file), Status.ACCESS_DENIED)
      // Without RIGHT_READABLE the connection exists but cannot read.
      const blind = yield* IoClient.open(sub, "nested", 0)
      const denied = yield* Effect.flip(IoClient.read(blind))
      assert.isTrue(denied._tag === "IoError" && denied.status === Status.BAD_HANDLE)
      const blindDir = yield* IoClient.open(client, "sub", 0)
      const deniedList = yield* Effect.flip(IoClient.readDirents(blindDir))
      assert.isTrue(deniedList._tag === "IoError" && deniedList.status === Status.BAD_HANDLE)
      for (const ch of [sub, blind, blindDir]) yield* IoClient.close(ch)
      yield* hangUp(client, fiber)
    })))

  it.effect("DESCRIBE: OnOpen describes the node, or carries the failure before the epitaph", () =>
    withKernel(Effect.gen(function*() {
      const { client, fiber } = yield* serveTree(tree)
      const dir = yield* IoClient.openDescribed(client, "sub", RIGHT_READABLE)
      assert.deepStrictEqual(dir.info, { _tag: "directory", value: {} })
      const file = yield* IoClient.openDescribed(client, "test_file1", RIGHT_READABLE)
      assert.deepStrictEqual(file.info, { _tag: "file", value: { event: Option.none(), stream: Option.none() } })
      assert.strictEqual(text(yield* IoClient.readAll(file.channel)), "test content 1")
      const failed = yield* Effect.flip(IoClient.openDescribed(client, "missing", RIGHT_READABLE))
      assert.isTrue(failed._tag === "IoError" && failed.status === Status.NOT_FOUND)
      // On the wire: OnOpen { s: NOT_FOUND, info: absent }, then the epitaph.
      const raw = yield* IoClient.open(client, "missing", RIGHT_READABLE | DESCRIBE)
      const event = yield* Transport.decode(FuchsiaIo.OnOpenEvent, yield* Transport.receive(raw))
      assert.strictEqual(event.header.ordinal, FuchsiaIo.NodeEvents.methods.OnOpen.ordinal)
      assert.strictEqual(event.header.txid, 0)
      assert.deepStrictEqual(event.value, { s: Status.NOT_FOUND, info: Option.none() })
      assert.strictEqual(yield* epitaphOf(raw), Status.NOT_FOUND)
      yield* IoClient.close(dir.channel)
      yield* IoClient.close(file.channel)
      yield* hangUp(client, fiber)
    })))

  it.effect("Close answers, then the server closes that channel; serve ends with the last connection", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const { client, fiber } = yield* serveTree(tree)
      const sub = yield* IoClient.open(client, "sub", RIGHT_READABLE)
      const file = yield* IoClient.open(sub, "nested", RIGHT_READABLE)
      // The first connection ends; the ones opened through it keep the server running.
      yield* IoClient.close(client)
      assert.strictEqual(text(yield* IoClient.readAll(file)), "nested contents")
      assert.isNull(fiber.unsafePoll())
      yield* IoClient.close(sub)
      assert.isNull(fiber.unsafePoll())
      // Close on the raw channel: the reply, then the peer is gone.
      const reply = yield* Transport.call(file, FuchsiaIo.File.methods.Close, undefined)
      assert.deepStrictEqual(reply, { _tag: "response", value: {} })
      yield* Fiber.join(fiber)
      const signals = yield* kernel.object.waitOne(file, Signals.CHANNEL_PEER_CLOSED)
      assert.isTrue((signals & Signals.CHANNEL_PEER_CLOSED) !== 0)
    })))

  it.effect("a request queued before the server attaches is answered (pipelined Open)", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const [client, server] = yield* kernel.channel.create()
      const file = yield* IoClient.open(client, "sub/nested", RIGHT_READABLE)
      const pending = yield* Effect.fork(IoClient.readAll(file))
      const fiber = yield* Effect.fork(PseudoDirectory.serve(server, tree))
      assert.strictEqual(text(yield* Fiber.join(pending)), "nested contents")
      yield* kernel.handle.close(file)
      yield* hangUp(client, fiber)
    })))

  it("refuses trees with names no directory can hold", () => {
    for (const name of ["", ".", "..", "a/b", "nul\0", "x".repeat(256)]) {
      assert.throws(() => PseudoDirectory.make({ [name]: "" }), /PseudoDirectory/)
    }
    assert.throws(() => PseudoDirectory.make({ ok: { "bad/name": "" } }), /PseudoDirectory/)
    assert.doesNotThrow(() => PseudoDirectory.make({ ["é".repeat(127)]: "" }))
  })

  it("resolve: paths below a directory", () => {
    const root = PseudoDirectory.make(tree)
    const found = PseudoDirectory.resolve(root, "sub/deeper/leaf")
    assert.isTrue(Either.isRight(found) && found.right._tag === "File")
    assert.isTrue(Either.isRight(PseudoDirectory.resolve(root, "sub/deeper/")))
    assert.deepStrictEqual(PseudoDirectory.resolve(root, "sub/deeper/leaf/"), Either.left(Status.NOT_DIR))
    assert.deepStrictEqual(PseudoDirectory.resolve(root, "."), Either.right(root))
  })
})

describe("PseudoDirectory protocol errors", () => {
  const collectWarnings = () => {
    const warnings: Array<ReadonlyArray<unknown>> = []
    const logger = Logger.make(({ logLevel, message }) => {
      if (logLevel._tag === "Warning") warnings.push(message as ReadonlyArray<unknown>)
    })
    return { warnings, layer: Logger.add(logger) }
  }

  const rejects = (
    opener: string,
    send: (channel: Handle.Channel) => Effect.Effect<void, unknown, Kernel.Kernel | Scope.Scope>,
    epitaph: number,
    tag: string
  ) => {
    const { layer, warnings } = collectWarnings()
    return withKernel(Effect.gen(function*() {
      const { client, fiber } = yield* serveTree(tree)
      const target = opener === "" ? client : yield* IoClient.open(client, opener, RIGHT_READABLE)
      yield* send(target)
      assert.strictEqual(yield* epitaphOf(target), epitaph)
      if (target !== client) yield* IoClient.close(client)
      else yield* Fiber.join(fiber)
      yield* Fiber.join(fiber)
      assert.strictEqual(warnings.length, 1)
      assert.strictEqual((warnings[0][1] as { readonly _tag: string })._tag, tag)
    })).pipe(Effect.provide(layer))
  }

  const raw = (bytes: Uint8Array, handles: ReadonlyArray<Handle.Handle> = []) => (channel: Handle.Channel) =>
    Effect.flatMap(Kernel.Kernel, (k) => k.channel.write(channel, bytes, handles))

  it.effect("Read on a directory is an unknown method: NOT_SUPPORTED, UnexpectedOrdinal logged", () =>
    rejects(
      "sub",
      (ch) => Effect.asVoid(Transport.send(ch, { ...FuchsiaIo.File.methods.Read, response: undefined }, { count: 1n })),
      Status.NOT_SUPPORTED,
      "UnexpectedOrdinal"
    ))

  it.effect("ReadDirents on a file is an unknown method", () =>
    rejects(
      "test_file1",
      raw(
        Either.getOrThrow(
          Message.encode(FuchsiaIo.ReadDirentsRequest, {
            txid: 3,
            ordinal: FuchsiaIo.Directory.methods.ReadDirents.ordinal
          }, { maxBytes: 10n })
        ).bytes
      ),
      Status.NOT_SUPPORTED,
      "UnexpectedOrdinal"
    ))

  it.effect("an ordinal nobody declares", () =>
    rejects(
      "",
      raw(Either.getOrThrow(Message.encode(Wire.empty, { txid: 9, ordinal: 0x1234n }, undefined)).bytes),
      Status.NOT_SUPPORTED,
      "UnexpectedOrdinal"
    ))

  it.effect("a two-way request without a txid is malformed: INVALID_ARGS, DecodeError logged", () =>
    rejects(
      "",
      raw(
        Either.getOrThrow(
          Message.encode(Wire.empty, { txid: 0, ordinal: FuchsiaIo.Directory.methods.Rewind.ordinal }, undefined)
        ).bytes
      ),
      Status.INVALID_ARGS,
      "DecodeError"
    ))

  it.effect("an Open whose object is not a channel is malformed, and the handle it carried is closed", () =>
    rejects(
      "",
      (ch) =>
        Effect.gen(function*() {
          const kernel = yield* Kernel.Kernel
          const vmo = yield* kernel.vmo.create(4096)
          const bytes = Either.getOrThrow(Message.encode(
            Wire.struct({ flags: Wire.uint32, mode: Wire.uint32, path: Wire.string(), object: Wire.handle() }),
            { txid: 0, ordinal: FuchsiaIo.Directory.methods.Open.ordinal },
            { flags: 0, mode: 0, path: "sub", object: vmo }
          ))
          yield* kernel.channel.write(ch, bytes.bytes, bytes.handles)
        }),
      Status.INVALID_ARGS,
      "DecodeError"
    ))
})

describe("PseudoDirectory properties", () => {
  const name = FastCheck.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 12 }).filter((s) =>
    FuchsiaIo.invalidName(s) === undefined && s !== "." && s !== ".."
  )
  const treeArbitrary: FastCheck.Arbitrary<PseudoDirectory.Tree> =
    FastCheck.letrec<{ tree: PseudoDirectory.Tree }>((tie) => ({
      tree: FastCheck.dictionary(
        name,
        FastCheck.oneof(
          { depthSize: "small", withCrossShrink: true },
          FastCheck.string({ maxLength: 40 }),
          FastCheck.uint8Array({ maxLength: 40 }),
          tie("tree")
        ),
        { maxKeys: 5 }
      )
    })).tree

  it.effect.prop(
    "any tree: the walk lists every path once, in byte order per directory, and every file reads back",
    [treeArbitrary, FastCheck.integer({ min: 10, max: 120 })],
    ([t, budget]) =>
      withKernel(Effect.gen(function*() {
        const root = PseudoDirectory.make(t)
        const want: Array<readonly [string, PseudoDirectory.Node]> = []
        const visit = (directory: PseudoDirectory.Directory, prefix: string) => {
          for (const [entryName, node] of directory.entries) {
            want.push([`${prefix}/${entryName}`, node])
            if (node._tag === "Directory") visit(node, `${prefix}/${entryName}`)
          }
        }
        visit(root, "/ns")
        const { client, fiber } = yield* serveTree(t)
        const paths = yield* IoClient.walkNamespace([{ path: "/ns", directory: client }])
        assert.deepStrictEqual(paths, ["/ns", ...want.map(([p]) => p)])
        for (const [path, node] of want) {
          if (node._tag === "File") {
            assert.deepStrictEqual(yield* IoClient.readFile(client, path.slice(4)), node.contents)
          }
        }
        // Listing in small batches gives the same entries as one big batch.
        const batches: Array<FuchsiaIo.Dirent> = []
        while (true) {
          const batch = yield* Effect.catchIf(
            IoClient.readDirents(client, budget),
            (e) => e._tag === "IoError" && e.status === Status.BUFFER_TOO_SMALL,
            () => IoClient.readDirents(client)
          )
          if (batch.length === 0) break
          for (const entry of batch) batches.push(entry)
        }
        assert.deepStrictEqual(batches.map((d) => d.name), [".", ...root.entries.keys()])
        yield* hangUp(client, fiber)
      })),
    { fastCheck: { numRuns: 100 } }
  )
})
