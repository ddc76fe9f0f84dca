/**
 * Handle rights (`zx_rights_t`) with Zircon's bit values, and the default rights each object type's
 * handles are created with.
 *
 * @since 0.1.0
 */

/**
 * Zircon's right bits. A handle's rights are the OR of some of these.
 *
 * @since 0.1.0
 * @category utils
 */
export const Rights = {
  NONE: 0,
  DUPLICATE: 1 << 0,
  TRANSFER: 1 << 1,
  READ: 1 << 2,
  WRITE: 1 << 3,
  EXECUTE: 1 << 4,
  MAP: 1 << 5,
  GET_PROPERTY: 1 << 6,
  SET_PROPERTY: 1 << 7,
  ENUMERATE: 1 << 8,
  DESTROY: 1 << 9,
  SET_POLICY: 1 << 10,
  GET_POLICY: 1 << 11,
  SIGNAL: 1 << 12,
  SIGNAL_PEER: 1 << 13,
  WAIT: 1 << 14,
  INSPECT: 1 << 15,
  MANAGE_JOB: 1 << 16,
  MANAGE_PROCESS: 1 << 17,
  MANAGE_THREAD: 1 << 18,
  APPLY_PROFILE: 1 << 19,
  MANAGE_SOCKET: 1 << 20,
  OP_CHILDREN: 1 << 21,
  RESIZE: 1 << 22,
  /** Not a right: asks `duplicate`/`replace` to keep the source handle's rights. */
  SAME_RIGHTS: 0x80000000
} as const

/**
 * A set of rights, as the bitwise OR of {@link Rights} values (unsigned 32-bit).
 *
 * @since 0.1.0
 * @category models
 */
export type RightsMask = number

/**
 * Transfer, duplicate, wait and inspect: the rights every object's default set starts from.
 *
 * @since 0.1.0
 * @category constants
 */
export const BASIC = Rights.TRANSFER | Rights.DUPLICATE | Rights.WAIT | Rights.INSPECT
/**
 * Read and write, together with get/set property: what an I/O object allows by default.
 *
 * @since 0.1.0
 * @category constants
 */
export const IO = Rights.READ | Rights.WRITE
/**
 * Get and set property.
 *
 * @since 0.1.0
 * @category constants
 */
export const PROPERTY = Rights.GET_PROPERTY | Rights.SET_PROPERTY
/**
 * Property rights plus signal.
 *
 * @since 0.1.0
 * @category constants
 */
export const POLICY = Rights.GET_POLICY | Rights.SET_POLICY

/**
 * Default rights of a channel endpoint (0xF00E): basic without DUPLICATE, plus I/O and signals.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_CHANNEL =
  (Rights.TRANSFER | Rights.WAIT | Rights.INSPECT | IO | Rights.SIGNAL | Rights.SIGNAL_PEER) >>> 0
/**
 * Default rights of a VMO (0xD0EF); a resizable VMO also gets RESIZE. VMOs are not executable by default.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_VMO = (BASIC | IO | PROPERTY | Rights.MAP | Rights.SIGNAL) >>> 0
/**
 * Default rights of a VMAR handle (0x208003): basic without WAIT, plus OP_CHILDREN.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_VMAR = ((BASIC & ~Rights.WAIT) | Rights.OP_CHILDREN) >>> 0
/**
 * Default rights of a process handle (0x6D3CF).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_PROCESS =
  (BASIC | IO | PROPERTY | Rights.ENUMERATE | Rights.DESTROY | Rights.SIGNAL | Rights.MANAGE_PROCESS |
    Rights.MANAGE_THREAD) >>> 0
/**
 * Default rights of a thread handle (0x4D2CF).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_THREAD = (BASIC | IO | PROPERTY | Rights.DESTROY | Rights.SIGNAL | Rights.MANAGE_THREAD) >>> 0
/**
 * Default rights of a job handle (0x7DFCF).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_JOB =
  (BASIC | IO | PROPERTY | POLICY | Rights.ENUMERATE | Rights.DESTROY | Rights.SIGNAL | Rights.MANAGE_JOB |
    Rights.MANAGE_PROCESS | Rights.MANAGE_THREAD) >>> 0
/**
 * Default rights of a socket endpoint (0x10F0CF).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_SOCKET = (BASIC | IO | PROPERTY | Rights.SIGNAL | Rights.SIGNAL_PEER | Rights.MANAGE_SOCKET) >>> 0
/**
 * Default rights of an event (basic, signal).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_EVENT = (BASIC | Rights.SIGNAL) >>> 0
/**
 * Rights of a new event pair end: an event's, and SIGNAL_PEER.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_EVENTPAIR = (BASIC | Rights.SIGNAL | Rights.SIGNAL_PEER) >>> 0
/**
 * Rights of the root VMAR handle that `process.create` returns: the VMAR defaults plus READ, WRITE
 * and EXECUTE, so the loader can map every kind of segment through it.
 *
 * @since 0.1.0
 * @category constants
 */
export const ROOT_VMAR = (DEFAULT_VMAR | Rights.READ | Rights.WRITE | Rights.EXECUTE) >>> 0

/**
 * Whether `rights` holds every bit of `required`.
 *
 * @since 0.1.0
 * @category utils
 */
export const has = (rights: RightsMask, required: RightsMask): boolean =>
  ((rights & required) >>> 0) === (required >>> 0)

/**
 * Whether `subset` grants nothing that `superset` does not.
 *
 * @since 0.1.0
 * @category guards
 */
export const isSubset = (subset: RightsMask, superset: RightsMask): boolean => ((subset & ~superset) >>> 0) === 0
