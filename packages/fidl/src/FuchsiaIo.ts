/**
 * The wire declarations of the fuchsia.io subset zxsim speaks between host-served directories and
 * guests: open a path, read directory entries, rewind, read a file, close, and the OnOpen event.
 * The same subset is what the guest's C side implements, so every shape here is spelled out in
 * the package README (method, selector, ordinal, request, response).
 *
 * Each method's ordinal is computed by the FIDL rule from the selector string given below: the
 * `@selector` overrides Fuchsia's own fuchsia.io declares (`fuchsia.io1/Directory.Open`,
 * `fuchsia.io/File.Read`, `fuchsia.io/Node.Close`, …), so the ordinals are a real Fuchsia
 * system's and a Fuchsia peer would understand these messages.
 *
 * Also here: the packed dirent format of `ReadDirents`, as pure functions over bytes.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Protocol from "./Protocol.js"
import * as Wire from "./Wire.js"

/**
 * The longest path `Open` accepts, in bytes (`MAX_PATH_LENGTH`).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_PATH_LENGTH = 4095

/**
 * The longest entry name, in bytes (`MAX_NAME_LENGTH`); a dirent stores it in one byte.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_NAME_LENGTH = 255

/**
 * The most bytes one `Read` or `ReadDirents` reply carries (`MAX_BUF` / `MAX_TRANSFER_SIZE`).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_BUF = 8192

/**
 * The inode number of an entry that has none (`INO_UNKNOWN`): what pseudo-directories report.
 *
 * @since 0.1.0
 * @category constants
 */
export const INO_UNKNOWN = 0xffff_ffff_ffff_ffffn

/**
 * The `OpenFlags` bits of the subset. Other bits are carried on the wire and ignored.
 *
 * @since 0.1.0
 * @category utils
 */
export const OpenFlags = {
  /** The connection may read (file contents, directory entries). */
  RIGHT_READABLE: 0x1,
  /** The connection may write. Pseudo-directory files are read-only and refuse it. */
  RIGHT_WRITABLE: 0x2,
  /** Create the node when it does not exist (a directory with DIRECTORY, else a file). */
  CREATE: 0x10000,
  /** With CREATE: fail ALREADY_EXISTS when the node exists. */
  CREATE_IF_ABSENT: 0x20000,
  /** Truncate a file to 0 bytes on open (needs RIGHT_WRITABLE). */
  TRUNCATE: 0x40000,
  /** The node must be a directory (NOT_DIR otherwise). */
  DIRECTORY: 0x80000,
  /** Every write goes to the end of the file. */
  APPEND: 0x100000,
  /** Open the node only to query it (GetAttr, Close): no rights, no contents. */
  NODE_REFERENCE: 0x400000,
  /** Send the `OnOpen` event on the new channel, with the status of the open. */
  DESCRIBE: 0x800000,
  /** The node must not be a directory (NOT_FILE otherwise). */
  NOT_DIRECTORY: 0x2000000,
  /** Give the new connection RIGHT_WRITABLE when the connection it is opened through has it. */
  POSIX_WRITABLE: 0x8000000
} as const

/**
 * The node type bits of `NodeAttributes.mode` (the POSIX `S_IFMT` values).
 *
 * @since 0.1.0
 * @category utils
 */
export const ModeType = {
  /** A directory (`S_IFDIR`). */
  DIRECTORY: 0o040000,
  /** A regular file (`S_IFREG`). */
  FILE: 0o100000
} as const

/**
 * `OpenFlags`: a flexible `bits : uint32`, so unknown bits decode and are ignored.
 *
 * @since 0.1.0
 * @category utils
 */
export const OpenFlagsType = Wire.bits(Wire.uint32, OpenFlags, { strict: false })

/**
 * The dirent `type` values of the subset (POSIX `d_type`).
 *
 * @since 0.1.0
 * @category utils
 */
