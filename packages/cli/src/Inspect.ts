/**
 * Text renderings for the `readelf` and `vmaps` commands: an ELF file's headers, and the address
 * space of a built process.
 *
 * @since 0.1.0
 */
import { ElfMachine, ElfType, segmentTypeName } from "@zxsim/elf/ElfConstants"
import * as ElfDynamic from "@zxsim/elf/ElfDynamic"
import type { RegionInfo } from "@zxsim/kernel/Kernel"
import { VmOption } from "@zxsim/kernel/VmOptions"
import * as Data from "effect/Data"
import * as Either from "effect/Either"

const hex = (n: number, width = 0) => `0x${n.toString(16).padStart(width, "0")}`

const typeNames: Record<number, string> = {
  [ElfType.NONE]: "NONE",
  [ElfType.REL]: "REL (Relocatable file)",
  [ElfType.EXEC]: "EXEC (Executable file)",
  [ElfType.DYN]: "DYN (Shared object file)",
  [ElfType.CORE]: "CORE (Core file)"
}

/** Machine names for `e_machine` values ELF64 files commonly carry (the rest print in hex). */
const machines: Record<number, string> = {
  ...Object.fromEntries(Object.entries(ElfMachine).map(([name, value]) => [value, name])),
  2: "SPARC",
  8: "MIPS",
  21: "PPC64",
  22: "S390",
  43: "SPARCV9",
  50: "IA_64",
  247: "BPF",
  258: "LOONGARCH"
}

const machineName = (machine: number) => machines[machine] ?? hex(machine)

const flagString = (flags: number) => `${flags & 4 ? "R" : " "}${flags & 2 ? "W" : " "}${flags & 1 ? "E" : " "}`

const bigHex = (n: bigint, width = 0) => `0x${n.toString(16).padStart(width, "0")}`

/**
 * Why a file is not one `readelf` can read: not ELF, not 64-bit, or an unknown byte order.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotElf64 extends Data.TaggedError("NotElf64")<{ readonly message: string }> {}

/**
 * `readelf`: the file header, the program headers, the interpreter and the needed libraries of any
 * ELF64 file, of any machine, type and byte order (zxsim runs only RISC-V executables, but reads
 * anything). Tables that lie outside the file are reported as such instead of read.
 *
 * @since 0.1.0
 * @category utils
 */
