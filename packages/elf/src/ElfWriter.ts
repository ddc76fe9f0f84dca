/**
 * A small ELF64 writer for tests: a test fixture builder, not a linker. It lays out a file header,
 * a program header table and segment payloads from a description in which every field can be
 * overridden, so a test can break exactly one parse check (a wrong magic byte, a table past the end
 * of the file, a 64-bit value beyond 2^53, a segment overlapping the previous one) or build a
 * well-formed image with chosen segments. Other packages' tests use it too (`@zxsim/elf/ElfWriter`).
 *
 * Layout rules, applied only to what the description leaves out: the table goes right after the
 * file header (an explicit `phoff` is written as given and does not extend the file); each segment without an `offset` goes after the previous payload (PT_LOAD segments at
 * an offset congruent to their `vaddr` modulo the page size, as a linker places them); a segment
 * without a `vaddr` gets its offset; `filesz` defaults to the payload's length and `memsz` to
 * `filesz`. The file ends after the last byte laid out (a segment given an `offset` but no payload
 * lays nothing out), unless `size` says otherwise (to truncate or pad). Payloads are written first, then the table, then the file header, then `patches`.
 *
 * @since 0.1.0
 */
import {
  CURRENT_ARCH,
  ELF_MAGIC,
  ElfClass,
  ElfType,
  ElfVersion,
  FILE_HEADER_SIZE,
  NATIVE_ENCODING,
  PROGRAM_HEADER_SIZE,
  SegmentFlags,
  SegmentType
} from "./ElfConstants.js"
import { DynamicTag } from "./ElfDynamic.js"

/**
 * A 64-bit field value: a number, or a bigint for values a number cannot hold. Stored modulo 2^64.
 *
 * @since 0.1.0
 * @category models
 */
export type U64 = number | bigint

/**
 * Fields of the file header; each one left out takes a valid default for a riscv64 ET_DYN file.
 *
 * @since 0.1.0
 * @category models
 */
export interface FileHeaderFields {
  /** The four magic bytes (default `\x7fELF`). */
  readonly magic?: ArrayLike<number> | undefined
  readonly class?: number | undefined
  readonly data?: number | undefined
  readonly identVersion?: number | undefined
  readonly osAbi?: number | undefined
  readonly abiVersion?: number | undefined
  /** The seven padding bytes of `e_ident` (default zeros). */
  readonly padding?: ArrayLike<number> | undefined
  readonly type?: number | undefined
  readonly machine?: number | undefined
  readonly version?: number | undefined
  readonly entry?: U64 | undefined
  /** Default: 64 when there are program headers, else 0. */
  readonly phoff?: U64 | undefined
  readonly shoff?: U64 | undefined
  readonly flags?: number | undefined
  readonly ehsize?: number | undefined
  readonly phentsize?: number | undefined
  /** Default: the number of segments described. */
  readonly phnum?: number | undefined
  readonly shentsize?: number | undefined
  readonly shnum?: number | undefined
  readonly shstrndx?: number | undefined
}

/**
 * Every field of a file header, as written.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedFileHeader
  extends Required<{ [K in keyof FileHeaderFields]-?: Exclude<FileHeaderFields[K], undefined> }>
{}

/**
 * Every field of one program header, as written.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProgramHeaderFields {
  readonly type: number
  readonly flags: number
  readonly offset: U64
  readonly vaddr: U64
  readonly paddr: U64
  readonly filesz: U64
  readonly memsz: U64
  readonly align: U64
}

/**
 * One segment of an image: program header fields (all optional) and the payload to place at its offset.
 *
 * @since 0.1.0
 * @category models
 */
export interface SegmentSpec extends Partial<ProgramHeaderFields> {
  /** Bytes written at the segment's offset (default none: the range reads as whatever else is there). */
  readonly data?: Uint8Array | undefined
}

/**
 * A whole image.
 *
 * @since 0.1.0
 * @category models
 */
export interface ImageSpec {
  readonly header?: FileHeaderFields | undefined
  /** The program headers, in table order. */
  readonly segments?: ReadonlyArray<SegmentSpec> | undefined
  /** The file's length in bytes: truncates or zero-pads the laid-out image. */
  readonly size?: number | undefined
  /** Raw byte edits applied last, for damage no field describes. */
  readonly patches?: ReadonlyArray<{ readonly offset: number; readonly bytes: ArrayLike<number> }> | undefined
}

/**
 * A built image: its bytes and the headers as written (offsets filled in).
 *
 * @since 0.1.0
 * @category models
 */
