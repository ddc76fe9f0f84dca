/**
 * The errors ELF parsing fails with, one class per variant of the Fuchsia crate's `ElfParseError`,
 * each with the crate's zx status mapping (`asZxStatus`). The crate's own messages are kept
 * verbatim in `reason`; `detail` adds the offending values so a message says what was wrong and
 * with which value.
 *
 * @since 0.1.0
 */
import { Status } from "@zxsim/kernel/Status"
import * as StatusNames from "@zxsim/kernel/Status"
import * as Schema from "effect/Schema"
import { segmentTypeName } from "./ElfConstants.js"

/**
 * Identifies every {@link ElfParseError}.
 *
 * @since 0.1.0
 * @category symbols
 */
export const ErrorTypeId: unique symbol = Symbol.for("@zxsim/elf/ElfParseError")
/**
 * The type of {@link ErrorTypeId}.
 *
 * @since 0.1.0
 * @category models
 */
export type ErrorTypeId = typeof ErrorTypeId

const withDetail = (text: string, detail: string | undefined): string =>
  detail === undefined ? text : `${text} (${detail})`

/**
 * Reading the file failed: the VMO read's status, or OUT_OF_RANGE when the program header table
 * lies past the end of the file (which is what reading it from a VMO of that size gives).
 *
 * @since 0.1.0
 * @category errors
 */
export class ReadError extends Schema.TaggedError<ReadError>("@zxsim/elf/ElfParseError/ReadError")("ReadError", {
  status: Schema.Number,
  detail: Schema.optional(Schema.String)
}) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * The status the crate reports: the read's own status.
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
    return withDetail(`Failed to read ELF from VMO: ${StatusNames.toString(this.status)}`, this.detail)
  }
}

/**
 * A structure other than the headers could not be parsed (for example, no PT_DYNAMIC segment).
 *
 * @since 0.1.0
 * @category errors
 */
export class ParseError extends Schema.TaggedError<ParseError>("@zxsim/elf/ElfParseError/ParseError")("ParseError", {
  reason: Schema.String
}) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * NOT_FOUND, as the crate reports every malformed-file error.
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
    return `Parse error: ${this.reason}`
  }
}

/**
 * The 64-byte file header failed a check; `reason` is the crate's message for that check.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidFileHeader
  extends Schema.TaggedError<InvalidFileHeader>("@zxsim/elf/ElfParseError/InvalidFileHeader")(
    "InvalidFileHeader",
    {
      reason: Schema.String,
      detail: Schema.optional(Schema.String)
    }
  )
{
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * NOT_FOUND, as the crate reports every malformed-file error.
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
    return withDetail(`Invalid ELF file header: ${this.reason}`, this.detail)
  }
}

/**
 * A program header failed a check; `reason` is the crate's message for that check and `index` the
 * header's position in the table.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidProgramHeader extends Schema.TaggedError<InvalidProgramHeader>(
  "@zxsim/elf/ElfParseError/InvalidProgramHeader"
)("InvalidProgramHeader", {
  reason: Schema.String,
  index: Schema.Number,
  detail: Schema.optional(Schema.String)
}) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * NOT_FOUND, as the crate reports every malformed-file error.
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
    const where = `program header ${this.index}`
    return `Invalid ELF program header: ${this.reason} (${
      this.detail === undefined ? where : `${where}: ${this.detail}`
    })`
  }
}

/**
 * A segment type that must appear at most once (PT_INTERP, PT_GNU_STACK, …) appears more often.
 *
 * @since 0.1.0
 * @category errors
 */
export class MultipleHeaders extends Schema.TaggedError<MultipleHeaders>("@zxsim/elf/ElfParseError/MultipleHeaders")(
  "MultipleHeaders",
  {
    segmentType: Schema.Number
  }
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
    return `Multiple ELF program headers of type ${segmentTypeName(this.segmentType)} present`
  }
}

/**
 * Every way ELF parsing can fail.
 *
 * @since 0.1.0
 * @category models
 */
export type ElfParseError = ReadError | ParseError | InvalidFileHeader | InvalidProgramHeader | MultipleHeaders

/**
 * The schema of {@link ElfParseError}: decodes and validates any of its variants.
 *
 * @since 0.1.0
 * @category utils
 */
export const ElfParseError = Schema.Union(
  ReadError,
  ParseError,
  InvalidFileHeader,
  InvalidProgramHeader,
  MultipleHeaders
)

/**
 * Whether a value is an {@link ElfParseError}.
 *
 * @since 0.1.0
 * @category guards
 */
export const isElfParseError = (u: unknown): u is ElfParseError =>
  typeof u === "object" && u !== null && ErrorTypeId in u

/**
 * The zx status the crate maps the error to (`ElfParseError::as_zx_status`).
 *
 * @since 0.1.0
 * @category utils
 */
export const asZxStatus = (error: ElfParseError): number => error.asZxStatus()
