import { assert, describe, it } from "@effect/vitest"
import * as Elf64Headers from "@zxsim/elf/Elf64Headers"
import { ElfMachine, ElfType, SegmentFlags, SegmentType } from "@zxsim/elf/ElfConstants"
import * as ElfDynamic from "@zxsim/elf/ElfDynamic"
import * as ElfParseError from "@zxsim/elf/ElfParseError"
import * as ElfWriter from "@zxsim/elf/ElfWriter"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Rights } from "@zxsim/kernel/Rights"
import { Status } from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { HEADER_AARCH64, HEADER_RISCV64, HEADER_X86_64 } from "./fixtures/goldens.js"
import { countingKernel, type ReadCounter, withKernel } from "./utils/kernel.js"
import { parseBoth, parseError, parseOk } from "./utils/parse.js"

const R = SegmentFlags.READ
const W = SegmentFlags.WRITE
const X = SegmentFlags.EXECUTE

/** A valid image with one PT_LOAD segment plus `extra` segments after it. */
const oneLoad = (load: ElfWriter.SegmentSpec = {}, extra: ReadonlyArray<ElfWriter.SegmentSpec> = []) =>
  ElfWriter.write({
    segments: [{ type: SegmentType.LOAD, flags: R | X, vaddr: 0x1000, data: new Uint8Array(0x100), ...load }, ...extra]
  })

const assertFileHeaderError = (error: ElfParseError.ElfParseError, reason: string) => {
  assert.strictEqual(error._tag, "InvalidFileHeader")
  assert.strictEqual((error as ElfParseError.InvalidFileHeader).reason, reason)
  assert.strictEqual(error.asZxStatus(), Status.NOT_FOUND)
  assert.isTrue(error.message.startsWith(`Invalid ELF file header: ${reason}`))
}

const assertProgramHeaderError = (error: ElfParseError.ElfParseError, reason: string, index: number) => {
  assert.strictEqual(error._tag, "InvalidProgramHeader")
  assert.strictEqual((error as ElfParseError.InvalidProgramHeader).reason, reason)
  assert.strictEqual((error as ElfParseError.InvalidProgramHeader).index, index)
  assert.strictEqual(error.asZxStatus(), Status.NOT_FOUND)
  assert.isTrue(error.message.startsWith(`Invalid ELF program header: ${reason}`))
}

const assertReadError = (error: ElfParseError.ElfParseError, status: number) => {
  assert.strictEqual(error._tag, "ReadError")
  assert.strictEqual((error as ElfParseError.ReadError).status, status)
  assert.strictEqual(error.asZxStatus(), status)
}

