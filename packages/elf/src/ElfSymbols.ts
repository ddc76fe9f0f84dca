/**
 * Symbol tables: the `Elf64_Sym` entries of an image's `.symtab` (or, stripped, its `.dynsym`),
 * read through the section headers, and the lookup a crash report needs: the function or object
 * nearest below an address, as `symbol+offset`. The loader never needs this (it works from program
 * headers); tools do.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { ParseError } from "./ElfParseError.js"

/**
 * `st_info` symbol types (`STT_*`) a lookup considers.
 *
 * @since 0.1.0
 * @category utils
 */
export const SymbolType = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4, TLS: 6 } as const

/**
 * Section types (`SHT_*`) holding symbols.
 *
 * @since 0.1.0
 * @category utils
 */
export const SectionType = { SYMTAB: 2, STRTAB: 3, DYNSYM: 11 } as const

/**
 * One symbol: its name, link-time address (relative to the image's load bias), size, type and binding.
 *
 * @since 0.1.0
 * @category models
 */
export interface ElfSymbol {
  readonly name: string
  readonly value: number
  readonly size: number
  readonly type: number
  /** `STB_LOCAL` 0, `STB_GLOBAL` 1, `STB_WEAK` 2. */
  readonly bind: number
}

/**
 * An image's symbols that name code or data, sorted by address.
 *
 * @since 0.1.0
 * @category models
 */
export interface SymbolTable {
  readonly symbols: ReadonlyArray<ElfSymbol>
}

const SHDR_SIZE = 64
const SYM_SIZE = 24
/**
 * Most symbols read from one table: a bound on the work a hostile file can ask for.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_SYMBOLS = 1_000_000

const parseError = (reason: string) => new ParseError({ reason })

/**
 * Reads the symbol table of an ELF64 little-endian image: `.symtab` when present, else `.dynsym`
 * (an image with neither has an empty table). Keeps named FUNC, OBJECT and NOTYPE symbols with a
 * non-zero address defined in a section of the image (not absolute, not undefined). Fails with a `ParseError` naming the section or entry that does not fit the
 * file.
 *
 * @since 0.1.0
 * @category utils
 */
