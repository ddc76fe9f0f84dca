/**
 * FIDL types, declared once. A declaration such as
 *
 * ```ts
 * const LoadObjectResponse = Wire.struct({ rv: Wire.int32, object: Wire.optional(Wire.handle("VMO")) })
 * ```
 *
 * gives the layout of the wire format v2 (natural alignment, out-of-line objects 8-aligned in
 * depth-first order, zero padding), an encoder, a decoder that checks every obligation the wire
 * format puts on decoders, and a fast-check arbitrary of the values. Decoded values are plain
 * data: numbers for integers up to 32 bits, bigints for 64-bit ones, strings, arrays,
 * `Uint8Array` for `vector<uint8>`, `Option` for optional types, kernel `Handle`s for handles.
 *
 * The byte loops are synchronous code over DataView; this module's entry points return `Either`
 * and never throw. Messages with a transactional header are in `Message`.
 *
 * @since 0.1.0
 */
import type * as Handle from "@zxsim/kernel/Handle"
import type { ObjectTypeName } from "@zxsim/kernel/ObjectType"
import * as Rights from "@zxsim/kernel/Rights"
import * as Either from "effect/Either"
import type * as FastCheck from "effect/FastCheck"
import type * as Option from "effect/Option"
import { DecodeError, EncodeError } from "./FidlError.js"
import * as internal from "./internal/wire.js"

/**
 * A FIDL type whose values are `A`: layout, encoder, decoder and arbitrary.
 *
 * @since 0.1.0
 * @category models
 */
export type Type<A> = internal.WireType<A>

/**
 * A type with an optional form: strings, vectors, handles, structs (boxed) and unions.
 *
 * @since 0.1.0
 * @category models
 */
export type Nullable<A> = internal.NullableType<A>

/**
 * A struct type.
 *
 * @since 0.1.0
 * @category models
 */
export type Struct<A> = internal.StructType<A>

/**
 * The value type of a FIDL type.
 *
 * @since 0.1.0
 * @category models
 */
export type TypeOf<T> = T extends internal.WireType<infer A> ? A : never

/**
 * A handle as the decoder needs to see it: the handle with its object type and rights.
 *
 * @since 0.1.0
 * @category models
 */
export type HandleInfo = internal.HandleInfo

/**
 * What arbitraries need: a source of handles for handle fields, and a cap on unbounded lengths.
 *
 * @since 0.1.0
 * @category models
 */
export type ArbitraryOptions = internal.ArbitraryOptions

/**
 * The value of a union member.
 *
 * @since 0.1.0
 * @category models
 */
export type UnionMember<Tag extends string, A> = internal.UnionMember<Tag, A>

/**
 * The value of a flexible union holding a member its declaration does not know.
 *
 * @since 0.1.0
 * @category models
 */
export type UnknownMember = internal.UnknownMember

/**
 * How deep out-of-line objects may nest (32).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_DEPTH = internal.MAX_DEPTH

// --- primitives ---------------------------------------------------------------------------------

/**
 * `bool`: one byte, 0 or 1.
 *
 * @since 0.1.0
 * @category utils
 */
export const bool: Type<boolean> = new internal.BoolType()
/**
 * `int8`.
 *
 * @since 0.1.0
 * @category utils
 */
export const int8: Type<number> = new internal.NumberType("int8", 1, -0x80, 0x7f)
/**
 * `uint8`.
 *
 * @since 0.1.0
 * @category utils
 */
export const uint8: Type<number> = new internal.NumberType("uint8", 1, 0, 0xff)
/**
 * `int16`.
 *
 * @since 0.1.0
 * @category utils
 */
export const int16: Type<number> = new internal.NumberType("int16", 2, -0x8000, 0x7fff)
/**
 * `uint16`.
 *
 * @since 0.1.0
 * @category utils
 */