export const DirentType = {
  /** A directory. */
  DIRECTORY: 4,
  /** A regular file. */
  FILE: 8
} as const

// --- messages -----------------------------------------------------------------------------------

/**
 * `Open(flags OpenFlags, mode uint32, path string:4095, object server_end:Node)`: connects
 * `object` to the node at `path` (relative to the directory the request is sent on; `"."` is the
 * directory itself). `mode` is ignored.
 *
 * @since 0.1.0
 * @category utils
 */
export const OpenRequest = Wire.struct(
  { flags: OpenFlagsType, mode: Wire.uint32, path: Wire.string(MAX_PATH_LENGTH), object: Wire.endpoint },
  { name: "OpenableOpenRequest" }
)

/**
 * The value of {@link OpenRequest}.
 *
 * @since 0.1.0
 * @category models
 */
export type OpenRequestValue = Wire.TypeOf<typeof OpenRequest>

/**
 * `Service {}`: the node speaks some other protocol.
 *
 * @since 0.1.0
 * @category utils
 */
export const Service = Wire.struct({}, { name: "Service" })

/**
 * `FileObject { event zx.Handle:<EVENT, optional>; stream zx.Handle:<STREAM, optional> }`. Both are
 * declared here as handles of any type (the kernel has no streams); pseudo-files send neither.
 *
 * @since 0.1.0
 * @category utils
 */
export const FileObject = Wire.struct(
  { event: Wire.optional(Wire.handle()), stream: Wire.optional(Wire.handle()) },
  { name: "FileObject" }
)

/**
 * `DirectoryObject {}`.
 *
 * @since 0.1.0
 * @category utils
 */
export const DirectoryObject = Wire.struct({}, { name: "DirectoryObject" })

/**
 * `SymlinkObject { target vector<uint8>:4095 }`.
 *
 * @since 0.1.0
 * @category utils
 */
export const SymlinkObject = Wire.struct({ target: Wire.bytes(MAX_PATH_LENGTH) }, { name: "SymlinkObject" })

/**
 * `NodeInfoDeprecated`: a strict union saying what kind of node a connection reached.
 *
 * @since 0.1.0
 * @category utils
 */
export const NodeInfoDeprecated = Wire.union(
  { service: [1, Service], file: [2, FileObject], directory: [3, DirectoryObject], symlink: [4, SymlinkObject] },
  { name: "NodeInfoDeprecated" }
)

/**
 * The value of {@link NodeInfoDeprecated}.
 *
 * @since 0.1.0
 * @category models
 */
export type NodeInfo = Wire.TypeOf<typeof NodeInfoDeprecated>

/**
 * `OnOpen(s zx.Status, info NodeInfoDeprecated:optional)`: the event `DESCRIBE` asks for.
 *
 * @since 0.1.0
 * @category utils
 */
export const OnOpenEvent = Wire.struct({ s: Wire.status, info: Wire.optional(NodeInfoDeprecated) }, {
  name: "NodeOnOpenRequest"
})

/**
 * `ReadDirents(max_bytes uint64)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ReadDirentsRequest = Wire.struct({ maxBytes: Wire.uint64 }, { name: "DirectoryReadDirentsRequest" })

/**
 * `-> (s zx.Status, dirents vector<uint8>:8192)`: packed dirents (see {@link encodeDirents}).
 *
 * @since 0.1.0
 * @category utils
 */
export const ReadDirentsResponse = Wire.struct({ s: Wire.status, dirents: Wire.bytes(MAX_BUF) }, {
  name: "DirectoryReadDirentsResponse"
})

/**
 * `Rewind() -> (s zx.Status)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const RewindResponse = Wire.struct({ s: Wire.status }, { name: "DirectoryRewindResponse" })

/**
 * `Read(count uint64)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ReadRequest = Wire.struct({ count: Wire.uint64 }, { name: "ReadableReadRequest" })

/**
 * `-> (data vector<uint8>:8192) error zx.Status`: the result union (1 success, 2 err).
 *
 * @since 0.1.0
 * @category utils
 */
