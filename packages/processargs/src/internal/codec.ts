/**
 * The byte codec of processargs messages: pure synchronous functions over typed arrays, no Effect
 * and no Schema in the loops. Sizing follows the crate's `build_header` step by step (handle limit,
 * then offsets and counts as u32, then the byte limit); decoding checks every field before it
 * trusts it.
 * @internal
 */
import * as Either from "effect/Either"
import type { CString } from "../CString.js"
import * as DecodeError from "../DecodeError.js"
import { fromRaw, type HandleInfo } from "../HandleInfo.js"
import {
  MAX_MESSAGE_BYTES,
  MAX_MESSAGE_HANDLES,
  SizeTooLarge,
  TooManyHandles,
  TryFromInt
} from "../ProcessargsError.js"
import type { ProcessargsError } from "../ProcessargsError.js"

/** `ZX_PROCARGS_PROTOCOL`; on the wire `5d 58 50 41`. */
export const PROTOCOL = 0x4150585d
/** `ZX_PROCARGS_VERSION`. */
export const VERSION = 0x00001000
/** Nine u32 fields. */
export const HEADER_SIZE = 36

const U32_MAX = 0xffffffff

/** Where everything goes in an encoded message: the header's fields and the total size. */
export interface Layout {
  readonly handleCount: number
  readonly handleInfoOff: number
  readonly argsOff: number
  readonly argsNum: number
  readonly environOff: number
  readonly environNum: number
  readonly namesOff: number
  readonly namesNum: number
  readonly size: number
}

const sectionBytes = (strings: ReadonlyArray<Uint8Array>): number => {
  let n = strings.length
  for (let i = 0; i < strings.length; i++) n += strings[i].length
  return n
}

/**
 * The layout of a message with these strings and this many handles, or the crate's error, checked
 * in the crate's order: too many handles, then any offset or count over u32, then too many bytes.
 */
export const layout = (
  args: ReadonlyArray<CString>,
  environ: ReadonlyArray<CString>,
  names: ReadonlyArray<CString>,
  handleCount: number
): Either.Either<Layout, ProcessargsError> => {
  if (handleCount > MAX_MESSAGE_HANDLES) return Either.left(new TooManyHandles({ count: handleCount }))
  const handleInfoOff = HEADER_SIZE
  const argsOff = handleInfoOff + 4 * handleCount
  const environOff = argsOff + sectionBytes(args)
  const namesOff = environOff + sectionBytes(environ)
  const size = namesOff + sectionBytes(names)
  // Offsets and counts in the order the crate converts them; the final size is not a header field.
  if (argsOff > U32_MAX) return Either.left(new TryFromInt({ field: "args_off", value: argsOff }))
  if (args.length > U32_MAX) return Either.left(new TryFromInt({ field: "args_num", value: args.length }))
  if (environOff > U32_MAX) return Either.left(new TryFromInt({ field: "environ_off", value: environOff }))
  if (environ.length > U32_MAX) return Either.left(new TryFromInt({ field: "environ_num", value: environ.length }))
  if (namesOff > U32_MAX) return Either.left(new TryFromInt({ field: "names_off", value: namesOff }))
  if (names.length > U32_MAX) return Either.left(new TryFromInt({ field: "names_num", value: names.length }))
  if (size > MAX_MESSAGE_BYTES) return Either.left(new SizeTooLarge({ size }))
  return Either.right({
    handleCount,
    handleInfoOff,
    argsOff,
    argsNum: args.length,
    environOff,
    environNum: environ.length,
    namesOff,
    namesNum: names.length,
    size
  })
}

const putU32 = (out: Uint8Array, at: number, value: number): void => {
  out[at] = value
  out[at + 1] = value >>> 8
  out[at + 2] = value >>> 16
  out[at + 3] = value >>> 24
}

const getU32 = (bytes: Uint8Array, at: number): number =>
  (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0

// `set` beats a byte loop even for strings of a few bytes, so every string goes through it.
const writeStrings = (out: Uint8Array, at: number, strings: ReadonlyArray<Uint8Array>): number => {
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i]
    out.set(s, at)
    at += s.length
    out[at++] = 0
  }
  return at
}