describe("Elf64Headers: the crate's unit tests", () => {
  it.effect("test_parse_file_header", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const vmo = yield* kernel.vmo.create(HEADER_RISCV64.length)
      yield* kernel.vmo.write(vmo, 0, HEADER_RISCV64)
      const headers = yield* Elf64Headers.fromVmo(vmo)
      assert.deepStrictEqual(headers.fileHeader, {
        class: 2,
        data: 1,
        identVersion: 1,
        osAbi: 0,
        abiVersion: 0,
        type: ElfType.DYN,
        machine: ElfMachine.RISCV,
        version: 1,
        entry: 0x10000,
        phoff: 0,
        shoff: 0,
        flags: 0,
        ehsize: 64,
        phentsize: 56,
        phnum: 0,
        shentsize: 0,
        shnum: 0,
        shstrndx: 0
      })
      assert.strictEqual(headers.programHeaders.length, 0)
    })))

  it.effect("test_parse_wrong_arch", () =>
    withKernel(Effect.gen(function*() {
      for (const header of [HEADER_AARCH64, HEADER_X86_64]) {
        const error = yield* parseError(header)
        assertFileHeaderError(error, "Invalid ELF architecture")
      }
    })))

  it.effect("test_parse_program_headers", () =>
    withKernel(Effect.gen(function*() {
      const headers = yield* parseOk(ElfWriter.write(ElfWriter.dynamicExecutable()))
      assert.isAbove(headers.programHeaders.length, 0)
      assert.isTrue(Option.isSome(yield* headers.programHeaderWithType(SegmentType.INTERP)))
      assert.strictEqual(headers.programHeadersWithType(SegmentType.DYNAMIC).length, 1)
      assert.isAbove(headers.programHeadersWithType(SegmentType.LOAD).length, 1)
    })))

  it.effect("test_parse_dynamic_section", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const vmo = yield* kernel.vmo.fromBytes(ElfWriter.write(ElfWriter.dynamicExecutable()))
      const section = yield* ElfDynamic.fromVmo(vmo)
      assert.isAbove(section.entries.length, 0)
    })))

  it.effect("test_parse_static_pie", () =>
    withKernel(Effect.gen(function*() {
      const headers = yield* parseOk(ElfWriter.write(ElfWriter.staticPie()))
      assert.isAbove(headers.programHeaders.length, 0)
      assert.isTrue(Option.isNone(yield* headers.programHeaderWithType(SegmentType.INTERP)))
      assert.strictEqual(headers.programHeadersWithType(SegmentType.DYNAMIC).length, 1)
      assert.isAbove(headers.programHeadersWithType(SegmentType.LOAD).length, 1)
    })))

  it.effect("test_parse_program_header_bad_alignment", () =>
    withKernel(Effect.gen(function*() {
      const error = yield* parseError(ElfWriter.write({
        segments: [{
          flags: R | X,
          align: 4096 + 1024,
          offset: 0x1000,
          vaddr: 0x1000,
          paddr: 0x1000,
          filesz: 0x1000,
          memsz: 0x1000,
          data: new Uint8Array(0x1000)
        }]
      }))
      assertProgramHeaderError(error, "Alignment must be multiple of the system page size", 0)
    })))

  it.effect("test_parse_program_header_bad_offset_and_vaddr", () =>
    withKernel(Effect.gen(function*() {
      const error = yield* parseError(ElfWriter.write({
        segments: [{
          flags: R | X,
          align: 4096,
          offset: 0x1001,
          vaddr: 0x1002,
          paddr: 0x1000,
          filesz: 0x1000,
          memsz: 0x1000,
          data: new Uint8Array(0x1000)
        }]
      }))
      assertProgramHeaderError(error, "Virtual address and offset in file are not at same offset in page", 0)
    })))
})

describe("Elf64Headers: golden file headers", () => {
  it("the writer reproduces the riscv64 golden header byte for byte", () => {
    assert.deepStrictEqual(ElfWriter.fileHeader({ entry: 0x10000 }), HEADER_RISCV64)
    assert.deepStrictEqual(ElfWriter.fileHeader({ entry: 0x10000, machine: ElfMachine.X86_64 }), HEADER_X86_64)
    assert.deepStrictEqual(ElfWriter.fileHeader({ entry: 0x10000, machine: ElfMachine.AARCH64 }), HEADER_AARCH64)
  })

  it("the goldens differ only in e_machine", () => {
    for (const other of [HEADER_X86_64, HEADER_AARCH64]) {
      const differing = Array.from(other.keys()).filter((i) => other[i] !== HEADER_RISCV64[i])
      assert.deepStrictEqual(differing, [18])
    }
  })
})

/** The file header checks in the crate's order: each case also breaks every later check. */
const fileHeaderChecks: ReadonlyArray<readonly [string, ElfWriter.FileHeaderFields]> = [
  ["Invalid ELF magic", { magic: [0x7f, 0x45, 0x4c, 0x47] }],
  ["Invalid ELF class", { class: 1 }],
  ["Invalid ELF data encoding", { data: 2 }],
  ["Invalid ELF version", { identVersion: 0 }],
  ["Invalid ELF program header size", { phentsize: 32 }],
  ["2^16 or more ELF program headers is unsupported", { phnum: 0xffff }],
  ["Invalid ELF architecture", { machine: ElfMachine.X86_64 }],
  ["Invalid or unsupported ELF type, only ET_DYN is supported", { type: ElfType.REL }]
]