export const uint16: Type<number> = new internal.NumberType("uint16", 2, 0, 0xffff)
/**
 * `int32`, also `zx.Status`.
 *
 * @since 0.1.0
 * @category utils
 */
export const int32: Type<number> = new internal.NumberType("int32", 4, -0x80000000, 0x7fffffff)
/**
 * `uint32`.
 *
 * @since 0.1.0
 * @category utils
 */
export const uint32: Type<number> = new internal.NumberType("uint32", 4, 0, 0xffffffff)
/**
 * `int64`, as a bigint.
 *
 * @since 0.1.0
 * @category utils
 */
export const int64: Type<bigint> = new internal.BigIntType("int64")
/**
 * `uint64`, as a bigint (also `zx.Koid`).
 *
 * @since 0.1.0
 * @category utils
 */
export const uint64: Type<bigint> = new internal.BigIntType("uint64")
/**
 * `float32`.
 *
 * @since 0.1.0
 * @category utils
 */
export const float32: Type<number> = new internal.NumberType("float32", 4, -Infinity, Infinity)
/**
 * `float64`.
 *
 * @since 0.1.0
 * @category utils
 */
export const float64: Type<number> = new internal.NumberType("float64", 8, -Infinity, Infinity)
/**
 * `zx.Status`: an `int32`.
 *
 * @since 0.1.0
 * @category utils
 */
export const status: Type<number> = int32

/**
 * The payload of a method without parameters: the message is the header alone.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: Type<void> = new internal.EmptyType()

type IntegerType = "int8" | "uint8" | "int16" | "uint16" | "int32" | "uint32"
type UnsignedType = "uint8" | "uint16" | "uint32"

const underlying = (type: Type<number>, allowed: ReadonlyArray<string>): internal.NumberType => {
  if (!(type instanceof internal.NumberType) || !allowed.includes(type.kind)) {
    throw new Error(`${type.description} cannot underlie an enum or bits type`)
  }
  return type
}

/**
 * `enum : T { … }` over an integer type. A strict enum refuses undeclared values both ways; a
 * flexible one passes them through.
 *
 * @since 0.1.0
 * @category utils
 */
export const enumOf = (
  type: Type<number>,
  members: Readonly<Record<string, number>>,
  options?: { readonly strict?: boolean }
): Type<number> =>
  new internal.EnumType(
    "enum",
    underlying(type, ["int8", "uint8", "int16", "uint16", "int32", "uint32"] satisfies ReadonlyArray<IntegerType>),
    members,
    options?.strict ?? true
  )

/**
 * `bits : T { … }` over an unsigned type. A strict bits type refuses bits outside its members;
 * a flexible one passes them through.
 *
 * @since 0.1.0
 * @category utils
 */
export const bits = (
  type: Type<number>,
  members: Readonly<Record<string, number>>,
  options?: { readonly strict?: boolean }
): Type<number> =>
  new internal.EnumType(
    "bits",
    underlying(type, ["uint8", "uint16", "uint32"] satisfies ReadonlyArray<UnsignedType>),
    members,
    options?.strict ?? true
  )

// --- strings, vectors, arrays ---------------------------------------------------------------------

/**
 * `string:max` (unbounded without `max`): UTF-8, validated on decode.
 *
 * @since 0.1.0
 * @category utils
 */
export const string = (max?: number): Nullable<string> => new internal.StringType(max)

/**
 * `vector<uint8>:max`, as a `Uint8Array`.
 *
 * @since 0.1.0
 * @category utils
 */
export const bytes = (max?: number): Nullable<Uint8Array> => new internal.BytesType(max)

/**
 * `vector<T>:max`.
 *
 * @since 0.1.0
 * @category utils
 */
export const vector = <A>(element: Type<A>, max?: number): Nullable<ReadonlyArray<A>> =>
  new internal.VectorType(element, max)

/**
 * `array<T, length>`: exactly `length` elements, in-line.
 *
 * @since 0.1.0
 * @category utils
 */
