/**
 * ELF64 headers: the file header and the program header table of an executable, shared object or
 * vDSO, read from a VMO (or from bytes) and checked before anything is loaded. This is the Fuchsia
 * crate's `elf_parse::Elf64Headers`: the same checks in the same order with the same messages and
 * error variants, plus the checks a hardened parser needs and the crate lacks (program header
 * table and segment bytes inside the file, 64-bit values that a number holds exactly).
 *
 * Only the headers are read: `fromVmo` reads the 64-byte file header and then the program header
 * table, never the rest of the file.
 *
 * @since 0.1.0
 */
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Status } from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { FILE_HEADER_SIZE, SEGMENT_FLAGS_MASK } from "./ElfConstants.js"
import { type ElfParseError, InvalidFileHeader, MultipleHeaders, ReadError } from "./ElfParseError.js"
import * as internal from "./internal/parse.js"
import { ParsedHeaders } from "./internal/parse.js"

/**
 * The message of every parse check: the crate's (verbatim, in `InvalidFileHeader.reason` and
 * `InvalidProgramHeader.reason`) and the hardening checks'.
 *
 * @since 0.1.0
 * @category utils
 */
export const Reason: typeof internal.Reason = internal.Reason

/**
 * The exclusive upper bound of every 64-bit header field the parser accepts (2^53): below it a
 * JavaScript number holds the value exactly, so addresses and sizes never lose precision. A larger
 * value fails with `Reason.VALUE_NOT_REPRESENTABLE`; no riscv64 address space comes near it.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_FIELD_VALUE = 2 ** 53

const U8 = Schema.Int.pipe(Schema.between(0, 0xff))
const U16 = Schema.Int.pipe(Schema.between(0, 0xffff))
const U32 = Schema.Int.pipe(Schema.between(0, 0xffff_ffff))
/** A 64-bit field as the parser accepts it: an integer below 2^53. */
const U64 = Schema.Int.pipe(Schema.between(0, MAX_FIELD_VALUE - 1))

/**
 * The ELF64 file header (`Elf64_Ehdr`) after parsing. The magic is always `\x7fELF` and is not
 * stored; the seven identification padding bytes are ignored.
 *
 * @since 0.1.0
 * @category utils
 */
export const Elf64FileHeader = Schema.Struct({
  /** `e_ident[EI_CLASS]`: always ELF64 after parsing. */
  class: U8,
  /** `e_ident[EI_DATA]`: always LSB after parsing. */
  data: U8,
  /** `e_ident[EI_VERSION]`: always 1 after parsing. */
  identVersion: U8,
  /** `e_ident[EI_OSABI]` (not checked). */
  osAbi: U8,
  /** `e_ident[EI_ABIVERSION]` (not checked). */
  abiVersion: U8,
  /** `e_type`: ET_DYN or ET_EXEC after parsing. */
  type: U16,
  /** `e_machine`: RISC-V after parsing. */
  machine: U16,
  /** `e_version` (not checked). */
  version: U32,
  /** `e_entry`: the entry point before relocation. */
  entry: U64,
  /** `e_phoff`: file offset of the program header table. */
  phoff: U64,
  /** `e_shoff`: file offset of the section header table (not used). */
  shoff: U64,
  /** `e_flags` (not checked). */
  flags: U32,
  /** `e_ehsize` (not checked). */
  ehsize: U16,
  /** `e_phentsize`: always 56 after parsing. */
  phentsize: U16,
  /** `e_phnum`: the number of program headers, below 0xFFFF. */
  phnum: U16,
  /** `e_shentsize` (not used). */
  shentsize: U16,
  /** `e_shnum` (not used). */
  shnum: U16,
  /** `e_shstrndx` (not used). */
  shstrndx: U16
})

/**
 * The ELF64 file header (`Elf64_Ehdr`) after parsing.
 *
 * @since 0.1.0
 * @category models
 */
export interface Elf64FileHeader extends Schema.Schema.Type<typeof Elf64FileHeader> {}

/**
 * One ELF64 program header (`Elf64_Phdr`) after parsing.
 *
 * @since 0.1.0
 * @category utils
 */
export const Elf64ProgramHeader = Schema.Struct({
  /** `p_type`: a `SegmentType` value, or any other number (carried through unchecked). */
  type: U32,
  /** `p_flags` as stored; {@link segmentFlags} keeps only the READ/WRITE/EXECUTE bits. */
  flags: U32,
  /** `p_offset`: file offset of the segment's bytes. */
  offset: U64,
  /** `p_vaddr`: the link-time address of the segment. */
  vaddr: U64,
  /** `p_paddr` (not used). */
  paddr: U64,
  /** `p_filesz`: bytes of the segment present in the file. */
  filesz: U64,
  /** `p_memsz`: bytes of the segment in memory (the rest after `filesz` is zero, the bss). */
  memsz: U64,
  /** `p_align`: 0 or a multiple of the page size for PT_LOAD. */
  align: U64
})

/**
 * One ELF64 program header (`Elf64_Phdr`) after parsing.
 *
 * @since 0.1.0
 * @category models
 */
export interface Elf64ProgramHeader extends Schema.Schema.Type<typeof Elf64ProgramHeader> {}

/**
 * The READ/WRITE/EXECUTE bits of a program header's flags (other bits are ignored, as the crate does).
 *
 * @since 0.1.0
 * @category utils
 */
export const segmentFlags = (header: Elf64ProgramHeader): number => header.flags & SEGMENT_FLAGS_MASK

/**
 * Identifies {@link Elf64Headers} values.
 *
 * @since 0.1.0
 * @category symbols
 */
export const TypeId: unique symbol = Symbol.for("@zxsim/elf/Elf64Headers")
/**
 * The type of {@link TypeId}.
 *
 * @since 0.1.0
 * @category models
 */
