/**
 * A directory of the host's file system served over kernel channels with the fuchsia.io subset of
 * `FuchsiaIo`, read-only or read-write, so a guest can open, read, write, create, list, rename and
 * remove real files. The files are reached through @effect/platform's `FileSystem` and `Path`
 * services: the Node layers give the real file system, and a test may provide any other.
 *
 * ```ts
 * const [client, server] = yield* kernel.channel.create()
 * yield* Effect.forkScoped(HostDirectory.serve(server, "/tmp/work", { readOnly: false }))
 * // `client` is a directory connection to /tmp/work: hand it to a process as a namespace entry
 * ```
 *
 * Nothing outside the served directory can be reached. A path is a list of names (`..`, `.` and
 * empty names are INVALID_ARGS, as fuchsia.io requires: a client resolves `..` itself), and before
 * every operation the real path (symbolic links resolved) of what it touches is checked to lie
 * inside the real path of the root: a symbolic link leading out, absolute or relative, is
 * ACCESS_DENIED, and so is creating a file through a dangling link. A read-only directory refuses
 * RIGHT_WRITABLE, CREATE and TRUNCATE on Open and every change (Unlink, Rename, SetAttr) with
 * ACCESS_DENIED; a file connection without the right for a Read or Write answers BAD_HANDLE, as
 * Fuchsia's file systems do (POSIX EBADF).
 *
 * @since 0.2.0
 */
import type * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Status } from "@zxsim/kernel/Status"
import * as Data from "effect/Data"
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
 * What {@link serve} takes besides the channel and the host directory.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions {
  /** Refuse every change (default false: the first connection is readable and writable). */
  readonly readOnly?: boolean
}

const {
  APPEND,
  CREATE,
  CREATE_IF_ABSENT,
  DESCRIBE,
  DIRECTORY,
  NODE_REFERENCE,
  NOT_DIRECTORY,
  POSIX_WRITABLE,
  RIGHT_READABLE,
  RIGHT_WRITABLE,
  TRUNCATE
} = FuchsiaIo.OpenFlags
const RIGHTS = RIGHT_READABLE | RIGHT_WRITABLE

/** A failed step: the zx status the request is answered with. */
class Refused {
  constructor(readonly status: number) {}
}

const refuse = (status: number): Effect.Effect<never, Refused> => Effect.fail(new Refused(status))

/**
 * The zx status for a failed file system call: from the host's errno when the error carries one
 * (the Node file system's do), else from the platform error's reason.
 *
 * @since 0.1.0
 * @category utils
 */
export const statusOfError = (error: PlatformError.PlatformError): number => {
  if (error._tag === "SystemError") {
    const cause: unknown = error.cause
    const code = typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
      ? cause.code
      : undefined
    switch (code) {
      case "ENOENT":
        return Status.NOT_FOUND
      case "EEXIST":
        return Status.ALREADY_EXISTS
      case "EACCES":
      case "EPERM":
      case "EROFS":
        return Status.ACCESS_DENIED
      case "ENOTDIR":
        return Status.NOT_DIR
      case "EISDIR":
        return Status.NOT_FILE
      case "ENOTEMPTY":
        return Status.NOT_EMPTY
      case "ENOSPC":
        return Status.NO_SPACE
      case "EFBIG":
        return Status.FILE_BIG
      case "ENAMETOOLONG":
        return Status.BAD_PATH
      case "EINVAL":
        return Status.INVALID_ARGS
      case "EBUSY":
        return Status.UNAVAILABLE
    }
    switch (error.reason) {
      case "NotFound":
        return Status.NOT_FOUND
      case "AlreadyExists":
        return Status.ALREADY_EXISTS
      case "PermissionDenied":
        return Status.ACCESS_DENIED
      case "Busy":
        return Status.UNAVAILABLE
      case "InvalidData":
        return Status.INVALID_ARGS
    }
    return Status.IO
  }
  return Status.INVALID_ARGS
}

/** One connection's state: the node (names below the root), its rights, and its position. */
type Connection =
  | {
    readonly _tag: "Directory"
    readonly names: ReadonlyArray<string>
    readonly rights: number
    /** The listing being read (taken at the first ReadDirents after open or Rewind), and the cursor in it. */
    listing: ReadonlyArray<Uint8Array> | undefined
    cursor: number
  }
  | {
    readonly _tag: "File"
    readonly names: ReadonlyArray<string>
    readonly rights: number
    /** The open host file; none for a NODE_REFERENCE connection. */
    readonly file: FileSystem.File | undefined
    readonly append: boolean
    position: bigint
  }

