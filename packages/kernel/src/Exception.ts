/**
 * Exceptions as Zircon reports them: the `ZX_EXCP_*` types, the states a handler leaves an
 * exception in, the policy codes of a policy exception, the RISC-V causes behind an architectural
 * exception, and the report a handler (in a guest, through an exception channel, or on the host)
 * reads about a thread stopped in an exception.
 *
 * A thread that takes an exception stops; the kernel offers the exception to the exception
 * channels of the thread, its process, then each job from the process's up to the root, in that
 * order. A handler reads a `zx_exception_info_t` and an exception handle from its channel, may
 * inspect and change the thread's registers, and closes the exception handle: with the state
 * HANDLED the thread resumes, with TRY_NEXT (the default) the next handler gets it, with
 * THREAD_EXIT the thread ends. When nobody handles it the process is killed with
 * `TaskReturnCode.EXCEPTION_KILL`.
 *
 * @since 0.1.0
 */

/**
 * `ZX_EXCP_*`: the exception types. Architectural ones have bit 15 clear; synthetic ones set.
 *
 * @since 0.1.0
 * @category utils
 */
export const ExceptionType = {
  /** Anything else the CPU stops on (a misaligned fetch, an access fault). */
  GENERAL: 0x008,
  /** A fetch, load or store the address space refused (unmapped, not allowed). */
  FATAL_PAGE_FAULT: 0x108,
  /** An instruction the CPU does not implement. */
  UNDEFINED_INSTRUCTION: 0x208,
  /** `ebreak`. */
  SW_BREAKPOINT: 0x308,
  /** A hardware breakpoint (never raised here: no debug registers). */
  HW_BREAKPOINT: 0x408,
  /** A misaligned atomic or LR/SC (plain loads and stores may be misaligned on this CPU). */
  UNALIGNED_ACCESS: 0x508,
  /** A syscall broke a job policy whose action raises an exception, or came from outside the vDSO. */
  POLICY_ERROR: 0x8208
} as const

/**
 * `ZX_EXCEPTION_STATE_*`: what closing an exception handle does with the thread.
 *
 * @since 0.1.0
 * @category utils
 */
export const ExceptionState = {
  /** Offer the exception to the next handler (the default). */
  TRY_NEXT: 0,
  /** The thread resumes, with whatever registers the handler wrote. */
  HANDLED: 1,
  /** The thread exits. */
  THREAD_EXIT: 2
} as const

/**
 * `ZX_EXCP_POLICY_CODE_*`: the `synthCode` of a policy exception (the job policy condition, or a bad syscall).
 *
 * @since 0.1.0
 * @category utils
 */
export const PolicyCode = {
  BAD_HANDLE: 0,
  WRONG_OBJECT: 1,
  VMAR_WX: 2,
  NEW_ANY: 3,
  NEW_VMO: 4,
  NEW_CHANNEL: 5,
  NEW_EVENT: 6,
  NEW_EVENTPAIR: 7,
  NEW_PORT: 8,
  NEW_SOCKET: 9,
  NEW_FIFO: 10,
  NEW_TIMER: 11,
  NEW_PROCESS: 12,
  NEW_PROFILE: 13,
  NEW_PAGER: 14,
  AMBIENT_MARK_VMO_EXEC: 15,
  CHANNEL_FULL_WRITE: 16,
  PORT_TOO_MANY_PACKETS: 17,
  /** An `ecall` from anywhere but the vDSO stub of that syscall; `synthData` is the number in t0. */
  BAD_SYSCALL: 18
} as const

/**
 * RISC-V `scause` values reported in an architectural exception's `cause`.
 *
 * @since 0.1.0
 * @category utils
 */
export const RiscvCause = {
  FETCH_MISALIGNED: 0,
  FETCH_ACCESS: 1,
  ILLEGAL_INSTRUCTION: 2,
  BREAKPOINT: 3,
  LOAD_MISALIGNED: 4,
  LOAD_ACCESS: 5,
  STORE_MISALIGNED: 6,
  STORE_ACCESS: 7,
  ECALL_FROM_U: 8,
  FETCH_PAGE_FAULT: 12,
  LOAD_PAGE_FAULT: 13,
  STORE_PAGE_FAULT: 15
} as const

