import { assert, describe, it } from "@effect/vitest"
import * as FuchsiaIo from "@zxsim/fidl/FuchsiaIo"
import * as Ldsvc from "@zxsim/fidl/Ldsvc"
import * as Message from "@zxsim/fidl/Message"
import type * as Protocol from "@zxsim/fidl/Protocol"
import * as TestUtil from "@zxsim/fidl/TestUtil"
import * as Transport from "@zxsim/fidl/Transport"
import * as Wire from "@zxsim/fidl/Wire"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import { propertyRuns } from "../../../test-support/propertyRuns.js"
import { makeFileKernel, makeHandlePool } from "./utils/kernel.js"

const fk = makeFileKernel()
const pool = makeHandlePool(fk)
const kernel = fk.kernel

type HandleKind = "VMO" | "CHANNEL" | "SOCKET" | "EVENT"
const handleKind = FastCheck.constantFrom<HandleKind>("VMO", "CHANNEL", "SOCKET", "EVENT")

// The message types under test: every declared request and response, plus a type that exercises
// unions, tables, boxes and optional handles (whose decoding re-encodes differently when unknown
// members are skipped, so it is exempt from the canonical-bytes check).
interface Target {
  readonly name: string
  readonly type: Wire.Type<unknown>
  readonly ordinal: bigint
  readonly canonical: boolean
}
const targets: Array<Target> = []
for (const protocol of [Ldsvc.Loader, TestUtil.Util, FuchsiaIo.Directory, FuchsiaIo.File, FuchsiaIo.NodeEvents]) {
  for (const method of Object.values(protocol.methods) as ReadonlyArray<Protocol.Method<unknown, unknown>>) {
    targets.push({ name: `${method.name} request`, type: method.request, ordinal: method.ordinal, canonical: true })
    if (method.response !== undefined) {
      targets.push({ name: `${method.name} response`, type: method.response, ordinal: method.ordinal, canonical: true })
    }
  }
}
const Choice = Wire.union({ n: [1, Wire.uint32], s: [2, Wire.string(16)], h: [3, Wire.handle("VMO")] })
targets.push({
  name: "envelopes",
  type: Wire.struct({
    choice: Choice,
    maybe: Wire.optional(Choice),
    flexible: Wire.flexibleUnion({ n: [1, Wire.uint16], h: [2, Wire.handle()] }),
    table: Wire.table({ a: [1, Wire.uint8], s: [2, Wire.string()], h: [3, Wire.handle("CHANNEL")] }),
    box: Wire.optional(Wire.struct({ x: Wire.uint64, flag: Wire.bool })),
    handles: Wire.vector(Wire.optional(Wire.handle()), 2)
  }),
  ordinal: 0x1234n,
  canonical: false
})

/** A valid message of a target: bytes, and the kinds of the handles it carries, in order. */
const seed = FastCheck.oneof(
  ...targets.map((target, index) =>
    FastCheck.tuple(
      Wire.arbitrary(target.type, { handle: pool.source }),
      FastCheck.integer({ min: 0, max: 0x7fffffff })
    ).map(
      ([value, txid]) => {
        const encoded = Either.getOrThrow(Message.encode(target.type, { txid, ordinal: target.ordinal }, value))
        const kinds = pool.infosOf(encoded.handles).map((info) => info.type as HandleKind)
        return { index, bytes: encoded.bytes, kinds }
      }
    )
  )
)

type Mutation =
  | { readonly kind: "set"; readonly at: number; readonly value: number }
  | { readonly kind: "word"; readonly at: number; readonly value: number }
  | { readonly kind: "truncate"; readonly at: number }
  | { readonly kind: "extend"; readonly bytes: Uint8Array }
  | { readonly kind: "dropHandle"; readonly at: number }
  | { readonly kind: "addHandle"; readonly handle: HandleKind }
  | { readonly kind: "retypeHandle"; readonly at: number; readonly handle: HandleKind }

const mutation: FastCheck.Arbitrary<Mutation> = FastCheck.oneof(
  {
    weight: 4,
    arbitrary: FastCheck.record({
      kind: FastCheck.constant("set" as const),
      at: FastCheck.nat(),
      value: FastCheck.integer({ min: 0, max: 255 })
    })
  },
  {
    weight: 4,
    arbitrary: FastCheck.record({
      kind: FastCheck.constant("word" as const),
      at: FastCheck.nat(),
      value: FastCheck.constantFrom(
        0,
        1,
        2,
        3,
        7,
        8,
        16,
        0x7f,
        0x80,
        0xff,
        1024,
        1025,
        0xffff,
        0x8000_0000,
        0xffff_ffff
      )
    })
  },
  { weight: 1, arbitrary: FastCheck.record({ kind: FastCheck.constant("truncate" as const), at: FastCheck.nat() }) },
  {
    weight: 1,
    arbitrary: FastCheck.record({
      kind: FastCheck.constant("extend" as const),
      bytes: FastCheck.uint8Array({ minLength: 1, maxLength: 24 })
    })
  },
  { weight: 1, arbitrary: FastCheck.record({ kind: FastCheck.constant("dropHandle" as const), at: FastCheck.nat() }) },
  { weight: 1, arbitrary: FastCheck.record({ kind: FastCheck.constant("addHandle" as const), handle: handleKind }) },
  {
    weight: 1,
    arbitrary: FastCheck.record({
      kind: FastCheck.constant("retypeHandle" as const),
      at: FastCheck.nat(),
      handle: handleKind
    })
  }
)