export const ReadResponse = Wire.result(
  Wire.struct({ data: Wire.bytes(MAX_BUF) }, { name: "ReadableReadResponse" }),
  Wire.status
)

/**
 * `Close() -> () error zx.Status`: the result union (1 the empty struct, 2 err).
 *
 * @since 0.1.0
 * @category utils
 */
export const CloseResponse = Wire.result(Wire.struct({}, { name: "CloseableCloseResponse" }), Wire.status)

/**
 * `NodeAttributes { mode uint32; id uint64; content_size uint64; storage_size uint64; link_count
 * uint64; creation_time uint64; modification_time uint64 }`: what `GetAttr` reports. `mode` holds
 * a {@link ModeType} and the POSIX permission bits; times are nanoseconds since the Unix epoch.
 *
 * @since 0.1.0
 * @category utils
 */
export const NodeAttributes = Wire.struct(
  {
    mode: Wire.uint32,
    id: Wire.uint64,
    contentSize: Wire.uint64,
    storageSize: Wire.uint64,
    linkCount: Wire.uint64,
    creationTime: Wire.uint64,
    modificationTime: Wire.uint64
  },
  { name: "NodeAttributes" }
)

/**
 * The value of {@link NodeAttributes}.
 *
 * @since 0.1.0
 * @category models
 */
export type NodeAttributesValue = Wire.TypeOf<typeof NodeAttributes>

/**
 * `GetAttr() -> (s zx.Status, attributes NodeAttributes)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const GetAttrResponse = Wire.struct({ s: Wire.status, attributes: NodeAttributes }, {
  name: "NodeGetAttrResponse"
})

/**
 * Which attributes `SetAttr` sets (`NodeAttributeFlags`).
 *
 * @since 0.1.0
 * @category utils
 */
export const NodeAttributeFlags = {
  /** Set `creation_time`. */
  CREATION_TIME: 0x1,
  /** Set `modification_time`. */
  MODIFICATION_TIME: 0x2
} as const

/**
 * `SetAttr(flags NodeAttributeFlags, attributes NodeAttributes)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const SetAttrRequest = Wire.struct(
  { flags: Wire.bits(Wire.uint32, NodeAttributeFlags, { strict: false }), attributes: NodeAttributes },
  { name: "NodeSetAttrRequest" }
)

/**
 * `-> (s zx.Status)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const SetAttrResponse = Wire.struct({ s: Wire.status }, { name: "NodeSetAttrResponse" })

/**
 * An empty success or a status: the result union of `Sync`, `Resize`, `Unlink`, `Rename`.
 *
 * @since 0.1.0
 * @category utils
 */
export const EmptyResult = Wire.result(Wire.struct({}, { name: "EmptyResponse" }), Wire.status)

/**
 * `Write(data vector<uint8>:8192)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const WriteRequest = Wire.struct({ data: Wire.bytes(MAX_BUF) }, { name: "WritableWriteRequest" })

/**
 * `-> (actual_count uint64) error zx.Status`.
 *
 * @since 0.1.0
 * @category utils
 */
export const WriteResponse = Wire.result(
  Wire.struct({ actualCount: Wire.uint64 }, { name: "WritableWriteResponse" }),
  Wire.status
)

/**
 * `ReadAt(count uint64, offset uint64)`: reads without moving the seek position.
 *
 * @since 0.1.0
 * @category utils
 */
export const ReadAtRequest = Wire.struct({ count: Wire.uint64, offset: Wire.uint64 }, { name: "FileReadAtRequest" })

/**
 * `WriteAt(data vector<uint8>:8192, offset uint64)`: writes without moving the seek position.
 *
 * @since 0.1.0
 * @category utils
 */
export const WriteAtRequest = Wire.struct({ data: Wire.bytes(MAX_BUF), offset: Wire.uint64 }, {
  name: "FileWriteAtRequest"
})