export interface ElfImage {
  readonly bytes: Uint8Array
  readonly header: ResolvedFileHeader
  readonly segments: ReadonlyArray<ProgramHeaderFields & { readonly data?: Uint8Array | undefined }>
}

const PAGE_SIZE = 4096
/** Layout arithmetic only follows fields below this; larger ones are written but not laid out. */
const LAYOUT_LIMIT = 2 ** 40

const u64 = (value: U64): bigint => BigInt.asUintN(64, BigInt(value))

/** Writes a 64-bit field little-endian (numbers that are safe integers skip BigInt). */
const setU64 = (view: DataView, at: number, value: U64): void => {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) {
    view.setUint32(at, value % 2 ** 32, true)
    view.setUint32(at + 4, Math.floor(value / 2 ** 32), true)
  } else {
    view.setBigUint64(at, u64(value), true)
  }
}

/** The value as a number when layout can follow it, else undefined. */
const small = (value: U64): number | undefined => {
  const n = typeof value === "bigint"
    ? (value >= 0n && value < BigInt(LAYOUT_LIMIT) ? Number(value) : undefined)
    : value
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 && n < LAYOUT_LIMIT ? n : undefined
}

const defaultAlign = (type: number): number =>
  type === SegmentType.LOAD ? PAGE_SIZE : type === SegmentType.DYNAMIC ? 8 : type === SegmentType.INTERP ? 1 : 0

/**
 * The file header fields with defaults filled in, for `segmentCount` program headers.
 *
 * @since 0.1.0
 * @category utils
 */
export const resolveFileHeader = (fields: FileHeaderFields = {}, segmentCount = 0): ResolvedFileHeader => ({
  magic: fields.magic ?? ELF_MAGIC,
  class: fields.class ?? ElfClass.ELF64,
  data: fields.data ?? NATIVE_ENCODING,
  identVersion: fields.identVersion ?? ElfVersion.CURRENT,
  osAbi: fields.osAbi ?? 0,
  abiVersion: fields.abiVersion ?? 0,
  padding: fields.padding ?? [0, 0, 0, 0, 0, 0, 0],
  type: fields.type ?? ElfType.DYN,
  machine: fields.machine ?? CURRENT_ARCH,
  version: fields.version ?? ElfVersion.CURRENT,
  entry: fields.entry ?? 0,
  phoff: fields.phoff ?? (segmentCount > 0 ? FILE_HEADER_SIZE : 0),
  shoff: fields.shoff ?? 0,
  flags: fields.flags ?? 0,
  ehsize: fields.ehsize ?? FILE_HEADER_SIZE,
  phentsize: fields.phentsize ?? PROGRAM_HEADER_SIZE,
  phnum: fields.phnum ?? segmentCount,
  shentsize: fields.shentsize ?? 0,
  shnum: fields.shnum ?? 0,
  shstrndx: fields.shstrndx ?? 0
})

/**
 * The 64 bytes of a file header (defaults as in {@link resolveFileHeader}).
 *
 * @since 0.1.0
 * @category utils
 */
export const fileHeader = (fields: FileHeaderFields = {}): Uint8Array => {
  const h = resolveFileHeader(fields)
  const bytes = new Uint8Array(FILE_HEADER_SIZE)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < 4; i++) bytes[i] = h.magic[i] ?? 0
  bytes[4] = h.class
  bytes[5] = h.data
  bytes[6] = h.identVersion
  bytes[7] = h.osAbi
  bytes[8] = h.abiVersion
  for (let i = 0; i < 7; i++) bytes[9 + i] = h.padding[i] ?? 0
  view.setUint16(16, h.type, true)
  view.setUint16(18, h.machine, true)
  view.setUint32(20, h.version >>> 0, true)
  setU64(view, 24, h.entry)
  setU64(view, 32, h.phoff)
  setU64(view, 40, h.shoff)
  view.setUint32(48, h.flags >>> 0, true)
  view.setUint16(52, h.ehsize, true)
  view.setUint16(54, h.phentsize, true)
  view.setUint16(56, h.phnum, true)
  view.setUint16(58, h.shentsize, true)
  view.setUint16(60, h.shnum, true)
  view.setUint16(62, h.shstrndx, true)
  return bytes
}

/**
 * The 56 bytes of one program header.
 *
 * @since 0.1.0
 * @category utils
 */
