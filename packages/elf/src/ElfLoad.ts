/**
 * Loading an ELF image into an address space: the Fuchsia crate's `elf_load`. `loadElf` allocates
 * one VMAR spanning every PT_LOAD segment, placed by the kernel (at random, reproducible with a
 * seeded `Random`), and maps each segment into it with the segment's own permissions. Read-only
 * and executable segments map the file VMO itself; writable segments (and segments whose bss starts
 * inside a file page) map a copy-on-write child, so the file VMO is never modified; whole bss pages
 * come from a fresh zero-filled VMO.
 *
 * A load that fails part-way leaves nothing behind: the VMAR is destroyed (which unmaps whatever
 * was mapped) and every handle the load made is closed, so the address space and the kernel's
 * statistics are as they were before.
 *
 * @since 0.1.0
 */
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { MAX_NAME_LEN } from "@zxsim/kernel/Task"
import { pageEnd, pageOffset, pageStart, VmoChildOption, VmOption } from "@zxsim/kernel/VmOptions"
import type { ZxError } from "@zxsim/kernel/ZxError"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { type Elf64Headers, type Elf64ProgramHeader, segmentFlags } from "./Elf64Headers.js"
import { SegmentFlags, SegmentType } from "./ElfConstants.js"
import {
  type ElfLoadError,
  GetVmoName,
  NothingToLoad,
  SetVmoName,
  VmarAllocate,
  VmarMap,
  VmoCowClone,
  VmoCreate,
  VmoWrite
} from "./ElfLoadError.js"

/**
 * What an image needs of its address space (`LoadedElfInfo`).
 *
 * @since 0.1.0
 * @category models
 */
export interface LoadedElfInfo {
  /** The page-aligned lowest address of the first PT_LOAD segment (link-time addresses). */
  readonly low: number
  /** The page-aligned end of the last PT_LOAD segment. */
  readonly high: number
  /** The union of every PT_LOAD segment's READ/WRITE/EXECUTE flags. */
  readonly maxPerm: number
}

/**
 * The span and permissions the image's PT_LOAD segments need: from the page start of the first to
 * the page end of the last (parsing has checked that they ascend and do not overlap), and the union
 * of their flags. `low == high` when there is nothing to load.
 *
 * @since 0.1.0
 * @category utils
 */
export const loadedElfInfo = (headers: Elf64Headers): LoadedElfInfo => {
  let low = 0
  let high = 0
  let maxPerm = 0
  let first = true
  for (const header of headers.programHeaders) {
    if (header.type !== SegmentType.LOAD) continue
    if (first) {
      low = pageStart(header.vaddr)
      first = false
    }
    high = pageEnd(header.vaddr + header.memsz)
    maxPerm |= segmentFlags(header)
  }
  return { low, high, maxPerm }
}

/**
 * A loaded image (`LoadedElf`).
 *
 * @since 0.1.0
 * @category models
 */
export interface LoadedElf {
  /** The VMAR holding the image; the handle belongs to the scope `loadElf` ran in. */
  readonly vmar: Handle.Vmar
  /** The VMAR's base address: where the image's lowest page landed. */
  readonly vmarBase: number
  /**
   * The entry point relocated by the load bias (`e_entry + vmarBase - low`). An entry outside the
   * image can come out negative where the crate's wrapping arithmetic gives a huge value; starting
   * a process there fails INVALID_ARGS either way.
   */
  readonly entry: number
}

/**
 * Where `mapElfSegments` sends its mappings. `vmarOffset` is relative to the mapper's base;
 * `options` are `VmOption` bits. The crate's tests record mappings through one of these; the
 * loader's maps into a VMAR ({@link vmarMapper}).
 *
 * @since 0.1.0
 * @category models
 */
export interface Mapper {
  readonly map: (
    vmarOffset: number,
    vmo: Handle.Vmo,
    vmoOffset: number,
    length: number,
    options: number
  ) => Effect.Effect<number, ZxError>
}

/**
 * A {@link Mapper} that maps into `vmar` through the kernel (`vmar.map`).
 *
 * @since 0.1.0
 * @category utils
 */
export const vmarMapper = (kernel: Kernel.KernelShape, vmar: Handle.Vmar): Mapper => ({
  map: (vmarOffset, vmo, vmoOffset, length, options) =>
    kernel.vmar.map(vmar, options, vmarOffset, vmo, vmoOffset, length)
})

/**
 * Name prefix of the zero-filled VMOs backing bss pages.
 *
 * @since 0.1.0
 * @category constants
 */
