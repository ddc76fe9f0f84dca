/**
 * A small ELF64 reader that checks the properties every prebuilt static PIE must have, used by the
 * build script after linking and by the tests on the committed binaries: riscv64 ET_DYN, no
 * PT_INTERP, only R_RISCV_RELATIVE dynamic relocations (all the start-up applies), the entry at
 * `_start`, and no undefined weak symbol (code compiled without -fPIE reaches such a symbol
 * PC-relatively, which in a PIE yields the load address instead of 0).
 * @internal
 */

const EM_RISCV = 243
const ET_DYN = 3
const PT_LOAD = 1
const PT_DYNAMIC = 2
const PT_INTERP = 3
const SHT_SYMTAB = 2
const DT_RELA = 7
const DT_RELASZ = 8
const DT_REL = 17
const DT_RELR = 36
const DT_JMPREL = 23
const R_RISCV_RELATIVE = 3
const STB_WEAK = 2

/** What the reader found in one file. */
export interface StaticPieFacts {
  readonly type: number
  readonly machine: number
  readonly entry: bigint
  readonly programHeaderTypes: ReadonlyArray<number>
  /** The type of each dynamic relocation in DT_RELA. */
  readonly relocationTypes: ReadonlyArray<number>
  /** Dynamic tags naming relocation tables other than DT_RELA (REL, RELR, JMPREL). */
  readonly otherRelocationTables: ReadonlyArray<number>
  /** The value of `_start` in the symbol table, if there is one. */
  readonly start: bigint | undefined
  readonly undefinedWeak: ReadonlyArray<string>
}

const cString = (bytes: Uint8Array, at: number): string => {
  let end = at
  while (end < bytes.length && bytes[end] !== 0) end++
  return new TextDecoder().decode(bytes.subarray(at, end))
}

/** Reads the facts; throws on a file too short or not ELF64 little-endian (a defect in a prebuilt file). */
export const read = (bytes: Uint8Array): StaticPieFacts => {
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

  const relocationTypes: Array<number> = []
  const otherRelocationTables: Array<number> = []
  const dynamic = phdrs.find((p) => p.type === PT_DYNAMIC)
  if (dynamic !== undefined) {
    let rela = 0
    let relasz = 0
    for (let at = dynamic.offset; at + 16 <= dynamic.offset + dynamic.filesz; at += 16) {
      const tag = num(at)
      const value = num(at + 8)
      if (tag === 0) break
      if (tag === DT_RELA) rela = value
      if (tag === DT_RELASZ) relasz = value
      if (tag === DT_REL || tag === DT_RELR || tag === DT_JMPREL) otherRelocationTables.push(tag)
    }
    if (relasz > 0) {
      const start = fileOffset(rela)
      for (let at = start; at < start + relasz; at += 24) relocationTypes.push(u32(at + 8))
    }
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
    relocationTypes,
    otherRelocationTables,
    start,
    undefinedWeak
  }
}

/** Everything wrong with the file as a static PIE for zxsim; empty when it is one. */
export const problems = (bytes: Uint8Array): Array<string> => {
  const facts = read(bytes)
  const found: Array<string> = []
  if (facts.machine !== EM_RISCV) found.push(`machine ${facts.machine}, not RISC-V`)
  if (facts.type !== ET_DYN) found.push(`type ${facts.type}, not ET_DYN`)
  if (facts.programHeaderTypes.includes(PT_INTERP)) found.push("has PT_INTERP")
  if (!facts.programHeaderTypes.includes(PT_LOAD)) found.push("no PT_LOAD")
  const other = facts.relocationTypes.filter((t) => t !== R_RISCV_RELATIVE)
  if (other.length > 0) found.push(`dynamic relocation types other than R_RISCV_RELATIVE: ${[...new Set(other)].join(", ")}`)
  if (facts.otherRelocationTables.length > 0) found.push(`relocation tables other than DT_RELA: ${facts.otherRelocationTables.join(", ")}`)
  if (facts.start === undefined) found.push("no _start symbol")
  else if (facts.start !== facts.entry) found.push(`entry 0x${facts.entry.toString(16)} is not _start (0x${facts.start.toString(16)})`)
  if (facts.undefinedWeak.length > 0) found.push(`undefined weak symbols: ${facts.undefinedWeak.join(", ")}`)
  return found
}