export const programHeader = (fields: ProgramHeaderFields): Uint8Array => {
  const bytes = new Uint8Array(PROGRAM_HEADER_SIZE)
  const view = new DataView(bytes.buffer)
  view.setUint32(0, fields.type >>> 0, true)
  view.setUint32(4, fields.flags >>> 0, true)
  setU64(view, 8, fields.offset)
  setU64(view, 16, fields.vaddr)
  setU64(view, 24, fields.paddr)
  setU64(view, 32, fields.filesz)
  setU64(view, 40, fields.memsz)
  setU64(view, 48, fields.align)
  return bytes
}

/** The first offset at or after `cursor` that is congruent to `vaddr` modulo the page size. */
const congruentOffset = (cursor: number, vaddr: U64): number => {
  const want = typeof vaddr === "number" && Number.isSafeInteger(vaddr) && vaddr >= 0
    ? vaddr % PAGE_SIZE
    : Number(u64(vaddr) % BigInt(PAGE_SIZE))
  const at = cursor - (cursor % PAGE_SIZE) + want
  return at >= cursor ? at : at + PAGE_SIZE
}

/**
 * Lays out and writes an image (see the module description for the rules).
 *
 * @since 0.1.0
 * @category utils
 */
export const build = (spec: ImageSpec): ElfImage => {
  const specs = spec.segments ?? []
  const header = resolveFileHeader(spec.header, specs.length)
  const tableOffset = small(header.phoff)
  // Only a table placed by default extends the file; an explicit `phoff` may point anywhere.
  const tableEnd = spec.header?.phoff === undefined
    ? FILE_HEADER_SIZE + specs.length * PROGRAM_HEADER_SIZE
    : FILE_HEADER_SIZE
  let cursor = Math.max(FILE_HEADER_SIZE, tableEnd)
  let natural = cursor
  const segments = specs.map((s) => {
    const type = s.type ?? SegmentType.LOAD
    const data = s.data
    const filesz = s.filesz ?? data?.length ?? 0
    let offset = s.offset
    const placed = offset === undefined
    if (offset === undefined) {
      if (type === SegmentType.LOAD) offset = congruentOffset(cursor, s.vaddr ?? cursor)
      else if (small(filesz) === 0) offset = 0
      else offset = cursor + ((8 - (cursor % 8)) % 8)
    }
    const vaddr = s.vaddr ?? offset
    const memsz = s.memsz ?? filesz
    const resolved = {
      type,
      flags: s.flags ?? SegmentFlags.READ,
      offset,
      vaddr,
      paddr: s.paddr ?? vaddr,
      filesz,
      memsz,
      align: s.align ?? defaultAlign(type),
      data
    }
    const start = small(offset)
    const length = small(filesz)
    if (start !== undefined && length !== undefined && (placed || data !== undefined)) {
      const end = start + Math.max(length, data?.length ?? 0)
      cursor = Math.max(cursor, end)
      natural = Math.max(natural, end)
    }
    return resolved
  })
  const size = spec.size ?? natural
  const buffer = new Uint8Array(Math.max(size, natural))
  const put = (at: number | undefined, bytes: ArrayLike<number>) => {
    if (at === undefined || at >= buffer.length) return
    const n = Math.min(bytes.length, buffer.length - at)
    if (bytes instanceof Uint8Array) buffer.set(bytes.subarray(0, n), at)
    else for (let i = 0; i < n; i++) buffer[at + i] = bytes[i]
  }
  for (const s of segments) if (s.data !== undefined) put(small(s.offset), s.data)
  if (tableOffset !== undefined) {
    segments.forEach((s, i) => put(tableOffset + i * PROGRAM_HEADER_SIZE, programHeader(s)))
  }
  put(0, fileHeader(header))
  for (const patch of spec.patches ?? []) put(patch.offset, patch.bytes)
  return { bytes: buffer.slice(0, size), header, segments }
}

/**
 * The bytes of {@link build}.
 *
 * @since 0.1.0
 * @category utils
 */
export const write = (spec: ImageSpec): Uint8Array => build(spec).bytes

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text)

const dynamicEntries = (entries: ReadonlyArray<readonly [number, number]>): Uint8Array => {
  const bytes = new Uint8Array(entries.length * 16)
  const view = new DataView(bytes.buffer)
  entries.forEach(([tag, value], i) => {
    view.setBigUint64(i * 16, BigInt(tag), true)
    view.setBigUint64(i * 16 + 8, BigInt(value), true)
  })
  return bytes
}

/**
 * Options of the sample images.
 *
 * @since 0.1.0
 * @category models
 */
