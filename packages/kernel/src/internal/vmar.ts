/**
 * Virtual memory address regions and address spaces. A VMAR is a range holding, in address order,
 * child VMARs and mappings of VMOs. A process's address space is a tree of them under its root
 * VMAR; `translate` walks it to find the frame behind a guest address, committing pages and
 * breaking copy-on-write shares on write, or reports a fault.
 * @internal
 */
import { ObjectType } from "../ObjectType.js"
import { Rights } from "../Rights.js"
import { Status } from "../Status.js"
import { ALIGN_MASK, ALIGN_SHIFT, CAN_MAP_MASK, PAGE_SIZE, VmOption } from "../VmOptions.js"
import { fail } from "./fail.js"
import { KObject } from "./object.js"
import { RegionTree } from "./regiontree.js"
import type { KernelState } from "./state.js"
import type { VmoObject } from "./vmo.js"

/** Access kinds, with the same bits as the mapping permissions. */
export const Access = { READ: 1, WRITE: 2, EXECUTE: 4 } as const

/** Negative results of {@link AddressSpace.translate}. */
export const Fault = {
  /** Nothing is mapped at the address. */
  NOT_MAPPED: -1,
  /** A mapping is there but does not allow the access. */
  PERMISSION: -2,
  /** The mapping extends past the end of its VMO and the address is in that part. */
  BEYOND_VMO: -3,
  /** Committing a page failed: physical memory is exhausted. */
  NO_MEMORY: -4
} as const

const isPageAligned = (x: number): boolean => x % PAGE_SIZE === 0

/** The handle right each CAN_MAP_READ/WRITE/EXECUTE bit needs. */
const CAN_MAP_RIGHTS: ReadonlyArray<readonly [number, number]> = [
  [VmOption.CAN_MAP_READ, Rights.READ],
  [VmOption.CAN_MAP_WRITE, Rights.WRITE],
  [VmOption.CAN_MAP_EXECUTE, Rights.EXECUTE]
]

/** The handle right each PERM_READ/WRITE/EXECUTE bit needs. */
const PERM_RIGHTS: ReadonlyArray<readonly [number, number]> = [
  [VmOption.PERM_READ, Rights.READ],
  [VmOption.PERM_WRITE, Rights.WRITE],
  [VmOption.PERM_EXECUTE, Rights.EXECUTE]
]

/** Whether `rights` hold the right every option bit in `bits` needs per `table`. */
const rightsCover = (rights: number, bits: number, table: ReadonlyArray<readonly [number, number]>): boolean => {
  for (const [bit, right] of table) {
    if ((bits & bit) !== 0 && (rights & right) === 0) return false
  }
  return true
}

/** A VMO mapped into a VMAR. */
export class Mapping {
  constructor(
    public base: number,
    public size: number,
    readonly vmo: VmoObject,
    public vmoOffset: number,
    /** PERM_READ | PERM_WRITE | PERM_EXECUTE bits. */
    public perms: number,
    /** The permissions the handles allowed when it was mapped: `protect` can never exceed them. */
    readonly maxPerms: number,
    public parent: VmarObject | null
  ) {
    vmo.retain()
    vmo.mappingCount++
  }

  get end(): number {
    return this.base + this.size
  }

  /** Drops the mapping (its VMO reference goes with it). */
  remove(): void {
    this.parent = null
    this.vmo.mappingCount--
    this.vmo.release()
  }

  /** Splits off and returns the part from `at` on; this one keeps `[base, at)`. */
  splitAt(at: number): Mapping {
    const tail = new Mapping(
      at,
      this.end - at,
      this.vmo,
      this.vmoOffset + (at - this.base),
      this.perms,
      this.maxPerms,
      this.parent
    )
    this.size = at - this.base
    return tail
  }
}

type Region = VmarObject | Mapping

/** A node of the address-space tree. */
export class VmarObject extends KObject {
  /** The children, in address order, with the gaps between them (O(log n) map, unmap and lookup). */
  private readonly children = new RegionTree<Region>()
  destroyed = false

  constructor(
    kernel: KernelState,
    readonly base: number,
    readonly size: number,
    /** CAN_MAP_* bits. */
    readonly canMap: number,
    public parent: VmarObject | null,
    readonly aspace: AddressSpace
  ) {
    super(kernel, ObjectType.VMAR)
  }

  get end(): number {
    return this.base + this.size
  }

