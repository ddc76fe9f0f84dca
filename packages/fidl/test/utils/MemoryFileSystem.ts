/**
 * Test support: an in-memory `FileSystem` for @effect/platform, so that code written against the
 * `FileSystem` service (such as `HostDirectory`) can be tested without a disk.
 *
 * ```ts
 * const tree = Layer.merge(MemoryFileSystem.layer({ "/srv/a.txt": "hello", "/srv/empty/": "" }), Path.layer)
 * // … provide `tree`, then `yield* (yield* MemoryFileSystem.MemoryFileSystem).snapshot("/srv")`
 * ```
 *
 * It behaves as @effect/platform-node's layer does on Linux: every failure is the `SystemError`
 * that layer would give, with the same reason, syscall and message, and a `cause` carrying the
 * errno `code` (`ENOENT`, `ENOTDIR`, `EISDIR`, `ENOTEMPTY`, `EINVAL`, …) as a Node error does, so
 * code that looks at either sees what it would see on disk. Files are inodes: an open file stays
 * usable after it is renamed or removed, and `link` makes hard links. The Node layer's quirks are
 * kept: `remove` of a directory without `recursive` fails with `ERR_FS_EISDIR` (empty or not),
 * `File.writeAll` of nothing fails with `WriteZero`, `File.truncate` moves the position back to
 * the new end, and a directory opens with flag `"r"` (reading it is `EISDIR`).
 *
 * Not supported: symbolic links (`symlink` fails with `BadArgument`; nothing is ever a link, so
 * `readLink` is `EINVAL` on whatever exists), `watch`, permissions (mode bits are stored and
 * reported, never enforced: everything acts as root), and relative paths are taken from `/`
 * (there is no working directory). Files are not sparse and at most `maxFileSize` bytes (`EFBIG`).
 */
import * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

// ---------------------------------------------------------------------------------------------
// Errors, as Node and @effect/platform-node-shared make them
// ---------------------------------------------------------------------------------------------

/** Linux errno numbers and libuv's descriptions. */
const ERRNO = {
  EPERM: [1, "operation not permitted"],
  ENOENT: [2, "no such file or directory"],
  EBADF: [9, "bad file descriptor"],
  EBUSY: [16, "resource busy or locked"],
  EEXIST: [17, "file already exists"],
  ENOTDIR: [20, "not a directory"],
  EISDIR: [21, "illegal operation on a directory"],
  EINVAL: [22, "invalid argument"],
  EFBIG: [27, "file too large"],
  ENOTEMPTY: [39, "directory not empty"]
} as const

type Code = keyof typeof ERRNO

/** The reason @effect/platform-node-shared's `handleErrnoException` gives an errno code. */
const reasonOf = (code: string): PlatformError.SystemErrorReason => {
  switch (code) {
    case "ENOENT":
      return "NotFound"
    case "EACCES":
      return "PermissionDenied"
    case "EEXIST":
      return "AlreadyExists"
    case "EISDIR":
    case "ENOTDIR":
    case "ELOOP":
      return "BadResource"
    case "EBUSY":
      return "Busy"
  }
  return "Unknown"
}

/** The `cause` of a failure: shaped as Node's errors are (`code`, `errno`, `syscall`, `path`, `dest`). */
class ErrnoError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly errno: number,
    readonly syscall: string,
    readonly path: string | undefined,
    readonly dest: string | undefined
  ) {
    super(message)
    this.name = code.startsWith("ERR_") ? "SystemError" : "Error"
  }
}

/**
 * One file system call, for its errors: the method and syscall names, the paths the message
 * names, and what the error's `pathOrDescriptor` holds (default `path`).
 */
interface Call {
  readonly method: string
  readonly syscall: string
  readonly path?: string
  readonly dest?: string
  readonly target?: string | number
}

const makeError = (call: Call, code: string, errno: number, message: string): PlatformError.SystemError => {
  const pathOrDescriptor = call.target ?? call.path
  return new PlatformError.SystemError({
    reason: reasonOf(code),
    module: "FileSystem",
    method: call.method,
    syscall: call.syscall,
    description: message,
    cause: new ErrnoError(message, code, errno, call.syscall, call.path, call.dest),
    ...(pathOrDescriptor === undefined ? {} : { pathOrDescriptor })
  })
}

/** The error Node gives for `code` in `call`, as the Node layer wraps it. */
const systemError = (call: Call, code: Code): PlatformError.SystemError => {
  const [errno, text] = ERRNO[code]
  const target = call.path === undefined
    ? ""
    : ` '${call.path}'${call.dest === undefined ? "" : ` -> '${call.dest}'`}`
  return makeError(call, code, -errno, `${code}: ${text}, ${call.syscall}${target}`)
}

/** One of Node's own `ERR_FS_*` errors (from `rm` and `cp`), which the Node layer gives reason Unknown. */
const nodeSystemError = (call: Call, code: string, errno: Code, summary: string, detail: string) =>
  makeError(call, code, ERRNO[errno][0], `${summary}: ${call.syscall} returned ${errno} (${detail}) ${call.path ?? ""}`)

const fail = (call: Call, code: Code): Effect.Effect<never, PlatformError.SystemError> =>
  Effect.fail(systemError(call, code))

