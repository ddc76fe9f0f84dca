import { assert, describe, it } from "@effect/vitest"
import { Status } from "@zxsim/kernel/Status"
import type * as DecodeError from "@zxsim/processargs/DecodeError"
import * as Message from "@zxsim/processargs/Message"
import * as Either from "effect/Either"
import { crateVector } from "./fixtures/crateVector.js"

// The crate vector with edits: `word(i, v)` sets header field i, `byte(at, v)` one byte.
const edit = (
  changes: ReadonlyArray<readonly ["word" | "byte", number, number]>,
  base: Uint8Array = crateVector
): Uint8Array => {
  const bytes = base.slice()
  const view = new DataView(bytes.buffer)
  for (const [kind, at, value] of changes) {
    if (kind === "word") view.setUint32(4 * at, value, true)
    else bytes[at] = value
  }
  return bytes
}

const HANDLE_INFO_OFF = 2
const ARGS_OFF = 3
const ARGS_NUM = 4
const ENVIRON_OFF = 5
const ENVIRON_NUM = 6
const NAMES_OFF = 7
const NAMES_NUM = 8

const fails = (
  bytes: Uint8Array,
  handleCount: number,
  expected: Partial<DecodeError.DecodeError> & { readonly _tag: string }
) => {
  const result = Message.parse(bytes, handleCount)
  assert.isTrue(Either.isLeft(result), `expected ${expected._tag}`)
  if (Either.isLeft(result)) {
    const error = result.left
    assert.strictEqual(error._tag, expected._tag, error.message)
    for (const [key, value] of Object.entries(expected)) {
      assert.deepStrictEqual(Reflect.get(error, key), value, key)
    }
    assert.strictEqual(error.asZxStatus(), Status.INVALID_ARGS)
    return error
  }
  throw new Error("unreachable")
}