  /** How many children (mappings and VMARs) the VMAR holds directly. */
  get childCount(): number {
    return this.children.size
  }

  /** The child region containing `address`, if any. */
  childAt(address: number): Region | undefined {
    return this.children.at(address)
  }

  /** Whether `[start, end)` touches no child. */
  isFree(start: number, end: number): boolean {
    const c = this.children.firstEndingAbove(start)
    return c === undefined || c.base >= end
  }

  private insert(region: Region): void {
    this.children.insert(region)
  }

  private removeChild(region: Region): void {
    this.children.remove(region)
  }

  /**
   * Picks a place for `size` bytes aligned to `alignment`, at or below `limit`; -1 when none.
   * Compact placement takes the lowest spot. Otherwise a start is drawn uniformly from every
   * aligned address where the range would fit inside the VMAR, and the range goes at the first
   * free spot from there (wrapping around to the bottom): in an empty stretch that is the drawn
   * address itself, so placement is spread over the whole VMAR, reproducible under a seed, and
   * O(log n) in the number of children (as Zircon's does it, with a gap-augmented tree).
   */
  private place(size: number, alignment: number, compact: boolean, limit: number): number {
    const high = Math.min(limit, this.end)
    const lowest = Math.ceil(this.base / alignment) * alignment
    if (lowest + size > high) return -1
    if (compact) return this.children.findSpot(lowest, size, alignment, this.base, high)
    const positions = Math.floor((high - size - lowest) / alignment) + 1
    const drawn = lowest + Math.floor(this.kernel.random() * positions) * alignment
    const spot = this.children.findSpot(drawn, size, alignment, this.base, high)
    return spot >= 0 || drawn === lowest ? spot : this.children.findSpot(lowest, size, alignment, this.base, high)
  }

  private alignmentOf(options: number): number {
    const field = ((options & ALIGN_MASK) >>> 0) >>> ALIGN_SHIFT
    if (field === 0) return PAGE_SIZE
    if (field < 10 || field > 32) fail(Status.INVALID_ARGS)
    return Math.max(PAGE_SIZE, 2 ** field)
  }

  /** Finds the base for a new child of `size` bytes per the SPECIFIC/alignment options. */
  private chooseBase(options: number, offset: number, size: number, overlapStatus: number, fullStatus: number): number {
    const alignment = this.alignmentOf(options)
    if ((options & VmOption.SPECIFIC) !== 0 || (options & VmOption.SPECIFIC_OVERWRITE) !== 0) {
      if ((options & VmOption.OFFSET_IS_UPPER_LIMIT) !== 0) fail(Status.INVALID_ARGS)
      if ((this.canMap & VmOption.CAN_MAP_SPECIFIC) === 0) fail(Status.ACCESS_DENIED)
      // The alignment applies to the absolute address, not to the offset within this VMAR.
      if (!isPageAligned(offset) || (this.base + offset) % alignment !== 0) fail(Status.INVALID_ARGS)
      if (offset + size > this.size) fail(Status.INVALID_ARGS)
      const base = this.base + offset
      if ((options & VmOption.SPECIFIC_OVERWRITE) === 0 && !this.isFree(base, base + size)) fail(overlapStatus)
      return base
    }
    let limit = this.end
    if ((options & VmOption.OFFSET_IS_UPPER_LIMIT) !== 0) {
      if (!isPageAligned(offset) || offset > this.size) fail(Status.INVALID_ARGS)
      limit = this.base + offset
    } else if (offset !== 0) {
      fail(Status.INVALID_ARGS)
    }
    const base = this.place(size, alignment, (options & VmOption.COMPACT) !== 0, limit)
    if (base < 0) fail(fullStatus)
    return base
  }