const nulInPath = (method: string): PlatformError.BadArgument =>
  new PlatformError.BadArgument({
    module: "FileSystem",
    method,
    description: "The argument 'path' must be a string, Uint8Array, or URL without null bytes"
  })

const unsupported = (method: string): PlatformError.BadArgument =>
  new PlatformError.BadArgument({
    module: "FileSystem",
    method,
    description: "not supported by the in-memory file system"
  })

// ---------------------------------------------------------------------------------------------
// The tree
// ---------------------------------------------------------------------------------------------

const S_IFREG = 0o100000
const S_IFDIR = 0o040000
const UMASK = 0o022
const BLOCK = 4096
const DEV = 0x4d454d
const MAX_POSITION = 0x7fff_ffff_ffff_ffffn

interface Stamps {
  atime: number
  mtime: number
  ctime: number
  readonly birthtime: number
}

interface FileNode extends Stamps {
  readonly _tag: "File"
  readonly ino: number
  mode: number
  uid: number
  gid: number
  nlink: number
  /** The contents are `bytes[0, size)`; the rest of `bytes` is always zero. */
  bytes: Uint8Array
  size: number
}

interface DirectoryNode extends Stamps {
  readonly _tag: "Directory"
  readonly ino: number
  mode: number
  uid: number
  gid: number
  /** In creation order, as `readDirectory` lists them. */
  readonly entries: Map<string, Node>
}

type Node = FileNode | DirectoryNode

/** Where a path leads. */
interface Resolved {
  /** The directories from the root down to the one holding the node (none for the root). */
  readonly ancestors: ReadonlyArray<DirectoryNode>
  /** The canonical names of the node (or of where it would be). */
  readonly names: ReadonlyArray<string>
  /** The last name and its directory, when the path ends with a name (not `/`, `.` or `..`). */
  readonly entry: { readonly parent: DirectoryNode; readonly name: string } | undefined
  /** The node, or none when only the last name is missing. */
  readonly node: Node | undefined
  /** The path ends with `/`, `/.` or `/..`. */
  readonly mustBeDirectory: boolean
}

const canonical = (names: ReadonlyArray<string>): string => `/${names.join("/")}`

/** A path with `.`, `..` and repeated `/` taken out lexically, from `/` when relative. */
const normalize = (path: string): string => {
  const out: Array<string> = []
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue
    if (part === "..") out.pop()
    else out.push(part)
  }
  return canonical(out)
}

const isDescendant = (node: Node, ancestors: ReadonlyArray<DirectoryNode>): boolean =>
  node._tag === "Directory" && ancestors.includes(node)

const subdirectories = (node: DirectoryNode): number => {
  let n = 0
  for (const child of node.entries.values()) if (child._tag === "Directory") n++
  return n
}

const info = (node: Node): FileSystem.File.Info => {
  const size = node._tag === "File" ? node.size : BLOCK
  return {
    type: node._tag,
    mtime: Option.some(new Date(node.mtime)),
    atime: Option.some(new Date(node.atime)),
    birthtime: Option.some(new Date(node.birthtime)),
    dev: DEV,
    ino: Option.some(node.ino),
    mode: node.mode,
    nlink: Option.some(node._tag === "File" ? node.nlink : 2 + subdirectories(node)),
    uid: Option.some(node.uid),
    gid: Option.some(node.gid),
    rdev: Option.some(0),
    size: FileSystem.Size(size),
    blksize: Option.some(FileSystem.Size(BLOCK)),
    blocks: Option.some(Math.ceil(size / BLOCK) * (BLOCK / 512))
  }
}

/** A date as Node's `utimes` takes it: a number counts seconds. */
const millis = (time: Date | number): number => (typeof time === "number" ? time * 1000 : time.getTime())

const utf8 = new TextEncoder()
const text = new TextDecoder()

/**
 * What {@link make} and {@link layer} take besides the initial tree.
 */
export interface Options {
  /** The largest a file may grow, in bytes (default 64 MiB); beyond it writes and truncates fail with EFBIG. */
  readonly maxFileSize?: number
}

/**
 * A look at the in-memory tree from outside the `FileSystem` service.
 */
export interface Inspector {
  /**
   * Every directory and file below the directory `root` (default `/`, not itself included), in
   * the form {@link layer} takes: absolute paths, a directory as `"path/"` with `""`, a file with
   * its contents as UTF-8 text.
   */
  readonly snapshot: (root?: string) => Effect.Effect<Record<string, string>, PlatformError.PlatformError>
  /** {@link Inspector.snapshot} with the files' bytes (a directory's value is empty). */
  readonly snapshotBytes: (root?: string) => Effect.Effect<Record<string, Uint8Array>, PlatformError.PlatformError>
  /** How many files `open` has opened that are not closed yet. */
  readonly openFiles: Effect.Effect<number>
}

/**
 * The {@link Inspector} of the in-memory file system a {@link layer} provides.
 */
export class MemoryFileSystem extends Context.Tag("@zxsim/fidl/test/MemoryFileSystem")<MemoryFileSystem, Inspector>() {}

/** How an open flag opens. */
const flagModes = (flag: FileSystem.OpenFlag) => ({
  readable: flag === "r" || flag.endsWith("+"),
  writable: flag !== "r",
  create: flag !== "r" && flag !== "r+",
  exclusive: flag.includes("x"),
  truncate: flag.startsWith("w"),
  append: flag.startsWith("a")
})

