/**
 * Physical memory: 4 KiB frames carved from one `WebAssembly.Memory`, so JIT-compiled guest code
 * can read and write guest pages directly.
 *
 * - Frames are reference counted (copy-on-write VMO children share frames until one side writes)
 *   and zero-filled when handed out. Frame 0 is the shared zero page: never written, it backs reads
 *   of uncommitted pages.
 * - A freed frame goes on a recycle stack and is handed out again before any fresh frame: the
 *   memory grows only when every frame below its high-water mark is in use. A `WebAssembly.Memory`
 *   can never shrink, so this is how memory freed by dead processes comes back.
 * - The memory grows geometrically (by half its size, at least {@link MIN_GROWTH_WASM_PAGES}), never a
 *   page at a time: every growth detaches the old buffer, makes CPUs re-create their views and,
 *   past a few tens of MiB, costs the host a full garbage collection.
 * - One budget, `maxFrames` (the kernel's `memoryBytes`), bounds what VMO pages and the kernel's
 *   own structures (register files, address-space roots) hold together; beyond it an allocation
 *   answers -1 / false and callers fail with NO_MEMORY. CPU tables set aside with {@link reserve}
 *   come from a separate allowance ({@link CPU_ALLOWANCE_FRAMES}) that the memory's maximum
 *   includes, so they always find room.
 * @internal
 */
import { PAGE_SIZE } from "../VmOptions.js"

const WASM_PAGE = 65536
const FRAMES_PER_WASM_PAGE = WASM_PAGE / PAGE_SIZE
/** The most wasm pages a 32-bit `WebAssembly.Memory` can have (4 GiB). */
const MAX_WASM_PAGES = 65536
/** The smallest growth (1 MiB): small kernels still grow in few steps. */
export const MIN_GROWTH_WASM_PAGES = 16
/** Each growth adds at least this fraction of the current size. */
const GROWTH_FACTOR = 0.5
/**
 * Frames CPUs may set aside for their own tables (4 MiB; the JIT takes 65 per kernel), outside
 * the `maxFrames` budget and inside the memory's maximum.
 */
export const CPU_ALLOWANCE_FRAMES = 1024

/** Sizing of the frame pool. */
export interface PhysicalMemoryOptions {
  /** Frames VMO pages and kernel structures may hold together; allocating more fails with NO_MEMORY. */
  readonly maxFrames: number
  /** Wasm pages the memory starts with. */
  readonly initialWasmPages?: number
}

/** The frame pool. */
export class PhysicalMemory {
  readonly memory: WebAssembly.Memory
  /** A byte view of the whole memory; replaced (and `generation` bumped) when the memory grows. */
  bytes: Uint8Array
  /** Bumped every time the memory grows and old views become detached. */
  generation = 0
  /** Frames in use by VMOs (committed pages), not counting the zero frame or reserved frames. */
  committedFrames = 0
  /**
   * Frames the kernel holds for its own structures: pages of register files and the frames charged
   * for address-space roots. They count against `maxFrames` with the committed ones.
   */
  kernelFrames = 0
  /** Bytes of kernel buffers counted with {@link chargeBytes}; `kernelFrames` holds them in whole frames. */
  bufferBytes = 0
  /** Frames set aside with {@link reserve} for CPU-private data (outside the budget). */
  reservedFrames = 0
  /** Times the memory has grown. */
  growths = 0
  readonly maxFrames: number
  private totalFrames: number
  /** Frames at and above this index have never been handed out (they are still zero). */
  private top = 1
  private refs: Uint32Array
  /** One byte per frame: non-zero when a CPU holds translated code from it. */
  private watched: Uint8Array
  /** Called before the kernel itself writes to, or frees, a watched frame. */
  codeWritten: ((frame: number) => void) | null = null
  /** Freed frames below `top`, handed out again (zeroed) before fresh ones. */
  private readonly recycled: Array<number> = []
  private readonly maximumWasmPages: number

