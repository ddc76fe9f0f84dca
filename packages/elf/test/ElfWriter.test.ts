import { assert, describe, it } from "@effect/vitest"
import * as Elf64Headers from "@zxsim/elf/Elf64Headers"
import {
  ElfMachine,
  ElfType,
  FILE_HEADER_SIZE,
  PROGRAM_HEADER_SIZE,
  SegmentFlags,
  SegmentType
} from "@zxsim/elf/ElfConstants"
import * as ElfDynamic from "@zxsim/elf/ElfDynamic"
import * as ElfWriter from "@zxsim/elf/ElfWriter"
import * as Either from "effect/Either"
import * as Option from "effect/Option"

const parse = (bytes: Uint8Array) => Either.getOrThrowWith(Elf64Headers.fromBytes(bytes), (e) => new Error(e.message))

describe("ElfWriter", () => {
  it("the dynamic sample: ET_DYN riscv64 with PT_INTERP, R/RX/RW PT_LOADs (bss across pages), PT_DYNAMIC, PT_GNU_STACK", () => {
    const image = ElfWriter.build(ElfWriter.dynamicExecutable())
    const headers = parse(image.bytes)
    assert.strictEqual(headers.fileHeader.type, ElfType.DYN)
    assert.strictEqual(headers.fileHeader.machine, ElfMachine.RISCV)
    assert.strictEqual(headers.fileHeader.entry, ElfWriter.SampleLayout.entry)
    assert.deepStrictEqual(headers.programHeaders.map((h) => h.type), [
      SegmentType.INTERP,
      SegmentType.LOAD,
      SegmentType.LOAD,
      SegmentType.LOAD,
      SegmentType.DYNAMIC,
      SegmentType.GNU_STACK
    ])
    const loads = headers.programHeadersWithType(SegmentType.LOAD)
    assert.deepStrictEqual(loads.map((h) => h.flags), [
      SegmentFlags.READ,
      SegmentFlags.READ | SegmentFlags.EXECUTE,
      SegmentFlags.READ | SegmentFlags.WRITE
    ])
    const data = loads[2]
    assert.isAbove(data.memsz, data.filesz)
    assert.isAbove(Math.floor((data.vaddr + data.memsz - 1) / 4096), Math.floor((data.vaddr + data.filesz) / 4096))
    const interp = Option.getOrThrow(Either.getOrThrow(headers.programHeaderWithType(SegmentType.INTERP)))
    assert.strictEqual(
      new TextDecoder().decode(image.bytes.subarray(interp.offset, interp.offset + interp.filesz)),
      "ld.so.1\0"
    )
    const dynamic = Either.getOrThrow(ElfDynamic.fromBytes(image.bytes))
    const needed = Option.getOrThrow(dynamic.entryWithTag(ElfDynamic.DynamicTag.NEEDED))
    const strtab = Number(Option.getOrThrow(dynamic.entryWithTag(ElfDynamic.DynamicTag.STRTAB)).value)
    const name = image.bytes.subarray(strtab + Number(needed.value), strtab + Number(needed.value) + 9)
    assert.strictEqual(new TextDecoder().decode(name), "libfoo.so")
  })

  it("the static sample has the same layout without PT_INTERP; options set the interpreter and stack size", () => {
    const headers = parse(ElfWriter.write(ElfWriter.staticPie({ stackSize: 0x20000 })))
    assert.isTrue(Option.isNone(Either.getOrThrow(headers.programHeaderWithType(SegmentType.INTERP))))
    assert.strictEqual(
      Option.getOrThrow(Either.getOrThrow(headers.programHeaderWithType(SegmentType.GNU_STACK))).memsz,
      0x20000
    )
    const image = ElfWriter.write(ElfWriter.dynamicExecutable({ interpreter: "lib/ld-other.so" }))
    const interp = parse(image).programHeadersWithType(SegmentType.INTERP)[0]
    assert.strictEqual(
      new TextDecoder().decode(image.subarray(interp.offset, interp.offset + interp.filesz)),
      "lib/ld-other.so\0"
    )
  })

  it("lays out what is left out: table after the header, PT_LOAD payloads congruent with their addresses", () => {
    const image = ElfWriter.build({
      segments: [
        { vaddr: 0x1234, data: new Uint8Array([1, 2, 3]) },
        { type: SegmentType.NOTE, data: new Uint8Array([9]) },
        { vaddr: 0x5000, data: new Uint8Array([4]), memsz: 0x100 }
      ]
    })
    assert.strictEqual(image.header.phoff, FILE_HEADER_SIZE)
    assert.strictEqual(image.header.phnum, 3)
    const [a, note, b] = image.segments
    assert.strictEqual(Number(a.offset) % 4096, 0x234)
    assert.isAtLeast(Number(a.offset), FILE_HEADER_SIZE + 3 * PROGRAM_HEADER_SIZE)
    assert.strictEqual(Number(note.offset), Number(note.vaddr))
    assert.isAtLeast(Number(note.offset), Number(a.offset) + 3)
    assert.strictEqual(Number(b.offset) % 4096, 0)
    assert.strictEqual(b.memsz, 0x100)
    assert.strictEqual(image.bytes.length, Number(b.offset) + 1)
    assert.deepStrictEqual(Array.from(image.bytes.subarray(Number(a.offset), Number(a.offset) + 3)), [1, 2, 3])
    const headers = parse(image.bytes)
    assert.deepStrictEqual(headers.programHeaders.map((h) => h.offset), image.segments.map((s) => Number(s.offset)))
  })

  it("writes any field as given, including values no parser accepts, and bigint values modulo 2^64", () => {
    const bytes = ElfWriter.write({
      header: { magic: [1, 2, 3, 4], class: 9, phentsize: 1, entry: -1n, shoff: 2n ** 64n + 5n },
      segments: [{
        type: 0xdead,
        flags: 0xffff_ffff,
        offset: 2n ** 63n,
        vaddr: 1,
        paddr: 2,
        filesz: 3,
        memsz: 4,
        align: 5
      }]
    })
    const view = new DataView(bytes.buffer)
    assert.deepStrictEqual(Array.from(bytes.subarray(0, 5)), [1, 2, 3, 4, 9])
    assert.strictEqual(view.getUint16(54, true), 1)
    assert.strictEqual(view.getBigUint64(24, true), 2n ** 64n - 1n)
    assert.strictEqual(view.getBigUint64(40, true), 5n)
    assert.strictEqual(view.getUint32(64, true), 0xdead)
    assert.strictEqual(view.getUint32(68, true), 0xffff_ffff)
    assert.strictEqual(view.getBigUint64(72, true), 2n ** 63n)
    assert.deepStrictEqual([1, 2, 3, 4, 5].map((n, i) => view.getBigUint64(80 + i * 8, true)), [1n, 2n, 3n, 4n, 5n])
  })

  it("size truncates or pads; patches apply last; an explicit phoff or payload-less offset does not grow the file", () => {
    const base = ElfWriter.write({ segments: [{ vaddr: 0, data: new Uint8Array(16).fill(7) }] })
    assert.strictEqual(
      ElfWriter.write({ segments: [{ vaddr: 0, data: new Uint8Array(16).fill(7) }], size: 10 }).length,
      10
    )
    const padded = ElfWriter.write({
      segments: [{ vaddr: 0, data: new Uint8Array(16).fill(7) }],
      size: base.length + 100
    })
    assert.deepStrictEqual(padded.subarray(0, base.length), base)
    assert.isTrue(padded.subarray(base.length).every((b) => b === 0))
    const patched = ElfWriter.write({
      segments: [],
      patches: [{ offset: 0, bytes: [0] }, { offset: 63, bytes: [0xee] }]
    })
    assert.deepStrictEqual([patched[0], patched[63]], [0, 0xee])
    assert.strictEqual(
      ElfWriter.write({ header: { phoff: 0x10_0000 }, segments: [{ data: new Uint8Array(4) }] }).length,
      FILE_HEADER_SIZE + 4
    )
    assert.strictEqual(
      ElfWriter.write({ segments: [{ offset: 0x10_0000, filesz: 0x1000 }] }).length,
      FILE_HEADER_SIZE + PROGRAM_HEADER_SIZE
    )
  })

  it("fileHeader and programHeader give the raw records", () => {
    assert.strictEqual(ElfWriter.fileHeader().length, FILE_HEADER_SIZE)
    const ph = ElfWriter.programHeader({
      type: 1,
      flags: 5,
      offset: 0x1000,
      vaddr: 0x2000,
      paddr: 0x3000,
      filesz: 8,
      memsz: 9,
      align: 0x1000
    })
    const view = new DataView(ph.buffer)
    assert.strictEqual(ph.length, PROGRAM_HEADER_SIZE)
    assert.deepStrictEqual([view.getUint32(0, true), view.getUint32(4, true), view.getBigUint64(16, true)], [
      1,
      5,
      0x2000n
    ])
  })
})

