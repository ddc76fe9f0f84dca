/**
 * The FIDL wire format (v2) as plain synchronous code over DataView: the encoder and decoder
 * cursors and one class per kind of type. Each type knows its inline size and alignment, writes
 * a value at an offset (allocating out-of-line objects as it meets them, which gives FIDL's
 * depth-first order), reads one back checking every decoder obligation, and makes a fast-check
 * arbitrary of its values. Failures are thrown as {@link Reject} / {@link EncodeReject} and turned
 * into tagged errors at the module edge, so the byte loops stay free of allocation-heavy results.
 * @internal
 */
import * as Handle from "@zxsim/kernel/Handle"
import type { ObjectTypeName } from "@zxsim/kernel/ObjectType"
import * as Rights from "@zxsim/kernel/Rights"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import type { DecodeReason, EncodeReason } from "../FidlError.js"

/** How deep out-of-line objects may nest. */
export const MAX_DEPTH = 32
/** The presence marker of an out-of-line object or handle, as a u32 half. */
const PRESENT32 = 0xffffffff

/** A handle as the decoder sees it: the handle, and the object type and rights it has. */
export interface HandleInfo {
  readonly handle: Handle.Handle
  readonly type: ObjectTypeName
  readonly rights: number
}

/** What arbitraries need from their caller. */
export interface ArbitraryOptions {
  /** Handles to draw from for a handle field (`type` undefined: any object type). */
  readonly handle?: (type: ObjectTypeName | undefined, rights: number) => FastCheck.Arbitrary<Handle.Handle>
  /** Most elements (or UTF-16 units) of an unbounded string or vector. Default 16. */
  readonly maxLength?: number
}

/** A decoder rejection, thrown inside the byte loop and caught at the edge. */
export class Reject {
  constructor(readonly reason: DecodeReason, readonly offset: number, readonly detail: string) {}
}

/** An encoder refusal, thrown inside the byte loop and caught at the edge. */
export class EncodeReject {
  constructor(readonly reason: EncodeReason, readonly detail: string) {}
}

const reject = (reason: DecodeReason, offset: number, detail: string): never => {
  throw new Reject(reason, offset, detail)
}

const refuse = (reason: EncodeReason, detail: string): never => {
  throw new EncodeReject(reason, detail)
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
/** Strings up to this many bytes are tried as ASCII before TextDecoder. */
const SHORT_STRING = 64

/** The UTF-8 byte length of a well-formed string. */
export const utf8Length = (s: string): number => {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4
      i++
    } else n += 3
  }
  return n
}

/** The longest prefix of `s` (whole code points) that fits in `max` UTF-8 bytes. */
const truncateUtf8 = (s: string, max: number): string => {
  if (s.length <= max / 3 || utf8Length(s) <= max) return s
  let n = 0
  let i = 0
  while (i < s.length) {
    const c = s.charCodeAt(i)
    const [bytes, units] = c < 0x80 ? [1, 1] : c < 0x800 ? [2, 1] : c >= 0xd800 && c <= 0xdbff ? [4, 2] : [3, 1]
    if (n + bytes > max) break
    n += bytes
    i += units
  }
  return s.slice(0, i)
}

/**
 * Code points for string arbitraries: mostly printable ASCII, with 2-, 3- and 4-byte UTF-8 forms
 * mixed in (never surrogates). Cheaper to generate than fast-check's full-unicode strings.
 */
const codePoint: FastCheck.Arbitrary<number> = FastCheck.oneof(
  { weight: 4, arbitrary: FastCheck.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: FastCheck.integer({ min: 0, max: 0x7ff }) },
  {
    weight: 1,
    arbitrary: FastCheck.integer({ min: 0x800, max: 0xffff - 0x800 }).map((c) => (c >= 0xd800 ? c + 0x800 : c))
  },
  { weight: 1, arbitrary: FastCheck.integer({ min: 0x10000, max: 0x10ffff }) }
)

// ---------------------------------------------------------------------------------------------
// Cursors
// ---------------------------------------------------------------------------------------------

/** Writes a message: a growing zero-filled buffer, the out-of-line cursor, and the handle list. */
export class Encoder {
  bytes: Uint8Array
  view: DataView
  /** The end of the last object, where the next out-of-line object goes (always 8-aligned). */
  end = 0
  handles: Array<Handle.Handle> = []

  constructor(capacity = 512) {
    this.bytes = new Uint8Array(capacity)
    this.view = new DataView(this.bytes.buffer)
  }

  /** Reserves `size` bytes (padded to 8) after the last object and returns their offset. */
  alloc(size: number): number {
    const offset = this.end
    const next = offset + align8(size)
    if (next > this.bytes.length) this.grow(next)
    this.end = next
    return offset
  }

  private grow(min: number): void {
    let capacity = this.bytes.length * 2
    while (capacity < min) capacity *= 2
    const bytes = new Uint8Array(capacity)
    bytes.set(this.bytes.subarray(0, this.end))
    this.bytes = bytes
    this.view = new DataView(bytes.buffer)
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.end)
  }

  /** Clears what was written (re-zeroing it, since padding relies on zeros) for the next message. */
  reset(): void {
    this.bytes.fill(0, 0, this.end)
    this.end = 0
    this.handles = []
  }
}

/**
 * One encoder kept between calls: allocating a fresh buffer costs more than encoding a small
 * message. Encoding is synchronous and calls no user code, so calls never overlap.
 */
let spare: Encoder | null = null

/** Runs `f` with a clean encoder. */
export const withEncoder = <A>(f: (e: Encoder) => A): A => {
  const e = spare ?? new Encoder(4096)
  spare = null
  try {
    return f(e)
  } finally {
    e.reset()
    if (e.bytes.length <= 2 * MAX_MESSAGE_BYTES) spare = e
  }
}

