/**
 * Handle info: the 32-bit word the processargs message holds for each handle it carries, saying
 * what the handle is (its {@link HandleType.HandleType}) and a 16-bit argument (a namespace index,
 * an fd number, a vDSO variant). Packed as `PA_HND(type, arg) = type | arg << 16`; bits 8 to 15 are
 * reserved and must be zero.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as Hash from "effect/Hash"
import { type Inspectable, NodeInspectSymbol } from "effect/Inspectable"
import * as ParseResult from "effect/ParseResult"
import { type Pipeable, pipeArguments } from "effect/Pipeable"
import * as Schema from "effect/Schema"
import * as HandleType from "./HandleType.js"

/**
 * Identifies {@link HandleInfo} values.
 *
 * @since 0.1.0
 * @category symbols
 */
export const TypeId: unique symbol = Symbol.for("@zxsim/processargs/HandleInfo")
/**
 * The type of {@link TypeId}.
 *
 * @since 0.1.0
 * @category models
 */
export type TypeId = typeof TypeId

/**
 * Identifies every {@link HandleInfoError}.
 *
 * @since 0.1.0
 * @category symbols
 */
export const ErrorTypeId: unique symbol = Symbol.for("@zxsim/processargs/HandleInfoError")
/**
 * The type of {@link ErrorTypeId}.
 *
 * @since 0.1.0
 * @category models
 */
export type ErrorTypeId = typeof ErrorTypeId

/**
 * The largest handle-info argument: arguments are unsigned 16-bit.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_ARG = 0xffff

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, "0")}`

const isArg = (arg: number): boolean => Number.isInteger(arg) && arg >= 0 && arg <= MAX_ARG

/**
 * A handle type and its 16-bit argument (Rust: `fuchsia_runtime::HandleInfo`). Immutable; compares
 * by value with `Equal.equals` and prints as `HandleInfo(User1, 0x1234)`. The constructor throws on
 * an argument outside 0..65535 (the Rust type makes one impossible); {@link make} checks instead,
 * and {@link fromRaw} decodes a word received from elsewhere. A plain class rather than a
 * `Schema.Class`, because decoding makes one per handle and must stay cheap; {@link HandleInfoFromSelf}
 * and {@link HandleInfoFromRaw} are its schemas.
 *
 * @since 0.1.0
 * @category models
 */
export class HandleInfo implements Equal.Equal, Inspectable, Pipeable {
  /**
   * @since 0.1.0
   */
  declare readonly [TypeId]: TypeId
  /**
   * The packed 32-bit word (`PA_HND(type, arg)`), as written into a message (Rust: `as_raw`).
   *
   * @since 0.1.0
   */
  readonly raw: number
  constructor(
    /** What the handle is for. */
    readonly type: HandleType.HandleType,
    /** The type's argument: a namespace index, an fd number, a variant. */
    readonly arg: number
  ) {
    if (!isArg(arg)) throw new HandleArgOutOfRange({ type, arg })
    // Packed once here: encoding reads it for every handle of every message.
    this.raw = (HandleType.values[type] | (arg << 16)) >>> 0
  }

  /**
   * @since 0.1.0
   */
  [Equal.symbol](that: Equal.Equal): boolean {
    return isHandleInfo(that) && that.type === this.type && that.arg === this.arg
  }

  /**
   * @since 0.1.0
   */
  [Hash.symbol](): number {
    return Hash.number(this.raw)
  }

  /**
   * @since 0.1.0
   */
  pipe() {
    return pipeArguments(this, arguments)
  }

  /**
   * @since 0.1.0
   */
  toJSON(): unknown {
    return { _id: "HandleInfo", type: this.type, arg: this.arg }
  }

  /**
   * @since 0.1.0
   */
  toString(): string {
    return `HandleInfo(${this.type}, 0x${this.arg.toString(16)})`
  }

  /**
   * @since 0.1.0
   */
  [NodeInspectSymbol](): unknown {
    return this.toJSON()
  }
}

Object.defineProperty(HandleInfo.prototype, TypeId, { value: TypeId })

/**
 * Whether a value is a {@link HandleInfo}.
 *
 * @since 0.1.0
 * @category guards
 */
export const isHandleInfo = (u: unknown): u is HandleInfo => u instanceof HandleInfo

/**
 * The argument of a handle info: an unsigned 16-bit integer.
 *
 * @since 0.1.0
 * @category utils
 */
export const HandleArg = Schema.Int.pipe(Schema.between(0, MAX_ARG)).annotations({ identifier: "HandleArg" })

/**
 * The schema of {@link HandleInfo} values themselves: it checks, prints and compares them, and its
 * arbitrary draws every handle type with arguments across the whole 16-bit range.
 *
 * @since 0.1.0
 * @category utils
 */
export const HandleInfoFromSelf: Schema.Schema<HandleInfo> = Schema.declare(isHandleInfo, {
  identifier: "HandleInfo",
  arbitrary: () => (fc) =>
    fc.record({
      type: fc.constantFrom(...HandleType.names),
      arg: fc.oneof(fc.constantFrom(0, 1, MAX_ARG), fc.integer({ min: 0, max: MAX_ARG }))
    }).map(({ arg, type }) => new HandleInfo(type, arg)),
  pretty: () => (info) => info.toString(),
  equivalence: () => Equal.equals
})

