/**
 * HostDirectory served from the in-memory file system of `utils/MemoryFileSystem.ts` (no disk):
 * fuchsia.io end to end, then the tree checked for exactly what the client wrote. The last suite
 * checks the in-memory file system itself against Node's on a scratch directory, so that what
 * HostDirectory sees here is what it would see on disk.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import type * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import { assert, describe, it } from "@effect/vitest"
import * as FuchsiaIo from "@zxsim/fidl/FuchsiaIo"
import * as HostDirectory from "@zxsim/fidl/HostDirectory"
import * as IoClient from "@zxsim/fidl/IoClient"
import * as Transport from "@zxsim/fidl/Transport"
import * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Status } from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as fs from "node:fs"
import * as os from "node:os"
import * as nodePath from "node:path"
import * as MemoryFileSystem from "./utils/MemoryFileSystem.js"
import { openStatus, serveDirectory } from "./utils/serve.js"

const {
  APPEND,
  CREATE,
  CREATE_IF_ABSENT,
  DIRECTORY,
  NOT_DIRECTORY,
  POSIX_WRITABLE,
  RIGHT_READABLE,
  RIGHT_WRITABLE,
  TRUNCATE
} = FuchsiaIo.OpenFlags
const file = FuchsiaIo.File.methods
const directory = FuchsiaIo.Directory.methods
const encode = (s: string) => new TextEncoder().encode(s)
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/** The tree every HostDirectory test starts from: `/srv` is served, `/outside` must stay out of reach. */
const initial = {
  "/srv/inside.txt": "inside",
  "/srv/log.txt": "old log",
  "/srv/a.txt": "A",
  "/srv/b.txt": "B",
  "/srv/dir/": "",
  "/outside/secret.txt": "outside"
}

/** `initial` as a snapshot shows it. */
const initialTree = {
  "/outside/": "",
  "/outside/secret.txt": "outside",
  "/srv/": "",
  "/srv/a.txt": "A",
  "/srv/b.txt": "B",
  "/srv/dir/": "",
  "/srv/inside.txt": "inside",
  "/srv/log.txt": "old log"
}

const kernelStats = Effect.flatMap(
  Kernel.Kernel,
  (k) => Effect.map(k.stats, (s) => JSON.stringify({ handles: s.handles, objects: s.objects }))
)

type Services = Kernel.Kernel | Scope.Scope | FileSystem.FileSystem | Path.Path | MemoryFileSystem.MemoryFileSystem

/**
 * Runs `body` on a fresh kernel and a fresh in-memory tree holding `initial`. Everything it made
 * in the kernel must be gone, and every host file closed, when its scope closes; answers the
 * whole tree as it is then.
 */
const withMemory = <A, E>(body: Effect.Effect<A, E, Services>): Effect.Effect<Record<string, string>, E> =>
  Effect.gen(function*() {
    const memory = yield* MemoryFileSystem.MemoryFileSystem
    const before = yield* kernelStats
    yield* Effect.scoped(body)
    assert.strictEqual(yield* kernelStats, before, "kernel objects or handles leaked")
    assert.strictEqual(yield* memory.openFiles, 0, "host files left open")
    return yield* Effect.orDie(memory.snapshot())
  }).pipe(
    Effect.provide(Layer.mergeAll(MemoryFileSystem.layer(initial), Path.layer, Kernel.layer)),
    Effect.provide(Logger.remove(Logger.defaultLogger))
  )

/** A directory of the in-memory tree served on a fresh channel: its client end; the server ends with the scope. */
const serveMemory = serveDirectory

/** A Rename of `src` in `dir` to `dst` in `target` (through a token of `target`): the reply. */
const renameTo = (dir: Handle.Channel, src: string, target: Handle.Channel, dst: string) =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const token = yield* Transport.call(target, directory.GetToken, undefined)
    assert.strictEqual(token.s, Status.OK)
    if (token.token._tag === "None") return assert.fail("GetToken answered no token")
    const event = Handle.narrow(yield* kernel.handle.duplicate(token.token.value), "EVENT")
    yield* Effect.ignore(kernel.handle.close(token.token.value))
    if (event === undefined) return assert.fail("the token is not an event")
    return yield* Transport.call(dir, directory.Rename, { src, dstParentToken: event, dst })
  })

const unlink = (dir: Handle.Channel, name: string, flags?: bigint) =>
  Transport.call(dir, directory.Unlink, { name, options: flags === undefined ? {} : { flags } })

const ok = { _tag: "response", value: {} } as const
const err = (status: number) => ({ _tag: "err", value: status }) as const