type Step = "continue" | "stop"

const PROTOCOL = "fuchsia.io"
const dir = FuchsiaIo.Directory.methods
const fileMethods = FuchsiaIo.File.methods

const utf8 = new TextEncoder()

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}

const warn = (error: FidlError): Effect.Effect<void> =>
  Effect.logWarning(`${PROTOCOL}: closing the connection`, error).pipe(Effect.annotateLogs("protocol", PROTOCOL))

/**
 * The names of an Open path, or the status it fails with: `"."` is no names; otherwise
 * `/`-separated names (a trailing `/` asks for a directory). A leading `/`, an empty name, `.` or
 * `..` is INVALID_ARGS.
 *
 * @since 0.1.0
 * @category utils
 */
export const parsePath = (
  path: string
): Either.Either<{ readonly names: ReadonlyArray<string>; readonly mustBeDirectory: boolean }, number> => {
  if (path === ".") return Either.right({ names: [], mustBeDirectory: true })
  const mustBeDirectory = path.endsWith("/")
  const names = (mustBeDirectory ? path.slice(0, -1) : path).split("/")
  for (const name of names) {
    if (name === "" || name === "." || name === ".." || name.includes("\0")) return Either.left(Status.INVALID_ARGS)
  }
  return Either.right({ names, mustBeDirectory })
}

/** Whether `name` is one entry name (not empty, `.`, `..`, and without `/` or NUL). */
const validName = (name: string): boolean => FuchsiaIo.invalidName(name) === undefined && name !== "." && name !== ".."

const nanoseconds = (date: Option.Option<Date>): bigint =>
  Option.match(date, { onNone: () => 0n, onSome: (d) => BigInt(d.getTime()) * 1_000_000n })

/**
 * Serves the host directory `root` on `channel`, and every connection opened through it, until
 * all have ended. A root that does not exist or is not a directory closes the channel with the
 * epitaph NOT_FOUND or NOT_DIR. Requests are answered in order per connection, connections
 * concurrently; a method the node does not speak closes its channel with NOT_SUPPORTED, a malformed
 * request with INVALID_ARGS (both logged). Every handle and host file is closed when its
 * connection ends.
 *
 * @since 0.1.0
 * @category utils
 */
