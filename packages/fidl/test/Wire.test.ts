import { assert, describe, it } from "@effect/vitest"
import type { DecodeReason } from "@zxsim/fidl/FidlError"
import * as Wire from "@zxsim/fidl/Wire"
import * as Rights from "@zxsim/kernel/Rights"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { hex, makeFileKernel, makeHandlePool, toHex } from "./utils/kernel.js"

const fk = makeFileKernel()
const pool = makeHandlePool(fk)
const vmo = pool.vmos[0]
const channel = pool.channels[0]

const encodeHex = <A>(type: Wire.Type<A>, value: A): string => toHex(Either.getOrThrow(Wire.encode(type, value)).bytes)

const rejects = <A>(
  type: Wire.Type<A>,
  bytes: Uint8Array,
  reason: DecodeReason,
  handles: ReadonlyArray<Wire.HandleInfo> = []
) => {
  const result = Wire.decode(type, bytes, handles)
  assert.isTrue(
    Either.isLeft(result),
    `expected ${reason}, decoded ${
      String(Either.isRight(result) && JSON.stringify(result.right, (_, v) => typeof v === "bigint" ? v.toString() : v))
    }`
  )
  if (Either.isLeft(result)) assert.strictEqual(result.left.reason, reason, result.left.message)
}

const Padded = Wire.struct({ a: Wire.uint8, b: Wire.uint32, c: Wire.uint16 })
const Small = Wire.union({ a: [1, Wire.uint32], s: [2, Wire.string()], h: [3, Wire.handle("VMO")], b: [4, Wire.uint8] })
const Flexible = Wire.flexibleUnion({ a: [1, Wire.uint32] })
const Table = Wire.table({ a: [1, Wire.uint32], b: [3, Wire.uint64] })
const Point = Wire.struct({ x: Wire.uint16 })
const Color = Wire.enumOf(Wire.uint8, { RED: 1, GREEN: 2 })
const Mode = Wire.bits(Wire.uint32, { READ: 1, WRITE: 2, EXEC: 4 })

describe("Wire layout (hand-derived bytes)", () => {
  it("struct fields sit at natural alignment with zero padding", () => {
    assert.strictEqual(Padded.inlineSize, 12)
    assert.strictEqual(Padded.alignment, 4)
    assert.strictEqual(encodeHex(Padded, { a: 1, b: 2, c: 3 }), "01 00 00 00 02 00 00 00 03 00 00 00 00 00 00 00")
  })

  it("the empty struct is one zero byte", () => {
    const Empty = Wire.struct({})
    assert.strictEqual(Empty.inlineSize, 1)
    assert.strictEqual(encodeHex(Empty, {}), "00 00 00 00 00 00 00 00")
    rejects(Empty, hex("01 00 00 00 00 00 00 00"), "NonZeroPadding")
  })

  it("integers are little-endian; 64-bit ones are bigints", () => {
    const S = Wire.struct({ a: Wire.int8, b: Wire.int16, c: Wire.int32, d: Wire.int64, e: Wire.uint64 })
    const bytes = encodeHex(S, { a: -1, b: -2, c: -3, d: -4n, e: 2n ** 64n - 1n })
    assert.strictEqual(bytes, "ff 00 fe ff fd ff ff ff fc ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff")
  })

  it("a union member that fits in 4 bytes is inlined in the envelope", () => {
    assert.strictEqual(encodeHex(Small, { _tag: "a", value: 5 }), "01 00 00 00 00 00 00 00 05 00 00 00 00 00 01 00")
    assert.strictEqual(encodeHex(Small, { _tag: "b", value: 7 }), "04 00 00 00 00 00 00 00 07 00 00 00 00 00 01 00")
  })

  it("a larger union member goes out of line, with its byte count in the envelope", () => {
    assert.strictEqual(
      encodeHex(Small, { _tag: "s", value: "hi" }),
      "02 00 00 00 00 00 00 00 18 00 00 00 00 00 00 00 " +
        "02 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff " +
        "68 69 00 00 00 00 00 00"
    )
  })

  it("a handle in an envelope is counted in the envelope", () => {
    const encoded = Either.getOrThrow(Wire.encode(Small, { _tag: "h", value: vmo }))
    assert.strictEqual(toHex(encoded.bytes), "03 00 00 00 00 00 00 00 ff ff ff ff 01 00 01 00")
    assert.deepStrictEqual(encoded.handles, [vmo])
  })

  it("a table is a vector of envelopes up to its highest present field", () => {
    assert.strictEqual(encodeHex(Table, {}), "00 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff")
    assert.strictEqual(
      encodeHex(Table, { a: 1 }),
      "01 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff 01 00 00 00 00 00 01 00"
    )
    assert.strictEqual(
      encodeHex(Table, { b: 7n }),
      "03 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff " +
        "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 08 00 00 00 00 00 00 00 " +
        "07 00 00 00 00 00 00 00"
    )
  })

  it("a box is a presence marker with the struct out of line", () => {
    const Boxed = Wire.optional(Point)
    assert.strictEqual(encodeHex(Boxed, Option.some({ x: 42 })), "ff ff ff ff ff ff ff ff 2a 00 00 00 00 00 00 00")
    assert.strictEqual(encodeHex(Boxed, Option.none()), "00 00 00 00 00 00 00 00")
  })

  it("absent optional strings, vectors and handles are zeros", () => {
    const S = Wire.struct({
      s: Wire.optional(Wire.string()),
      v: Wire.optional(Wire.vector(Wire.uint8)),
      h: Wire.optional(Wire.handle())
    })
    assert.strictEqual(
      encodeHex(S, { s: Option.none(), v: Option.none(), h: Option.none() }),
      "00 ".repeat(40).trim()
    )
    assert.strictEqual(
      encodeHex(S, { s: Option.some(""), v: Option.some([]), h: Option.none() }).slice(0, 47),
      "00 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff"
    )
  })

  it("arrays are in-line", () => {
    const S = Wire.struct({ a: Wire.array(Wire.uint16, 3), b: Wire.uint16 })
    assert.strictEqual(S.inlineSize, 8)
    assert.strictEqual(encodeHex(S, { a: [1, 2, 3], b: 4 }), "01 00 02 00 03 00 04 00")
  })
})

