/**
 * In-memory directories served over kernel channels with the fuchsia.io subset of `FuchsiaIo`, so
 * a test can hand a process real namespace directories made of files that exist only in memory.
 *
 * ```ts
 * const [client, server] = yield* kernel.channel.create()
 * yield* Effect.fork(PseudoDirectory.serve(server, { test_file1: "contents", sub: { nested: bytes } }))
 * // `client` now answers Open, ReadDirents, Rewind, Read and Close
 * ```
 *
 * A tree maps names to files (a string, stored as UTF-8, or bytes) and to subdirectories (another
 * tree). The tree is read-only and shared by every connection; each connection keeps its own
 * dirent cursor or file seek position.
 *
 * @since 0.1.0
 */
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Status } from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import { DecodeError, type FidlError, UnexpectedOrdinal } from "./FidlError.js"
import * as FuchsiaIo from "./FuchsiaIo.js"
import type * as Protocol from "./Protocol.js"
import * as Transport from "./Transport.js"

/**
 * What a tree entry may be: file contents (a string is UTF-8 encoded), a subtree, or a built directory.
 *
 * @since 0.1.0
 * @category models
 */
export type Entry = string | Uint8Array | Tree | Directory

/**
 * A directory described as data: names to entries.
 *
 * @since 0.1.0
 * @category models
 */
export interface Tree {
  readonly [name: string]: Entry
}

/**
 * A file: its contents, read-only.
 *
 * @since 0.1.0
 * @category models
 */
export class File {
  /**
   * @since 0.1.0
   */
  readonly _tag = "File"
  constructor(readonly contents: Uint8Array) {}
}

/**
 * A directory, checked and ready to serve: its entries sorted by the bytes of their names, and
 * the packed dirent of each (`"."` first), computed once. Throws on a name no directory can hold
 * (empty, `.`, `..`, over 255 bytes, or with `/` or NUL): a tree is a declaration, and a bad one
 * is a bug.
 *
 * @since 0.1.0
 * @category models
 */
export class Directory {
  /**
   * @since 0.1.0
   */
  readonly _tag = "Directory"
  /**
   * Entries by name, in listing order.
   *
   * @since 0.1.0
   */
  readonly entries: ReadonlyMap<string, Node>
  /**
   * The dirents a full listing returns, in order: `"."`, then the entries by name bytes.
   *
   * @since 0.1.0
   */
  readonly dirents: ReadonlyArray<Uint8Array>
  constructor(entries: ReadonlyArray<readonly [string, Node]>) {
    for (const [name] of entries) {
      const problem = name === "." || name === ".."
        ? `name ${JSON.stringify(name)} is reserved`
        : FuchsiaIo.invalidName(name)
      if (problem !== undefined) throw new Error(`PseudoDirectory: ${problem}`)
    }
    const encoded = entries.map(([name, node]) => ({ name, node, bytes: utf8.encode(name) }))
    encoded.sort((a, b) => compareBytes(a.bytes, b.bytes))
    this.entries = new Map(encoded.map((e) => [e.name, e.node]))
    this.dirents = [
      dirent(".", FuchsiaIo.DirentType.DIRECTORY),
      ...encoded.map((e) =>
        dirent(e.name, e.node._tag === "File" ? FuchsiaIo.DirentType.FILE : FuchsiaIo.DirentType.DIRECTORY)
      )
    ]
  }
}

/**
 * A node of a served tree.
 *
 * @since 0.1.0
 * @category models
 */
export type Node = File | Directory

const utf8 = new TextEncoder()

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}

const dirent = (name: string, type: number): Uint8Array =>
  Either.getOrThrow(FuchsiaIo.encodeDirent({ ino: FuchsiaIo.INO_UNKNOWN, type, name }))

/**
 * Builds a {@link Directory} from a tree (throwing on a bad name, as the constructor does).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (tree: Tree | Directory): Directory =>
  tree instanceof Directory ? tree : new Directory(
    Object.entries(tree).map(([name, entry]): readonly [string, Node] => [
      name,
      typeof entry === "string"
        ? new File(utf8.encode(entry))
        : entry instanceof Uint8Array
        ? new File(entry)
        : make(entry)
    ])
  )

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

/**
 * The node `path` names below `root`, or the status an Open of it fails with: `"."` is `root`
 * itself; otherwise `/`-separated names, a trailing `/` asking for a directory. A leading `/`,
 * an empty segment, `.` or `..` inside a path is INVALID_ARGS; a missing name NOT_FOUND; a file
 * in the middle of a path, or before a trailing `/`, NOT_DIR.
 *
 * @since 0.1.0
 * @category utils
 */
