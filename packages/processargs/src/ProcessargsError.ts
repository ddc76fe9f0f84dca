/**
 * The errors building a processargs message fails with: the three variants of the Fuchsia crate's
 * `ProcessargsError`, with its messages and its zx status mapping (every variant is INVALID_ARGS).
 * Decoding failures are {@link DecodeError.DecodeError}s instead.
 *
 * @since 0.1.0
 */
import { Status } from "@zxsim/kernel/Status"
import * as Schema from "effect/Schema"

/**
 * Identifies every {@link ProcessargsError}.
 *
 * @since 0.1.0
 * @category symbols
 */
export const ErrorTypeId: unique symbol = Symbol.for("@zxsim/processargs/ProcessargsError")
/**
 * The type of {@link ErrorTypeId}.
 *
 * @since 0.1.0
 * @category models
 */
export type ErrorTypeId = typeof ErrorTypeId

/**
 * The most bytes a message may hold (`ZX_CHANNEL_MAX_MSG_BYTES`).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_MESSAGE_BYTES = 65536
/**
 * The most handles a message may carry (`ZX_CHANNEL_MAX_MSG_HANDLES`).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_MESSAGE_HANDLES = 64

/**
 * A header offset or count does not fit in 32 bits (the message would span more than 4 GiB before
 * its last section). Checked before the byte limit, as the crate does, so it wins over
 * {@link SizeTooLarge} for such contents.
 *
 * @since 0.1.0
 * @category errors
 */
export class TryFromInt extends Schema.TaggedError<TryFromInt>("@zxsim/processargs/ProcessargsError/TryFromInt")(
  "TryFromInt",
  {
    /** The header field that overflowed, such as `names_off`. */
    field: Schema.String,
    value: Schema.Number
  }
) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as the crate maps every processargs error.
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
    return `Value > u32 MAX when building processargs message: ${this.field} = ${this.value}`
  }
}

/**
 * The encoded message would exceed {@link MAX_MESSAGE_BYTES}; `size` is what it would need.
 *
 * @since 0.1.0
 * @category errors
 */
export class SizeTooLarge extends Schema.TaggedError<SizeTooLarge>("@zxsim/processargs/ProcessargsError/SizeTooLarge")(
  "SizeTooLarge",
  { size: Schema.Number }
) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as the crate maps every processargs error.
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
    return `Cannot build processargs message, byte size too large (${this.size} > ${MAX_MESSAGE_BYTES})`
  }
}

/**
 * The contents hold more than {@link MAX_MESSAGE_HANDLES} handles; checked first.
 *
 * @since 0.1.0
 * @category errors
 */
export class TooManyHandles extends Schema.TaggedError<TooManyHandles>(
  "@zxsim/processargs/ProcessargsError/TooManyHandles"
)("TooManyHandles", { count: Schema.Number }) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * INVALID_ARGS, as the crate maps every processargs error.
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
    return `Cannot build processargs message, too many handles (${this.count} > ${MAX_MESSAGE_HANDLES})`
  }
}

/**
 * Every way building a processargs message can fail.
 *
 * @since 0.1.0
 * @category models
 */
export type ProcessargsError = TryFromInt | SizeTooLarge | TooManyHandles
/**
 * The schema of {@link ProcessargsError}.
 *
 * @since 0.1.0
 * @category utils
 */
export const ProcessargsError = Schema.Union(TryFromInt, SizeTooLarge, TooManyHandles)

/**
 * The buffer given to `Message.encodeInto` cannot hold the message from the offset given. Not one
 * of the crate's errors (the crate always allocates), so not in the {@link ProcessargsError} union.
 *
 * @since 0.1.0
 * @category errors
 */
export class BufferTooSmall extends Schema.TaggedError<BufferTooSmall>("@zxsim/processargs/BufferTooSmall")(
  "BufferTooSmall",
  { needed: Schema.Number, available: Schema.Number }
) {
  /**
   * BUFFER_TOO_SMALL, as Zircon reports a buffer that cannot hold a message.
   *
   * @since 0.1.0
   */
  asZxStatus(): number {
    return Status.BUFFER_TOO_SMALL
  }
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Processargs message needs ${this.needed} bytes; the buffer has ${this.available} from the offset given`
  }
}

/**
 * Whether a value is a {@link ProcessargsError}.
 *
 * @since 0.1.0
 * @category guards
 */
export const isProcessargsError = (u: unknown): u is ProcessargsError =>
  typeof u === "object" && u !== null && ErrorTypeId in u