export const VMO_NAME_PREFIX_BSS = "bss:"
/**
 * Name prefix of the copy-on-write children backing writable segments.
 *
 * @since 0.1.0
 * @category constants
 */
export const VMO_NAME_PREFIX_DATA = "data:"
/**
 * What stands for the file's name when its VMO has none.
 *
 * @since 0.1.0
 * @category constants
 */
export const VMO_NAME_UNKNOWN = "<unknown ELF>"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * The name of a data or bss VMO: `prefix` followed by the file VMO's name (or `<unknown ELF>` when
 * it has none), cut to Zircon's 31-byte limit without splitting a UTF-8 sequence.
 *
 * @since 0.1.0
 * @category utils
 */
export const vmoNameWithPrefix = (name: string, prefix: string): string => {
  const full = encoder.encode(`${prefix}${name.length === 0 ? VMO_NAME_UNKNOWN : name}`)
  if (full.length <= MAX_NAME_LEN) return decoder.decode(full)
  let end = MAX_NAME_LEN
  while (end > 0 && (full[end] & 0xc0) === 0x80) end--
  return decoder.decode(full.subarray(0, end))
}

/**
 * The `CAN_MAP_*` options a VMAR needs to hold segments with these flags: READ for R, WRITE for W,
 * EXECUTE and READ for X.
 *
 * @since 0.1.0
 * @category utils
 */
export const canMapOptions = (flags: number): number => {
  let options = 0
  if ((flags & SegmentFlags.READ) !== 0) options |= VmOption.CAN_MAP_READ
  if ((flags & SegmentFlags.WRITE) !== 0) options |= VmOption.CAN_MAP_WRITE
  if ((flags & SegmentFlags.EXECUTE) !== 0) options |= VmOption.CAN_MAP_EXECUTE | VmOption.CAN_MAP_READ
  return options
}

/**
 * The `PERM_*` options of a mapping of a segment with these flags: READ for R, WRITE for W, and
 * EXECUTE plus READ_IF_XOM_UNSUPPORTED for X (so an execute-only segment is readable where the
 * hardware cannot execute without reading, as on riscv64 here).
 *
 * @since 0.1.0
 * @category utils
 */
export const permOptions = (flags: number): number => {
  let options = 0
  if ((flags & SegmentFlags.READ) !== 0) options |= VmOption.PERM_READ
  if ((flags & SegmentFlags.WRITE) !== 0) options |= VmOption.PERM_WRITE
  if ((flags & SegmentFlags.EXECUTE) !== 0) options |= VmOption.PERM_EXECUTE | VmOption.PERM_READ_IF_XOM_UNSUPPORTED
  return options
}

/** Maps one PT_LOAD segment; the VMOs it makes belong to the current scope (their mappings keep them alive). */
const mapSegment = (
  kernel: Kernel.KernelShape,
  vmo: Handle.Vmo,
  vmoName: string,
  header: Elf64ProgramHeader,
  index: number,
  mapper: Mapper,
  relativeBias: number
) =>
  Effect.gen(function*() {
    const segment = index
    // Start the mapping at the page holding the segment's first byte.
    const adjust = pageOffset(header.offset)
    let fileOffset = header.offset - adjust
    const fileSize = header.filesz + adjust
    const virtSize = header.memsz + adjust
    const virtAddr = header.vaddr - adjust + relativeBias
    const flags = segmentFlags(header)
    // bss that starts inside the last file page must be zeroed there, which needs a writable copy.
    const mustWrite = virtSize > fileSize && pageOffset(fileSize) !== 0
    let target = vmo
    if (mustWrite || (fileSize > 0 && (flags & SegmentFlags.WRITE) !== 0)) {
      const child = yield* kernel.vmo.createChild(
        vmo,
        VmoChildOption.SNAPSHOT_AT_LEAST_ON_WRITE,
        fileOffset,
        pageEnd(fileSize)
      )
        .pipe(Effect.mapError((e) => new VmoCowClone({ status: e.status, segment })))
      yield* kernel.object.setName(child, vmoNameWithPrefix(vmoName, VMO_NAME_PREFIX_DATA)).pipe(
        Effect.mapError((e) => new SetVmoName({ status: e.status, segment }))
      )
      fileOffset = 0
      if (virtSize > fileSize) {
        const tail = pageEnd(fileSize) - fileSize
        if (tail > 0) {
          yield* kernel.vmo.write(child, fileSize, new Uint8Array(tail)).pipe(
            Effect.mapError((e) => new VmoWrite({ status: e.status, segment }))
          )
        }
      }
      target = child
    }
    const options = VmOption.SPECIFIC | VmOption.ALLOW_FAULTS | permOptions(flags)
    if (fileSize !== 0) {
      yield* mapper.map(virtAddr, target, fileOffset, pageEnd(fileSize), options).pipe(
        Effect.mapError((e) => new VmarMap({ status: e.status, segment }))
      )
    }
    if (virtSize > fileSize) {
      const bssStart = pageEnd(fileSize)
      const bssSize = pageEnd(virtSize) - bssStart
      if (bssSize > 0) {
        const bss = yield* kernel.vmo.create(bssSize).pipe(
          Effect.mapError((e) => new VmoCreate({ status: e.status, segment }))
        )
        yield* kernel.object.setName(bss, vmoNameWithPrefix(vmoName, VMO_NAME_PREFIX_BSS)).pipe(
          Effect.mapError((e) => new SetVmoName({ status: e.status, segment }))
        )
        yield* mapper.map(virtAddr + bssStart, bss, 0, bssSize, options).pipe(
          Effect.mapError((e) => new VmarMap({ status: e.status, segment }))
        )
      }
    }
  })

