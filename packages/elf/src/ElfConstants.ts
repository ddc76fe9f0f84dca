/**
 * The named values of the ELF64 format that the parser, the loader and the fixture writer share:
 * identification bytes, file types, machines, segment types and flags, and the sizes of the two
 * header records. Values are the ELF specification's; names follow the C headers without their
 * prefixes (`SegmentType.LOAD` is `PT_LOAD`).
 *
 * @since 0.1.0
 */

/**
 * Size in bytes of the ELF64 file header (`Elf64_Ehdr`).
 *
 * @since 0.1.0
 * @category constants
 */
export const FILE_HEADER_SIZE = 64

/**
 * Size in bytes of one ELF64 program header (`Elf64_Phdr`); `e_phentsize` must equal it.
 *
 * @since 0.1.0
 * @category constants
 */
export const PROGRAM_HEADER_SIZE = 56

/**
 * The four magic bytes every ELF file starts with: `\x7fELF`.
 *
 * @since 0.1.0
 * @category constants
 */
export const ELF_MAGIC: ReadonlyArray<number> = [0x7f, 0x45, 0x4c, 0x46]

/**
 * `e_ident[EI_CLASS]`: the word size of the file. Only ELF64 is accepted.
 *
 * @since 0.1.0
 * @category utils
 */
export const ElfClass = {
  NONE: 0,
  ELF32: 1,
  ELF64: 2
} as const

/**
 * `e_ident[EI_DATA]`: the byte order of the file. Only little-endian (riscv64's) is accepted.
 *
 * @since 0.1.0
 * @category utils
 */
export const ElfData = {
  NONE: 0,
  LSB: 1,
  MSB: 2
} as const

/**
 * `e_ident[EI_VERSION]` and `e_version`: the format version. Only CURRENT is accepted in the ident.
 *
 * @since 0.1.0
 * @category utils
 */
export const ElfVersion = {
  NONE: 0,
  CURRENT: 1
} as const

/**
 * `e_type`: the kind of file. ET_DYN and ET_EXEC are accepted; both load at a kernel-chosen base.
 *
 * @since 0.1.0
 * @category utils
 */
export const ElfType = {
  NONE: 0,
  REL: 1,
  EXEC: 2,
  DYN: 3,
  CORE: 4
} as const

/**
 * `e_machine`: the instruction set. The loader accepts only {@link CURRENT_ARCH}.
 *
 * @since 0.1.0
 * @category utils
 */
export const ElfMachine = {
  NONE: 0,
  I386: 3,
  ARM: 40,
  X86_64: 62,
  AARCH64: 183,
  RISCV: 243
} as const

/**
 * The machine this simulation runs: RISC-V (riscv64 guests).
 *
 * @since 0.1.0
 * @category constants
 */
export const CURRENT_ARCH: number = ElfMachine.RISCV

/**
 * The byte order of this simulation's machine: little-endian.
 *
 * @since 0.1.0
 * @category constants
 */
export const NATIVE_ENCODING: number = ElfData.LSB

/**
 * `p_type` values. The parser checks LOAD and GNU_STACK segments and the builder looks for INTERP,
 * DYNAMIC and GNU_STACK; every other type (including the extra names here, kept for fixtures and
 * tools) is carried through unchecked.
 *
 * @since 0.1.0
 * @category utils
 */
export const SegmentType = {
  NULL: 0,
  LOAD: 1,
  DYNAMIC: 2,
  INTERP: 3,
  NOTE: 4,
  SHLIB: 5,
  PHDR: 6,
  TLS: 7,
  GNU_EH_FRAME: 0x6474e550,
  GNU_STACK: 0x6474e551,
  GNU_RELRO: 0x6474e552
} as const

/**
 * `p_flags` bits. Other bits are ignored wherever permissions are derived.
 *
 * @since 0.1.0
 * @category utils
 */
export const SegmentFlags = {
  EXECUTE: 0x1,
  WRITE: 0x2,
  READ: 0x4
} as const

/**
 * The `p_flags` bits that carry permissions.
 *
 * @since 0.1.0
 * @category constants
 */
export const SEGMENT_FLAGS_MASK = SegmentFlags.EXECUTE | SegmentFlags.WRITE | SegmentFlags.READ

const segmentTypeNames = new Map<number, string>(
  Object.entries(SegmentType).map(([name, value]) => [value, `PT_${name}`])
)

/**
 * The C name of a segment type (`"PT_INTERP"`), or its hex value when it has no name here.
 *
 * @since 0.1.0
 * @category utils
 */
export const segmentTypeName = (type: number): string => segmentTypeNames.get(type) ?? `0x${(type >>> 0).toString(16)}`