describe("Message.parse errors", () => {
  it("accepts the untouched vector", () => {
    assert.isTrue(Either.isRight(Message.parse(crateVector, 3)))
  })

  it("TruncatedHeader below 36 bytes", () => {
    fails(crateVector.subarray(0, 35), 0, { _tag: "TruncatedHeader", length: 35 })
    fails(new Uint8Array(0), 0, { _tag: "TruncatedHeader", length: 0 })
  })

  it("MessageTooLarge above 65,536 bytes", () => {
    const big = new Uint8Array(65_537)
    big.set(crateVector)
    fails(big, 3, { _tag: "MessageTooLarge", length: 65_537 })
  })

  it("BadProtocol and BadVersion", () => {
    const protocol = fails(edit([["word", 0, 0x4150585e]]), 3, { _tag: "BadProtocol", protocol: 0x4150585e })
    assert.strictEqual(protocol.message, "Processargs header protocol 0x4150585e is not 0x4150585d")
    fails(edit([["word", 1, 0x2000]]), 3, { _tag: "BadVersion", version: 0x2000 })
  })

  it("HandleCountOutOfRange for a count no channel message carries", () => {
    fails(crateVector, 65, { _tag: "HandleCountOutOfRange", count: 65 })
    fails(crateVector, -1, { _tag: "HandleCountOutOfRange", count: -1 })
    fails(crateVector, 1.5, { _tag: "HandleCountOutOfRange", count: 1.5 })
  })

  it("OffsetOutOfBounds for any offset before the header's end or past the message", () => {
    fails(edit([["word", HANDLE_INFO_OFF, 32]]), 3, {
      _tag: "OffsetOutOfBounds",
      field: "handle_info_off",
      offset: 32,
      length: 82
    })
    fails(edit([["word", HANDLE_INFO_OFF, 0xffffffff]]), 3, {
      _tag: "OffsetOutOfBounds",
      field: "handle_info_off",
      offset: 0xffffffff
    })
    fails(edit([["word", ARGS_OFF, 83]]), 3, { _tag: "OffsetOutOfBounds", field: "args_off", offset: 83 })
    fails(edit([["word", ENVIRON_OFF, 0]]), 3, { _tag: "OffsetOutOfBounds", field: "environ_off", offset: 0 })
    fails(edit([["word", NAMES_OFF, 1000]]), 3, { _tag: "OffsetOutOfBounds", field: "names_off", offset: 1000 })
  })

  it("MisalignedHandleInfo and NonCanonicalLayout for the handle-info offset", () => {
    fails(edit([["word", HANDLE_INFO_OFF, 38]]), 3, { _tag: "MisalignedHandleInfo", offset: 38 })
    fails(edit([["word", HANDLE_INFO_OFF, 40]]), 3, {
      _tag: "NonCanonicalLayout",
      field: "handle_info_off",
      offset: 40,
      expected: 36
    })
  })

  it("HandleInfoOutOfBounds when the received handles' infos run past the end", () => {
    const headerOnly = crateVector.slice(0, 40)
    fails(headerOnly, 2, { _tag: "HandleInfoOutOfBounds", offset: 36, count: 2, length: 40 })
  })

  it("HandleCountMismatch when the handle-info array is not one word per handle received", () => {
    const fewer = fails(crateVector, 2, { _tag: "HandleCountMismatch", received: 2, declared: 3 })
    assert.strictEqual(fewer.message, "Processargs message has handle info for 3 handles but 2 were received")
    fails(crateVector, 4, { _tag: "HandleCountMismatch", received: 4, declared: 3 })
    fails(edit([["word", ARGS_OFF, 47]]), 3, { _tag: "HandleCountMismatch", received: 3, declared: -1 })
  })

  it("NonCanonicalLayout for a gap or overlap between sections", () => {
    fails(edit([["word", ENVIRON_OFF, 62]]), 3, {
      _tag: "NonCanonicalLayout",
      field: "environ_off",
      offset: 62,
      expected: 63
    })
    fails(edit([["word", NAMES_OFF, 72]]), 3, {
      _tag: "NonCanonicalLayout",
      field: "names_off",
      offset: 72,
      expected: 71
    })
  })

  it("CountOutOfBounds when a section claims more strings than bytes remain", () => {
    fails(edit([["word", ARGS_NUM, 0xffffffff]]), 3, {
      _tag: "CountOutOfBounds",
      section: "args",
      count: 0xffffffff,
      offset: 48
    })
    fails(edit([["word", NAMES_NUM, 12]]), 3, {
      _tag: "CountOutOfBounds",
      section: "names",
      count: 12,
      offset: 71,
      length: 82
    })
  })

  it("MissingNul when a string runs to the end", () => {
    // The last path's NUL replaced: "/pkg" runs off the end.
    fails(edit([["byte", 81, 0x21]]), 3, { _tag: "MissingNul", section: "names", index: 1, offset: 77 })
    // One more path than there is: the third starts at the end.
    fails(edit([["word", NAMES_NUM, 3]]), 3, { _tag: "MissingNul", section: "names", index: 2, offset: 82 })
  })

  it("TrailingBytes after the last section; a NUL inside a string shifts the sections", () => {
    const longer = new Uint8Array(83)
    longer.set(crateVector)
    fails(longer, 3, { _tag: "TrailingBytes", end: 82, length: 83 })
    // "arg2" becomes "ar\0" + "2": the environment then starts one string early.
    fails(edit([["byte", 55, 0]]), 3, { _tag: "NonCanonicalLayout", field: "environ_off", offset: 63, expected: 58 })
    // Fewer paths than there are: the last one is left over.
    fails(edit([["word", NAMES_NUM, 1]]), 3, { _tag: "TrailingBytes", end: 77, length: 82 })
    // Moving the environment string into the paths is a different, valid message.
    const moved = Message.parse(edit([["word", ENVIRON_NUM, 0], ["word", NAMES_OFF, 63], ["word", NAMES_NUM, 3]]), 3)
    assert.isTrue(Either.isRight(moved) && moved.right.namespacePaths.length === 3)
  })

  it("BadHandleInfo with the Rust try_from reason as its cause", () => {
    const reserved = fails(edit([["byte", 41, 0x01]]), 3, { _tag: "BadHandleInfo", index: 1 })
    assert.strictEqual(reserved._tag === "BadHandleInfo" && reserved.cause._tag, "InvalidHandleInfo")
    const unknown = fails(edit([["byte", 44, 0x12]]), 3, { _tag: "BadHandleInfo", index: 2 })
    assert.strictEqual(unknown._tag === "BadHandleInfo" && unknown.cause._tag, "UnknownHandleType")
    assert.include(unknown.message, "Processargs handle info 2: Unknown handle type 0x12")
  })

  it("parseHeader checks only the fixed words", () => {
    const header = Either.getOrThrow(Message.parseHeader(edit([["word", ARGS_NUM, 999]])))
    assert.strictEqual(header.argsNum, 999)
    assert.strictEqual(header.namesOff, 71)
    assert.isTrue(Either.isLeft(Message.parseHeader(new Uint8Array(10))))
  })
})
