/**
 * Register files packed densely into kernel frames: four 1 KiB files to a 4 KiB frame. A frame
 * with a free slot is used before a new frame is taken, and a frame whose last file is freed goes
 * back to physical memory, where a VMO page or another structure reuses it.
 * @internal
 */
import { REGISTER_FILE_BYTES } from "../Cpu.js"
import { PAGE_SIZE } from "../VmOptions.js"
import type { PhysicalMemory } from "./physmem.js"

const SLOTS_PER_FRAME = PAGE_SIZE / REGISTER_FILE_BYTES
const FULL = (1 << SLOTS_PER_FRAME) - 1
if (!Number.isInteger(SLOTS_PER_FRAME) || SLOTS_PER_FRAME < 1 || SLOTS_PER_FRAME > 30) {
  throw new Error(`register files of ${REGISTER_FILE_BYTES} bytes do not pack into ${PAGE_SIZE}-byte frames`)
}

/** The pool of register files. */
export class RegisterFilePool {
  /** Frame -> bit mask of its slots in use. */
  private readonly used = new Map<number, number>()
  /** Frames with at least one free slot, and each one's index in that list (swap-removal). */
  private readonly partial: Array<number> = []
  private readonly partialIndex = new Map<number, number>()

  constructor(private readonly memory: PhysicalMemory) {}

  /** Register files handed out and not yet freed. */
  live = 0

  /** A zeroed register file (its byte address), or -1 when physical memory is spent. */
  allocate(): number {
    let frame: number
    let mask: number
    if (this.partial.length > 0) {
      frame = this.partial[this.partial.length - 1]
      mask = this.used.get(frame)!
    } else {
      frame = this.memory.allocateKernel()
      if (frame < 0) return -1
      mask = 0
      this.addPartial(frame)
    }
    let slot = 0
    while ((mask & (1 << slot)) !== 0) slot++
    mask |= 1 << slot
    this.used.set(frame, mask)
    if (mask === FULL) this.removePartial(frame)
    this.live++
    const at = frame * PAGE_SIZE + slot * REGISTER_FILE_BYTES
    this.memory.bytes.fill(0, at, at + REGISTER_FILE_BYTES)
    return at
  }

  /** Gives a register file back; its frame returns to physical memory with its last file. */
  free(at: number): void {
    const frame = Math.floor(at / PAGE_SIZE)
    const slot = (at - frame * PAGE_SIZE) / REGISTER_FILE_BYTES
    const mask = this.used.get(frame)
    if (mask === undefined || (mask & (1 << slot)) === 0) return
    const next = mask & ~(1 << slot)
    this.live--
    if (next === 0) {
      this.used.delete(frame)
      this.removePartial(frame)
      this.memory.releaseKernel(frame)
      return
    }
    if (mask === FULL) this.addPartial(frame)
    this.used.set(frame, next)
  }

  private addPartial(frame: number): void {
    this.partialIndex.set(frame, this.partial.length)
    this.partial.push(frame)
  }

  private removePartial(frame: number): void {
    const i = this.partialIndex.get(frame)
    if (i === undefined) return
    const last = this.partial.pop()!
    if (last !== frame) {
      this.partial[i] = last
      this.partialIndex.set(last, i)
    }
    this.partialIndex.delete(frame)
  }
}