/**
 * Options of `task.createExceptionChannel` (`ZX_EXCEPTION_CHANNEL_*`).
 *
 * @since 0.1.0
 * @category utils
 */
export const ExceptionChannelOption = {
  /** A process's debugger channel: offered each exception before every other handler. */
  DEBUGGER: 1
} as const

/**
 * `zx_thread_read_state` kinds (`ZX_THREAD_STATE_*`).
 *
 * @since 0.1.0
 * @category utils
 */
export const ThreadStateKind = {
  /** `zx_riscv64_thread_state_general_regs_t`: pc, then x1..x31 (32 × 8 bytes). */
  GENERAL_REGS: 0,
  /** `zx_riscv64_thread_state_fp_regs_t`: f0..f31 in 16-byte slots (low 8 bytes used), fcsr (528 bytes). */
  FP_REGS: 1
} as const

/**
 * Bytes of `zx_riscv64_thread_state_general_regs_t`.
 *
 * @since 0.1.0
 * @category constants
 */
export const GENERAL_REGS_BYTES = 256
/**
 * Bytes of `zx_riscv64_thread_state_fp_regs_t`.
 *
 * @since 0.1.0
 * @category constants
 */
export const FP_REGS_BYTES = 528
/**
 * Bytes of `zx_exception_info_t` (pid, tid, type, padding), the message an exception channel carries.
 *
 * @since 0.1.0
 * @category constants
 */
export const EXCEPTION_INFO_BYTES = 24
/**
 * Bytes of `zx_exception_report_t` (header, riscv64 cause/tval, synth code and data).
 *
 * @since 0.1.0
 * @category constants
 */
export const EXCEPTION_REPORT_BYTES = 40

/**
 * The RISC-V ABI names of x0..x31.
 *
 * @since 0.1.0
 * @category utils
 */
export const registerNames: ReadonlyArray<string> = [
  "zero",
  "ra",
  "sp",
  "gp",
  "tp",
  "t0",
  "t1",
  "t2",
  "s0",
  "s1",
  "a0",
  "a1",
  "a2",
  "a3",
  "a4",
  "a5",
  "a6",
  "a7",
  "s2",
  "s3",
  "s4",
  "s5",
  "s6",
  "s7",
  "s8",
  "s9",
  "s10",
  "s11",
  "t3",
  "t4",
  "t5",
  "t6"
]

/**
 * What `zx_exception_info_t` says: which process and thread, and the type.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExceptionInfo {
  readonly pid: number
  readonly tid: number
  readonly type: number
}

/**
 * Everything known about an exception: Zircon's report (`type`, the RISC-V `cause` and `tval`,
 * `synthCode`, `synthData`) plus what a crash report needs beside it: the faulting `pc`, the
 * fault address (for a page fault or misaligned access; otherwise null), and the registers at the
 * fault (`x[0]` is 0, `x[1]` = ra, …; all as unsigned 64-bit).
 *
 * @since 0.1.0
 * @category models
 */
export interface ExceptionReport extends ExceptionInfo {
  /** The RISC-V `scause` value (architectural exceptions), or 0 for a synthetic one. */
  readonly cause: number
  /** The RISC-V `stval`: the fault address, or the instruction bits of an illegal instruction. */
  readonly tval: bigint
  /** For a page fault the status that refused it; for a policy exception the {@link PolicyCode}. */
  readonly synthCode: number
  /** For a bad syscall, the number in t0. */
  readonly synthData: number
  /** Where the thread was: the faulting instruction (for a syscall, the `ecall`). */
  readonly pc: bigint
  /** The address a page fault or misaligned access touched; null for other exceptions. */
  readonly faultAddress: bigint | null
  /** x0..x31 at the fault. */
  readonly registers: ReadonlyArray<bigint>
  /** The thread's name and its process's, for messages. */
  readonly threadName: string
  readonly processName: string
}

/**
 * The `ZX_EXCP_*` name of a type ("FATAL_PAGE_FAULT"), or its hex value when unknown.
 *
 * @since 0.1.0
 * @category utils
 */
export const typeName = (type: number): string => {
  for (const [name, value] of Object.entries(ExceptionType)) if (value === type) return name
  return `0x${type.toString(16)}`
}

