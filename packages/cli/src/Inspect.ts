/**
 * Text renderings for the `readelf` and `vmaps` commands: an ELF file's headers, and the address
 * space of a built process.
 *
 * @since 0.1.0
 */
import type * as Elf64Headers from "@zxsim/elf/Elf64Headers"
import { ElfMachine, ElfType, segmentTypeName } from "@zxsim/elf/ElfConstants"
import * as ElfDynamic from "@zxsim/elf/ElfDynamic"
import type { RegionInfo } from "@zxsim/kernel/Kernel"
import { VmOption } from "@zxsim/kernel/VmOptions"

const hex = (n: number, width = 0) => `0x${n.toString(16).padStart(width, "0")}`

const typeNames: Record<number, string> = {
  [ElfType.NONE]: "NONE",
  [ElfType.REL]: "REL (Relocatable file)",
  [ElfType.EXEC]: "EXEC (Executable file)",
  [ElfType.DYN]: "DYN (Shared object file)",
  [ElfType.CORE]: "CORE (Core file)"
}

const machineName = (machine: number) =>
  Object.entries(ElfMachine).find(([, value]) => value === machine)?.[0] ?? hex(machine)

const flagString = (flags: number) => `${flags & 4 ? "R" : " "}${flags & 2 ? "W" : " "}${flags & 1 ? "E" : " "}`

/** `readelf`: the file header, the program headers, the interpreter and the needed libraries. */
export const readelf = (bytes: Uint8Array, headers: Elf64Headers.Elf64Headers): string => {
  const h = headers.fileHeader
  const lines = [
    "ELF Header:",
    `  Class:                   ELF64`,
    `  Data:                    2's complement, little endian`,
    `  Type:                    ${typeNames[h.type] ?? hex(h.type)}`,
    `  Machine:                 ${machineName(h.machine)}`,
    `  Entry point address:     ${hex(h.entry)}`,
    `  Program headers:         ${h.phnum} at ${hex(h.phoff)} (${h.phentsize} bytes each)`,
    `  Section headers:         ${h.shnum} at ${hex(h.shoff)}`,
    `  Flags:                   ${hex(h.flags)}`,
    "",
    "Program Headers:",
    "  Type           Offset   VirtAddr           FileSiz  MemSiz   Flg Align"
  ]
  for (const p of headers.programHeaders) {
    lines.push(
      `  ${segmentTypeName(p.type).replace(/^PT_/, "").padEnd(14)} ${hex(p.offset, 6)} ${hex(p.vaddr, 16)} ${hex(p.filesz, 6)} ${
        hex(p.memsz, 6)
      } ${flagString(p.flags)} ${hex(p.align)}`
    )
    if (p.type === 3 && p.offset + p.filesz <= bytes.length) {
      const name = new TextDecoder().decode(bytes.subarray(p.offset, p.offset + p.filesz)).replace(/\0+$/, "")
      lines.push(`      [Requesting program interpreter: ${name}]`)
    }
  }
  const dynamic = headers.programHeaders.find((p) => p.type === 2)
  if (dynamic !== undefined && dynamic.offset + dynamic.filesz <= bytes.length) {
    const entries = ElfDynamic.decodeEntries(bytes.subarray(dynamic.offset, dynamic.offset + dynamic.filesz))
    const strtabEntry = entries.find((e) => e.tag === BigInt(ElfDynamic.DynamicTag.STRTAB))
    const needed = entries.filter((e) => e.tag === BigInt(ElfDynamic.DynamicTag.NEEDED))
    if (strtabEntry !== undefined && needed.length > 0 && strtabEntry.value < 2n ** 53n) {
      const strtab = Number(strtabEntry.value)
      // The string table's vaddr; the PT_LOAD holding it gives its file offset.
      const load = headers.programHeaders.find((p) => p.type === 1 && strtab >= p.vaddr && strtab < p.vaddr + p.filesz)
      if (load !== undefined) {
        const base = strtab - load.vaddr + load.offset
        lines.push("", "Dynamic section:")
        for (const n of needed) {
          if (n.value >= 2n ** 32n) continue
          const start = base + Number(n.value)
          let end = start
          while (end < bytes.length && bytes[end] !== 0) end++
          lines.push(`  NEEDED  ${new TextDecoder().decode(bytes.subarray(start, end))}`)
        }
      }
    }
  }
  return lines.join("\n")
}

const perms = (p: number) =>
  `${p & VmOption.PERM_READ ? "r" : "-"}${p & VmOption.PERM_WRITE ? "w" : "-"}${p & VmOption.PERM_EXECUTE ? "x" : "-"}`

/** `vmaps`: every VMAR and mapping, depth first, like Fuchsia's `vmaps` tool. */
export const vmaps = (root: { readonly base: number; readonly len: number }, regions: ReadonlyArray<RegionInfo>): string => {
  const lines = [`${hex(root.base, 12)}-${hex(root.base + root.len, 12)} ${(root.len / 1024).toFixed(0).padStart(12)}K      root VMAR`]
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
        `${indent}${range} ${size} ${perms(r.perms)}  ${r.vmoName === "" ? "(unnamed)" : r.vmoName} [vmo koid ${r.vmoKoid}, offset ${
          hex(r.vmoOffset)
        }, ${r.committedPages} committed]`
      )
    }
  }
  return lines.join("\n")
}