export type TypeId = typeof TypeId

/**
 * The checked headers of an ELF64 file: its file header and its program headers in file order.
 * Made only by {@link fromVmo} and {@link fromBytes}, so a value of this type has passed every check
 * and the loader can rely on it (PT_LOAD segments ascending and disjoint, values exact).
 *
 * @since 0.1.0
 * @category models
 */
export class Elf64Headers {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /** @internal */
  constructor(
    /** The file header. */
    readonly fileHeader: Elf64FileHeader,
    /** Every program header, in file order (empty when `e_phnum` is 0). */
    readonly programHeaders: ReadonlyArray<Elf64ProgramHeader>
  ) {}

  /**
   * Every program header of type `type` (a `SegmentType` value), in file order.
   *
   * @since 0.1.0
   */
  programHeadersWithType(type: number): ReadonlyArray<Elf64ProgramHeader> {
    return this.programHeaders.filter((header) => header.type === type)
  }

  /**
   * The program header of type `type` if there is one, none if there is none, and
   * `MultipleHeaders` if there are several: for types that must be unique, such as PT_INTERP and
   * PT_GNU_STACK. An `Either` can be yielded in `Effect.gen`.
   *
   * @since 0.1.0
   */
  programHeaderWithType(type: number): Either.Either<Option.Option<Elf64ProgramHeader>, MultipleHeaders> {
    let found: Elf64ProgramHeader | undefined
    for (const header of this.programHeaders) {
      if (header.type !== type) continue
      if (found !== undefined) return Either.left(new MultipleHeaders({ segmentType: type }))
      found = header
    }
    return Either.right(Option.fromNullable(found))
  }

  /**
   * @since 0.1.0
   */
  toJSON(): unknown {
    return { _id: "Elf64Headers", fileHeader: this.fileHeader, programHeaders: this.programHeaders }
  }
}

/**
 * Whether a value is {@link Elf64Headers}.
 *
 * @since 0.1.0
 * @category guards
 */
export const isElf64Headers = (u: unknown): u is Elf64Headers => typeof u === "object" && u !== null && TypeId in u

const fromParsed = (parsed: internal.ParsedHeaders): Elf64Headers =>
  new Elf64Headers(parsed.fileHeader, parsed.programHeaders)

/**
 * Parses the headers of the ELF file held in `bytes`. The result matches {@link fromVmo} over a VMO
 * holding the same bytes: a file shorter than the 64-byte header reads as if padded with zeros
 * (a VMO's last page is), and an empty one fails with `ReadError(OUT_OF_RANGE)`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromBytes = (bytes: Uint8Array): Either.Either<Elf64Headers, ElfParseError> => {
  if (bytes.length === 0) {
    return Either.left(new ReadError({ status: Status.OUT_OF_RANGE, detail: "reading the file header" }))
  }
  let headerBytes = bytes
  if (bytes.length < FILE_HEADER_SIZE) {
    headerBytes = new Uint8Array(FILE_HEADER_SIZE)
    headerBytes.set(bytes)
  }
  const header = internal.readFileHeader(headerBytes)
  if (header instanceof InvalidFileHeader) return Either.left(header)
  const extent = internal.tableExtent(header, bytes.length)
  if (extent instanceof ReadError) return Either.left(extent)
  const table = extent === null ? null : bytes.subarray(extent.offset, extent.offset + extent.length)
  const parsed = internal.finish(header, table, bytes.length)
  return parsed instanceof ParsedHeaders ? Either.right(fromParsed(parsed)) : Either.left(parsed)
}

/**
 * The file size the range checks use: the VMO's content size when the handle may read properties,
 * otherwise its size (a whole number of pages, which is as far as reads reach).
 */
const fileSizeOf = (kernel: Kernel.KernelShape, vmo: Handle.Vmo): Effect.Effect<number, ReadError> =>
  kernel.vmo.getContentSize(vmo).pipe(
    Effect.catchIf((e) => e.status === Status.ACCESS_DENIED, () => kernel.vmo.getSize(vmo)),
    Effect.mapError((e) => new ReadError({ status: e.status, detail: "getting the file size" }))
  )

/**
 * Reads and checks the headers of the ELF file in `vmo`: 64 bytes at offset 0, then (when
 * `e_phnum` > 0) the program header table at `e_phoff`, and nothing else. A failed read fails with
 * `ReadError` and its status; a failed check with the variant and message the crate gives, or with
 * a hardening check's message (see {@link Reason}). The handle needs READ.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromVmo = (vmo: Handle.Vmo): Effect.Effect<Elf64Headers, ElfParseError, Kernel.Kernel> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const headerBytes = yield* kernel.vmo.read(vmo, 0, FILE_HEADER_SIZE).pipe(
      Effect.mapError((e) => new ReadError({ status: e.status, detail: "reading the file header" }))
    )
    const header = internal.readFileHeader(headerBytes)
    if (header instanceof InvalidFileHeader) return yield* header
    let table: Uint8Array | null = null
    let fileSize = 0
    if (header.phnum > 0) {
      fileSize = yield* fileSizeOf(kernel, vmo)
      const extent = internal.tableExtent(header, fileSize)
      if (extent instanceof ReadError) return yield* extent
      if (extent !== null) {
        table = yield* kernel.vmo.read(vmo, extent.offset, extent.length).pipe(
          Effect.mapError((e) => new ReadError({ status: e.status, detail: "reading the program header table" }))
        )
      }
    }
    const parsed = internal.finish(header, table, fileSize)
    if (!(parsed instanceof ParsedHeaders)) return yield* parsed
    return fromParsed(parsed)
  }).pipe(Effect.withSpan("Elf64Headers.fromVmo", { captureStackTrace: false }))
