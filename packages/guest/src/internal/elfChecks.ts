/**
 * A small ELF64 reader that checks the properties every prebuilt file must have, used by the build
 * script after linking and by the tests on the committed files.
 *
 * - A static PIE (every static program, and ld.so.1): riscv64 ET_DYN, no PT_INTERP, no DT_NEEDED,
 *   only R_RISCV_RELATIVE dynamic relocations in DT_RELA (all its start-up applies), the entry at
 *   `_start`, and no undefined weak symbol (code compiled without -fPIE reaches such a symbol
 *   PC-relatively, which in a PIE yields the load address instead of 0).
 * - A dynamically linked program: riscv64 ET_DYN, PT_INTERP `ld.so.1`, DT_NEEDED naming
 *   `libzircon.so` and its libraries, only the relocation types ld.so.1 applies (RELATIVE, 64,
 *   JUMP_SLOT) with at least one JUMP_SLOT, no text relocations, the entry at `_start`, and no
 *   undefined weak symbol.
 * - A shared library: riscv64 ET_DYN, no PT_INTERP, no PT_TLS, its DT_SONAME, only the relocation
 *   types ld.so.1 applies, no text relocations.
 * @internal
 */

const EM_RISCV = 243
const ET_DYN = 3
const PT_LOAD = 1
const PT_DYNAMIC = 2
const PT_INTERP = 3
const PT_TLS = 7
const SHT_SYMTAB = 2
const DT_NEEDED = 1
const DT_PLTRELSZ = 2
const DT_STRTAB = 5
const DT_RELA = 7
const DT_RELASZ = 8
const DT_SONAME = 14
const DT_REL = 17
const DT_RELSZ = 18
const DT_PLTREL = 20
const DT_TEXTREL = 22
const DT_JMPREL = 23
const DT_FLAGS = 30
const DT_RELRSZ = 35
const DT_RELR = 36
const DF_TEXTREL = 4
const STB_WEAK = 2

/** The relocation types of RISC-V that zxsim's start-ups and ld.so.1 apply. */
export const RelocationType = { RELATIVE: 3, R64: 2, JUMP_SLOT: 5 } as const

/** What the reader found in one file. */
export interface ElfFacts {
  readonly type: number
  readonly machine: number
  readonly entry: bigint
  readonly programHeaderTypes: ReadonlyArray<number>
  /** The PT_INTERP string, without its NUL. */
  readonly interpreter: string | undefined
  /** DT_NEEDED names, in order. */
  readonly needed: ReadonlyArray<string>
  readonly soname: string | undefined
  /** The type of each relocation in DT_RELA, DT_REL and DT_JMPREL, in that order. */
  readonly relocationTypes: ReadonlyArray<number>
  /** The dynamic tags of the relocation tables present (DT_RELA, DT_REL, DT_RELR, DT_JMPREL). */
  readonly relocationTables: ReadonlyArray<number>
  /** Bytes of DT_RELR entries. */
  readonly relrSize: number
  readonly textRelocations: boolean
  /** The value of `_start` in the symbol table, if there is one. */
  readonly start: bigint | undefined
  readonly undefinedWeak: ReadonlyArray<string>
}

const decoder = new TextDecoder()

const cString = (bytes: Uint8Array, at: number): string => {
  let end = at
  while (end < bytes.length && bytes[end] !== 0) end++
  return decoder.decode(bytes.subarray(at, end))
}

