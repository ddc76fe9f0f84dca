import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import { assert, describe, it } from "@effect/vitest"
import * as FuchsiaIo from "@zxsim/fidl/FuchsiaIo"
import * as IoClient from "@zxsim/fidl/IoClient"
import * as Transport from "@zxsim/fidl/Transport"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Status } from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import type * as Scope from "effect/Scope"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { openStatus, serveDirectory } from "./utils/serve.js"

const { CREATE, CREATE_IF_ABSENT, DIRECTORY, NOT_DIRECTORY, POSIX_WRITABLE, RIGHT_READABLE, RIGHT_WRITABLE, TRUNCATE } =
  FuchsiaIo.OpenFlags
const platform = Layer.merge(NodeFileSystem.layer, NodePath.layer)
const file = FuchsiaIo.File.methods
const directory = FuchsiaIo.Directory.methods

const snapshot = Effect.flatMap(
  Kernel.Kernel,
  (k) => Effect.map(k.stats, (s) => JSON.stringify({ handles: s.handles, objects: s.objects }))
)

/** Runs `body` on a fresh kernel; everything it made must be gone when its scope closes. */
const withKernel = <A, E>(body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>): Effect.Effect<A, E> =>
  Effect.gen(function*() {
    const before = yield* snapshot
    const result = yield* Effect.scoped(body)
    assert.strictEqual(yield* snapshot, before, "kernel objects or handles leaked")
    return result
  }).pipe(Effect.provide(Kernel.layer), Effect.provide(Logger.remove(Logger.defaultLogger)))

/** A host directory served on a fresh channel: its client end; the server ends with the scope. */
const serveHost = (root: string, readOnly = false) => Effect.provide(serveDirectory(root, readOnly), platform)

const temporary = () => {
  const outer = fs.mkdtempSync(path.join(os.tmpdir(), "zxsim-host-"))
  const root = path.join(outer, "root")
  fs.mkdirSync(root)
  fs.writeFileSync(path.join(outer, "secret.txt"), "outside")
  fs.mkdirSync(path.join(outer, "elsewhere"))
  fs.writeFileSync(path.join(outer, "elsewhere", "x"), "outside too")
  fs.writeFileSync(path.join(root, "inside.txt"), "inside")
  fs.mkdirSync(path.join(root, "dir"))
  return { outer, root }
}

