/**
 * The vDSO, `libzircon.so`, generated from the syscall table. It is an ELF shared object for
 * riscv64 with a read-only segment (ELF and program headers, dynamic symbols, string table,
 * `DT_GNU_HASH` and `DT_HASH` tables, the dynamic section) and an executable segment of stubs,
 * one 16-byte stub per syscall: `li t0, <number>; ecall; ret`. Each stub is exported as
 * `_zx_<name>` and, weakly, `zx_<name>`. There is no writable segment and no relocation, so the
 * builder maps it read+execute unchanged; section headers are included so a linker can link guest
 * programs against it. The kernel accepts `ecall` only from the stub of the syscall being made.
 *
 * @since 0.1.0
 */
import { table } from "./Syscalls.js"

/**
 * Bytes per syscall stub.
 *
 * @since 0.1.0
 * @category constants
 */
export const STUB_SIZE = 16
/**
 * Offset of the `ecall` within a stub.
 *
 * @since 0.1.0
 * @category constants
 */
export const ECALL_OFFSET = 4
/**
 * The vDSO's shared object name.
 *
 * @since 0.1.0
 * @category constants
 */
export const SONAME = "libzircon.so"

const PAGE = 4096
const pageEnd = (x: number) => Math.ceil(x / PAGE) * PAGE

/**
 * The GNU hash of a symbol name (`h = h * 33 + c`, 32-bit).
 *
 * @since 0.1.0
 * @category utils
 */
export const gnuHash = (name: string): number => {
  let h = 5381
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 33) + name.charCodeAt(i)) >>> 0
  return h
}

/**
 * The SysV ELF hash of a symbol name.
 *
 * @since 0.1.0
 * @category utils
 */
export const sysvHash = (name: string): number => {
  let h = 0
  for (let i = 0; i < name.length; i++) {
    h = ((h << 4) + name.charCodeAt(i)) >>> 0
    const g = h & 0xf0000000
    if (g !== 0) h ^= g >>> 24
    h &= ~g >>> 0
  }
  return h >>> 0
}

/**
 * One exported symbol of the vDSO.
 *
 * @since 0.1.0
 * @category models
 */
export interface VdsoSymbol {
  readonly name: string
  /** Offset of the stub from the start of the image (its vaddr). */
  readonly value: number
  readonly size: number
  readonly weak: boolean
}

/**
 * The layout facts of the generated image.
 *
 * @since 0.1.0
 * @category models
 */
export interface VdsoLayout {
  /** File offset (= vaddr) of the executable segment, where stub 0 starts. */
  readonly codeOffset: number
  readonly symbols: ReadonlyArray<VdsoSymbol>
}

class Writer {
  readonly bytes: Uint8Array
  readonly view: DataView
  constructor(size: number) {
    this.bytes = new Uint8Array(size)
    this.view = new DataView(this.bytes.buffer)
  }
  u8(at: number, v: number) {
    this.view.setUint8(at, v)
  }
  u16(at: number, v: number) {
    this.view.setUint16(at, v, true)
  }
  u32(at: number, v: number) {
    this.view.setUint32(at, v >>> 0, true)
  }
  u64(at: number, v: number) {
    this.view.setBigUint64(at, BigInt(v), true)
  }
}

/** `addi t0, zero, n` (n < 2048). */
const liT0 = (n: number) => ((n & 0xfff) << 20) | (0 << 15) | (0 << 12) | (5 << 7) | 0x13
const ECALL = 0x00000073
const RET = 0x00008067 // jalr zero, 0(ra)

