/**
 * A client of the fuchsia.io subset of `FuchsiaIo`: open a path, list a directory, read a file,
 * close, and the namespace walk the test util program answers `DumpNamespace` with. Tests use it
 * to drive `PseudoDirectory` exactly as a guest does, and to compute what a guest should report.
 *
 * @since 0.1.0
 */
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as StatusNames from "@zxsim/kernel/Status"
import { Status } from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { type FidlError, TransportError, UnexpectedOrdinal } from "./FidlError.js"
import * as FuchsiaIo from "./FuchsiaIo.js"
import * as Message from "./Message.js"
import * as Transport from "./Transport.js"

/**
 * A fuchsia.io request the server answered with a failure status (or closed the channel with it
 * as an epitaph), or a reply the client could not make sense of (IO, with a detail).
 *
 * @since 0.1.0
 * @category errors
 */
export class IoError extends Schema.TaggedError<IoError>("@zxsim/fidl/IoError")("IoError", {
  operation: Schema.String,
  path: Schema.optional(Schema.String),
  status: Schema.Number,
  detail: Schema.optional(Schema.String)
}) {
  /**
   * The status a caller reports for this failure.
   *
   * @since 0.1.0
   */
  get asZxStatus(): number {
    return this.status
  }

  /**
   * @since 0.1.0
   */
  override get message(): string {
    const where = this.path === undefined ? "" : ` ${JSON.stringify(this.path)}`
    return `fuchsia.io ${this.operation}${where}: ${StatusNames.toString(this.status)}${
      this.detail === undefined ? "" : ` (${this.detail})`
    }`
  }
}

/**
 * Any failure of a client call: the FIDL layer's, or a status from the server.
 *
 * @since 0.1.0
 * @category models
 */
export type IoClientError = FidlError | IoError

const { DESCRIBE, DIRECTORY, NOT_DIRECTORY, RIGHT_READABLE } = FuchsiaIo.OpenFlags
const methods = FuchsiaIo.Directory.methods

/**
 * Sends Open(`path`, `flags`) on `directory` with a fresh channel's server end and returns the
 * client end at once, without waiting: requests written to it queue until the server attaches.
 * If the open fails, the server closes the new channel with the failure as its epitaph, which
 * the first call on it reports as `PeerClosed`.
 *
 * @since 0.1.0
 * @category utils
 */
export const open = (
  directory: Handle.Channel,
  path: string,
  flags: number,
  mode = 0
): Effect.Effect<Handle.Channel, FidlError, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const [client, server] = yield* Effect.mapError(kernel.channel.create(), (e) =>
      new TransportError({ operation: "channel.create", status: e.status }))
    yield* Transport.send(directory, methods.Open, { flags, mode, path, object: server })
    return client
  })

/**
 * What {@link openDescribed} returns: the new channel and how the server described the node.
 *
 * @since 0.1.0
 * @category models
 */
export interface Described {
  readonly channel: Handle.Channel
  readonly info: FuchsiaIo.NodeInfo | undefined
}

/**
 * {@link open} with DESCRIBE: waits for the server's OnOpen event and fails with an `IoError`
 * (operation Open) when it reports a failure, or when the channel closes with an epitaph first.
 *
 * @since 0.1.0
 * @category utils
 */
export const openDescribed = (
  directory: Handle.Channel,
  path: string,
  flags: number
): Effect.Effect<Described, IoClientError, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const channel = yield* open(directory, path, flags | DESCRIBE)
    const onOpen = FuchsiaIo.NodeEvents.methods.OnOpen
    const message = yield* Transport.receive(channel)
    const header = yield* Transport.decodeHeader(message)
    if (header.ordinal === Message.EPITAPH_ORDINAL) {
      const epitaph = yield* Transport.decodeBody(Message.EpitaphBody, message)
      return yield* new IoError({ operation: "Open", path, status: epitaph.error })
    }
    if (header.ordinal !== onOpen.ordinal) {
      yield* Transport.closeHandles(message.handles)
      return yield* new UnexpectedOrdinal({
        protocol: onOpen.protocol,
        ordinal: header.ordinal,
        expected: onOpen.ordinal
      })
    }
    const event = yield* Transport.decodeBody(onOpen.request, message)
    if (event.s !== Status.OK) return yield* new IoError({ operation: "Open", path, status: event.s })
    return { channel, info: event.info._tag === "Some" ? event.info.value : undefined }
  })

/** A failure status as an `IoError`; OK as nothing. */
const check = (operation: string, status: number, path?: string): Effect.Effect<void, IoError> =>
  status === Status.OK
    ? Effect.void
    : Effect.fail(new IoError({ operation, status, ...(path === undefined ? {} : { path }) }))

