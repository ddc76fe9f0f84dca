/**
 * Reading a static library (`ar` archive of ELF64 relocatable objects) to find what keeps its
 * objects out of a position-independent program: read-only sections holding absolute 64-bit
 * relocations (`R_RISCV_64`, pointer tables in `.rodata`). Debian's picolibc is compiled without
 * `-fPIC`, so its pointer tables sit in `.rodata`; in a PIE every such word needs a dynamic
 * relocation, which the linker refuses in a read-only segment. The build moves those sections to
 * `.data.rel.ro` (RELRO: relocated at start-up, then made read-only), as `-fPIC` would have.
 *
 * @since 0.1.0
 */

/** One member of an archive. */
export interface ArchiveMember {
  readonly name: string
  readonly data: Uint8Array
}

const text = (bytes: Uint8Array, start: number, end: number) =>
  new TextDecoder("latin1").decode(bytes.subarray(start, end))

/**
 * The members of a GNU `ar` archive in order (the symbol table `/` and the long-name table `//`
 * left out), or a string saying what is malformed.
 *
 * @since 0.1.0
 * @category archives
 */
export const archiveMembers = (bytes: Uint8Array): ReadonlyArray<ArchiveMember> | string => {
  if (text(bytes, 0, 8) !== "!<arch>\n") return "not an ar archive (no !<arch> magic)"
  const members: Array<ArchiveMember> = []
  let longNames = ""
  let offset = 8
  while (offset + 60 <= bytes.length) {
    const header = text(bytes, offset, offset + 60)
    if (header.slice(58, 60) !== "`\n") return `archive member header at ${offset}: bad terminator`
    const size = Number.parseInt(header.slice(48, 58).trim(), 10)
    if (!Number.isSafeInteger(size) || size < 0 || offset + 60 + size > bytes.length) {
      return `archive member header at ${offset}: size ${header.slice(48, 58).trim()} out of range`
    }
    const rawName = header.slice(0, 16).trimEnd()
    const data = bytes.subarray(offset + 60, offset + 60 + size)
    if (rawName === "//") longNames = text(data, 0, data.length)
    else if (rawName !== "/" && rawName !== "/SYM64/") {
      let name = rawName.endsWith("/") ? rawName.slice(0, -1) : rawName
      if (/^\/\d+$/.test(rawName)) {
        const at = Number(rawName.slice(1))
        const end = longNames.indexOf("/\n", at)
        if (end < 0) return `archive member at ${offset}: long name ${rawName} not in the name table`
        name = longNames.slice(at, end)
      }
      members.push({ name, data })
    }
    offset += 60 + size + (size % 2)
  }
  return members
}

const SHT_RELA = 4
const SHF_WRITE = 1n
const SHF_ALLOC = 2n
const SHF_EXECINSTR = 4n
const R_RISCV_64 = 2n

/**
 * The names of the read-only data sections of an ELF64 little-endian relocatable object that an
 * `R_RISCV_64` relocation writes into (allocated, neither writable nor executable). Anything that
 * is not such an object has none.
 *
 * @since 0.1.0
 * @category archives
 */
export const readOnlyAbsoluteSections = (object: Uint8Array): ReadonlyArray<string> => {
  if (object.length < 64 || object[0] !== 0x7f || text(object, 1, 4) !== "ELF" || object[4] !== 2 || object[5] !== 1) {
    return []
  }
  const view = new DataView(object.buffer, object.byteOffset, object.byteLength)
  const shoff = Number(view.getBigUint64(0x28, true))
  const shentsize = view.getUint16(0x3a, true)
  const shnum = view.getUint16(0x3c, true)
  const shstrndx = view.getUint16(0x3e, true)
  if (shentsize < 64 || shoff + shnum * shentsize > object.length || shstrndx >= shnum) return []
  const section = (i: number) => {
    const at = shoff + i * shentsize
    return {
      name: view.getUint32(at, true),
      type: view.getUint32(at + 4, true),
      flags: view.getBigUint64(at + 8, true),
      offset: Number(view.getBigUint64(at + 0x18, true)),
      size: Number(view.getBigUint64(at + 0x20, true)),
      info: view.getUint32(at + 0x2c, true),
      entsize: Number(view.getBigUint64(at + 0x38, true))
    }
  }
  const names = section(shstrndx)
  const nameOf = (offset: number) => {
    const start = names.offset + offset
    let end = start
    while (end < object.length && object[end] !== 0) end++
    return text(object, start, end)
  }
  const found = new Set<string>()
  for (let i = 0; i < shnum; i++) {
    const rela = section(i)
    if (rela.type !== SHT_RELA || rela.info >= shnum || rela.entsize < 24) continue
    const target = section(rela.info)
    if ((target.flags & SHF_ALLOC) === 0n || (target.flags & (SHF_WRITE | SHF_EXECINSTR)) !== 0n) continue
    if (rela.offset + rela.size > object.length) continue
    for (let at = rela.offset; at + 24 <= rela.offset + rela.size; at += rela.entsize) {
      if ((view.getBigUint64(at + 8, true) & 0xffffffffn) === R_RISCV_64) {
        found.add(nameOf(target.name))
        break
      }
    }
  }
  return [...found]
}

/**
 * The section a read-only section holding absolute relocations moves to: `.rodata` becomes
 * `.data.rel.ro`, `.rodata.x` (and `.srodata.x`) `.data.rel.ro.x`, anything else
 * `.data.rel.ro.<its name>`.
 *
 * @since 0.1.0
 * @category archives
 */
export const relroName = (name: string): string => {
  const match = /^\.s?rodata(\..*)?$/.exec(name)
  if (match !== null) return `.data.rel.ro${match[1] ?? ""}`
  return `.data.rel.ro${name.startsWith(".") ? name : `.${name}`}`
}