export interface SampleOptions {
  /** The PT_INTERP path (dynamic sample only; default `ld.so.1`). */
  readonly interpreter?: string | undefined
  /** PT_GNU_STACK's `p_memsz`, the requested stack size (default 0: none requested). */
  readonly stackSize?: number | undefined
}

/**
 * Where the sample images put things (link-time addresses equal file offsets).
 *
 * @since 0.1.0
 * @category utils
 */
export const SampleLayout = {
  /** `e_entry`: the first instruction of the RX segment. */
  entry: 0x1000,
  /** The PT_INTERP string. */
  interp: 0x190,
  /** The dynamic string table (`\0libfoo.so\0`). */
  strtab: 0x1c0,
  /** The R segment: headers, interpreter path and string table. */
  rodata: { offset: 0, size: 0x200 },
  /** The RX segment: `li a0, 0; ret`. */
  text: { offset: 0x1000, size: 8 },
  /** The RW segment: the dynamic section then "data!", with bss to 0x4800 (across two page boundaries). */
  data: { offset: 0x2000, fileSize: 0x50, memSize: 0x2800 },
  /** The dynamic section, at the start of the RW segment. */
  dynamic: { offset: 0x2000, size: 0x40 }
} as const

const sample = (interpreter: string | undefined, options: SampleOptions): ImageSpec => {
  const rodata = new Uint8Array(SampleLayout.rodata.size)
  if (interpreter !== undefined) rodata.set(ascii(`${interpreter}\0`), SampleLayout.interp)
  rodata.set(ascii("\0libfoo.so\0"), SampleLayout.strtab)
  // addi a0, zero, 0; jalr zero, 0(ra)
  const text = new Uint8Array([0x13, 0x05, 0x00, 0x00, 0x67, 0x80, 0x00, 0x00])
  const data = new Uint8Array(SampleLayout.data.fileSize)
  data.set(
    dynamicEntries([[DynamicTag.NEEDED, 1], [DynamicTag.STRTAB, SampleLayout.strtab], [DynamicTag.STRSZ, 11], [
      DynamicTag.NULL,
      0
    ]])
  )
  data.set(ascii("data!"), SampleLayout.dynamic.size)
  const R = SegmentFlags.READ
  const segments: Array<SegmentSpec> = []
  if (interpreter !== undefined) {
    segments.push({
      type: SegmentType.INTERP,
      flags: R,
      offset: SampleLayout.interp,
      vaddr: SampleLayout.interp,
      filesz: interpreter.length + 1
    })
  }
  segments.push(
    { type: SegmentType.LOAD, flags: R, offset: 0, vaddr: 0, data: rodata },
    {
      type: SegmentType.LOAD,
      flags: R | SegmentFlags.EXECUTE,
      offset: SampleLayout.text.offset,
      vaddr: SampleLayout.text.offset,
      data: text
    },
    {
      type: SegmentType.LOAD,
      flags: R | SegmentFlags.WRITE,
      offset: SampleLayout.data.offset,
      vaddr: SampleLayout.data.offset,
      data,
      memsz: SampleLayout.data.memSize
    },
    {
      type: SegmentType.DYNAMIC,
      flags: R | SegmentFlags.WRITE,
      offset: SampleLayout.dynamic.offset,
      vaddr: SampleLayout.dynamic.offset,
      filesz: SampleLayout.dynamic.size
    },
    {
      type: SegmentType.GNU_STACK,
      flags: R | SegmentFlags.WRITE,
      offset: 0,
      vaddr: 0,
      filesz: 0,
      memsz: options.stackSize ?? 0
    }
  )
  return { header: { type: ElfType.DYN, entry: SampleLayout.entry }, segments }
}

/**
 * A dynamically linked riscv64 ET_DYN executable: PT_INTERP, PT_LOAD R (headers, interpreter path,
 * string table), RX (code), RW (dynamic section and data, with bss across page boundaries),
 * PT_DYNAMIC (DT_NEEDED libfoo.so) and PT_GNU_STACK. See {@link SampleLayout}.
 *
 * @since 0.1.0
 * @category utils
 */
export const dynamicExecutable = (options: SampleOptions = {}): ImageSpec =>
  sample(options.interpreter ?? "ld.so.1", options)

/**
 * The same image as {@link dynamicExecutable} without PT_INTERP: a static PIE.
 *
 * @since 0.1.0
 * @category utils
 */
export const staticPie = (options: SampleOptions = {}): ImageSpec => sample(undefined, options)