const mutate = (bytes: Uint8Array, kinds: ReadonlyArray<HandleKind>, mutations: ReadonlyArray<Mutation>) => {
  let b = bytes.slice()
  const k = kinds.slice()
  for (const m of mutations) {
    switch (m.kind) {
      case "set":
        if (b.length > 0) b[m.at % b.length] = m.value
        break
      case "word":
        if (b.length >= 4) {
          new DataView(b.buffer, b.byteOffset).setUint32((m.at % Math.floor(b.length / 4)) * 4, m.value, true)
        }
        break
      case "truncate":
        b = b.slice(0, m.at % (b.length + 1))
        break
      case "extend":
        b = new Uint8Array([...b, ...m.bytes])
        break
      case "dropHandle":
        if (k.length > 0) k.splice(m.at % k.length, 1)
        break
      case "addHandle":
        k.push(m.handle)
        break
      case "retypeHandle":
        if (k.length > 0) k[m.at % k.length] = m.handle
        break
    }
  }
  return { bytes: b, kinds: k }
}

/** A fresh handle of a kind (the other end of a pair is closed at once): one handle in the host table. */
const makeHandle = (kind: HandleKind): Effect.Effect<Handle.Handle, unknown, Scope.Scope> => {
  switch (kind) {
    case "VMO":
      return kernel.vmo.create(0)
    case "CHANNEL":
      return Effect.flatMap(kernel.channel.create(), ([a, b]) => Effect.as(kernel.handle.close(b), a))
    case "SOCKET":
      return Effect.flatMap(kernel.socket.create(), ([a, b]) => Effect.as(kernel.handle.close(b), a))
    case "EVENT":
      return kernel.event.create()
  }
}

/** Stats of the kernel, as numbers to compare. */
const snapshot = Effect.map(kernel.stats, (s) => JSON.stringify({ handles: s.handles, objects: s.objects }))

const stats = { accepted: 0, rejected: 0 }

describe("Fuzz", () => {
  it.prop(
    "mutated messages decode to a value or a DecodeError, never a defect; rejected messages close their handles",
    [seed, FastCheck.array(mutation, { minLength: 0, maxLength: 4 }), FastCheck.integer({ min: 0, max: 9 })],
    ([s, mutations, confuse]) => {
      const { bytes, kinds } = mutate(s.bytes, s.kinds, mutations)
      // Now and then decode as another type than the message was made from.
      const target = targets[confuse === 0 ? (s.index + 1) % targets.length : s.index]
      const program = Effect.gen(function*() {
        const before = yield* snapshot
        const baselineHandles = (yield* kernel.stats).handles
        const scope = yield* Scope.make()
        const handles = yield* Effect.orDie(Scope.extend(Effect.forEach(kinds, makeHandle), scope))
        const exit = yield* Effect.exit(Transport.decode(target.type, { bytes, handles }))
        if (Exit.isFailure(exit)) {
          const error = Cause.failureOption(exit.cause)
          if (Cause.isDie(exit.cause) || Option.isNone(error) || error.value._tag !== "DecodeError") {
            assert.fail(`not a DecodeError: ${Cause.pretty(exit.cause)}`)
          }
          // Every handle the rejected message carried is closed already, before its scope ends.
          assert.strictEqual((yield* kernel.stats).handles, baselineHandles, "a rejected message left handles open")
          stats.rejected++
        } else {
          stats.accepted++
          if (target.canonical) {
            // What the decoder accepts is exactly what the encoder makes of the value.
            const { header, value } = exit.value
            const again = Either.getOrThrow(
              Message.encode(target.type, {
                txid: header.txid,
                ordinal: header.ordinal,
                dynamicFlags: header.dynamicFlags
              }, value)
            )
            assert.deepStrictEqual(again.bytes.subarray(8), bytes.subarray(8))
            assert.deepStrictEqual(again.handles, handles)
          }
        }
        yield* Scope.close(scope, Exit.void)
        assert.strictEqual(yield* snapshot, before, "kernel objects or handles leaked")
      })
      Effect.runSync(Effect.provideService(program, Kernel.Kernel, kernel))
    },
    { fastCheck: { numRuns: propertyRuns(100_000) } }
  )

  // At the default size, more than 1,000 accepted and 10,000 rejected; in proportion for other sizes.
  it("exercised both outcomes", () => {
    assert.isAbove(stats.accepted, propertyRuns(1_000))
    assert.isAbove(stats.rejected, propertyRuns(10_000))
  })
})
