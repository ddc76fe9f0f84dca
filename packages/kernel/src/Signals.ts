/**
 * Object signal bits (`zx_signals_t`) with Zircon's values. Every object has a signal set that
 * `waitOne` observes.
 *
 * @since 0.1.0
 */

/**
 * Signal bits, named for the objects that use them.
 *
 * @since 0.1.0
 * @category utils
 */
export const Signals = {
  NONE: 0,
  OBJECT_READABLE: 1 << 0,
  OBJECT_WRITABLE: 1 << 1,
  OBJECT_PEER_CLOSED: 1 << 2,
  OBJECT_SIGNALED: 1 << 3,
  CHANNEL_READABLE: 1 << 0,
  CHANNEL_WRITABLE: 1 << 1,
  CHANNEL_PEER_CLOSED: 1 << 2,
  SOCKET_READABLE: 1 << 0,
  SOCKET_WRITABLE: 1 << 1,
  SOCKET_PEER_CLOSED: 1 << 2,
  SOCKET_PEER_WRITE_DISABLED: 1 << 4,
  SOCKET_WRITE_DISABLED: 1 << 5,
  EVENT_SIGNALED: 1 << 3,
  TASK_TERMINATED: 1 << 3,
  PROCESS_TERMINATED: 1 << 3,
  THREAD_TERMINATED: 1 << 3,
  THREAD_RUNNING: 1 << 4,
  THREAD_SUSPENDED: 1 << 5,
  JOB_TERMINATED: 1 << 3,
  JOB_NO_PROCESSES: 1 << 5,
  JOB_NO_JOBS: 1 << 4,
  /** Set on a handle's object when a `waitOne` is cancelled because the handle closed. */
  HANDLE_CLOSED: 1 << 23,
  /** The user signal bits, settable with `object.signal`. */
  USER_ALL: 0xff000000,
  /** Each user signal (`ZX_USER_SIGNAL_0` … `_7`). */
  USER_0: 1 << 24,
  USER_1: 1 << 25,
  USER_2: 1 << 26,
  USER_3: 1 << 27,
  USER_4: 1 << 28,
  USER_5: 1 << 29,
  USER_6: 1 << 30,
  USER_7: 0x80000000
} as const

/**
 * A set of signals, as the OR of {@link Signals} bits (unsigned 32-bit).
 *
 * @since 0.1.0
 * @category models
 */
export type SignalSet = number