describe("ElfDynamic", () => {
  it("a file without PT_DYNAMIC fails ParseError(Dynamic header not found) with NOT_FOUND", () => {
    const result = ElfDynamic.fromBytes(ElfWriter.write({ segments: [{ vaddr: 0, data: new Uint8Array(8) }] }))
    const error = Option.getOrThrow(Either.getLeft(result))
    assert.strictEqual(error._tag, "ParseError")
    assert.strictEqual(error.message, "Parse error: Dynamic header not found")
    assert.strictEqual(error.asZxStatus(), -25)
  })

  it("two PT_DYNAMIC segments fail MultipleHeaders; a parse failure passes through", () => {
    const two = ElfWriter.write({
      segments: [
        { vaddr: 0, data: new Uint8Array(64) },
        { type: SegmentType.DYNAMIC, offset: 0x1000, filesz: 16 },
        { type: SegmentType.DYNAMIC, offset: 0x1000, filesz: 16 }
      ]
    })
    assert.strictEqual(Option.getOrThrow(Either.getLeft(ElfDynamic.fromBytes(two)))._tag, "MultipleHeaders")
    assert.strictEqual(
      Option.getOrThrow(Either.getLeft(ElfDynamic.fromBytes(new Uint8Array(10))))._tag,
      "InvalidFileHeader"
    )
  })

  it("decodes whole entries only, as 64-bit values", () => {
    const bytes = new Uint8Array(40)
    const view = new DataView(bytes.buffer)
    view.setBigUint64(0, 2n ** 64n - 1n, true)
    view.setBigUint64(8, 42n, true)
    const entries = ElfDynamic.decodeEntries(bytes)
    assert.deepStrictEqual(entries, [{ tag: 2n ** 64n - 1n, value: 42n }, { tag: 0n, value: 0n }])
  })
})
