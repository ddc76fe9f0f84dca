/**
 * An ELF64 reader for the guest package's tests, written from the ELF specification independently
 * of the C under test (sysroot/src/dynlink.h): program headers, the dynamic section, the dynamic
 * symbol table (sized by its section header, not by a hash table), and the relocation tables
 * (RELA, REL with the addends read from the file, RELR decoded, DT_JMPREL).
 */

/** A program header. */
export interface Phdr {
  readonly type: number
  readonly flags: number
  readonly offset: number
  readonly vaddr: number
  readonly filesz: number
  readonly memsz: number
}

/** A dynamic symbol. */
export interface Symbol {
  readonly name: string
  readonly value: bigint
  readonly bind: number
  readonly type: number
  readonly shndx: number
}

/** One relocation: where (an address of the image), its type, symbol index and addend. */
export interface Relocation {
  readonly offset: number
  readonly type: number
  readonly symbol: number
  readonly addend: bigint
  /** From DT_REL (or a REL DT_JMPREL): the addend was read from the file at `offset`. */
  readonly implicit: boolean
}

/** What the tests need of a file. */
export interface Elf {
  readonly bytes: Uint8Array
  readonly phdrs: ReadonlyArray<Phdr>
  readonly dynamic: ReadonlyMap<number, bigint>
  readonly symbols: ReadonlyArray<Symbol>
  readonly relocations: ReadonlyArray<Relocation>
  /** The addresses RELR relocates. */
  readonly relr: ReadonlyArray<number>
  /** The 8-byte word at an address of the image as the file holds it (0 in bss). */
  readonly wordAt: (address: number) => bigint
}

const decoder = new TextDecoder()

/** Reads `bytes`. */
export const read = (bytes: Uint8Array): Elf => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const u16 = (at: number) => view.getUint16(at, true)
  const u32 = (at: number) => view.getUint32(at, true)
  const u64 = (at: number) => view.getBigUint64(at, true)
  const num = (at: number) => Number(u64(at))
  const phdrs: Array<Phdr> = []
  for (let i = 0; i < u16(56); i++) {
    const at = num(32) + i * 56
    phdrs.push({
      type: u32(at),
      flags: u32(at + 4),
      offset: num(at + 8),
      vaddr: num(at + 16),
      filesz: num(at + 32),
      memsz: num(at + 40)
    })
  }
  const fileOffset = (address: number): number | undefined => {
    const p = phdrs.find((p) => p.type === 1 && address >= p.vaddr && address < p.vaddr + p.filesz)
    return p === undefined ? undefined : address - p.vaddr + p.offset
  }
  const wordAt = (address: number): bigint => {
    const at = fileOffset(address)
    return at === undefined ? 0n : u64(at)
  }
  const dynamic = new Map<number, bigint>()
  const dyn = phdrs.find((p) => p.type === 2)
  if (dyn !== undefined) {
    for (let at = dyn.offset; at < dyn.offset + dyn.filesz; at += 16) {
      const tag = num(at)
      if (tag === 0) break
      if (!dynamic.has(tag)) dynamic.set(tag, u64(at + 8))
    }
  }
  const symbols: Array<Symbol> = []
  const shoff = num(40)
  for (let i = 0; i < u16(60); i++) {
    const sh = shoff + i * 64
    if (u32(sh + 4) !== 11) continue // SHT_DYNSYM
    const strings = num(shoff + u32(sh + 40) * 64 + 24)
    for (let at = num(sh + 24); at < num(sh + 24) + num(sh + 32); at += 24) {
      let end = strings + u32(at)
      while (bytes[end] !== 0) end++
      symbols.push({
        name: decoder.decode(bytes.subarray(strings + u32(at), end)),
        value: u64(at + 8),
        bind: bytes[at + 4]! >> 4,
        type: bytes[at + 4]! & 0xf,
        shndx: u16(at + 6)
      })
    }
  }
  const relocations: Array<Relocation> = []
  const table = (tag: number, sizeTag: number, rela: boolean) => {
    const address = dynamic.get(tag)
    if (address === undefined) return
    const start = fileOffset(Number(address))!
    const entry = rela ? 24 : 16
    for (let at = start; at < start + Number(dynamic.get(sizeTag) ?? 0n); at += entry) {
      const offset = num(at)
      relocations.push({
        offset,
        type: u32(at + 8),
        symbol: u32(at + 12),
        addend: rela ? view.getBigInt64(at + 16, true) : wordAt(offset),
        implicit: !rela
      })
    }
  }
  table(7, 8, true) // DT_RELA, DT_RELASZ
  table(17, 18, false) // DT_REL, DT_RELSZ
  table(23, 2, dynamic.get(20) !== 17n) // DT_JMPREL, DT_PLTRELSZ, DT_PLTREL
  const relr: Array<number> = []
  const relrAddress = dynamic.get(36)
  if (relrAddress !== undefined) {
    const start = fileOffset(Number(relrAddress))!
    let where = 0
    for (let at = start; at < start + Number(dynamic.get(35) ?? 0n); at += 8) {
      const entry = u64(at)
      if ((entry & 1n) === 0n) {
        relr.push(Number(entry))
        where = Number(entry) + 8
      } else {
        for (let bit = 1; bit < 64; bit++) if (((entry >> BigInt(bit)) & 1n) !== 0n) relr.push(where + (bit - 1) * 8)
        where += 63 * 8
      }
    }
  }
  return { bytes, phdrs, dynamic, symbols, relocations, relr, wordAt }
}

/** Whether `symbol` is a definition another object can bind to. */
export const isDefinition = (symbol: Symbol): boolean =>
  symbol.shndx !== 0 && symbol.type !== 6 && (symbol.bind === 1 || symbol.bind === 2 || symbol.bind === 10)

/** The standard RELR encoding of a sorted list of 8-byte-aligned addresses. */
export const encodeRelr = (addresses: ReadonlyArray<number>): Array<bigint> => {
  const out: Array<bigint> = []
  let i = 0
  while (i < addresses.length) {
    const start = addresses[i]!
    out.push(BigInt(start))
    let base = start + 8
    i++
    for (;;) {
      let bitmap = 0n
      while (i < addresses.length && addresses[i]! - base < 63 * 8) {
        bitmap |= 1n << BigInt((addresses[i]! - base) / 8)
        i++
      }
      if (bitmap === 0n) break
      out.push((bitmap << 1n) | 1n)
      base += 63 * 8
    }
  }
  return out
}
