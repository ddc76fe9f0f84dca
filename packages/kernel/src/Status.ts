/**
 * Zircon status codes (`zx_status_t`). Every failed kernel call answers with one of these, as the
 * `status` of a {@link ZxError} on the host side or as the value returned in `a0` to a guest.
 *
 * @since 0.1.0
 */

/**
 * The numeric values of Zircon's status codes, by their `ZX_ERR_*` names (and `OK`).
 *
 * @since 0.1.0
 * @category utils
 */
export const Status = {
  OK: 0,
  INTERNAL: -1,
  NOT_SUPPORTED: -2,
  NO_RESOURCES: -3,
  NO_MEMORY: -4,
  INTERRUPTED_RETRY: -6,
  INVALID_ARGS: -10,
  BAD_HANDLE: -11,
  WRONG_TYPE: -12,
  BAD_SYSCALL: -13,
  OUT_OF_RANGE: -14,
  BUFFER_TOO_SMALL: -15,
  BAD_STATE: -20,
  TIMED_OUT: -21,
  SHOULD_WAIT: -22,
  CANCELED: -23,
  PEER_CLOSED: -24,
  NOT_FOUND: -25,
  ALREADY_EXISTS: -26,
  ALREADY_BOUND: -27,
  UNAVAILABLE: -28,
  ACCESS_DENIED: -30,
  IO: -40,
  IO_REFUSED: -41,
  IO_DATA_INTEGRITY: -42,
  IO_DATA_LOSS: -43,
  IO_NOT_PRESENT: -44,
  IO_OVERRUN: -45,
  IO_MISSED_DEADLINE: -46,
  IO_INVALID: -47,
  BAD_PATH: -50,
  NOT_DIR: -51,
  NOT_FILE: -52,
  FILE_BIG: -53,
  NO_SPACE: -54,
  NOT_EMPTY: -55,
  STOP: -60,
  NEXT: -61,
  ASYNC: -62,
  PROTOCOL_NOT_SUPPORTED: -70,
  ADDRESS_UNREACHABLE: -71,
  ADDRESS_IN_USE: -72,
  NOT_CONNECTED: -73,
  CONNECTION_REFUSED: -74,
  CONNECTION_RESET: -75,
  CONNECTION_ABORTED: -76
} as const

/**
 * One of Zircon's status names, such as `"BAD_HANDLE"`.
 *
 * @since 0.1.0
 * @category models
 */
export type StatusName = keyof typeof Status

/**
 * A Zircon status value (`zx_status_t`), such as `-11` for `BAD_HANDLE`.
 *
 * @since 0.1.0
 * @category models
 */
export type Status = (typeof Status)[StatusName]

const names = new Map<number, StatusName>(
  (Object.keys(Status) as Array<StatusName>).map((name) => [Status[name], name])
)

/**
 * The Zircon spelling of a status value: `ZX_OK`, `ZX_ERR_BAD_HANDLE`, or `ZX_STATUS(<n>)` for a
 * value Zircon does not define (a guest can return any number).
 *
 * @since 0.1.0
 * @category utils
 */
export const toString = (status: number): string => {
  const name = names.get(status)
  if (name === undefined) return `ZX_STATUS(${status})`
  return name === "OK" ? "ZX_OK" : `ZX_ERR_${name}`
}

/**
 * The short name of a status value (`"BAD_HANDLE"`), or undefined for a value Zircon does not define.
 *
 * @since 0.1.0
 * @category utils
 */
export const nameOf = (status: number): StatusName | undefined => names.get(status)

/**
 * Whether a number is one of the status values Zircon defines.
 *
 * @since 0.1.0
 * @category guards
 */
export const isStatus = (value: number): value is Status => names.has(value)