  /**
   * A child VMAR. `parentRights` are the rights of the handle the caller used: CAN_MAP_READ,
   * CAN_MAP_WRITE and CAN_MAP_EXECUTE need READ, WRITE and EXECUTE on it (ACCESS_DENIED).
   */
  allocate(options: number, offset: number, size: number, parentRights: number): VmarObject {
    if (
      !rightsCover(
        parentRights,
        options & (VmOption.CAN_MAP_READ | VmOption.CAN_MAP_WRITE | VmOption.CAN_MAP_EXECUTE),
        CAN_MAP_RIGHTS
      )
    ) {
      fail(Status.ACCESS_DENIED)
    }
    if (this.destroyed) fail(Status.BAD_STATE)
    if (size <= 0 || !isPageAligned(size) || !Number.isSafeInteger(size)) fail(Status.INVALID_ARGS)
    const known = CAN_MAP_MASK | VmOption.SPECIFIC | VmOption.COMPACT | VmOption.OFFSET_IS_UPPER_LIMIT | ALIGN_MASK
    if ((options & ~known) !== 0) fail(Status.INVALID_ARGS)
    this.alignmentOf(options)
    const wanted = options & CAN_MAP_MASK
    // CAN_MAP_SPECIFIC may be asked for whatever the parent allows; the rest must be allowed.
    if ((wanted & ~this.canMap & ~VmOption.CAN_MAP_SPECIFIC) !== 0) fail(Status.ACCESS_DENIED)
    const base = this.chooseBase(options, offset, size, Status.ALREADY_EXISTS, Status.NO_MEMORY)
    const child = new VmarObject(this.kernel, base, size, wanted, this, this.aspace)
    child.retain()
    this.insert(child)
    return child
  }

  /**
   * Maps `len` bytes of `vmo` from `vmoOffset`. `vmarRights` and `vmoRights` are the rights of the
   * handles the caller used: they bound the permissions, now and for later `protect` calls.
   */
  map(
    options: number,
    vmarOffset: number,
    vmo: VmoObject,
    vmoOffset: number,
    len: number,
    vmarRights: number,
    vmoRights: number
  ): number {
    if (this.destroyed) fail(Status.BAD_STATE)
    const known = VmOption.PERM_READ | VmOption.PERM_WRITE | VmOption.PERM_EXECUTE | VmOption.SPECIFIC |
      VmOption.SPECIFIC_OVERWRITE | VmOption.MAP_RANGE | VmOption.REQUIRE_NON_RESIZABLE | VmOption.ALLOW_FAULTS |
      VmOption.PERM_READ_IF_XOM_UNSUPPORTED | VmOption.OFFSET_IS_UPPER_LIMIT | VmOption.COMPACT | ALIGN_MASK
    if ((options & ~known) !== 0) fail(Status.INVALID_ARGS)
    this.alignmentOf(options)
    if (len <= 0 || !isPageAligned(len) || !isPageAligned(vmoOffset) || !Number.isSafeInteger(vmoOffset + len)) {
      fail(Status.INVALID_ARGS)
    }
    let perms = options & (VmOption.PERM_READ | VmOption.PERM_WRITE | VmOption.PERM_EXECUTE)
    // This machine has no execute-only mappings, so "read if XOM is unsupported" means read.
    if ((options & VmOption.PERM_READ_IF_XOM_UNSUPPORTED) !== 0) perms |= VmOption.PERM_READ
    // Writable or executable mappings must be readable (PERM_READ_IF_XOM_UNSUPPORTED counts).
    if ((perms & (VmOption.PERM_WRITE | VmOption.PERM_EXECUTE)) !== 0 && (perms & VmOption.PERM_READ) === 0) {
      fail(Status.INVALID_ARGS)
    }
    const allowed = this.permsAllowed(vmarRights, vmoRights)
    if ((perms & ~allowed) !== 0) fail(Status.ACCESS_DENIED)
    if (vmo.resizable && (options & VmOption.REQUIRE_NON_RESIZABLE) !== 0) fail(Status.NOT_SUPPORTED)
    if ((options & VmOption.ALLOW_FAULTS) === 0) {
      if (vmo.resizable) fail(Status.NOT_SUPPORTED)
      if (vmoOffset + len > vmo.size) fail(Status.BUFFER_TOO_SMALL)
    }
    const base = this.chooseBase(options, vmarOffset, len, Status.ALREADY_EXISTS, Status.NO_RESOURCES)
    if ((options & VmOption.SPECIFIC_OVERWRITE) !== 0) this.unmapRange(base, len, true)
    const mapping = new Mapping(base, len, vmo, vmoOffset, perms, allowed, this)
    this.insert(mapping)
    // The kernel allows syscalls only from the vDSO's code: remember where it is mapped.
    const owner = this.aspace.owner
    if (vmo === this.kernel.vdso && (perms & VmOption.PERM_EXECUTE) !== 0 && owner !== null) {
      // Where stub 0 would be if this mapping covers the code: the vDSO's code offset in the VMO.
      owner.vdsoCodeStart = base - vmoOffset + this.kernel.vdsoCodeOffset
      owner.vdsoCodeEnd = base + len
    }
    // Nothing to invalidate: CPUs cache only translations that succeeded, and the addresses were
    // unmapped (an overwritten range was unmapped above, which invalidated).
    return base
  }

