/**
 * Random well-formed images for the properties: 1 to 8 PT_LOAD segments on their own pages, with
 * random sizes, page offsets, alignments, permissions and bss tails, and the outcome the kernel's
 * rules predict for each.
 */
import { SegmentFlags, SegmentType } from "@zxsim/elf/ElfConstants"
import type * as ElfWriter from "@zxsim/elf/ElfWriter"
import { Status } from "@zxsim/kernel/Status"
import { VmOption } from "@zxsim/kernel/VmOptions"
import * as FastCheck from "effect/FastCheck"

const PAGE = 4096
const pageEnd = (x: number) => Math.ceil(x / PAGE) * PAGE

/** How one segment is drawn. */
export interface SegmentDraw {
  /** Free pages between the previous segment's last page and this one's first. */
  readonly gapPages: number
  /** `p_vaddr % 4096` (and `p_offset % 4096`). */
  readonly pageOffset: number
  readonly filesz: number
  /** `p_memsz - p_filesz`. */
  readonly bss: number
  /** READ/WRITE/EXECUTE bits, any combination. */
  readonly flags: number
  readonly align: number
  /** Extra file pages before this segment's bytes. */
  readonly fileGapPages: number
  /** Seed of the segment's bytes. */
  readonly seed: number
}

/** A drawn image: where its first segment starts and its segments. */
export interface ImageDraw {
  readonly basePage: number
  readonly segments: ReadonlyArray<SegmentDraw>
}

/** The alignments drawn by default: none, one page, two pages, 64 KiB. */
export const ALIGNMENTS: ReadonlyArray<number> = [0, PAGE, 2 * PAGE, 16 * PAGE]

/** Draws one segment; `maxFile` bounds the file bytes and `maxBss` the bss tail. */
export const segmentDraw = (maxFile: number, maxBss: number, aligns = ALIGNMENTS): FastCheck.Arbitrary<SegmentDraw> =>
  FastCheck.record({
    gapPages: FastCheck.integer({ min: 0, max: 3 }),
    pageOffset: FastCheck.oneof(FastCheck.constant(0), FastCheck.integer({ min: 0, max: PAGE - 1 })),
    filesz: FastCheck.oneof(FastCheck.constant(0), FastCheck.integer({ min: 1, max: maxFile })),
    bss: FastCheck.oneof(FastCheck.constant(0), FastCheck.integer({ min: 1, max: maxBss })),
    flags: FastCheck.integer({ min: 0, max: 7 }),
    align: FastCheck.constantFrom(...aligns),
    fileGapPages: FastCheck.integer({ min: 0, max: 1 }),
    seed: FastCheck.integer()
  })

/** Draws an image of 1 to `maxSegments` segments. */
export const imageDraw = (
  maxSegments = 8,
  maxFile = 3 * PAGE,
  maxBss = 3 * PAGE,
  aligns = ALIGNMENTS
): FastCheck.Arbitrary<ImageDraw> =>
  FastCheck.record({
    basePage: FastCheck.integer({ min: 0, max: 64 }),
    segments: FastCheck.array(segmentDraw(maxFile, maxBss, aligns), { minLength: 1, maxLength: maxSegments })
  })

/**
 * Makes a drawn segment loadable with Zircon's rules: a writable segment is readable, and an
 * executable one is not writable and has no bss (so it maps the file VMO, which has EXECUTE).
 */
export const loadable = (s: SegmentDraw): SegmentDraw => {
  if ((s.flags & SegmentFlags.EXECUTE) !== 0) return { ...s, flags: s.flags & ~SegmentFlags.WRITE, bss: 0 }
  if ((s.flags & SegmentFlags.WRITE) !== 0) return { ...s, flags: s.flags | SegmentFlags.READ }
  return s
}

/** Draws images that {@link predict} says load, by making each segment {@link loadable}. */
export const loadableImageDraw = (maxSegments = 8): FastCheck.Arbitrary<ImageDraw> =>
  imageDraw(maxSegments).map((draw) => ({ ...draw, segments: draw.segments.map(loadable) }))

/** Deterministic bytes for a seed (xorshift32). */
export const bytesFrom = (seed: number, length: number): Uint8Array => {
  const words = new Uint32Array(Math.ceil(length / 4))
  let x = (seed | 0) || 0x9e3779b9
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    words[i] = x
  }
  return new Uint8Array(words.buffer, 0, length)
}

/** A laid-out segment: its program header values and payload. */
export interface LaidOutSegment {
  readonly flags: number
  readonly offset: number
  readonly vaddr: number
  readonly filesz: number
  readonly memsz: number
  readonly align: number
  readonly data: Uint8Array
}