export const serve = (
  channel: Handle.Channel,
  root: string,
  options?: ServeOptions
): Effect.Effect<void, never, Kernel.Kernel | FileSystem.FileSystem | Path.Path> =>
  Effect.scoped(Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const connections = yield* FiberSet.make<void, never>()
    /** Directory tokens handed out by GetToken: the koid of the event to the directory's names and rights. */
    const tokens = new Map<number, { readonly names: ReadonlyArray<string>; readonly rights: number }>()

    const rootReal = yield* Effect.either(fs.realPath(root))
    if (Either.isLeft(rootReal)) return yield* Transport.closeWithEpitaph(channel, statusOfError(rootReal.left))
    const rootInfo = yield* Effect.either(fs.stat(rootReal.right))
    if (Either.isLeft(rootInfo) || rootInfo.right.type !== "Directory") {
      return yield* Transport.closeWithEpitaph(
        channel,
        Either.isLeft(rootInfo) ? statusOfError(rootInfo.left) : Status.NOT_DIR
      )
    }
    const base = rootReal.right
    const inside = (real: string) => real === base || real.startsWith(base.endsWith(path.sep) ? base : base + path.sep)
    const hostPath = (names: ReadonlyArray<string>) => (names.length === 0 ? base : path.join(base, ...names))
    const fsCall = <A>(effect: Effect.Effect<A, PlatformError.PlatformError>): Effect.Effect<A, Refused> =>
      Effect.mapError(effect, (e) => new Refused(statusOfError(e)))

    /** Checks that the directory `names` still resolves inside the root and is a directory. */
    const checkDirectory = (names: ReadonlyArray<string>): Effect.Effect<string, Refused> =>
      Effect.gen(function*() {
        const real = yield* fsCall(fs.realPath(hostPath(names)))
        if (!inside(real)) return yield* refuse(Status.ACCESS_DENIED)
        const info = yield* fsCall(fs.stat(real))
        if (info.type !== "Directory") return yield* refuse(Status.NOT_DIR)
        return real
      })

    /**
     * What `name` in the (checked) directory `parent` is: absent, or present with its real path
     * and information. A symbolic link is followed only when its target lies inside the root;
     * one leading out, or dangling, is ACCESS_DENIED (a dangling one counts as absent when
     * `absentIfDangling`, for a lookup that does not create).
     */
    const lookup = (parent: string, name: string) =>
      Effect.gen(function*() {
        const entry = path.join(parent, name)
        const link = yield* Effect.either(fs.readLink(entry))
        const real = yield* Effect.either(fs.realPath(entry))
        if (Either.isLeft(real)) {
          const status = statusOfError(real.left)
          if (status === Status.NOT_FOUND && Either.isRight(link)) return { _tag: "DanglingLink" as const, entry }
          if (status === Status.NOT_FOUND) return { _tag: "Absent" as const, entry }
          return yield* refuse(status)
        }
        if (!inside(real.right)) return yield* refuse(Status.ACCESS_DENIED)
        const info = yield* fsCall(fs.stat(real.right))
        return { _tag: "Present" as const, entry, real: real.right, info }
      })

    const describe = (isDirectory: boolean): FuchsiaIo.NodeInfo =>
      isDirectory
        ? { _tag: "directory", value: {} }
        : { _tag: "file", value: { event: Option.none(), stream: Option.none() } }

    /** Opens the node an Open names, creating it when asked; the new connection's state. */
    const resolveOpen = (
      parent: Connection & { readonly _tag: "Directory" },
      flags: number,
      path: string,
      scope: Scope.Scope
    ): Effect.Effect<Connection, Refused> =>
      Effect.gen(function*() {
        const parsed = parsePath(path)
        if (Either.isLeft(parsed)) return yield* refuse(parsed.left)
        if ((flags & DIRECTORY) !== 0 && (flags & NOT_DIRECTORY) !== 0) return yield* refuse(Status.INVALID_ARGS)
        const reference = (flags & NODE_REFERENCE) !== 0
        let rights = reference ? 0 : flags & RIGHTS
        if (!reference && (flags & POSIX_WRITABLE) !== 0) rights |= parent.rights & RIGHT_WRITABLE
        if ((rights & ~parent.rights) !== 0) return yield* refuse(Status.ACCESS_DENIED)
        const { mustBeDirectory, names } = parsed.right
        const wantsDirectory = mustBeDirectory || (flags & DIRECTORY) !== 0
        const all = [...parent.names, ...names]
        if (names.length === 0) {
          yield* checkDirectory(all)
          if ((flags & NOT_DIRECTORY) !== 0) return yield* refuse(Status.NOT_FILE)
          if ((flags & CREATE) !== 0 && (flags & CREATE_IF_ABSENT) !== 0) return yield* refuse(Status.ALREADY_EXISTS)
          return { _tag: "Directory", names: all, rights, listing: undefined, cursor: 0 }
        }
        const containing = yield* checkDirectory(all.slice(0, -1))
        let found = yield* lookup(containing, all[all.length - 1])
        if (found._tag !== "Present") {
          if ((flags & CREATE) === 0) return yield* refuse(Status.NOT_FOUND)
          // Creating changes the directory it was opened through: that connection must be writable.
          if ((parent.rights & RIGHT_WRITABLE) === 0) return yield* refuse(Status.ACCESS_DENIED)
          if (found._tag === "DanglingLink") return yield* refuse(Status.ACCESS_DENIED)
          if (wantsDirectory) yield* fsCall(fs.makeDirectory(found.entry))
          else yield* fsCall(fs.writeFile(found.entry, new Uint8Array(0), { flag: "wx" }))
          found = yield* lookup(containing, all[all.length - 1])
          if (found._tag !== "Present") return yield* refuse(Status.IO)
        } else if ((flags & CREATE) !== 0 && (flags & CREATE_IF_ABSENT) !== 0) {
          return yield* refuse(Status.ALREADY_EXISTS)
        }
        const isDirectory = found.info.type === "Directory"
        if (isDirectory) {
          if ((flags & NOT_DIRECTORY) !== 0) return yield* refuse(Status.NOT_FILE)
          if ((flags & TRUNCATE) !== 0) return yield* refuse(Status.INVALID_ARGS)
          return { _tag: "Directory", names: all, rights, listing: undefined, cursor: 0 }
        }
        if (wantsDirectory) return yield* refuse(Status.NOT_DIR)
        if (found.info.type !== "File") return yield* refuse(Status.NOT_SUPPORTED)
        if ((flags & TRUNCATE) !== 0 && (rights & RIGHT_WRITABLE) === 0) return yield* refuse(Status.INVALID_ARGS)
        const append = (flags & APPEND) !== 0
        const file = reference
          ? undefined
          : yield* fsCall(
            Scope.extend(
              fs.open(found.real, { flag: (rights & RIGHT_WRITABLE) === 0 ? "r" : append ? "a+" : "r+" }),
              scope
            )
          )
        if (file !== undefined && (flags & TRUNCATE) !== 0) yield* fsCall(file.truncate(0))
        return { _tag: "File", names: all, rights, file, append, position: 0n }
      })

    const reject = (ch: Handle.Channel, error: FidlError, status: number): Effect.Effect<Step, never, Kernel.Kernel> =>
      Effect.as(Effect.zipRight(warn(error), Transport.closeWithEpitaph(ch, status)), "stop")

    const open = (
      parent: Connection & { readonly _tag: "Directory" },
      request: FuchsiaIo.OpenRequestValue
    ): Effect.Effect<void, never, Kernel.Kernel | Scope.Scope> =>
      Effect.gen(function*() {
        const describeFlag = (request.flags & DESCRIBE) !== 0
        const scope = yield* Scope.make()
        const state = yield* Effect.either(resolveOpen(parent, request.flags, request.path, scope))
        if (Either.isLeft(state)) {
          yield* Scope.close(scope, Exit.void)
          const status = state.left.status
          if (describeFlag) {
            yield* Effect.ignore(
              Transport.send(request.object, FuchsiaIo.NodeEvents.methods.OnOpen, { s: status, info: Option.none() })
            )
          }
          return yield* Transport.closeWithEpitaph(request.object, status)
        }
        const moved = yield* Effect.orDie(Scope.extend(kernel.handle.move(request.object), scope))
        if (describeFlag) {
          yield* Effect.ignore(
            Transport.send(moved, FuchsiaIo.NodeEvents.methods.OnOpen, {
              s: Status.OK,
              info: Option.some(describe(state.right._tag === "Directory"))
            })
          )
        }
        yield* FiberSet.run(
          connections,
          Effect.ensuring(connection(moved, state.right, scope), Scope.close(scope, Exit.void))
        )
      })

    /** The listing of a directory: `"."`, then its entries in byte order (names no dirent can hold are left out). */
    const listing = (names: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<Uint8Array>, Refused> =>
      Effect.gen(function*() {
        const real = yield* checkDirectory(names)
        const entries = yield* fsCall(fs.readDirectory(real))
        const out: Array<{ readonly bytes: Uint8Array; readonly dirent: Uint8Array }> = []
        for (const name of entries) {
          const info = yield* Effect.either(fs.stat(path.join(real, name)))
          const type = Either.isLeft(info)
            ? 0
            : info.right.type === "Directory"
            ? FuchsiaIo.DirentType.DIRECTORY
            : info.right.type === "File"
            ? FuchsiaIo.DirentType.FILE
            : 0
          const ino = Either.isRight(info)
            ? Option.getOrElse(Option.map(info.right.ino, BigInt), () => FuchsiaIo.INO_UNKNOWN)
            : FuchsiaIo.INO_UNKNOWN
          const dirent = FuchsiaIo.encodeDirent({ ino, type, name })
          if (Either.isRight(dirent)) out.push({ bytes: utf8.encode(name), dirent: dirent.right })
        }
        out.sort((a, b) => compareBytes(a.bytes, b.bytes))
        const self = Either.getOrThrow(
          FuchsiaIo.encodeDirent({ ino: FuchsiaIo.INO_UNKNOWN, type: FuchsiaIo.DirentType.DIRECTORY, name: "." })
        )
        return [self, ...out.map((e) => e.dirent)]
      })

    const attributes = (state: Connection): Effect.Effect<FuchsiaIo.NodeAttributesValue, Refused> =>
      Effect.gen(function*() {
        const info = state._tag === "File" && state.file !== undefined
          ? yield* fsCall(state.file.stat)
          : state._tag === "Directory"
          ? yield* fsCall(fs.stat(yield* checkDirectory(state.names)))
          : yield* fsCall(fs.stat(hostPath(state.names)))
        const type = info.type === "Directory" ? FuchsiaIo.ModeType.DIRECTORY : FuchsiaIo.ModeType.FILE
        const size = BigInt(info.size)
        return {
          mode: type | (info.mode & 0o7777),
          id: Option.getOrElse(Option.map(info.ino, BigInt), () => FuchsiaIo.INO_UNKNOWN),
          contentSize: size,
          storageSize: Option.getOrElse(Option.map(info.blocks, (b) => BigInt(b) * 512n), () => size),
          linkCount: Option.getOrElse(Option.map(info.nlink, BigInt), () => 1n),
          creationTime: nanoseconds(info.birthtime),
          modificationTime: nanoseconds(info.mtime)
        }
      })

    /** Runs `body` and answers with its status (or OK). */
    const status = (body: Effect.Effect<void, Refused>): Effect.Effect<number> =>
      Effect.match(body, { onFailure: (r) => r.status, onSuccess: () => Status.OK })

    /** Runs `body` for a result-union reply: the success value, or the status it failed with. */
    const result = <A>(body: Effect.Effect<A, Refused>) =>
      Effect.match(body, {
        onFailure: (r) => ({ _tag: "err" as const, value: r.status }),
        onSuccess: (value) => ({ _tag: "response" as const, value })
      })

    const fileOf = (
      state: Connection & { readonly _tag: "File" },
      right: number
    ): Effect.Effect<FileSystem.File, Refused> =>
      state.file === undefined || (state.rights & right) === 0 ? refuse(Status.BAD_HANDLE) : Effect.succeed(state.file)

    const readAt = (file: FileSystem.File, offset: bigint, count: bigint): Effect.Effect<Uint8Array, Refused> =>
      Effect.gen(function*() {
        if (count > BigInt(FuchsiaIo.MAX_BUF)) return yield* refuse(Status.OUT_OF_RANGE)
        yield* file.seek(offset, "start")
        const buffer = new Uint8Array(Number(count))
        let filled = 0
        while (filled < buffer.length) {
          const n = Number(yield* fsCall(file.read(buffer.subarray(filled))))
          if (n === 0) break
          filled += n
        }
        return buffer.subarray(0, filled)
      })

    const writeAt = (
      state: Connection & { readonly _tag: "File" },
      file: FileSystem.File,
      offset: bigint,
      data: Uint8Array
    ) =>
      Effect.gen(function*() {
        // Nothing to write is a write of 0 bytes, as POSIX has it (Node's writeAll refuses it).
        if (data.length === 0) return 0n
        if (!state.append) yield* file.seek(offset, "start")
        yield* fsCall(file.writeAll(data))
        return BigInt(data.length)
      })

    const childOf = (state: Connection & { readonly _tag: "Directory" }, name: string) =>
      Effect.gen(function*() {
        if (!validName(name)) return yield* refuse(Status.INVALID_ARGS)
        if ((state.rights & RIGHT_WRITABLE) === 0) return yield* refuse(Status.ACCESS_DENIED)
        return path.join(yield* checkDirectory(state.names), name)
      })

    const unlink = (state: Connection & { readonly _tag: "Directory" }, name: string, flags: bigint) =>
      Effect.gen(function*() {
        const entry = yield* childOf(state, name)
        const link = yield* Effect.either(fs.readLink(entry))
        if (Either.isRight(link)) {
          // A symbolic link is removed itself, wherever it points.
          if ((flags & FuchsiaIo.UnlinkFlags.MUST_BE_DIRECTORY) !== 0n) return yield* refuse(Status.NOT_DIR)
          return yield* fsCall(fs.remove(entry))
        }
        const info = yield* fsCall(fs.stat(entry))
        if (info.type === "Directory") {
          if ((yield* fsCall(fs.readDirectory(entry))).length > 0) return yield* refuse(Status.NOT_EMPTY)
          return yield* fsCall(fs.remove(entry, { recursive: true }))
        }
        if ((flags & FuchsiaIo.UnlinkFlags.MUST_BE_DIRECTORY) !== 0n) return yield* refuse(Status.NOT_DIR)
        yield* fsCall(fs.remove(entry))
      })

    const rename = (state: Connection & { readonly _tag: "Directory" }, request: FuchsiaIo.RenameRequestValue) =>
      Effect.gen(function*() {
        const info = yield* Effect.mapError(
          kernel.handle.info(request.dstParentToken),
          () => new Refused(Status.BAD_HANDLE)
        )
        const target = tokens.get(info.koid)
        if (target === undefined) return yield* refuse(Status.BAD_HANDLE)
        const source = yield* childOf(state, request.src)
        const destination = yield* childOf({
          _tag: "Directory",
          names: target.names,
          rights: target.rights,
          listing: undefined,
          cursor: 0
        }, request.dst)
        const link = yield* Effect.either(fs.readLink(source))
        if (Either.isLeft(link)) yield* fsCall(fs.stat(source))
        yield* fsCall(fs.rename(source, destination))
      })

    const setAttr = (state: Connection, request: FuchsiaIo.SetAttrRequestValue) =>
      Effect.gen(function*() {
        if ((state.rights & RIGHT_WRITABLE) === 0) {
          return yield* refuse(state._tag === "File" ? Status.BAD_HANDLE : Status.ACCESS_DENIED)
        }
        if ((request.flags & FuchsiaIo.NodeAttributeFlags.CREATION_TIME) !== 0) {
          return yield* refuse(Status.NOT_SUPPORTED)
        }
        if ((request.flags & FuchsiaIo.NodeAttributeFlags.MODIFICATION_TIME) === 0) return
        const host = state._tag === "Directory" ? yield* checkDirectory(state.names) : hostPath(state.names)
        const current = yield* fsCall(fs.stat(host))
        const mtime = new Date(Number(request.attributes.modificationTime / 1_000_000n))
        yield* fsCall(fs.utimes(host, Option.getOrElse(current.atime, () => mtime), mtime))
      })

    const handle = (
      ch: Handle.Channel,
      state: Connection,
      connectionScope: Scope.Scope
    ): Effect.Effect<Step, never, Scope.Scope | Kernel.Kernel> =>
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
        switch (method.ordinal) {
          case dir.GetAttr.ordinal: {
            yield* Transport.decodeBody(dir.GetAttr.request, message)
            const attrs = yield* Effect.either(attributes(state))
            yield* Transport.reply(
              ch,
              dir.GetAttr,
              txid,
              Either.isRight(attrs)
                ? { s: Status.OK, attributes: attrs.right }
                : { s: attrs.left.status, attributes: EMPTY_ATTRIBUTES }
            )
            return "continue"
          }
          case dir.SetAttr.ordinal: {
            const request = yield* Transport.decodeBody(dir.SetAttr.request, message)
            yield* Transport.reply(ch, dir.SetAttr, txid, { s: yield* status(setAttr(state, request)) })
            return "continue"
          }
          case dir.Sync.ordinal: {
            yield* Transport.decodeBody(dir.Sync.request, message)
            const body = state._tag === "File" && state.file !== undefined ? fsCall(state.file.sync) : Effect.void
            yield* Transport.reply(ch, dir.Sync, txid, yield* result(Effect.as(body, {})))
            return "continue"
          }
          case dir.Close.ordinal: {
            yield* Transport.decodeBody(dir.Close.request, message)
            yield* Transport.reply(ch, dir.Close, txid, { _tag: "response", value: {} })
            return "stop"
          }
        }
        if (state._tag === "Directory") {
          switch (method.ordinal) {
            case dir.Open.ordinal: {
              yield* open(state, yield* Transport.decodeBody(dir.Open.request, message))
              return "continue"
            }
            case dir.ReadDirents.ordinal: {
              const { maxBytes } = yield* Transport.decodeBody(dir.ReadDirents.request, message)
              if ((state.rights & RIGHT_READABLE) === 0) {
                yield* Transport.reply(ch, dir.ReadDirents, txid, { s: Status.BAD_HANDLE, dirents: new Uint8Array(0) })
                return "continue"
              }
              if (state.listing === undefined) {
                const taken = yield* Effect.either(listing(state.names))
                if (Either.isLeft(taken)) {
                  yield* Transport.reply(ch, dir.ReadDirents, txid, {
                    s: taken.left.status,
                    dirents: new Uint8Array(0)
                  })
                  return "continue"
                }
                state.listing = taken.right
                state.cursor = 0
              }
              const budget = maxBytes < BigInt(FuchsiaIo.MAX_BUF) ? Number(maxBytes) : FuchsiaIo.MAX_BUF
              const all = state.listing
              let size = 0
              let end = state.cursor
              while (end < all.length && size + all[end].length <= budget) size += all[end++].length
              const bytes = new Uint8Array(size)
              let at = 0
              for (let i = state.cursor; i < end; i++) {
                bytes.set(all[i], at)
                at += all[i].length
              }
              const s = end === state.cursor && end < all.length ? Status.BUFFER_TOO_SMALL : Status.OK
              state.cursor = end
              yield* Transport.reply(ch, dir.ReadDirents, txid, { s, dirents: bytes })
              return "continue"
            }
            case dir.Rewind.ordinal: {
              yield* Transport.decodeBody(dir.Rewind.request, message)
              state.listing = undefined
              state.cursor = 0
              yield* Transport.reply(ch, dir.Rewind, txid, { s: Status.OK })
              return "continue"
            }
            case dir.Unlink.ordinal: {
              const { name, options } = yield* Transport.decodeBody(dir.Unlink.request, message)
              yield* Transport.reply(
                ch,
                dir.Unlink,
                txid,
                yield* result(Effect.as(unlink(state, name, options.flags ?? 0n), {}))
              )
              return "continue"
            }
            case dir.GetToken.ordinal: {
              yield* Transport.decodeBody(dir.GetToken.request, message)
              if ((state.rights & RIGHT_WRITABLE) === 0) {
                // A token names a directory to change: a read-only connection gets none.
                yield* Transport.reply(ch, dir.GetToken, txid, { s: Status.ACCESS_DENIED, token: Option.none() })
                return "continue"
              }
              // The server keeps the event for as long as the connection lives; the client gets a duplicate.
              const event = yield* Effect.orDie(Scope.extend(kernel.event.create(), connectionScope))
              const koid = (yield* Effect.orDie(kernel.handle.info(event))).koid
              tokens.set(koid, { names: state.names, rights: state.rights })
              yield* Scope.addFinalizer(connectionScope, Effect.sync(() => tokens.delete(koid)))
              const copy = yield* Effect.orDie(kernel.handle.duplicate(event))
              yield* Transport.reply(ch, dir.GetToken, txid, { s: Status.OK, token: Option.some(copy) })
              return "continue"
            }
            case dir.Rename.ordinal: {
              const request = yield* Transport.decodeBody(dir.Rename.request, message)
              const answer = yield* result(Effect.as(rename(state, request), {}))
              yield* Effect.ignore(kernel.handle.close(request.dstParentToken))
              yield* Transport.reply(ch, dir.Rename, txid, answer)
              return "continue"
            }
          }
        } else {
          switch (method.ordinal) {
            case fileMethods.Read.ordinal: {
              const { count } = yield* Transport.decodeBody(fileMethods.Read.request, message)
              const answer = yield* result(Effect.gen(function*() {
                const data = yield* readAt(yield* fileOf(state, RIGHT_READABLE), state.position, count)
                state.position += BigInt(data.length)
                return { data }
              }))
              yield* Transport.reply(ch, fileMethods.Read, txid, answer)
              return "continue"
            }
            case fileMethods.ReadAt.ordinal: {
              const { count, offset } = yield* Transport.decodeBody(fileMethods.ReadAt.request, message)
              const answer = yield* result(
                Effect.map(
                  Effect.flatMap(fileOf(state, RIGHT_READABLE), (f) => readAt(f, offset, count)),
                  (data) => ({ data })
                )
              )
              yield* Transport.reply(ch, fileMethods.ReadAt, txid, answer)
              return "continue"
            }
            case fileMethods.Write.ordinal: {
              const { data } = yield* Transport.decodeBody(fileMethods.Write.request, message)
              const answer = yield* result(Effect.gen(function*() {
                const file = yield* fileOf(state, RIGHT_WRITABLE)
                const actualCount = yield* writeAt(state, file, state.position, data)
                state.position = state.append ? BigInt((yield* fsCall(file.stat)).size) : state.position + actualCount
                return { actualCount }
              }))
              yield* Transport.reply(ch, fileMethods.Write, txid, answer)
              return "continue"
            }
            case fileMethods.WriteAt.ordinal: {
              const { data, offset } = yield* Transport.decodeBody(fileMethods.WriteAt.request, message)
              const answer = yield* result(
                Effect.map(
                  Effect.flatMap(fileOf(state, RIGHT_WRITABLE), (f) => writeAt(state, f, offset, data)),
                  (actualCount) => ({ actualCount })
                )
              )
              yield* Transport.reply(ch, fileMethods.WriteAt, txid, answer)
              return "continue"
            }
            case fileMethods.Seek.ordinal: {
              const { offset, origin } = yield* Transport.decodeBody(fileMethods.Seek.request, message)
              const answer = yield* result(Effect.gen(function*() {
                if (state.file === undefined) return yield* refuse(Status.BAD_HANDLE)
                const from = origin === FuchsiaIo.SeekOrigin.START
                  ? 0n
                  : origin === FuchsiaIo.SeekOrigin.CURRENT
                  ? state.position
                  : BigInt((yield* fsCall(state.file.stat)).size)
                const next = from + offset
                if (next < 0n || next > 0x7fff_ffff_ffff_ffffn) return yield* refuse(Status.INVALID_ARGS)
                state.position = next
                return { offsetFromStart: next }
              }))
              yield* Transport.reply(ch, fileMethods.Seek, txid, answer)
              return "continue"
            }
            case fileMethods.Resize.ordinal: {
              const { length } = yield* Transport.decodeBody(fileMethods.Resize.request, message)
              const answer = yield* result(Effect.gen(function*() {
                const file = yield* fileOf(state, RIGHT_WRITABLE)
                if (length > BigInt(Number.MAX_SAFE_INTEGER)) return yield* refuse(Status.OUT_OF_RANGE)
                yield* fsCall(file.truncate(length))
                return {}
              }))
              yield* Transport.reply(ch, fileMethods.Resize, txid, answer)
              return "continue"
            }
          }
        }
        yield* Transport.closeHandles(message.handles)
        return yield* reject(
          ch,
          new UnexpectedOrdinal({ protocol: protocol.qualifiedName, ordinal: header.ordinal }),
          Status.NOT_SUPPORTED
        )
      }).pipe(
        Effect.catchTags({
          PeerClosed: () => Effect.succeed<Step>("stop"),
          DecodeError: (e) => reject(ch, e, Status.INVALID_ARGS),
          EncodeError: (e) => reject(ch, e, Status.INTERNAL),
          TransportError: (e) => Effect.as(warn(e), "stop" as const)
        })
      )

    const connection = (ch: Handle.Channel, state: Connection, scope: Scope.Scope): Effect.Effect<void> => {
      const loop: Effect.Effect<void, never, Kernel.Kernel> = Effect.flatMap(
        Effect.scoped(handle(ch, state, scope)),
        (step) => (step === "continue" ? loop : Effect.void)
      )
      return Effect.ensuring(Effect.provideService(loop, Kernel.Kernel, kernel), Effect.ignore(kernel.handle.close(ch)))
    }

    const rootRights = options?.readOnly === true ? RIGHT_READABLE : RIGHTS
    const rootScope = yield* Scope.make()
    yield* FiberSet.run(
      connections,
      Effect.ensuring(
        connection(
          channel,
          { _tag: "Directory", names: [], rights: rootRights, listing: undefined, cursor: 0 },
          rootScope
        ),
        Scope.close(rootScope, Exit.void)
      )
    )
    yield* FiberSet.awaitEmpty(connections)
  })).pipe(Effect.withSpan("HostDirectory.serve"))