/** Reads a message: the bytes, the handle list, and the out-of-line and handle cursors. */
export class Decoder {
  readonly view: DataView
  /** Where the next out-of-line object must start. */
  end: number
  /** The next handle to take. */
  nextHandle = 0
  /** Handles carried by envelopes of unknown members: not part of the value, the caller closes them. */
  readonly unknownHandles: Array<Handle.Handle> = []

  constructor(readonly bytes: Uint8Array, readonly handles: ReadonlyArray<HandleInfo>, start: number) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.end = start
  }

  /**
   * Claims the next out-of-line object of `size` bytes at nesting `depth`: it must fit, and the
   * bytes padding it to 8 must be zero. `at` is the offset of the reference, for messages.
   */
  claim(size: number, depth: number, at: number): number {
    if (depth > MAX_DEPTH) reject("DepthExceeded", at, `out-of-line object at depth ${depth} (limit ${MAX_DEPTH})`)
    const offset = this.end
    const padded = align8(size)
    if (offset + padded > this.bytes.length) {
      reject(
        "TooShort",
        at,
        `out-of-line object of ${size} bytes at ${offset} runs past the end (${this.bytes.length} bytes)`
      )
    }
    const bytes = this.bytes
    for (let i = offset + size; i < offset + padded; i++) {
      if (bytes[i] !== 0) {
        reject("NonZeroPadding", i, `padding byte after an out-of-line object is 0x${bytes[i].toString(16)}`)
      }
    }
    this.end = offset + padded
    return offset
  }

  /** Takes the next handle, for the marker at `at`. */
  takeHandle(at: number): HandleInfo {
    if (this.nextHandle >= this.handles.length) {
      reject(
        "MissingHandles",
        at,
        `handle marker #${this.nextHandle} but the message carries ${this.handles.length} handles`
      )
    }
    return this.handles[this.nextHandle++]
  }

  /** Skips `count` handles of an unknown envelope, keeping them for the caller to close. */
  skipHandles(count: number, at: number): void {
    if (this.nextHandle + count > this.handles.length) {
      reject(
        "MissingHandles",
        at,
        `envelope declares ${count} handles but only ${this.handles.length - this.nextHandle} remain`
      )
    }
    for (let i = 0; i < count; i++) this.unknownHandles.push(this.handles[this.nextHandle++].handle)
  }

  /** Checks that `bytes[from, to)` are zero. */
  zeros(from: number, to: number, what: string): void {
    const bytes = this.bytes
    for (let i = from; i < to; i++) {
      if (bytes[i] !== 0) reject("NonZeroPadding", i, `${what} byte is 0x${bytes[i].toString(16)}`)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** Identifies wire types. */
export const TypeId: unique symbol = Symbol.for("@zxsim/fidl/Wire/Type")

/** A FIDL type: layout, encoder, decoder and arbitrary for values of type `A`. */
export abstract class WireType<A> {
  readonly [TypeId] = TypeId
  /** The kind of type (`struct`, `string`, `uint32`, …). */
  abstract readonly kind: string
  /** Bytes of the in-line part. */
  abstract readonly inlineSize: number
  /** Alignment of the in-line part. */
  abstract readonly alignment: number
  /** The type in FIDL syntax, for messages. */
  abstract readonly description: string

  /** Writes `value` at `offset` (in-line part already allocated and zero) at nesting `depth`. */
  abstract encode(e: Encoder, offset: number, value: A, depth: number): void
  /** Reads a value at `offset` (in-line part already claimed) at nesting `depth`. */
  abstract decode(d: Decoder, offset: number, depth: number): A
  /** Values of this type. */
  abstract arbitrary(options: ArbitraryOptions): FastCheck.Arbitrary<A>
}

/** A type that has an optional form (`string:optional`, `box<S>`, `handle:optional`, …). */
export abstract class NullableType<A> extends WireType<A> {
  /** Writes `value`, or the absent form for null. */
  abstract encodeOrNull(e: Encoder, offset: number, value: A | null, depth: number): void
  /** Reads a value, or null for the absent form (rejected unless `nullable`). */
  abstract decodeOrNull(d: Decoder, offset: number, depth: number, nullable: boolean): A | null

  encode(e: Encoder, offset: number, value: A, depth: number): void {
    if (value === null || value === undefined) refuse("InvalidValue", `${this.description}: missing value`)
    this.encodeOrNull(e, offset, value, depth)
  }

  decode(d: Decoder, offset: number, depth: number): A {
    return this.decodeOrNull(d, offset, depth, false) as A
  }

  /** The optional form of this type. */
  toOptional(): WireType<Option.Option<A>> {
    return new OptionalType(this)
  }
}

/** `T:optional` for types whose optional form has the same layout. */
export class OptionalType<A> extends WireType<Option.Option<A>> {
  readonly kind = "optional"
  readonly inlineSize: number
  readonly alignment: number
  readonly description: string

  constructor(readonly inner: NullableType<A>) {
    super()
    this.inlineSize = inner.inlineSize
    this.alignment = inner.alignment
    this.description = `${inner.description}:optional`
  }

  encode(e: Encoder, offset: number, value: Option.Option<A>, depth: number): void {
    if (!Option.isOption(value)) refuse("InvalidValue", `${this.description}: expected an Option`)
    this.inner.encodeOrNull(e, offset, Option.isSome(value) ? value.value : null, depth)
  }

  decode(d: Decoder, offset: number, depth: number): Option.Option<A> {
    const value = this.inner.decodeOrNull(d, offset, depth, true)
    return value === null ? Option.none() : Option.some(value)
  }

  arbitrary(options: ArbitraryOptions): FastCheck.Arbitrary<Option.Option<A>> {
    return FastCheck.oneof(
      FastCheck.constant(Option.none<A>()),
      this.inner.arbitrary(options).map((a) => Option.some(a))
    )
  }
}

// --- primitives -------------------------------------------------------------------------------

/** `bool`: one byte, 0 or 1. */
export class BoolType extends WireType<boolean> {
  readonly kind = "bool"
  readonly inlineSize = 1
  readonly alignment = 1
  readonly description = "bool"

  encode(e: Encoder, offset: number, value: boolean): void {
    if (typeof value !== "boolean") refuse("InvalidValue", `bool: ${String(value)}`)
    e.bytes[offset] = value ? 1 : 0
  }

  decode(d: Decoder, offset: number): boolean {
    const b = d.bytes[offset]
    if (b > 1) reject("InvalidBool", offset, `bool byte is ${b}`)
    return b === 1
  }

  arbitrary(): FastCheck.Arbitrary<boolean> {
    return FastCheck.boolean()
  }
}

/** Integers and floats that fit a JavaScript number. */
export class NumberType extends WireType<number> {
  readonly description: string

  constructor(
    readonly kind: "int8" | "uint8" | "int16" | "uint16" | "int32" | "uint32" | "float32" | "float64",
    readonly inlineSize: number,
    readonly min: number,
    readonly max: number
  ) {
    super()
    this.description = kind
  }

  get alignment(): number {
    return this.inlineSize
  }

  encode(e: Encoder, offset: number, value: number): void {
    const v = e.view
    if (typeof value !== "number") refuse("InvalidValue", `${this.kind}: ${String(value)} is not a number`)
    switch (this.kind) {
      case "float32":
        v.setFloat32(offset, value, true)
        return
      case "float64":
        v.setFloat64(offset, value, true)
        return
    }
    if (!Number.isInteger(value) || value < this.min || value > this.max) {
      refuse("InvalidValue", `${this.kind}: ${value} is out of range`)
    }
    switch (this.kind) {
      case "int8":
      case "uint8":
        e.bytes[offset] = value & 0xff
        return
      case "int16":
      case "uint16":
        v.setUint16(offset, value & 0xffff, true)
        return
      default:
        v.setUint32(offset, value >>> 0, true)
    }
  }

  decode(d: Decoder, offset: number): number {
    const v = d.view
    switch (this.kind) {
      case "int8":
        return v.getInt8(offset)
      case "uint8":
        return d.bytes[offset]
      case "int16":
        return v.getInt16(offset, true)
      case "uint16":
        return v.getUint16(offset, true)
      case "int32":
        return v.getInt32(offset, true)
      case "uint32":
        return v.getUint32(offset, true)
      case "float32":
        return v.getFloat32(offset, true)
      case "float64":
        return v.getFloat64(offset, true)
    }
  }

  arbitrary(): FastCheck.Arbitrary<number> {
    switch (this.kind) {
      case "float32":
        return FastCheck.float()
      case "float64":
        return FastCheck.double()
      default:
        return FastCheck.integer({ min: this.min, max: this.max })
    }
  }
}

/** 64-bit integers, as bigints. */
export class BigIntType extends WireType<bigint> {
  readonly inlineSize = 8
  readonly alignment = 8
  readonly description: string
  readonly min: bigint
  readonly max: bigint

  constructor(readonly kind: "int64" | "uint64") {
    super()
    this.description = kind
    this.min = kind === "int64" ? -(2n ** 63n) : 0n
    this.max = kind === "int64" ? 2n ** 63n - 1n : 2n ** 64n - 1n
  }

  encode(e: Encoder, offset: number, value: bigint): void {
    if (typeof value !== "bigint" || value < this.min || value > this.max) {
      refuse("InvalidValue", `${this.kind}: ${String(value)} is not a bigint in range`)
    }
    e.view.setBigUint64(offset, BigInt.asUintN(64, value), true)
  }

  decode(d: Decoder, offset: number): bigint {
    return this.kind === "int64" ? d.view.getBigInt64(offset, true) : d.view.getBigUint64(offset, true)
  }

  arbitrary(): FastCheck.Arbitrary<bigint> {
    return FastCheck.bigInt({ min: this.min, max: this.max })
  }
}

/** An integer type with named members (`enum`) or flag bits (`bits`). */
export class EnumType extends WireType<number> {
  readonly inlineSize: number
  readonly alignment: number
  readonly description: string
  private readonly values: ReadonlySet<number>

  constructor(
    readonly kind: "enum" | "bits",
    readonly underlying: NumberType,
    readonly members: Readonly<Record<string, number>>,
    readonly strict: boolean
  ) {
    super()
    this.inlineSize = underlying.inlineSize
    this.alignment = underlying.alignment
    this.values = new Set(Object.values(members))
    this.description = `${strict ? "strict" : "flexible"} ${kind} : ${underlying.kind}`
  }

  /** For bits: the OR of every member. */
  get mask(): number {
    let mask = 0
    for (const v of this.values) mask = (mask | v) >>> 0
    return mask
  }

  private known(value: number): boolean {
    return this.kind === "enum" ? this.values.has(value) : ((value >>> 0) & ~this.mask) === 0
  }

  encode(e: Encoder, offset: number, value: number): void {
    if (this.strict && typeof value === "number" && !this.known(value)) {
      refuse("InvalidValue", `${this.description}: ${value} is not a member`)
    }
    this.underlying.encode(e, offset, value)
  }

  decode(d: Decoder, offset: number): number {
    const value = this.underlying.decode(d, offset)
    if (this.strict && !this.known(value)) {
      reject("UnknownValue", offset, `${this.description}: ${value} is not a member`)
    }
    return value
  }

  arbitrary(): FastCheck.Arbitrary<number> {
    if (this.kind === "enum") {
      const known = FastCheck.constantFrom(...this.values)
      return this.strict ? known : FastCheck.oneof(known, this.underlying.arbitrary())
    }
    const mask = this.mask
    return this.strict ? this.underlying.arbitrary().map((v) => (v & mask) >>> 0) : this.underlying.arbitrary()
  }
}

// --- handles ----------------------------------------------------------------------------------

/** `zx.Handle:<TYPE, rights>`: a 4-byte marker in-line, the handle in the handle list. */
export class HandleType<T extends ObjectTypeName> extends NullableType<Handle.Handle<T>> {
  readonly kind = "handle"
  readonly inlineSize = 4
  readonly alignment = 4
  readonly description: string

  constructor(readonly objectType: T | undefined, readonly rights: number) {
    super()
    this.description = `zx.Handle:${objectType ?? "NONE"}` +
      (rights === Rights.Rights.SAME_RIGHTS ? "" : `,0x${rights.toString(16)}`)
  }

  encodeOrNull(e: Encoder, offset: number, value: Handle.Handle<T> | null): void {
    if (value === null) return
    if (!Handle.isHandle(value)) refuse("InvalidValue", `${this.description}: not a handle`)
    if (Handle.isInvalid(value)) refuse("UnexpectedNull", `${this.description}: the invalid handle`)
    e.view.setUint32(offset, PRESENT32, true)
    e.handles.push(value)
  }

  decodeOrNull(d: Decoder, offset: number, _depth: number, nullable: boolean): Handle.Handle<T> | null {
    const marker = d.view.getUint32(offset, true)
    if (marker === 0) {
      if (!nullable) reject("UnexpectedNull", offset, `${this.description} is absent`)
      return null
    }
    if (marker !== PRESENT32) reject("InvalidPresence", offset, `handle marker 0x${marker.toString(16)}`)
    const info = d.takeHandle(offset)
    if (this.objectType !== undefined && info.type !== this.objectType) {
      reject("WrongHandleType", offset, `${this.description}: got a ${info.type} handle`)
    }
    if (this.rights !== Rights.Rights.SAME_RIGHTS && !Rights.has(info.rights, this.rights)) {
      reject("MissingRights", offset, `${this.description}: handle has rights 0x${info.rights.toString(16)}`)
    }
    return info.handle as Handle.Handle<T>
  }

  arbitrary(options: ArbitraryOptions): FastCheck.Arbitrary<Handle.Handle<T>> {
    if (options.handle === undefined) throw new Error(`${this.description}: arbitrary needs a handle source`)
    return options.handle(this.objectType, this.rights) as FastCheck.Arbitrary<Handle.Handle<T>>
  }
}

// --- strings and vectors ----------------------------------------------------------------------

/** Reads a vector header; returns the count, or -1 for an absent vector. */
const readVectorHeader = (
  d: Decoder,
  offset: number,
  description: string,
  nullable: boolean,
  max: number | undefined
): number => {
  const v = d.view
  const count = v.getUint32(offset, true)
  const high = v.getUint32(offset + 4, true)
  const p0 = v.getUint32(offset + 8, true)
  const p1 = v.getUint32(offset + 12, true)
  if (high !== 0) reject("InvalidCount", offset, `${description}: count ${high * 2 ** 32 + count} is 2^32 or more`)
  if (p0 === 0 && p1 === 0) {
    if (!nullable) reject("UnexpectedNull", offset, `${description} is absent`)
    if (count !== 0) reject("InvalidCount", offset, `${description}: absent with count ${count}`)
    return -1
  }
  if (p0 !== PRESENT32 || p1 !== PRESENT32) {
    reject(
      "InvalidPresence",
      offset + 8,
      `${description}: presence marker 0x${p1.toString(16)}${p0.toString(16).padStart(8, "0")}`
    )
  }
  if (max !== undefined && count > max) reject("TooLong", offset, `${description}: ${count} elements`)
  return count
}

const writeVectorHeader = (e: Encoder, offset: number, count: number): void => {
  const v = e.view
  v.setUint32(offset, count, true)
  v.setUint32(offset + 8, PRESENT32, true)
  v.setUint32(offset + 12, PRESENT32, true)
}

const bound = (max: number | undefined): string => (max === undefined ? "" : `:${max}`)

const checkDepth = (depth: number, description: string): void => {
  if (depth > MAX_DEPTH) refuse("DepthExceeded", `${description}: out-of-line object at depth ${depth}`)
}

/** `string:N`: a UTF-8 byte vector. */
export class StringType extends NullableType<string> {
  readonly kind = "string"
  readonly inlineSize = 16
  readonly alignment = 8
  readonly description: string

  constructor(readonly max: number | undefined) {
    super()
    this.description = `string${bound(max)}`
  }

  encodeOrNull(e: Encoder, offset: number, value: string | null, depth: number): void {
    if (value === null) return
    if (typeof value !== "string") refuse("InvalidValue", `${this.description}: not a string`)
    // One pass for the UTF-8 length, refusing unpaired surrogates (they have no UTF-8 form).
    const length = value.length
    let count = 0
    let ascii = true
    for (let i = 0; i < length; i++) {
      const c = value.charCodeAt(i)
      if (c < 0x80) count += 1
      else {
        ascii = false
        if (c < 0x800) count += 2
        else if (c >= 0xd800 && c <= 0xdfff) {
          const next = i + 1 < length ? value.charCodeAt(i + 1) : 0
          if (c > 0xdbff || next < 0xdc00 || next > 0xdfff) {
            refuse("InvalidValue", `${this.description}: unpaired surrogate at ${i}, not encodable as UTF-8`)
          }
          count += 4
          i++
        } else count += 3
      }
    }
    if (this.max !== undefined && count > this.max) refuse("TooLong", `${this.description}: ${count} bytes`)
    writeVectorHeader(e, offset, count)
    if (count === 0) return
    checkDepth(depth + 1, this.description)
    const at = e.alloc(count)
    const bytes = e.bytes
    if (ascii) {
      for (let i = 0; i < length; i++) bytes[at + i] = value.charCodeAt(i)
    } else {
      utf8Encoder.encodeInto(value, bytes.subarray(at, at + count))
    }
  }

  decodeOrNull(d: Decoder, offset: number, depth: number, nullable: boolean): string | null {
    const count = readVectorHeader(d, offset, this.description, nullable, this.max)
    if (count < 0) return null
    if (count === 0) return ""
    const at = d.claim(count, depth + 1, offset)
    const bytes = d.bytes
    if (count <= SHORT_STRING) {
      // Short ASCII strings are common (names, paths) and cheaper to build here than in TextDecoder.
      let s = ""
      let i = 0
      for (; i < count; i++) {
        const b = bytes[at + i]
        if (b >= 0x80) break
        s += String.fromCharCode(b)
      }
      if (i === count) return s
    }
    try {
      return utf8Decoder.decode(bytes.subarray(at, at + count))
    } catch {
      return reject("InvalidUtf8", at, `${this.description}: not valid UTF-8`)
    }
  }

  arbitrary(options: ArbitraryOptions): FastCheck.Arbitrary<string> {
    const max = this.max
    const chars = FastCheck.array(codePoint, { maxLength: max ?? options.maxLength ?? 16 })
    return max === undefined
      ? chars.map((cps) => String.fromCodePoint(...cps))
      : chars.map((cps) => truncateUtf8(String.fromCodePoint(...cps), max))
  }
}

/** `vector<uint8>:N` as a `Uint8Array`. */
export class BytesType extends NullableType<Uint8Array> {
  readonly kind = "bytes"
  readonly inlineSize = 16
  readonly alignment = 8
  readonly description: string

  constructor(readonly max: number | undefined) {
    super()
    this.description = `vector<uint8>${bound(max)}`
  }

  encodeOrNull(e: Encoder, offset: number, value: Uint8Array | null, depth: number): void {
    if (value === null) return
    if (!(value instanceof Uint8Array)) refuse("InvalidValue", `${this.description}: not a Uint8Array`)
    if (this.max !== undefined && value.length > this.max) {
      refuse("TooLong", `${this.description}: ${value.length} bytes`)
    }
    writeVectorHeader(e, offset, value.length)
    if (value.length === 0) return
    checkDepth(depth + 1, this.description)
    const at = e.alloc(value.length)
    e.bytes.set(value, at)
  }

  decodeOrNull(d: Decoder, offset: number, depth: number, nullable: boolean): Uint8Array | null {
    const count = readVectorHeader(d, offset, this.description, nullable, this.max)
    if (count < 0) return null
    if (count === 0) return new Uint8Array(0)
    const at = d.claim(count, depth + 1, offset)
    return d.bytes.slice(at, at + count)
  }

  arbitrary(options: ArbitraryOptions): FastCheck.Arbitrary<Uint8Array> {
    return FastCheck.uint8Array({ maxLength: this.max ?? options.maxLength ?? 16 })
  }
}

/** `vector<T>:N`. */
export class VectorType<E> extends NullableType<ReadonlyArray<E>> {
  readonly kind = "vector"
  readonly inlineSize = 16
  readonly alignment = 8
  readonly description: string

  constructor(readonly element: WireType<E>, readonly max: number | undefined) {
    super()
    if (element.inlineSize === 0) throw new Error("vector: element type has no in-line size")
    this.description = `vector<${element.description}>${bound(max)}`
  }

  encodeOrNull(e: Encoder, offset: number, value: ReadonlyArray<E> | null, depth: number): void {
    if (value === null) return
    if (!Array.isArray(value)) refuse("InvalidValue", `${this.description}: not an array`)
    const count = value.length
    if (this.max !== undefined && count > this.max) refuse("TooLong", `${this.description}: ${count} elements`)
    writeVectorHeader(e, offset, count)
    if (count === 0) return
    checkDepth(depth + 1, this.description)
    const size = this.element.inlineSize
    const at = e.alloc(count * size)
    for (let i = 0; i < count; i++) this.element.encode(e, at + i * size, value[i], depth + 1)
  }

  decodeOrNull(d: Decoder, offset: number, depth: number, nullable: boolean): ReadonlyArray<E> | null {
    const count = readVectorHeader(d, offset, this.description, nullable, this.max)
    if (count < 0) return null
    if (count === 0) return []
    const size = this.element.inlineSize
    if (count * size > d.bytes.length) reject("TooShort", offset, `${this.description}: ${count} elements cannot fit`)
    const at = d.claim(count * size, depth + 1, offset)
    const out = new Array<E>(count)
    for (let i = 0; i < count; i++) out[i] = this.element.decode(d, at + i * size, depth + 1)
    return out
  }

  arbitrary(options: ArbitraryOptions): FastCheck.Arbitrary<ReadonlyArray<E>> {
    return FastCheck.array(this.element.arbitrary(options), { maxLength: this.max ?? options.maxLength ?? 16 })
  }
}

/** `array<T, N>`: exactly N elements in-line. */
export class ArrayType<E> extends WireType<ReadonlyArray<E>> {
  readonly kind = "array"
  readonly inlineSize: number
  readonly alignment: number
  readonly description: string

  constructor(readonly element: WireType<E>, readonly length: number) {
    super()
    this.inlineSize = element.inlineSize * length
    this.alignment = element.alignment
    this.description = `array<${element.description}, ${length}>`
  }

  encode(e: Encoder, offset: number, value: ReadonlyArray<E>, depth: number): void {
    if (!Array.isArray(value) || value.length !== this.length) {
      refuse("InvalidValue", `${this.description}: needs ${this.length} elements`)
    }
    const size = this.element.inlineSize
    for (let i = 0; i < this.length; i++) this.element.encode(e, offset + i * size, value[i], depth)
  }

  decode(d: Decoder, offset: number, depth: number): ReadonlyArray<E> {
    const size = this.element.inlineSize
    const out = new Array<E>(this.length)
    for (let i = 0; i < this.length; i++) out[i] = this.element.decode(d, offset + i * size, depth)
    return out
  }

  arbitrary(options: ArbitraryOptions): FastCheck.Arbitrary<ReadonlyArray<E>> {
    return FastCheck.array(this.element.arbitrary(options), { minLength: this.length, maxLength: this.length })
  }
}

// --- structs ----------------------------------------------------------------------------------

/** One laid-out struct field. */
export interface StructField {
  readonly name: string
  readonly type: WireType<unknown>
  readonly offset: number
}

/** A struct: fields in declaration order at natural alignment; an empty struct is one zero byte. */
export class StructType<A> extends NullableType<A> {
  readonly kind = "struct"
  readonly inlineSize: number
  readonly alignment: number
  readonly description: string
  readonly fields: ReadonlyArray<StructField>
  /** Padding byte ranges `[from, to)` relative to the struct, all of which must be zero. */
  readonly padding: ReadonlyArray<readonly [number, number]>

  constructor(fields: Readonly<Record<string, WireType<unknown>>>, name?: string) {
    super()
    const laid: Array<StructField> = []
    const padding: Array<readonly [number, number]> = []
    let offset = 0
    let alignment = 1
    for (const [fieldName, type] of Object.entries(fields)) {
      const at = Math.ceil(offset / type.alignment) * type.alignment
      if (at > offset) padding.push([offset, at])
      laid.push({ name: fieldName, type, offset: at })
      offset = at + type.inlineSize
      alignment = Math.max(alignment, type.alignment)
    }
    if (laid.length === 0) {
      // The empty struct is a single byte that must be zero.
      padding.push([0, 1])
      offset = 1
    }
    const size = Math.ceil(offset / alignment) * alignment
    if (size > offset) padding.push([offset, size])
    this.fields = laid
    this.padding = padding
    this.inlineSize = size
    this.alignment = alignment
    this.description = name ?? `struct { ${laid.map((f) => `${f.name} ${f.type.description}`).join("; ")} }`
  }

  encodeOrNull(e: Encoder, offset: number, value: A | null, depth: number): void {
    if (typeof value !== "object" || value === null) refuse("InvalidValue", `${this.description}: not an object`)
    const record = value as Record<string, unknown>
    const fields = this.fields
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]
      f.type.encode(e, offset + f.offset, record[f.name], depth)
    }
  }

  decodeOrNull(d: Decoder, offset: number, depth: number): A | null {
    const padding = this.padding
    for (let i = 0; i < padding.length; i++) d.zeros(offset + padding[i][0], offset + padding[i][1], "struct padding")
    const out: Record<string, unknown> = {}
    const fields = this.fields
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]
      out[f.name] = f.type.decode(d, offset + f.offset, depth)
    }
    return out as A
  }

  override toOptional(): WireType<Option.Option<A>> {
    return new BoxType(this)
  }

  arbitrary(options: ArbitraryOptions): FastCheck.Arbitrary<A> {
    const record: Record<string, FastCheck.Arbitrary<unknown>> = {}
    for (const f of this.fields) record[f.name] = f.type.arbitrary(options)
    return FastCheck.record(record) as FastCheck.Arbitrary<A>
  }
}

