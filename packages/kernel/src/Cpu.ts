/**
 * The CPU port: the one thing the kernel needs from a processor. The kernel owns threads, their
 * register files and their address spaces; a `Cpu` runs a thread for a budget of instructions and
 * says why it stopped. `@zxsim/riscv` provides the implementations (interpreter and JIT); the
 * kernel never imports them.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"

declare global {
  /**
   * The part of the WebAssembly API this package's declarations name (the type of
   * {@link CpuMemory.memory}), declared as TypeScript's DOM library does so that a consumer whose
   * `lib` has no DOM (a Node program with `@types/node`) can type-check them; with the DOM library
   * the two declarations merge.
   */
  namespace WebAssembly {
    /** A WebAssembly linear memory. */
    interface Memory {
      readonly buffer: ArrayBuffer
      grow(delta: number): number
    }
  }
}

/**
 * Bytes of a thread's register file in physical memory.
 *
 * @since 0.1.0
 * @category constants
 */
export const REGISTER_FILE_BYTES = 1024
/**
 * Offset of `x0`..`x31` (8 bytes each, little-endian) in the register file.
 *
 * @since 0.1.0
 * @category constants
 */
export const X_REGISTERS_OFFSET = 0
/**
 * Offset of the 8-byte program counter in the register file.
 *
 * @since 0.1.0
 * @category constants
 */
export const PC_OFFSET = 256
/**
 * Offset of `f0`..`f31` (8 bytes each) in the register file.
 *
 * @since 0.1.0
 * @category constants
 */
export const F_REGISTERS_OFFSET = 512
/**
 * Offset of the 4-byte `fcsr`.
 *
 * @since 0.1.0
 * @category constants
 */
export const FCSR_OFFSET = 768
/**
 * Offset of the 64-bit count of instructions the thread has retired (RISC-V's `instret`). The CPU
 * advances it as it runs the thread; the kernel reads it around each {@link CpuShape.run} to charge
 * the thread's time slice, so a slice's budget survives the syscalls made within it. A CPU that
 * leaves it alone gets slices bounded by syscall count and host time only.
 *
 * @since 0.1.0
 * @category constants
 */
export const INSTRET_OFFSET = 776
/**
 * Start of the bytes a CPU may use for its own per-thread state (reservations, counters).
 *
 * @since 0.1.0
 * @category constants
 */
export const CPU_PRIVATE_OFFSET = 784

/**
 * Memory access kinds, with the same bits as mapping permissions.
 *
 * @since 0.1.0
 * @category utils
 */
export const Access = { READ: 1, WRITE: 2, EXECUTE: 4 } as const

/**
 * Negative results of {@link CpuAddressSpace.translate}.
 *
 * @since 0.1.0
 * @category utils
 */
export const TranslateFault = {
  NOT_MAPPED: -1,
  PERMISSION: -2,
  BEYOND_VMO: -3,
  NO_MEMORY: -4
} as const

/**
 * What a CPU sees of an address space.
 *
 * @since 0.1.0
 * @category models
 */
export interface CpuAddressSpace {
  /**
   * The physical byte address of the 4 KiB frame behind the page holding `address` (a
   * non-negative safe integer) for `access`, or a negative {@link TranslateFault}. A write
   * commits the page and breaks copy-on-write first. Any translation the CPU cached may be stale
   * once {@link CpuMemory.epoch} changes.
   */
  readonly translate: (address: number, access: number) => number
  /** A number unique to this address space, so a CPU can tag cached translations. */
  readonly id: number
}

/**
 * What a CPU sees of physical memory.
 *
 * @since 0.1.0
 * @category models
 */
