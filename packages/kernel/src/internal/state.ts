/**
 * The kernel's state: the frame pool, koids, the host's handle table, the root job, statistics,
 * the random source for address-space placement, and the monotonic clock.
 * @internal
 */
import type * as Clock from "effect/Clock"
import type { CpuMemory, CpuShape } from "../Cpu.js"
import { ObjectType } from "../ObjectType.js"
import { PAGE_SIZE } from "../VmOptions.js"
import { HandleTable } from "./object.js"
import { PhysicalMemory } from "./physmem.js"
import { RegisterFilePool } from "./regfiles.js"
import type { ProcessObject } from "./task.js"
import { JobObject } from "./task.js"
import type { VmoObject } from "./vmo.js"

/** A small, fast, seedable generator (xoshiro128**), seeded from Effect's `Random`. */
const makeRandom = (seed: ReadonlyArray<number>) => {
  let a = seed[0] | 0 || 0x9e3779b9
  let b = seed[1] | 0 || 0x243f6a88
  let c = seed[2] | 0 || 0xb7e15162
  let d = seed[3] | 0 || 0x85a308d3
  return (): number => {
    const t = b << 9
    let r = Math.imul(b, 5)
    r = Math.imul((r << 7) | (r >>> 25), 9)
    c ^= a
    d ^= b
    b ^= c
    a ^= d
    c ^= t
    d = (d << 11) | (d >>> 21)
    return r >>> 0
  }
}

/** How the kernel is set up. */
export interface KernelConfig {
  /** Bytes of physical memory VMO pages and kernel structures may hold together (NO_MEMORY beyond). */
  readonly memoryBytes: number
  /** Four 32-bit words seeding address-space randomization and handle values. */
  readonly seed: ReadonlyArray<number>
  readonly clock: Clock.Clock
  readonly cpu: CpuShape | null
}

const OBJECT_TYPES = 32

export class KernelState {
  readonly memory: PhysicalMemory
  readonly hostTable: HandleTable
  readonly rootJob: JobObject
  readonly cpu: CpuShape | null
  readonly clock: Clock.Clock
  /** See {@link CpuMemory.epoch}. */
  epoch = 0
  liveHandles = 0
  readonly liveObjects = new Int32Array(OBJECT_TYPES)
  /** The system vDSO VMO, once made: mappings of it mark where syscalls may come from. */
  vdso: VmoObject | null = null
  /** Offset of the first syscall stub in the vDSO image. */
  vdsoCodeOffset = 0
  /** Called when a process dies (the scheduler uses it to forget the process's threads). */
  onProcessDied: ((process: ProcessObject) => void) | null = null
  readonly cpuMemory: CpuMemory
  private koid = 1024
  private aspaceId = 1
  private readonly next32: () => number
  private readonly bootNanos: bigint
  /**
   * Whether the clock's nanosecond reading is its own (the default clock's: the high-resolution
   * host clock) rather than its milliseconds scaled (a `TestClock`'s). Decided once, at boot.
   */
  private readonly fineClock: boolean
  /** Where threads' register files come from. */
  readonly registerFiles: RegisterFilePool

  constructor(config: KernelConfig) {
    this.memory = new PhysicalMemory({ maxFrames: Math.floor(config.memoryBytes / PAGE_SIZE) })
    this.registerFiles = new RegisterFilePool(this.memory)
    this.next32 = makeRandom(config.seed)
    this.clock = config.clock
    this.cpu = config.cpu
    this.fineClock = hasOwnNanos(config.clock)
    this.bootNanos = this.fineClock ? config.clock.unsafeCurrentTimeNanos() : clockNanos(config.clock)
    this.hostTable = new HandleTable(this.randomU32())
    this.rootJob = new JobObject(this, null)
    this.rootJob.retain()
    this.rootJob.name = "root"
    const state = this
    this.cpuMemory = {
      get memory() {
        return state.memory.memory
      },
      get generation() {
        return state.memory.generation
      },
      get epoch() {
        return state.epoch
      },
      reserve: (frames) => state.memory.reserve(frames),
      watch: (frame) => state.memory.watch(frame),
      unwatch: (frame) => state.memory.unwatch(frame)
    }
    if (config.cpu !== null) this.memory.codeWritten = config.cpu.codeWritten
    this.zeroFrameReplaced = config.cpu?.zeroFrameReplaced ?? null
  }