  /** The permissions a mapping through these handles may ever have. */
  private permsAllowed(vmarRights: number, vmoRights: number): number {
    let allowed = 0
    const both = vmarRights & vmoRights
    if ((this.canMap & VmOption.CAN_MAP_READ) !== 0 && (both & Rights.READ) !== 0) allowed |= VmOption.PERM_READ
    if ((this.canMap & VmOption.CAN_MAP_WRITE) !== 0 && (both & Rights.WRITE) !== 0) allowed |= VmOption.PERM_WRITE
    if ((this.canMap & VmOption.CAN_MAP_EXECUTE) !== 0 && (both & Rights.EXECUTE) !== 0) {
      allowed |= VmOption.PERM_EXECUTE
    }
    return allowed
  }

  /**
   * Removes mappings and destroys child VMARs in `[start, start+len)`. A child VMAR that the range
   * only partly covers is refused with INVALID_ARGS, before anything changes.
   */
  unmapRange(start: number, len: number, mappingsOnly = false): void {
    if (this.destroyed) fail(Status.BAD_STATE)
    const end = start + len
    if (len <= 0 || !isPageAligned(start) || !isPageAligned(len) || start < this.base || end > this.end) {
      fail(Status.INVALID_ARGS)
    }
    const covered = this.children.overlapping(start, end)
    // Validate first so a refused unmap changes nothing.
    for (const c of covered) {
      if (c instanceof VmarObject) {
        if (mappingsOnly || c.base < start || c.base + c.size > end) fail(Status.INVALID_ARGS)
      }
    }
    for (const c of covered) {
      if (c instanceof VmarObject) {
        // Leaves this VMAR's children by itself.
        c.destroyTree()
        continue
      }
      // A mapping: keep the parts outside the range (its span changes, so it leaves the tree first).
      this.children.remove(c)
      if (c.base < start) {
        const tail = c.splitAt(start)
        this.children.insert(c)
        if (tail.end > end) this.children.insert(tail.splitAt(end))
        tail.remove()
      } else if (c.end > end) {
        const tail = c.splitAt(end)
        c.remove()
        this.children.insert(tail)
      } else {
        c.remove()
      }
    }
    this.kernel.invalidateTranslations()
  }

  /**
   * Changes the permissions of every mapping in `[start, start+len)`, which must be mapped
   * throughout (NOT_FOUND otherwise) and may not gain a permission its handles did not allow.
   */
  protect(options: number, start: number, len: number, vmarRights: number): void {
    if (
      !rightsCover(
        vmarRights,
        options & (VmOption.PERM_READ | VmOption.PERM_WRITE | VmOption.PERM_EXECUTE),
        PERM_RIGHTS
      )
    ) {
      fail(Status.ACCESS_DENIED)
    }
    if (this.destroyed) fail(Status.BAD_STATE)
    const end = start + len
    if (len <= 0 || !isPageAligned(start) || !isPageAligned(len) || start < this.base || end > this.end) {
      fail(Status.INVALID_ARGS)
    }
    if (
      (options &
        ~(VmOption.PERM_READ | VmOption.PERM_WRITE | VmOption.PERM_EXECUTE | VmOption.PERM_READ_IF_XOM_UNSUPPORTED)) !==
        0
    ) {
      fail(Status.INVALID_ARGS)
    }
    let perms = options & (VmOption.PERM_READ | VmOption.PERM_WRITE | VmOption.PERM_EXECUTE)
    if ((options & VmOption.PERM_READ_IF_XOM_UNSUPPORTED) !== 0) perms |= VmOption.PERM_READ
    // Writable or executable mappings must be readable (PERM_READ_IF_XOM_UNSUPPORTED counts).
    if ((perms & (VmOption.PERM_WRITE | VmOption.PERM_EXECUTE)) !== 0 && (perms & VmOption.PERM_READ) === 0) {
      fail(Status.INVALID_ARGS)
    }
    const covered: Array<Mapping> = []
    this.collectMappings(start, end, covered)
    covered.sort((a, b) => a.base - b.base)
    let cursor = start
    for (const m of covered) {
      if (m.base > cursor) fail(Status.NOT_FOUND)
      if ((perms & ~m.maxPerms) !== 0) fail(Status.ACCESS_DENIED)
      if ((perms & ~m.parent!.canMapPerms()) !== 0) fail(Status.ACCESS_DENIED)
      // A mapping in a sub-region may keep or lose permissions through this VMAR, never gain any.
      if (m.parent !== this && (perms & ~m.perms) !== 0) fail(Status.ACCESS_DENIED)
      cursor = m.end
    }
    if (cursor < end) fail(Status.NOT_FOUND)
    for (const m of covered) m.parent!.protectMapping(m, start, end, perms)
    this.kernel.invalidateTranslations()
  }