export const read = (bytes: Uint8Array): Effect.Effect<SymbolTable, ParseError> =>
  Effect.suspend(() => {
    if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
      return Effect.fail(parseError("not an ELF file"))
    }
    if (bytes[4] !== 2 || bytes[5] !== 1) return Effect.fail(parseError("not ELF64 little-endian"))
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const shoff = Number(view.getBigUint64(0x28, true))
    const shentsize = view.getUint16(0x3a, true)
    const shnum = view.getUint16(0x3c, true)
    if (shnum === 0) return Effect.succeed({ symbols: [] })
    if (shentsize !== SHDR_SIZE) {
      return Effect.fail(parseError(`section header size ${shentsize}, expected ${SHDR_SIZE}`))
    }
    if (shoff > bytes.length || shoff + shnum * SHDR_SIZE > bytes.length) {
      return Effect.fail(parseError(`section headers at 0x${shoff.toString(16)} (${shnum}) past the end of the file`))
    }
    const section = (i: number) => {
      const at = shoff + i * SHDR_SIZE
      return {
        type: view.getUint32(at + 4, true),
        offset: Number(view.getBigUint64(at + 0x18, true)),
        size: Number(view.getBigUint64(at + 0x20, true)),
        link: view.getUint32(at + 0x28, true),
        entsize: Number(view.getBigUint64(at + 0x38, true))
      }
    }
    let chosen = -1
    for (let i = 0; i < shnum; i++) {
      const t = section(i).type
      if (t === SectionType.SYMTAB) {
        chosen = i
        break
      }
      if (t === SectionType.DYNSYM && chosen < 0) chosen = i
    }
    if (chosen < 0) return Effect.succeed({ symbols: [] })
    const table = section(chosen)
    if (table.entsize !== SYM_SIZE) {
      return Effect.fail(parseError(`section ${chosen}: symbol size ${table.entsize}, expected ${SYM_SIZE}`))
    }
    if (table.offset + table.size > bytes.length) {
      return Effect.fail(parseError(`section ${chosen}: symbols past the end of the file`))
    }
    if (table.link >= shnum) {
      return Effect.fail(parseError(`section ${chosen}: string table ${table.link} does not exist`))
    }
    const strings = section(table.link)
    if (strings.type !== SectionType.STRTAB || strings.offset + strings.size > bytes.length) {
      return Effect.fail(parseError(`section ${table.link}: not a string table inside the file`))
    }
    const count = Math.min(Math.floor(table.size / SYM_SIZE), MAX_SYMBOLS)
    const decoder = new TextDecoder()
    const symbols: Array<ElfSymbol> = []
    for (let i = 1; i < count; i++) {
      const at = table.offset + i * SYM_SIZE
      const nameAt = view.getUint32(at, true)
      const type = bytes[at + 4] & 0xf
      const bind = bytes[at + 4] >> 4
      const value = Number(view.getBigUint64(at + 8, true))
      const size = Number(view.getBigUint64(at + 16, true))
      if (type !== SymbolType.FUNC && type !== SymbolType.OBJECT && type !== SymbolType.NOTYPE) continue
      // Undefined, absolute and other special-section symbols mark no code or data of the image.
      const shndx = view.getUint16(at + 6, true)
      if (value === 0 || nameAt === 0 || nameAt >= strings.size || shndx === 0 || shndx >= 0xff00) continue
      let end = strings.offset + nameAt
      const limit = strings.offset + strings.size
      while (end < limit && bytes[end] !== 0) end++
      const name = decoder.decode(bytes.subarray(strings.offset + nameAt, end))
      // Local labels and mapping symbols say nothing to a reader.
      if (name.length === 0 || name.startsWith(".L") || name.startsWith("$")) continue
      symbols.push({ name, value, size, type, bind })
    }
    // By address; at one address a function first, then a global or weak symbol, then a sized one.
    symbols.sort((a, b) => a.value - b.value || rank(a) - rank(b))
    return Effect.succeed({ symbols })
  })

const rank = (s: ElfSymbol) => (s.type === SymbolType.FUNC ? 0 : 4) + (s.bind !== 0 ? 0 : 2) + (s.size > 0 ? 0 : 1)

/**
 * Where an address lies: the symbol at or below it and the offset from its start.
 *
 * @since 0.1.0
 * @category models
 */
export interface Location {
  readonly symbol: ElfSymbol
  readonly offset: number
}

/**
 * The symbol covering `address` (a link-time address: subtract the load bias first): the nearest
 * symbol at or below it, if its size covers the address (an unsized symbol covers up to the next
 * one). Undefined below the first symbol or past a sized symbol's end.
 *
 * @since 0.1.0
 * @category utils
 */
export const lookup = (table: SymbolTable, address: number): Location | undefined => {
  const symbols = table.symbols
  let lo = 0
  let hi = symbols.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    if (symbols[mid].value <= address) {
      found = mid
      lo = mid + 1
    } else {
      hi = mid - 1
    }
  }
  if (found < 0) return undefined
  // Among the symbols at that address prefer the first (sorted: functions, sized).
  let best = found
  while (best > 0 && symbols[best - 1].value === symbols[found].value) best--
  const symbol = symbols[best]
  const offset = address - symbol.value
  if (symbol.size > 0 && offset >= symbol.size) return undefined
  return { symbol, offset }
}

/**
 * `name+0x1c`, or `name` at offset 0.
 *
 * @since 0.1.0
 * @category utils
 */
export const format = (location: Location): string =>
  location.offset === 0 ? location.symbol.name : `${location.symbol.name}+0x${location.offset.toString(16)}`
