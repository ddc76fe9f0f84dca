/**
 * Physical memory: 4 KiB frames carved from one `WebAssembly.Memory`, so JIT-compiled guest code
 * can read and write guest pages directly. Frames are reference counted (copy-on-write VMO
 * children share frames until one side writes), zero-filled when handed out, and kept on a free
 * list. Frame 0 is the shared zero page: never written, it backs reads of uncommitted pages.
 * @internal
 */
import { PAGE_SIZE } from "../VmOptions.js"

const WASM_PAGE = 65536
const FRAMES_PER_WASM_PAGE = WASM_PAGE / PAGE_SIZE

/** Sizing of the frame pool. */
export interface PhysicalMemoryOptions {
  /** Frames available to VMOs; allocating more fails with NO_MEMORY. */
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
  /** Frames set aside with {@link reserve} for CPU-private data. */
  reservedFrames = 0
  readonly maxFrames: number
  private totalFrames: number
  private refs: Uint32Array
  /** One byte per frame: non-zero when a CPU holds translated code from it. */
  private watched: Uint8Array
  /** Called before the kernel itself writes to, or frees, a watched frame. */
  codeWritten: ((frame: number) => void) | null = null
  private readonly free: Array<number> = []
  private readonly growListeners = new Set<() => void>()

  constructor(options: PhysicalMemoryOptions) {
    this.maxFrames = options.maxFrames
    const initial = Math.max(1, options.initialWasmPages ?? 1)
    const maximum = Math.min(65536, Math.ceil((options.maxFrames + 1024) / FRAMES_PER_WASM_PAGE) + 64)
    this.memory = new WebAssembly.Memory({ initial: Math.min(initial, maximum), maximum })
    this.bytes = new Uint8Array(this.memory.buffer)
    this.totalFrames = this.bytes.length / PAGE_SIZE
    this.refs = new Uint32Array(this.totalFrames)
    this.watched = new Uint8Array(this.totalFrames)
    // Frame 0 is the zero page: permanently referenced, never on the free list.
    this.refs[0] = 1
    for (let f = this.totalFrames - 1; f >= 1; f--) this.free.push(f)
  }

  /** Registers a callback run after the memory grows (views must be re-created). */
  onGrow(listener: () => void): () => void {
    this.growListeners.add(listener)
    return () => this.growListeners.delete(listener)
  }

  private grow(wasmPages: number): boolean {
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
    for (const listener of this.growListeners) listener()
    return true
  }

  /** Hands out a zero-filled frame with one reference, or -1 when the pool is exhausted. */
  allocate(): number {
    if (this.committedFrames >= this.maxFrames) return -1
    let frame = this.free.pop()
    if (frame === undefined) {
      const before = this.totalFrames
      const want = Math.max(16, Math.ceil(before / FRAMES_PER_WASM_PAGE / 4))
      if (!this.grow(want) && !this.grow(1)) return -1
      for (let f = this.totalFrames - 1; f >= before; f--) this.free.push(f)
      frame = this.free.pop()!
    } else {
      this.bytes.fill(0, frame * PAGE_SIZE, frame * PAGE_SIZE + PAGE_SIZE)
    }
    this.refs[frame] = 1
    this.committedFrames++
    return frame
  }

  /** Adds a reference to a frame (a copy-on-write share). */
  retain(frame: number): void {
    this.refs[frame]++
  }

  /** Drops a reference; the frame returns to the free list with its last one. */
  release(frame: number): void {
    if (frame === 0) return
    if (--this.refs[frame] === 0) {
      if (this.watched[frame] !== 0) this.touch(frame)
      this.committedFrames--
      this.free.push(frame)
    }
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

  /** A new frame holding a copy of `frame`'s bytes, or -1 when the pool is exhausted. */
  copy(frame: number): number {
    const fresh = this.allocate()
    if (fresh < 0) return -1
    this.bytes.copyWithin(fresh * PAGE_SIZE, frame * PAGE_SIZE, frame * PAGE_SIZE + PAGE_SIZE)
    return fresh
  }

  /**
   * Sets aside `count` contiguous zeroed frames for CPU-private data (register files, TLBs) and
   * returns the byte address of the first. They are never given to VMOs.
   */
  reserve(count: number): number {
    // Contiguity: take fresh frames from a growth so they are adjacent.
    const before = this.totalFrames
    const wasmPages = Math.ceil(count / FRAMES_PER_WASM_PAGE)
    if (!this.grow(wasmPages)) throw new Error(`physical memory: cannot reserve ${count} frames`)
    for (let f = this.totalFrames - 1; f >= before + count; f--) this.free.push(f)
    for (let f = before; f < before + count; f++) this.refs[f] = 1
    this.reservedFrames += count
    return before * PAGE_SIZE
  }
}