/**
 * Writes a message laid out by `l` into `out` from `base`. `out` must hold `l.size` bytes from
 * there; `infoAt(i)` gives the raw handle-info word of handle `i`.
 */
export const writeMessage = (
  out: Uint8Array,
  base: number,
  l: Layout,
  args: ReadonlyArray<Uint8Array>,
  environ: ReadonlyArray<Uint8Array>,
  names: ReadonlyArray<Uint8Array>,
  infoAt: (index: number) => number
): void => {
  putU32(out, base, PROTOCOL)
  putU32(out, base + 4, VERSION)
  putU32(out, base + 8, l.handleInfoOff)
  putU32(out, base + 12, l.argsOff)
  putU32(out, base + 16, l.argsNum)
  putU32(out, base + 20, l.environOff)
  putU32(out, base + 24, l.environNum)
  putU32(out, base + 28, l.namesOff)
  putU32(out, base + 32, l.namesNum)
  let at = base + l.handleInfoOff
  for (let i = 0; i < l.handleCount; i++, at += 4) putU32(out, at, infoAt(i))
  at = writeStrings(out, at, args)
  at = writeStrings(out, at, environ)
  writeStrings(out, at, names)
}

/** The nine fields of a message header. */
export interface Header {
  readonly protocol: number
  readonly version: number
  readonly handleInfoOff: number
  readonly argsOff: number
  readonly argsNum: number
  readonly environOff: number
  readonly environNum: number
  readonly namesOff: number
  readonly namesNum: number
}

/** Reads the header's nine fields without checking them; `bytes` must hold at least 36 bytes. */
export const readHeader = (bytes: Uint8Array): Header => ({
  protocol: getU32(bytes, 0),
  version: getU32(bytes, 4),
  handleInfoOff: getU32(bytes, 8),
  argsOff: getU32(bytes, 12),
  argsNum: getU32(bytes, 16),
  environOff: getU32(bytes, 20),
  environNum: getU32(bytes, 24),
  namesOff: getU32(bytes, 28),
  namesNum: getU32(bytes, 32)
})

/** Decoded message data (the public `MessageData` shape). */
export interface Decoded {
  readonly args: ReadonlyArray<CString>
  readonly environmentVars: ReadonlyArray<CString>
  readonly namespacePaths: ReadonlyArray<CString>
  readonly handleInfos: ReadonlyArray<HandleInfo>
}

/** The checks that need only the header: length, protocol, version. */
export const checkHeader = (
  bytes: Uint8Array
): Either.Either<
  Header,
  DecodeError.TruncatedHeader | DecodeError.MessageTooLarge | DecodeError.BadProtocol | DecodeError.BadVersion
> => {
  const length = bytes.length
  if (length < HEADER_SIZE) return Either.left(new DecodeError.TruncatedHeader({ length }))
  if (length > MAX_MESSAGE_BYTES) return Either.left(new DecodeError.MessageTooLarge({ length }))
  const header = readHeader(bytes)
  if (header.protocol !== PROTOCOL) return Either.left(new DecodeError.BadProtocol({ protocol: header.protocol }))
  if (header.version !== VERSION) return Either.left(new DecodeError.BadVersion({ version: header.version }))
  return Either.right(header)
}

// Strings are mostly short: a plain loop finds their NUL sooner than an `indexOf` call returns, and
// `indexOf` takes over for the long ones.
const SHORT_SCAN = 32

const findNul = (bytes: Uint8Array, from: number): number => {
  const stop = Math.min(from + SHORT_SCAN, bytes.length)
  for (let i = from; i < stop; i++) if (bytes[i] === 0) return i
  return stop === bytes.length ? -1 : bytes.indexOf(0, stop)
}

