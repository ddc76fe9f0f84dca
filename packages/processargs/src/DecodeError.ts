/**
 * The errors decoding a processargs message fails with: one class per way a byte buffer can fail
 * to be a message, each naming the field and the values involved. Zircon's C reader answers every
 * malformed message with INVALID_ARGS, so that is every variant's `asZxStatus`.
 *
 * @since 0.1.0
 */
import { Status } from "@zxsim/kernel/Status"
import * as Schema from "effect/Schema"
import { InvalidHandleInfo, UnknownHandleType } from "./HandleInfo.js"

/**
 * Identifies every {@link DecodeError}.
 *
 * @since 0.1.0
 * @category symbols
 */
export const ErrorTypeId: unique symbol = Symbol.for("@zxsim/processargs/DecodeError")
/**
 * The type of {@link ErrorTypeId}.
 *
 * @since 0.1.0
 * @category models
 */
export type ErrorTypeId = typeof ErrorTypeId

/**
 * The three string sections of a message, by the names of their header fields.
 *
 * @since 0.1.0
 * @category utils
 */
export const Section = Schema.Literal("args", "environ", "names")
/**
 * One of the string sections: `args`, `environ` or `names`.
 *
 * @since 0.1.0
 * @category models
 */
export type Section = typeof Section.Type

/**
 * The four offset fields of the header.
 *
 * @since 0.1.0
 * @category utils
 */
export const OffsetField = Schema.Literal("handle_info_off", "args_off", "environ_off", "names_off")
/**
 * One of the header's offset fields.
 *
 * @since 0.1.0
 * @category models
 */
export type OffsetField = typeof OffsetField.Type

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`

/** Shared behaviour of the decode errors. */
interface Base {
  readonly [ErrorTypeId]: ErrorTypeId
  asZxStatus(): number
}

/**
 * The buffer is shorter than the 36-byte header.
 *
 * @since 0.1.0
 * @category errors
 */
export class TruncatedHeader
  extends Schema.TaggedError<TruncatedHeader>("@zxsim/processargs/DecodeError/TruncatedHeader")(
    "TruncatedHeader",
    { length: Schema.Number }
  )
  implements Base
{
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as Zircon's reader answers a malformed message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Processargs message of ${this.length} bytes is shorter than its 36-byte header`
  }
}

/**
 * The buffer is longer than a channel message can be (65,536 bytes).
 *
 * @since 0.1.0
 * @category errors
 */
export class MessageTooLarge
  extends Schema.TaggedError<MessageTooLarge>("@zxsim/processargs/DecodeError/MessageTooLarge")(
    "MessageTooLarge",
    { length: Schema.Number }
  )
  implements Base
{
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as Zircon's reader answers a malformed message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Processargs message of ${this.length} bytes is larger than a channel message (65536)`
  }
}

/**
 * The header's protocol word is not `ZX_PROCARGS_PROTOCOL` (0x4150585d).
 *
 * @since 0.1.0
 * @category errors
 */
export class BadProtocol extends Schema.TaggedError<BadProtocol>("@zxsim/processargs/DecodeError/BadProtocol")(
  "BadProtocol",
  { protocol: Schema.Number }
) implements Base {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as Zircon's reader answers a malformed message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Processargs header protocol ${hex(this.protocol)} is not 0x4150585d`
  }
}

/**
 * The header's version word is not `ZX_PROCARGS_VERSION` (0x1000).
 *
 * @since 0.1.0
 * @category errors
 */
export class BadVersion extends Schema.TaggedError<BadVersion>("@zxsim/processargs/DecodeError/BadVersion")(
  "BadVersion",
  { version: Schema.Number }
) implements Base {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as Zircon's reader answers a malformed message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Processargs header version ${hex(this.version)} is not 0x1000`
  }
}

/**
 * The number of handles received with the message is not an integer from 0 to 64.
 *
 * @since 0.1.0
 * @category errors
 */
export class HandleCountOutOfRange extends Schema.TaggedError<HandleCountOutOfRange>(
  "@zxsim/processargs/DecodeError/HandleCountOutOfRange"
)("HandleCountOutOfRange", { count: Schema.Number }) implements Base {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as Zircon's reader answers a malformed message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Processargs message received with ${this.count} handles; a channel message carries 0 to 64`
  }
}

/**
 * A header offset points before the end of the header or past the end of the message.
 *
 * @since 0.1.0
 * @category errors
 */
export class OffsetOutOfBounds
  extends Schema.TaggedError<OffsetOutOfBounds>("@zxsim/processargs/DecodeError/OffsetOutOfBounds")(
    "OffsetOutOfBounds",
    { field: OffsetField, offset: Schema.Number, length: Schema.Number }
  )
  implements Base
{
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as Zircon's reader answers a malformed message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Processargs ${this.field} ${this.offset} is outside the message (36..${this.length})`
  }
}

/**
 * `handle_info_off` is not a multiple of 4, the alignment of the `u32` handle-info array.
 *
 * @since 0.1.0
 * @category errors
 */
export class MisalignedHandleInfo extends Schema.TaggedError<MisalignedHandleInfo>(
  "@zxsim/processargs/DecodeError/MisalignedHandleInfo"
)("MisalignedHandleInfo", { offset: Schema.Number }) implements Base {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as Zircon's reader answers a malformed message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Processargs handle_info_off ${this.offset} is not 4-byte aligned`
  }
}

/**
 * The handle-info array, one word per handle received, runs past the end of the message.
 *
 * @since 0.1.0
 * @category errors
 */