/**
 * An in-memory `FileSystem` and its {@link Inspector}, holding `initial`: paths (absolute, POSIX)
 * to contents; a path ending in `/` is a directory, and every directory a path passes through is
 * made. A path that is not absolute, holds `.` or `..`, or needs a file to be a directory is a defect.
 */
export const make = (
  initial: Record<string, string | Uint8Array> = {},
  options?: Options
): Effect.Effect<{ readonly fileSystem: FileSystem.FileSystem; readonly inspector: Inspector }> =>
  Effect.gen(function*() {
    const maxFileSize = options?.maxFileSize ?? 64 * 1024 * 1024
    let nextIno = 1
    let nextFd = 3
    let nextTemp = 0
    let open = 0
    const makeStamps = (now: number): Stamps => ({ atime: now, mtime: now, ctime: now, birthtime: now })
    const newDirectory = (now: number, mode = 0o777): DirectoryNode => ({
      _tag: "Directory",
      ino: nextIno++,
      mode: S_IFDIR | (mode & 0o7777 & ~UMASK),
      uid: 0,
      gid: 0,
      entries: new Map(),
      ...makeStamps(now)
    })
    const newFile = (now: number, mode = 0o666): FileNode => ({
      _tag: "File",
      ino: nextIno++,
      mode: S_IFREG | (mode & 0o7777 & ~UMASK),
      uid: 0,
      gid: 0,
      nlink: 1,
      bytes: new Uint8Array(0),
      size: 0,
      ...makeStamps(now)
    })
    const root = newDirectory(yield* Clock.currentTimeMillis, 0o755)

    /** Where `path` leads, or the errno code that stops it. */
    const walk = (path: string): Either.Either<Resolved, Code> => {
      if (path === "") return Either.left("ENOENT")
      const components = path.split("/").filter((c) => c !== "")
      const last = path.split("/").pop()
      const mustBeDirectory = last === "" || last === "." || last === ".."
      const stack: Array<DirectoryNode> = [root]
      const names: Array<string> = []
      let current: Node = root
      let entry: Resolved["entry"] = undefined
      for (let i = 0; i < components.length; i++) {
        const c = components[i]
        if (current._tag !== "Directory") return Either.left("ENOTDIR")
        if (c === "." || c === "..") {
          if (c === ".." && stack.length > 1) {
            stack.pop()
            names.pop()
          }
          current = stack[stack.length - 1]
          entry = undefined
          continue
        }
        const next: Node | undefined = current.entries.get(c)
        if (next === undefined) {
          if (i < components.length - 1) return Either.left("ENOENT")
          return Either.right({
            ancestors: [...stack],
            names: [...names, c],
            entry: { parent: current, name: c },
            node: undefined,
            mustBeDirectory
          })
        }
        entry = { parent: current, name: c }
        names.push(c)
        if (next._tag === "Directory") stack.push(next)
        current = next
      }
      if (mustBeDirectory && current._tag !== "Directory") return Either.left("ENOTDIR")
      return Either.right({
        ancestors: current._tag === "Directory" ? stack.slice(0, -1) : stack,
        names,
        entry,
        node: current,
        mustBeDirectory
      })
    }

    /** {@link walk} for `call`, failing as Node would (a NUL byte is a bad argument, as Node throws). */
    const resolve = (call: Call, path: string): Effect.Effect<Resolved, PlatformError.PlatformError> => {
      if (path.includes("\0")) return Effect.fail(nulInPath(call.method))
      return Either.match(walk(path), {
        onLeft: (code) => fail(call, code),
        onRight: Effect.succeed
      })
    }

    const existing = (call: Call, path: string): Effect.Effect<Node, PlatformError.PlatformError> =>
      Effect.flatMap(resolve(call, path), (r) => (r.node === undefined ? fail(call, "ENOENT") : Effect.succeed(r.node)))

    const touch = (node: Stamps, now: number) => {
      node.mtime = now
      node.ctime = now
    }

    /** Sets a file's size, zeroing what it drops (false when beyond `maxFileSize`). */
    const resize = (node: FileNode, size: number): boolean => {
      if (size > maxFileSize) return false
      if (size > node.bytes.length) {
        const grown = new Uint8Array(Math.min(maxFileSize, Math.max(size, node.bytes.length * 2, 64)))
        grown.set(node.bytes.subarray(0, node.size))
        node.bytes = grown
      } else if (size < node.size) {
        node.bytes.fill(0, size, node.size)
      }
      node.size = size
      return true
    }

    /** Writes `data` at `at`, growing the file (false, writing nothing, beyond `maxFileSize`). */
    const writeAt = (node: FileNode, at: number, data: Uint8Array, now: number): boolean => {
      const end = at + data.length
      if (end > node.size && !resize(node, end)) return false
      node.bytes.set(data, at)
      touch(node, now)
      return true
    }

    /** Drops `name` from `parent` (a file lives on while another name or an open file holds it). */
    const unlinkEntry = (parent: DirectoryNode, name: string, now: number) => {
      const node = parent.entries.get(name)
      parent.entries.delete(name)
      touch(parent, now)
      if (node !== undefined && node._tag === "File") {
        node.nlink--
        node.ctime = now
      }
    }

    // -- Files

    class MemoryFile implements FileSystem.File {
      readonly [FileSystem.FileTypeId]: FileSystem.FileTypeId = FileSystem.FileTypeId
      readonly fd: FileSystem.File.Descriptor
      position = 0n
      closed = false

      constructor(
        readonly node: Node,
        readonly readable: boolean,
        readonly writable: boolean,
        readonly append: boolean
      ) {
        this.fd = FileSystem.FileDescriptor(nextFd++)
      }

      private call(method: string, syscall: string): Call {
        return { method, syscall, target: this.fd }
      }

      /** The node for an operation needing `right`, or the failure Node gives. */
      private checked(
        method: string,
        syscall: string,
        right: "readable" | "writable" | undefined
      ): Effect.Effect<Node, PlatformError.SystemError> {
        if (this.closed || (right !== undefined && !this[right])) return fail(this.call(method, syscall), "EBADF")
        return Effect.succeed(this.node)
      }

      get stat(): Effect.Effect<FileSystem.File.Info, PlatformError.PlatformError> {
        return Effect.map(Effect.suspend(() => this.checked("stat", "fstat", undefined)), info)
      }

      get sync(): Effect.Effect<void, PlatformError.PlatformError> {
        return Effect.asVoid(Effect.suspend(() => this.checked("sync", "fsync", undefined)))
      }

      seek(offset: FileSystem.SizeInput, from: FileSystem.SeekMode): Effect.Effect<void> {
        return Effect.sync(() => {
          this.position = from === "start" ? FileSystem.Size(offset) : this.position + FileSystem.Size(offset)
        })
      }

      private readInto(method: string, buffer: Uint8Array): Effect.Effect<number, PlatformError.PlatformError> {
        return Effect.gen(this, function*() {
          const node = yield* this.checked(method, "read", "readable")
          if (node._tag === "Directory") return yield* fail(this.call(method, "read"), "EISDIR")
          if (this.position < 0n) return yield* fail(this.call(method, "read"), "EINVAL")
          if (this.position > MAX_POSITION) {
            // Node refuses such a position before reading (ERR_OUT_OF_RANGE), which its layer makes a BadArgument.
            return yield* Effect.fail(
              new PlatformError.BadArgument({
                module: "FileSystem",
                method,
                description: `The value of "position" is out of range: ${this.position}`
              })
            )
          }
          const at = this.position >= BigInt(node.size) ? node.size : Number(this.position)
          const n = Math.min(buffer.length, node.size - at)
          buffer.set(node.bytes.subarray(at, at + n))
          this.position += BigInt(n)
          node.atime = yield* Clock.currentTimeMillis
          return n
        })
      }

      read(buffer: Uint8Array): Effect.Effect<FileSystem.Size, PlatformError.PlatformError> {
        return Effect.map(this.readInto("read", buffer), FileSystem.Size)
      }

      readAlloc(size: FileSystem.SizeInput): Effect.Effect<Option.Option<Uint8Array>, PlatformError.PlatformError> {
        return Effect.suspend(() => {
          const buffer = new Uint8Array(Number(size))
          return Effect.map(
            this.readInto("readAlloc", buffer),
            (n) => (n === 0 ? Option.none() : Option.some(n === buffer.length ? buffer : buffer.slice(0, n)))
          )
        })
      }

      private writeFrom(method: string, buffer: Uint8Array): Effect.Effect<number, PlatformError.PlatformError> {
        return Effect.gen(this, function*() {
          const node = yield* this.checked(method, "write", "writable")
          // A directory never opens writable.
          if (node._tag === "Directory") return yield* fail(this.call(method, "write"), "EISDIR")
          if (!this.append && this.position < 0n) return yield* fail(this.call(method, "write"), "EINVAL")
          const at = this.append ? node.size : Number(this.position)
          if (!writeAt(node, at, buffer, yield* Clock.currentTimeMillis)) {
            return yield* fail(this.call(method, "write"), "EFBIG")
          }
          if (!this.append) this.position += BigInt(buffer.length)
          return buffer.length
        })
      }

      write(buffer: Uint8Array): Effect.Effect<FileSystem.Size, PlatformError.PlatformError> {
        return Effect.map(this.writeFrom("write", buffer), FileSystem.Size)
      }

      writeAll(buffer: Uint8Array): Effect.Effect<void, PlatformError.PlatformError> {
        return Effect.flatMap(this.writeFrom("writeAll", buffer), (n) =>
          n === 0
            ? Effect.fail(
              new PlatformError.SystemError({
                module: "FileSystem",
                method: "writeAll",
                reason: "WriteZero",
                pathOrDescriptor: this.fd,
                description: "write returned 0 bytes written"
              })
            )
            : Effect.void)
      }

      truncate(length?: FileSystem.SizeInput): Effect.Effect<void, PlatformError.PlatformError> {
        return Effect.gen(this, function*() {
          const node = yield* this.checked("truncate", "ftruncate", undefined)
          if (node._tag === "Directory" || !this.writable) {
            return yield* fail(this.call("truncate", "ftruncate"), "EINVAL")
          }
          const size = length === undefined ? 0 : Math.max(0, Number(length))
          if (!resize(node, size)) return yield* fail(this.call("truncate", "ftruncate"), "EFBIG")
          touch(node, yield* Clock.currentTimeMillis)
          if (!this.append && this.position > BigInt(size)) this.position = BigInt(size)
        })
      }
    }

    /** Opens `path` as Node's `open` does with `flag`. */
    const openFile = (
      method: string,
      path: string,
      flag: FileSystem.OpenFlag,
      mode: number | undefined
    ): Effect.Effect<MemoryFile, PlatformError.PlatformError> =>
      Effect.gen(function*() {
        const call: Call = { method, syscall: "open", path }
        const how = flagModes(flag)
        const resolved = yield* resolve(call, path)
        const now = yield* Clock.currentTimeMillis
        let node = resolved.node
        if (node === undefined) {
          if (!how.create || resolved.entry === undefined) return yield* fail(call, "ENOENT")
          if (resolved.mustBeDirectory) return yield* fail(call, "EISDIR")
          node = newFile(now, mode)
          resolved.entry.parent.entries.set(resolved.entry.name, node)
          touch(resolved.entry.parent, now)
        } else if (how.create && how.exclusive) {
          return yield* fail(call, "EEXIST")
        } else if (node._tag === "Directory") {
          if (how.writable) return yield* fail(call, "EISDIR")
        } else if (how.truncate) {
          resize(node, 0)
          touch(node, now)
        }
        return new MemoryFile(node, how.readable, how.writable, how.append)
      })

    const openScoped = (method: string, path: string, options?: FileSystem.OpenFileOptions) =>
      Effect.acquireRelease(
        Effect.tap(openFile(method, path, options?.flag ?? "r", options?.mode), () => {
          open++
        }),
        (file) =>
          Effect.sync(() => {
            file.closed = true
            open--
          })
      )

    const readWhole = (method: string, path: string) =>
      Effect.gen(function*() {
        const file = yield* openFile(method, path, "r", undefined)
        const node = file.node
        if (node._tag === "Directory") return yield* fail({ method, syscall: "read", target: path }, "EISDIR")
        node.atime = yield* Clock.currentTimeMillis
        return node.bytes.slice(0, node.size)
      })

    const writeWhole = (path: string, data: Uint8Array, options?: FileSystem.WriteFileOptions) =>
      Effect.gen(function*() {
        const file = yield* openFile("writeFile", path, options?.flag ?? "w", options?.mode)
        if (data.length === 0) return
        const call: Call = { method: "writeFile", syscall: "write", target: path }
        if (!file.writable) return yield* fail(call, "EBADF")
        const node = file.node
        if (node._tag === "Directory") return yield* fail(call, "EISDIR")
        if (!writeAt(node, file.append ? node.size : 0, data, yield* Clock.currentTimeMillis)) {
          return yield* fail(call, "EFBIG")
        }
      })

    // -- Directories

    const makeDirectory = (path: string, options?: FileSystem.MakeDirectoryOptions) =>
      Effect.gen(function*() {
        const call: Call = { method: "makeDirectory", syscall: "mkdir", path }
        const now = yield* Clock.currentTimeMillis
        if (options?.recursive !== true) {
          const resolved = yield* resolve(call, path)
          if (resolved.node !== undefined || resolved.entry === undefined) return yield* fail(call, "EEXIST")
          resolved.entry.parent.entries.set(resolved.entry.name, newDirectory(now, options?.mode))
          touch(resolved.entry.parent, now)
          return
        }
        if (path.includes("\0")) return yield* Effect.fail(nulInPath(call.method))
        const components = path.split("/").filter((c) => c !== "")
        const stack: Array<DirectoryNode> = [root]
        for (let i = 0; i < components.length; i++) {
          const c = components[i]
          const here = stack[stack.length - 1]
          if (c === ".") continue
          if (c === "..") {
            if (stack.length > 1) stack.pop()
            continue
          }
          const next = here.entries.get(c)
          if (next === undefined) {
            const made = newDirectory(now, options.mode)
            here.entries.set(c, made)
            touch(here, now)
            stack.push(made)
          } else if (next._tag === "Directory") {
            stack.push(next)
          } else {
            return yield* fail(call, i === components.length - 1 ? "EEXIST" : "ENOTDIR")
          }
        }
      })

    const readDirectory = (path: string, options?: FileSystem.ReadDirectoryOptions) =>
      Effect.gen(function*() {
        const call: Call = { method: "readDirectory", syscall: "scandir", path }
        const node = yield* existing(call, path)
        if (node._tag !== "Directory") return yield* fail(call, "ENOTDIR")
        node.atime = yield* Clock.currentTimeMillis
        if (options?.recursive !== true) return [...node.entries.keys()]
        const out: Array<string> = []
        const queue: Array<readonly [string, DirectoryNode]> = [["", node]]
        for (let i = 0; i < queue.length; i++) {
          const [prefix, directory] = queue[i]
          for (const [name, child] of directory.entries) {
            const relative = prefix === "" ? name : `${prefix}/${name}`
            out.push(relative)
            if (child._tag === "Directory") queue.push([relative, child])
          }
        }
        return out
      })

    const remove = (path: string, options?: FileSystem.RemoveOptions) =>
      Effect.gen(function*() {
        const call: Call = { method: "remove", syscall: "lstat", path }
        const force = options?.force === true
        const resolved = yield* Effect.catchIf(
          resolve(call, path),
          (e) => force && e._tag === "SystemError" && e.reason === "NotFound",
          () => Effect.succeed(undefined)
        )
        if (resolved === undefined) return
        const node = resolved.node
        if (node === undefined) return force ? undefined : yield* fail(call, "ENOENT")
        if (node._tag === "Directory" && options?.recursive !== true) {
          return yield* Effect.fail(
            nodeSystemError(
              { ...call, syscall: "rm" },
              "ERR_FS_EISDIR",
              "EISDIR",
              "Path is a directory",
              "is a directory"
            )
          )
        }
        if (node === root) return yield* fail({ ...call, syscall: "rmdir" }, "EBUSY")
        if (resolved.entry === undefined) return yield* fail({ ...call, syscall: "rmdir" }, "EINVAL")
        unlinkEntry(resolved.entry.parent, resolved.entry.name, yield* Clock.currentTimeMillis)
      })

    const rename = (oldPath: string, newPath: string) =>
      Effect.gen(function*() {
        const call: Call = { method: "rename", syscall: "rename", path: oldPath, dest: newPath }
        const from = yield* resolve(call, oldPath)
        const to = yield* resolve(call, newPath)
        const node = from.node
        if (node === undefined) return yield* fail(call, "ENOENT")
        if (node === root || to.node === root) return yield* fail(call, "EBUSY")
        if (from.entry === undefined || to.entry === undefined) return yield* fail(call, "EINVAL")
        if (node._tag === "File" && to.mustBeDirectory) return yield* fail(call, "ENOTDIR")
        const target = to.node
        if (target === node) return
        // The source may not hold the target, nor the target hold the source.
        if (isDescendant(node, to.ancestors)) return yield* fail(call, "EINVAL")
        if (target !== undefined && isDescendant(target, from.ancestors)) return yield* fail(call, "ENOTEMPTY")
        if (target !== undefined) {
          if (node._tag === "Directory" && target._tag === "File") return yield* fail(call, "ENOTDIR")
          if (node._tag === "File" && target._tag === "Directory") return yield* fail(call, "EISDIR")
          if (target._tag === "Directory" && target.entries.size > 0) return yield* fail(call, "ENOTEMPTY")
        }
        const now = yield* Clock.currentTimeMillis
        if (target !== undefined) unlinkEntry(to.entry.parent, to.entry.name, now)
        from.entry.parent.entries.delete(from.entry.name)
        touch(from.entry.parent, now)
        to.entry.parent.entries.set(to.entry.name, node)
        touch(to.entry.parent, now)
        node.ctime = now
      })

    // -- Copies and links

    const dirname = (path: string) => normalize(`${path}/..`)

    const copyFile = (fromPath: string, toPath: string) =>
      Effect.gen(function*() {
        const call: Call = { method: "copyFile", syscall: "copyfile", path: fromPath, dest: toPath }
        const source = yield* existing(call, fromPath)
        if (source._tag === "Directory") return yield* fail(call, "EISDIR")
        const to = yield* resolve(call, toPath)
        if (to.node?._tag === "Directory") return yield* fail(call, "EISDIR")
        if (to.node === source) return
        const now = yield* Clock.currentTimeMillis
        let target = to.node
        if (target === undefined) {
          if (to.entry === undefined) return yield* fail(call, "ENOENT")
          target = newFile(now, source.mode)
          to.entry.parent.entries.set(to.entry.name, target)
          touch(to.entry.parent, now)
        }
        const data = source.bytes.slice(0, source.size)
        resize(target, 0)
        if (!writeAt(target, 0, data, now)) return yield* fail(call, "EFBIG")
      })

    /** Node's `fs.cp` with `recursive`: `force` is `overwrite`, and an existing file is otherwise left alone. */
    const copy = (fromPath: string, toPath: string, options?: FileSystem.CopyOptions) =>
      Effect.gen(function*() {
        const call: Call = { method: "copy", syscall: "cp", path: toPath }
        const invalid = (code: string, errno: Code, summary: string, detail: string) =>
          Effect.fail(nodeSystemError(call, code, errno, summary, detail))
        const source = yield* existing({ method: "copy", syscall: "lstat", path: fromPath }, fromPath)
        const present = yield* Effect.catchIf(
          resolve({ method: "copy", syscall: "stat", path: toPath }, toPath),
          (e) => e._tag === "SystemError" && e.reason === "NotFound",
          () => Effect.succeed(undefined)
        )
        const target = present?.node
        if (target === source) {
          return yield* invalid("ERR_FS_CP_EINVAL", "EINVAL", "Invalid src or dest", "src and dest cannot be the same")
        }
        if (target !== undefined && source._tag === "Directory" && target._tag === "File") {
          return yield* invalid(
            "ERR_FS_CP_DIR_TO_NON_DIR",
            "EISDIR",
            "Cannot overwrite non-directory with directory",
            `cannot overwrite non-directory ${toPath} with directory ${fromPath}`
          )
        }
        if (target !== undefined && source._tag === "File" && target._tag === "Directory") {
          return yield* invalid(
            "ERR_FS_CP_NON_DIR_TO_DIR",
            "ENOTDIR",
            "Cannot overwrite directory with non-directory",
            `cannot overwrite directory ${toPath} with non-directory ${fromPath}`
          )
        }
        // As Node does, by the names: the destination may not lie inside a source directory.
        const from = normalize(fromPath)
        if (source._tag === "Directory" && `${normalize(toPath)}/`.startsWith(from === "/" ? from : `${from}/`)) {
          return yield* invalid(
            "ERR_FS_CP_EINVAL",
            "EINVAL",
            "Invalid src or dest",
            `cannot copy ${fromPath} to a subdirectory of self ${toPath}`
          )
        }
        // Node makes the destination's missing parents.
        yield* makeDirectory(dirname(toPath), { recursive: true })
        const to = yield* resolve(call, toPath)
        if (to.entry === undefined) return yield* fail(call, "EINVAL")
        const now = yield* Clock.currentTimeMillis
        const overwrite = options?.overwrite === true
        const preserve = options?.preserveTimestamps === true
        const place = (parent: DirectoryNode, name: string, node: Node): void => {
          const present = parent.entries.get(name)
          if (node._tag === "File") {
            if (present !== undefined && (!overwrite || present._tag === "Directory")) return
            if (present !== undefined) unlinkEntry(parent, name, now)
            const made = newFile(now, node.mode)
            resize(made, node.size)
            made.bytes.set(node.bytes.subarray(0, node.size))
            if (preserve) {
              made.atime = node.atime
              made.mtime = node.mtime
            }
            parent.entries.set(name, made)
            touch(parent, now)
            return
          }
          if (present !== undefined && present._tag === "File") return
          let directory = present
          if (directory === undefined) {
            directory = newDirectory(now, node.mode)
            parent.entries.set(name, directory)
            touch(parent, now)
          }
          for (const [childName, child] of [...node.entries]) place(directory, childName, child)
          if (preserve) {
            directory.atime = node.atime
            directory.mtime = node.mtime
          }
        }
        place(to.entry.parent, to.entry.name, source)
      })

    const link = (fromPath: string, toPath: string) =>
      Effect.gen(function*() {
        const call: Call = { method: "link", syscall: "link", path: fromPath, dest: toPath }
        const source = yield* existing(call, fromPath)
        const to = yield* resolve(call, toPath)
        if (to.node !== undefined) return yield* fail(call, "EEXIST")
        if (source._tag === "Directory") return yield* fail(call, "EPERM")
        if (to.entry === undefined) return yield* fail(call, "ENOENT")
        const now = yield* Clock.currentTimeMillis
        to.entry.parent.entries.set(to.entry.name, source)
        touch(to.entry.parent, now)
        source.nlink++
        source.ctime = now
      })

    // -- Temporary files

    const makeTempDirectoryAs = (method: string, options?: FileSystem.MakeTempDirectoryOptions) =>
      Effect.gen(function*() {
        const directory = options?.directory === undefined ? "/tmp" : normalize(options.directory)
        const prefix = options?.prefix ?? ""
        const template = prefix === "" ? `${directory === "/" ? "" : directory}/` : normalize(`${directory}/${prefix}`)
        const call: Call = { method, syscall: "mkdtemp", path: `${template}XXXXXX` }
        while (true) {
          const candidate = `${template}${(nextTemp++).toString(36).padStart(6, "0")}`
          const resolved = yield* resolve(call, candidate)
          if (resolved.node !== undefined) continue
          if (resolved.entry === undefined) return yield* fail(call, "ENOENT")
          const now = yield* Clock.currentTimeMillis
          resolved.entry.parent.entries.set(resolved.entry.name, newDirectory(now, 0o700))
          touch(resolved.entry.parent, now)
          return candidate
        }
      })

    const makeTempFileAs = (method: string, options?: FileSystem.MakeTempFileOptions) =>
      Effect.gen(function*() {
        const directory = yield* makeTempDirectoryAs(method, options)
        const name = `${(nextTemp++).toString(16).padStart(12, "0")}${options?.suffix ?? ""}`
        const path = `${directory}/${name}`
        yield* openFile(method, path, "w+", undefined)
        return path
      })

    // -- Attributes

    const stampTimes = (path: string, atime: Date | number, mtime: Date | number) =>
      Effect.gen(function*() {
        const node = yield* existing({ method: "utime", syscall: "utime", path }, path)
        node.atime = millis(atime)
        node.mtime = millis(mtime)
        node.ctime = yield* Clock.currentTimeMillis
      })

    const fileSystem = FileSystem.make({
      access: (path) => Effect.asVoid(existing({ method: "access", syscall: "access", path }, path)),
      chmod: (path, mode) =>
        Effect.gen(function*() {
          const node = yield* existing({ method: "chmod", syscall: "chmod", path }, path)
          node.mode = (node.mode & ~0o7777) | (mode & 0o7777)
          node.ctime = yield* Clock.currentTimeMillis
        }),
      chown: (path, uid, gid) =>
        Effect.gen(function*() {
          const node = yield* existing({ method: "chown", syscall: "chown", path }, path)
          node.uid = uid
          node.gid = gid
          node.ctime = yield* Clock.currentTimeMillis
        }),
      copy,
      copyFile,
      link,
      makeDirectory,
      makeTempDirectory: (options) => makeTempDirectoryAs("makeTempDirectory", options),
      makeTempDirectoryScoped: (options) =>
        Effect.acquireRelease(
          makeTempDirectoryAs("makeTempDirectoryScoped", options),
          (directory) => Effect.orDie(remove(directory, { recursive: true }))
        ),
      makeTempFile: (options) => makeTempFileAs("makeTempFile", options),
      makeTempFileScoped: (options) =>
        Effect.acquireRelease(
          makeTempFileAs("makeTempFileScoped", options),
          (file) => Effect.orDie(remove(dirname(file), { recursive: true }))
        ),
      open: (path, options) => openScoped("open", path, options),
      readDirectory,
      readFile: (path) => readWhole("readFile", path),
      readLink: (path) =>
        Effect.gen(function*() {
          const call: Call = { method: "readLink", syscall: "readlink", path }
          yield* existing(call, path)
          return yield* fail(call, "EINVAL")
        }),
      realPath: (path) =>
        Effect.gen(function*() {
          const call: Call = { method: "realPath", syscall: "lstat", path }
          const resolved = yield* resolve(call, path)
          if (resolved.node === undefined) return yield* fail(call, "ENOENT")
          return canonical(resolved.names)
        }),
      remove,
      rename,
      stat: (path) => Effect.map(existing({ method: "stat", syscall: "stat", path }, path), info),
      symlink: () => Effect.fail(unsupported("symlink")),
      truncate: (path, length) =>
        Effect.gen(function*() {
          const file = yield* openFile("truncate", path, "r+", undefined)
          const node = file.node
          if (node._tag === "Directory") return yield* fail({ method: "truncate", syscall: "open", path }, "EISDIR")
          const size = length === undefined ? 0 : Math.max(0, Number(length))
          if (!resize(node, size)) return yield* fail({ method: "truncate", syscall: "ftruncate", path }, "EFBIG")
          touch(node, yield* Clock.currentTimeMillis)
        }),
      utimes: stampTimes,
      watch: () => Stream.fail(unsupported("watch")),
      writeFile: writeWhole
    })

    // -- The initial tree, and the inspector

    const now = yield* Clock.currentTimeMillis
    for (const [path, contents] of Object.entries(initial)) {
      if (!path.startsWith("/")) return yield* Effect.dieMessage(`MemoryFileSystem: ${path} is not absolute`)
      const names = path.split("/").filter((c) => c !== "")
      if (names.some((c) => c === "." || c === "..")) {
        return yield* Effect.dieMessage(`MemoryFileSystem: ${path} holds "." or ".."`)
      }
      const isDirectory = path.endsWith("/")
      if (isDirectory && contents.length > 0) {
        return yield* Effect.dieMessage(`MemoryFileSystem: the directory ${path} given contents`)
      }
      let here = root
      for (let i = 0; i < names.length; i++) {
        const name = names[i]
        const last = i === names.length - 1
        const present = here.entries.get(name)
        if (last && !isDirectory) {
          if (present !== undefined) return yield* Effect.dieMessage(`MemoryFileSystem: ${path} given twice`)
          const file = newFile(now)
          if (!writeAt(file, 0, typeof contents === "string" ? utf8.encode(contents) : contents, now)) {
            return yield* Effect.dieMessage(`MemoryFileSystem: ${path} is larger than maxFileSize`)
          }
          here.entries.set(name, file)
        } else if (present === undefined) {
          const made = newDirectory(now)
          here.entries.set(name, made)
          here = made
        } else if (present._tag === "Directory") {
          here = present
        } else {
          return yield* Effect.dieMessage(`MemoryFileSystem: ${path} needs the file ${name} to be a directory`)
        }
      }
    }

    const collect = (method: string, under: string) =>
      Effect.gen(function*() {
        const call: Call = { method, syscall: "scandir", path: under }
        const resolved = yield* resolve(call, under)
        const node = resolved.node
        if (node === undefined) return yield* fail(call, "ENOENT")
        if (node._tag !== "Directory") return yield* fail(call, "ENOTDIR")
        const out: Array<readonly [string, Node]> = []
        const visit = (prefix: string, directory: DirectoryNode): void => {
          for (const [name, child] of directory.entries) {
            const path = `${prefix}/${name}`
            out.push([child._tag === "Directory" ? `${path}/` : path, child])
            if (child._tag === "Directory") visit(path, child)
          }
        }
        visit(resolved.names.length === 0 ? "" : canonical(resolved.names), node)
        return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      })

    const inspector: Inspector = {
      snapshot: (under = "/") =>
        Effect.map(collect("snapshot", under), (entries) =>
          Object.fromEntries(
            entries.map((
              [path, node]
            ) => [path, node._tag === "File" ? text.decode(node.bytes.subarray(0, node.size)) : ""])
          )),
      snapshotBytes: (under = "/") =>
        Effect.map(collect("snapshotBytes", under), (entries) =>
          Object.fromEntries(
            entries.map((
              [path, node]
            ) => [path, node._tag === "File" ? node.bytes.slice(0, node.size) : new Uint8Array(0)])
          )),
      openFiles: Effect.sync(() => open)
    }
    return { fileSystem, inspector }
  })

/**
 * A layer of an in-memory `FileSystem` holding `initial` (see {@link make}), with its
 * {@link MemoryFileSystem} inspector. Each build is a fresh, separate tree.
 */
export const layer = (
  initial?: Record<string, string | Uint8Array>,
  options?: Options
): Layer.Layer<FileSystem.FileSystem | MemoryFileSystem> =>
  Layer.effectContext(
    Effect.map(
      make(initial, options),
      ({ fileSystem, inspector }) =>
        Context.make(FileSystem.FileSystem, fileSystem).pipe(Context.add(MemoryFileSystem, inspector))
    )
  )