describe("Wire decoder obligations", () => {
  const Str = Wire.struct({ s: Wire.string(4) })
  const good = hex("02 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff 68 69 00 00 00 00 00 00")

  it("accepts the well-formed message", () => {
    assert.deepStrictEqual(Either.getOrThrow(Wire.decode(Str, good)), { s: "hi" })
  })

  it("TooShort: out-of-line object past the end", () => rejects(Str, good.subarray(0, 16), "TooShort"))
  it("TooShort: primary object past the end", () => rejects(Str, good.subarray(0, 8), "TooShort"))
  it("TrailingBytes: bytes after the last object", () =>
    rejects(Str, new Uint8Array([...good, 0, 0, 0, 0, 0, 0, 0, 0]), "TrailingBytes"))

  it("NonZeroPadding: after an out-of-line object, inside a struct, in an inlined envelope", () => {
    const bad = good.slice()
    bad[23] = 1
    rejects(Str, bad, "NonZeroPadding")
    rejects(Padded, hex("01 01 00 00 02 00 00 00 03 00 00 00 00 00 00 00"), "NonZeroPadding")
    rejects(Padded, hex("01 00 00 00 02 00 00 00 03 00 00 00 00 00 00 01"), "NonZeroPadding")
    rejects(Small, hex("04 00 00 00 00 00 00 00 07 00 01 00 00 00 01 00"), "NonZeroPadding")
  })

  it("InvalidPresence: a marker that is neither 0 nor all ones", () => {
    const bad = good.slice()
    bad[9] = 0xfe
    rejects(Str, bad, "InvalidPresence")
    const H = Wire.struct({ h: Wire.handle() })
    rejects(H, hex("01 00 00 00 00 00 00 00"), "InvalidPresence", pool.infosOf([vmo]))
  })

  it("UnexpectedNull: absent required string, handle and union", () => {
    rejects(Str, hex("00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"), "UnexpectedNull")
    rejects(Wire.struct({ h: Wire.handle() }), hex("00 00 00 00 00 00 00 00"), "UnexpectedNull")
    rejects(Small, hex("00".repeat(16)), "UnexpectedNull")
  })

  it("InvalidBool", () => rejects(Wire.struct({ b: Wire.bool }), hex("02 00 00 00 00 00 00 00"), "InvalidBool"))

  it("InvalidCount: a count of 2^32 or more, an absent vector with a count", () => {
    const bad = good.slice()
    bad[4] = 1
    rejects(Str, bad, "InvalidCount")
    rejects(
      Wire.struct({ v: Wire.optional(Wire.vector(Wire.uint8)) }),
      hex("03 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"),
      "InvalidCount"
    )
  })

  it("TooLong: over the declared bound", () =>
    rejects(Str, hex("05 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff 68 69 68 69 68 00 00 00"), "TooLong"))

  it("InvalidUtf8: bad bytes, an overlong form, a surrogate", () => {
    rejects(Str, hex("02 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff ff fe 00 00 00 00 00 00"), "InvalidUtf8")
    rejects(Str, hex("02 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff c0 af 00 00 00 00 00 00"), "InvalidUtf8")
    rejects(Str, hex("03 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff ed a0 80 00 00 00 00 00"), "InvalidUtf8")
  })

  it("keeps a leading byte-order mark", () => {
    const bom = Either.getOrThrow(
      Wire.decode(Str, hex("03 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff ef bb bf 00 00 00 00 00"))
    )
    assert.strictEqual(bom.s, "\uFEFF")
  })

  it("MissingHandles and ExtraHandles", () => {
    const H = Wire.struct({ h: Wire.handle() })
    rejects(H, hex("ff ff ff ff 00 00 00 00"), "MissingHandles")
    rejects(H, hex("ff ff ff ff 00 00 00 00"), "ExtraHandles", pool.infosOf([vmo, channel]))
  })

  it("WrongHandleType and MissingRights", () => {
    const V = Wire.struct({ h: Wire.handle("VMO") })
    rejects(V, hex("ff ff ff ff 00 00 00 00"), "WrongHandleType", pool.infosOf([channel]))
    const X = Wire.struct({ h: Wire.handle("VMO", { rights: Rights.Rights.EXECUTE }) })
    rejects(X, hex("ff ff ff ff 00 00 00 00"), "MissingRights", pool.infosOf([vmo]))
    assert.isTrue(Either.isRight(Wire.decode(V, hex("ff ff ff ff 00 00 00 00"), pool.infosOf([vmo]))))
  })

  it("DepthExceeded: 32 out-of-line levels pass, 33 do not, both ways", () => {
    const nest = (levels: number): Wire.Type<unknown> => {
      let t: Wire.Type<unknown> = Wire.bytes()
      for (let i = 1; i < levels; i++) t = Wire.vector(t)
      return t
    }
    const value = (levels: number): unknown => {
      let v: unknown = new Uint8Array([9])
      for (let i = 1; i < levels; i++) v = [v]
      return v
    }
    const message = (levels: number) =>
      hex("01 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff ".repeat(levels) + "09 00 00 00 00 00 00 00")
    const ok = Either.getOrThrow(Wire.encode(nest(32), value(32)))
    assert.deepStrictEqual(ok.bytes, message(32))
    assert.deepStrictEqual(Either.getOrThrow(Wire.decode(nest(32), message(32))), value(32))
    const tooDeep = Wire.encode(nest(33), value(33))
    assert.isTrue(Either.isLeft(tooDeep) && tooDeep.left.reason === "DepthExceeded")
    rejects(nest(33), message(33), "DepthExceeded")
  })

  it("InvalidEnvelope: flags, inlining, byte and handle counts, absent member", () => {
    rejects(Small, hex("01 00 00 00 00 00 00 00 05 00 00 00 00 00 03 00"), "InvalidEnvelope")
    // An out-of-line envelope for a 4-byte member.
    rejects(Small, hex("01 00 00 00 00 00 00 00 08 00 00 00 00 00 00 00 05 00 00 00 00 00 00 00"), "InvalidEnvelope")
    // The string member claims 16 bytes but uses 24.
    rejects(
      Small,
      hex(
        "02 00 00 00 00 00 00 00 10 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff 68 69 00 00 00 00 00 00"
      ),
      "InvalidEnvelope"
    )
    // Handle count 0 for a handle member.
    rejects(Small, hex("03 00 00 00 00 00 00 00 ff ff ff ff 00 00 01 00"), "InvalidEnvelope", pool.infosOf([vmo]))
    // A known ordinal with an absent envelope.
    rejects(Small, hex("01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"), "InvalidEnvelope")
    // Ordinal 0 (absent) with a present envelope.
    rejects(Wire.optional(Small), hex("00 00 00 00 00 00 00 00 05 00 00 00 00 00 01 00"), "InvalidEnvelope")
    // An inlined envelope for a 16-byte member.
    rejects(Small, hex("02 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00"), "InvalidEnvelope")
  })

  it("UnknownMember for strict unions; flexible ones keep the ordinal and set the handles aside", () => {
    rejects(Small, hex("09 00 00 00 00 00 00 00 05 00 00 00 00 00 01 00"), "UnknownMember")
    const decoded = Either.getOrThrow(
      Wire.decodeDetailed(Flexible, hex("09 00 00 00 00 00 00 00 ff ff ff ff 01 00 01 00"), pool.infosOf([vmo]))
    )
    assert.deepStrictEqual(decoded.value, { _tag: "$unknown", ordinal: 9n })
    assert.deepStrictEqual(decoded.unknownHandles, [vmo])
    const outOfLine = Either.getOrThrow(
      Wire.decode(Flexible, hex("07 00 00 00 00 00 00 00 08 00 00 00 00 00 00 00 ab cd 00 00 00 00 00 01"))
    )
    assert.deepStrictEqual(outOfLine, { _tag: "$unknown", ordinal: 7n })
  })

  it("tables skip unknown fields", () => {
    const bytes = hex("02 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff 01 00 00 00 00 00 01 00 02 00 00 00 00 00 01 00")
    assert.deepStrictEqual(Either.getOrThrow(Wire.decode(Table, bytes)), { a: 1 })
  })

  it("UnknownValue for strict enums and bits", () => {
    rejects(Wire.struct({ c: Color }), hex("03 00 00 00 00 00 00 00"), "UnknownValue")
    rejects(Wire.struct({ m: Mode }), hex("08 00 00 00 00 00 00 00"), "UnknownValue")
    const Loose = Wire.enumOf(Wire.uint8, { RED: 1 }, { strict: false })
    assert.deepStrictEqual(Either.getOrThrow(Wire.decode(Wire.struct({ c: Loose }), hex("03 00 00 00 00 00 00 00"))), {
      c: 3
    })
  })
})

