/**
 * The errors the process builder fails with: one class per variant of the Fuchsia crate's
 * `ProcessBuilderError`, each with the crate's zx status mapping (`asZxStatus`). Variants that
 * wrap another package's error (ELF parsing and loading, processargs, FIDL) carry it as `cause`,
 * and variants born of a failed kernel call carry that call's `ZxError`, so a user sees why.
 *
 * @since 0.1.0
 */
import { ElfLoadError } from "@zxsim/elf/ElfLoadError"
import { ElfParseError } from "@zxsim/elf/ElfParseError"
import { FidlError } from "@zxsim/fidl/FidlError"
import * as Status from "@zxsim/kernel/Status"
import { ZxError } from "@zxsim/kernel/ZxError"
import { ProcessargsError } from "@zxsim/processargs/ProcessargsError"
import * as Schema from "effect/Schema"

/**
 * Identifies every {@link ProcessBuilderError}.
 *
 * @since 0.1.0
 * @category symbols
 */
export const ErrorTypeId: unique symbol = Symbol.for("@zxsim/process-builder/ProcessBuilderError")
/**
 * The type of {@link ErrorTypeId}.
 *
 * @since 0.1.0
 * @category models
 */
export type ErrorTypeId = typeof ErrorTypeId

const withStatus = (text: string, status: number) => `${text}: ${Status.toString(status)}`

const statusFields = {
  status: Schema.Number,
  /** The failed kernel call, when there was one. */
  cause: Schema.optional(ZxError)
}

/**
 * An argument was refused: a handle type the builder adds itself, too many namespace entries, a string with a NUL.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidArg extends Schema.TaggedError<InvalidArg>("@zxsim/process-builder/InvalidArg")("InvalidArg", {
  reason: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return this.reason
  }
}

/**
 * A required handle was the invalid handle, or one already closed or moved away.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadHandle extends Schema.TaggedError<BadHandle>("@zxsim/process-builder/BadHandle")("BadHandle", {
  reason: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * BAD_HANDLE.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.Status.BAD_HANDLE
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return this.reason
  }
}

/**
 * Creating the process failed (for example ACCESS_DENIED when the job's policy forbids new processes).
 *
 * @since 0.1.0
 * @category errors
 */
export class CreateProcess
  extends Schema.TaggedError<CreateProcess>("@zxsim/process-builder/CreateProcess")("CreateProcess", statusFields)
{
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The kernel's status.
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
    return withStatus("Failed to create process", this.status)
  }
}

/**
 * Creating the initial thread failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class CreateThread
  extends Schema.TaggedError<CreateThread>("@zxsim/process-builder/CreateThread")("CreateThread", statusFields)
{
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The kernel's status.
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
    return withStatus("Failed to create thread", this.status)
  }
}

/**
 * Starting the built process failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class ProcessStart
  extends Schema.TaggedError<ProcessStart>("@zxsim/process-builder/ProcessStart")("ProcessStart", statusFields)
{
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The kernel's status.
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
    return withStatus("Failed to start process", this.status)
  }
}

/**
 * The executable, the dynamic linker or the vDSO is not an ELF file the loader accepts.
 *
 * @since 0.1.0
 * @category errors
 */
export class ElfParse extends Schema.TaggedError<ElfParse>("@zxsim/process-builder/ElfParse")("ElfParse", {
  cause: ElfParseError
}) {
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The parse error's own status.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return this.cause.asZxStatus()
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Failed to parse ELF: ${this.cause.message}`
  }
}

/**
 * Mapping an ELF image into the new address space failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class ElfLoad extends Schema.TaggedError<ElfLoad>("@zxsim/process-builder/ElfLoad")("ElfLoad", {
  cause: ElfLoadError
}) {
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The load error's own status.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return this.cause.asZxStatus()
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Failed to load ELF: ${this.cause.message}`
  }
}

/**
 * A bootstrap message could not be built (over 64 KiB or 64 handles).
 *
 * @since 0.1.0
 * @category errors
 */
export class ProcessArgs extends Schema.TaggedError<ProcessArgs>("@zxsim/process-builder/ProcessArgs")("ProcessArgs", {
  cause: ProcessargsError
}) {
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as for every processargs error.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return this.cause.message
  }
}

/**
 * A kernel call failed at a point the crate reports with a fixed description.
 *
 * @since 0.1.0
 * @category errors
 */
export class GenericStatus
  extends Schema.TaggedError<GenericStatus>("@zxsim/process-builder/GenericStatus")("GenericStatus", {
    reason: Schema.String,
    ...statusFields
  })
{
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The status reported.
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
    return withStatus(this.reason, this.status)
  }
}

/**
 * A broken invariant inside the builder (declared by the crate, raised only for an impossible state).
 *
 * @since 0.1.0
 * @category errors
 */
