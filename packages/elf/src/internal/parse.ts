/**
 * The ELF64 header parser as pure functions over bytes: decode the file header, work out where the
 * program header table is, decode and check the table. Nothing here does I/O, so the VMO reader and
 * the byte-array reader share it step for step.
 *
 * Checks run in two passes. First the Fuchsia crate's checks, in its order and with its messages,
 * computed exactly on the 64-bit values (as bigint), so every file the crate refuses is refused
 * here with the same variant and message. Then the hardening checks the crate lacks: every 64-bit
 * field below 2^53 (so it converts to a number without losing precision), every PT_LOAD end below
 * 2^53 (so the loader's page arithmetic is exact), and every segment's file bytes inside the file.
 * @internal
 */
import { Status } from "@zxsim/kernel/Status"
import type { Elf64FileHeader, Elf64ProgramHeader } from "../Elf64Headers.js"
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
  SegmentType,
  segmentTypeName
} from "../ElfConstants.js"
import { InvalidFileHeader, InvalidProgramHeader, ReadError } from "../ElfParseError.js"

/** The messages of every check, the crate's verbatim and the hardening ones. */
export const Reason = {
  INVALID_MAGIC: "Invalid ELF magic",
  INVALID_CLASS: "Invalid ELF class",
  INVALID_DATA_ENCODING: "Invalid ELF data encoding",
  INVALID_VERSION: "Invalid ELF version",
  INVALID_PROGRAM_HEADER_SIZE: "Invalid ELF program header size",
  TOO_MANY_PROGRAM_HEADERS: "2^16 or more ELF program headers is unsupported",
  INVALID_ARCHITECTURE: "Invalid ELF architecture",
  INVALID_TYPE: "Invalid or unsupported ELF type, only ET_DYN is supported",
  FILESZ_GREATER_THAN_MEMSZ: "filesz > memsz in a PT_LOAD segment",
  OVERLAP: "Overlap in virtual addresses",
  LOAD_OVERFLOW: "load segment overflow the 64-bit memory space",
  BAD_ALIGNMENT: "Alignment must be multiple of the system page size",
  OFFSET_NOT_CONGRUENT: "Virtual address and offset in file are not at same offset in page",
  EXECUTABLE_STACK: "Fuchsia does not support executable stacks",
  VALUE_NOT_REPRESENTABLE: "Value does not fit in 53 bits",
  LOAD_END_NOT_REPRESENTABLE: "PT_LOAD segment end does not fit in 53 bits",
  SEGMENT_OUTSIDE_FILE: "Segment file range outside the file"
} as const

/** The page size the alignment check uses: riscv64 Zircon's. */
const PAGE_SIZE = 4096n
/** Exclusive bound of the values a number holds exactly. */
const LIMIT = 2n ** 53n
/** The largest 64-bit unsigned value. */
const U64_MAX = 2n ** 64n - 1n

const hex = (n: number | bigint): string => `0x${n.toString(16)}`

/** The file header as read: 64-bit fields as bigint until the hardening pass converts them. */
export interface RawFileHeader {
  readonly class: number
  readonly data: number
  readonly identVersion: number
  readonly osAbi: number
  readonly abiVersion: number
  readonly type: number
  readonly machine: number
  readonly version: number
  readonly entry: bigint
  readonly phoff: bigint
  readonly shoff: bigint
  readonly flags: number
  readonly ehsize: number
  readonly phentsize: number
  readonly phnum: number
  readonly shentsize: number
  readonly shnum: number
  readonly shstrndx: number
}

/**
 * Decodes and checks the file header, in the crate's order. `bytes` holds at least 64 bytes (the
 * caller pads a shorter file with zeros, as a VMO's last page is).
 */