export const resolve = (root: Directory, path: string): Either.Either<Node, number> => {
  if (path === ".") return Either.right(root)
  const mustBeDirectory = path.endsWith("/")
  const segments = (mustBeDirectory ? path.slice(0, -1) : path).split("/")
  let node: Node = root
  for (const segment of segments) {
    if (segment === "" || segment === "." || segment === "..") return Either.left(Status.INVALID_ARGS)
    if (node._tag === "File") return Either.left(Status.NOT_DIR)
    const next: Node | undefined = node.entries.get(segment)
    if (next === undefined) return Either.left(Status.NOT_FOUND)
    node = next
  }
  if (mustBeDirectory && node._tag === "File") return Either.left(Status.NOT_DIR)
  return Either.right(node)
}

const RIGHTS = FuchsiaIo.OpenFlags.RIGHT_READABLE | FuchsiaIo.OpenFlags.RIGHT_WRITABLE

/**
 * Checks an Open against the node it reached and the rights of the connection it came on:
 * DIRECTORY with NOT_DIRECTORY is INVALID_ARGS; rights the connection lacks, or RIGHT_WRITABLE on
 * a (read-only) file, ACCESS_DENIED; DIRECTORY on a file NOT_DIR; NOT_DIRECTORY on a directory
 * NOT_FILE.
 */
const checkOpen = (node: Node, flags: number, connectionRights: number): number => {
  const { DIRECTORY, NOT_DIRECTORY, RIGHT_WRITABLE } = FuchsiaIo.OpenFlags
  if ((flags & DIRECTORY) !== 0 && (flags & NOT_DIRECTORY) !== 0) return Status.INVALID_ARGS
  if ((flags & RIGHTS & ~connectionRights) !== 0) return Status.ACCESS_DENIED
  if (node._tag === "File") {
    if ((flags & DIRECTORY) !== 0) return Status.NOT_DIR
    if ((flags & RIGHT_WRITABLE) !== 0) return Status.ACCESS_DENIED
  } else if ((flags & NOT_DIRECTORY) !== 0) {
    return Status.NOT_FILE
  }
  return Status.OK
}

/** The `NodeInfoDeprecated` an `OnOpen` describes `node` with: `directory {}` or `file {}` without handles. */
const describe = (node: Node): FuchsiaIo.NodeInfo =>
  node._tag === "Directory"
    ? { _tag: "directory", value: {} }
    : { _tag: "file", value: { event: Option.none(), stream: Option.none() } }

/**
 * The dirents one `ReadDirents(maxBytes)` returns from `cursor`: as many whole dirents as fit in
 * `min(maxBytes, 8192)` bytes. The count taken is 0 at the end of the listing, or when the next
 * dirent alone is bigger than the budget (the server then answers BUFFER_TOO_SMALL).
 *
 * @since 0.1.0
 * @category utils
 */