  /** The CPU's hook for a page read as zeros getting its own frame, if it has one. */
  private readonly zeroFrameReplaced: (() => void) | null

  /**
   * A page whose zero frame a translation handed out got a frame of its own: the CPU drops what it
   * cached to the zero frame, or (without the hook) every cached translation.
   */
  zeroFrameStale(): void {
    if (this.zeroFrameReplaced !== null) this.zeroFrameReplaced()
    else this.invalidateTranslations()
  }

  nextKoid(): number {
    return this.koid++
  }

  nextAddressSpaceId(): number {
    return this.aspaceId++
  }

  /** A uniform random 32-bit unsigned integer. */
  randomU32(): number {
    return this.next32()
  }

  /** A uniform random number in [0, 1). */
  random(): number {
    return (this.next32() * 2 ** 21 + (this.next32() >>> 11)) / 2 ** 53
  }

  objectCreated(type: number): void {
    this.liveObjects[type]++
  }

  objectDestroyed(type: number): void {
    this.liveObjects[type]--
  }

  /** Marks every cached translation as possibly stale. */
  invalidateTranslations(): void {
    this.epoch++
  }

  /** The latest monotonic reading handed out. */
  private lastMonotonic = 0n

  /**
   * Monotonic time in nanoseconds: the `Clock`'s time since boot plus one millisecond, so it is
   * never 0 (not even under a `TestClock` that never moves), and never less than an earlier
   * reading. With the default clock it is the high-resolution host clock's, to the nanosecond;
   * with a `TestClock`, its milliseconds exactly (see {@link clockNanos}).
   */
  monotonic(): bigint {
    const now = this.wallNanos() - this.bootNanos + 1_000_000n
    if (now > this.lastMonotonic) this.lastMonotonic = now
    return this.lastMonotonic
  }

  /**
   * The `Clock`'s time of day in nanoseconds since the epoch: `ZX_CLOCK_UTC`. The default clock's
   * nanosecond reading (the wall time when it was first read, advanced by the high-resolution host
   * clock), or a `TestClock`'s milliseconds exactly.
   */
  wallNanos(): bigint {
    return this.fineClock ? this.clock.unsafeCurrentTimeNanos() : clockNanos(this.clock)
  }

  /** A zeroed register file for a new thread (byte address in physical memory), or -1 when memory is spent. */
  allocateRegisterFile(): number {
    return this.registerFiles.allocate()
  }

  freeRegisterFile(at: number): void {
    this.registerFiles.free(at)
  }

  processDied(process: ProcessObject): void {
    this.onProcessDied?.(process)
  }

  /** Live object counts by type name. */
  objectCounts(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [name, type] of Object.entries(ObjectType)) {
      if (type !== 0) out[name] = this.liveObjects[type]
    }
    return out
  }
}

/**
 * Whether `clock`'s nanosecond reading has a resolution of its own. A clock whose nanoseconds are
 * its milliseconds scaled (TestClock's) reads exactly `floor(millis × 10⁶)`; the default clock's
 * comes from the high-resolution host clock and is that only by a one-in-a-million chance (when
 * the kernel then keeps to whole milliseconds, as it does for a TestClock).
 */
const hasOwnNanos = (clock: Clock.Clock): boolean => {
  const millis = clock.unsafeCurrentTimeMillis()
  return clock.unsafeCurrentTimeNanos() !== BigInt(Math.floor(millis * 1_000_000))
}

/**
 * The clock's time in nanoseconds: whole milliseconds exactly, plus the sub-millisecond part when
 * the clock has one. A clock whose nanoseconds are its milliseconds times a million computed in
 * floating point (TestClock's) is off by the rounding of that product once the time is large (a
 * real date); that difference is not a sub-millisecond part and is dropped, so a TestClock set to
 * a date still moves in exact steps.
 */
export const clockNanos = (clock: Clock.Clock): bigint => {
  const whole = BigInt(Math.floor(clock.unsafeCurrentTimeMillis())) * 1_000_000n
  const nanos = clock.unsafeCurrentTimeNanos()
  const below = nanos - whole
  if (below < 0n || below >= 1_000_000n || Number(nanos) === Number(whole)) return whole
  return whole + below
}