describe("Elf64Headers: file header checks, in order", () => {
  fileHeaderChecks.forEach(([reason], k) => {
    it.effect(`${k + 1}. ${reason}`, () =>
      withKernel(Effect.gen(function*() {
        // Break this check and every later one: this check's message must win.
        const broken = Object.assign({}, ...fileHeaderChecks.slice(k).map(([, fields]) => fields))
        const error = yield* parseError(ElfWriter.write({ header: broken, segments: [] }))
        assertFileHeaderError(error, reason)
      })))
  })

  it.effect("the other ELF types are refused too (NONE, CORE, unknown)", () =>
    withKernel(Effect.gen(function*() {
      for (const type of [ElfType.NONE, ElfType.CORE, 0xfe00]) {
        const bytes = ElfWriter.write({ header: { type }, segments: [{ vaddr: 0, data: new Uint8Array(16) }] })
        assertFileHeaderError(yield* parseError(bytes), "Invalid or unsupported ELF type, only ET_DYN is supported")
      }
    })))

  it.effect("ET_EXEC passes the type check", () =>
    withKernel(Effect.gen(function*() {
      const headers = yield* parseOk(
        ElfWriter.write({ header: { type: ElfType.EXEC }, segments: [{ data: new Uint8Array(8) }] })
      )
      assert.strictEqual(headers.fileHeader.type, ElfType.EXEC)
    })))

  it.effect("OS ABI, ABI version, e_version, e_ehsize, e_flags and section fields are not checked", () =>
    withKernel(Effect.gen(function*() {
      const headers = yield* parseOk(ElfWriter.write({
        header: {
          osAbi: 3,
          abiVersion: 7,
          version: 0,
          ehsize: 0,
          flags: 0x5,
          shoff: 0x1234,
          shentsize: 1,
          shnum: 9,
          shstrndx: 8
        },
        segments: []
      }))
      assert.strictEqual(headers.fileHeader.osAbi, 3)
      assert.strictEqual(headers.fileHeader.flags, 5)
      assert.strictEqual(headers.fileHeader.shoff, 0x1234)
    })))

  it.effect("e_phnum 0 is accepted with no program headers, whatever e_phoff says", () =>
    withKernel(Effect.gen(function*() {
      const headers = yield* parseOk(ElfWriter.write({ header: { phoff: 0xffff_ffff, phnum: 0 }, segments: [] }))
      assert.strictEqual(headers.programHeaders.length, 0)
    })))
})

