import { assert, describe, it } from "@effect/vitest"
import { ElfType, SegmentFlags, SegmentType } from "@zxsim/elf/ElfConstants"
import * as ElfLoad from "@zxsim/elf/ElfLoad"
import * as ElfLoadError from "@zxsim/elf/ElfLoadError"
import * as ElfWriter from "@zxsim/elf/ElfWriter"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Rights } from "@zxsim/kernel/Rights"
import { Status } from "@zxsim/kernel/Status"
import { VmOption } from "@zxsim/kernel/VmOptions"
import { ZxError } from "@zxsim/kernel/ZxError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Random from "effect/Random"
import * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import { imageVmo, makeProcess, withKernel, wrappedKernel } from "./utils/kernel.js"
import { headersOf, loadFailure } from "./utils/load.js"

const PAGE = 4096
const R = SegmentFlags.READ
const W = SegmentFlags.WRITE
const X = SegmentFlags.EXECUTE
const FUCHSIA = new TextEncoder().encode("FUCHSIA!")

/** The crate's VMO_DEFAULT_RIGHTS. */
const VMO_DEFAULT_RIGHTS = Rights.DUPLICATE | Rights.TRANSFER | Rights.READ | Rights.WRITE | Rights.MAP |
  Rights.GET_PROPERTY | Rights.SET_PROPERTY

/** The crate's one-segment image: a PT_LOAD at file offset 4096, vaddr 0x10000. */
const crateImage = (flags: number, filesz: number, memsz: number): ElfWriter.ImageSpec => ({
  header: { entry: 0x10000 },
  segments: [{
    type: SegmentType.LOAD,
    flags,
    offset: PAGE,
    vaddr: 0x10000,
    paddr: 0x10000,
    filesz,
    memsz,
    align: PAGE
  }],
  size: 2 * PAGE
})

interface RecordedMapping {
  readonly vmarOffset: number
  readonly vmo: Handle.Vmo
  readonly vmoOffset: number
  readonly length: number
  readonly options: number
}

/** The crate's TrackingMapper: records each mapping with a duplicate of its VMO handle. */
const recordingMapper = Effect.gen(function*() {
  const kernel = yield* Kernel.Kernel
  const scope = yield* Effect.scope
  const mappings: Array<RecordedMapping> = []
  const mapper: ElfLoad.Mapper = {
    map: (vmarOffset, vmo, vmoOffset, length, options) =>
      kernel.handle.duplicate(vmo).pipe(
        Scope.extend(scope),
        Effect.map((copy) => {
          mappings.push({ vmarOffset, vmo: copy, vmoOffset, length, options })
          return vmarOffset
        })
      )
  }
  return { mapper, mappings }
})

/** A two-page VMO as the crate's tests make it: optionally filled with 0xFF, "FUCHSIA!" at 4096. */
const crateVmo = (options: { fill?: boolean; fuchsia?: boolean; rights?: number; executable?: boolean }) =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    let vmo = yield* kernel.vmo.create(2 * PAGE)
    if (options.fill === true) yield* kernel.vmo.write(vmo, 0, new Uint8Array(2 * PAGE).fill(0xff))
    if (options.fuchsia === true) yield* kernel.vmo.write(vmo, PAGE, FUCHSIA)
    yield* kernel.object.setName(vmo, "crate-vmo")
    if (options.executable === true) vmo = yield* kernel.vmo.replaceAsExecutable(vmo)
    if (options.rights !== undefined) vmo = yield* kernel.handle.replace(vmo, options.rights)
    return vmo
  })

const koidOf = (handle: Handle.Handle) =>
  Effect.flatMap(Kernel.Kernel, (kernel) => Effect.map(kernel.handle.info(handle), (i) => i.koid))

const pageOf = (vmo: Handle.Vmo, offset: number) =>
  Effect.flatMap(Kernel.Kernel, (kernel) => kernel.vmo.read(vmo, offset, PAGE))

const mappingsOf = (rootVmar: Handle.Vmar) =>
  Effect.flatMap(
    Kernel.Kernel,
    (kernel) =>
      Effect.map(kernel.vmar.regions(rootVmar), (regions) => regions.flatMap((r) => r._tag === "Mapping" ? [r] : []))
  )

const expectedPage = (prefix: Uint8Array, fill = 0) => {
  const page = new Uint8Array(PAGE).fill(fill)
  page.set(prefix)
  return page
}