describe("Wire encoder refusals", () => {
  const refuses = <A>(type: Wire.Type<A>, value: A, reason: string) => {
    const result = Wire.encode(type, value)
    assert.isTrue(
      Either.isLeft(result) && result.left.reason === reason,
      Either.isLeft(result) ? result.left.message : "encoded"
    )
  }
  it("out-of-range integers, over-long strings, unpaired surrogates, the invalid handle", () => {
    refuses(Wire.struct({ a: Wire.uint8 }), { a: 256 }, "InvalidValue")
    refuses(Wire.struct({ a: Wire.int32 }), { a: 1.5 }, "InvalidValue")
    refuses(Wire.struct({ a: Wire.uint64 }), { a: -1n }, "InvalidValue")
    refuses(Wire.struct({ s: Wire.string(3) }), { s: "héé" }, "TooLong")
    refuses(Wire.struct({ s: Wire.string() }), { s: "a\uD800b" }, "InvalidValue")
    refuses(Wire.struct({ v: Wire.vector(Wire.uint8, 1) }), { v: [1, 2] }, "TooLong")
    refuses(Wire.struct({ a: Wire.array(Wire.uint8, 2) }), { a: [1] }, "InvalidValue")
    refuses(Wire.struct({ c: Color }), { c: 9 }, "InvalidValue")
  })
})