describe("HostDirectory on the in-memory file system", () => {
  it.effect("writes, reads at offsets, seeks, appends, truncates, resizes and reports attributes", () =>
    Effect.gen(function*() {
      const tree = yield* withMemory(Effect.gen(function*() {
        const memory = yield* MemoryFileSystem.MemoryFileSystem
        const dir = yield* serveMemory("/srv")
        const { channel, info } = yield* IoClient.openDescribed(
          dir,
          "dir/new.bin",
          CREATE | RIGHT_READABLE | RIGHT_WRITABLE | NOT_DIRECTORY
        )
        assert.strictEqual(info?._tag, "file")
        assert.strictEqual(yield* memory.openFiles, 1)
        assert.deepStrictEqual(yield* Transport.call(channel, file.Write, { data: encode("hello world") }), {
          _tag: "response",
          value: { actualCount: 11n }
        })
        const seek = yield* Transport.call(channel, file.Seek, { origin: FuchsiaIo.SeekOrigin.END, offset: -5n })
        assert.deepStrictEqual(seek, { _tag: "response", value: { offsetFromStart: 6n } })
        assert.strictEqual(decode(yield* IoClient.read(channel)), "world")
        assert.strictEqual((yield* IoClient.read(channel)).length, 0)
        yield* Transport.call(channel, file.WriteAt, { data: encode("J"), offset: 0n })
        // Writing nothing writes 0 bytes (not an error), wherever it is asked to.
        assert.deepStrictEqual(yield* Transport.call(channel, file.Write, { data: new Uint8Array(0) }), {
          _tag: "response",
          value: { actualCount: 0n }
        })
        assert.deepStrictEqual(
          yield* Transport.call(channel, file.WriteAt, { data: new Uint8Array(0), offset: 3n }),
          { _tag: "response", value: { actualCount: 0n } }
        )
        const readAt = (offset: bigint, count: bigint) =>
          Effect.map(
            Transport.call(channel, file.ReadAt, { count, offset }),
            (r) => (r._tag === "response" ? decode(r.value.data) : `status ${r.value}`)
          )
        assert.strictEqual(yield* readAt(0n, 5n), "Jello")
        assert.strictEqual(yield* readAt(6n, 100n), "world")
        assert.strictEqual(yield* readAt(100n, 5n), "")
        // A write past the end leaves a hole of zeros.
        yield* Transport.call(channel, file.Seek, { origin: FuchsiaIo.SeekOrigin.START, offset: 13n })
        yield* Transport.call(channel, file.Write, { data: encode("!") })
        assert.strictEqual(yield* readAt(9n, 10n), "ld\0\0!")
        assert.deepStrictEqual(
          yield* Transport.call(channel, file.Seek, { origin: FuchsiaIo.SeekOrigin.CURRENT, offset: -20n }),
          err(Status.INVALID_ARGS)
        )
        assert.deepStrictEqual(yield* Transport.call(channel, file.Resize, { length: 4n }), ok)
        const attrs = yield* Transport.call(channel, file.GetAttr, undefined)
        assert.strictEqual(attrs.s, Status.OK)
        assert.strictEqual(attrs.attributes.contentSize, 4n)
        assert.strictEqual(attrs.attributes.mode, FuchsiaIo.ModeType.FILE | 0o644)
        assert.strictEqual(attrs.attributes.linkCount, 1n)
        const mtime = 1_700_000_000_123_000_000n
        const set = yield* Transport.call(channel, file.SetAttr, {
          flags: FuchsiaIo.NodeAttributeFlags.MODIFICATION_TIME,
          attributes: { ...attrs.attributes, modificationTime: mtime }
        })
        assert.strictEqual(set.s, Status.OK)
        assert.strictEqual((yield* Transport.call(channel, file.GetAttr, undefined)).attributes.modificationTime, mtime)
        assert.deepStrictEqual(yield* Transport.call(channel, file.Sync, undefined), ok)
        yield* IoClient.close(channel)
        assert.strictEqual(yield* memory.openFiles, 0)

        // APPEND writes at the end wherever the seek position is.
        const log = yield* IoClient.openDescribed(dir, "inside.txt", RIGHT_READABLE | RIGHT_WRITABLE | APPEND)
        yield* Transport.call(log.channel, file.Write, { data: encode("+more") })
        assert.strictEqual((yield* IoClient.read(log.channel)).length, 0)
        yield* Transport.call(log.channel, file.Seek, { origin: FuchsiaIo.SeekOrigin.START, offset: 0n })
        yield* Transport.call(log.channel, file.Write, { data: encode("X") })
        yield* Transport.call(log.channel, file.Seek, { origin: FuchsiaIo.SeekOrigin.START, offset: 0n })
        assert.strictEqual(decode(yield* IoClient.readAll(log.channel)), "inside+moreX")
        yield* IoClient.close(log.channel)

        // TRUNCATE empties the file on Open.
        const truncated = yield* IoClient.openDescribed(dir, "log.txt", RIGHT_WRITABLE | TRUNCATE)
        assert.strictEqual(
          (yield* Transport.call(truncated.channel, file.GetAttr, undefined)).attributes.contentSize,
          0n
        )
        yield* Transport.call(truncated.channel, file.Write, { data: encode("new") })
        assert.deepStrictEqual(
          yield* Transport.call(truncated.channel, file.Read, { count: 1n }),
          err(Status.BAD_HANDLE)
        )
        yield* IoClient.close(truncated.channel)
        assert.strictEqual(decode(yield* IoClient.readFile(dir, "log.txt")), "new")
      }))
      assert.deepStrictEqual(tree, {
        ...initialTree,
        "/srv/dir/new.bin": "Jell",
        "/srv/inside.txt": "inside+moreX",
        "/srv/log.txt": "new"
      })
    }))

  it.effect("makes directories, lists them, renames through tokens, unlinks, and refuses what POSIX refuses", () =>
    Effect.gen(function*() {
      const tree = yield* withMemory(Effect.gen(function*() {
        const dir = yield* serveMemory("/srv")
        assert.strictEqual(
          yield* openStatus(dir, "made", CREATE | CREATE_IF_ABSENT | DIRECTORY | RIGHT_READABLE),
          Status.OK
        )
        assert.strictEqual(
          yield* openStatus(dir, "made", CREATE | CREATE_IF_ABSENT | DIRECTORY | RIGHT_READABLE),
          Status.ALREADY_EXISTS
        )
        assert.strictEqual(yield* openStatus(dir, "made/deeper/", CREATE | RIGHT_READABLE), Status.OK)
        const deep = yield* IoClient.openDescribed(dir, "made/deeper/file.txt", CREATE | RIGHT_WRITABLE)
        yield* Transport.call(deep.channel, file.Write, { data: encode("deep") })
        yield* IoClient.close(deep.channel)
        assert.deepStrictEqual(
          (yield* IoClient.listDirectory(dir)).map((d) => [d.name, d.type]),
          [
            ["a.txt", FuchsiaIo.DirentType.FILE],
            ["b.txt", FuchsiaIo.DirentType.FILE],
            ["dir", FuchsiaIo.DirentType.DIRECTORY],
            ["inside.txt", FuchsiaIo.DirentType.FILE],
            ["log.txt", FuchsiaIo.DirentType.FILE],
            ["made", FuchsiaIo.DirentType.DIRECTORY]
          ]
        )
        const dirAttrs = yield* Transport.call(dir, directory.GetAttr, undefined)
        assert.strictEqual(dirAttrs.attributes.mode & 0o170000, FuchsiaIo.ModeType.DIRECTORY)

        // What a file or a directory cannot be opened as.
        assert.strictEqual(yield* openStatus(dir, "inside.txt/", RIGHT_READABLE), Status.NOT_DIR)
        assert.strictEqual(yield* openStatus(dir, "inside.txt", RIGHT_READABLE | DIRECTORY), Status.NOT_DIR)
        assert.strictEqual(yield* openStatus(dir, "inside.txt/x", RIGHT_READABLE), Status.NOT_DIR)
        assert.strictEqual(yield* openStatus(dir, "dir", RIGHT_READABLE | NOT_DIRECTORY), Status.NOT_FILE)
        assert.strictEqual(yield* openStatus(dir, "dir", RIGHT_READABLE | TRUNCATE), Status.INVALID_ARGS)

        const sub = (yield* IoClient.openDescribed(dir, "dir", DIRECTORY | RIGHT_READABLE | POSIX_WRITABLE)).channel
        assert.deepStrictEqual(yield* renameTo(dir, "inside.txt", sub, "moved.txt"), ok)
        assert.deepStrictEqual((yield* IoClient.listDirectory(sub)).map((d) => d.name), ["moved.txt"])
        // Onto an existing file: replaced.
        assert.deepStrictEqual(yield* renameTo(dir, "a.txt", dir, "b.txt"), ok)
        // A directory, with what it holds.
        assert.deepStrictEqual(yield* renameTo(dir, "made", dir, "renamed"), ok)
        assert.strictEqual(decode(yield* IoClient.readFile(dir, "renamed/deeper/file.txt")), "deep")
        assert.deepStrictEqual(yield* renameTo(dir, "missing", dir, "x"), err(Status.NOT_FOUND))
        assert.deepStrictEqual(yield* renameTo(dir, "renamed", dir, "dir"), err(Status.NOT_EMPTY))
        assert.deepStrictEqual(yield* renameTo(dir, "b.txt", dir, "dir"), err(Status.NOT_FILE))
        assert.deepStrictEqual(yield* renameTo(dir, "renamed", dir, ".."), err(Status.INVALID_ARGS))

        // Unlink: a non-empty directory is refused, a file is not a directory, an empty directory goes.
        assert.deepStrictEqual(
          yield* unlink(dir, "dir", FuchsiaIo.UnlinkFlags.MUST_BE_DIRECTORY),
          err(Status.NOT_EMPTY)
        )
        assert.deepStrictEqual(yield* unlink(dir, "dir"), err(Status.NOT_EMPTY))
        assert.deepStrictEqual(
          yield* unlink(sub, "moved.txt", FuchsiaIo.UnlinkFlags.MUST_BE_DIRECTORY),
          err(Status.NOT_DIR)
        )
        // A file unlinked while open stays readable through its connection, as on POSIX.
        const held = yield* IoClient.openDescribed(sub, "moved.txt", RIGHT_READABLE)
        assert.deepStrictEqual(yield* unlink(sub, "moved.txt"), ok)
        assert.strictEqual(decode(yield* IoClient.readAll(held.channel)), "inside")
        assert.strictEqual((yield* Transport.call(held.channel, file.GetAttr, undefined)).attributes.contentSize, 6n)
        yield* IoClient.close(held.channel)
        assert.deepStrictEqual(yield* unlink(dir, "dir", FuchsiaIo.UnlinkFlags.MUST_BE_DIRECTORY), ok)
        assert.deepStrictEqual(yield* unlink(dir, "missing"), err(Status.NOT_FOUND))
        assert.deepStrictEqual(yield* unlink(dir, ".."), err(Status.INVALID_ARGS))
        yield* IoClient.close(sub)
      }))
      assert.deepStrictEqual(tree, {
        "/outside/": "",
        "/outside/secret.txt": "outside",
        "/srv/": "",
        "/srv/b.txt": "A",
        "/srv/log.txt": "old log",
        "/srv/renamed/": "",
        "/srv/renamed/deeper/": "",
        "/srv/renamed/deeper/file.txt": "deep"
      })
    }))

  it.effect("a read-only directory reads and refuses every change", () =>
    Effect.gen(function*() {
      const tree = yield* withMemory(Effect.gen(function*() {
        const dir = yield* serveMemory("/srv", true)
        assert.strictEqual(decode(yield* IoClient.readFile(dir, "inside.txt")), "inside")
        assert.strictEqual(yield* openStatus(dir, "inside.txt", RIGHT_WRITABLE), Status.ACCESS_DENIED)
        assert.strictEqual(yield* openStatus(dir, "inside.txt", RIGHT_READABLE | POSIX_WRITABLE), Status.OK)
        assert.strictEqual(yield* openStatus(dir, "new.txt", CREATE | RIGHT_READABLE), Status.ACCESS_DENIED)
        assert.strictEqual(
          yield* openStatus(dir, "new", CREATE | DIRECTORY | RIGHT_READABLE),
          Status.ACCESS_DENIED
        )
        assert.strictEqual(yield* openStatus(dir, "inside.txt", TRUNCATE | RIGHT_READABLE), Status.INVALID_ARGS)
        const { channel } = yield* IoClient.openDescribed(dir, "inside.txt", RIGHT_READABLE)
        assert.deepStrictEqual(
          yield* Transport.call(channel, file.Write, { data: encode("x") }),
          err(Status.BAD_HANDLE)
        )
        assert.deepStrictEqual(yield* Transport.call(channel, file.Resize, { length: 0n }), err(Status.BAD_HANDLE))
        const attrs = yield* Transport.call(channel, file.GetAttr, undefined)
        const set = yield* Transport.call(channel, file.SetAttr, {
          flags: FuchsiaIo.NodeAttributeFlags.MODIFICATION_TIME,
          attributes: attrs.attributes
        })
        assert.strictEqual(set.s, Status.BAD_HANDLE)
        yield* IoClient.close(channel)
        assert.deepStrictEqual(yield* unlink(dir, "inside.txt"), err(Status.ACCESS_DENIED))
        assert.strictEqual((yield* Transport.call(dir, directory.GetToken, undefined)).s, Status.ACCESS_DENIED)
        const dirSet = yield* Transport.call(dir, directory.SetAttr, {
          flags: FuchsiaIo.NodeAttributeFlags.MODIFICATION_TIME,
          attributes: attrs.attributes
        })
        assert.strictEqual(dirSet.s, Status.ACCESS_DENIED)
      }))
      assert.deepStrictEqual(tree, initialTree)
    }))

  it.effect("a missing path is NOT_FOUND, and nothing outside the served directory is reachable", () =>
    Effect.gen(function*() {
      const tree = yield* withMemory(Effect.gen(function*() {
        const dir = yield* serveMemory("/srv")
        assert.strictEqual(yield* openStatus(dir, "missing.txt", RIGHT_READABLE), Status.NOT_FOUND)
        assert.strictEqual(yield* openStatus(dir, "missing/x.txt", RIGHT_READABLE), Status.NOT_FOUND)
        assert.strictEqual(yield* openStatus(dir, "missing/x.txt", CREATE | RIGHT_WRITABLE), Status.NOT_FOUND)
        for (
          const escape of ["..", "../outside/secret.txt", "dir/../../outside/secret.txt", "/outside/secret.txt"]
        ) {
          assert.strictEqual(yield* openStatus(dir, escape, RIGHT_READABLE), Status.INVALID_ARGS, escape)
          assert.strictEqual(yield* openStatus(dir, escape, CREATE | RIGHT_WRITABLE), Status.INVALID_ARGS, escape)
        }
        assert.strictEqual(yield* openStatus(dir, "./inside.txt", RIGHT_READABLE), Status.INVALID_ARGS)
        assert.strictEqual(yield* openStatus(dir, "dir//x", CREATE | RIGHT_WRITABLE), Status.INVALID_ARGS)
        // Below a subdirectory, ".." still cannot climb.
        const sub = (yield* IoClient.openDescribed(dir, "dir", DIRECTORY | RIGHT_READABLE | POSIX_WRITABLE)).channel
        assert.strictEqual(yield* openStatus(sub, "../inside.txt", RIGHT_READABLE), Status.INVALID_ARGS)
        assert.deepStrictEqual(yield* unlink(sub, ".."), err(Status.INVALID_ARGS))
        assert.deepStrictEqual(yield* renameTo(dir, "inside.txt", sub, "../x"), err(Status.INVALID_ARGS))
        yield* IoClient.close(sub)

        // A root that is missing or not a directory: the channel closes with an epitaph.
        const epitaph = (client: Handle.Channel) =>
          Effect.map(
            Effect.flip(Transport.call(client, directory.Rewind, undefined)),
            (e) => (e._tag === "PeerClosed" ? e.status : Status.INTERNAL)
          )
        assert.strictEqual(yield* epitaph(yield* serveMemory("/srv/missing")), Status.NOT_FOUND)
        assert.strictEqual(yield* epitaph(yield* serveMemory("/srv/inside.txt")), Status.NOT_DIR)
        const mountError = yield* Effect.flip(HostDirectory.mount("/srv/missing", "/data"))
        assert.strictEqual(mountError._tag, "MountError")
      }))
      assert.deepStrictEqual(tree, initialTree)
    }))
})