  constructor(options: PhysicalMemoryOptions) {
    // The budget never exceeds what a 32-bit memory can hold beside the zero frame and CPU tables.
    this.maxFrames = Math.max(0, Math.min(options.maxFrames, MAX_WASM_PAGES * FRAMES_PER_WASM_PAGE - 1 - CPU_ALLOWANCE_FRAMES))
    this.maximumWasmPages = Math.min(
      MAX_WASM_PAGES,
      Math.ceil((this.maxFrames + 1 + CPU_ALLOWANCE_FRAMES) / FRAMES_PER_WASM_PAGE)
    )
    const initial = Math.min(Math.max(1, options.initialWasmPages ?? 1), this.maximumWasmPages)
    this.memory = new WebAssembly.Memory({ initial, maximum: this.maximumWasmPages })
    this.bytes = new Uint8Array(this.memory.buffer)
    this.totalFrames = this.bytes.length / PAGE_SIZE
    this.refs = new Uint32Array(this.totalFrames)
    this.watched = new Uint8Array(this.totalFrames)
    // Frame 0 is the zero page: permanently referenced, never handed out.
    this.refs[0] = 1
  }

  /** Frames of the memory as it is now (in use, free, reserved and the zero frame). */
  get sizeFrames(): number {
    return this.totalFrames
  }

  /** Frames the budget has left for VMO pages and kernel structures. */
  get availableFrames(): number {
    return this.maxFrames - this.committedFrames - this.kernelFrames
  }

  private growBy(wasmPages: number): boolean {
    try {
      this.memory.grow(wasmPages)
    } catch {
      return false
    }
    this.bytes = new Uint8Array(this.memory.buffer)
    const total = this.bytes.length / PAGE_SIZE
    const refs = new Uint32Array(total)
    refs.set(this.refs)
    this.refs = refs
    const watched = new Uint8Array(total)
    watched.set(this.watched)
    this.watched = watched
    this.totalFrames = total
    this.generation++
    this.growths++
    return true
  }

  /**
   * Makes frames `[top, top + count)` exist, growing geometrically (half the current size, at
   * least 1 MiB, at most up to the maximum), or exactly what is needed when the host refuses more.
   */
  private ensureFresh(count: number): boolean {
    const missing = this.top + count - this.totalFrames
    if (missing <= 0) return true
    const current = this.totalFrames / FRAMES_PER_WASM_PAGE
    const needed = Math.ceil(missing / FRAMES_PER_WASM_PAGE)
    const room = this.maximumWasmPages - current
    if (needed > room) return false
    const wanted = Math.min(room, Math.max(needed, MIN_GROWTH_WASM_PAGES, Math.ceil(current * GROWTH_FACTOR)))
    return this.growBy(wanted) || (wanted > needed && this.growBy(needed))
  }

  /** A zeroed frame with one reference, outside any count; -1 when the memory cannot grow. */
  private take(): number {
    const frame = this.recycled.pop()
    if (frame !== undefined) {
      this.bytes.fill(0, frame * PAGE_SIZE, frame * PAGE_SIZE + PAGE_SIZE)
      this.refs[frame] = 1
      return frame
    }
    if (!this.ensureFresh(1)) return -1
    const fresh = this.top++
    this.refs[fresh] = 1
    return fresh
  }

  /** Hands out a zero-filled frame for a VMO page with one reference, or -1 when the budget is spent. */
  allocate(): number {
    if (this.availableFrames <= 0) return -1
    const frame = this.take()
    if (frame < 0) return -1
    this.committedFrames++
    return frame
  }

  /** Adds a reference to a frame (a copy-on-write share). */
  retain(frame: number): void {
    this.refs[frame]++
  }

  /** Drops a VMO page's reference; the frame is recycled with its last one. */
  release(frame: number): void {
    if (frame === 0) return
    if (--this.refs[frame] === 0) {
      if (this.watched[frame] !== 0) this.touch(frame)
      this.committedFrames--
      this.recycled.push(frame)
    }
  }