/**
 * `SeekOrigin`: where a `Seek` offset counts from.
 *
 * @since 0.1.0
 * @category utils
 */
export const SeekOrigin = {
  /** From the start of the file. */
  START: 0,
  /** From the current position. */
  CURRENT: 1,
  /** From the end of the file. */
  END: 2
} as const

/**
 * `Seek(origin SeekOrigin, offset int64)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const SeekRequest = Wire.struct({ origin: Wire.enumOf(Wire.uint32, SeekOrigin), offset: Wire.int64 }, {
  name: "FileSeekRequest"
})

/**
 * `-> (offset_from_start uint64) error zx.Status`.
 *
 * @since 0.1.0
 * @category utils
 */
export const SeekResponse = Wire.result(
  Wire.struct({ offsetFromStart: Wire.uint64 }, { name: "FileSeekResponse" }),
  Wire.status
)

/**
 * `Resize(length uint64)`: truncates or zero-extends the file.
 *
 * @since 0.1.0
 * @category utils
 */
export const ResizeRequest = Wire.struct({ length: Wire.uint64 }, { name: "FileResizeRequest" })

/**
 * `UnlinkFlags`: `MUST_BE_DIRECTORY` (the name must be a directory: `rmdir`).
 *
 * @since 0.1.0
 * @category utils
 */
export const UnlinkFlags = {
  /** Refuse (NOT_DIR) unless the entry is a directory. */
  MUST_BE_DIRECTORY: 0x1n
} as const

/**
 * `UnlinkOptions` table: `1: flags UnlinkFlags` (a `bits : uint64`).
 *
 * @since 0.1.0
 * @category utils
 */
export const UnlinkOptions = Wire.table({ flags: [1, Wire.uint64] }, { name: "UnlinkOptions" })

/**
 * `Unlink(name string:255, options UnlinkOptions)`: removes a file or an empty directory.
 *
 * @since 0.1.0
 * @category utils
 */
export const UnlinkRequest = Wire.struct({ name: Wire.string(MAX_NAME_LENGTH), options: UnlinkOptions }, {
  name: "DirectoryUnlinkRequest"
})

/**
 * `GetToken() -> (s zx.Status, token handle:optional)`: an event standing for this directory, to
 * name it as the destination of a `Rename` sent on another connection.
 *
 * @since 0.1.0
 * @category utils
 */
export const GetTokenResponse = Wire.struct({ s: Wire.status, token: Wire.optional(Wire.handle()) }, {
  name: "DirectoryGetTokenResponse"
})

/**
 * `Rename(src string:255, dst_parent_token handle:EVENT, dst string:255)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const RenameRequest = Wire.struct(
  { src: Wire.string(MAX_NAME_LENGTH), dstParentToken: Wire.handle("EVENT"), dst: Wire.string(MAX_NAME_LENGTH) },
  { name: "DirectoryRenameRequest" }
)

/**
 * The selectors whose ordinals the subset uses, by method: the `@selector` values Fuchsia's
 * fuchsia.io gives them (io1 names for the methods that predate fuchsia.io's rewrite).
 *
 * @since 0.1.0
 * @category utils
 */
export const Selectors = {
  Open: "fuchsia.io1/Directory.Open",
  ReadDirents: "fuchsia.io1/Directory.ReadDirents",
  Rewind: "fuchsia.io1/Directory.Rewind",
  Read: "fuchsia.io/File.Read",
  Close: "fuchsia.io/Node.Close",
  OnOpen: "fuchsia.io1/Node.OnOpen",
  GetAttr: "fuchsia.io1/Node.GetAttr",
  SetAttr: "fuchsia.io1/Node.SetAttr",
  Sync: "fuchsia.io/Node.Sync",
  Write: "fuchsia.io/File.Write",
  ReadAt: "fuchsia.io/File.ReadAt",
  WriteAt: "fuchsia.io/File.WriteAt",
  Seek: "fuchsia.io/File.Seek",
  Resize: "fuchsia.io/File.Resize",
  Unlink: "fuchsia.io/Directory.Unlink",
  GetToken: "fuchsia.io1/Directory.GetToken",
  Rename: "fuchsia.io/Directory.Rename"
} as const