describe("Elf64Headers: program header checks, in order", () => {
  it.effect("1. filesz > memsz in a PT_LOAD segment (wins over every later check)", () =>
    withKernel(Effect.gen(function*() {
      const error = yield* parseError(oneLoad({}, [
        {
          type: SegmentType.LOAD,
          vaddr: 0,
          offset: 0x1001,
          filesz: 0x20,
          memsz: 0x10,
          align: 0x1800,
          data: new Uint8Array(0x20)
        }
      ]))
      assertProgramHeaderError(error, "filesz > memsz in a PT_LOAD segment", 1)
    })))

  it.effect("2. Overlap in virtual addresses (wins over the later checks)", () =>
    withKernel(Effect.gen(function*() {
      const error = yield* parseError(oneLoad({}, [
        { type: SegmentType.LOAD, vaddr: 0x10ff, offset: 0x2001, align: 0x1800, data: new Uint8Array(0x10) }
      ]))
      assertProgramHeaderError(error, "Overlap in virtual addresses", 1)
    })))

  it.effect("2. Overlap in virtual addresses also refuses PT_LOADs out of order", () =>
    withKernel(Effect.gen(function*() {
      const error = yield* parseError(
        oneLoad({ vaddr: 0x5000 }, [{ type: SegmentType.LOAD, vaddr: 0x1000, data: new Uint8Array(0x10) }])
      )
      assertProgramHeaderError(error, "Overlap in virtual addresses", 1)
    })))

  it.effect("3. load segment overflow the 64-bit memory space", () =>
    withKernel(Effect.gen(function*() {
      const error = yield* parseError(oneLoad({ vaddr: 2n ** 64n - 0x1000n, memsz: 0x2000, align: 0x1800 }))
      assertProgramHeaderError(error, "load segment overflow the 64-bit memory space", 0)
    })))

  it.effect("4. Alignment must be multiple of the system page size (align 0 passes)", () =>
    withKernel(Effect.gen(function*() {
      for (const align of [1, 0x800, 0x1800, 2n ** 63n + 1n]) {
        const error = yield* parseError(oneLoad({ align, offset: 0x2001 }))
        assertProgramHeaderError(error, "Alignment must be multiple of the system page size", 0)
      }
      yield* parseOk(oneLoad({ align: 0 }))
    })))

  it.effect("5. Virtual address and offset in file are not at same offset in page", () =>
    withKernel(Effect.gen(function*() {
      const error = yield* parseError(oneLoad({ vaddr: 0x3000, offset: 0x2000, align: 0x2000 }, [
        { type: SegmentType.GNU_STACK, flags: R | W | X }
      ]))
      assertProgramHeaderError(error, "Virtual address and offset in file are not at same offset in page", 0)
      // With align 0 there is nothing to compare.
      yield* parseOk(oneLoad({ vaddr: 0x3004, offset: 0x2000, align: 0 }))
    })))

  it.effect("6. Fuchsia does not support executable stacks", () =>
    withKernel(Effect.gen(function*() {
      const error = yield* parseError(oneLoad({}, [{ type: SegmentType.GNU_STACK, flags: X }]))
      assertProgramHeaderError(error, "Fuchsia does not support executable stacks", 1)
      yield* parseOk(oneLoad({}, [{ type: SegmentType.GNU_STACK, flags: R | W }]))
    })))

  it.effect("PT_NULL, PT_INTERP, PT_DYNAMIC and unknown types are not checked", () =>
    withKernel(Effect.gen(function*() {
      const odd = { vaddr: 0x10, offset: 0x40, filesz: 0x10, memsz: 0, align: 3 }
      const headers = yield* parseOk(oneLoad({}, [
        { type: SegmentType.NULL, ...odd },
        { type: SegmentType.INTERP, ...odd },
        { type: SegmentType.DYNAMIC, ...odd },
        { type: 0x7000_0003, ...odd }
      ]))
      assert.strictEqual(headers.programHeaders.length, 5)
    })))

  it.effect("the first failing header decides, in table order", () =>
    withKernel(Effect.gen(function*() {
      const error = yield* parseError(oneLoad({}, [
        { type: SegmentType.GNU_STACK, flags: X },
        { type: SegmentType.LOAD, vaddr: 0x8000, filesz: 2, memsz: 1, data: new Uint8Array(2) }
      ]))
      assertProgramHeaderError(error, "Fuchsia does not support executable stacks", 1)
    })))
})