// One string section: checks its offset and count, then cuts `count` NUL-terminated strings from
// `offset` on. Returns the strings and the end offset, or the error.
const readSection = (
  bytes: Uint8Array,
  section: DecodeError.Section,
  field: DecodeError.OffsetField,
  offset: number,
  count: number,
  expected: number
): { readonly strings: Array<CString>; readonly end: number } | DecodeError.DecodeError => {
  const length = bytes.length
  if (offset < HEADER_SIZE || offset > length) return new DecodeError.OffsetOutOfBounds({ field, offset, length })
  if (offset !== expected) return new DecodeError.NonCanonicalLayout({ field, offset, expected })
  if (count > length - offset) return new DecodeError.CountOutOfBounds({ section, count, offset, length })
  const strings = new Array<CString>(count)
  let at = offset
  for (let i = 0; i < count; i++) {
    const nul = findNul(bytes, at)
    if (nul === -1) return new DecodeError.MissingNul({ section, index: i, offset: at })
    strings[i] = bytes.subarray(at, nul) as CString
    at = nul + 1
  }
  return { strings, end: at }
}

/**
 * Decodes a message that arrived with `handleCount` handles. The strings returned are views into
 * `bytes` (no copy). Every field is checked before use; the layout must be the one the crate
 * writes (handle infos right after the header, sections back to back, nothing after).
 */
export const decode = (bytes: Uint8Array, handleCount: number): Either.Either<Decoded, DecodeError.DecodeError> => {
  const checked = checkHeader(bytes)
  if (Either.isLeft(checked)) return Either.left(checked.left)
  const h = checked.right
  const length = bytes.length
  if (!Number.isInteger(handleCount) || handleCount < 0 || handleCount > MAX_MESSAGE_HANDLES) {
    return Either.left(new DecodeError.HandleCountOutOfRange({ count: handleCount }))
  }
  const infoOff = h.handleInfoOff
  if (infoOff < HEADER_SIZE || infoOff > length) {
    return Either.left(new DecodeError.OffsetOutOfBounds({ field: "handle_info_off", offset: infoOff, length }))
  }
  if (infoOff % 4 !== 0) return Either.left(new DecodeError.MisalignedHandleInfo({ offset: infoOff }))
  if (infoOff !== HEADER_SIZE) {
    return Either.left(
      new DecodeError.NonCanonicalLayout({ field: "handle_info_off", offset: infoOff, expected: HEADER_SIZE })
    )
  }
  const infoEnd = infoOff + 4 * handleCount
  if (infoEnd > length) {
    return Either.left(new DecodeError.HandleInfoOutOfBounds({ offset: infoOff, count: handleCount, length }))
  }
  // The arguments follow the handle-info array, so their offset says how many infos it holds.
  const argsOff = h.argsOff
  if (argsOff >= HEADER_SIZE && argsOff <= length && argsOff !== infoEnd) {
    const span = argsOff - infoOff
    return Either.left(
      new DecodeError.HandleCountMismatch({
        received: handleCount,
        declared: span >= 0 && span % 4 === 0 ? span / 4 : -1
      })
    )
  }
  const args = readSection(bytes, "args", "args_off", argsOff, h.argsNum, infoEnd)
  if (!("strings" in args)) return Either.left(args)
  const environ = readSection(bytes, "environ", "environ_off", h.environOff, h.environNum, args.end)
  if (!("strings" in environ)) return Either.left(environ)
  const names = readSection(bytes, "names", "names_off", h.namesOff, h.namesNum, environ.end)
  if (!("strings" in names)) return Either.left(names)
  if (names.end !== length) return Either.left(new DecodeError.TrailingBytes({ end: names.end, length }))
  const handleInfos = new Array<HandleInfo>(handleCount)
  for (let i = 0; i < handleCount; i++) {
    const info = fromRaw(getU32(bytes, infoOff + 4 * i))
    if (Either.isLeft(info)) return Either.left(new DecodeError.BadHandleInfo({ index: i, cause: info.left }))
    handleInfos[i] = info.right
  }
  return Either.right({
    args: args.strings,
    environmentVars: environ.strings,
    namespacePaths: names.strings,
    handleInfos
  })
}
