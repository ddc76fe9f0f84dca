import { assert, describe, it } from "@effect/vitest"
import * as Ldsvc from "@zxsim/fidl/Ldsvc"
import * as Message from "@zxsim/fidl/Message"
import type * as Protocol from "@zxsim/fidl/Protocol"
import * as TestUtil from "@zxsim/fidl/TestUtil"
import * as Wire from "@zxsim/fidl/Wire"
import { Status } from "@zxsim/kernel/Status"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import { hex, makeFileKernel, makeHandlePool } from "./utils/kernel.js"

const fk = makeFileKernel()
const pool = makeHandlePool(fk)
const vmo = pool.vmos[0]

// Golden vectors, typed in by hand from the reference (fuchsia-spec.md §6 and §7.4); none of these
// bytes come from the encoder.
const LOAD_OBJECT_REQUEST = hex(`
  01 00 00 00 02 00 00 01 53 28 df d6 51 a1 c5 48
  07 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff
  6c 64 2e 73 6f 2e 31 00`)
const LOAD_OBJECT_RESPONSE_OK = hex(`01 00 00 00 02 00 00 01 53 28 df d6 51 a1 c5 48 00 00 00 00 ff ff ff ff`)
const LOAD_OBJECT_RESPONSE_NOT_FOUND = hex(`01 00 00 00 02 00 00 01 53 28 df d6 51 a1 c5 48 e7 ff ff ff 00 00 00 00`)
const GET_ARGUMENTS_RESPONSE = hex(`
  05 00 00 00 02 00 00 01 19 55 42 0c 79 7f ff 50
  03 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff
  04 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff
  04 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff
  04 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff
  61 72 67 30 00 00 00 00 61 72 67 31 00 00 00 00
  61 72 67 32 00 00 00 00`)
// Derived by hand from §7.3: EnvVar array (2 × 32 bytes), then key0, value0, key1, value1.
const GET_ENVIRONMENT_RESPONSE = hex(`
  09 00 00 00 02 00 00 01 23 ec 04 df 3a 63 1e 45
  02 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff
  01 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff
  03 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff
  04 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff
  00 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff
  41 00 00 00 00 00 00 00 62 61 72 00 00 00 00 00
  48 4f 4d 45 00 00 00 00`)
// Epitaph: txid 0, ordinal all ones, int32 status + 4 bytes of padding.
const EPITAPH_NOT_FOUND = hex(`00 00 00 00 02 00 00 01 ff ff ff ff ff ff ff ff e7 ff ff ff 00 00 00 00`)
// Done: the header alone.
const DONE = hex(`00 00 00 00 02 00 00 01 01 10 67 d3 76 6b ba 63`)

const loadObject = Ldsvc.Loader.methods.LoadObject

describe("Message golden vectors", () => {
  it("LoadObject(\"ld.so.1\") request encodes to the reference bytes", () => {
    const encoded = Either.getOrThrow(
      Message.encode(loadObject.request, { txid: 1, ordinal: loadObject.ordinal }, { objectName: "ld.so.1" })
    )
    assert.deepStrictEqual(encoded.bytes, LOAD_OBJECT_REQUEST)
    assert.strictEqual(encoded.handles.length, 0)
  })

  it("LoadObject request decodes from the reference bytes", () => {
    const decoded = Either.getOrThrow(Message.decode(loadObject.request, LOAD_OBJECT_REQUEST))
    assert.deepStrictEqual(decoded.header, {
      txid: 1,
      atRestFlags: 2,
      dynamicFlags: 0,
      magic: 1,
      ordinal: 0x48C5A151D6DF2853n
    })
    assert.deepStrictEqual(decoded.value, { objectName: "ld.so.1" })
  })

  it("LoadObject response OK with a VMO, both ways", () => {
    const encoded = Either.getOrThrow(
      Message.encode(loadObject.response!, { txid: 1, ordinal: loadObject.ordinal }, {
        rv: Status.OK,
        object: Option.some(vmo)
      })
    )
    assert.deepStrictEqual(encoded.bytes, LOAD_OBJECT_RESPONSE_OK)
    assert.deepStrictEqual(encoded.handles, [vmo])
    const decoded = Either.getOrThrow(
      Message.decode(loadObject.response!, LOAD_OBJECT_RESPONSE_OK, pool.infosOf([vmo]))
    )
    assert.strictEqual(decoded.value.rv, Status.OK)
    assert.isTrue(Option.isSome(decoded.value.object) && decoded.value.object.value === vmo)
  })

  it("LoadObject response NOT_FOUND without a VMO, both ways", () => {
    const encoded = Either.getOrThrow(
      Message.encode(loadObject.response!, { txid: 1, ordinal: loadObject.ordinal }, {
        rv: Status.NOT_FOUND,
        object: Option.none()
      })
    )
    assert.deepStrictEqual(encoded.bytes, LOAD_OBJECT_RESPONSE_NOT_FOUND)
    const decoded = Either.getOrThrow(Message.decode(loadObject.response!, LOAD_OBJECT_RESPONSE_NOT_FOUND))
    assert.deepStrictEqual(decoded.value, { rv: Status.NOT_FOUND, object: Option.none() })
  })

  it("the OK response without its handle, or NOT_FOUND with one, is rejected", () => {
    const missing = Message.decode(loadObject.response!, LOAD_OBJECT_RESPONSE_OK)
    assert.isTrue(Either.isLeft(missing) && missing.left.reason === "MissingHandles")
    const extra = Message.decode(loadObject.response!, LOAD_OBJECT_RESPONSE_NOT_FOUND, pool.infosOf([vmo]))
    assert.isTrue(Either.isLeft(extra) && extra.left.reason === "ExtraHandles")
  })

  it("Util.GetArguments response for [arg0, arg1, arg2], both ways (§7.4)", () => {
    const method = TestUtil.Util.methods.GetArguments
    const encoded = Either.getOrThrow(
      Message.encode(method.response!, { txid: 5, ordinal: method.ordinal }, { args: ["arg0", "arg1", "arg2"] })
    )
    assert.strictEqual(encoded.bytes.length, 104)
    assert.deepStrictEqual(encoded.bytes, GET_ARGUMENTS_RESPONSE)
    assert.deepStrictEqual(Either.getOrThrow(Message.decode(method.response!, GET_ARGUMENTS_RESPONSE)).value, {
      args: ["arg0", "arg1", "arg2"]
    })
  })

  it("Util.GetEnvironment response lays out EnvVar keys and values in element order", () => {
    const method = TestUtil.Util.methods.GetEnvironment
    const value = { vars: [{ key: "A", value: "bar" }, { key: "HOME", value: "" }] }
    const encoded = Either.getOrThrow(Message.encode(method.response!, { txid: 9, ordinal: method.ordinal }, value))
    assert.deepStrictEqual(encoded.bytes, GET_ENVIRONMENT_RESPONSE)
    assert.deepStrictEqual(Either.getOrThrow(Message.decode(method.response!, GET_ENVIRONMENT_RESPONSE)).value, value)
  })

  it("epitaph and Done", () => {
    assert.deepStrictEqual(Message.encodeEpitaph(Status.NOT_FOUND), EPITAPH_NOT_FOUND)
    const done = Ldsvc.Loader.methods.Done
    assert.deepStrictEqual(
      Either.getOrThrow(Message.encode(done.request, { txid: 0, ordinal: done.ordinal }, undefined)).bytes,
      DONE
    )
    assert.isTrue(Either.isRight(Message.decode(done.request, DONE)))
    // A body after a header-only method's header is trailing garbage.
    const longer = Message.decode(done.request, new Uint8Array([...DONE, 0, 0, 0, 0, 0, 0, 0, 0]))
    assert.isTrue(Either.isLeft(longer) && longer.left.reason === "TrailingBytes")
  })
})

