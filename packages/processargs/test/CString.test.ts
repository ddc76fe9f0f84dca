import { assert, describe, it } from "@effect/vitest"
import * as CString from "@zxsim/processargs/CString"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

describe("CString", () => {
  it("refuses an interior NUL with a typed error, never truncating", () => {
    const text = CString.fromString("abc\u0000def")
    assert.isTrue(Either.isLeft(text))
    if (Either.isLeft(text)) {
      assert.strictEqual(text.left._tag, "InteriorNul")
      assert.strictEqual(text.left.position, 3)
      assert.include(text.left.message, "NUL at byte 3")
    }
    const bytes = CString.fromBytes(new Uint8Array([0x61, 0, 0x62]))
    assert.isTrue(Either.isLeft(bytes) && bytes.left.position === 1)
    const trailing = CString.fromBytes(new Uint8Array([0x61, 0]))
    assert.isTrue(Either.isLeft(trailing) && trailing.left.position === 1)
    assert.throws(() => CString.unsafeFromString("\u0000"))
    assert.isFalse(Schema.is(CString.CString)(new Uint8Array([1, 0, 2])))
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(CString.CStringFromString)("a\u0000")))
  })

  it("holds any non-zero bytes and converts text as UTF-8", () => {
    const utf8 = Either.getOrThrow(CString.fromString("héllo ✓"))
    assert.deepStrictEqual(Array.from(utf8), Array.from(new TextEncoder().encode("héllo ✓")))
    assert.strictEqual(CString.toString(utf8), "héllo ✓")
    const raw = Either.getOrThrow(CString.fromBytes(new Uint8Array([0xff, 0xfe, 0x01])))
    assert.deepStrictEqual(Array.from(raw), [0xff, 0xfe, 0x01])
    assert.strictEqual(CString.toString(Either.getOrThrow(CString.fromString(""))), "")
    assert.isTrue(Schema.is(CString.CString)(raw))
    assert.isTrue(CString.equals(raw, Either.getOrThrow(CString.fromBytes(new Uint8Array([0xff, 0xfe, 0x01])))))
    assert.isFalse(CString.equals(raw, utf8))
  })

  it("copies the bytes it is made from", () => {
    const source = new Uint8Array([0x61, 0x62])
    const c = Either.getOrThrow(CString.fromBytes(source))
    source[0] = 0
    assert.deepStrictEqual(Array.from(c), [0x61, 0x62])
  })

  it.prop("text without NUL round-trips through UTF-8", [FastCheck.string({ unit: "grapheme" })], ([text]) => {
    const clean = text.replaceAll("\u0000", "")
    return CString.toString(CString.unsafeFromString(clean)) === clean
  }, { fastCheck: { numRuns: 10_000 } })

  it.prop("the schema's arbitrary never draws a NUL", { c: CString.CString }, ({ c }) => c.indexOf(0) === -1, {
    fastCheck: { numRuns: 10_000 }
  })

  it("the arbitrary is derivable", () => {
    const samples = FastCheck.sample(Arbitrary.make(CString.CString), 50)
    assert.strictEqual(samples.length, 50)
  })
})