/** `box<S>`: an optional struct, out of line behind an 8-byte presence marker. */
export class BoxType<A> extends WireType<Option.Option<A>> {
  readonly kind = "box"
  readonly inlineSize = 8
  readonly alignment = 8
  readonly description: string

  constructor(readonly struct: StructType<A>) {
    super()
    this.description = `box<${struct.description}>`
  }

  encode(e: Encoder, offset: number, value: Option.Option<A>, depth: number): void {
    if (!Option.isOption(value)) refuse("InvalidValue", `${this.description}: expected an Option`)
    if (Option.isNone(value)) return
    e.view.setUint32(offset, PRESENT32, true)
    e.view.setUint32(offset + 4, PRESENT32, true)
    checkDepth(depth + 1, this.description)
    const at = e.alloc(this.struct.inlineSize)
    this.struct.encode(e, at, value.value, depth + 1)
  }

  decode(d: Decoder, offset: number, depth: number): Option.Option<A> {
    const p0 = d.view.getUint32(offset, true)
    const p1 = d.view.getUint32(offset + 4, true)
    if (p0 === 0 && p1 === 0) return Option.none()
    if (p0 !== PRESENT32 || p1 !== PRESENT32) reject("InvalidPresence", offset, `${this.description}: presence marker`)
    const at = d.claim(this.struct.inlineSize, depth + 1, offset)
    return Option.some(this.struct.decode(d, at, depth + 1))
  }