/**
 * Maps every PT_LOAD segment of the image in `vmo` through `mapper` (`map_elf_segments`). A segment
 * at link-time address `vaddr` lands at `vaddr + vaddrBias`, passed to the mapper relative to
 * `mapperBase`. On failure the mappings already made stay: the caller owns the target and undoes
 * them (as `loadElf` does by destroying its VMAR). The VMOs made here are closed before it returns;
 * the mappings keep them alive.
 *
 * @since 0.1.0
 * @category utils
 */
export const mapElfSegments = (
  vmo: Handle.Vmo,
  headers: Elf64Headers,
  mapper: Mapper,
  mapperBase: number,
  vaddrBias: number
): Effect.Effect<void, ElfLoadError, Kernel.Kernel> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const relativeBias = vaddrBias - mapperBase
    const vmoName = yield* kernel.object.getName(vmo).pipe(Effect.mapError((e) => new GetVmoName({ status: e.status })))
    const all = headers.programHeaders
    for (let index = 0; index < all.length; index++) {
      if (all[index].type !== SegmentType.LOAD) continue
      yield* mapSegment(kernel, vmo, vmoName, all[index], index, mapper, relativeBias)
    }
  }).pipe(Effect.scoped)

/**
 * Loads the image in `vmo` (whose checked headers are `headers`) into a new VMAR allocated in
 * `rootVmar` (`load_elf`). The VMAR's handle belongs to the current scope; on failure the VMAR is
 * destroyed and every handle the load made is closed before the error is returned.
 *
 * Kernel calls, in order: `vmar.allocate` (not SPECIFIC; `CAN_MAP_SPECIFIC` plus the `CAN_MAP_*`
 * of every segment's flags), `object.getName` of the file VMO, then per PT_LOAD segment as needed
 * `vmo.createChild` (SNAPSHOT_AT_LEAST_ON_WRITE), `object.setName` (`data:…`), `vmo.write` (the
 * zero tail), `vmar.map` (SPECIFIC | ALLOW_FAULTS | the segment's permissions), `vmo.create` and
 * `object.setName` (`bss:…`) and `vmar.map` for the bss pages.
 *
 * @since 0.1.0
 * @category utils
 */
export const loadElf = (
  vmo: Handle.Vmo,
  headers: Elf64Headers,
  rootVmar: Handle.Vmar
): Effect.Effect<LoadedElf, ElfLoadError, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const info = loadedElfInfo(headers)
    const size = info.high - info.low
    if (size === 0) return yield* new NothingToLoad()
    const options = VmOption.CAN_MAP_SPECIFIC | canMapOptions(info.maxPerm)
    // The VMAR's handle joins the caller's scope; a failed load destroys the VMAR (a VMAR's range
    // stays reserved until destroyed) and closes the handle at once.
    const { base, vmar } = yield* kernel.vmar.allocate(rootVmar, options, 0, size).pipe(
      Effect.mapError((e) => new VmarAllocate({ status: e.status }))
    )
    const bias = base - info.low
    yield* mapElfSegments(vmo, headers, vmarMapper(kernel, vmar), base, bias).pipe(
      Effect.onError(() =>
        Effect.zipRight(Effect.ignore(kernel.vmar.destroy(vmar)), Effect.ignore(kernel.handle.close(vmar)))
      )
    )
    const loaded: LoadedElf = { vmar, vmarBase: base, entry: headers.fileHeader.entry - info.low + base }
    return loaded
  }).pipe(Effect.withSpan("ElfLoad.loadElf", { captureStackTrace: false }))