describe("ElfLoad: the crate's unit tests (recording mapper, base 0, bias 0) and their real-kernel twins", () => {
  it("test_vmo_name_with_prefix", () => {
    const { VMO_NAME_PREFIX_BSS: BSS, VMO_NAME_PREFIX_DATA: DATA, vmoNameWithPrefix } = ElfLoad
    assert.strictEqual(vmoNameWithPrefix("", BSS), "bss:<unknown ELF>")
    assert.strictEqual(vmoNameWithPrefix("short_vmo_name", BSS), "bss:short_vmo_name")
    assert.strictEqual(vmoNameWithPrefix("a_great_maximum_length_vmo_name", BSS), "bss:a_great_maximum_length_vmo_")
    assert.strictEqual(vmoNameWithPrefix("a_great_maximum_length_vmo_name", DATA), "data:a_great_maximum_length_vmo")
    assert.strictEqual(vmoNameWithPrefix("", "a_long_vmo_name_prefix:"), "a_long_vmo_name_prefix:<unknown")
    assert.strictEqual(vmoNameWithPrefix("", "a_great_maximum_length_vmo_name"), "a_great_maximum_length_vmo_name")
    assert.strictEqual(
      vmoNameWithPrefix("a_great_maximum_length_vmo_name", "anystringhere"),
      "anystringherea_great_maximum_le"
    )
    // Never splits a UTF-8 sequence: 27 ASCII bytes then a 4-byte character that would end at byte 31+.
    assert.strictEqual(vmoNameWithPrefix("x".repeat(23) + "\u{1F600}", DATA), "data:" + "x".repeat(23))
  })

  it.effect("map_read_only_with_page_unaligned_bss", () =>
    withKernel(Effect.gen(function*() {
      const headers = headersOf(crateImage(R | X, FUCHSIA.length, 0x100))
      const vmo = yield* crateVmo({ fill: true, fuchsia: true, rights: VMO_DEFAULT_RIGHTS & ~Rights.WRITE })
      const { mapper, mappings } = yield* recordingMapper
      yield* ElfLoad.mapElfSegments(vmo, headers, mapper, 0, 0)
      assert.strictEqual(mappings.length, 1)
      // The first page is a copy-on-write child with the tail after the file bytes zeroed.
      assert.deepStrictEqual(yield* pageOf(mappings[0].vmo, mappings[0].vmoOffset), expectedPage(FUCHSIA))
      assert.notStrictEqual(yield* koidOf(mappings[0].vmo), yield* koidOf(vmo))

      // Real kernel, read-only: the data copy is mapped and reads "FUCHSIA!" then zeros.
      const { process, rootVmar } = yield* makeProcess()
      const loaded = yield* ElfLoad.loadElf(vmo, headersOf(crateImage(R, FUCHSIA.length, 0x100)), rootVmar)
      const kernel = yield* Kernel.Kernel
      assert.deepStrictEqual(yield* kernel.process.readMemory(process, loaded.vmarBase, PAGE), expectedPage(FUCHSIA))
      const [mapping] = yield* mappingsOf(rootVmar)
      assert.strictEqual(mapping.vmoName, "data:crate-vmo")
      assert.strictEqual(mapping.perms, VmOption.PERM_READ)
      // Real kernel, R+X as in the crate test: the copy lost EXECUTE, so mapping it is refused (§4.8).
      const executable = yield* crateVmo({ fill: true, fuchsia: true, executable: true })
      const error = yield* loadFailure(executable, headers, rootVmar)
      assert.strictEqual(error._tag, "VmarMap")
      assert.strictEqual(error.asZxStatus(), Status.ACCESS_DENIED)
    })))

  it.effect("map_read_only_vmo_with_page_aligned_bss", () =>
    withKernel(Effect.gen(function*() {
      const headers = headersOf(crateImage(R | X, PAGE, 2 * PAGE))
      const vmo = yield* crateVmo({ fill: true, rights: VMO_DEFAULT_RIGHTS & ~Rights.WRITE })
      const { mapper, mappings } = yield* recordingMapper
      yield* ElfLoad.mapElfSegments(vmo, headers, mapper, 0, 0)
      assert.strictEqual(mappings.length, 2)
      assert.strictEqual(yield* koidOf(mappings[0].vmo), yield* koidOf(vmo))
      assert.deepStrictEqual(yield* pageOf(mappings[0].vmo, mappings[0].vmoOffset), new Uint8Array(PAGE).fill(0xff))
      assert.deepStrictEqual(yield* pageOf(mappings[1].vmo, mappings[1].vmoOffset), new Uint8Array(PAGE))

      // Real kernel, read-only: the file page is the original VMO, the bss page a fresh zero VMO.
      const kernel = yield* Kernel.Kernel
      const { process, rootVmar } = yield* makeProcess()
      const loaded = yield* ElfLoad.loadElf(vmo, headersOf(crateImage(R, PAGE, 2 * PAGE)), rootVmar)
      const mapped = yield* mappingsOf(rootVmar)
      assert.deepStrictEqual(mapped.map((m) => [m.base - loaded.vmarBase, m.size, m.perms, m.vmoName]), [
        [0, PAGE, VmOption.PERM_READ, "crate-vmo"],
        [PAGE, PAGE, VmOption.PERM_READ, "bss:crate-vmo"]
      ])
      assert.strictEqual(mapped[0].vmoKoid, yield* koidOf(vmo))
      const memory = yield* kernel.process.readMemory(process, loaded.vmarBase, 2 * PAGE)
      assert.deepStrictEqual(memory.subarray(0, PAGE), new Uint8Array(PAGE).fill(0xff))
      assert.deepStrictEqual(memory.subarray(PAGE), new Uint8Array(PAGE))
      // Real kernel, R+X as in the crate test: the fresh bss VMO has no EXECUTE right, so its mapping is refused.
      const executable = yield* crateVmo({ fill: true, executable: true })
      const error = yield* loadFailure(executable, headers, rootVmar)
      assert.strictEqual(error._tag, "VmarMap")
      assert.strictEqual(error.asZxStatus(), Status.ACCESS_DENIED)
    })))

  it.effect("map_read_only_vmo_with_no_bss", () =>
    withKernel(Effect.gen(function*() {
      const headers = headersOf(crateImage(R | X, PAGE, PAGE))
      const vmo = yield* crateVmo({ fill: true, rights: VMO_DEFAULT_RIGHTS & ~Rights.WRITE })
      const { mapper, mappings } = yield* recordingMapper
      yield* ElfLoad.mapElfSegments(vmo, headers, mapper, 0, 0)
      assert.strictEqual(mappings.length, 1)
      assert.strictEqual(yield* koidOf(mappings[0].vmo), yield* koidOf(vmo))
      assert.deepStrictEqual(yield* pageOf(mappings[0].vmo, mappings[0].vmoOffset), new Uint8Array(PAGE).fill(0xff))

      // Real kernel with an executable file VMO: one R+X mapping of the original VMO.
      const kernel = yield* Kernel.Kernel
      const executable = yield* crateVmo({ fill: true, executable: true })
      const { process, rootVmar } = yield* makeProcess()
      const loaded = yield* ElfLoad.loadElf(executable, headers, rootVmar)
      const mapped = yield* mappingsOf(rootVmar)
      assert.strictEqual(mapped.length, 1)
      assert.strictEqual(mapped[0].vmoKoid, yield* koidOf(executable))
      assert.strictEqual(mapped[0].perms, VmOption.PERM_READ | VmOption.PERM_EXECUTE)
      assert.deepStrictEqual(
        yield* kernel.process.readMemory(process, loaded.vmarBase, PAGE),
        new Uint8Array(PAGE).fill(0xff)
      )
      assert.strictEqual(loaded.entry, loaded.vmarBase)
    })))

  it.effect("map_read_only_vmo_with_write_flag", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const headers = headersOf(crateImage(R | W, PAGE, PAGE))
      const vmo = yield* crateVmo({ rights: VMO_DEFAULT_RIGHTS & ~Rights.WRITE })
      const { mapper, mappings } = yield* recordingMapper
      yield* ElfLoad.mapElfSegments(vmo, headers, mapper, 0, 0)
      assert.strictEqual(mappings.length, 1)
      assert.notStrictEqual(yield* koidOf(mappings[0].vmo), yield* koidOf(vmo))
      // The copy is writable although the file VMO is not.
      yield* kernel.vmo.write(mappings[0].vmo, mappings[0].vmoOffset, FUCHSIA)

      // Real kernel: an R+W mapping of a "data:" copy; writing through it leaves the file VMO alone.
      const { process, rootVmar } = yield* makeProcess()
      const loaded = yield* ElfLoad.loadElf(vmo, headers, rootVmar)
      const mapped = yield* mappingsOf(rootVmar)
      assert.strictEqual(mapped.length, 1)
      assert.notStrictEqual(mapped[0].vmoKoid, yield* koidOf(vmo))
      assert.strictEqual(mapped[0].vmoName, "data:crate-vmo")
      assert.strictEqual(mapped[0].perms, VmOption.PERM_READ | VmOption.PERM_WRITE)
      yield* kernel.process.writeMemory(process, loaded.vmarBase, FUCHSIA)
      assert.deepStrictEqual(yield* kernel.process.readMemory(process, loaded.vmarBase, 8), FUCHSIA)
      assert.deepStrictEqual(yield* pageOf(vmo, PAGE), new Uint8Array(PAGE))
    })))

  it.effect("segment_with_zero_file_size", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const headers = headersOf(crateImage(R | W, 0, 1))
      const vmo = yield* crateVmo({})
      const { mapper, mappings } = yield* recordingMapper
      yield* ElfLoad.mapElfSegments(vmo, headers, mapper, 0, 0)
      for (const mapping of mappings) assert.notStrictEqual(mapping.length, 0)

      // Real kernel: only the bss page is mapped.
      const { process, rootVmar } = yield* makeProcess()
      const loaded = yield* ElfLoad.loadElf(vmo, headers, rootVmar)
      const mapped = yield* mappingsOf(rootVmar)
      assert.deepStrictEqual(mapped.map((m) => [m.base - loaded.vmarBase, m.size, m.perms, m.vmoName]), [
        [0, PAGE, VmOption.PERM_READ | VmOption.PERM_WRITE, "bss:crate-vmo"]
      ])
      assert.deepStrictEqual(yield* kernel.process.readMemory(process, loaded.vmarBase, PAGE), new Uint8Array(PAGE))
    })))

  it.effect("map_execute_only_segment", () =>
    withKernel(Effect.gen(function*() {
      const headers = headersOf(crateImage(X, 0x10, 0x10))
      const vmo = yield* crateVmo({})
      const { mapper, mappings } = yield* recordingMapper
      yield* ElfLoad.mapElfSegments(vmo, headers, mapper, 0, 0)
      assert.strictEqual(mappings.length, 1)
      assert.strictEqual(
        mappings[0].options,
        VmOption.SPECIFIC | VmOption.ALLOW_FAULTS | VmOption.PERM_EXECUTE | VmOption.PERM_READ_IF_XOM_UNSUPPORTED
      )

      // Real kernel: this machine cannot execute without reading, so the mapping is R+X.
      const executable = yield* crateVmo({ executable: true })
      const { rootVmar } = yield* makeProcess()
      yield* ElfLoad.loadElf(executable, headers, rootVmar)
      const mapped = yield* mappingsOf(rootVmar)
      assert.strictEqual(mapped.length, 1)
      assert.strictEqual(mapped[0].perms, VmOption.PERM_READ | VmOption.PERM_EXECUTE)
    })))
})

