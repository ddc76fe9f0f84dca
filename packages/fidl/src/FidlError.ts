/**
 * The errors of FIDL encoding, decoding and transport: one tagged class per kind of failure, a
 * union type and a union schema, in the shape of `@effect/platform`'s `PlatformError`. Each error
 * says what was wrong and where, and maps to the Zircon status a caller would report for it.
 *
 * @since 0.1.0
 */
import { Status } from "@zxsim/kernel/Status"
import * as StatusNames from "@zxsim/kernel/Status"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * Identifies every error of this module.
 *
 * @since 0.1.0
 * @category symbols
 */
export const TypeId: unique symbol = Symbol.for("@zxsim/fidl/FidlError")
/**
 * The type of {@link TypeId}.
 *
 * @since 0.1.0
 * @category models
 */
export type TypeId = typeof TypeId

/**
 * Why a decoder rejected a message, one literal per obligation of the wire format:
 *
 * - `TooShort`: an object runs past the end of the bytes.
 * - `TrailingBytes`: bytes are left over after the last out-of-line object.
 * - `NonZeroPadding`: a padding byte (inside a struct, after an out-of-line object, or in an
 *   inlined envelope) is not zero.
 * - `InvalidPresence`: a presence marker is neither absent (0) nor present (all ones).
 * - `UnexpectedNull`: a required string, vector, handle, box or union is absent.
 * - `InvalidBool`: a bool byte is neither 0 nor 1.
 * - `InvalidCount`: a count is 2^32 or more, or a null vector has a non-zero count.
 * - `TooLong`: a string or vector exceeds its declared bound.
 * - `InvalidUtf8`: a string is not valid UTF-8.
 * - `MissingHandles`: a handle marker has no handle left to take.
 * - `ExtraHandles`: handles are left over after the last handle marker.
 * - `WrongHandleType`: a handle refers to another kind of object than declared.
 * - `MissingRights`: a handle lacks rights its declaration requires.
 * - `DepthExceeded`: out-of-line objects nest deeper than 32 levels.
 * - `InvalidEnvelope`: an envelope's flags, inlining, byte count or handle count is wrong.
 * - `UnknownMember`: a strict union holds an ordinal it does not declare.
 * - `UnknownValue`: a strict enum or bits value has undeclared members.
 * - `InvalidHeader`: the transactional header is short, has the wrong magic number, lacks the
 *   wire-format v2 flag, or has a txid that does not fit the message kind.
 *
 * @since 0.1.0
 * @category utils
 */
export const DecodeReason = Schema.Literal(
  "TooShort",
  "TrailingBytes",
  "NonZeroPadding",
  "InvalidPresence",
  "UnexpectedNull",
  "InvalidBool",
  "InvalidCount",
  "TooLong",
  "InvalidUtf8",
  "MissingHandles",
  "ExtraHandles",
  "WrongHandleType",
  "MissingRights",
  "DepthExceeded",
  "InvalidEnvelope",
  "UnknownMember",
  "UnknownValue",
  "InvalidHeader"
)
/**
 * The type of {@link DecodeReason}.
 *
 * @since 0.1.0
 * @category models
 */
export type DecodeReason = typeof DecodeReason.Type

/**
 * A message (or a body) that breaks the wire format. `offset` is the byte where the problem was
 * found (for handle problems, the offset of the handle's marker).
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends Schema.TaggedError<DecodeError>("@zxsim/fidl/DecodeError")("DecodeError", {
  reason: DecodeReason,
  offset: Schema.Number,
  detail: Schema.String
}) {
  /**
   * Marks this error as one of the FIDL errors.
   *
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * A malformed message is an invalid argument to whoever sent it.
   *
   * @since 0.1.0
   */
  get status(): number {
    return Status.INVALID_ARGS
  }

  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `FIDL decode failed (${this.reason}) at byte ${this.offset}: ${this.detail}`
  }
}

/**
 * Why an encoder refused a value:
 *
 * - `InvalidValue`: the value does not fit its declaration (an integer out of range, a string
 *   with unpaired surrogates, an array of the wrong length, an undeclared union member).
 * - `TooLong`: a string or vector exceeds its declared bound.
 * - `UnexpectedNull`: the invalid handle where a handle is required.
 * - `DepthExceeded`: out-of-line objects would nest deeper than 32 levels.
 * - `MessageTooLarge`: the message is over 65,536 bytes or 64 handles, what a channel carries.
 *
 * @since 0.1.0
 * @category utils
 */
