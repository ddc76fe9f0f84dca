/**
 * @zxsim/elf: ELF64 header parsing and loading into a VMAR, as the Fuchsia crate's `elf_parse` and
 * `elf_load` modules do it, plus a fixture writer for tests.
 *
 * @since 0.1.0
 */

/**
 * Named values of the ELF64 format: segment types and flags, machines, header sizes.
 *
 * @since 0.1.0
 */
export * as ElfConstants from "./ElfConstants.js"
/**
 * Parsed and checked ELF64 headers, read from a VMO or from bytes.
 *
 * @since 0.1.0
 */
export * as Elf64Headers from "./Elf64Headers.js"
/**
 * The errors parsing fails with, and their zx statuses.
 *
 * @since 0.1.0
 */
export * as ElfParseError from "./ElfParseError.js"
/**
 * Loading an image's PT_LOAD segments into a new VMAR.
 *
 * @since 0.1.0
 */
export * as ElfLoad from "./ElfLoad.js"
/**
 * The errors loading fails with, and their zx statuses.
 *
 * @since 0.1.0
 */
export * as ElfLoadError from "./ElfLoadError.js"
/**
 * The dynamic section: `Elf64_Dyn` entries and `DT_*` tags.
 *
 * @since 0.1.0
 */
export * as ElfDynamic from "./ElfDynamic.js"
/**
 * A test fixture builder that writes ELF64 images with every field overridable.
 *
 * @since 0.1.0
 */
export * as ElfWriter from "./ElfWriter.js"
/**
 * Symbol tables (`.symtab`, `.dynsym`) and the nearest symbol below an address.
 *
 * @since 0.1.0
 */
export * as ElfSymbols from "./ElfSymbols.js"