export const readelf = (bytes: Uint8Array): Either.Either<string, NotElf64> => {
  if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    return Either.left(new NotElf64({ message: "not an ELF file (no ELF magic)" }))
  }
  if (bytes[4] !== 2) return Either.left(new NotElf64({ message: `not an ELF64 file (EI_CLASS ${bytes[4]})` }))
  if (bytes[5] !== 1 && bytes[5] !== 2) {
    return Either.left(new NotElf64({ message: `unknown byte order (EI_DATA ${bytes[5]})` }))
  }
  const little = bytes[5] === 1
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const u16 = (at: number) => view.getUint16(at, little)
  const u32 = (at: number) => view.getUint32(at, little)
  const u64 = (at: number) => view.getBigUint64(at, little)
  const type = u16(16)
  const phoff = u64(32)
  const phentsize = u16(54)
  const phnum = u16(56)
  const lines = [
    "ELF Header:",
    `  Class:                   ELF64`,
    `  Data:                    2's complement, ${little ? "little" : "big"} endian`,
    `  Type:                    ${typeNames[type] ?? hex(type)}`,
    `  Machine:                 ${machineName(u16(18))}`,
    `  Entry point address:     ${bigHex(u64(24))}`,
    `  Program headers:         ${phnum} at ${bigHex(phoff)} (${phentsize} bytes each)`,
    `  Section headers:         ${u16(60)} at ${bigHex(u64(40))}`,
    `  Flags:                   ${hex(u32(48))}`
  ]
  if (phnum === 0) return Either.right(lines.join("\n"))
  lines.push("", "Program Headers:")
  if (phentsize < 56 || phoff + BigInt(phnum) * BigInt(phentsize) > BigInt(bytes.length)) {
    lines.push(`  (the table lies outside the file or has ${phentsize}-byte entries)`)
    return Either.right(lines.join("\n"))
  }
  lines.push("  Type           Offset   VirtAddr           FileSiz  MemSiz   Flg Align")
  interface Segment {
    readonly type: number
    readonly offset: bigint
    readonly vaddr: bigint
    readonly filesz: bigint
  }
  const segments: Array<Segment> = []
  const inFile = (offset: bigint, size: bigint) => offset + size <= BigInt(bytes.length)
  const text = (offset: bigint, size: bigint) =>
    new TextDecoder().decode(bytes.subarray(Number(offset), Number(offset + size))).replace(/\0+$/, "")
  for (let i = 0; i < phnum; i++) {
    const at = Number(phoff) + i * phentsize
    const segment = { type: u32(at), offset: u64(at + 8), vaddr: u64(at + 16), filesz: u64(at + 32) }
    segments.push(segment)
    lines.push(
      `  ${segmentTypeName(segment.type).replace(/^PT_/, "").padEnd(14)} ${bigHex(segment.offset, 6)} ${
        bigHex(segment.vaddr, 16)
      } ${bigHex(segment.filesz, 6)} ${bigHex(u64(at + 40), 6)} ${flagString(u32(at + 4))} ${bigHex(u64(at + 48))}`
    )
    if (segment.type === 3 && inFile(segment.offset, segment.filesz)) {
      lines.push(`      [Requesting program interpreter: ${text(segment.offset, segment.filesz)}]`)
    }
  }
  const dynamic = segments.find((p) => p.type === 2)
  if (dynamic === undefined || !inFile(dynamic.offset, dynamic.filesz)) return Either.right(lines.join("\n"))
  // DT_* entries: (tag, value) pairs of 8 bytes each, up to DT_NULL.
  const entries: Array<{ readonly tag: bigint; readonly value: bigint }> = []
  for (let at = Number(dynamic.offset); at + 16 <= Number(dynamic.offset + dynamic.filesz); at += 16) {
    const tag = u64(at)
    if (tag === 0n) break
    entries.push({ tag, value: u64(at + 8) })
  }
  const strtab = entries.find((e) => e.tag === BigInt(ElfDynamic.DynamicTag.STRTAB))
  const needed = entries.filter((e) => e.tag === BigInt(ElfDynamic.DynamicTag.NEEDED))
  // The string table's vaddr; the PT_LOAD holding it gives its file offset.
  const load = strtab === undefined ?
    undefined :
    segments.find((p) => p.type === 1 && strtab.value >= p.vaddr && strtab.value < p.vaddr + p.filesz)
  if (strtab === undefined || load === undefined || needed.length === 0) return Either.right(lines.join("\n"))
  const base = strtab.value - load.vaddr + load.offset
  lines.push("", "Dynamic section:")
  for (const n of needed) {
    const start = base + n.value
    if (start >= BigInt(bytes.length)) continue
    let end = Number(start)
    while (end < bytes.length && bytes[end] !== 0) end++
    lines.push(`  NEEDED  ${new TextDecoder().decode(bytes.subarray(Number(start), end))}`)
  }
  return Either.right(lines.join("\n"))
}

const perms = (p: number) =>
  `${p & VmOption.PERM_READ ? "r" : "-"}${p & VmOption.PERM_WRITE ? "w" : "-"}${p & VmOption.PERM_EXECUTE ? "x" : "-"}`

/**
 * `vmaps`: every VMAR and mapping, depth first, like Fuchsia's `vmaps` tool.
 *
 * @since 0.1.0
 * @category utils
 */
export const vmaps = (
  root: { readonly base: number; readonly len: number },
  regions: ReadonlyArray<RegionInfo>
): string => {
  const lines = [
    `${hex(root.base, 12)}-${hex(root.base + root.len, 12)} ${
      (root.len / 1024).toFixed(0).padStart(12)
    }K      root VMAR`
  ]
  for (const r of regions) {
    const indent = "  ".repeat(r.depth + 1)
    const range = `${hex(r.base, 12)}-${hex(r.base + r.size, 12)}`
    const size = `${(r.size / 1024).toFixed(0)}K`.padStart(13)
    if (r._tag === "Vmar") {
      const can = `${r.canMap & VmOption.CAN_MAP_READ ? "r" : "-"}${r.canMap & VmOption.CAN_MAP_WRITE ? "w" : "-"}${
        r.canMap & VmOption.CAN_MAP_EXECUTE ? "x" : "-"
      }`
      lines.push(`${indent}${range} ${size} ${can}  VMAR koid ${r.koid}`)
    } else {
      lines.push(
        `${indent}${range} ${size} ${perms(r.perms)}  ${
          r.vmoName === "" ? "(unnamed)" : r.vmoName
        } [vmo koid ${r.vmoKoid}, offset ${hex(r.vmoOffset)}, ${r.committedPages} committed]`
      )
    }
  }
  return lines.join("\n")
}