const Everything = Wire.struct({
  flag: Wire.bool,
  i8: Wire.int8,
  u8: Wire.uint8,
  i16: Wire.int16,
  u16: Wire.uint16,
  i32: Wire.int32,
  u32: Wire.uint32,
  i64: Wire.int64,
  u64: Wire.uint64,
  f32: Wire.float32,
  f64: Wire.float64,
  color: Color,
  mode: Mode,
  name: Wire.string(8),
  maybeName: Wire.optional(Wire.string()),
  blob: Wire.bytes(32),
  maybeBlob: Wire.optional(Wire.bytes()),
  points: Wire.vector(Point, 4),
  maybePoints: Wire.optional(Wire.vector(Wire.optional(Point))),
  grid: Wire.array(Wire.array(Wire.int16, 3), 2),
  vmo: Wire.handle("VMO"),
  any: Wire.optional(Wire.handle()),
  handles: Wire.vector(Wire.handle(), 3),
  choice: Small,
  maybeChoice: Wire.optional(Small),
  flexible: Flexible,
  table: Wire.table({
    a: [1, Wire.uint32],
    s: [2, Wire.string()],
    nested: [4, Wire.table({ x: [1, Wire.int8], v: [2, Wire.vector(Wire.string(3))] })],
    h: [5, Wire.handle("CHANNEL")],
    u: [7, Small]
  }),
  result: Wire.result(Wire.struct({ n: Wire.uint64 }), Wire.status),
  box: Wire.optional(Wire.struct({ inner: Wire.optional(Wire.struct({ deep: Wire.string() })) })),
  empty: Wire.struct({})
})

describe("Wire round trips", () => {
  it.prop(
    "every kind of type: decode(encode(v)) = v, and the bytes are 8-aligned",
    [Wire.arbitrary(Everything, { handle: pool.source })],
    ([value]) => {
      const encoded = Either.getOrThrow(Wire.encode(Everything, value))
      assert.strictEqual(encoded.bytes.length % 8, 0)
      const decoded = Either.getOrThrow(Wire.decode(Everything, encoded.bytes, pool.infosOf(encoded.handles)))
      assert.deepStrictEqual(decoded, value)
    },
    { fastCheck: { numRuns: 10_000 } }
  )

  it.prop(
    "a value fails to decode as soon as any single byte is cut off",
    [Wire.arbitrary(Everything, { handle: pool.source })],
    ([value]) => {
      const encoded = Either.getOrThrow(Wire.encode(Everything, value))
      const cut = Wire.decode(
        Everything,
        encoded.bytes.subarray(0, encoded.bytes.length - 1),
        pool.infosOf(encoded.handles)
      )
      assert.isTrue(Either.isLeft(cut))
    },
    { fastCheck: { numRuns: 1_000 } }
  )
})