// ---------------------------------------------------------------------------------------------
// The in-memory file system against Node's
// ---------------------------------------------------------------------------------------------

/** One step of the script: a label, and what it does with a file system and a path maker. */
type Step = readonly [
  string,
  (
    fs: FileSystem.FileSystem,
    at: (p: string) => string
  ) => Effect.Effect<unknown, PlatformError.PlatformError, Scope.Scope>
]

const shape = (info: FileSystem.File.Info) => ({
  type: info.type,
  size: Number(info.size),
  mode: info.mode.toString(8),
  nlink: Option.getOrUndefined(info.nlink)
})

const codeOf = (cause: unknown): string | undefined =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? cause.code
    : undefined

/** A value or failure with the scratch directory's path replaced by `<base>`, for comparing. */
const plain = (base: string, value: unknown): unknown => {
  if (typeof value === "string") return value.split(base).join("<base>")
  if (value instanceof Uint8Array) return Array.from(value)
  if (Array.isArray(value)) return value.map((v) => plain(base, v))
  if (Option.isOption(value)) return Option.match(value, { onNone: () => "none", onSome: (v) => plain(base, v) })
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(base, v)]))
  }
  return value
}

const outcome = (base: string, effect: Effect.Effect<unknown, PlatformError.PlatformError>) =>
  Effect.match(effect, {
    onFailure: (e) =>
      plain(
        base,
        e._tag === "BadArgument"
          ? { bad: e.method }
          : {
            reason: e.reason,
            method: e.method,
            syscall: e.syscall,
            code: codeOf(e.cause),
            description: e.description
          }
      ),
    onSuccess: (v) => plain(base, v)
  })