  arbitrary(options: ArbitraryOptions): FastCheck.Arbitrary<Option.Option<A>> {
    return FastCheck.oneof(
      FastCheck.constant(Option.none<A>()),
      this.struct.arbitrary(options).map((a) => Option.some(a))
    )
  }
}

// --- envelopes, unions, tables ----------------------------------------------------------------

/** What an envelope decode found besides a value. */
const ABSENT: unique symbol = Symbol("absent")
const SKIPPED: unique symbol = Symbol("skipped")

/** Writes `value` into the envelope at `offset`: inline when it fits in 4 bytes, else out of line. */
const encodeEnvelope = <A>(e: Encoder, offset: number, type: WireType<A>, value: A, depth: number): void => {
  checkDepth(depth + 1, type.description)
  const handlesBefore = e.handles.length
  if (type.inlineSize <= 4) {
    type.encode(e, offset, value, depth + 1)
    e.view.setUint16(offset + 4, e.handles.length - handlesBefore, true)
    e.view.setUint16(offset + 6, 1, true)
    return
  }
  const start = e.end
  const at = e.alloc(type.inlineSize)
  type.encode(e, at, value, depth + 1)
  e.view.setUint32(offset, e.end - start, true)
  e.view.setUint16(offset + 4, e.handles.length - handlesBefore, true)
}

