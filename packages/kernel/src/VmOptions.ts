/**
 * Option bits of the virtual-memory calls (`zx_vm_option_t` for VMAR allocate/map/protect, and the
 * VMO create and create-child options), with Zircon's values.
 *
 * @since 0.1.0
 */

/**
 * Option bits of `vmar.allocate`, `vmar.map` and `vmar.protect`.
 *
 * @since 0.1.0
 * @category utils
 */
export const VmOption = {
  PERM_READ: 1 << 0,
  PERM_WRITE: 1 << 1,
  PERM_EXECUTE: 1 << 2,
  COMPACT: 1 << 3,
  SPECIFIC: 1 << 4,
  SPECIFIC_OVERWRITE: 1 << 5,
  CAN_MAP_SPECIFIC: 1 << 6,
  CAN_MAP_READ: 1 << 7,
  CAN_MAP_WRITE: 1 << 8,
  CAN_MAP_EXECUTE: 1 << 9,
  MAP_RANGE: 1 << 10,
  REQUIRE_NON_RESIZABLE: 1 << 11,
  ALLOW_FAULTS: 1 << 12,
  OFFSET_IS_UPPER_LIMIT: 1 << 13,
  PERM_READ_IF_XOM_UNSUPPORTED: 1 << 14
} as const

/**
 * The three mapping permissions.
 *
 * @since 0.1.0
 * @category constants
 */
export const PERM_MASK = VmOption.PERM_READ | VmOption.PERM_WRITE | VmOption.PERM_EXECUTE
/**
 * The `CAN_MAP_*` bits a VMAR carries.
 *
 * @since 0.1.0
 * @category constants
 */
export const CAN_MAP_MASK = VmOption.CAN_MAP_SPECIFIC | VmOption.CAN_MAP_READ | VmOption.CAN_MAP_WRITE |
  VmOption.CAN_MAP_EXECUTE

/**
 * Shift of the alignment field: `ALIGN_n = log2(n) << 24`.
 *
 * @since 0.1.0
 * @category constants
 */
export const ALIGN_SHIFT = 24
/**
 * Mask of the alignment field: the whole top byte, so `ALIGN_4GB` (32 << 24) fits.
 *
 * @since 0.1.0
 * @category constants
 */
export const ALIGN_MASK = (0xff << ALIGN_SHIFT) >>> 0

/**
 * The option value asking for `2^log2` alignment (10 for 1 KiB up to 32 for 4 GiB).
 *
 * @since 0.1.0
 * @category utils
 */
export const align = (log2: number): number => (log2 << ALIGN_SHIFT) >>> 0

/**
 * Options of `vmo.create`.
 *
 * @since 0.1.0
 * @category utils
 */
export const VmoOption = {
  RESIZABLE: 1 << 1,
  DISCARDABLE: 1 << 2
} as const

/**
 * Options of `vmo.createChild`.
 *
 * @since 0.1.0
 * @category utils
 */
export const VmoChildOption = {
  SNAPSHOT: 1 << 0,
  RESIZABLE: 1 << 2,
  SLICE: 1 << 3,
  SNAPSHOT_AT_LEAST_ON_WRITE: 1 << 4,
  NO_WRITE: 1 << 5,
  REFERENCE: 1 << 6
} as const

/**
 * The page size of the simulated riscv64 machine.
 *
 * @since 0.1.0
 * @category constants
 */
export const PAGE_SIZE = 4096

/**
 * Rounds down to a page boundary.
 *
 * @since 0.1.0
 * @category utils
 */
export const pageStart = (x: number): number => x - (x % PAGE_SIZE)
/**
 * The offset within its page.
 *
 * @since 0.1.0
 * @category utils
 */
export const pageOffset = (x: number): number => x % PAGE_SIZE
/**
 * Rounds up to a page boundary (`pageEnd(0x4000) = 0x4000`, `pageEnd(0x4001) = 0x5000`).
 *
 * @since 0.1.0
 * @category utils
 */
export const pageEnd = (x: number): number => {
  const r = x % PAGE_SIZE
  return r === 0 ? x : x + (PAGE_SIZE - r)
}

/**
 * The base of user address space on riscv64 Zircon (2 MiB).
 *
 * @since 0.1.0
 * @category constants
 */
export const USER_ASPACE_BASE = 0x200000
/**
 * The size of user address space on riscv64 Zircon (Sv39: user addresses below 2^38).
 *
 * @since 0.1.0
 * @category constants
 */
export const USER_ASPACE_SIZE = 2 ** 38 - USER_ASPACE_BASE