/** Lays a drawn image out: segments ascend on their own pages; file offsets are congruent with addresses. */
export const layOut = (draw: ImageDraw): ReadonlyArray<LaidOutSegment> => {
  let nextPage = draw.basePage
  let fileCursor = PAGE
  return draw.segments.map((s) => {
    const modulus = Math.max(s.align, PAGE)
    let vaddr = (nextPage + s.gapPages) * PAGE + s.pageOffset
    // With a large alignment, move the address up to a multiple that keeps its page offset.
    if (modulus > PAGE) vaddr = Math.ceil((vaddr - s.pageOffset) / modulus) * modulus + s.pageOffset
    const start = fileCursor + s.fileGapPages * PAGE
    const want = vaddr % modulus
    let offset = start - (start % modulus) + want
    if (offset < start) offset += modulus
    const memsz = s.filesz + s.bss
    nextPage = pageEnd(vaddr + memsz) / PAGE
    fileCursor = offset + s.filesz
    return { flags: s.flags, offset, vaddr, filesz: s.filesz, memsz, align: s.align, data: bytesFrom(s.seed, s.filesz) }
  })
}

/** The writer's description of laid-out segments. */
export const specOf = (segments: ReadonlyArray<LaidOutSegment>, entry = 0): ElfWriter.ImageSpec => ({
  header: { entry },
  segments: segments.map((s) => ({
    type: SegmentType.LOAD,
    flags: s.flags,
    offset: s.offset,
    vaddr: s.vaddr,
    filesz: s.filesz,
    memsz: s.memsz,
    align: s.align,
    data: s.data
  }))
})

/** The permissions a mapping of a segment with these flags has on this machine (no execute-only). */
export const mappedPerms = (flags: number): number => {
  let perms = 0
  if ((flags & (SegmentFlags.READ | SegmentFlags.EXECUTE)) !== 0) perms |= VmOption.PERM_READ
  if ((flags & SegmentFlags.WRITE) !== 0) perms |= VmOption.PERM_WRITE
  if ((flags & SegmentFlags.EXECUTE) !== 0) perms |= VmOption.PERM_EXECUTE
  return perms
}

/** A mapping the loader is expected to make, relative to the image's lowest page. */
export interface ExpectedMapping {
  readonly at: number
  readonly size: number
  readonly perms: number
  /** Whether it maps the file VMO itself (else a copy or a bss VMO). */
  readonly direct: boolean
}

/** The outcome the kernel's rules predict: the mappings, or the failing segment and status. */
export type Expected =
  | { readonly _tag: "Loaded"; readonly mappings: ReadonlyArray<ExpectedMapping> }
  | { readonly _tag: "VmarMap"; readonly segment: number; readonly status: number }
  | { readonly _tag: "NothingToLoad" }

/**
 * Predicts a load of `segments` from a file VMO with READ, WRITE, EXECUTE and MAP rights: a writable
 * mapping needs a readable one (INVALID_ARGS otherwise); an executable mapping needs a VMO with
 * EXECUTE, which copy-on-write copies and fresh bss VMOs lack (ACCESS_DENIED otherwise).
 */
export const predict = (segments: ReadonlyArray<LaidOutSegment>): Expected => {
  const low = segments[0].vaddr - (segments[0].vaddr % PAGE)
  const last = segments[segments.length - 1]
  if (pageEnd(last.vaddr + last.memsz) === low) return { _tag: "NothingToLoad" }
  const mappings: Array<ExpectedMapping> = []
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]
    const adjust = s.offset % PAGE
    const fileSize = s.filesz + adjust
    const virtSize = s.memsz + adjust
    const start = s.vaddr - adjust - low
    const perms = mappedPerms(s.flags)
    const copy = (virtSize > fileSize && fileSize % PAGE !== 0) ||
      (fileSize > 0 && (s.flags & SegmentFlags.WRITE) !== 0)
    const planned: Array<ExpectedMapping> = []
    if (fileSize > 0) planned.push({ at: start, size: pageEnd(fileSize), perms, direct: !copy })
    const bssSize = pageEnd(virtSize) - pageEnd(fileSize)
    if (virtSize > fileSize && bssSize > 0) {
      planned.push({ at: start + pageEnd(fileSize), size: bssSize, perms, direct: false })
    }
    for (const m of planned) {
      if ((perms & VmOption.PERM_WRITE) !== 0 && (perms & VmOption.PERM_READ) === 0) {
        return { _tag: "VmarMap", segment: i, status: Status.INVALID_ARGS }
      }
      if ((perms & VmOption.PERM_EXECUTE) !== 0 && !m.direct) {
        return { _tag: "VmarMap", segment: i, status: Status.ACCESS_DENIED }
      }
      mappings.push(m)
    }
  }
  return { _tag: "Loaded", mappings }
}