describe("ElfLoad: flag translation (§4.4)", () => {
  it("canMapOptions and permOptions", () => {
    assert.strictEqual(ElfLoad.canMapOptions(R), VmOption.CAN_MAP_READ)
    assert.strictEqual(ElfLoad.canMapOptions(W), VmOption.CAN_MAP_WRITE)
    assert.strictEqual(ElfLoad.canMapOptions(X), VmOption.CAN_MAP_EXECUTE | VmOption.CAN_MAP_READ)
    assert.strictEqual(ElfLoad.canMapOptions(0xfffffff8), 0)
    assert.strictEqual(ElfLoad.permOptions(R), VmOption.PERM_READ)
    assert.strictEqual(ElfLoad.permOptions(W), VmOption.PERM_WRITE)
    assert.strictEqual(ElfLoad.permOptions(X), VmOption.PERM_EXECUTE | VmOption.PERM_READ_IF_XOM_UNSUPPORTED)
    assert.strictEqual(
      ElfLoad.permOptions(R | W | X),
      VmOption.PERM_READ | VmOption.PERM_WRITE | VmOption.PERM_EXECUTE | VmOption.PERM_READ_IF_XOM_UNSUPPORTED
    )
  })
})

const sample = ElfWriter.dynamicExecutable()
const sampleHeaders = headersOf(sample)