export const EncodeReason = Schema.Literal(
  "InvalidValue",
  "TooLong",
  "UnexpectedNull",
  "DepthExceeded",
  "MessageTooLarge"
)
/**
 * The type of {@link EncodeReason}.
 *
 * @since 0.1.0
 * @category models
 */
export type EncodeReason = typeof EncodeReason.Type

/**
 * A value that cannot be encoded as its declared type.
 *
 * @since 0.1.0
 * @category errors
 */
export class EncodeError extends Schema.TaggedError<EncodeError>("@zxsim/fidl/EncodeError")("EncodeError", {
  reason: EncodeReason,
  detail: Schema.String
}) {
  /**
   * Marks this error as one of the FIDL errors.
   *
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * Encoding failures are invalid arguments from the caller.
   *
   * @since 0.1.0
   */
  get status(): number {
    return this.reason === "MessageTooLarge" ? Status.OUT_OF_RANGE : Status.INVALID_ARGS
  }

  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `FIDL encode failed (${this.reason}): ${this.detail}`
  }
}

/**
 * A kernel call on the channel failed (write, read or wait) with `status`.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>("@zxsim/fidl/TransportError")("TransportError", {
  operation: Schema.String,
  status: Schema.Number
}) {
  /**
   * Marks this error as one of the FIDL errors.
   *
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `FIDL transport failed: ${this.operation}: ${StatusNames.toString(this.status)}`
  }
}

/**
 * The peer end of the channel closed before the answer came. `epitaph` is the status the peer
 * sent as its last message, when it sent one.
 *
 * @since 0.1.0
 * @category errors
 */
export class PeerClosed extends Schema.TaggedError<PeerClosed>("@zxsim/fidl/PeerClosed")("PeerClosed", {
  epitaph: Schema.optional(Schema.Number)
}) {
  /**
   * Marks this error as one of the FIDL errors.
   *
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * The epitaph when there was one, else PEER_CLOSED.
   *
   * @since 0.1.0
   */
  get status(): number {
    return this.epitaph ?? Status.PEER_CLOSED
  }

  /**
   * @since 0.1.0
   */
  override get message(): string {
    return this.epitaph === undefined
      ? "FIDL peer closed the channel"
      : `FIDL peer closed the channel with epitaph ${StatusNames.toString(this.epitaph)}`
  }
}

/**
 * A message whose ordinal the receiver does not expect: a request for a method the protocol does
 * not have, or a reply whose ordinal differs from the request's.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedOrdinal extends Schema.TaggedError<UnexpectedOrdinal>("@zxsim/fidl/UnexpectedOrdinal")(
  "UnexpectedOrdinal",
  {
    protocol: Schema.String,
    ordinal: Schema.BigIntFromSelf,
    expected: Schema.optional(Schema.BigIntFromSelf)
  }
) {
  /**
   * Marks this error as one of the FIDL errors.
   *
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * The receiver does not implement what was asked.
   *
   * @since 0.1.0
   */
  get status(): number {
    return Status.NOT_SUPPORTED
  }

  /**
   * @since 0.1.0
   */
  override get message(): string {
    const hex = (n: bigint) => `0x${n.toString(16).toUpperCase().padStart(16, "0")}`
    return this.expected === undefined
      ? `${this.protocol}: unknown method ordinal ${hex(this.ordinal)}`
      : `${this.protocol}: reply ordinal ${hex(this.ordinal)}, expected ${hex(this.expected)}`
  }
}

/**
 * Any FIDL failure.
 *
 * @since 0.1.0
 * @category models
 */
export type FidlError = DecodeError | EncodeError | TransportError | PeerClosed | UnexpectedOrdinal

/**
 * The schema of {@link FidlError}.
 *
 * @since 0.1.0
 * @category utils
 */
export const FidlError = Schema.Union(DecodeError, EncodeError, TransportError, PeerClosed, UnexpectedOrdinal)

/**
 * Whether a value is one of the FIDL errors.
 *
 * @since 0.1.0
 * @category guards
 */
export const isFidlError = (u: unknown): u is FidlError => Predicate.hasProperty(u, TypeId)