const onFile = (
  p: string,
  flag: FileSystem.OpenFlag,
  f: (file: FileSystem.File) => Effect.Effect<unknown, PlatformError.PlatformError>
): Step[1] =>
(fs, at) => Effect.flatMap(fs.open(at(p), { flag }), f)

const sorted = (names: Array<string>) => [...names].sort()

const script: ReadonlyArray<Step> = [
  ["stat file", (fs, at) => Effect.map(fs.stat(at("f")), shape)],
  ["stat directory", (fs, at) => Effect.map(fs.stat(at("full")), shape)],
  ["stat missing", (fs, at) => fs.stat(at("missing"))],
  ["stat file/", (fs, at) => fs.stat(`${at("f")}/`)],
  ["stat file/x", (fs, at) => fs.stat(at("f/x"))],
  ["stat NUL", (fs, at) => fs.stat(at("a\0b"))],
  ["readDirectory", (fs, at) => Effect.map(fs.readDirectory(at("")), sorted)],
  ["readDirectory dir/", (fs, at) => fs.readDirectory(`${at("full")}/`)],
  ["readDirectory file", (fs, at) => fs.readDirectory(at("f"))],
  ["readDirectory missing", (fs, at) => fs.readDirectory(at("missing"))],
  ["readLink file", (fs, at) => fs.readLink(at("f"))],
  ["readLink directory", (fs, at) => fs.readLink(at("dir"))],
  ["readLink missing", (fs, at) => fs.readLink(at("missing"))],
  ["realPath", (fs, at) => fs.realPath(at("dir/../full/./x"))],
  ["realPath missing", (fs, at) => fs.realPath(at("missing"))],
  ["realPath file/x", (fs, at) => fs.realPath(at("f/x"))],
  ["exists", (fs, at) => Effect.all([fs.exists(at("f")), fs.exists(at("missing"))])],
  ["access missing", (fs, at) => fs.access(at("missing"))],
  ["makeDirectory existing", (fs, at) => fs.makeDirectory(at("dir"))],
  ["makeDirectory in missing", (fs, at) => fs.makeDirectory(at("missing/x"))],
  ["makeDirectory in file", (fs, at) => fs.makeDirectory(at("f/x"))],
  ["makeDirectory -p existing", (fs, at) => fs.makeDirectory(at("dir"), { recursive: true })],
  ["makeDirectory -p file", (fs, at) => fs.makeDirectory(at("f"), { recursive: true })],
  ["makeDirectory -p in file", (fs, at) => fs.makeDirectory(at("f/x/y"), { recursive: true })],
  // (Node's layer lets through the first directory Node's mkdir made: void is what the type promises.)
  ["makeDirectory -p", (fs, at) => Effect.asVoid(fs.makeDirectory(at("new/a/b"), { recursive: true }))],
  ["makeDirectory", (fs, at) => fs.makeDirectory(at("new/a/c/"))],
  ["writeFile wx existing", (fs, at) => fs.writeFile(at("f"), encode("x"), { flag: "wx" })],
  ["writeFile", (fs, at) => fs.writeFileString(at("g"), "hello")],
  ["writeFile a", (fs, at) => fs.writeFileString(at("g"), " world", { flag: "a" })],
  ["writeFile directory", (fs, at) => fs.writeFileString(at("dir"), "x")],
  ["writeFile r", (fs, at) => fs.writeFileString(at("g"), "x", { flag: "r" })],
  ["readFile", (fs, at) => fs.readFileString(at("g"))],
  ["readFile directory", (fs, at) => fs.readFile(at("dir"))],
  ["readFile missing", (fs, at) => fs.readFile(at("missing"))],
  ["open directory r+", (fs, at) => fs.open(at("dir"), { flag: "r+" })],
  ["open directory w", (fs, at) => fs.open(at("dir"), { flag: "w" })],
  ["open directory wx", (fs, at) => fs.open(at("dir"), { flag: "wx" })],
  ["open directory a", (fs, at) => fs.open(at("dir"), { flag: "a" })],
  ["open new/ w", (fs, at) => fs.open(at("nothing/"), { flag: "w" })],
  ["open missing", (fs, at) => fs.open(at("missing"))],
  ["open file/", (fs, at) => fs.open(`${at("f")}/`)],
  ["read directory", onFile("dir", "r", (f) => f.read(new Uint8Array(4)))],
  ["write read-only", onFile("f", "r", (f) => f.write(encode("x")))],
  ["read write-only", onFile("f", "a", (f) => f.read(new Uint8Array(4)))],
  ["truncate read-only", onFile("f", "r", (f) => f.truncate(1))],
  [
    "read beyond 2^63",
    onFile("f", "r", (f) => Effect.zipRight(f.seek(2n ** 63n, "start"), f.read(new Uint8Array(1))))
  ],
  ["writeAll nothing", onFile("f", "r+", (f) => f.writeAll(new Uint8Array(0)))],
  [
    "w+ write, seek, read, truncate",
    onFile("h", "w+", (f) =>
      Effect.gen(function*() {
        yield* f.writeAll(encode("hello world"))
        yield* f.seek(0, "start")
        const first = yield* f.readAlloc(5)
        yield* f.seek(1, "current")
        const buffer = new Uint8Array(10)
        const n = yield* f.read(buffer)
        const end = yield* f.readAlloc(5)
        yield* f.truncate(4)
        const written = yield* f.write(encode("XY"))
        return { first, n, rest: buffer, end, written, size: (yield* f.stat).size }
      }))
  ],
  ["after w+", (fs, at) => fs.readFileString(at("h"))],
  [
    "a+ appends wherever the position is",
    onFile("h", "a+", (f) =>
      Effect.gen(function*() {
        yield* f.seek(0, "start")
        yield* f.writeAll(encode("!"))
        return yield* f.readAlloc(100)
      }))
  ],
  [
    "a write past the end leaves zeros",
    onFile("h", "r+", (f) =>
      Effect.gen(function*() {
        yield* f.seek(10, "start")
        yield* f.writeAll(encode("z"))
        yield* f.seek(0, "start")
        return yield* f.readAlloc(100)
      }))
  ],
  [
    "an open file outlives a rename and an unlink",
    (fs, at) =>
      Effect.gen(function*() {
        const f = yield* fs.open(at("h"), { flag: "r+" })
        yield* fs.rename(at("h"), at("h2"))
        yield* f.writeAll(encode("A"))
        const renamed = yield* fs.readFileString(at("h2"))
        yield* fs.remove(at("h2"))
        yield* f.seek(0, "start")
        return { renamed, after: yield* f.readAlloc(100), size: (yield* f.stat).size, gone: yield* fs.exists(at("h2")) }
      })
  ],
  ["remove directory", (fs, at) => fs.remove(at("dir"))],
  ["remove full directory", (fs, at) => fs.remove(at("full"))],
  ["remove missing", (fs, at) => fs.remove(at("missing"))],
  ["remove missing, force", (fs, at) => fs.remove(at("missing/x"), { force: true })],
  ["remove file/x, force", (fs, at) => fs.remove(at("f/x"), { force: true })],
  ["remove -r", (fs, at) => fs.remove(at("new/a"), { recursive: true })],
  ["make directories to rename", (fs, at) => Effect.asVoid(fs.makeDirectory(at("r/full/child"), { recursive: true }))],
  ["rename onto a non-empty directory", (fs, at) => fs.rename(at("dir"), at("r/full"))],
  ["rename a file onto a directory", (fs, at) => fs.rename(at("f"), at("dir"))],
  ["rename a directory onto a file", (fs, at) => fs.rename(at("dir"), at("f"))],
  ["rename into itself", (fs, at) => fs.rename(at("r"), at("r/full/child/r"))],
  ["rename onto an ancestor", (fs, at) => fs.rename(at("r/full/child"), at("r/full"))],
  ["rename missing", (fs, at) => fs.rename(at("missing"), at("x"))],
  ["rename into missing", (fs, at) => fs.rename(at("f"), at("missing/x"))],
  ["rename to itself", (fs, at) => fs.rename(at("f"), at("f"))],
  ["rename to name/", (fs, at) => fs.rename(at("f"), `${at("x")}/`)],
  ["rename over a file", (fs, at) => Effect.zipRight(fs.rename(at("g"), at("f")), fs.readFileString(at("f")))],
  ["rename over an empty directory", (fs, at) => fs.rename(at("r/full/child"), at("dir"))],
  ["utimes missing", (fs, at) => fs.utimes(at("missing"), 1, 1)],
  [
    "utimes",
    (fs, at) =>
      Effect.zipRight(
        fs.utimes(at("f"), 1000, new Date(5000)),
        Effect.map(fs.stat(at("f")), (s) => [Option.map(s.atime, Number), Option.map(s.mtime, Number)])
      )
  ],
  ["truncate", (fs, at) => Effect.zipRight(fs.truncate(at("f"), 2), fs.readFileString(at("f")))],
  ["truncate directory", (fs, at) => fs.truncate(at("dir"), 0)],
  ["truncate missing", (fs, at) => fs.truncate(at("missing"))],
  ["copyFile", (fs, at) => Effect.zipRight(fs.copyFile(at("f"), at("f3")), fs.readFileString(at("f3")))],
  ["copyFile a directory", (fs, at) => fs.copyFile(at("dir"), at("d3"))],
  ["copyFile onto a directory", (fs, at) => fs.copyFile(at("f"), at("dir"))],
  ["copyFile into missing", (fs, at) => fs.copyFile(at("f"), at("missing/x"))],
  ["link", (fs, at) => Effect.zipRight(fs.link(at("f"), at("f4")), Effect.map(fs.stat(at("f")), shape))],
  ["link existing", (fs, at) => fs.link(at("f"), at("f4"))],
  ["link a directory", (fs, at) => fs.link(at("dir"), at("d4"))],
  ["chmod", (fs, at) => Effect.zipRight(fs.chmod(at("f4"), 0o600), Effect.map(fs.stat(at("f")), shape))],
  ["copy a directory onto a file", (fs, at) => fs.copy(at("r"), at("f"))],
  ["copy a file onto a directory", (fs, at) => fs.copy(at("f"), at("dir"))],
  ["copy into itself", (fs, at) => fs.copy(at("r"), at("r/sub"))],
  ["copy to itself", (fs, at) => fs.copy(at("f"), at("f"))],
  ["copy missing", (fs, at) => fs.copy(at("missing"), at("x"))],
  ["copy deep", (fs, at) => Effect.zipRight(fs.copy(at("r"), at("c/d/e")), fs.readDirectory(at("c")))],
  ["copy without overwrite", (fs, at) => Effect.zipRight(fs.copy(at("full/x"), at("f")), fs.readFileString(at("f")))],
  [
    "copy with overwrite",
    (fs, at) => Effect.zipRight(fs.copy(at("full/x"), at("f"), { overwrite: true }), fs.readFileString(at("f")))
  ],
  [
    "the whole tree",
    (fs, at) =>
      Effect.gen(function*() {
        const names = sorted(yield* fs.readDirectory(at(""), { recursive: true }))
        const out: Array<readonly [string, string]> = []
        for (const name of names) {
          const info = yield* fs.stat(at(name))
          out.push([name, info.type === "File" ? yield* fs.readFileString(at(name)) : "/"])
        }
        return out
      })
  ]
]