  private canMapPerms(): number {
    let p = 0
    if ((this.canMap & VmOption.CAN_MAP_READ) !== 0) p |= VmOption.PERM_READ
    if ((this.canMap & VmOption.CAN_MAP_WRITE) !== 0) p |= VmOption.PERM_WRITE
    if ((this.canMap & VmOption.CAN_MAP_EXECUTE) !== 0) p |= VmOption.PERM_EXECUTE
    return p
  }

  private collectMappings(start: number, end: number, out: Array<Mapping>): void {
    for (const c of this.children.overlapping(start, end)) {
      if (c instanceof VmarObject) c.collectMappings(start, end, out)
      else out.push(c)
    }
  }

  private protectMapping(m: Mapping, start: number, end: number, perms: number): void {
    if (m.base >= start && m.end <= end) {
      m.perms = perms
      return
    }
    // The mapping is split: its span changes, so it leaves the tree and its parts go back in.
    this.children.remove(m)
    let target = m
    if (m.base < start) {
      target = m.splitAt(start)
      this.children.insert(m)
    }
    if (target.end > end) this.children.insert(target.splitAt(end))
    target.perms = perms
    this.children.insert(target)
  }

  /** Destroys the VMAR and everything in it; its handles stay open but every later use fails BAD_STATE. */
  destroyTree(): void {
    if (this.destroyed) return
    this.destroyed = true
    const children = this.children.toArray()
    this.children.clear()
    for (const c of children) {
      if (c instanceof VmarObject) c.destroyTree()
      else c.remove()
    }
    const parent = this.parent
    if (parent !== null) {
      this.parent = null
      parent.removeChild(this)
      this.release()
    }
    this.kernel.invalidateTranslations()
  }

  /** The mapping containing `address`, searching child VMARs. */
  mappingAt(address: number): Mapping | undefined {
    let node: VmarObject = this
    for (;;) {
      const c = node.childAt(address)
      if (c === undefined) return undefined
      if (c instanceof VmarObject) node = c
      else return c
    }
  }

  /** Visits every mapping and VMAR below this one, depth first, in address order. */
  walk(visit: (region: Region, depth: number) => void, depth = 0): void {
    for (const c of this.children.toArray()) {
      visit(c, depth)
      if (c instanceof VmarObject) c.walk(visit, depth + 1)
    }
  }
}

/**
 * Frames an address space is charged for while it lives: Zircon keeps an address space's root
 * in a page-table page, so creating a process fails NO_MEMORY when physical memory is spent and a
 * guest cannot make processes without bound. Here the tree is JavaScript objects, so the frame is
 * only counted, never taken.
 */
export const ADDRESS_SPACE_FRAMES = 1

/** A process's address space: the root VMAR and address translation. */
export class AddressSpace {
  readonly root: VmarObject
  readonly id: number
  /** The process owning the address space. */
  owner: { vdsoCodeStart: number; vdsoCodeEnd: number } | null = null
  private last: Mapping | undefined = undefined
  private destroyed = false

  constructor(readonly kernel: KernelState, base: number, size: number) {
    if (!kernel.memory.charge(ADDRESS_SPACE_FRAMES)) fail(Status.NO_MEMORY)
    this.id = kernel.nextAddressSpaceId()
    this.root = new VmarObject(kernel, base, size, CAN_MAP_MASK, null, this)
    // The address space holds its root VMAR until it is torn down.
    this.root.retain()
  }

  /** The mapping at `address`, or undefined. */
  lookup(address: number): Mapping | undefined {
    const last = this.last
    if (last !== undefined && last.parent !== null && address >= last.base && address < last.base + last.size) {
      return last
    }
    const m = this.root.mappingAt(address)
    if (m !== undefined) this.last = m
    return m
  }