export const takeDirents = (
  directory: Directory,
  cursor: number,
  maxBytes: bigint
): { readonly bytes: Uint8Array; readonly taken: number } => {
  const budget = maxBytes < BigInt(FuchsiaIo.MAX_BUF) ? Number(maxBytes) : FuchsiaIo.MAX_BUF
  let size = 0
  let end = cursor
  while (end < directory.dirents.length && size + directory.dirents[end].length <= budget) {
    size += directory.dirents[end++].length
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (let i = cursor; i < end; i++) {
    bytes.set(directory.dirents[i], at)
    at += directory.dirents[i].length
  }
  return { bytes, taken: end - cursor }
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

type Step = "continue" | "stop"

/** One connection's state: what it reached, its rights, and its position. */
type Connection =
  | { readonly _tag: "Directory"; readonly node: Directory; readonly rights: number; cursor: number }
  | { readonly _tag: "File"; readonly node: File; readonly rights: number; seek: number }

const PROTOCOL = "fuchsia.io"
const directoryMethods = FuchsiaIo.Directory.methods
const fileMethods = FuchsiaIo.File.methods

/** Logs why a connection is being closed; a bad request is the client's fault, never a crash. */
const warn = (error: FidlError): Effect.Effect<void> =>
  Effect.logWarning(`${PROTOCOL}: closing the connection`, error).pipe(Effect.annotateLogs("protocol", PROTOCOL))

/**
 * What {@link serve} takes besides the channel and the tree.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions {
  /**
   * The rights of the first connection, as `OpenFlags` right bits (default RIGHT_READABLE, as a
   * directory opened for reading has). Connections opened through it get at most these.
   */
  readonly rights?: number
}

/**
 * Serves `tree` on `channel`, and every connection opened through it, until all have ended:
 * each client closes its channel or sends Close, or breaks the protocol. Requests are answered
 * in order per connection, connections concurrently. A method the connection's node does not
 * speak (Read on a directory, ReadDirents on a file, any unknown ordinal) closes that channel
 * with the epitaph NOT_SUPPORTED; a malformed request closes it with INVALID_ARGS; both log a
 * warning with the typed error. Every channel handle is closed when its connection ends.
 *
 * @since 0.1.0
 * @category utils
 */
export const serve = (
  channel: Handle.Channel,
  tree: Tree | Directory,
  options?: ServeOptions
): Effect.Effect<void, never, Kernel.Kernel> =>
  Effect.scoped(Effect.gen(function*() {
    const root = make(tree)
    const kernel = yield* Kernel.Kernel
    const connections = yield* FiberSet.make<void, never>()

    /** Gives up on a connection: an epitaph with the error's status, and a warning. */
    const reject = (ch: Handle.Channel, error: FidlError, status: number): Effect.Effect<Step, never, Kernel.Kernel> =>
      Effect.as(Effect.zipRight(warn(error), Transport.closeWithEpitaph(ch, status)), "stop")

    /** Starts serving `object` as a connection to `node`, after the OnOpen event when asked for. */
    const open = (
      parent: Connection & { readonly _tag: "Directory" },
      request: FuchsiaIo.OpenRequestValue
    ): Effect.Effect<void, never, Kernel.Kernel | Scope.Scope> =>
      Effect.gen(function*() {
        const describeFlag = (request.flags & FuchsiaIo.OpenFlags.DESCRIBE) !== 0
        const resolved = resolve(parent.node, request.path)
        const status = Either.isLeft(resolved) ? resolved.left : checkOpen(resolved.right, request.flags, parent.rights)
        if (Either.isLeft(resolved) || status !== Status.OK) {
          if (describeFlag) {
            yield* Effect.ignore(
              Transport.send(request.object, FuchsiaIo.NodeEvents.methods.OnOpen, { s: status, info: Option.none() })
            )
          }
          return yield* Transport.closeWithEpitaph(request.object, status)
        }
        const node = resolved.right
        const rights = request.flags & RIGHTS
        // The new end lives as long as its own connection, not this request's scope.
        const scope = yield* Scope.make()
        const moved = yield* Effect.orDie(Scope.extend(kernel.handle.move(request.object), scope))
        if (describeFlag) {
          yield* Effect.ignore(
            Transport.send(moved, FuchsiaIo.NodeEvents.methods.OnOpen, {
              s: Status.OK,
              info: Option.some(describe(node))
            })
          )
        }
        const state: Connection = node._tag === "Directory"
          ? { _tag: "Directory", node, rights, cursor: 0 }
          : { _tag: "File", node, rights, seek: 0 }
        yield* FiberSet.run(connections, Effect.ensuring(connection(moved, state), Scope.close(scope, Exit.void)))
      })

    const handle = (ch: Handle.Channel, state: Connection): Effect.Effect<Step, never, Scope.Scope | Kernel.Kernel> =>
      Effect.gen(function*() {
        const message = yield* Transport.receive(ch)
        const header = yield* Transport.decodeHeader(message)
        const protocol = state._tag === "Directory" ? FuchsiaIo.Directory : FuchsiaIo.File
        const method: Protocol.Method<unknown, unknown> | undefined = protocol.byOrdinal.get(header.ordinal)
        if (method === undefined) {
          yield* Transport.closeHandles(message.handles)
          return yield* reject(
            ch,
            new UnexpectedOrdinal({ protocol: protocol.qualifiedName, ordinal: header.ordinal }),
            Status.NOT_SUPPORTED
          )
        }
        if ((header.txid === 0) !== (method.response === undefined)) {
          yield* Transport.closeHandles(message.handles)
          return yield* reject(
            ch,
            new DecodeError({
              reason: "InvalidHeader",
              offset: 0,
              detail: `${method.name} request with txid ${header.txid}`
            }),
            Status.INVALID_ARGS
          )
        }
        const txid = header.txid
        if (state._tag === "Directory") {
          switch (method.ordinal) {
            case directoryMethods.Open.ordinal: {
              yield* open(state, yield* Transport.decodeBody(directoryMethods.Open.request, message))
              return "continue"
            }
            case directoryMethods.ReadDirents.ordinal: {
              const { maxBytes } = yield* Transport.decodeBody(directoryMethods.ReadDirents.request, message)
              if ((state.rights & FuchsiaIo.OpenFlags.RIGHT_READABLE) === 0) {
                yield* Transport.reply(ch, directoryMethods.ReadDirents, txid, {
                  s: Status.BAD_HANDLE,
                  dirents: new Uint8Array(0)
                })
                return "continue"
              }
              const { bytes, taken } = takeDirents(state.node, state.cursor, maxBytes)
              state.cursor += taken
              const s = taken === 0 && state.cursor < state.node.dirents.length ? Status.BUFFER_TOO_SMALL : Status.OK
              yield* Transport.reply(ch, directoryMethods.ReadDirents, txid, { s, dirents: bytes })
              return "continue"
            }
            case directoryMethods.Rewind.ordinal: {
              yield* Transport.decodeBody(directoryMethods.Rewind.request, message)
              state.cursor = 0
              yield* Transport.reply(ch, directoryMethods.Rewind, txid, { s: Status.OK })
              return "continue"
            }
          }
        } else if (method.ordinal === fileMethods.Read.ordinal) {
          const { count } = yield* Transport.decodeBody(fileMethods.Read.request, message)
          if ((state.rights & FuchsiaIo.OpenFlags.RIGHT_READABLE) === 0) {
            yield* Transport.reply(ch, fileMethods.Read, txid, { _tag: "err", value: Status.BAD_HANDLE })
          } else if (count > BigInt(FuchsiaIo.MAX_BUF)) {
            yield* Transport.reply(ch, fileMethods.Read, txid, { _tag: "err", value: Status.OUT_OF_RANGE })
          } else {
            const contents = state.node.contents
            const data = contents.subarray(
              Math.min(state.seek, contents.length),
              Math.min(state.seek + Number(count), contents.length)
            )
            state.seek += data.length
            yield* Transport.reply(ch, fileMethods.Read, txid, { _tag: "response", value: { data } })
          }
          return "continue"
        }
        if (method.ordinal !== directoryMethods.Close.ordinal) {
          // A method of the protocol that in-memory trees do not implement (they are read-only).
          yield* Transport.closeHandles(message.handles)
          return yield* reject(
            ch,
            new UnexpectedOrdinal({ protocol: protocol.qualifiedName, ordinal: header.ordinal }),
            Status.NOT_SUPPORTED
          )
        }
        // Close, on either kind of connection: answer, then the connection ends.
        yield* Transport.decodeBody(directoryMethods.Close.request, message)
        yield* Transport.reply(ch, directoryMethods.Close, txid, { _tag: "response", value: {} })
        return "stop"
      }).pipe(
        Effect.catchTags({
          PeerClosed: () => Effect.succeed<Step>("stop"),
          DecodeError: (e) => reject(ch, e, Status.INVALID_ARGS),
          EncodeError: (e) => reject(ch, e, Status.INTERNAL),
          TransportError: (e) => Effect.as(warn(e), "stop" as const)
        })
      )

    const connection = (ch: Handle.Channel, state: Connection): Effect.Effect<void> => {
      const loop: Effect.Effect<void, never, Kernel.Kernel> = Effect.flatMap(
        Effect.scoped(handle(ch, state)),
        (step) => (step === "continue" ? loop : Effect.void)
      )
      return Effect.ensuring(Effect.provideService(loop, Kernel.Kernel, kernel), Effect.ignore(kernel.handle.close(ch)))
    }

    const rights = (options?.rights ?? FuchsiaIo.OpenFlags.RIGHT_READABLE) & RIGHTS
    yield* FiberSet.run(connections, connection(channel, { _tag: "Directory", node: root, rights, cursor: 0 }))
    yield* FiberSet.awaitEmpty(connections)
  })).pipe(Effect.withSpan("PseudoDirectory.serve"))
