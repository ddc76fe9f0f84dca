import { assert, describe, it } from "@effect/vitest"
import * as GuestRun from "@zxsim/pool/GuestRun"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

/**
 * Encodes `value`, sends the encoded form through `transport` (JSON text, or a structured clone
 * as between threads), decodes it, and checks the decoded value encodes to the same thing.
 */
const roundTrips = <A, I>(schema: Schema.Schema<A, I>, value: A, transport: (encoded: I) => unknown): void => {
  const encoded = Schema.encodeSync(schema)(value)
  const decoded = Schema.decodeUnknownSync(schema)(transport(encoded))
  assert.deepStrictEqual(Schema.encodeSync(schema)(decoded), encoded)
}

const viaJson = (encoded: unknown) => JSON.parse(JSON.stringify(encoded))

describe("GuestRun schemas", () => {
  it.prop("a request round-trips through JSON", [Arbitrary.make(GuestRun.RunGuest)], ([request]) => {
    roundTrips(GuestRun.RunGuest, request, viaJson)
  }, { fastCheck: { numRuns: 200 } })

  it.prop("a request round-trips through a structured clone", [Arbitrary.make(GuestRun.RunGuest)], ([request]) => {
    roundTrips(GuestRun.RunGuest, request, structuredClone)
  }, { fastCheck: { numRuns: 100 } })

  it.prop("a result round-trips through JSON", [Arbitrary.make(GuestRun.RunResult)], ([result]) => {
    roundTrips(GuestRun.RunResult, result, viaJson)
  }, { fastCheck: { numRuns: 200 } })

  it.prop("a result round-trips through a structured clone", [Arbitrary.make(GuestRun.RunResult)], ([result]) => {
    roundTrips(GuestRun.RunResult, result, structuredClone)
  }, { fastCheck: { numRuns: 100 } })

  it.prop("a failure round-trips through JSON", [Arbitrary.make(GuestRun.RunFailed)], ([failure]) => {
    roundTrips(GuestRun.RunFailed, failure, viaJson)
  }, { fastCheck: { numRuns: 50 } })

  it.prop("anything else is refused with a parse error, never a throw", [FastCheck.anything()], ([junk]) => {
    const request = Schema.decodeUnknownEither(GuestRun.RunGuest)(junk)
    const result = Schema.decodeUnknownEither(GuestRun.RunResult)(junk)
    assert.isTrue(Either.isLeft(request) && Either.isLeft(result))
  }, { fastCheck: { numRuns: 200 } })

  it("a request's defaults: no arguments, no environment, no stdin, the JIT, a one-minute deadline", () => {
    const request = GuestRun.named("hello")
    assert.deepStrictEqual(request.args, [])
    assert.deepStrictEqual(request.env, [])
    assert.strictEqual(request.stdin, undefined)
    assert.strictEqual(request.cpu, "jit")
    assert.strictEqual(request.limits.deadlineMillis, GuestRun.DEFAULT_DEADLINE_MILLIS)
    assert.strictEqual(request.limits.instructions, undefined)
    const decoded = Schema.decodeUnknownSync(GuestRun.RunGuest)({
      _tag: "RunGuest",
      program: { _tag: "NamedProgram", name: "hello" }
    })
    assert.deepStrictEqual(Schema.encodeSync(GuestRun.RunGuest)(decoded), Schema.encodeSync(GuestRun.RunGuest)(request))
  })

  it("a mount is read-write unless it says otherwise, and its guest path must be absolute and plain", () => {
    const decode = Schema.decodeUnknownEither(GuestRun.RunGuest)
    const request = (mounts: unknown) => ({
      _tag: "RunGuest",
      program: { _tag: "NamedProgram", name: "files" },
      mounts
    })
    const decoded = Schema.decodeUnknownSync(GuestRun.RunGuest)(request([{ hostPath: "/tmp/a", guestPath: "/data" }]))
    assert.deepStrictEqual(decoded.mounts, [
      GuestRun.Mount.make({ hostPath: "/tmp/a", guestPath: "/data", readOnly: false })
    ])
    assert.deepStrictEqual(GuestRun.named("hello").mounts, [])
    for (const guestPath of ["data", "/", "/a//b", "/a/../b", "/./a", "/a/", "/a\0b"]) {
      assert.isTrue(Either.isLeft(decode(request([{ hostPath: "/tmp/a", guestPath }]))), guestPath)
    }
    assert.isTrue(Either.isLeft(decode(request([{ hostPath: "", guestPath: "/data" }]))))
    assert.isTrue(Either.isLeft(decode(request([{ hostPath: "/tmp/a", guestPath: "/data", readOnly: "yes" }]))))
  })

  it.prop(
    "a request's mounts round-trip through JSON",
    [FastCheck.array(Arbitrary.make(GuestRun.Mount), { minLength: 1, maxLength: 4 })],
    ([mounts]) => {
      roundTrips(GuestRun.RunGuest, GuestRun.named("files", { mounts }), viaJson)
    },
    { fastCheck: { numRuns: 100 } }
  )

  it.prop(
    "a request id round-trips in a request, a result and a failure, through JSON and a structured clone",
    [
      Arbitrary.make(GuestRun.RequestId),
      Arbitrary.make(GuestRun.RunGuest),
      Arbitrary.make(GuestRun.RunResult),
      Arbitrary.make(GuestRun.RunFailed)
    ],
    ([requestId, request, result, failure]) => {
      for (const transport of [viaJson, structuredClone]) {
        const withId = new GuestRun.RunGuest({ ...request, requestId })
        assert.strictEqual(
          Schema.decodeUnknownSync(GuestRun.RunGuest)(transport(Schema.encodeSync(GuestRun.RunGuest)(withId)))
            .requestId,
          requestId
        )
        const answered = new GuestRun.RunResult({ ...result, ...GuestRun.echoRequestId(withId) })
        assert.strictEqual(
          Schema.decodeUnknownSync(GuestRun.RunResult)(transport(Schema.encodeSync(GuestRun.RunResult)(answered)))
            .requestId,
          requestId
        )
        // An error's message is not enumerable: named, not spread.
        const failed = new GuestRun.RunFailed({
          reason: failure.reason,
          message: failure.message,
          ...GuestRun.echoRequestId(withId)
        })
        assert.strictEqual(
          Schema.decodeUnknownSync(GuestRun.RunFailed)(transport(Schema.encodeSync(GuestRun.RunFailed)(failed)))
            .requestId,
          requestId
        )
      }
    },
    { fastCheck: { numRuns: 100 } }
  )

  it("a request id is 1 to 256 characters, and optional", () => {
    const decode = Schema.decodeUnknownEither(GuestRun.RunGuest)
    const request = (requestId: unknown) => ({
      _tag: "RunGuest",
      program: { _tag: "NamedProgram", name: "hello" },
      requestId
    })
    assert.strictEqual(Schema.decodeUnknownSync(GuestRun.RunGuest)(request("x".repeat(256))).requestId, "x".repeat(256))
    for (const bad of ["", "x".repeat(257), 7, null]) assert.isTrue(Either.isLeft(decode(request(bad))), String(bad))
    assert.strictEqual(GuestRun.named("hello").requestId, undefined)
    assert.deepStrictEqual(GuestRun.echoRequestId(GuestRun.named("hello")), {})
    assert.deepStrictEqual(GuestRun.echoRequestId(GuestRun.named("hello", { requestId: "a" })), { requestId: "a" })
  })

  it("refuses an unknown program name, a zero deadline and an unknown CPU", () => {
    const decode = Schema.decodeUnknownEither(GuestRun.RunGuest)
    assert.isTrue(Either.isLeft(decode({ _tag: "RunGuest", program: { _tag: "NamedProgram", name: "nope" } })))
    assert.isTrue(
      Either.isLeft(
        decode({ _tag: "RunGuest", program: { _tag: "NamedProgram", name: "hello" }, limits: { deadlineMillis: 0 } })
      )
    )
    assert.isTrue(
      Either.isLeft(decode({ _tag: "RunGuest", program: { _tag: "NamedProgram", name: "hello" }, cpu: "arm" }))
    )
  })
})