/**
 * Reads the envelope at `offset`: its value (for a known `type`), {@link ABSENT}, or {@link SKIPPED}
 * for an unknown member whose bytes are skipped and whose handles are set aside.
 */
const decodeEnvelope = <A>(
  d: Decoder,
  offset: number,
  depth: number,
  type: WireType<A> | undefined
): A | typeof ABSENT | typeof SKIPPED => {
  const v = d.view
  const numBytes = v.getUint32(offset, true)
  const numHandles = v.getUint16(offset + 4, true)
  const flags = v.getUint16(offset + 6, true)
  if ((flags & ~1) !== 0) reject("InvalidEnvelope", offset + 6, `envelope flags 0x${flags.toString(16)}`)
  if (flags === 0 && numBytes === 0) {
    if (numHandles !== 0) reject("InvalidEnvelope", offset, `absent envelope declares ${numHandles} handles`)
    return ABSENT
  }
  const handlesBefore = d.nextHandle
  let value: A
  if (flags === 1) {
    if (type === undefined) {
      d.skipHandles(numHandles, offset)
      return SKIPPED
    }
    if (type.inlineSize > 4) {
      reject("InvalidEnvelope", offset, `inlined envelope for ${type.description} (${type.inlineSize} bytes)`)
    }
    if (depth + 1 > MAX_DEPTH) reject("DepthExceeded", offset, `envelope at depth ${depth + 1}`)
    value = type.decode(d, offset, depth + 1)
    d.zeros(offset + type.inlineSize, offset + 4, "inlined envelope padding")
  } else {
    if (numBytes % 8 !== 0) reject("InvalidEnvelope", offset, `envelope byte count ${numBytes} is not a multiple of 8`)
    if (type === undefined) {
      d.claim(numBytes, depth + 1, offset)
      d.skipHandles(numHandles, offset)
      return SKIPPED
    }
    if (type.inlineSize <= 4) {
      reject("InvalidEnvelope", offset, `out-of-line envelope for ${type.description}, which must be inlined`)
    }
    const start = d.end
    const at = d.claim(type.inlineSize, depth + 1, offset)
    value = type.decode(d, at, depth + 1)
    if (d.end - start !== numBytes) {
      reject("InvalidEnvelope", offset, `envelope declares ${numBytes} bytes, its content has ${d.end - start}`)
    }
  }
  if (d.nextHandle - handlesBefore !== numHandles) {
    reject(
      "InvalidEnvelope",
      offset,
      `envelope declares ${numHandles} handles, its content has ${d.nextHandle - handlesBefore}`
    )
  }
  return value
}