describe("Elf64Headers: hardening checks", () => {
  it.effect("program header table past the end of the file: ReadError(OUT_OF_RANGE)", () =>
    withKernel(Effect.gen(function*() {
      // Beyond the VMO entirely (the crate's read fails the same way).
      assertReadError(
        yield* parseError(ElfWriter.write({ header: { phoff: 0x10_0000 }, segments: [{ data: new Uint8Array(8) }] })),
        Status.OUT_OF_RANGE
      )
      // A count blown up far past the file.
      assertReadError(
        yield* parseError(ElfWriter.write({ header: { phnum: 0xfffe }, segments: [{ data: new Uint8Array(8) }] })),
        Status.OUT_OF_RANGE
      )
      // An offset beyond 2^53 and one that wraps 2^64.
      assertReadError(
        yield* parseError(ElfWriter.write({ header: { phoff: 2n ** 60n }, segments: [{ data: new Uint8Array(8) }] })),
        Status.OUT_OF_RANGE
      )
      assertReadError(
        yield* parseError(
          ElfWriter.write({ header: { phoff: 2n ** 64n - 8n }, segments: [{ data: new Uint8Array(8) }] })
        ),
        Status.OUT_OF_RANGE
      )
    })))

  it.effect("a table in the zero padding after the file's last byte is refused (the crate would read zeros)", () =>
    withKernel(Effect.gen(function*() {
      // 64 bytes of header claiming one program header right after it: inside the VMO's page, outside the file.
      const bytes = ElfWriter.write({ header: { phnum: 1, phoff: 64 }, segments: [], size: 64 })
      const error = yield* parseError(bytes)
      assertReadError(error, Status.OUT_OF_RANGE)
      assert.include(error.message, "past the end of the file (0x40 bytes)")
    })))

  it.effect("a table cut short by the end of the file is refused", () =>
    withKernel(Effect.gen(function*() {
      const bytes = ElfWriter.write({ segments: [{ vaddr: 0, offset: 0, filesz: 64, memsz: 64 }], size: 100 })
      assertReadError(yield* parseError(bytes), Status.OUT_OF_RANGE)
    })))

  it.effect("a segment's file bytes past the end of the file are refused", () =>
    withKernel(Effect.gen(function*() {
      const load = ElfWriter.write({ segments: [{ vaddr: 0x1000, offset: 0x1000, filesz: 0x2000 }], size: 0x2000 })
      const error = yield* parseError(load)
      assertProgramHeaderError(error, "Segment file range outside the file", 0)
      assert.include(error.message, "[0x1000, 0x3000) but the file has 0x2000 bytes")
      const interp = ElfWriter.write({
        segments: [{ type: SegmentType.INTERP, offset: 0x1ff0, filesz: 0x20 }, {
          vaddr: 0,
          data: new Uint8Array(0x10)
        }],
        size: 0x2000
      })
      assertProgramHeaderError(yield* parseError(interp), "Segment file range outside the file", 0)
      // offset + filesz wrapping 2^64 is outside the file too.
      const wraps = ElfWriter.write({ segments: [{ type: SegmentType.DYNAMIC, offset: 0x10, filesz: 2n ** 64n - 8n }] })
      const error2 = yield* parseError(wraps)
      assert.strictEqual(error2._tag, "InvalidProgramHeader")
    })))

  it.effect("a segment with no file bytes may have any offset; PT_NULL is never range-checked", () =>
    withKernel(Effect.gen(function*() {
      yield* parseOk(oneLoad({}, [
        { type: SegmentType.LOAD, vaddr: 0x9000, offset: 0x9000, filesz: 0, memsz: 0x100 },
        { type: SegmentType.NULL, offset: 0x9_0000, filesz: 0x100 }
      ]))
    })))

  it.effect("64-bit file header values from 2^53 up are refused (InvalidFileHeader)", () =>
    withKernel(Effect.gen(function*() {
      for (const field of ["entry", "shoff"] as const) {
        const error = yield* parseError(ElfWriter.write({
          header: { [field]: 2n ** 53n },
          segments: [{ vaddr: 0x1000, data: new Uint8Array(8) }]
        }))
        assertFileHeaderError(error, "Value does not fit in 53 bits")
        assert.include(error.message, `e_${field} 0x20000000000000`)
      }
      yield* parseOk(
        ElfWriter.write({ header: { entry: 2 ** 53 - 1 }, segments: [{ vaddr: 0x1000, data: new Uint8Array(8) }] })
      )
    })))

  it.effect("64-bit program header values from 2^53 up are refused (InvalidProgramHeader)", () =>
    withKernel(Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [string, ElfWriter.SegmentSpec]> = [
        ["offset", { type: SegmentType.NOTE, offset: 2n ** 53n, filesz: 0 }],
        ["vaddr", { type: SegmentType.NOTE, vaddr: 2n ** 60n }],
        ["paddr", { type: SegmentType.NULL, paddr: 2n ** 64n - 1n }],
        ["filesz", { type: SegmentType.NOTE, filesz: 2n ** 53n }],
        ["memsz", { type: SegmentType.NOTE, memsz: 2n ** 53n }],
        ["align", { type: SegmentType.LOAD, vaddr: 0x4000, offset: 0x4000, align: 2n ** 62n, filesz: 0 }]
      ]
      for (const [field, segment] of cases) {
        const error = yield* parseError(oneLoad({}, [segment]))
        assertProgramHeaderError(error, "Value does not fit in 53 bits", 1)
        assert.include(error.message, `p_${field} 0x`)
      }
    })))

  it.effect("a PT_LOAD ending at or beyond 2^53 is refused", () =>
    withKernel(Effect.gen(function*() {
      const error = yield* parseError(oneLoad({}, [
        { type: SegmentType.LOAD, vaddr: 2 ** 53 - 0x1000, offset: 0x2000, filesz: 0, memsz: 0x1000 }
      ]))
      assertProgramHeaderError(error, "PT_LOAD segment end does not fit in 53 bits", 1)
      yield* parseOk(
        oneLoad({}, [{ type: SegmentType.LOAD, vaddr: 2 ** 53 - 0x2000, offset: 0x2000, filesz: 0, memsz: 0x1000 }])
      )
    })))

  it.effect("the crate's checks run first: a crate failure wins over an earlier header's hardening failure", () =>
    withKernel(Effect.gen(function*() {
      const error = yield* parseError(ElfWriter.write({
        segments: [
          { type: SegmentType.NOTE, vaddr: 2n ** 60n },
          { type: SegmentType.LOAD, vaddr: 0x1000, filesz: 2, memsz: 1, data: new Uint8Array(2) }
        ]
      }))
      assertProgramHeaderError(error, "filesz > memsz in a PT_LOAD segment", 1)
    })))
})