describe("HostDirectory", () => {
  it.effect("writes, reads at offsets, seeks, resizes and reports attributes of a new file", () =>
    withKernel(Effect.gen(function*() {
      const { root } = temporary()
      const dir = yield* serveHost(root)
      const { channel } = yield* IoClient.openDescribed(
        dir,
        "dir/new.bin",
        CREATE | RIGHT_READABLE | RIGHT_WRITABLE | NOT_DIRECTORY
      )
      const written = yield* Transport.call(channel, file.Write, { data: new TextEncoder().encode("hello world") })
      assert.deepStrictEqual(written, { _tag: "response", value: { actualCount: 11n } })
      const seek = yield* Transport.call(channel, file.Seek, { origin: FuchsiaIo.SeekOrigin.END, offset: -5n })
      assert.deepStrictEqual(seek, { _tag: "response", value: { offsetFromStart: 6n } })
      const read = yield* IoClient.read(channel)
      assert.strictEqual(new TextDecoder().decode(read), "world")
      yield* Transport.call(channel, file.WriteAt, { data: new TextEncoder().encode("J"), offset: 0n })
      const at = yield* Transport.call(channel, file.ReadAt, { count: 5n, offset: 0n })
      assert.deepStrictEqual(at._tag === "response" ? new TextDecoder().decode(at.value.data) : at, "Jello")
      assert.deepStrictEqual(yield* Transport.call(channel, file.Resize, { length: 4n }), {
        _tag: "response",
        value: {}
      })
      const attrs = yield* Transport.call(channel, file.GetAttr, undefined)
      assert.strictEqual(attrs.s, Status.OK)
      assert.strictEqual(attrs.attributes.contentSize, 4n)
      assert.strictEqual(attrs.attributes.mode & 0o170000, FuchsiaIo.ModeType.FILE)
      yield* IoClient.close(channel)
      assert.strictEqual(fs.readFileSync(path.join(root, "dir", "new.bin"), "utf8"), "Jell")
    })))

  it.effect("unlinks, renames through a token, and refuses what a directory cannot do", () =>
    withKernel(Effect.gen(function*() {
      const { root } = temporary()
      const dir = yield* serveHost(root)
      assert.strictEqual(
        yield* openStatus(dir, "made", CREATE | CREATE_IF_ABSENT | DIRECTORY | RIGHT_READABLE),
        Status.OK
      )
      assert.strictEqual(
        yield* openStatus(dir, "made", CREATE | CREATE_IF_ABSENT | DIRECTORY | RIGHT_READABLE),
        Status.ALREADY_EXISTS
      )
      const { channel: sub } = yield* IoClient.openDescribed(dir, "dir", DIRECTORY | RIGHT_READABLE | POSIX_WRITABLE)
      const token = yield* Transport.call(sub, directory.GetToken, undefined)
      assert.strictEqual(token.s, Status.OK)
      assert.isTrue(token.token._tag === "Some")
      if (token.token._tag === "Some") {
        const kernel = yield* Kernel.Kernel
        const event = yield* kernel.handle.duplicate(token.token.value)
        yield* Effect.ignore(kernel.handle.close(token.token.value))
        const renamed = yield* Transport.call(dir, directory.Rename, {
          src: "inside.txt",
          dstParentToken: event as Handle.Handle<"EVENT">,
          dst: "moved.txt"
        })
        assert.deepStrictEqual(renamed, { _tag: "response", value: {} })
      }
      assert.strictEqual(fs.readFileSync(path.join(root, "dir", "moved.txt"), "utf8"), "inside")
      const notEmpty = yield* Transport.call(dir, directory.Unlink, {
        name: "dir",
        options: { flags: FuchsiaIo.UnlinkFlags.MUST_BE_DIRECTORY }
      })
      assert.deepStrictEqual(notEmpty, { _tag: "err", value: Status.NOT_EMPTY })
      const notDir = yield* Transport.call(sub, directory.Unlink, {
        name: "moved.txt",
        options: { flags: FuchsiaIo.UnlinkFlags.MUST_BE_DIRECTORY }
      })
      assert.deepStrictEqual(notDir, { _tag: "err", value: Status.NOT_DIR })
      assert.deepStrictEqual(yield* Transport.call(sub, directory.Unlink, { name: "moved.txt", options: {} }), {
        _tag: "response",
        value: {}
      })
      assert.deepStrictEqual(yield* Transport.call(dir, directory.Unlink, { name: "..", options: {} }), {
        _tag: "err",
        value: Status.INVALID_ARGS
      })
      yield* IoClient.close(sub)
      assert.deepStrictEqual(fs.readdirSync(path.join(root, "dir")), [])
    })))

  it.effect("a read-only directory reads and refuses every change with ACCESS_DENIED", () =>
    withKernel(Effect.gen(function*() {
      const { root } = temporary()
      const dir = yield* serveHost(root, true)
      assert.strictEqual(yield* openStatus(dir, "inside.txt", RIGHT_READABLE), Status.OK)
      assert.strictEqual(yield* openStatus(dir, "inside.txt", RIGHT_WRITABLE), Status.ACCESS_DENIED)
      assert.strictEqual(yield* openStatus(dir, "new.txt", CREATE | RIGHT_READABLE), Status.ACCESS_DENIED)
      assert.strictEqual(yield* openStatus(dir, "inside.txt", TRUNCATE | RIGHT_READABLE), Status.INVALID_ARGS)
      assert.deepStrictEqual(yield* Transport.call(dir, directory.Unlink, { name: "inside.txt", options: {} }), {
        _tag: "err",
        value: Status.ACCESS_DENIED
      })
      const token = yield* Transport.call(dir, directory.GetToken, undefined)
      assert.strictEqual(token.s, Status.ACCESS_DENIED)
      assert.deepStrictEqual(fs.readdirSync(root).sort(), ["dir", "inside.txt"])
    })))

  it.effect("no path escapes the served directory: '..', absolute and relative symbolic links, links in the middle, dangling links", () =>
    withKernel(Effect.gen(function*() {
      const { outer, root } = temporary()
      fs.symlinkSync(path.join(outer, "secret.txt"), path.join(root, "absolute"))
      fs.symlinkSync("../secret.txt", path.join(root, "relative"))
      fs.symlinkSync("../elsewhere", path.join(root, "middle"))
      fs.symlinkSync(path.join(outer, "created-outside"), path.join(root, "dangling"))
      fs.symlinkSync("inside.txt", path.join(root, "fine"))
      fs.symlinkSync(path.join(root, "dir"), path.join(root, "fine-absolute"))
      const dir = yield* serveHost(root)
      assert.strictEqual(yield* openStatus(dir, "../secret.txt", RIGHT_READABLE), Status.INVALID_ARGS)
      assert.strictEqual(yield* openStatus(dir, "dir/../../secret.txt", RIGHT_READABLE), Status.INVALID_ARGS)
      assert.strictEqual(yield* openStatus(dir, "/etc/passwd", RIGHT_READABLE), Status.INVALID_ARGS)
      assert.strictEqual(yield* openStatus(dir, "absolute", RIGHT_READABLE), Status.ACCESS_DENIED)
      assert.strictEqual(yield* openStatus(dir, "relative", RIGHT_READABLE), Status.ACCESS_DENIED)
      assert.strictEqual(yield* openStatus(dir, "middle/x", RIGHT_READABLE), Status.ACCESS_DENIED)
      assert.strictEqual(yield* openStatus(dir, "middle", RIGHT_READABLE | DIRECTORY), Status.ACCESS_DENIED)
      assert.strictEqual(yield* openStatus(dir, "dangling", CREATE | RIGHT_WRITABLE), Status.ACCESS_DENIED)
      assert.isFalse(fs.existsSync(path.join(outer, "created-outside")))
      assert.strictEqual(yield* openStatus(dir, "middle/new", CREATE | RIGHT_WRITABLE), Status.ACCESS_DENIED)
      assert.isFalse(fs.existsSync(path.join(outer, "elsewhere", "new")))
      // Links that stay inside are followed.
      const { channel } = yield* IoClient.openDescribed(dir, "fine", RIGHT_READABLE)
      assert.strictEqual(new TextDecoder().decode(yield* IoClient.readAll(channel)), "inside")
      yield* IoClient.close(channel)
      assert.strictEqual(yield* openStatus(dir, "fine-absolute", RIGHT_READABLE | DIRECTORY), Status.OK)
      // A rename cannot move something out, nor a link be unlinked anywhere but where it is.
      assert.deepStrictEqual(yield* Transport.call(dir, directory.Unlink, { name: "absolute", options: {} }), {
        _tag: "response",
        value: {}
      })
      assert.isTrue(fs.existsSync(path.join(outer, "secret.txt")))
      assert.strictEqual(fs.readFileSync(path.join(outer, "secret.txt"), "utf8"), "outside")
    })))

  it.effect("a root that is missing or not a directory closes the channel with an epitaph", () =>
    withKernel(Effect.gen(function*() {
      const { root } = temporary()
      const epitaph = (client: Handle.Channel) =>
        Effect.map(
          Effect.flip(Transport.call(client, directory.Rewind, undefined)),
          (e) => (e._tag === "PeerClosed" ? e.status : Status.INTERNAL)
        )
      assert.strictEqual(yield* epitaph(yield* serveHost(path.join(root, "missing"))), Status.NOT_FOUND)
      assert.strictEqual(yield* epitaph(yield* serveHost(path.join(root, "inside.txt"))), Status.NOT_DIR)
    })))
})