/**
 * One ReadDirents(`maxBytes`) call: the next dirents of the connection's listing (the first call
 * starts with `"."`), none at the end.
 *
 * @since 0.1.0
 * @category utils
 */
export const readDirents = (
  directory: Handle.Channel,
  maxBytes: number = FuchsiaIo.MAX_BUF
): Effect.Effect<ReadonlyArray<FuchsiaIo.Dirent>, IoClientError, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const reply = yield* Transport.call(directory, methods.ReadDirents, { maxBytes: BigInt(maxBytes) })
    yield* check("ReadDirents", reply.s)
    const dirents = FuchsiaIo.decodeDirents(reply.dirents)
    if (Either.isLeft(dirents)) {
      return yield* new IoError({ operation: "ReadDirents", status: Status.IO, detail: dirents.left })
    }
    return dirents.right
  })

/**
 * Rewind: the next ReadDirents starts the listing again.
 *
 * @since 0.1.0
 * @category utils
 */
export const rewind = (directory: Handle.Channel): Effect.Effect<void, IoClientError, Kernel.Kernel | Scope.Scope> =>
  Effect.flatMap(Transport.call(directory, methods.Rewind, undefined), (reply) => check("Rewind", reply.s))

/**
 * Every entry of the directory, in the server's order, without `"."` and `".."`: Rewind, then
 * ReadDirents until an empty reply.
 *
 * @since 0.1.0
 * @category utils
 */
export const listDirectory = (
  directory: Handle.Channel
): Effect.Effect<ReadonlyArray<FuchsiaIo.Dirent>, IoClientError, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    yield* rewind(directory)
    const out: Array<FuchsiaIo.Dirent> = []
    while (true) {
      const batch = yield* readDirents(directory)
      if (batch.length === 0) return out
      for (const dirent of batch) if (dirent.name !== "." && dirent.name !== "..") out.push(dirent)
    }
  })

/**
 * One Read(`count`) call: the next bytes from the file's seek position, empty at the end.
 *
 * @since 0.1.0
 * @category utils
 */
export const read = (
  file: Handle.Channel,
  count: number = FuchsiaIo.MAX_BUF
): Effect.Effect<Uint8Array, IoClientError, Kernel.Kernel | Scope.Scope> =>
  Effect.flatMap(
    Transport.call(file, FuchsiaIo.File.methods.Read, { count: BigInt(count) }),
    (reply) =>
      reply._tag === "response"
        ? Effect.succeed(reply.value.data)
        : Effect.fail(new IoError({ operation: "Read", status: reply.value }))
  )

/**
 * The rest of the file from its seek position: Read until an empty reply.
 *
 * @since 0.1.0
 * @category utils
 */
export const readAll = (file: Handle.Channel): Effect.Effect<Uint8Array, IoClientError, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const chunks: Array<Uint8Array> = []
    let size = 0
    while (true) {
      const chunk = yield* read(file)
      if (chunk.length === 0) break
      chunks.push(chunk)
      size += chunk.length
    }
    const out = new Uint8Array(size)
    let at = 0
    for (const chunk of chunks) {
      out.set(chunk, at)
      at += chunk.length
    }
    return out
  })

/**
 * Close: asks the server to close the connection, then closes the local handle (also when the
 * call fails). A failure status is an `IoError`.
 *
 * @since 0.1.0
 * @category utils
 */
export const close = (channel: Handle.Channel): Effect.Effect<void, IoClientError, Kernel.Kernel | Scope.Scope> =>
  Effect.flatMap(Kernel.Kernel, (kernel) =>
    Transport.call(channel, methods.Close, undefined).pipe(
      Effect.flatMap((reply) => (reply._tag === "response"
        ? Effect.void
        : Effect.fail(new IoError({ operation: "Close", status: reply.value })))
      ),
      Effect.ensuring(Effect.ignore(kernel.handle.close(channel)))
    ))

/** An epitaph on a freshly opened channel is the open's failure: report it as such. */
const openFailure = (path: string) => (error: IoClientError): IoClientError =>
  error._tag === "PeerClosed" && error.epitaph !== undefined
    ? new IoError({ operation: "Open", path, status: error.epitaph })
    : error

/**
 * The contents of the file at `path` below `directory`: Open (RIGHT_READABLE, NOT_DIRECTORY),
 * Read to the end, Close. A failed open is an `IoError` with its status (NOT_FOUND, NOT_FILE, …).
 *
 * @since 0.1.0
 * @category utils
 */
export const readFile = (
  directory: Handle.Channel,
  path: string
): Effect.Effect<Uint8Array, IoClientError, Kernel.Kernel> =>
  Effect.scoped(Effect.gen(function*() {
    const file = yield* open(directory, path, RIGHT_READABLE | NOT_DIRECTORY)
    const contents = yield* Effect.mapError(readAll(file), openFailure(path))
    yield* close(file)
    return contents
  }))