const close = Protocol.twoWay(Wire.empty, CloseResponse, { selector: Selectors.Close })
const getAttr = Protocol.twoWay(Wire.empty, GetAttrResponse, { selector: Selectors.GetAttr })
const setAttr = Protocol.twoWay(SetAttrRequest, SetAttrResponse, { selector: Selectors.SetAttr })
const sync = Protocol.twoWay(Wire.empty, EmptyResult, { selector: Selectors.Sync })

/**
 * What a directory connection answers: Open, ReadDirents, Rewind, Unlink, GetToken, Rename and
 * the node methods (GetAttr, SetAttr, Sync, Close). Every method strict.
 *
 * @since 0.1.0
 * @category utils
 */
export const Directory = Protocol.make("fuchsia.io", "Directory", {
  Open: Protocol.oneWay(OpenRequest, { selector: Selectors.Open }),
  ReadDirents: Protocol.twoWay(ReadDirentsRequest, ReadDirentsResponse, { selector: Selectors.ReadDirents }),
  Rewind: Protocol.twoWay(Wire.empty, RewindResponse, { selector: Selectors.Rewind }),
  Unlink: Protocol.twoWay(UnlinkRequest, EmptyResult, { selector: Selectors.Unlink }),
  GetToken: Protocol.twoWay(Wire.empty, GetTokenResponse, { selector: Selectors.GetToken }),
  Rename: Protocol.twoWay(RenameRequest, EmptyResult, { selector: Selectors.Rename }),
  GetAttr: getAttr,
  SetAttr: setAttr,
  Sync: sync,
  Close: close
})

/**
 * What a file connection answers: Read, Write, ReadAt, WriteAt, Seek, Resize and the node
 * methods (GetAttr, SetAttr, Sync, Close).
 *
 * @since 0.1.0
 * @category utils
 */
export const File = Protocol.make("fuchsia.io", "File", {
  Read: Protocol.twoWay(ReadRequest, ReadResponse, { selector: Selectors.Read }),
  Write: Protocol.twoWay(WriteRequest, WriteResponse, { selector: Selectors.Write }),
  ReadAt: Protocol.twoWay(ReadAtRequest, ReadResponse, { selector: Selectors.ReadAt }),
  WriteAt: Protocol.twoWay(WriteAtRequest, WriteResponse, { selector: Selectors.WriteAt }),
  Seek: Protocol.twoWay(SeekRequest, SeekResponse, { selector: Selectors.Seek }),
  Resize: Protocol.twoWay(ResizeRequest, EmptyResult, { selector: Selectors.Resize }),
  GetAttr: getAttr,
  SetAttr: setAttr,
  Sync: sync,
  Close: close
})

/**
 * The events a server sends on a new connection: OnOpen (txid 0, declared as a one-way message).
 *
 * @since 0.1.0
 * @category utils
 */
export const NodeEvents = Protocol.make("fuchsia.io", "Node", {
  OnOpen: Protocol.oneWay(OnOpenEvent, { selector: Selectors.OnOpen })
})

// --- dirents ------------------------------------------------------------------------------------

/**
 * One directory entry as `ReadDirents` packs it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Dirent {
  /** The inode number ({@link INO_UNKNOWN} from pseudo-directories). */
  readonly ino: bigint
  /** The entry's type, a {@link DirentType} value (other values pass through). */
  readonly type: number
  /** The entry's name: 1 to 255 bytes of UTF-8. */
  readonly name: string
}

/**
 * The bytes before a dirent's name: `uint64 ino; uint8 name_len; uint8 type`, no padding.
 *
 * @since 0.1.0
 * @category constants
 */