const build = (): { image: Uint8Array; layout: VdsoLayout } => {
  const stubs = table.map((s) => s.number)
  // Symbol names: _zx_ strong first per syscall then the zx_ alias.
  const names: Array<{ name: string; number: number; weak: boolean }> = []
  for (const s of table) {
    names.push({ name: `_zx_${s.name}`, number: s.number, weak: false })
    names.push({ name: `zx_${s.name}`, number: s.number, weak: true })
  }
  const nsyms = names.length + 1
  const nbuckets = Math.max(1, Math.ceil(names.length / 4))
  // GNU hash requires symbols grouped by bucket.
  const sorted = names
    .map((n) => ({ ...n, hash: gnuHash(n.name) }))
    .sort((a, b) => (a.hash % nbuckets) - (b.hash % nbuckets) || a.name.localeCompare(b.name))

  // String table: "", SONAME, then every symbol name.
  const strs: Array<string> = ["", SONAME, ...sorted.map((s) => s.name)]
  const strOffsets = new Map<string, number>()
  let strSize = 0
  for (const s of strs) {
    if (!strOffsets.has(s)) {
      strOffsets.set(s, strSize)
      strSize += s.length + 1
    }
  }

  const EHDR = 64
  const PHNUM = 4
  const phoff = EHDR
  let at = phoff + PHNUM * 56
  const align = (n: number, a: number) => Math.ceil(n / a) * a
  const dynsymOff = (at = align(at, 8))
  at += nsyms * 24
  const dynstrOff = at
  at += strSize
  const BLOOM = 1
  const gnuHashOff = (at = align(at, 8))
  const gnuHashSize = 16 + 8 * BLOOM + 4 * nbuckets + 4 * names.length
  at += gnuHashSize
  const hashOff = (at = align(at, 4))
  const sysvBuckets = nbuckets
  const hashSize = 8 + 4 * sysvBuckets + 4 * nsyms
  at += hashSize
  const dynamicOff = (at = align(at, 8))
  const dynEntries = 8
  at += dynEntries * 16
  const rEnd = at
  const codeOff = pageEnd(rEnd)
  const codeSize = stubs.length * STUB_SIZE
  // Section headers after the code, not loaded.
  const shstr = ["", ".dynsym", ".dynstr", ".gnu.hash", ".hash", ".dynamic", ".text", ".shstrtab"]
  const shstrOff = codeOff + codeSize
  const shstrOffsets: Array<number> = []
  let shstrSize = 0
  for (const s of shstr) {
    shstrOffsets.push(shstrSize)
    shstrSize += s.length + 1
  }
  const shoff = align(shstrOff + shstrSize, 8)
  const SHNUM = shstr.length
  const total = shoff + SHNUM * 64
  const w = new Writer(total)

  // ELF header.
  w.bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0)
  w.u16(16, 3) // ET_DYN
  w.u16(18, 243) // EM_RISCV
  w.u32(20, 1)
  w.u64(24, 0)
  w.u64(32, phoff)
  w.u64(40, shoff)
  w.u32(48, 0x1) // EF_RISCV_RVC, soft-float ABI (lp64)
  w.u16(52, EHDR)
  w.u16(54, 56)
  w.u16(56, PHNUM)
  w.u16(58, 64)
  w.u16(60, SHNUM)
  w.u16(62, SHNUM - 1)

  const phdr = (i: number, type: number, flags: number, offset: number, size: number, alignment: number) => {
    const b = phoff + i * 56
    w.u32(b, type)
    w.u32(b + 4, flags)
    w.u64(b + 8, offset)
    w.u64(b + 16, offset)
    w.u64(b + 24, offset)
    w.u64(b + 32, size)
    w.u64(b + 40, size)
    w.u64(b + 48, alignment)
  }
  phdr(0, 1, 4, 0, rEnd, PAGE) // PT_LOAD R
  phdr(1, 1, 5, codeOff, codeSize, PAGE) // PT_LOAD R+X
  phdr(2, 2, 4, dynamicOff, dynEntries * 16, 8) // PT_DYNAMIC
  phdr(3, 0x6474e551, 6, 0, 0, 16) // PT_GNU_STACK RW

  // Dynamic symbols (index 0 is the null symbol).
  const TEXT_SECTION = 6
  const symbols: Array<VdsoSymbol> = []
  sorted.forEach((s, i) => {
    const b = dynsymOff + (i + 1) * 24
    const value = codeOff + s.number * STUB_SIZE
    w.u32(b, strOffsets.get(s.name)!)
    w.u8(b + 4, ((s.weak ? 2 : 1) << 4) | 2) // STB_GLOBAL/WEAK, STT_FUNC
    w.u8(b + 5, 0)
    w.u16(b + 6, TEXT_SECTION)
    w.u64(b + 8, value)
    w.u64(b + 16, STUB_SIZE)
    symbols.push({ name: s.name, value, size: STUB_SIZE, weak: s.weak })
  })
  for (const [s, off] of strOffsets) {
    w.bytes.set(new TextEncoder().encode(s), dynstrOff + off)
  }

  // DT_GNU_HASH.
  const BLOOM_SHIFT = 6
  w.u32(gnuHashOff, nbuckets)
  w.u32(gnuHashOff + 4, 1)
  w.u32(gnuHashOff + 8, BLOOM)
  w.u32(gnuHashOff + 12, BLOOM_SHIFT)
  let bloom = 0n
  for (const s of sorted) {
    bloom |= 1n << BigInt(s.hash % 64)
    bloom |= 1n << BigInt((s.hash >>> BLOOM_SHIFT) % 64)
  }
  w.view.setBigUint64(gnuHashOff + 16, bloom, true)
  const bucketsAt = gnuHashOff + 16 + 8 * BLOOM
  const chainAt = bucketsAt + 4 * nbuckets
  sorted.forEach((s, i) => {
    const bucket = s.hash % nbuckets
    if (w.view.getUint32(bucketsAt + 4 * bucket, true) === 0) w.u32(bucketsAt + 4 * bucket, i + 1)
    const last = i + 1 === sorted.length || sorted[i + 1].hash % nbuckets !== bucket
    w.u32(chainAt + 4 * i, (s.hash & ~1) | (last ? 1 : 0))
  })

  // DT_HASH.
  w.u32(hashOff, sysvBuckets)
  w.u32(hashOff + 4, nsyms)
  const sysBucketAt = hashOff + 8
  const sysChainAt = sysBucketAt + 4 * sysvBuckets
  for (let i = 1; i < nsyms; i++) {
    const bucket = sysvHash(sorted[i - 1].name) % sysvBuckets
    w.u32(sysChainAt + 4 * i, w.view.getUint32(sysBucketAt + 4 * bucket, true))
    w.u32(sysBucketAt + 4 * bucket, i)
  }

  // Dynamic section.
  const dyn = [
    [14, strOffsets.get(SONAME)!], // DT_SONAME
    [4, hashOff], // DT_HASH
    [0x6ffffef5, gnuHashOff], // DT_GNU_HASH
    [6, dynsymOff], // DT_SYMTAB
    [5, dynstrOff], // DT_STRTAB
    [10, strSize], // DT_STRSZ
    [11, 24], // DT_SYMENT
    [0, 0] // DT_NULL
  ]
  dyn.forEach(([tag, value], i) => {
    w.u64(dynamicOff + i * 16, tag)
    w.u64(dynamicOff + i * 16 + 8, value)
  })

  // Stubs.
  for (const n of stubs) {
    const b = codeOff + n * STUB_SIZE
    w.u32(b, liT0(n))
    w.u32(b + 4, ECALL)
    w.u32(b + 8, RET)
    w.u32(b + 12, 0) // illegal: never reached
  }

  // Section headers.
  shstr.forEach((s, i) => w.bytes.set(new TextEncoder().encode(s), shstrOff + shstrOffsets[i]))
  const shdr = (
    i: number,
    type: number,
    flags: number,
    addr: number,
    offset: number,
    size: number,
    link: number,
    info: number,
    alignment: number,
    entsize: number
  ) => {
    const b = shoff + i * 64
    w.u32(b, shstrOffsets[i])
    w.u32(b + 4, type)
    w.u64(b + 8, flags)
    w.u64(b + 16, addr)
    w.u64(b + 24, offset)
    w.u64(b + 32, size)
    w.u32(b + 40, link)
    w.u32(b + 44, info)
    w.u64(b + 48, alignment)
    w.u64(b + 56, entsize)
  }
  const SHF_ALLOC = 2
  const SHF_EXECINSTR = 4
  shdr(1, 11, SHF_ALLOC, dynsymOff, dynsymOff, nsyms * 24, 2, 1, 8, 24) // .dynsym -> .dynstr
  shdr(2, 3, SHF_ALLOC, dynstrOff, dynstrOff, strSize, 0, 0, 1, 0) // .dynstr
  shdr(3, 0x6ffffff6, SHF_ALLOC, gnuHashOff, gnuHashOff, gnuHashSize, 1, 0, 8, 0) // .gnu.hash
  shdr(4, 5, SHF_ALLOC, hashOff, hashOff, hashSize, 1, 0, 4, 4) // .hash
  shdr(5, 6, SHF_ALLOC, dynamicOff, dynamicOff, dynEntries * 16, 2, 0, 8, 16) // .dynamic
  shdr(6, 1, SHF_ALLOC | SHF_EXECINSTR, codeOff, codeOff, codeSize, 0, 0, 16, 0) // .text
  shdr(7, 3, 0, 0, shstrOff, shstrSize, 0, 0, 1, 0) // .shstrtab

  return { image: w.bytes, layout: { codeOffset: codeOff, symbols } }
}

let cached: { image: Uint8Array; layout: VdsoLayout } | undefined

/**
 * The vDSO image (the bytes of `libzircon.so`).
 *
 * @since 0.1.0
 * @category utils
 */
export const image = (): Uint8Array => (cached ??= build()).image.slice()

/**
 * Where the stubs are and what the image exports.
 *
 * @since 0.1.0
 * @category utils
 */
export const layout = (): VdsoLayout => (cached ??= build()).layout