/** The value of a union: the member's name and its value. */
export interface UnionMember<Tag extends string, A> {
  readonly _tag: Tag
  readonly value: A
}

/** The value of a flexible union holding a member its declaration does not know. */
export interface UnknownMember {
  readonly _tag: "$unknown"
  readonly ordinal: bigint
}

interface UnionCase {
  readonly name: string
  readonly ordinal: bigint
  readonly type: WireType<unknown>
}

/** Any union value: a known member or, for a flexible union, an unknown one. */
export type UnionValueAny = UnionMember<string, unknown> | UnknownMember

/** `union`: a 64-bit ordinal and an envelope. */
export class UnionType extends NullableType<UnionValueAny> {
  readonly kind = "union"
  readonly inlineSize = 16
  readonly alignment = 8
  readonly description: string
  private readonly byName = new Map<string, UnionCase>()
  private readonly byOrdinal = new Map<bigint, UnionCase>()

  constructor(
    members: Readonly<Record<string, readonly [number, WireType<unknown>]>>,
    readonly strict: boolean,
    name?: string
  ) {
    super()
    for (const [memberName, [ordinal, type]] of Object.entries(members)) {
      if (!Number.isInteger(ordinal) || ordinal < 1) {
        throw new Error(`union member ${memberName}: ordinal ${ordinal} must be >= 1`)
      }
      const c = { name: memberName, ordinal: BigInt(ordinal), type }
      if (this.byOrdinal.has(c.ordinal)) throw new Error(`union member ${memberName}: ordinal ${ordinal} used twice`)
      this.byName.set(memberName, c)
      this.byOrdinal.set(c.ordinal, c)
    }
    this.description = name ??
      `${strict ? "strict" : "flexible"} union { ${
        Array.from(this.byName.values()).map((c) => `${c.ordinal}: ${c.name} ${c.type.description}`).join("; ")
      } }`
  }