export const array = <A>(element: Type<A>, length: number): Type<ReadonlyArray<A>> =>
  new internal.ArrayType(element, length)

// --- handles ------------------------------------------------------------------------------------

/**
 * `zx.Handle:<TYPE, rights>`. Decoding refuses a handle of another object type (when `type` is
 * given) or one lacking any of `rights` (when given); a handle with more rights passes as it is.
 *
 * @since 0.1.0
 * @category utils
 */
export const handle = <T extends ObjectTypeName = ObjectTypeName>(
  type?: T,
  options?: { readonly rights?: number }
): Nullable<Handle.Handle<T>> => new internal.HandleType<T>(type, options?.rights ?? Rights.Rights.SAME_RIGHTS)

/**
 * `client_end:P` / `server_end:P`: a channel with the default channel rights.
 *
 * @since 0.1.0
 * @category utils
 */
export const endpoint: Nullable<Handle.Channel> = handle("CHANNEL", { rights: Rights.DEFAULT_CHANNEL })

// --- optional -----------------------------------------------------------------------------------

/**
 * The optional form of a type, with `Option` values: `string:optional`, `vector<T>:optional`,
 * `zx.Handle:optional`, `box<S>` for a struct (out of line behind a presence marker), and
 * `U:optional` for a union.
 *
 * @since 0.1.0
 * @category utils
 */
export const optional = <A>(type: Nullable<A>): Type<Option.Option<A>> => type.toOptional()

// --- structs, unions, tables ----------------------------------------------------------------------

/**
 * The value of a struct with fields `F`.
 *
 * @since 0.1.0
 * @category models
 */
export type StructValue<F extends Readonly<Record<string, Type<unknown>>>> = {
  readonly [K in keyof F]: TypeOf<F[K]>
}

/**
 * A struct: fields in declaration (key) order, each at its natural alignment, the size rounded up
 * to the largest alignment; the empty struct is one zero byte. `name` is used in messages.
 *
 * @since 0.1.0
 * @category utils
 */
export const struct = <const F extends Readonly<Record<string, Type<unknown>>>>(
  fields: F,
  options?: { readonly name?: string }
): Struct<StructValue<F>> => new internal.StructType<StructValue<F>>(fields, options?.name)

/**
 * Members of a union or fields of a table: name → `[ordinal, type]`.
 *
 * @since 0.1.0
 * @category models
 */
export type Members = Readonly<Record<string, readonly [number, Type<unknown>]>>

/**
 * The value of a union with members `M`: `{ _tag: name, value }`.
 *
 * @since 0.1.0
 * @category models
 */
export type UnionValue<M extends Members> = {
  readonly [K in keyof M & string]: UnionMember<K, TypeOf<M[K][1]>>
}[keyof M & string]

/**
 * A strict union: an undeclared ordinal is a decode error.
 *
 * @since 0.1.0
 * @category utils
 */
export const union = <const M extends Members>(
  members: M,
  options?: { readonly name?: string }
): Nullable<UnionValue<M>> => new internal.UnionType(members, true, options?.name) as Nullable<UnionValue<M>>

/**
 * A flexible union: an undeclared ordinal decodes as {@link UnknownMember} (its handles are
 * closed by the message layer); encoding one is refused.
 *
 * @since 0.1.0
 * @category utils
 */
export const flexibleUnion = <const M extends Members>(
  members: M,
  options?: { readonly name?: string }
): Nullable<UnionValue<M> | UnknownMember> =>
  new internal.UnionType(members, false, options?.name) as Nullable<UnionValue<M> | UnknownMember>

/**
 * The value of a table with fields `M`: every field optional.
 *
 * @since 0.1.0
 * @category models
 */
export type TableValue<M extends Members> = {
  readonly [K in keyof M]?: TypeOf<M[K][1]>
}

/**
 * A table: fields by ordinal (1..64), each present or absent; unknown fields are skipped.
 *
 * @since 0.1.0
 * @category utils
 */