// ---------------------------------------------------------------------------------------------
// Namespaces
// ---------------------------------------------------------------------------------------------

/**
 * A namespace entry as a process receives it: an absolute path and a directory channel.
 *
 * @since 0.1.0
 * @category models
 */
export interface NamespaceEntry {
  readonly path: string
  readonly directory: Handle.Channel
}

interface LocalNode {
  readonly children: Map<string, LocalNode>
  mount: Handle.Channel | undefined
}

const utf8 = new TextEncoder()

const byNameBytes = (a: string, b: string): number => {
  const x = utf8.encode(a)
  const y = utf8.encode(b)
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i]
  return x.length - y.length
}

/**
 * Lists `directory` (a connection of its own, closed at the end) below `prefix`: each entry's
 * path, then, for a directory, the paths below it, opened with RIGHT_READABLE | DIRECTORY.
 */
const walkRemote = (
  directory: Handle.Channel,
  prefix: string,
  out: Array<string>
): Effect.Effect<void, IoClientError, Kernel.Kernel> =>
  Effect.scoped(Effect.gen(function*() {
    for (const dirent of yield* listDirectory(directory)) {
      const path = `${prefix}/${dirent.name}`
      out.push(path)
      if (dirent.type === FuchsiaIo.DirentType.DIRECTORY) {
        const child = yield* open(directory, dirent.name, RIGHT_READABLE | DIRECTORY)
        yield* Effect.mapError(walkRemote(child, path, out), openFailure(path))
      }
    }
    yield* close(directory)
  }))

const walkLocal = (
  node: LocalNode,
  prefix: string,
  out: Array<string>
): Effect.Effect<void, IoClientError, Kernel.Kernel> =>
  Effect.gen(function*() {
    if (node.mount !== undefined) {
      const mount = node.mount
      const self = open(mount, ".", RIGHT_READABLE | DIRECTORY)
      return yield* Effect.scoped(
        Effect.flatMap(self, (channel) => Effect.mapError(walkRemote(channel, prefix, out), openFailure(prefix || "/")))
      )
    }
    for (const name of [...node.children.keys()].sort(byNameBytes)) {
      const path = `${prefix}/${name}`
      out.push(path)
      yield* walkLocal(node.children.get(name)!, path, out)
    }
  })

/**
 * Every path of a namespace, walked the way the test util program answers `DumpNamespace`:
 * starting at `/`, each entry's full path, then the paths below it when it is a directory.
 * Namespace paths are split into their segments, the segments of one level listed in byte
 * order; a namespace entry's directory is listed in the server's order (for `PseudoDirectory`,
 * byte order). Each listing uses a connection of its own (Open `"."`), so the entries' own
 * cursors are left alone. A namespace path must be absolute, and no entry may lie below another
 * (INVALID_ARGS otherwise).
 *
 * @since 0.1.0
 * @category utils
 */
export const walkNamespace = (
  entries: ReadonlyArray<NamespaceEntry>
): Effect.Effect<ReadonlyArray<string>, IoClientError, Kernel.Kernel> =>
  Effect.gen(function*() {
    const root: LocalNode = { children: new Map(), mount: undefined }
    for (const entry of entries) {
      const invalid = (detail: string) =>
        new IoError({ operation: "walkNamespace", path: entry.path, status: Status.INVALID_ARGS, detail })
      if (!entry.path.startsWith("/")) return yield* invalid("not an absolute path")
      const segments = entry.path === "/" ? [] : entry.path.slice(1).split("/")
      if (segments.some((s) => s === "" || s === "." || s === "..")) return yield* invalid("empty, '.' or '..' segment")
      let node = root
      for (const segment of segments) {
        if (node.mount !== undefined) return yield* invalid("below another namespace entry")
        let child = node.children.get(segment)
        if (child === undefined) {
          child = { children: new Map(), mount: undefined }
          node.children.set(segment, child)
        }
        node = child
      }
      if (node.mount !== undefined || node.children.size > 0) return yield* invalid("overlaps another namespace entry")
      node.mount = entry.directory
    }
    const out: Array<string> = []
    yield* walkLocal(root, "", out)
    return out
  })

/**
 * {@link walkNamespace}'s paths joined with `", "`: the `DumpNamespace` answer.
 *
 * @since 0.1.0
 * @category utils
 */
export const dumpNamespace = (
  entries: ReadonlyArray<NamespaceEntry>
): Effect.Effect<string, IoClientError, Kernel.Kernel> =>
  Effect.map(walkNamespace(entries), (paths) => paths.join(", "))
