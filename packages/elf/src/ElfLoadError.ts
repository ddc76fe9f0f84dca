/**
 * The errors ELF loading fails with, one class per variant of the Fuchsia crate's `ElfLoadError`,
 * each with the crate's zx status mapping (`asZxStatus`): NOT_FOUND for an image with nothing to
 * load, and the failed kernel call's own status for everything else. `segment` names the program
 * header being mapped when the failure happened.
 *
 * @since 0.1.0
 */
import { Status } from "@zxsim/kernel/Status"
import * as StatusNames from "@zxsim/kernel/Status"
import * as Schema from "effect/Schema"

/**
 * Identifies every {@link ElfLoadError}.
 *
 * @since 0.1.0
 * @category symbols
 */
export const ErrorTypeId: unique symbol = Symbol.for("@zxsim/elf/ElfLoadError")
/**
 * The type of {@link ErrorTypeId}.
 *
 * @since 0.1.0
 * @category models
 */
export type ErrorTypeId = typeof ErrorTypeId

const statusFields = {
  status: Schema.Number,
  /** Index in the program header table of the segment being mapped, when there was one. */
  segment: Schema.optional(Schema.Number)
}

const describe = (what: string, status: number, segment: number | undefined): string =>
  `${what}: ${StatusNames.toString(status)}${segment === undefined ? "" : ` (program header ${segment})`}`

/**
 * The image has no PT_LOAD segment, or its segments span no memory.
 *
 * @since 0.1.0
 * @category errors
 */
export class NothingToLoad extends Schema.TaggedError<NothingToLoad>("@zxsim/elf/ElfLoadError/NothingToLoad")(
  "NothingToLoad",
  {}
) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * NOT_FOUND, as the crate reports it.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.NOT_FOUND
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return "ELF load segments were empty"
  }
}

/**
 * Allocating the image's VMAR in the target VMAR failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class VmarAllocate extends Schema.TaggedError<VmarAllocate>("@zxsim/elf/ElfLoadError/VmarAllocate")(
  "VmarAllocate",
  statusFields
) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The kernel call's status.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return this.status
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return describe("Failed to allocate VMAR for ELF", this.status, this.segment)
  }
}

/**
 * Mapping a segment (its file pages or its bss) into the image's VMAR failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class VmarMap extends Schema.TaggedError<VmarMap>("@zxsim/elf/ElfLoadError/VmarMap")("VmarMap", statusFields) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The kernel call's status.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return this.status
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return describe("Failed to map VMAR", this.status, this.segment)
  }
}

/**
 * Creating the copy-on-write child of the file VMO for a writable segment failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class VmoCowClone extends Schema.TaggedError<VmoCowClone>("@zxsim/elf/ElfLoadError/VmoCowClone")(
  "VmoCowClone",
  statusFields
) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The kernel call's status.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return this.status
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return describe("Failed to create CoW VMO clone", this.status, this.segment)
  }
}

/**
 * Creating the zero-filled VMO for a segment's bss pages failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class VmoCreate extends Schema.TaggedError<VmoCreate>("@zxsim/elf/ElfLoadError/VmoCreate")(
  "VmoCreate",
  statusFields
) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The kernel call's status.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return this.status
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return describe("Failed to create VMO", this.status, this.segment)
  }
}

/**
 * Reading a VMO failed. Declared for parity with the crate; the loader never reads.
 *
 * @since 0.1.0
 * @category errors
 */
export class VmoRead extends Schema.TaggedError<VmoRead>("@zxsim/elf/ElfLoadError/VmoRead")("VmoRead", statusFields) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The kernel call's status.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return this.status
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return describe("Failed to read from VMO", this.status, this.segment)
  }
}

/**
 * Zeroing the tail of a segment's last file page in its copy-on-write child failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class VmoWrite extends Schema.TaggedError<VmoWrite>("@zxsim/elf/ElfLoadError/VmoWrite")(
  "VmoWrite",
  statusFields
) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The kernel call's status.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return this.status
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return describe("Failed to write to VMO", this.status, this.segment)
  }
}

/**
 * Reading the file VMO's name (used to name the data and bss VMOs) failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class GetVmoName extends Schema.TaggedError<GetVmoName>("@zxsim/elf/ElfLoadError/GetVmoName")(
  "GetVmoName",
  statusFields
) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The kernel call's status.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return this.status
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return describe("Failed to get VMO name", this.status, this.segment)
  }
}

/**
 * Naming a data or bss VMO failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class SetVmoName extends Schema.TaggedError<SetVmoName>("@zxsim/elf/ElfLoadError/SetVmoName")(
  "SetVmoName",
  statusFields
) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The kernel call's status.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return this.status
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return describe("Failed to set VMO name", this.status, this.segment)
  }
}

/**
 * Every way ELF loading can fail.
 *
 * @since 0.1.0
 * @category models
 */
export type ElfLoadError =
  | NothingToLoad
  | VmarAllocate
  | VmarMap
  | VmoCowClone
  | VmoCreate
  | VmoRead
  | VmoWrite
  | GetVmoName
  | SetVmoName

/**
 * The schema of {@link ElfLoadError}: decodes and validates any of its variants.
 *
 * @since 0.1.0
 * @category utils
 */
export const ElfLoadError = Schema.Union(
  NothingToLoad,
  VmarAllocate,
  VmarMap,
  VmoCowClone,
  VmoCreate,
  VmoRead,
  VmoWrite,
  GetVmoName,
  SetVmoName
)

/**
 * Whether a value is an {@link ElfLoadError}.
 *
 * @since 0.1.0
 * @category guards
 */
export const isElfLoadError = (u: unknown): u is ElfLoadError => typeof u === "object" && u !== null && ErrorTypeId in u

/**
 * The zx status the crate maps the error to (`ElfLoadError::as_zx_status`).
 *
 * @since 0.1.0
 * @category utils
 */
export const asZxStatus = (error: ElfLoadError): number => error.asZxStatus()