  encodeOrNull(e: Encoder, offset: number, value: UnionValueAny | null, depth: number): void {
    if (value === null) return
    if (typeof value !== "object") refuse("InvalidValue", `${this.description}: not an object`)
    const c = this.byName.get(value._tag)
    if (c === undefined) refuse("InvalidValue", `${this.description}: no member ${String(value._tag)}`)
    e.view.setBigUint64(offset, c!.ordinal, true)
    encodeEnvelope(e, offset + 8, c!.type, (value as UnionMember<string, unknown>).value, depth)
  }

  decodeOrNull(d: Decoder, offset: number, depth: number, nullable: boolean): UnionValueAny | null {
    const ordinal = d.view.getBigUint64(offset, true)
    if (ordinal === 0n) {
      if (d.view.getUint32(offset + 8, true) !== 0 || d.view.getUint32(offset + 12, true) !== 0) {
        reject("InvalidEnvelope", offset + 8, `${this.description}: ordinal 0 with a present envelope`)
      }
      if (!nullable) reject("UnexpectedNull", offset, `${this.description} is absent`)
      return null
    }
    const c = this.byOrdinal.get(ordinal)
    if (c === undefined && this.strict) reject("UnknownMember", offset, `${this.description}: ordinal ${ordinal}`)
    const value = decodeEnvelope(d, offset + 8, depth, c?.type)
    if (value === ABSENT) {
      reject("InvalidEnvelope", offset + 8, `${this.description}: member ${ordinal} has an absent envelope`)
    }
    if (value === SKIPPED) return { _tag: "$unknown", ordinal }
    return { _tag: c!.name, value }
  }