export const DIRENT_HEADER_SIZE = 10

const utf8 = new TextEncoder()
const strictUtf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * The packed size of a dirent whose name is `nameBytes` bytes long.
 *
 * @since 0.1.0
 * @category utils
 */
export const direntSize = (nameBytes: number): number => DIRENT_HEADER_SIZE + nameBytes

/**
 * Why {@link encodeDirent} refuses a name: empty, too long for a byte, or with a `/` or NUL.
 *
 * @since 0.1.0
 * @category utils
 */
export const invalidName = (name: string, bytes: Uint8Array = utf8.encode(name)): string | undefined =>
  bytes.length === 0
    ? "empty name"
    : bytes.length > MAX_NAME_LENGTH
    ? `name of ${bytes.length} bytes (at most ${MAX_NAME_LENGTH})`
    : bytes.includes(0x2f) || bytes.includes(0)
    ? `name ${JSON.stringify(name)} holds '/' or NUL`
    : undefined

/**
 * One packed dirent. Fails on a name {@link invalidName} refuses.
 *
 * @since 0.1.0
 * @category utils
 */
export const encodeDirent = (dirent: Dirent): Either.Either<Uint8Array, string> => {
  const name = utf8.encode(dirent.name)
  const problem = invalidName(dirent.name, name)
  if (problem !== undefined) return Either.left(problem)
  const out = new Uint8Array(direntSize(name.length))
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, dirent.ino), true)
  out[8] = name.length
  out[9] = dirent.type & 0xff
  out.set(name, DIRENT_HEADER_SIZE)
  return Either.right(out)
}

/**
 * Dirents packed back to back, as a `ReadDirents` reply carries them.
 *
 * @since 0.1.0
 * @category utils
 */
export const encodeDirents = (dirents: ReadonlyArray<Dirent>): Either.Either<Uint8Array, string> => {
  const parts: Array<Uint8Array> = []
  let size = 0
  for (const dirent of dirents) {
    const part = encodeDirent(dirent)
    if (Either.isLeft(part)) return part
    parts.push(part.right)
    size += part.right.length
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return Either.right(out)
}

/**
 * The dirents packed in `bytes`. Refuses a buffer that ends inside a dirent, an empty name, and a
 * name that is not UTF-8 or holds `/` or NUL, saying at which byte.
 *
 * @since 0.1.0
 * @category utils
 */
export const decodeDirents = (bytes: Uint8Array): Either.Either<ReadonlyArray<Dirent>, string> => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: Array<Dirent> = []
  let at = 0
  while (at < bytes.length) {
    if (at + DIRENT_HEADER_SIZE > bytes.length) {
      return Either.left(`dirent at byte ${at}: header cut off at byte ${bytes.length}`)
    }
    const length = bytes[at + 8]
    const end = at + DIRENT_HEADER_SIZE + length
    if (end > bytes.length) {
      return Either.left(`dirent at byte ${at}: name of ${length} bytes runs past byte ${bytes.length}`)
    }
    const raw = bytes.subarray(at + DIRENT_HEADER_SIZE, end)
    let name: string
    try {
      name = strictUtf8.decode(raw)
    } catch {
      return Either.left(`dirent at byte ${at}: name is not UTF-8`)
    }
    const problem = invalidName(name, raw)
    if (problem !== undefined) return Either.left(`dirent at byte ${at}: ${problem}`)
    out.push({ ino: view.getBigUint64(at, true), type: bytes[at + 9], name })
    at = end
  }
  return Either.right(out)
}

/**
 * The value of {@link SetAttrRequest}.
 *
 * @since 0.1.0
 * @category models
 */
export type SetAttrRequestValue = Wire.TypeOf<typeof SetAttrRequest>

/**
 * The value of {@link RenameRequest}.
 *
 * @since 0.1.0
 * @category models
 */
export type RenameRequestValue = Wire.TypeOf<typeof RenameRequest>