/**
 * A raw handle-info word has bits 8 to 15 set, which the format reserves (Rust: `InvalidHandleInfo`).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidHandleInfo extends Schema.TaggedError<InvalidHandleInfo>(
  "@zxsim/processargs/HandleInfoError/InvalidHandleInfo"
)("InvalidHandleInfo", { raw: Schema.Number }) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Invalid handle info ${hex(this.raw)}: reserved bits 8-15 are not zero`
  }
}

/**
 * A raw handle-info word's low byte is not a known handle type (Rust: `UnknownHandleType`).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownHandleType extends Schema.TaggedError<UnknownHandleType>(
  "@zxsim/processargs/HandleInfoError/UnknownHandleType"
)("UnknownHandleType", { raw: Schema.Number }) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Unknown handle type 0x${(this.raw & 0xff).toString(16).padStart(2, "0")} in handle info ${hex(this.raw)}`
  }
}

/**
 * A handle-info argument is not an integer in 0..65535.
 *
 * @since 0.1.0
 * @category errors
 */
export class HandleArgOutOfRange extends Schema.TaggedError<HandleArgOutOfRange>(
  "@zxsim/processargs/HandleInfoError/HandleArgOutOfRange"
)("HandleArgOutOfRange", { type: HandleType.HandleType, arg: Schema.Number }) {
  /**
   * @internal
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Handle info argument ${this.arg} for ${this.type} is not an unsigned 16-bit integer`
  }
}

/**
 * Every way making or decoding a handle info can fail.
 *
 * @since 0.1.0
 * @category models
 */
export type HandleInfoError = InvalidHandleInfo | UnknownHandleType | HandleArgOutOfRange
/**
 * The schema of {@link HandleInfoError}.
 *
 * @since 0.1.0
 * @category utils
 */
export const HandleInfoError = Schema.Union(InvalidHandleInfo, UnknownHandleType, HandleArgOutOfRange)

/**
 * Whether a value is a {@link HandleInfoError}.
 *
 * @since 0.1.0
 * @category guards
 */
export const isHandleInfoError = (u: unknown): u is HandleInfoError =>
  typeof u === "object" && u !== null && ErrorTypeId in u

/**
 * A handle info, refusing an argument that is not an unsigned 16-bit integer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (type: HandleType.HandleType, arg: number = 0): Either.Either<HandleInfo, HandleArgOutOfRange> =>
  isArg(arg) ? Either.right(new HandleInfo(type, arg)) : Either.left(new HandleArgOutOfRange({ type, arg }))

/**
 * A handle info; throws when `arg` is not an unsigned 16-bit integer. For arguments known to be in range.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unsafeMake = (type: HandleType.HandleType, arg: number = 0): HandleInfo => new HandleInfo(type, arg)

/**
 * The handle info of a type with argument 0 (Rust: `From<HandleType>`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromType = (type: HandleType.HandleType): HandleInfo => new HandleInfo(type, 0)

/**
 * Packs a `PA_*` value and an argument into a handle-info word (`PA_HND`).
 *
 * @since 0.1.0
 * @category utils
 */
export const pack = (typeValue: number, arg: number): number => ((typeValue & 0xff) | ((arg & 0xffff) << 16)) >>> 0

/**
 * The `PA_*` value in a handle-info word (`PA_HND_TYPE`).
 *
 * @since 0.1.0
 * @category utils
 */
export const rawType = (raw: number): number => raw & 0xff

/**
 * The argument in a handle-info word (`PA_HND_ARG`).
 *
 * @since 0.1.0
 * @category utils
 */
export const rawArg = (raw: number): number => (raw >>> 16) & 0xffff

/**
 * The packed word of a handle info (Rust: `as_raw`).
 *
 * @since 0.1.0
 * @category utils
 */
export const toRaw = (info: HandleInfo): number => info.raw

/**
 * Decodes a handle-info word (Rust: `HandleInfo::try_from(u32)`): `InvalidHandleInfo` when bits 8
 * to 15 are set, `UnknownHandleType` when the low byte names no type.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromRaw = (raw: number): Either.Either<HandleInfo, InvalidHandleInfo | UnknownHandleType> => {
  const word = raw >>> 0
  if ((word & 0xff00) !== 0) return Either.left(new InvalidHandleInfo({ raw: word }))
  const type = HandleType.fromValue(word & 0xff)
  if (type === undefined) return Either.left(new UnknownHandleType({ raw: word }))
  return Either.right(new HandleInfo(type, word >>> 16))
}

/**
 * Handle infos from their packed words: decoding refuses reserved bits and unknown types (as
 * {@link fromRaw}), encoding packs (as {@link toRaw}).
 *
 * @since 0.1.0
 * @category utils
 */
export const HandleInfoFromRaw: Schema.Schema<HandleInfo, number> = Schema.transformOrFail(
  Schema.Number,
  HandleInfoFromSelf,
  {
    strict: true,
    decode: (raw, _, ast) =>
      Either.match(fromRaw(raw), {
        onLeft: (error) => ParseResult.fail(new ParseResult.Type(ast, raw, error.message)),
        onRight: ParseResult.succeed
      }),
    encode: (info) => ParseResult.succeed(info.raw)
  }
)