/** Reads the facts; throws on a file too short or not ELF64 little-endian (a defect in a prebuilt file). */
export const read = (bytes: Uint8Array): ElfFacts => {
  if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new Error("not an ELF file")
  }
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new Error("not ELF64 little-endian")
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const u16 = (at: number) => view.getUint16(at, true)
  const u32 = (at: number) => view.getUint32(at, true)
  const u64 = (at: number) => view.getBigUint64(at, true)
  const num = (at: number) => Number(u64(at))

  const phoff = num(32)
  const phnum = u16(56)
  const phdrs = Array.from({ length: phnum }, (_, i) => {
    const at = phoff + i * 56
    return { type: u32(at), offset: num(at + 8), vaddr: num(at + 16), filesz: num(at + 32) }
  })
  const fileOffset = (vaddr: number): number => {
    const load = phdrs.find((p) => p.type === PT_LOAD && vaddr >= p.vaddr && vaddr < p.vaddr + p.filesz)
    if (load === undefined) throw new Error(`address 0x${vaddr.toString(16)} is not in the file`)
    return vaddr - load.vaddr + load.offset
  }

  const interp = phdrs.find((p) => p.type === PT_INTERP)
  const interpreter = interp === undefined
    ? undefined
    : cString(bytes.subarray(0, interp.offset + interp.filesz), interp.offset)

  const relocationTypes: Array<number> = []
  const relocationTables: Array<number> = []
  const needed: Array<string> = []
  let soname: string | undefined
  let relrSize = 0
  let textRelocations = false
  const dynamic = phdrs.find((p) => p.type === PT_DYNAMIC)
  if (dynamic !== undefined) {
    const tags = new Map<number, number>()
    const neededOffsets: Array<number> = []
    for (let at = dynamic.offset; at + 16 <= dynamic.offset + dynamic.filesz; at += 16) {
      const tag = num(at)
      const value = num(at + 8)
      if (tag === 0) break
      if (tag === DT_NEEDED) neededOffsets.push(value)
      else tags.set(tag, value)
      if (tag === DT_TEXTREL || (tag === DT_FLAGS && (value & DF_TEXTREL) !== 0)) textRelocations = true
    }
    const strtab = tags.get(DT_STRTAB)
    if (strtab !== undefined) {
      const strings = fileOffset(strtab)
      for (const offset of neededOffsets) needed.push(cString(bytes, strings + offset))
      const so = tags.get(DT_SONAME)
      if (so !== undefined) soname = cString(bytes, strings + so)
    }
    const table = (tag: number, sizeTag: number, entrySize: number) => {
      const address = tags.get(tag)
      if (address === undefined) return
      relocationTables.push(tag)
      const size = tags.get(sizeTag) ?? 0
      const start = fileOffset(address)
      for (let at = start; at < start + size; at += entrySize) relocationTypes.push(u32(at + 8))
    }
    table(DT_RELA, DT_RELASZ, 24)
    table(DT_REL, DT_RELSZ, 16)
    if (tags.has(DT_RELR)) {
      relocationTables.push(DT_RELR)
      relrSize = tags.get(DT_RELRSZ) ?? 0
    }
    table(DT_JMPREL, DT_PLTRELSZ, tags.get(DT_PLTREL) === DT_REL ? 16 : 24)
  }

  let start: bigint | undefined
  const undefinedWeak: Array<string> = []
  const shoff = num(40)
  const shnum = u16(60)
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * 64
    if (u32(sh + 4) !== SHT_SYMTAB) continue
    const symOffset = num(sh + 24)
    const symSize = num(sh + 32)
    const strtab = shoff + u32(sh + 40) * 64
    const strOffset = num(strtab + 24)
    for (let at = symOffset + 24; at < symOffset + symSize; at += 24) {
      const name = cString(bytes, strOffset + u32(at))
      const info = bytes[at + 4]!
      const shndx = u16(at + 6)
      if (name === "_start" && shndx !== 0) start = u64(at + 8)
      if (shndx === 0 && info >> 4 === STB_WEAK) undefinedWeak.push(name)
    }
  }

  return {
    type: u16(16),
    machine: u16(18),
    entry: u64(24),
    programHeaderTypes: phdrs.map((p) => p.type),
    interpreter,
    needed,
    soname,
    relocationTypes,
    relocationTables,
    relrSize,
    textRelocations,
    start,
    undefinedWeak
  }
}