export class HandleInfoOutOfBounds extends Schema.TaggedError<HandleInfoOutOfBounds>(
  "@zxsim/processargs/DecodeError/HandleInfoOutOfBounds"
)("HandleInfoOutOfBounds", { offset: Schema.Number, count: Schema.Number, length: Schema.Number }) implements Base {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as Zircon's reader answers a malformed message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Processargs handle-info array of ${this.count} words at ${this.offset} runs past the end of the ${this.length}-byte message`
  }
}

/**
 * The message's handle-info array does not hold one word per handle received: the arguments do not
 * start right after `received` words (`declared` is how many words fit between the two offsets,
 * or -1 when that is not a whole number).
 *
 * @since 0.1.0
 * @category errors
 */
export class HandleCountMismatch extends Schema.TaggedError<HandleCountMismatch>(
  "@zxsim/processargs/DecodeError/HandleCountMismatch"
)("HandleCountMismatch", { received: Schema.Number, declared: Schema.Number }) implements Base {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as Zircon's reader answers a malformed message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const declared = this.declared < 0 ? "a part of a word" : `${this.declared}`
    return `Processargs message has handle info for ${declared} handles but ${this.received} were received`
  }
}

/**
 * An offset is inside the message but not where the format puts it: the handle-info array right
 * after the header, each string section right after the previous one. Messages are laid out
 * exactly as Fuchsia's crate writes them, with no gaps or overlaps.
 *
 * @since 0.1.0
 * @category errors
 */
export class NonCanonicalLayout extends Schema.TaggedError<NonCanonicalLayout>(
  "@zxsim/processargs/DecodeError/NonCanonicalLayout"
)("NonCanonicalLayout", { field: OffsetField, offset: Schema.Number, expected: Schema.Number }) implements Base {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as Zircon's reader answers a malformed message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Processargs ${this.field} is ${this.offset}; the previous part of the message ends at ${this.expected}`
  }
}

/**
 * A section claims more strings than there are bytes left after its offset (each takes at least its NUL).
 *
 * @since 0.1.0
 * @category errors
 */
export class CountOutOfBounds
  extends Schema.TaggedError<CountOutOfBounds>("@zxsim/processargs/DecodeError/CountOutOfBounds")(
    "CountOutOfBounds",
    { section: Section, count: Schema.Number, offset: Schema.Number, length: Schema.Number }
  )
  implements Base
{
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as Zircon's reader answers a malformed message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Processargs ${this.section}_num ${this.count} cannot fit in the ${
      this.length - this.offset
    } bytes after ${this.section} offset ${this.offset}`
  }
}

/**
 * A string runs to the end of the message without its terminating NUL.
 *
 * @since 0.1.0
 * @category errors
 */
export class MissingNul extends Schema.TaggedError<MissingNul>("@zxsim/processargs/DecodeError/MissingNul")(
  "MissingNul",
  { section: Section, index: Schema.Number, offset: Schema.Number }
) implements Base {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as Zircon's reader answers a malformed message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Processargs ${this.section} string ${this.index} at offset ${this.offset} has no terminating NUL`
  }
}

/**
 * Bytes follow the last namespace path: the message is longer than its contents.
 *
 * @since 0.1.0
 * @category errors
 */
export class TrailingBytes extends Schema.TaggedError<TrailingBytes>("@zxsim/processargs/DecodeError/TrailingBytes")(
  "TrailingBytes",
  { end: Schema.Number, length: Schema.Number }
) implements Base {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as Zircon's reader answers a malformed message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Processargs message is ${this.length} bytes but its contents end at ${this.end}`
  }
}

/**
 * A handle-info word does not decode; `cause` says why.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadHandleInfo extends Schema.TaggedError<BadHandleInfo>("@zxsim/processargs/DecodeError/BadHandleInfo")(
  "BadHandleInfo",
  { index: Schema.Number, cause: Schema.Union(InvalidHandleInfo, UnknownHandleType) }
) implements Base {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as Zircon's reader answers a malformed message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.INVALID_ARGS
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Processargs handle info ${this.index}: ${this.cause.message}`
  }
}

/**
 * Every way a byte buffer can fail to decode as a processargs message.
 *
 * @since 0.1.0
 * @category models
 */
export type DecodeError =
  | TruncatedHeader
  | MessageTooLarge
  | BadProtocol
  | BadVersion
  | HandleCountOutOfRange
  | OffsetOutOfBounds
  | MisalignedHandleInfo
  | HandleInfoOutOfBounds
  | HandleCountMismatch
  | NonCanonicalLayout
  | CountOutOfBounds
  | MissingNul
  | TrailingBytes
  | BadHandleInfo

/**
 * The schema of {@link DecodeError}.
 *
 * @since 0.1.0
 * @category utils
 */
export const DecodeError = Schema.Union(
  TruncatedHeader,
  MessageTooLarge,
  BadProtocol,
  BadVersion,
  HandleCountOutOfRange,
  OffsetOutOfBounds,
  MisalignedHandleInfo,
  HandleInfoOutOfBounds,
  HandleCountMismatch,
  NonCanonicalLayout,
  CountOutOfBounds,
  MissingNul,
  TrailingBytes,
  BadHandleInfo
)

/**
 * Whether a value is a {@link DecodeError}.
 *
 * @since 0.1.0
 * @category guards
 */
export const isDecodeError = (u: unknown): u is DecodeError => typeof u === "object" && u !== null && ErrorTypeId in u