  /**
   * The physical byte address of the frame behind the page holding `address`, for `access` (one of
   * {@link Access}), or a negative {@link Fault}. A write commits the page and breaks
   * copy-on-write sharing first.
   */
  translate(address: number, access: number): number {
    const m = this.lookup(address)
    if (m === undefined) return Fault.NOT_MAPPED
    if ((m.perms & access) !== access) return Fault.PERMISSION
    const offset = address - m.base + m.vmoOffset
    if (offset >= m.vmo.size) return Fault.BEYOND_VMO
    const index = Math.floor(offset / PAGE_SIZE)
    const frame = access === Access.WRITE ? m.vmo.frameForWrite(index) : m.vmo.frameForRead(index)
    if (frame < 0) return Fault.NO_MEMORY
    return frame * PAGE_SIZE
  }

  /**
   * Copies bytes out of the address space, honouring mapping permissions when `access` is given
   * (a guest's pointer) or ignoring them when it is 0 (a debugger's read). Fails INVALID_ARGS when
   * part of the range cannot be read.
   */
  read(address: number, length: number, access: number): Uint8Array {
    // A buffer larger than the machine's memory cannot be handed out; nor one for a range that
    // is not readable throughout (checked before the buffer is made).
    if (length > this.kernel.memory.maxFrames * PAGE_SIZE) fail(Status.NO_MEMORY)
    this.probe(address, length, access === 0 ? 0 : Access.READ)
    const out = new Uint8Array(length)
    this.readInto(address, out, access)
    return out
  }

  readInto(address: number, out: Uint8Array, access: number): void {
    let done = 0
    while (done < out.length) {
      const at = address + done
      const page = this.pageFor(at, access === 0 ? 0 : Access.READ, false)
      const inPage = at % PAGE_SIZE
      const n = Math.min(PAGE_SIZE - inPage, out.length - done)
      const bytes = this.kernel.memory.bytes
      out.set(bytes.subarray(page + inPage, page + inPage + n), done)
      done += n
    }
  }

  /** Copies bytes into the address space; see {@link read} for `access`. */
  write(address: number, data: Uint8Array, access: number): void {
    // Check the whole range before writing any of it.
    for (let at = address - (address % PAGE_SIZE); at < address + data.length; at += PAGE_SIZE) {
      this.checkPage(at, access === 0 ? 0 : Access.WRITE)
    }
    let done = 0
    while (done < data.length) {
      const at = address + done
      const page = this.pageFor(at, access === 0 ? 0 : Access.WRITE, true)
      const inPage = at % PAGE_SIZE
      const n = Math.min(PAGE_SIZE - inPage, data.length - done)
      this.kernel.memory.touch(page / PAGE_SIZE)
      this.kernel.memory.bytes.set(data.subarray(done, done + n), page + inPage)
      done += n
    }
  }

  /** Checks that every page of `[address, address+length)` allows `access` (INVALID_ARGS otherwise). */
  probe(address: number, length: number, access: number): void {
    if (length === 0) return
    if (!Number.isSafeInteger(address + length) || address < 0) fail(Status.INVALID_ARGS)
    for (let at = address - (address % PAGE_SIZE); at < address + length; at += PAGE_SIZE) this.checkPage(at, access)
  }

  private checkPage(address: number, access: number): Mapping {
    if (!Number.isSafeInteger(address) || address < 0) fail(Status.INVALID_ARGS)
    const m = this.lookup(address)
    if (m === undefined) fail(Status.INVALID_ARGS)
    if ((m!.perms & access) !== access) fail(Status.INVALID_ARGS)
    if (address - m!.base + m!.vmoOffset >= m!.vmo.size) fail(Status.INVALID_ARGS)
    return m!
  }

  private pageFor(address: number, access: number, write: boolean): number {
    const m = this.checkPage(address, access)
    const index = Math.floor((address - m.base + m.vmoOffset) / PAGE_SIZE)
    const frame = write ? m.vmo.frameForWrite(index) : m.vmo.frameForRead(index)
    if (frame < 0) fail(Status.NO_MEMORY)
    return frame * PAGE_SIZE
  }

  /** Tears the whole address space down (the process died). */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.last = undefined
    this.root.destroyTree()
    this.root.release()
    this.kernel.memory.uncharge(ADDRESS_SPACE_FRAMES)
  }
}