export class Internal extends Schema.TaggedError<Internal>("@zxsim/process-builder/Internal")("Internal", {
  reason: Schema.String,
  detail: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INTERNAL.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.Status.INTERNAL
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.reason}: ${this.detail}`
  }
}

/**
 * The PT_INTERP segment does not hold a NUL-terminated UTF-8 name.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidInterpHeader
  extends Schema.TaggedError<InvalidInterpHeader>("@zxsim/process-builder/InvalidInterpHeader")(
    "InvalidInterpHeader",
    { reason: Schema.String }
  )
{
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Invalid PT_INTERP header: ${this.reason}`
  }
}

/**
 * The executable is dynamically linked but no `fuchsia.ldsvc.Loader` was given.
 *
 * @since 0.1.0
 * @category errors
 */
export class LoaderMissing
  extends Schema.TaggedError<LoaderMissing>("@zxsim/process-builder/LoaderMissing")("LoaderMissing", {})
{
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return "Failed to build process with dynamic ELF, missing fuchsia.ldsvc.Loader handle"
  }
}

/**
 * Talking to the loader failed (peer closed, a malformed reply): a FIDL error.
 *
 * @since 0.1.0
 * @category errors
 */
export class LoadDynamicLinker
  extends Schema.TaggedError<LoadDynamicLinker>("@zxsim/process-builder/LoadDynamicLinker")(
    "LoadDynamicLinker",
    { cause: FidlError }
  )
{
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * NOT_FOUND, as the crate reports every FIDL failure here.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.Status.NOT_FOUND
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Failed to load dynamic linker from fuchsia.ldsvc.Loader: ${this.cause.message}`
  }
}

/**
 * The loader did not answer within 30 seconds.
 *
 * @since 0.1.0
 * @category errors
 */
export class LoadDynamicLinkerTimeout extends Schema.TaggedError<LoadDynamicLinkerTimeout>(
  "@zxsim/process-builder/LoadDynamicLinkerTimeout"
)("LoadDynamicLinkerTimeout", {}) {
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * TIMED_OUT.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.Status.TIMED_OUT
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return "Timed out loading dynamic linker from fuchsia.ldsvc.Loader"
  }
}

/**
 * Writing a bootstrap message to the channel failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class WriteBootstrapMessage
  extends Schema.TaggedError<WriteBootstrapMessage>("@zxsim/process-builder/WriteBootstrapMessage")(
    "WriteBootstrapMessage",
    statusFields
  )
{
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The kernel's status.
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
    return withStatus("Failed to write bootstrap message to channel", this.status)
  }
}

/**
 * Destroying the low address-space reservation before returning failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class DestroyReservationVMAR extends Schema.TaggedError<DestroyReservationVMAR>(
  "@zxsim/process-builder/DestroyReservationVMAR"
)("DestroyReservationVMAR", statusFields) {
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The kernel's status.
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
    return withStatus("Failed to destroy reservation VMAR", this.status)
  }
}

/**
 * Duplicating a handle for a bootstrap message failed; `handleType` names its processargs type.
 *
 * @since 0.1.0
 * @category errors
 */
export class DuplicateHandle extends Schema.TaggedError<DuplicateHandle>("@zxsim/process-builder/DuplicateHandle")(
  "DuplicateHandle",
  { handleType: Schema.String, ...statusFields }
) {
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The kernel's status.
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
    return withStatus(`Failed to duplicate handle of type ${this.handleType}`, this.status)
  }
}

/**
 * Every way building or starting a process can fail: the crate's 17 variants.
 *
 * @since 0.1.0
 * @category models
 */
export type ProcessBuilderError =
  | InvalidArg
  | BadHandle
  | CreateProcess
  | CreateThread
  | ProcessStart
  | ElfParse
  | ElfLoad
  | ProcessArgs
  | GenericStatus
  | Internal
  | InvalidInterpHeader
  | LoaderMissing
  | LoadDynamicLinker
  | LoadDynamicLinkerTimeout
  | WriteBootstrapMessage
  | DestroyReservationVMAR
  | DuplicateHandle

/**
 * The schema of {@link ProcessBuilderError}.
 *
 * @since 0.1.0
 * @category utils
 */
export const ProcessBuilderError = Schema.Union(
  InvalidArg,
  BadHandle,
  CreateProcess,
  CreateThread,
  ProcessStart,
  ElfParse,
  ElfLoad,
  ProcessArgs,
  GenericStatus,
  Internal,
  InvalidInterpHeader,
  LoaderMissing,
  LoadDynamicLinker,
  LoadDynamicLinkerTimeout,
  WriteBootstrapMessage,
  DestroyReservationVMAR,
  DuplicateHandle
)

/**
 * Whether a value is a {@link ProcessBuilderError}.
 *
 * @since 0.1.0
 * @category guards
 */
export const isProcessBuilderError = (u: unknown): u is ProcessBuilderError =>
  typeof u === "object" && u !== null && ErrorTypeId in u

/**
 * The zx status the crate maps an error to (`ProcessBuilderError::as_zx_status`).
 *
 * @since 0.1.0
 * @category utils
 */
export const asZxStatus = (error: ProcessBuilderError): number => error.asZxStatus()