describe("Elf64Headers: reading", () => {
  it.effect("a failed read fails with ReadError and the read's status", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const vmo = yield* kernel.vmo.fromBytes(ElfWriter.write(ElfWriter.staticPie()))
      const noRead = yield* kernel.handle.duplicate(vmo, Rights.MAP | Rights.GET_PROPERTY)
      assertReadError(yield* Effect.flip(Elf64Headers.fromVmo(noRead)), Status.ACCESS_DENIED)
      const closed = yield* kernel.handle.duplicate(vmo)
      yield* kernel.handle.close(closed)
      assertReadError(yield* Effect.flip(Elf64Headers.fromVmo(closed)), Status.BAD_HANDLE)
    })))

  it.effect("an empty file fails ReadError(OUT_OF_RANGE); a 1-byte file fails the magic check (padded like a VMO)", () =>
    withKernel(Effect.gen(function*() {
      assertReadError(yield* parseError(new Uint8Array(0)), Status.OUT_OF_RANGE)
      assertFileHeaderError(yield* parseError(new Uint8Array([0x7f])), "Invalid ELF magic")
      const kernel = yield* Kernel.Kernel
      const tiny = yield* kernel.vmo.create(1)
      assertFileHeaderError(yield* Effect.flip(Elf64Headers.fromVmo(tiny)), "Invalid ELF magic")
    })))

  it.effect("a file shorter than the header reads as zero-padded: a 60-byte header parses", () =>
    withKernel(Effect.gen(function*() {
      const headers = yield* parseOk(HEADER_RISCV64.slice(0, 60))
      assert.strictEqual(headers.programHeaders.length, 0)
      assertFileHeaderError(yield* parseError(HEADER_RISCV64.slice(0, 54)), "Invalid ELF program header size")
    })))

  it.effect("without GET_PROPERTY the range checks use the VMO's size", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const bytes = ElfWriter.write({ header: { phnum: 1, phoff: 64 }, segments: [], size: 64 })
      const vmo = yield* kernel.vmo.fromBytes(bytes)
      assertReadError(yield* Effect.flip(Elf64Headers.fromVmo(vmo)), Status.OUT_OF_RANGE)
      const readOnly = yield* kernel.handle.duplicate(vmo, Rights.READ)
      const headers = yield* Elf64Headers.fromVmo(readOnly)
      assert.strictEqual(headers.programHeaders[0].type, SegmentType.NULL)
    })))

  it.effect("parsing a 1 MiB executable reads only the headers", () => {
    const counter: ReadCounter = { calls: 0, bytes: 0 }
    return withKernel(
      Effect.gen(function*() {
        const kernel = yield* Kernel.Kernel
        const spec = ElfWriter.staticPie()
        const big = ElfWriter.write({
          ...spec,
          segments: [...(spec.segments ?? []), {
            type: SegmentType.LOAD,
            flags: R,
            vaddr: 0x10_0000,
            data: new Uint8Array(1 << 20).fill(0xab)
          }]
        })
        assert.isAbove(big.length, 1 << 20)
        const vmo = yield* kernel.vmo.fromBytes(big)
        counter.calls = 0
        counter.bytes = 0
        const headers = yield* Elf64Headers.fromVmo(vmo)
        assert.strictEqual(headers.programHeaders.length, 6)
        assert.deepStrictEqual(counter, { calls: 2, bytes: 64 + 6 * 56 })
      }),
      countingKernel(counter)
    )
  })

  it.effect("fromVmo runs in a span named Elf64Headers.fromVmo", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const names: Array<string> = []
      const native = yield* Effect.tracer
      const tracer = Tracer.make({
        span: (name, ...rest) => {
          names.push(name)
          return native.span(name, ...rest)
        },
        context: (f) => f()
      })
      const vmo = yield* kernel.vmo.fromBytes(ElfWriter.write(ElfWriter.staticPie()))
      yield* Elf64Headers.fromVmo(vmo).pipe(Effect.withTracer(tracer))
      assert.deepStrictEqual(names, ["Elf64Headers.fromVmo"])
    })))
})

