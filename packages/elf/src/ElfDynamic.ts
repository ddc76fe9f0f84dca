/**
 * The dynamic section (`PT_DYNAMIC`): the `Elf64_Dyn` entries a dynamic linker and tools such as
 * `readelf` read. The process builder does not need it (the dynamic linker runs in the guest); it is
 * here, as in the Fuchsia crate (`Elf64DynSection`), for tools and tests. Entries are kept as
 * bigint: tags and values are raw 64-bit data, never used in address arithmetic here.
 *
 * @since 0.1.0
 */
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Elf64Headers from "./Elf64Headers.js"
import { SegmentType } from "./ElfConstants.js"
import { type ElfParseError, ParseError, ReadError } from "./ElfParseError.js"

/**
 * Size in bytes of one `Elf64_Dyn` entry.
 *
 * @since 0.1.0
 * @category constants
 */
export const DYN_ENTRY_SIZE = 16

/**
 * `d_tag` values (`DT_*`).
 *
 * @since 0.1.0
 * @category utils
 */
export const DynamicTag = {
  NULL: 0,
  NEEDED: 1,
  PLTRELSZ: 2,
  PLTGOT: 3,
  HASH: 4,
  STRTAB: 5,
  SYMTAB: 6,
  RELA: 7,
  RELASZ: 8,
  RELAENT: 9,
  STRSZ: 10,
  SYMENT: 11,
  INIT: 12,
  FINI: 13,
  SONAME: 14,
  RPATH: 15,
  SYMBOLIC: 16,
  REL: 17,
  RELSZ: 18,
  RELENT: 19,
  PLTREL: 20,
  DEBUG: 21,
  TEXTREL: 22,
  JMPREL: 23,
  BIND_NOW: 24,
  INIT_ARRAY: 25,
  FINI_ARRAY: 26,
  INIT_ARRAYSZ: 27,
  FINI_ARRAYSZ: 28,
  RUNPATH: 29,
  FLAGS: 30,
  PREINIT_ARRAY: 32,
  PREINIT_ARRAYSZ: 33,
  RELRSZ: 35,
  RELR: 36,
  RELRENT: 37,
  LOOS: 0x6000000d,
  HIOS: 0x6ffff000,
  GNU_HASH: 0x6ffffef5,
  VERSYM: 0x6ffffff0,
  RELACOUNT: 0x6ffffff9,
  RELCOUNT: 0x6ffffffa,
  FLAGS_1: 0x6ffffffb,
  VERDEF: 0x6ffffffc,
  VERDEFNUM: 0x6ffffffd,
  VERNEED: 0x6ffffffe,
  VERNEEDNUM: 0x6fffffff,
  LOPROC: 0x70000000,
  HIPROC: 0x7fffffff
} as const

/**
 * One dynamic entry (`Elf64_Dyn`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Elf64Dyn {
  /** `d_tag`: a {@link DynamicTag} value or another number. */
  readonly tag: bigint
  /** `d_val` / `d_ptr`. */
  readonly value: bigint
}

/**
 * The entries of an image's dynamic section, in file order.
 *
 * @since 0.1.0
 * @category models
 */
export class Elf64DynSection {
  constructor(
    /** Every entry, including the DT_NULL that ends the list and anything after it. */
    readonly entries: ReadonlyArray<Elf64Dyn>
  ) {}

  /**
   * The first entry with tag `tag`, if any.
   *
   * @since 0.1.0
   */
  entryWithTag(tag: number | bigint): Option.Option<Elf64Dyn> {
    const wanted = BigInt(tag)
    return Option.fromNullable(this.entries.find((entry) => entry.tag === wanted))
  }
}

/**
 * Decodes `Elf64_Dyn` entries from bytes (a whole number of entries; a partial last one is ignored).
 *
 * @since 0.1.0
 * @category utils
 */
export const decodeEntries = (bytes: Uint8Array): ReadonlyArray<Elf64Dyn> => {
  const count = Math.floor(bytes.length / DYN_ENTRY_SIZE)
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * DYN_ENTRY_SIZE)
  const out = new Array<Elf64Dyn>(count)
  for (let i = 0; i < count; i++) {
    out[i] = { tag: view.getBigUint64(i * 16, true), value: view.getBigUint64(i * 16 + 8, true) }
  }
  return out
}

/** The PT_DYNAMIC header, or ParseError("Dynamic header not found"), or MultipleHeaders. */
const dynamicHeader = (
  headers: Elf64Headers.Elf64Headers
): Either.Either<Elf64Headers.Elf64ProgramHeader, ElfParseError> =>
  Either.flatMap(
    headers.programHeaderWithType(SegmentType.DYNAMIC),
    Option.match({
      onNone: () => Either.left(new ParseError({ reason: "Dynamic header not found" })),
      onSome: (header) => Either.right(header)
    })
  )

/** The byte range of the dynamic entries: `p_filesz / 16` whole entries at `p_offset`. */
const entriesRange = (header: Elf64Headers.Elf64ProgramHeader) => ({
  offset: header.offset,
  length: Math.floor(header.filesz / DYN_ENTRY_SIZE) * DYN_ENTRY_SIZE
})

/**
 * Parses the headers of the ELF file in `bytes` and decodes its dynamic section.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromBytes = (bytes: Uint8Array): Either.Either<Elf64DynSection, ElfParseError> =>
  Either.gen(function*() {
    const headers = yield* Elf64Headers.fromBytes(bytes)
    const { length, offset } = entriesRange(yield* dynamicHeader(headers))
    // Parsing checked that the segment's bytes lie inside the file.
    return new Elf64DynSection(decodeEntries(bytes.subarray(offset, offset + length)))
  })

/**
 * Parses the headers of the ELF file in `vmo` and reads its dynamic section: ParseError("Dynamic
 * header not found") without a PT_DYNAMIC segment, ReadError when the read fails.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromVmo = (vmo: Handle.Vmo): Effect.Effect<Elf64DynSection, ElfParseError, Kernel.Kernel> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const headers = yield* Elf64Headers.fromVmo(vmo)
    const { length, offset } = entriesRange(yield* dynamicHeader(headers))
    const bytes = yield* kernel.vmo.read(vmo, offset, length).pipe(
      Effect.mapError((e) => new ReadError({ status: e.status, detail: "reading the dynamic section" }))
    )
    return new Elf64DynSection(decodeEntries(bytes))
  }).pipe(Effect.withSpan("ElfDynamic.fromVmo", { captureStackTrace: false }))