describe("ElfLoad: loading", () => {
  it.effect("loads the sample executable: one VMAR, each segment with its permissions, bss zeroed", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const { process, rootVmar } = yield* makeProcess()
      const image = ElfWriter.build(sample)
      const vmo = yield* imageVmo(image.bytes, "sample")
      const loaded = yield* ElfLoad.loadElf(vmo, sampleHeaders, rootVmar)
      const base = loaded.vmarBase
      assert.strictEqual(loaded.entry, base + ElfWriter.SampleLayout.entry)
      assert.strictEqual(base % PAGE, 0)
      const regions = yield* kernel.vmar.regions(rootVmar)
      assert.deepStrictEqual(regions[0], {
        _tag: "Vmar",
        base,
        size: 0x5000,
        depth: 0,
        koid: (yield* kernel.handle.info(loaded.vmar)).koid,
        canMap: VmOption.CAN_MAP_SPECIFIC | VmOption.CAN_MAP_READ | VmOption.CAN_MAP_WRITE | VmOption.CAN_MAP_EXECUTE
      })
      const mapped = yield* mappingsOf(rootVmar)
      assert.deepStrictEqual(mapped.map((m) => [m.base - base, m.size, m.perms, m.vmoName, m.vmoOffset]), [
        [0, PAGE, VmOption.PERM_READ, "sample", 0],
        [0x1000, PAGE, VmOption.PERM_READ | VmOption.PERM_EXECUTE, "sample", 0x1000],
        [0x2000, PAGE, VmOption.PERM_READ | VmOption.PERM_WRITE, "data:sample", 0],
        [0x3000, 2 * PAGE, VmOption.PERM_READ | VmOption.PERM_WRITE, "bss:sample", 0]
      ])
      const interp = yield* kernel.process.readMemory(process, base + ElfWriter.SampleLayout.interp, 8)
      assert.strictEqual(new TextDecoder().decode(interp), "ld.so.1\0")
      const data = yield* kernel.process.readMemory(process, base + 0x2000, 0x2800)
      const fileData = image.bytes.subarray(0x2000, 0x2050)
      assert.deepStrictEqual(data.subarray(0, 0x50), fileData)
      assert.isTrue(data.subarray(0x50).every((b) => b === 0))
    })))

  it.effect("the VMAR handle belongs to the caller's scope; the image stays mapped after it closes", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const { rootVmar } = yield* makeProcess()
      const vmo = yield* imageVmo(ElfWriter.write(sample))
      const statsBefore = yield* kernel.stats
      const inner = yield* Scope.make()
      const loaded = yield* ElfLoad.loadElf(vmo, sampleHeaders, rootVmar).pipe(Scope.extend(inner))
      yield* Scope.close(inner, Exit.void)
      const closed = yield* Effect.flip(kernel.vmar.info(loaded.vmar))
      assert.strictEqual(closed.status, Status.BAD_HANDLE)
      assert.strictEqual((yield* mappingsOf(rootVmar)).length, 4)
      const after = yield* kernel.stats
      assert.strictEqual(after.handles, statsBefore.handles)
    })))

  it.effect("placement comes from the kernel's Random: the same seed gives the same base", () =>
    Effect.gen(function*() {
      const loadAt = (seed: number) =>
        withKernel(Effect.gen(function*() {
          const { rootVmar } = yield* makeProcess()
          const vmo = yield* imageVmo(ElfWriter.write(sample))
          return (yield* ElfLoad.loadElf(vmo, sampleHeaders, rootVmar)).vmarBase
        })).pipe(Effect.withRandom(Random.make(seed)))
      const a = yield* loadAt(7)
      const b = yield* loadAt(7)
      const c = yield* loadAt(8)
      assert.strictEqual(a, b)
      assert.notStrictEqual(a, c)
    }))

  it.effect("ET_EXEC loads at a kernel-chosen base with a bias, like ET_DYN", () =>
    withKernel(Effect.gen(function*() {
      const { rootVmar } = yield* makeProcess()
      const spec: ElfWriter.ImageSpec = {
        header: { type: ElfType.EXEC, entry: 0x40_1000 },
        segments: [{ flags: R | X, vaddr: 0x40_1000, data: new Uint8Array(16) }]
      }
      const vmo = yield* imageVmo(ElfWriter.write(spec))
      const loaded = yield* ElfLoad.loadElf(vmo, headersOf(spec), rootVmar)
      assert.strictEqual(loaded.entry, loaded.vmarBase)
    })))

  it.effect("an unnamed file VMO gives data:<unknown ELF> and bss:<unknown ELF>; long names are cut to 31 bytes", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const { rootVmar } = yield* makeProcess()
      const bytes = ElfWriter.write(sample)
      const unnamed = yield* kernel.vmo.fromBytes(bytes, { executable: true })
      yield* ElfLoad.loadElf(unnamed, sampleHeaders, rootVmar)
      const names = (yield* mappingsOf(rootVmar)).map((m) => m.vmoName)
      assert.deepStrictEqual(names, ["", "", "data:<unknown ELF>", "bss:<unknown ELF>"])
      const { rootVmar: other } = yield* makeProcess()
      const long = yield* kernel.vmo.fromBytes(bytes, { executable: true, name: "a_great_maximum_length_vmo_name" })
      yield* ElfLoad.loadElf(long, sampleHeaders, other)
      const longNames = (yield* mappingsOf(other)).map((m) => m.vmoName)
      assert.deepStrictEqual(longNames.slice(2), ["data:a_great_maximum_length_vmo", "bss:a_great_maximum_length_vmo_"])
    })))

  it.effect("loads into any VMAR, not only a root VMAR", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const { rootVmar } = yield* makeProcess()
      const { vmar: region } = yield* kernel.vmar.allocate(
        rootVmar,
        VmOption.CAN_MAP_READ | VmOption.CAN_MAP_WRITE | VmOption.CAN_MAP_EXECUTE | VmOption.CAN_MAP_SPECIFIC,
        0,
        0x10_0000
      )
      const vmo = yield* imageVmo(ElfWriter.write(sample))
      const loaded = yield* ElfLoad.loadElf(vmo, sampleHeaders, region)
      const info = yield* kernel.vmar.info(region)
      assert.isTrue(loaded.vmarBase >= info.base && loaded.vmarBase + 0x5000 <= info.base + info.len)
    })))

  it.effect("loadElf runs in a span named ElfLoad.loadElf", () =>
    withKernel(Effect.gen(function*() {
      const names: Array<string> = []
      const native = yield* Effect.tracer
      const tracer = Tracer.make({
        span: (name, ...rest) => {
          names.push(name)
          return native.span(name, ...rest)
        },
        context: (f) => f()
      })
      const { rootVmar } = yield* makeProcess()
      const vmo = yield* imageVmo(ElfWriter.write(sample))
      yield* ElfLoad.loadElf(vmo, sampleHeaders, rootVmar).pipe(Effect.withTracer(tracer))
      assert.deepStrictEqual(names, ["ElfLoad.loadElf"])
    })))
})

