/**
 * C strings: the byte strings a processargs message carries as arguments, environment variables
 * and namespace paths. On the wire each is its bytes followed by one NUL, so a string with a NUL
 * inside cannot be represented; this type refuses one with a typed error instead of truncating it.
 *
 * A `CString` is a `Uint8Array` without the terminating NUL (like Rust's `CString::as_bytes`),
 * branded so that only checked values reach the encoder. Any bytes but 0 are allowed, so a message
 * from a guest decodes losslessly even when it is not UTF-8; {@link fromString} and
 * {@link toString} convert from and to text as UTF-8. Treat the bytes as immutable: the encoder
 * trusts the brand.
 *
 * @since 0.1.0
 */
import type * as Brand from "effect/Brand"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * The brand of {@link CString}.
 *
 * @since 0.1.0
 * @category utils
 */
export const BrandId = "@zxsim/processargs/CString"

/**
 * Bytes with no NUL among them: the content of a C string, without its terminator.
 *
 * @since 0.1.0
 * @category models
 */
export type CString = Uint8Array & Brand.Brand<typeof BrandId>

const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: false })

/**
 * Whether two C strings hold the same bytes.
 *
 * @since 0.1.0
 * @category utils
 */
export const equals = (self: Uint8Array, that: Uint8Array): boolean => {
  if (self.length !== that.length) return false
  for (let i = 0; i < self.length; i++) if (self[i] !== that[i]) return false
  return true
}

/**
 * The schema of {@link CString}: a `Uint8Array` with no zero byte. Its arbitrary draws short runs of
 * non-zero bytes, printable ASCII more often than not.
 *
 * @since 0.1.0
 * @category utils
 */
export const CString: Schema.brand<Schema.filter<typeof Schema.Uint8ArrayFromSelf>, typeof BrandId> = Schema
  .Uint8ArrayFromSelf.pipe(
    Schema.filter((bytes) => bytes.indexOf(0) === -1 || `contains a NUL at byte ${bytes.indexOf(0)}`),
    Schema.brand(BrandId)
  ).annotations({
    identifier: "CString",
    arbitrary: () => (fc) =>
      fc.oneof(
        fc.stringMatching(/^[ -~]{0,24}$/).map((s) => encoder.encode(s) as CString),
        fc.uint8Array({ min: 1, max: 255, maxLength: 24 }).map((b) => b as CString)
      ),
    pretty: () => (bytes) => `CString(${JSON.stringify(decoder.decode(bytes))})`,
    equivalence: () => equals
  })

/**
 * A string or byte array holds a NUL before its end, which a C string cannot carry.
 *
 * @since 0.1.0
 * @category errors
 */
export class InteriorNul extends Schema.TaggedError<InteriorNul>("@zxsim/processargs/InteriorNul")("InteriorNul", {
  /** Byte offset of the first NUL. */
  position: Schema.Number,
  /** The input as text (UTF-8, lossy for non-text bytes), for the message. */
  text: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `String ${JSON.stringify(this.text)} contains a NUL at byte ${this.position}; C strings cannot`
  }
}

/**
 * Whether the bytes can form a C string (no NUL among them).
 *
 * @since 0.1.0
 * @category guards
 */
export const isValid = (bytes: Uint8Array): boolean => bytes.indexOf(0) === -1

/**
 * A C string holding a copy of `bytes`, or `InteriorNul` when one of them is 0.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromBytes = (bytes: Uint8Array): Either.Either<CString, InteriorNul> => {
  const nul = bytes.indexOf(0)
  if (nul !== -1) return Either.left(new InteriorNul({ position: nul, text: decoder.decode(bytes) }))
  return Either.right(bytes.slice() as CString)
}

/**
 * The UTF-8 encoding of `text` as a C string, or `InteriorNul` when the text holds U+0000.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromString = (text: string): Either.Either<CString, InteriorNul> => {
  const bytes = encoder.encode(text)
  const nul = bytes.indexOf(0)
  if (nul !== -1) return Either.left(new InteriorNul({ position: nul, text }))
  return Either.right(bytes as CString)
}

/**
 * {@link fromString} for text known to hold no NUL; throws `InteriorNul` otherwise.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unsafeFromString = (text: string): CString => Either.getOrThrowWith(fromString(text), (error) => error)

/**
 * The C string as text, decoding UTF-8 (invalid sequences become U+FFFD).
 *
 * @since 0.1.0
 * @category utils
 */
export const toString = (self: CString): string => decoder.decode(self)

/**
 * A C string from text: decodes a string by UTF-8 encoding it (failing on U+0000), encodes back by
 * UTF-8 decoding. Useful for configuration and command lines, where arguments arrive as text.
 *
 * @since 0.1.0
 * @category utils
 */
export const CStringFromString: Schema.Schema<CString, string> = Schema.transformOrFail(Schema.String, CString, {
  strict: true,
  decode: (text, _, ast) =>
    Either.match(fromString(text), {
      onLeft: (error) => ParseResult.fail(new ParseResult.Type(ast, text, error.message)),
      onRight: (bytes) => ParseResult.succeed(bytes)
    }),
  encode: (bytes) => ParseResult.succeed(decoder.decode(bytes))
})