const EMPTY_ATTRIBUTES: FuchsiaIo.NodeAttributesValue = {
  mode: 0,
  id: 0n,
  contentSize: 0n,
  storageSize: 0n,
  linkCount: 0n,
  creationTime: 0n,
  modificationTime: 0n
}

/**
 * A namespace entry ready for `ProcessBuilder.addNamespaceEntries`: where it appears, and the client end.
 *
 * @since 0.1.0
 * @category models
 */
export interface MountedEntry {
  /** The namespace path, such as `/data`. */
  readonly path: string
  /** The client end of a directory connection to the served host directory. */
  readonly directory: Handle.Channel
}

/**
 * A host directory that cannot be mounted: it does not exist or is not a directory.
 *
 * @since 0.1.0
 * @category errors
 */
export class MountError extends Data.TaggedError("MountError")<{ readonly hostPath: string; readonly reason: string }> {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `cannot mount ${this.hostPath}: ${this.reason}`
  }
}

/**
 * Serves the host directory `hostPath` (read-only with `readOnly`) for as long as the scope lives
 * and answers the namespace entry that puts it at `guestPath` in a process:
 * `ProcessBuilder.addNamespaceEntries(builder, [yield* HostDirectory.mount("/tmp/work", "/data")])`.
 * The server ends when every connection the process opened has closed, or with the scope. A host
 * path that is not a directory fails with a {@link MountError} before anything is served.
 *
 * @since 0.1.0
 * @category utils
 */
export const mount = (
  hostPath: string,
  guestPath: string,
  options?: ServeOptions
): Effect.Effect<MountedEntry, MountError, Kernel.Kernel | FileSystem.FileSystem | Path.Path | Scope.Scope> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const info = yield* Effect.mapError(fs.stat(hostPath), (e) => new MountError({ hostPath, reason: e.message }))
    if (info.type !== "Directory") return yield* new MountError({ hostPath, reason: "not a directory" })
    const kernel = yield* Kernel.Kernel
    const [client, server] = yield* Effect.mapError(
      kernel.channel.create(),
      (e) => new MountError({ hostPath, reason: e.message })
    )
    yield* Effect.forkScoped(serve(server, hostPath, options))
    return { path: guestPath, directory: client }
  })