describe("Message header", () => {
  it("refuses a short header, a wrong magic number, and a missing v2 flag; ignores other flags", () => {
    const short = Message.decodeHeader(LOAD_OBJECT_REQUEST.subarray(0, 15))
    assert.isTrue(Either.isLeft(short) && short.left.reason === "InvalidHeader")
    const magic = LOAD_OBJECT_REQUEST.slice()
    magic[7] = 2
    const badMagic = Message.decodeHeader(magic)
    assert.isTrue(Either.isLeft(badMagic) && badMagic.left.offset === 7)
    const v1 = LOAD_OBJECT_REQUEST.slice()
    v1[4] = 0
    assert.isTrue(Either.isLeft(Message.decodeHeader(v1)))
    const extraFlags = LOAD_OBJECT_REQUEST.slice()
    extraFlags[4] = 0x03
    extraFlags[5] = 0x80
    extraFlags[6] = 0x40
    const ok = Message.decodeHeader(extraFlags)
    assert.isTrue(Either.isRight(ok) && ok.right.dynamicFlags === 0x40)
  })

  it("refuses messages over 65,536 bytes", () => {
    const big = Message.encode(TestUtil.ReadFileResponse, { txid: 1, ordinal: 1n }, { contents: "x".repeat(65536) })
    assert.isTrue(Either.isLeft(big) && big.left.reason === "MessageTooLarge")
  })
})

// Every declared message type, as (name, body type, method) for the round-trip properties.
type AnyMethod = Protocol.Method<unknown, unknown>
const declared: Array<readonly [string, Wire.Type<unknown>, AnyMethod]> = []
for (const protocol of [Ldsvc.Loader, TestUtil.Util]) {
  for (const method of Object.values(protocol.methods) as ReadonlyArray<AnyMethod>) {
    declared.push([`${protocol.qualifiedName}.${method.name} request`, method.request, method])
    if (method.response !== undefined) {
      declared.push([`${protocol.qualifiedName}.${method.name} response`, method.response, method])
    }
  }
}

const txid = FastCheck.integer({ min: 0, max: 0x7fffffff })

describe("Message round trips", () => {
  for (const [name, type, method] of declared) {
    it.prop(
      `${name}: decode(encode(m)) = m`,
      [Wire.arbitrary(type, { handle: pool.source }), txid],
      ([value, id]) => {
        const encoded = Either.getOrThrow(Message.encode(type, { txid: id, ordinal: method.ordinal }, value))
        assert.strictEqual(encoded.bytes.length % 8, 0)
        const decoded = Either.getOrThrow(Message.decode(type, encoded.bytes, pool.infosOf(encoded.handles)))
        assert.deepStrictEqual(decoded.value, value)
        assert.strictEqual(decoded.header.txid, id)
        assert.strictEqual(decoded.header.ordinal, method.ordinal)
      },
      { fastCheck: { numRuns: 10_000 } }
    )
  }

  it.prop(
    "EnvVar: decode(encode(v)) = v as a standalone object",
    [Wire.arbitrary(TestUtil.EnvVar)],
    ([value]) => {
      const encoded = Either.getOrThrow(Wire.encode(TestUtil.EnvVar, value))
      assert.deepStrictEqual(Either.getOrThrow(Wire.decode(TestUtil.EnvVar, encoded.bytes)), value)
    },
    { fastCheck: { numRuns: 10_000 } }
  )
})