export const table = <const M extends Members>(fields: M, options?: { readonly name?: string }): Type<TableValue<M>> =>
  new internal.TableType<TableValue<M>>(fields, options?.name)

/**
 * The result union of a strict method declared with `error`: `response` (ordinal 1) holds the
 * success payload, `err` (ordinal 2) the error value.
 *
 * @since 0.1.0
 * @category utils
 */
export const result = <A, E>(
  response: Type<A>,
  error: Type<E>
): Nullable<UnionMember<"response", A> | UnionMember<"err", E>> =>
  new internal.UnionType({ response: [1, response], err: [2, error] }, true) as Nullable<
    UnionMember<"response", A> | UnionMember<"err", E>
  >

// --- encode and decode --------------------------------------------------------------------------

/**
 * Encoded bytes and the handles to send with them, in traversal order.
 *
 * @since 0.1.0
 * @category models
 */
export interface Encoded {
  readonly bytes: Uint8Array
  readonly handles: ReadonlyArray<Handle.Handle>
}

/**
 * A successful decode: the value, and handles of unknown members that belong to no value.
 *
 * @since 0.1.0
 * @category models
 */
export type Decoded<A> = internal.Decoded<A>

/**
 * @internal
 * @since 0.1.0
 * @category utils
 */
export const toEncodeError = (e: unknown): EncodeError => {
  if (e instanceof internal.EncodeReject) return new EncodeError({ reason: e.reason, detail: e.detail })
  throw e
}

/**
 * @internal
 * @since 0.1.0
 * @category utils
 */
export const toDecodeError = (e: unknown): DecodeError => {
  if (e instanceof internal.Reject) return new DecodeError({ reason: e.reason, offset: e.offset, detail: e.detail })
  throw e
}

/**
 * Encodes `value` as a standalone object of `type` (no transactional header).
 *
 * @since 0.1.0
 * @category utils
 */
export const encode = <A>(type: Type<A>, value: A): Either.Either<Encoded, EncodeError> => {
  try {
    return internal.withEncoder((e) => {
      internal.encodeInto(e, type, value)
      return Either.right({ bytes: e.finish(), handles: e.handles })
    })
  } catch (error) {
    return Either.left(toEncodeError(error))
  }
}

/**
 * Decodes a standalone object of `type` from `bytes` and `handles` (each with its object type and
 * rights), checking every decoder obligation: all bytes and handles consumed, padding zero,
 * presence markers valid, bounds, UTF-8, handle types and rights, nesting depth.
 *
 * @since 0.1.0
 * @category utils
 */
export const decode = <A>(
  type: Type<A>,
  bytes: Uint8Array,
  handles: ReadonlyArray<HandleInfo> = []
): Either.Either<A, DecodeError> => Either.map(decodeDetailed(type, bytes, handles), (d) => d.value)

/**
 * {@link decode}, also returning the handles of unknown union members and table fields.
 *
 * @since 0.1.0
 * @category utils
 */
export const decodeDetailed = <A>(
  type: Type<A>,
  bytes: Uint8Array,
  handles: ReadonlyArray<HandleInfo> = []
): Either.Either<Decoded<A>, DecodeError> => {
  try {
    return Either.right(internal.decodeFrom(type, bytes, handles, 0))
  } catch (error) {
    return Either.left(toDecodeError(error))
  }
}

/**
 * Values of `type`, for property tests. Types with handles need `options.handle`.
 *
 * @since 0.1.0
 * @category utils
 */
export const arbitrary = <A>(type: Type<A>, options: ArbitraryOptions = {}): FastCheck.Arbitrary<A> =>
  type.arbitrary(options)

/**
 * The number of UTF-8 bytes of a string, as a `string:N` bound counts them.
 *
 * @since 0.1.0
 * @category utils
 */
export const utf8Length = internal.utf8Length