const common = (facts: ElfFacts, found: Array<string>) => {
  if (facts.machine !== EM_RISCV) found.push(`machine ${facts.machine}, not RISC-V`)
  if (facts.type !== ET_DYN) found.push(`type ${facts.type}, not ET_DYN`)
  if (!facts.programHeaderTypes.includes(PT_LOAD)) found.push("no PT_LOAD")
}

const entryAtStart = (facts: ElfFacts, found: Array<string>) => {
  if (facts.start === undefined) found.push("no _start symbol")
  else if (facts.start !== facts.entry) {
    found.push(`entry 0x${facts.entry.toString(16)} is not _start (0x${facts.start.toString(16)})`)
  }
  if (facts.undefinedWeak.length > 0) found.push(`undefined weak symbols: ${facts.undefinedWeak.join(", ")}`)
}

const LINKER_TYPES: ReadonlyArray<number> = [RelocationType.RELATIVE, RelocationType.R64, RelocationType.JUMP_SLOT]

const linkerRelocations = (facts: ElfFacts, found: Array<string>) => {
  const other = facts.relocationTypes.filter((t) => !LINKER_TYPES.includes(t))
  if (other.length > 0) found.push(`relocation types ld.so.1 does not apply: ${[...new Set(other)].join(", ")}`)
  if (facts.textRelocations) found.push("text relocations")
}

/** Everything wrong with the file as a static PIE for zxsim; empty when it is one. */
export const staticPieProblems = (bytes: Uint8Array): Array<string> => {
  const facts = read(bytes)
  const found: Array<string> = []
  common(facts, found)
  if (facts.programHeaderTypes.includes(PT_INTERP)) found.push("has PT_INTERP")
  if (facts.needed.length > 0) found.push(`has DT_NEEDED: ${facts.needed.join(", ")}`)
  const other = facts.relocationTypes.filter((t) => t !== RelocationType.RELATIVE)
  if (other.length > 0) {
    found.push(`dynamic relocation types other than R_RISCV_RELATIVE: ${[...new Set(other)].join(", ")}`)
  }
  const tables = facts.relocationTables.filter((t) => t !== DT_RELA)
  if (tables.length > 0) found.push(`relocation tables other than DT_RELA: ${tables.join(", ")}`)
  entryAtStart(facts, found)
  return found
}

/**
 * Everything wrong with the file as a dynamically linked program started by `ld.so.1` that
 * needs `libraries` (besides `libzircon.so`); empty when it is one.
 */
export const dynamicProgramProblems = (bytes: Uint8Array, libraries: ReadonlyArray<string>): Array<string> => {
  const facts = read(bytes)
  const found: Array<string> = []
  common(facts, found)
  if (facts.interpreter !== "ld.so.1") found.push(`PT_INTERP ${JSON.stringify(facts.interpreter)}, not "ld.so.1"`)
  for (const name of ["libzircon.so", ...libraries]) {
    if (!facts.needed.includes(name)) found.push(`no DT_NEEDED ${name}`)
  }
  linkerRelocations(facts, found)
  if (!facts.relocationTypes.includes(RelocationType.JUMP_SLOT)) found.push("no R_RISCV_JUMP_SLOT relocation")
  entryAtStart(facts, found)
  return found
}

/** Everything wrong with the file as a shared library called `soname` for ld.so.1; empty when it is one. */
export const sharedLibraryProblems = (bytes: Uint8Array, soname: string): Array<string> => {
  const facts = read(bytes)
  const found: Array<string> = []
  common(facts, found)
  if (facts.programHeaderTypes.includes(PT_INTERP)) found.push("has PT_INTERP")
  if (facts.programHeaderTypes.includes(PT_TLS)) found.push("has PT_TLS")
  if (facts.soname !== soname) found.push(`DT_SONAME ${JSON.stringify(facts.soname)}, not ${JSON.stringify(soname)}`)
  linkerRelocations(facts, found)
  return found
}
