/**
 * Constants of tasks (jobs, processes, threads): kill return codes, process info flags, process
 * options and job policy.
 *
 * @since 0.1.0
 */

/**
 * Return codes Zircon records for a process that did not exit by itself.
 *
 * @since 0.1.0
 * @category utils
 */
export const TaskReturnCode = {
  /** Killed with `task.kill`. */
  SYSCALL_KILL: -1024,
  /** Killed because the system ran out of memory. */
  OOM_KILL: -1025,
  /** Killed by a job policy. */
  POLICY_KILL: -1026,
  /** Killed because of a vDSO policy violation. */
  VDSO_KILL: -1027,
  /** Killed by an unhandled exception: fault, illegal instruction, trap, or a syscall from outside the vDSO. */
  EXCEPTION_KILL: -1028,
  /** Killed because a critical process died. */
  CRITICAL_PROCESS_KILL: -1029
} as const

/**
 * Flags of `ProcessInfo`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ProcessInfoFlags = {
  STARTED: 1 << 0,
  EXITED: 1 << 1,
  DEBUGGER_ATTACHED: 1 << 2
} as const

/**
 * Options of `process.create`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ProcessOption = {
  NONE: 0,
  SHARED: 1 << 0
} as const

/**
 * Job policy conditions (`ZX_POL_*`).
 *
 * @since 0.1.0
 * @category utils
 */
export const PolicyCondition = {
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
  AMBIENT_MARK_VMO_EXEC: 15
} as const

/**
 * Job policy actions (`ZX_POL_ACTION_*`).
 *
 * @since 0.1.0
 * @category utils
 */
export const PolicyAction = {
  ALLOW: 0,
  DENY: 1,
  ALLOW_EXCEPTION: 2,
  DENY_EXCEPTION: 3,
  KILL: 4
} as const

/**
 * One job policy entry: what happens when a process in the job meets `condition`.
 *
 * @since 0.1.0
 * @category models
 */
export interface PolicyEntry {
  readonly condition: number
  readonly action: number
  /**
   * Whether child jobs may change the entry (`PolicyOverride`): DENY (the default, as Zircon's
   * `ZX_JOB_POL_BASIC_V1` entries) makes it final for the job and every job made below it.
   */
  readonly override?: number
}

/**
 * How `job.setPolicy` treats entries that conflict with final ones (`ZX_JOB_POL_RELATIVE`/`ABSOLUTE`).
 *
 * @since 0.1.0
 * @category utils
 */
export const PolicyMode = {
  /** A conflicting entry is skipped: the inherited policy stays. */
  RELATIVE: 0,
  /** A conflicting entry fails the whole call with ALREADY_EXISTS. */
  ABSOLUTE: 1
} as const

/**
 * Topics of `zx_job_set_policy` (`ZX_JOB_POL_BASIC_V1`, `_V2`): the entry layouts.
 *
 * @since 0.1.0
 * @category utils
 */
export const PolicyTopic = {
  /** `zx_policy_basic_v1_t { condition, policy }`: every entry final. */
  BASIC_V1: 0,
  /** `zx_policy_basic_v2_t { condition, action, flags }`: flags is a {@link PolicyOverride}. */
  BASIC_V2: 0x01000000
} as const

/**
 * Whether a child job may override an entry (`ZX_POL_OVERRIDE_*`).
 *
 * @since 0.1.0
 * @category utils
 */
export const PolicyOverride = {
  ALLOW: 0,
  DENY: 1
} as const

/**
 * The largest name (in bytes, without the terminating NUL) an object may carry; longer names are truncated.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_NAME_LEN = 31

/**
 * What `process.info` reports, as Zircon's `zx_info_process_t`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProcessInfo {
  /** The exit code; meaningful only with the EXITED flag. */
  readonly returnCode: bigint
  /** Monotonic time (ns) at `process.start`; meaningful only with the STARTED flag. Never 0 once started. */
  readonly startTime: bigint
  /** STARTED and EXITED bits of {@link ProcessInfoFlags}. */
  readonly flags: number
}

/**
 * The `{ base, len }` of a VMAR, as `zx_info_vmar_t`.
 *
 * @since 0.1.0
 * @category models
 */
export interface VmarInfo {
  readonly base: number
  readonly len: number
}

/**
 * Monotonic time value meaning "never": `ZX_TIME_INFINITE`.
 *
 * @since 0.1.0
 * @category constants
 */
export const TIME_INFINITE = 0x7fffffffffffffffn
