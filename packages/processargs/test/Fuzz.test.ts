import { assert, describe, it } from "@effect/vitest"
import { Status } from "@zxsim/kernel/Status"
import * as DecodeError from "@zxsim/processargs/DecodeError"
import * as Message from "@zxsim/processargs/Message"
import * as MessageContents from "@zxsim/processargs/MessageContents"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

const RUNS = 100_000

type Mutation =
  | { readonly kind: "flip"; readonly at: number; readonly bit: number }
  | { readonly kind: "set"; readonly at: number; readonly value: number }
  | { readonly kind: "word"; readonly field: number; readonly value: number }
  | { readonly kind: "truncate"; readonly drop: number }
  | { readonly kind: "extend"; readonly bytes: Uint8Array }
  | { readonly kind: "delete"; readonly at: number }

const u32 = FastCheck.oneof(
  FastCheck.integer({ min: 0, max: 120 }),
  FastCheck.constantFrom(0xffffffff, 0x80000000, 0x7fffffff, 65536, 65535),
  FastCheck.nat({ max: 0xffffffff })
)

const mutation: FastCheck.Arbitrary<Mutation> = FastCheck.oneof(
  FastCheck.record({
    kind: FastCheck.constant("flip" as const),
    at: FastCheck.nat(),
    bit: FastCheck.integer({ min: 0, max: 7 })
  }),
  FastCheck.record({
    kind: FastCheck.constant("set" as const),
    at: FastCheck.nat(),
    value: FastCheck.constantFrom(0, 0xff, 0x24, 1)
  }),
  FastCheck.record({
    kind: FastCheck.constant("word" as const),
    field: FastCheck.integer({ min: 0, max: 8 }),
    value: u32
  }),
  FastCheck.record({ kind: FastCheck.constant("truncate" as const), drop: FastCheck.integer({ min: 1, max: 12 }) }),
  FastCheck.record({
    kind: FastCheck.constant("extend" as const),
    bytes: FastCheck.uint8Array({ minLength: 1, maxLength: 8 })
  }),
  FastCheck.record({ kind: FastCheck.constant("delete" as const), at: FastCheck.nat() })
)

const apply = (input: Uint8Array, m: Mutation): Uint8Array => {
  const bytes = input.slice()
  switch (m.kind) {
    case "flip":
      if (bytes.length > 0) bytes[m.at % bytes.length] ^= 1 << m.bit
      return bytes
    case "set":
      if (bytes.length > 0) bytes[m.at % bytes.length] = m.value
      return bytes
    case "word":
      if (bytes.length >= 36) new DataView(bytes.buffer).setUint32(4 * m.field, m.value, true)
      return bytes
    case "truncate":
      return bytes.slice(0, Math.max(0, bytes.length - m.drop))
    case "extend": {
      const out = new Uint8Array(bytes.length + m.bytes.length)
      out.set(bytes)
      out.set(m.bytes, bytes.length)
      return out
    }
    case "delete": {
      if (bytes.length === 0) return bytes
      const at = m.at % bytes.length
      return new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + 1)])
    }
  }
}

interface Case {
  readonly bytes: Uint8Array
  readonly handleCount: number
}

const handleCountNear = (n: number) =>
  FastCheck.oneof(
    { arbitrary: FastCheck.constant(n), weight: 6 },
    { arbitrary: FastCheck.integer({ min: Math.max(0, n - 2), max: n + 2 }), weight: 3 },
    { arbitrary: FastCheck.oneof(FastCheck.integer({ min: -2, max: 70 }), FastCheck.double()), weight: 1 }
  )

// Valid messages with a few mutations each, and the received handle count near the true one.
const mutated: FastCheck.Arbitrary<Case> = MessageContents.arbitraryData({
  maxStrings: 5,
  maxStringLength: 12,
  maxHandles: 8
})
  .chain((d) =>
    FastCheck.record({
      mutations: FastCheck.array(mutation, { minLength: 1, maxLength: 3 }),
      handleCount: handleCountNear(d.handleInfos.length)
    }).map(({ handleCount, mutations }) => ({
      bytes: mutations.reduce(apply, Either.getOrThrow(Message.encode(d))),
      handleCount
    }))
  )

// A valid protocol and version, then anything.
const header = new Uint8Array([0x5d, 0x58, 0x50, 0x41, 0x00, 0x10, 0x00, 0x00])
const random: FastCheck.Arbitrary<Case> = FastCheck.record({
  prefix: FastCheck.oneof({ arbitrary: FastCheck.constant(true), weight: 3 }, {
    arbitrary: FastCheck.constant(false),
    weight: 1
  }),
  tail: FastCheck.uint8Array({ maxLength: 96 }),
  handleCount: FastCheck.oneof(FastCheck.integer({ min: 0, max: 4 }), FastCheck.integer({ min: -1, max: 65 }))
}).map(({ handleCount, prefix, tail }) => ({
  bytes: prefix ? new Uint8Array([...header, ...tail]) : tail,
  handleCount
}))

const isDecodeErrorValue = Schema.is(DecodeError.DecodeError)

describe("Message.parse fuzz", () => {
  const outcomes = new Map<string, number>()

  it.prop(
    "random and mutated buffers end in a message or a typed DecodeError, never a throw",
    { c: FastCheck.oneof({ arbitrary: mutated, weight: 3 }, { arbitrary: random, weight: 1 }) },
    ({ c }) => {
      const result = Message.parse(c.bytes, c.handleCount)
      if (Either.isLeft(result)) {
        const error = result.left
        outcomes.set(error._tag, (outcomes.get(error._tag) ?? 0) + 1)
        return DecodeError.isDecodeError(error) && isDecodeErrorValue(error) && typeof error.message === "string" &&
          error.message.length > 0 && error.asZxStatus() === Status.INVALID_ARGS
      }
      outcomes.set("ok", (outcomes.get("ok") ?? 0) + 1)
      // A message that parses is canonical: encoding what it says gives back exactly its bytes.
      const again = Message.encode(result.right)
      return result.right.handleInfos.length === c.handleCount && Either.isRight(again) &&
        again.right.length === c.bytes.length && again.right.every((b, i) => b === c.bytes[i])
    },
    { fastCheck: { numRuns: RUNS } }
  )

  it("the fuzz reached successes and every kind of malformed input", () => {
    const total = [...outcomes.values()].reduce((a, b) => a + b, 0)
    assert.isAtLeast(total, RUNS)
    assert.isAtLeast(outcomes.get("ok") ?? 0, 100)
    const expected: ReadonlyArray<DecodeError.DecodeError["_tag"]> = [
      "TruncatedHeader",
      "BadProtocol",
      "BadVersion",
      "HandleCountOutOfRange",
      "OffsetOutOfBounds",
      "MisalignedHandleInfo",
      "HandleInfoOutOfBounds",
      "HandleCountMismatch",
      "NonCanonicalLayout",
      "CountOutOfBounds",
      "MissingNul",
      "TrailingBytes",
      "BadHandleInfo"
    ]
    for (const tag of expected) {
      assert.isAtLeast(outcomes.get(tag) ?? 0, 1, `${tag} never seen: ${JSON.stringify([...outcomes])}`)
    }
  })
})