/** An image whose first segment (R) maps fine and whose second (RW, bss in its last page) needs a copy. */
const twoSegments: ElfWriter.ImageSpec = {
  segments: [
    { flags: R, vaddr: 0, data: new Uint8Array(0x100).fill(1) },
    { flags: R | W, vaddr: 0x2000, data: new Uint8Array(0x100).fill(2), memsz: 0x1800 }
  ]
}
const twoSegmentHeaders = headersOf(twoSegments)

describe("ElfLoad: each load error, with the exact variant and status; nothing is left behind", () => {
  it.effect("NothingToLoad (NOT_FOUND): no PT_LOAD, or PT_LOADs spanning no memory", () =>
    withKernel(Effect.gen(function*() {
      const { rootVmar } = yield* makeProcess()
      const vmo = yield* imageVmo(ElfWriter.write(sample))
      for (
        const spec of [
          { segments: [{ type: SegmentType.GNU_STACK, flags: R | W }] },
          { segments: [] },
          { segments: [{ flags: R, vaddr: 0x3000, offset: 0x3000, filesz: 0, memsz: 0 }] }
        ]
      ) {
        const error = yield* loadFailure(vmo, headersOf(spec), rootVmar)
        assert.strictEqual(error._tag, "NothingToLoad")
        assert.strictEqual(error.asZxStatus(), Status.NOT_FOUND)
        assert.strictEqual(error.message, "ELF load segments were empty")
      }
    })))

  it.effect("VmarAllocate: a target VMAR handle without EXECUTE for an image with code (ACCESS_DENIED)", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const { rootVmar } = yield* makeProcess()
      const weak = yield* kernel.handle.duplicate(
        rootVmar,
        Rights.READ | Rights.WRITE | Rights.OP_CHILDREN | Rights.INSPECT
      )
      const vmo = yield* imageVmo(ElfWriter.write(sample))
      const error = yield* loadFailure(vmo, sampleHeaders, weak)
      assert.strictEqual(error._tag, "VmarAllocate")
      assert.strictEqual(error.asZxStatus(), Status.ACCESS_DENIED)
    })))

  it.effect("VmarAllocate: a target VMAR that may not hold executable mappings (ACCESS_DENIED)", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const { rootVmar } = yield* makeProcess()
      const { vmar } = yield* kernel.vmar.allocate(
        rootVmar,
        VmOption.CAN_MAP_READ | VmOption.CAN_MAP_WRITE,
        0,
        0x10_0000
      )
      const vmo = yield* imageVmo(ElfWriter.write(sample))
      const error = yield* loadFailure(vmo, sampleHeaders, vmar)
      assert.strictEqual(error._tag, "VmarAllocate")
      assert.strictEqual(error.asZxStatus(), Status.ACCESS_DENIED)
    })))

  it.effect("VmarAllocate: an image larger than the address space (NO_MEMORY)", () =>
    withKernel(Effect.gen(function*() {
      const { rootVmar } = yield* makeProcess()
      const spec = { segments: [{ flags: R | W, vaddr: 0, data: new Uint8Array(16), memsz: 2 ** 39 }] }
      const vmo = yield* imageVmo(ElfWriter.write(spec))
      const error = yield* loadFailure(vmo, headersOf(spec), rootVmar)
      assert.strictEqual(error._tag, "VmarAllocate")
      assert.strictEqual(error.asZxStatus(), Status.NO_MEMORY)
    })))

  it.effect("GetVmoName: a file VMO handle without GET_PROPERTY (ACCESS_DENIED), after the VMAR exists", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const { rootVmar } = yield* makeProcess()
      const vmo = yield* imageVmo(ElfWriter.write(sample))
      const noProperty = yield* kernel.handle.duplicate(
        vmo,
        Rights.READ | Rights.MAP | Rights.DUPLICATE | Rights.EXECUTE
      )
      const error = yield* loadFailure(noProperty, sampleHeaders, rootVmar)
      assert.strictEqual(error._tag, "GetVmoName")
      assert.strictEqual(error.asZxStatus(), Status.ACCESS_DENIED)
    })))

  it.effect("VmoCowClone: a writable segment and a file VMO without DUPLICATE (ACCESS_DENIED)", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const { rootVmar } = yield* makeProcess()
      const vmo = yield* imageVmo(ElfWriter.write(twoSegments))
      const noDuplicate = yield* kernel.handle.duplicate(
        vmo,
        Rights.READ | Rights.MAP | Rights.GET_PROPERTY | Rights.SET_PROPERTY
      )
      const error = yield* loadFailure(noDuplicate, twoSegmentHeaders, rootVmar)
      assert.strictEqual(error._tag, "VmoCowClone")
      assert.strictEqual(error.asZxStatus(), Status.ACCESS_DENIED)
      assert.strictEqual((error as ElfLoadError.VmoCowClone).segment, 1)
    })))

  it.effect("SetVmoName: the copy of a file VMO without SET_PROPERTY cannot be named (ACCESS_DENIED)", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const { rootVmar } = yield* makeProcess()
      const vmo = yield* imageVmo(ElfWriter.write(twoSegments))
      const noSetProperty = yield* kernel.handle.duplicate(
        vmo,
        Rights.READ | Rights.MAP | Rights.GET_PROPERTY | Rights.DUPLICATE
      )
      const error = yield* loadFailure(noSetProperty, twoSegmentHeaders, rootVmar)
      assert.strictEqual(error._tag, "SetVmoName")
      assert.strictEqual(error.asZxStatus(), Status.ACCESS_DENIED)
      assert.strictEqual((error as ElfLoadError.SetVmoName).segment, 1)
    })))

  it.effect("VmoWrite: no memory left to zero the tail of the copy's last file page (NO_MEMORY)", () =>
    Effect.gen(function*() {
      const bytes = ElfWriter.write(twoSegments)
      const frames = Math.ceil(bytes.length / PAGE)
      const used = Effect.map(
        Effect.flatMap(Kernel.Kernel, (k) => k.memoryStats),
        (s) => s.committedFrames + s.kernelFrames
      )
      // A kernel with exactly enough memory for the process and the file's pages.
      const needed = yield* withKernel(Effect.gen(function*() {
        const before = yield* used
        yield* makeProcess()
        yield* imageVmo(bytes)
        return (yield* used) - before
      }))
      assert.isAtLeast(needed, frames)
      yield* withKernel(
        Effect.gen(function*() {
          const { rootVmar } = yield* makeProcess()
          const vmo = yield* imageVmo(bytes)
          const memory = yield* Effect.flatMap(Kernel.Kernel, (k) => k.memoryStats)
          assert.strictEqual(memory.committedFrames + memory.kernelFrames, memory.budgetFrames)
          const error = yield* loadFailure(vmo, twoSegmentHeaders, rootVmar)
          assert.strictEqual(error._tag, "VmoWrite")
          assert.strictEqual(error.asZxStatus(), Status.NO_MEMORY)
          assert.strictEqual((error as ElfLoadError.VmoWrite).segment, 1)
        }),
        Kernel.layerWith({ memoryBytes: needed * PAGE })
      )
    }))

  it.effect("VmarMap: a file VMO without MAP (ACCESS_DENIED)", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const { rootVmar } = yield* makeProcess()
      const vmo = yield* imageVmo(ElfWriter.write(sample))
      const noMap = yield* kernel.handle.duplicate(
        vmo,
        Rights.READ | Rights.GET_PROPERTY | Rights.SET_PROPERTY | Rights.DUPLICATE
      )
      const error = yield* loadFailure(noMap, sampleHeaders, rootVmar)
      assert.strictEqual(error._tag, "VmarMap")
      assert.strictEqual(error.asZxStatus(), Status.ACCESS_DENIED)
      assert.strictEqual((error as ElfLoadError.VmarMap).segment, 1)
    })))

  it.effect("VmarMap: an executable segment of a file VMO without EXECUTE, after earlier segments mapped (ACCESS_DENIED)", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const { rootVmar } = yield* makeProcess()
      const notExecutable = yield* kernel.vmo.fromBytes(ElfWriter.write(sample), { name: "sample" })
      const error = yield* loadFailure(notExecutable, sampleHeaders, rootVmar)
      assert.strictEqual(error._tag, "VmarMap")
      assert.strictEqual(error.asZxStatus(), Status.ACCESS_DENIED)
      assert.strictEqual((error as ElfLoadError.VmarMap).segment, 2)
      assert.include(error.message, "Failed to map VMAR: ZX_ERR_ACCESS_DENIED (program header 2)")
    })))

  it.effect("VmarMap: a write-only segment (INVALID_ARGS: writable mappings must be readable)", () =>
    withKernel(Effect.gen(function*() {
      const { rootVmar } = yield* makeProcess()
      const spec = {
        segments: [{ flags: R, vaddr: 0, data: new Uint8Array(8) }, {
          flags: W,
          vaddr: 0x1000,
          data: new Uint8Array(8)
        }]
      }
      const vmo = yield* imageVmo(ElfWriter.write(spec))
      const error = yield* loadFailure(vmo, headersOf(spec), rootVmar)
      assert.strictEqual(error._tag, "VmarMap")
      assert.strictEqual(error.asZxStatus(), Status.INVALID_ARGS)
    })))

  it.effect("VmarMap: two segments sharing a page (ALREADY_EXISTS)", () =>
    withKernel(Effect.gen(function*() {
      const { rootVmar } = yield* makeProcess()
      const spec = {
        segments: [
          { flags: R, vaddr: 0x1000, offset: 0x1000, data: new Uint8Array(0x100) },
          { flags: R, vaddr: 0x1100, offset: 0x1100, data: new Uint8Array(0x100) }
        ]
      }
      const vmo = yield* imageVmo(ElfWriter.write(spec))
      const error = yield* loadFailure(vmo, headersOf(spec), rootVmar)
      assert.strictEqual(error._tag, "VmarMap")
      assert.strictEqual(error.asZxStatus(), Status.ALREADY_EXISTS)
    })))

  it.effect("VmarMap: a segment whose offset and address differ within the page, with align 0 (INVALID_ARGS)", () =>
    withKernel(Effect.gen(function*() {
      const { rootVmar } = yield* makeProcess()
      const spec = { segments: [{ flags: R, vaddr: 0x1010, offset: 0x1000, align: 0, data: new Uint8Array(0x100) }] }
      const vmo = yield* imageVmo(ElfWriter.write(spec))
      const error = yield* loadFailure(vmo, headersOf(spec), rootVmar)
      assert.strictEqual(error._tag, "VmarMap")
      assert.strictEqual(error.asZxStatus(), Status.INVALID_ARGS)
    })))

  it.effect("VmoCreate: the bss VMO cannot be created (NO_MEMORY, injected: the real kernel cannot fail here)", () =>
    withKernel(
      Effect.gen(function*() {
        const { rootVmar } = yield* makeProcess()
        const vmo = yield* imageVmo(ElfWriter.write(sample))
        const error = yield* loadFailure(vmo, sampleHeaders, rootVmar)
        assert.strictEqual(error._tag, "VmoCreate")
        assert.strictEqual(error.asZxStatus(), Status.NO_MEMORY)
        assert.strictEqual((error as ElfLoadError.VmoCreate).segment, 3)
      }),
      wrappedKernel((kernel) => ({
        ...kernel,
        vmo: {
          ...kernel.vmo,
          create: () => Effect.fail(new ZxError({ status: Status.NO_MEMORY, operation: "vmo.create" }))
        }
      }))
    ))

  it("VmoRead is declared for parity and maps to its status (the loader never reads)", () => {
    const error = new ElfLoadError.VmoRead({ status: Status.IO })
    assert.strictEqual(error.asZxStatus(), Status.IO)
    assert.strictEqual(error.message, "Failed to read from VMO: ZX_ERR_IO")
    assert.strictEqual(
      ElfLoadError.asZxStatus(new ElfLoadError.VmarMap({ status: Status.BAD_STATE, segment: 1 })),
      Status.BAD_STATE
    )
    assert.isTrue(ElfLoadError.isElfLoadError(new ElfLoadError.NothingToLoad()))
  })

  it.effect("a failed load into a destroyed VMAR fails VmarAllocate(BAD_STATE)", () =>
    withKernel(Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const { rootVmar } = yield* makeProcess()
      const { vmar } = yield* kernel.vmar.allocate(
        rootVmar,
        VmOption.CAN_MAP_READ | VmOption.CAN_MAP_WRITE | VmOption.CAN_MAP_EXECUTE | VmOption.CAN_MAP_SPECIFIC,
        0,
        0x10_0000
      )
      yield* kernel.vmar.destroy(vmar)
      const vmo = yield* imageVmo(ElfWriter.write(sample))
      const error = yield* loadFailure(vmo, sampleHeaders, vmar, rootVmar)
      assert.strictEqual(error._tag, "VmarAllocate")
      assert.strictEqual(error.asZxStatus(), Status.BAD_STATE)
    })))
})