export const readFileHeader = (bytes: Uint8Array): RawFileHeader | InvalidFileHeader => {
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== ELF_MAGIC[i]) {
      return new InvalidFileHeader({
        reason: Reason.INVALID_MAGIC,
        detail: `bytes ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ")}`
      })
    }
  }
  if (bytes[4] !== ElfClass.ELF64) {
    return new InvalidFileHeader({ reason: Reason.INVALID_CLASS, detail: `EI_CLASS ${bytes[4]}` })
  }
  if (bytes[5] !== NATIVE_ENCODING) {
    return new InvalidFileHeader({ reason: Reason.INVALID_DATA_ENCODING, detail: `EI_DATA ${bytes[5]}` })
  }
  if (bytes[6] !== ElfVersion.CURRENT) {
    return new InvalidFileHeader({ reason: Reason.INVALID_VERSION, detail: `EI_VERSION ${bytes[6]}` })
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, FILE_HEADER_SIZE)
  const phentsize = view.getUint16(54, true)
  if (phentsize !== PROGRAM_HEADER_SIZE) {
    return new InvalidFileHeader({ reason: Reason.INVALID_PROGRAM_HEADER_SIZE, detail: `e_phentsize ${phentsize}` })
  }
  const phnum = view.getUint16(56, true)
  if (phnum === 0xffff) {
    return new InvalidFileHeader({ reason: Reason.TOO_MANY_PROGRAM_HEADERS, detail: `e_phnum ${phnum}` })
  }
  const machine = view.getUint16(18, true)
  if (machine !== CURRENT_ARCH) {
    return new InvalidFileHeader({ reason: Reason.INVALID_ARCHITECTURE, detail: `e_machine ${machine}` })
  }
  const type = view.getUint16(16, true)
  if (type !== ElfType.DYN && type !== ElfType.EXEC) {
    return new InvalidFileHeader({ reason: Reason.INVALID_TYPE, detail: `e_type ${type}` })
  }
  return {
    class: bytes[4],
    data: bytes[5],
    identVersion: bytes[6],
    osAbi: bytes[7],
    abiVersion: bytes[8],
    type,
    machine,
    version: view.getUint32(20, true),
    entry: view.getBigUint64(24, true),
    phoff: view.getBigUint64(32, true),
    shoff: view.getBigUint64(40, true),
    flags: view.getUint32(48, true),
    ehsize: view.getUint16(52, true),
    phentsize,
    phnum,
    shentsize: view.getUint16(58, true),
    shnum: view.getUint16(60, true),
    shstrndx: view.getUint16(62, true)
  }
}

/**
 * Where the program header table is: null when there is none, OUT_OF_RANGE when it does not lie
 * inside the file's `fileSize` bytes (the crate reads it from the VMO and gets OUT_OF_RANGE past the
 * VMO's end; this also refuses a table in the zero padding after the file's last byte).
 */
export const tableExtent = (
  header: RawFileHeader,
  fileSize: number
): { readonly offset: number; readonly length: number } | null | ReadError => {
  if (header.phnum === 0) return null
  const length = header.phnum * PROGRAM_HEADER_SIZE
  if (header.phoff + BigInt(length) > BigInt(fileSize)) {
    return new ReadError({
      status: Status.OUT_OF_RANGE,
      detail: `program header table [${hex(header.phoff)}, ${
        hex(header.phoff + BigInt(length))
      }) ends past the end of the file (${hex(fileSize)} bytes)`
    })
  }
  return { offset: Number(header.phoff), length }
}

interface RawProgramHeader {
  readonly type: number
  readonly flags: number
  readonly offset: bigint
  readonly vaddr: bigint
  readonly paddr: bigint
  readonly filesz: bigint
  readonly memsz: bigint
  readonly align: bigint
}

const decodeProgramHeaders = (table: Uint8Array, count: number): Array<RawProgramHeader> => {
  const view = new DataView(table.buffer, table.byteOffset, count * PROGRAM_HEADER_SIZE)
  const out = new Array<RawProgramHeader>(count)
  for (let i = 0, at = 0; i < count; i++, at += PROGRAM_HEADER_SIZE) {
    out[i] = {
      type: view.getUint32(at, true),
      flags: view.getUint32(at + 4, true),
      offset: view.getBigUint64(at + 8, true),
      vaddr: view.getBigUint64(at + 16, true),
      paddr: view.getBigUint64(at + 24, true),
      filesz: view.getBigUint64(at + 32, true),
      memsz: view.getBigUint64(at + 40, true),
      align: view.getBigUint64(at + 48, true)
    }
  }
  return out
}

/** The crate's program header checks, in its order, exactly. */
const crateChecks = (headers: ReadonlyArray<RawProgramHeader>): InvalidProgramHeader | undefined => {
  let vaddrHigh = 0n
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]
    if (h.type === SegmentType.LOAD) {
      if (h.filesz > h.memsz) {
        return new InvalidProgramHeader({
          reason: Reason.FILESZ_GREATER_THAN_MEMSZ,
          index: i,
          detail: `p_filesz ${hex(h.filesz)} > p_memsz ${hex(h.memsz)}`
        })
      }
      if (h.vaddr < vaddrHigh) {
        return new InvalidProgramHeader({
          reason: Reason.OVERLAP,
          index: i,
          detail: `p_vaddr ${hex(h.vaddr)} is below the end of the previous PT_LOAD, ${hex(vaddrHigh)}`
        })
      }
      const end = h.vaddr + h.memsz
      if (end > U64_MAX) {
        return new InvalidProgramHeader({
          reason: Reason.LOAD_OVERFLOW,
          index: i,
          detail: `p_vaddr ${hex(h.vaddr)} + p_memsz ${hex(h.memsz)}`
        })
      }
      vaddrHigh = end
      if (h.align % PAGE_SIZE !== 0n) {
        return new InvalidProgramHeader({ reason: Reason.BAD_ALIGNMENT, index: i, detail: `p_align ${hex(h.align)}` })
      }
      if (h.align !== 0n && h.vaddr % h.align !== h.offset % h.align) {
        return new InvalidProgramHeader({
          reason: Reason.OFFSET_NOT_CONGRUENT,
          index: i,
          detail: `p_vaddr ${hex(h.vaddr)} and p_offset ${hex(h.offset)} differ modulo p_align ${hex(h.align)}`
        })
      }
    } else if (h.type === SegmentType.GNU_STACK) {
      if ((h.flags & SegmentFlags.EXECUTE) !== 0) {
        return new InvalidProgramHeader({
          reason: Reason.EXECUTABLE_STACK,
          index: i,
          detail: `p_flags ${hex(h.flags)}`
        })
      }
    }
  }
  return undefined
}