  arbitrary(options: ArbitraryOptions): FastCheck.Arbitrary<UnionValueAny> {
    const cases = Array.from(this.byName.values()).map((c) =>
      c.type.arbitrary(options).map((value): UnionValueAny => ({ _tag: c.name, value }))
    )
    return FastCheck.oneof(...cases)
  }
}

interface TableField {
  readonly name: string
  readonly ordinal: number
  readonly type: WireType<unknown>
}

/** `table`: a vector of envelopes indexed by field ordinal; absent fields are all-zero envelopes. */
export class TableType<A> extends WireType<A> {
  readonly kind = "table"
  readonly inlineSize = 16
  readonly alignment = 8
  readonly description: string
  private readonly fields: ReadonlyArray<TableField>
  private readonly byOrdinal: ReadonlyArray<TableField | undefined>

  constructor(fields: Readonly<Record<string, readonly [number, WireType<unknown>]>>, name?: string) {
    super()
    const list: Array<TableField> = []
    const byOrdinal: Array<TableField | undefined> = []
    for (const [fieldName, [ordinal, type]] of Object.entries(fields)) {
      if (!Number.isInteger(ordinal) || ordinal < 1 || ordinal > 64) {
        throw new Error(`table field ${fieldName}: ordinal ${ordinal} must be 1..64`)
      }
      if (byOrdinal[ordinal] !== undefined) throw new Error(`table field ${fieldName}: ordinal ${ordinal} used twice`)
      const f = { name: fieldName, ordinal, type }
      list.push(f)
      byOrdinal[ordinal] = f
    }
    list.sort((a, b) => a.ordinal - b.ordinal)
    this.fields = list
    this.byOrdinal = byOrdinal
    this.description = name ??
      `table { ${list.map((f) => `${f.ordinal}: ${f.name} ${f.type.description}`).join("; ")} }`
  }

  encode(e: Encoder, offset: number, value: A, depth: number): void {
    if (typeof value !== "object" || value === null) refuse("InvalidValue", `${this.description}: not an object`)
    const record = value as Record<string, unknown>
    let maxOrdinal = 0
    for (const f of this.fields) if (record[f.name] !== undefined) maxOrdinal = f.ordinal
    writeVectorHeader(e, offset, maxOrdinal)
    if (maxOrdinal === 0) return
    checkDepth(depth + 1, this.description)
    const at = e.alloc(maxOrdinal * 8)
    for (const f of this.fields) {
      const fieldValue = record[f.name]
      if (fieldValue !== undefined) encodeEnvelope(e, at + (f.ordinal - 1) * 8, f.type, fieldValue, depth + 1)
    }
  }

  decode(d: Decoder, offset: number, depth: number): A {
    const count = readVectorHeader(d, offset, this.description, false, undefined)
    const out: Record<string, unknown> = {}
    if (count === 0) return out as A
    if (count * 8 > d.bytes.length) reject("TooShort", offset, `${this.description}: ${count} envelopes cannot fit`)
    const at = d.claim(count * 8, depth + 1, offset)
    for (let i = 0; i < count; i++) {
      const f = this.byOrdinal[i + 1]
      const value = decodeEnvelope(d, at + i * 8, depth + 1, f?.type)
      if (f !== undefined && value !== ABSENT && value !== SKIPPED) out[f.name] = value
    }
    return out as A
  }

  arbitrary(options: ArbitraryOptions): FastCheck.Arbitrary<A> {
    const record: Record<string, FastCheck.Arbitrary<unknown>> = {}
    for (const f of this.fields) record[f.name] = f.type.arbitrary(options)
    return FastCheck.record(record, { requiredKeys: [] }) as FastCheck.Arbitrary<A>
  }
}

/** The empty payload of a method without parameters: no body at all, the header alone. */
export class EmptyType extends WireType<void> {
  readonly kind = "empty"
  readonly inlineSize = 0
  readonly alignment = 1
  readonly description = "(empty)"

  encode(): void {}
  decode(): void {}
  arbitrary(): FastCheck.Arbitrary<void> {
    return FastCheck.constant(undefined)
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/** The largest message a channel carries. */
export const MAX_MESSAGE_BYTES = 65536
/** The most handles a channel message carries. */
export const MAX_MESSAGE_HANDLES = 64

/** Encodes `value` as the primary object at `start` (after whatever `e` already holds). */
export const encodeInto = <A>(e: Encoder, type: WireType<A>, value: A): void => {
  if (type.inlineSize === 0) return
  const at = e.alloc(type.inlineSize)
  type.encode(e, at, value, 0)
}

/** A successful decode: the value and the handles of unknown members, which the caller closes. */
export interface Decoded<A> {
  readonly value: A
  readonly unknownHandles: ReadonlyArray<Handle.Handle>
}

/**
 * Decodes the primary object at `start` and everything after it, checking that every byte and
 * every handle was consumed. Throws {@link Reject}.
 */
export const decodeFrom = <A>(
  type: WireType<A>,
  bytes: Uint8Array,
  handles: ReadonlyArray<HandleInfo>,
  start: number
): Decoded<A> => {
  const d = new Decoder(bytes, handles, start)
  let value: A
  if (type.inlineSize === 0) {
    value = undefined as A
  } else {
    if (start + type.inlineSize > bytes.length) {
      reject(
        "TooShort",
        start,
        `${type.description} needs ${type.inlineSize} bytes, the message has ${bytes.length - start}`
      )
    }
    const at = d.claim(type.inlineSize, 0, start)
    value = type.decode(d, at, 0)
  }
  if (d.end !== bytes.length) reject("TrailingBytes", d.end, `${bytes.length - d.end} bytes after the last object`)
  if (d.nextHandle !== handles.length) {
    reject("ExtraHandles", d.end, `${handles.length - d.nextHandle} of ${handles.length} handles not consumed`)
  }
  return { value, unknownHandles: d.unknownHandles }
}