  /** A zeroed frame for a kernel structure (counted in {@link kernelFrames}), or -1 when the budget is spent. */
  allocateKernel(): number {
    if (this.availableFrames <= 0) return -1
    const frame = this.take()
    if (frame < 0) return -1
    this.kernelFrames++
    return frame
  }

  /** Gives back a frame from {@link allocateKernel}. */
  releaseKernel(frame: number): void {
    this.refs[frame] = 0
    this.kernelFrames--
    this.recycled.push(frame)
  }

  /**
   * Counts `frames` against the budget for a structure the kernel keeps outside physical memory
   * (an address space's root, which Zircon keeps in a page-table page); false when they do not fit.
   */
  charge(frames: number): boolean {
    if (this.availableFrames < frames) return false
    this.kernelFrames += frames
    return true
  }

  /** Gives back what {@link charge} counted. */
  uncharge(frames: number): void {
    this.kernelFrames -= frames
  }

  /**
   * Counts `bytes` of kernel buffers kept in the JavaScript heap (queued channel messages, socket
   * data) against the budget, in whole frames of all such bytes together; false when they do not fit.
   */
  chargeBytes(bytes: number): boolean {
    const frames = Math.ceil((this.bufferBytes + bytes) / PAGE_SIZE) - Math.ceil(this.bufferBytes / PAGE_SIZE)
    if (frames > 0 && this.availableFrames < frames) return false
    this.bufferBytes += bytes
    this.kernelFrames += frames
    return true
  }

  /** Gives back what {@link chargeBytes} counted. */
  unchargeBytes(bytes: number): void {
    const frames = Math.ceil(this.bufferBytes / PAGE_SIZE) - Math.ceil((this.bufferBytes - bytes) / PAGE_SIZE)
    this.bufferBytes -= bytes
    this.kernelFrames -= frames
  }

  /** Marks a frame as holding translated code. */
  watch(frame: number): void {
    this.watched[frame] = 1
  }

  /** Clears a frame's mark. */
  unwatch(frame: number): void {
    this.watched[frame] = 0
  }

  /** Announces that the kernel is about to change a frame's bytes (or free it). */
  touch(frame: number): void {
    if (this.watched[frame] !== 0) {
      this.watched[frame] = 0
      this.codeWritten?.(frame)
    }
  }

  /** How many VMO pages share this frame. */
  refCount(frame: number): number {
    return this.refs[frame]
  }

  /** A new frame holding a copy of `frame`'s bytes, or -1 when the budget is spent. */
  copy(frame: number): number {
    const fresh = this.allocate()
    if (fresh < 0) return -1
    this.bytes.copyWithin(fresh * PAGE_SIZE, frame * PAGE_SIZE, frame * PAGE_SIZE + PAGE_SIZE)
    return fresh
  }

  /**
   * Sets aside `count` contiguous zeroed frames for CPU-private data (TLBs, dispatch tables) and
   * returns the byte address of the first. They are never given back, and come from
   * {@link CPU_ALLOWANCE_FRAMES}: the high-water mark never passes the budget plus what was
   * reserved, so the frames above it always have room for the allowance. Throws only when a CPU
   * asks for more than the allowance (a CPU defect) or the host itself refuses memory.
   */
  reserve(count: number): number {
    if (!Number.isInteger(count) || count <= 0 || this.reservedFrames + count > CPU_ALLOWANCE_FRAMES) {
      throw new RangeError(`physical memory: ${count} CPU frames asked for, ${CPU_ALLOWANCE_FRAMES - this.reservedFrames} left of the allowance`)
    }
    if (!this.ensureFresh(count)) throw new RangeError(`physical memory: the host refused ${count} frames for CPU tables`)
    const first = this.top
    this.top += count
    this.refs.fill(1, first, first + count)
    this.reservedFrames += count
    return first * PAGE_SIZE
  }
}
