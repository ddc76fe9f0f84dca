/**
 * Kernel object types (`zx_obj_type_t`) with Zircon's numbers.
 *
 * @since 0.1.0
 */

/**
 * Zircon's object type numbers for the objects this kernel implements.
 *
 * @since 0.1.0
 * @category utils
 */
export const ObjectType = {
  NONE: 0,
  PROCESS: 1,
  THREAD: 2,
  VMO: 3,
  CHANNEL: 4,
  EVENT: 5,
  PORT: 6,
  SOCKET: 14,
  RESOURCE: 15,
  EVENTPAIR: 16,
  JOB: 17,
  VMAR: 18,
  EXCEPTION: 29
} as const

/**
 * The name of an object type, such as `"VMO"`.
 *
 * @since 0.1.0
 * @category models
 */
export type ObjectTypeName = Exclude<keyof typeof ObjectType, "NONE">

/**
 * An object type number.
 *
 * @since 0.1.0
 * @category models
 */
export type ObjectType = (typeof ObjectType)[keyof typeof ObjectType]

/**
 * The names of every object type this kernel implements, in number order.
 *
 * @since 0.1.0
 * @category utils
 */
export const names: ReadonlyArray<ObjectTypeName> = [
  "PROCESS",
  "THREAD",
  "VMO",
  "CHANNEL",
  "EVENT",
  "PORT",
  "SOCKET",
  "RESOURCE",
  "EVENTPAIR",
  "JOB",
  "VMAR",
  "EXCEPTION"
]