describe("Elf64Headers: accessors", () => {
  it.effect("programHeaderWithType: none, one, or MultipleHeaders", () =>
    withKernel(Effect.gen(function*() {
      const headers = yield* parseOk(oneLoad({}, [
        { type: SegmentType.INTERP, offset: 0x40, filesz: 4 },
        { type: SegmentType.INTERP, offset: 0x40, filesz: 4 },
        { type: SegmentType.GNU_STACK, flags: R | W, memsz: 0x4000 }
      ]))
      assert.isTrue(Option.isNone(yield* headers.programHeaderWithType(SegmentType.DYNAMIC)))
      const stack = yield* headers.programHeaderWithType(SegmentType.GNU_STACK)
      assert.strictEqual(Option.getOrThrow(stack).memsz, 0x4000)
      const multiple = headers.programHeaderWithType(SegmentType.INTERP)
      assert.isTrue(Either.isLeft(multiple))
      const error = Either.getLeft(multiple).pipe(Option.getOrThrow)
      assert.strictEqual(error._tag, "MultipleHeaders")
      assert.strictEqual(error.segmentType, SegmentType.INTERP)
      assert.strictEqual(error.asZxStatus(), Status.NOT_FOUND)
      assert.strictEqual(error.message, "Multiple ELF program headers of type PT_INTERP present")
      assert.strictEqual(headers.programHeadersWithType(SegmentType.INTERP).length, 2)
      assert.strictEqual(headers.fileHeader.phnum, headers.programHeaders.length)
    })))

  it("flags keep every stored bit; segmentFlags keeps READ/WRITE/EXECUTE", () => {
    const headers = Either.getOrThrow(Elf64Headers.fromBytes(oneLoad({ flags: 0xf0_0005 })))
    assert.strictEqual(headers.programHeaders[0].flags, 0xf0_0005)
    assert.strictEqual(Elf64Headers.segmentFlags(headers.programHeaders[0]), R | X)
  })

  it("the error variants map to the crate's statuses", () => {
    assert.strictEqual(new ElfParseError.ReadError({ status: Status.IO }).asZxStatus(), Status.IO)
    assert.strictEqual(new ElfParseError.ParseError({ reason: "x" }).asZxStatus(), Status.NOT_FOUND)
    assert.strictEqual(new ElfParseError.InvalidFileHeader({ reason: "x" }).asZxStatus(), Status.NOT_FOUND)
    assert.strictEqual(new ElfParseError.InvalidProgramHeader({ reason: "x", index: 0 }).asZxStatus(), Status.NOT_FOUND)
    assert.strictEqual(new ElfParseError.MultipleHeaders({ segmentType: 3 }).asZxStatus(), Status.NOT_FOUND)
    assert.strictEqual(
      ElfParseError.asZxStatus(new ElfParseError.ReadError({ status: Status.BAD_HANDLE })),
      Status.BAD_HANDLE
    )
    assert.isTrue(ElfParseError.isElfParseError(new ElfParseError.ParseError({ reason: "x" })))
    assert.isFalse(ElfParseError.isElfParseError(new Error("x")))
  })
})

describe("Elf64Headers: parseBoth helper sanity", () => {
  it.effect("fromBytes and fromVmo agree on the samples", () =>
    withKernel(Effect.gen(function*() {
      for (const spec of [ElfWriter.dynamicExecutable(), ElfWriter.staticPie()]) {
        const result = yield* parseBoth(ElfWriter.write(spec))
        assert.isTrue(Either.isRight(result))
      }
    })))
})
