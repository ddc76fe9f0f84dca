/**
 * Virtual memory objects: a size and a sparse page table of physical frames. Pages are committed
 * on first write and read as zeros before that; snapshot children share their parent's frames
 * until either side writes (copy-on-write at frame level, so neither ever sees the other's writes
 * after the snapshot).
 * @internal
 */
import { ObjectType } from "../ObjectType.js"
import { Status } from "../Status.js"
import { PAGE_SIZE, pageEnd } from "../VmOptions.js"
import { fail } from "./fail.js"
import { KObject } from "./object.js"
import type { KernelState } from "./state.js"

/** The largest VMO this kernel creates (2^40 bytes): far above the frame pool, below 2^53. */
export const MAX_VMO_SIZE = 2 ** 40

export class VmoObject extends KObject {
  /** Page index -> frame. */
  readonly pages = new Map<number, number>()
  /** Size in bytes, always a whole number of pages. */
  size: number
  /** The byte size the VMO was created or last resized with (`ZX_PROP_VMO_CONTENT_SIZE`). */
  contentSize: number
  /** Live mappings of this VMO (so a shrink can tell whether it must invalidate translations). */
  mappingCount = 0

  constructor(kernel: KernelState, size: number, readonly resizable: boolean) {
    super(kernel, ObjectType.VMO)
    this.contentSize = size
    this.size = pageEnd(size)
  }

  /**
   * Uncommitted pages whose zero frame was handed out for a read: translations may have cached it,
   * so committing one of these must invalidate them. Committing any other page needs nothing: no
   * translation can hold it (a program's heap and stack are mostly written before they are read,
   * and a global invalidation per page it touches cost compiled code its caches again and again).
   */
  private readonly zeroReads = new Set<number>()

  /** The frame backing page `index` for a read: its own, or the zero frame when uncommitted. */
  frameForRead(index: number): number {
    const frame = this.pages.get(index)
    if (frame !== undefined) return frame
    this.zeroReads.add(index)
    return 0
  }

  /**
   * The frame backing page `index` for a write: commits a fresh frame, or breaks a copy-on-write
   * share, as needed. Returns -1 when physical memory is exhausted.
   */
  frameForWrite(index: number): number {
    const mem = this.kernel.memory
    const frame = this.pages.get(index)
    if (frame === undefined) {
      const fresh = mem.allocate()
      if (fresh < 0) return -1
      this.pages.set(index, fresh)
      // Translations may have cached the zero frame for this page.
      if (this.zeroReads.delete(index)) this.kernel.zeroFrameStale()
      return fresh
    }
    if (mem.refCount(frame) > 1) {
      const copy = mem.copy(frame)
      if (copy < 0) return -1
      mem.release(frame)
      this.pages.set(index, copy)
      this.kernel.invalidateTranslations()
      return copy
    }
    return frame
  }

  read(offset: number, length: number): Uint8Array {
    if (offset + length > this.size) fail(Status.OUT_OF_RANGE)
    // A buffer larger than the machine's memory cannot be handed out.
    if (length > this.kernel.memory.maxFrames * PAGE_SIZE) fail(Status.NO_MEMORY)
    const out = new Uint8Array(length)
    this.readInto(offset, out)
    return out
  }

  readInto(offset: number, out: Uint8Array): void {
    const bytes = this.kernel.memory.bytes
    let done = 0
    const length = out.length
    while (done < length) {
      const at = offset + done
      const index = Math.floor(at / PAGE_SIZE)
      const inPage = at - index * PAGE_SIZE
      const n = Math.min(PAGE_SIZE - inPage, length - done)
      const frame = this.pages.get(index)
      if (frame === undefined) out.fill(0, done, done + n)
      else out.set(bytes.subarray(frame * PAGE_SIZE + inPage, frame * PAGE_SIZE + inPage + n), done)
      done += n
    }
  }

  write(offset: number, data: Uint8Array): void {
    if (offset + data.length > this.size) fail(Status.OUT_OF_RANGE)
    let done = 0
    const length = data.length
    while (done < length) {
      const at = offset + done
      const index = Math.floor(at / PAGE_SIZE)
      const inPage = at - index * PAGE_SIZE
      const n = Math.min(PAGE_SIZE - inPage, length - done)
      const frame = this.frameForWrite(index)
      if (frame < 0) fail(Status.NO_MEMORY)
      // Re-read the view: committing a frame may have grown (and detached) the memory.
      this.kernel.memory.touch(frame)
      this.kernel.memory.bytes.set(data.subarray(done, done + n), frame * PAGE_SIZE + inPage)
      done += n
    }
  }

  /** Zeroes `[offset, offset+length)`, decommitting whole pages. */
  zero(offset: number, length: number): void {
    if (offset + length > this.size) fail(Status.OUT_OF_RANGE)
    let at = offset
    const end = offset + length
    while (at < end) {
      const index = Math.floor(at / PAGE_SIZE)
      const inPage = at - index * PAGE_SIZE
      const n = Math.min(PAGE_SIZE - inPage, end - at)
      if (n === PAGE_SIZE) this.decommit(index)
      else if (this.pages.has(index)) {
        const frame = this.frameForWrite(index)
        if (frame < 0) fail(Status.NO_MEMORY)
        this.kernel.memory.touch(frame)
        this.kernel.memory.bytes.fill(0, frame * PAGE_SIZE + inPage, frame * PAGE_SIZE + inPage + n)
      }
      at += n
    }
  }

  private decommit(index: number): void {
    const frame = this.pages.get(index)
    if (frame === undefined) return
    this.pages.delete(index)
    this.kernel.memory.release(frame)
    this.kernel.invalidateTranslations()
  }

  setSize(size: number): void {
    const newSize = pageEnd(size)
    if (newSize < this.size) {
      for (const index of Array.from(this.pages.keys())) {
        if (index * PAGE_SIZE >= newSize) this.decommit(index)
      }
    }
    // Zero from the new content size to the end of its page.
    if (size < newSize && this.pages.has(Math.floor(size / PAGE_SIZE))) {
      this.zero(size, newSize - size)
    }
    this.size = newSize
    this.contentSize = size
  }

  /** A snapshot child of `[offset, offset+size)`: shares committed frames copy-on-write. */
  snapshot(offset: number, size: number, resizable: boolean): VmoObject {
    const child = new VmoObject(this.kernel, size, resizable)
    const mem = this.kernel.memory
    const first = offset / PAGE_SIZE
    const count = child.size / PAGE_SIZE
    let shared = false
    if (this.pages.size <= count) {
      for (const [index, frame] of this.pages) {
        if (index >= first && index < first + count && index * PAGE_SIZE < this.size) {
          mem.retain(frame)
          child.pages.set(index - first, frame)
          shared = true
        }
      }
    } else {
      for (let i = 0; i < count; i++) {
        const frame = this.pages.get(first + i)
        if (frame !== undefined) {
          mem.retain(frame)
          child.pages.set(i, frame)
          shared = true
        }
      }
    }
    // Writable translations of the parent's pages must now break the share on write.
    if (shared) this.kernel.invalidateTranslations()
    return child
  }

  protected override destroy(): void {
    const mem = this.kernel.memory
    for (const frame of this.pages.values()) mem.release(frame)
    this.pages.clear()
  }
}