/**
 * The `ZX_EXCP_POLICY_CODE_*` name of a policy code, or its number.
 *
 * @since 0.1.0
 * @category utils
 */
export const policyCodeName = (code: number): string => {
  for (const [name, value] of Object.entries(PolicyCode)) if (value === code) return name
  return `${code}`
}

/**
 * The lines of `<zircon/syscalls.h>` that declare the exception types, structures and constants.
 *
 * @since 0.1.0
 * @category utils
 */
export const cHeaderLines = (): ReadonlyArray<string> => {
  const lines: Array<string> = [
    "typedef uint32_t zx_excp_type_t;",
    "",
    "typedef struct zx_exception_info {",
    "  zx_koid_t pid;",
    "  zx_koid_t tid;",
    "  zx_excp_type_t type;",
    "  uint8_t padding1[4];",
    "} zx_exception_info_t;",
    "",
    "typedef struct zx_riscv64_exc_data {",
    "  uint64_t cause;",
    "  uint64_t tval;",
    "  uint8_t padding1[8];",
    "} zx_riscv64_exc_data_t;",
    "",
    "typedef struct zx_exception_context {",
    "  struct {",
    "    union {",
    "      zx_riscv64_exc_data_t riscv_64;",
    "    } u;",
    "  } arch;",
    "  uint32_t synth_code;",
    "  uint32_t synth_data;",
    "} zx_exception_context_t;",
    "",
    "typedef struct zx_exception_header {",
    "  uint32_t size;",
    "  zx_excp_type_t type;",
    "} zx_exception_header_t;",
    "",
    "typedef struct zx_exception_report {",
    "  zx_exception_header_t header;",
    "  zx_exception_context_t context;",
    "} zx_exception_report_t;",
    "",
    "typedef struct zx_riscv64_thread_state_general_regs {",
    "  uint64_t pc, ra, sp, gp, tp, t0, t1, t2, s0, s1;",
    "  uint64_t a0, a1, a2, a3, a4, a5, a6, a7;",
    "  uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;",
    "  uint64_t t3, t4, t5, t6;",
    "} zx_riscv64_thread_state_general_regs_t;",
    "typedef zx_riscv64_thread_state_general_regs_t zx_thread_state_general_regs_t;",
    "",
    "typedef struct zx_riscv64_thread_state_fp_regs {",
    "  uint64_t q[32][2];",
    "  uint32_t fcsr;",
    "  uint8_t padding1[12];",
    "} zx_riscv64_thread_state_fp_regs_t;",
    "typedef zx_riscv64_thread_state_fp_regs_t zx_thread_state_fp_regs_t;",
    "",
    "typedef struct zx_policy_basic_v1 {",
    "  uint32_t condition;",
    "  uint32_t policy;",
    "} zx_policy_basic_v1_t;",
    "",
    "typedef struct zx_policy_basic_v2 {",
    "  uint32_t condition;",
    "  uint32_t action;",
    "  uint32_t flags;",
    "} zx_policy_basic_v2_t;",
    ""
  ]
  const define = (name: string, value: string) => lines.push(`#define ${name} ${value}`)
  for (const [name, value] of Object.entries(ExceptionType)) {
    define(`ZX_EXCP_${name}`, `((zx_excp_type_t)0x${value.toString(16)}u)`)
  }
  define("ZX_EXCP_SYNTH", "((zx_excp_type_t)0x8000u)")
  define("ZX_EXCP_IS_ARCH(excp)", "(((excp) & ZX_EXCP_SYNTH) == 0)")
  for (const [name, value] of Object.entries(PolicyCode)) define(`ZX_EXCP_POLICY_CODE_${name}`, `${value}u`)
  for (const [name, value] of Object.entries(ExceptionState)) define(`ZX_EXCEPTION_STATE_${name}`, `${value}u`)
  define("ZX_EXCEPTION_CHANNEL_DEBUGGER", `${ExceptionChannelOption.DEBUGGER}u`)
  for (const [name, value] of Object.entries(ThreadStateKind)) define(`ZX_THREAD_STATE_${name}`, `${value}u`)
  return lines
}