const FILE_FIELDS = ["entry", "phoff", "shoff"] as const
const FILE_FIELD_NAMES = { entry: "e_entry", phoff: "e_phoff", shoff: "e_shoff" } as const
const SEGMENT_FIELDS = ["offset", "vaddr", "paddr", "filesz", "memsz", "align"] as const

/** The hardening checks, run once the crate's checks have passed. */
const hardeningChecks = (
  header: RawFileHeader,
  headers: ReadonlyArray<RawProgramHeader>,
  fileSize: bigint
): InvalidFileHeader | InvalidProgramHeader | undefined => {
  for (const field of FILE_FIELDS) {
    if (header[field] >= LIMIT) {
      return new InvalidFileHeader({
        reason: Reason.VALUE_NOT_REPRESENTABLE,
        detail: `${FILE_FIELD_NAMES[field]} ${hex(header[field])}`
      })
    }
  }
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]
    for (const field of SEGMENT_FIELDS) {
      if (h[field] >= LIMIT) {
        return new InvalidProgramHeader({
          reason: Reason.VALUE_NOT_REPRESENTABLE,
          index: i,
          detail: `p_${field} ${hex(h[field])}`
        })
      }
    }
    if (h.type === SegmentType.LOAD && h.vaddr + h.memsz >= LIMIT) {
      return new InvalidProgramHeader({
        reason: Reason.LOAD_END_NOT_REPRESENTABLE,
        index: i,
        detail: `p_vaddr ${hex(h.vaddr)} + p_memsz ${hex(h.memsz)} = ${hex(h.vaddr + h.memsz)}`
      })
    }
    if (h.type !== SegmentType.NULL && h.filesz > 0n && h.offset + h.filesz > fileSize) {
      return new InvalidProgramHeader({
        reason: Reason.SEGMENT_OUTSIDE_FILE,
        index: i,
        detail: `${segmentTypeName(h.type)} bytes [${hex(h.offset)}, ${hex(h.offset + h.filesz)}) but the file has ${
          hex(fileSize)
        } bytes`
      })
    }
  }
  return undefined
}

/** Decoded, checked headers with every 64-bit field as an exact number. */
export class ParsedHeaders {
  constructor(
    readonly fileHeader: Elf64FileHeader,
    readonly programHeaders: ReadonlyArray<Elf64ProgramHeader>
  ) {}
}

/**
 * Decodes and checks the program header table (`table`, null when `e_phnum` is 0) of a file of
 * `fileSize` bytes whose header is `header`, then runs the hardening checks.
 */
export const finish = (
  header: RawFileHeader,
  table: Uint8Array | null,
  fileSize: number
): ParsedHeaders | InvalidFileHeader | InvalidProgramHeader => {
  const raw = table === null ? [] : decodeProgramHeaders(table, header.phnum)
  const crate = crateChecks(raw)
  if (crate !== undefined) return crate
  const hardening = hardeningChecks(header, raw, BigInt(fileSize))
  if (hardening !== undefined) return hardening
  const fileHeader: Elf64FileHeader = {
    class: header.class,
    data: header.data,
    identVersion: header.identVersion,
    osAbi: header.osAbi,
    abiVersion: header.abiVersion,
    type: header.type,
    machine: header.machine,
    version: header.version,
    entry: Number(header.entry),
    phoff: Number(header.phoff),
    shoff: Number(header.shoff),
    flags: header.flags,
    ehsize: header.ehsize,
    phentsize: header.phentsize,
    phnum: header.phnum,
    shentsize: header.shentsize,
    shnum: header.shnum,
    shstrndx: header.shstrndx
  }
  const programHeaders = raw.map((h): Elf64ProgramHeader => ({
    type: h.type,
    flags: h.flags,
    offset: Number(h.offset),
    vaddr: Number(h.vaddr),
    paddr: Number(h.paddr),
    filesz: Number(h.filesz),
    memsz: Number(h.memsz),
    align: Number(h.align)
  }))
  return new ParsedHeaders(fileHeader, programHeaders)
}