/** The outcome of every step of the script on `fs`, from a tree under `base` (`dir/`, `full/x`, `f`). */
const runScript = (fs: FileSystem.FileSystem, base: string) =>
  Effect.forEach(script, ([label, step]) =>
    Effect.map(
      outcome(base, Effect.scoped(step(fs, (p) => (p === "" ? base : `${base}/${p}`)))),
      (result) => [label, result] as const
    ))

describe("MemoryFileSystem", () => {
  it.effect("answers every call of a script as Node's file system does on disk", () =>
    Effect.gen(function*() {
      const scratch = fs.realpathSync(fs.mkdtempSync(nodePath.join(os.tmpdir(), "zxsim-memfs-")))
      const base = nodePath.join(scratch, "base")
      fs.mkdirSync(nodePath.join(base, "dir"), { recursive: true })
      fs.mkdirSync(nodePath.join(base, "full"))
      fs.writeFileSync(nodePath.join(base, "full", "x"), "x")
      fs.writeFileSync(nodePath.join(base, "f"), "abc")
      const onDisk = yield* Effect.ensuring(
        Effect.flatMap(FileSystem.FileSystem, (nodeFs) => runScript(nodeFs, base)).pipe(
          Effect.provide(NodeFileSystem.layer)
        ),
        Effect.sync(() => fs.rmSync(scratch, { recursive: true, force: true }))
      )
      const inMemory = yield* Effect.flatMap(FileSystem.FileSystem, (memoryFs) => runScript(memoryFs, "/base")).pipe(
        Effect.provide(MemoryFileSystem.layer({ "/base/dir/": "", "/base/full/x": "x", "/base/f": "abc" }))
      )
      assert.deepStrictEqual(inMemory, onDisk)
    }))

  it.effect("snapshots, temporary files, and what it does not support", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const memory = yield* MemoryFileSystem.MemoryFileSystem
      assert.deepStrictEqual(yield* memory.snapshot(), { "/tmp/": "", "/tmp/a/": "", "/tmp/a/b": "bytes" })
      assert.deepStrictEqual(yield* memory.snapshotBytes("/tmp/a"), { "/tmp/a/b": encode("bytes") })
      const temporary = yield* Effect.scoped(Effect.gen(function*() {
        const made = yield* fs.makeTempFileScoped({ prefix: "p-", suffix: ".txt" })
        assert.isTrue(made.startsWith("/tmp/p-") && made.endsWith(".txt"), made)
        assert.strictEqual(yield* fs.readFileString(made), "")
        return made
      }))
      assert.isFalse(yield* fs.exists(temporary))
      const bad = yield* Effect.flip(fs.symlink("/tmp/a/b", "/tmp/link"))
      assert.strictEqual(bad._tag, "BadArgument")
      assert.include(bad.message, "not supported by the in-memory file system")
      const notFound = yield* Effect.flip(memory.snapshot("/nowhere"))
      assert.strictEqual(notFound._tag === "SystemError" ? notFound.reason : notFound._tag, "NotFound")
      const big = yield* Effect.flip(fs.writeFile("/tmp/big", new Uint8Array(17)))
      assert.strictEqual(codeOf(big._tag === "SystemError" ? big.cause : undefined), "EFBIG")
    }).pipe(Effect.provide(MemoryFileSystem.layer({ "/tmp/a/b": encode("bytes") }, { maxFileSize: 16 }))))
})
