/**
 * @zxsim/elf: ELF64 header parsing and loading into a VMAR, as the Fuchsia crate's `elf_parse` and
 * `elf_load` modules do it, plus a fixture writer for tests.
 *
 * @since 0.1.0
 */

/** Named values of the ELF64 format: segment types and flags, machines, header sizes. */
export * as ElfConstants from "./ElfConstants.js"
/** Parsed and checked ELF64 headers, read from a VMO or from bytes. */
export * as Elf64Headers from "./Elf64Headers.js"
/** The errors parsing fails with, and their zx statuses. */
export * as ElfParseError from "./ElfParseError.js"
/** Loading an image's PT_LOAD segments into a new VMAR. */
export * as ElfLoad from "./ElfLoad.js"
/** The errors loading fails with, and their zx statuses. */
export * as ElfLoadError from "./ElfLoadError.js"
/** The dynamic section: `Elf64_Dyn` entries and `DT_*` tags. */
export * as ElfDynamic from "./ElfDynamic.js"
/** A test fixture builder that writes ELF64 images with every field overridable. */
export * as ElfWriter from "./ElfWriter.js"
/** Symbol tables (`.symtab`, `.dynsym`) and the nearest symbol below an address. */
export * as ElfSymbols from "./ElfSymbols.js"