export interface CpuMemory {
  /** The memory itself; JIT code imports it. Grows; views must be re-created when `generation` changes. */
  readonly memory: WebAssembly.Memory
  /** Bumped when the memory grows (old `ArrayBuffer` views are detached). */
  readonly generation: number
  /**
   * Bumped whenever a cached translation may have become wrong (unmap, protect, a page read as
   * zeros then committed unless the CPU has {@link CpuShape.zeroFrameReplaced}, a page un-shared,
   * a VMAR destroyed). A CPU drops its cached translations when it changes. Only translations that
   * succeeded may be cached: a new mapping over addresses that had none, or a page committed that
   * no translation handed out before, bumps nothing.
   */
  readonly epoch: number
  /** Sets aside contiguous frames for the CPU's own tables; returns the byte address of the first. */
  readonly reserve: (frames: number) => number
  /**
   * Marks a frame as holding translated code: the kernel then calls {@link CpuShape.codeWritten}
   * before it writes to or frees the frame by itself (VMO writes, copy-out to guest memory).
   */
  readonly watch: (frame: number) => void
  /** Clears a frame's mark. */
  readonly unwatch: (frame: number) => void
}

/**
 * The thread a CPU runs: where its registers are and what it can reach.
 *
 * @since 0.1.0
 * @category models
 */
export interface CpuThread {
  /** Byte address of the thread's register file in {@link CpuMemory.memory}. */
  readonly registers: number
  readonly addressSpace: CpuAddressSpace
  readonly memory: CpuMemory
  /** The thread's koid, for diagnostics. */
  readonly koid: number
}

/**
 * Kinds of exception a CPU reports.
 *
 * @since 0.1.0
 * @category models
 */
export type ExceptionKind =
  | "illegal-instruction"
  | "breakpoint"
  | "fetch-page-fault"
  | "load-page-fault"
  | "store-page-fault"
  | "fetch-access-fault"
  | "load-access-fault"
  | "store-access-fault"
  | "fetch-misaligned"
  | "load-misaligned"
  | "store-misaligned"

/**
 * Why a CPU stopped running a thread.
 *
 * @since 0.1.0
 * @category models
 */
export type StopReason =
  | {
    /** The thread executed `ecall` at `pc`; `pc` in the register file still points at it. */
    readonly _tag: "Syscall"
    readonly pc: number
  }
  | {
    /** The thread took an exception at `pc` (left unchanged in the register file). */
    readonly _tag: "Exception"
    readonly kind: ExceptionKind
    /** The faulting address, for faults; the instruction bits, for illegal instructions. */
    readonly address: number
    readonly pc: number
  }
  | {
    /** The budget ran out; the thread can continue where it left off. */
    readonly _tag: "BudgetSpent"
  }

/**
 * Counters a CPU keeps, for `--stats` and benchmarks.
 *
 * @since 0.1.0
 * @category models
 */
export interface CpuStats {
  readonly instructions: number
  readonly [key: string]: number
}

/**
 * A processor: runs threads for a budget of instructions.
 *
 * @since 0.1.0
 * @category models
 */
export interface CpuShape {
  /** A short name for diagnostics ("interpreter", "jit"). */
  readonly name: string
  /**
   * Runs `thread` until it executes `ecall`, takes an exception, or has executed about `budget`
   * instructions. Synchronous: the kernel calls it from the thread's fiber between yields.
   */
  readonly run: (thread: CpuThread, budget: number) => StopReason
  /** Called by the kernel before it writes to or frees a frame the CPU marked with {@link CpuMemory.watch}. */
  readonly codeWritten: (frame: number) => void
  /**
   * Optional: called, instead of moving {@link CpuMemory.epoch}, when a page that a translation
   * handed out as the zero frame (byte address 0, for a read of a page never written) gets a frame
   * of its own. The CPU drops the translations it cached to the zero frame and keeps the rest. A
   * program reading freshly mapped memory before writing it (a hash table's zeroed buckets) would
   * otherwise have every cached translation dropped once per page.
   */
  readonly zeroFrameReplaced?: () => void
  /** Counters since the CPU was made. */
  readonly stats: () => CpuStats
}

/**
 * The CPU port's tag. The kernel runs every guest thread on the `Cpu` in its context.
 *
 * @since 0.1.0
 * @category tags
 */
export class Cpu extends Context.Tag("@zxsim/kernel/Cpu")<Cpu, CpuShape>() {}
