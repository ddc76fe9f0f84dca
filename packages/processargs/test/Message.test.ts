import { assert, describe, it } from "@effect/vitest"
import * as Handle from "@zxsim/kernel/Handle"
import { Status } from "@zxsim/kernel/Status"
import * as CString from "@zxsim/processargs/CString"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as Message from "@zxsim/processargs/Message"
import * as MessageContents from "@zxsim/processargs/MessageContents"
import * as ProcessargsError from "@zxsim/processargs/ProcessargsError"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { propertyRuns } from "../../../test-support/propertyRuns.js"
import { crateVector } from "./fixtures/crateVector.js"
import { ascii, concat, headerWords, hex } from "./utils/bytes.js"

const c = CString.unsafeFromString
const info = HandleInfo.unsafeMake
const RUNS = propertyRuns(10_000)

const data = (parts: Partial<MessageContents.MessageData>): MessageContents.MessageData => ({
  args: [],
  environmentVars: [],
  namespacePaths: [],
  handleInfos: [],
  ...parts
})

/** Contents with placeholder handles (never written), one per info. */
const withPlaceholders = (d: MessageContents.MessageData): MessageContents.MessageContents => ({
  args: d.args,
  environmentVars: d.environmentVars,
  namespacePaths: d.namespacePaths,
  handles: d.handleInfos.map((i) => MessageContents.startupHandle(Handle.invalid, i))
})

const text = (d: MessageContents.MessageData) => ({
  args: d.args.map(CString.toString),
  environmentVars: d.environmentVars.map(CString.toString),
  namespacePaths: d.namespacePaths.map(CString.toString),
  handleInfos: d.handleInfos.map((i) => i.raw)
})

const encodeOrThrow = (d: MessageContents.MessageData): Uint8Array => Either.getOrThrowWith(Message.encode(d), (e) => e)

// Golden vectors: every byte written here from the format description, not produced by the encoder.
const goldens: ReadonlyArray<
  { readonly name: string; readonly data: MessageContents.MessageData; readonly bytes: Uint8Array }
> = [
  {
    name: "the crate's build_and_write_message vector (82 bytes)",
    data: data({
      args: [c("arg1"), c("arg2"), c("arg3")],
      environmentVars: [c("FOO=BAR")],
      namespacePaths: [c("/data"), c("/pkg")],
      handleInfos: [info("User1", 0x1234), info("NamespaceDirectory", 0), info("NamespaceDirectory", 1)]
    }),
    bytes: crateVector
  },
  {
    name: "an empty message: the 36-byte header, every offset 36",
    data: data({}),
    bytes: concat(
      hex("5d 58 50 41 00 10 00 00"),
      hex("24 00 00 00"), // handle_info_off
      hex("24 00 00 00 00 00 00 00"), // args at 36, none
      hex("24 00 00 00 00 00 00 00"), // environ at 36, none
      hex("24 00 00 00 00 00 00 00") // names at 36, none
    )
  },
  {
    name: "three handles, an empty argument, no environment (57 bytes)",
    data: data({
      args: [c("ls"), c("")],
      namespacePaths: [c("/svc")],
      handleInfos: [info("ProcessSelf"), info("ThreadSelf"), info("VdsoVmo", 1)]
    }),
    bytes: concat(
      hex("5d 58 50 41 00 10 00 00"),
      hex("24 00 00 00"), // handle_info_off = 36
      hex("30 00 00 00 02 00 00 00"), // args at 48, 2 of them
      hex("34 00 00 00 00 00 00 00"), // environ at 52, none
      hex("34 00 00 00 01 00 00 00"), // names at 52, 1
      hex("01 00 00 00"), // PA_PROC_SELF
      hex("02 00 00 00"), // PA_THREAD_SELF
      hex("11 00 01 00"), // PA_HND(PA_VMO_VDSO, 1)
      ascii("ls\0\0"),
      ascii("/svc\0")
    )
  },
  {
    name: "non-UTF-8 argument bytes and the largest handle argument (43 bytes)",
    data: data({
      args: [Either.getOrThrow(CString.fromBytes(new Uint8Array([0xff, 0x01])))],
      handleInfos: [info("StackVmo", 0xffff)]
    }),
    bytes: concat(
      hex("5d 58 50 41 00 10 00 00 24 00 00 00"),
      hex("28 00 00 00 01 00 00 00"), // args at 40, 1
      hex("2b 00 00 00 00 00 00 00"), // environ at 43, none
      hex("2b 00 00 00 00 00 00 00"), // names at 43, none
      hex("13 00 ff ff"), // PA_HND(PA_VMO_STACK, 0xffff)
      hex("ff 01 00")
    )
  }
]

describe("Message golden vectors", () => {
  for (const golden of goldens) {
    it(golden.name, () => {
      const n = golden.data.handleInfos.length
      assert.deepStrictEqual(Array.from(encodeOrThrow(golden.data)), Array.from(golden.bytes))
      assert.strictEqual(Either.getOrThrow(Message.calculateSize(golden.data)), golden.bytes.length)
      const built = Either.getOrThrow(Message.build(withPlaceholders(golden.data)))
      assert.deepStrictEqual(Array.from(built.bytes), Array.from(golden.bytes))
      assert.strictEqual(built.handles.length, n)
      const parsed = Message.parse(golden.bytes, n)
      assert.isTrue(Either.isRight(parsed))
      if (Either.isRight(parsed)) {
        assert.deepStrictEqual(text(parsed.right), text(golden.data))
        assert.isTrue(MessageContents.dataEquivalence(parsed.right, golden.data))
        assert.isTrue(Schema.equivalence(MessageContents.MessageData)(parsed.right, golden.data))
      }
      const header = Either.getOrThrow(Message.parseHeader(golden.bytes))
      assert.strictEqual(header.protocol, 0x4150585d)
      assert.strictEqual(header.version, 0x1000)
    })
  }

  it("the crate vector is 82 bytes long", () => assert.strictEqual(goldens[0].bytes.length, 82))
})

describe("Message.build errors", () => {
  const handles = (n: number) => Array.from({ length: n }, () => info("User1"))

  it("TooManyHandles over 64, with the crate's wording and INVALID_ARGS", () => {
    const result = Message.encode(data({ handleInfos: handles(65) }))
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left._tag, "TooManyHandles")
      assert.strictEqual(result.left.message, "Cannot build processargs message, too many handles (65 > 64)")
      assert.strictEqual(result.left.asZxStatus(), Status.INVALID_ARGS)
      assert.isTrue(ProcessargsError.isProcessargsError(result.left))
    }
  })

  it("SizeTooLarge over 65,536 bytes, with the crate's wording and INVALID_ARGS", () => {
    const result = Message.calculateSize(data({ args: [c("a".repeat(65500))] }))
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left._tag, "SizeTooLarge")
      assert.strictEqual(result.left.message, "Cannot build processargs message, byte size too large (65537 > 65536)")
      assert.strictEqual(result.left.asZxStatus(), Status.INVALID_ARGS)
    }
  })

  it("checks the handle count before the byte size", () => {
    const result = Message.encode(data({ args: [c("a".repeat(70_000))], handleInfos: handles(65) }))
    assert.isTrue(Either.isLeft(result) && result.left._tag === "TooManyHandles")
  })

  it("TryFromInt when an offset passes u32, before SizeTooLarge; the final size alone is SizeTooLarge", () => {
    // One 64 MiB string shared 65 times: over 4 GiB of contents without allocating them.
    const chunk = new Uint8Array(64 * 1024 * 1024).fill(0x61) as CString.CString
    const many = Array.from({ length: 65 }, () => chunk)
    const overflow = Message.calculateSize(data({ args: many }))
    assert.isTrue(Either.isLeft(overflow))
    if (Either.isLeft(overflow)) {
      assert.strictEqual(overflow.left._tag, "TryFromInt")
      if (overflow.left._tag === "TryFromInt") assert.strictEqual(overflow.left.field, "environ_off")
      assert.include(overflow.left.message, "Value > u32 MAX when building processargs message")
      assert.strictEqual(overflow.left.asZxStatus(), Status.INVALID_ARGS)
    }
    // Past 4 GiB only in the last section: no header field overflows, so the byte limit answers.
    const lastSection = Message.calculateSize(data({ namespacePaths: many }))
    assert.isTrue(Either.isLeft(lastSection) && lastSection.left._tag === "SizeTooLarge")
    // Too many handles still wins.
    const handlesFirst = Message.calculateSize(data({ args: many, handleInfos: handles(65) }))
    assert.isTrue(Either.isLeft(handlesFirst) && handlesFirst.left._tag === "TooManyHandles")
  })

  it("encodeInto writes at an offset and refuses a buffer too small", () => {
    const golden = goldens[0]
    const target = new Uint8Array(100).fill(0xee)
    assert.strictEqual(Either.getOrThrow(Message.encodeInto(golden.data, target, 10)), 82)
    assert.deepStrictEqual(Array.from(target.subarray(10, 92)), Array.from(golden.bytes))
    assert.strictEqual(target[9], 0xee)
    assert.strictEqual(target[92], 0xee)
    const small = Message.encodeInto(golden.data, new Uint8Array(90), 10)
    assert.isTrue(Either.isLeft(small) && small.left._tag === "BufferTooSmall")
    if (Either.isLeft(small) && small.left._tag === "BufferTooSmall") {
      assert.strictEqual(small.left.needed, 82)
      assert.strictEqual(small.left.available, 80)
      assert.strictEqual(small.left.asZxStatus(), Status.BUFFER_TOO_SMALL)
    }
  })
})

describe("Message properties", () => {
  const arbitrary = MessageContents.arbitraryData()

  it.prop("parse(encode(d)) == d", { d: arbitrary }, ({ d }) => {
    const bytes = encodeOrThrow(d)
    const parsed = Message.parse(bytes, d.handleInfos.length)
    return Either.isRight(parsed) && MessageContents.dataEquivalence(parsed.right, d)
  }, { fastCheck: { numRuns: RUNS } })

  it.prop("parse(build(c), handles) pairs each handle with its info", { d: arbitrary }, ({ d }) => {
    const contents = withPlaceholders(d)
    const built = Either.getOrThrow(Message.build(contents))
    const parsed = Message.parse(built.bytes, built.handles)
    if (Either.isLeft(parsed)) return false
    const back = MessageContents.toData(parsed.right)
    return MessageContents.dataEquivalence(back, d) &&
      parsed.right.handles.every((h, i) => h.handle === contents.handles[i].handle)
  }, { fastCheck: { numRuns: RUNS } })

  it.prop("calculateSize(c) == build(c).bytes.length == encodeInto's length", { d: arbitrary }, ({ d }) => {
    const size = Either.getOrThrow(Message.calculateSize(d))
    const contentsSize = Either.getOrThrow(Message.calculateSize(withPlaceholders(d)))
    const built = Either.getOrThrow(Message.build(withPlaceholders(d)))
    const target = new Uint8Array(size)
    const written = Either.getOrThrow(Message.encodeInto(d, target))
    return size === built.bytes.length && contentsSize === size && written === size &&
      target.every((b, i) => b === built.bytes[i])
  }, { fastCheck: { numRuns: RUNS } })

  it.prop(
    "every header offset is inside the buffer, in order, and handle_info_off is 4-aligned",
    { d: arbitrary },
    ({ d }) => {
      const bytes = encodeOrThrow(d)
      const [protocol, version, infoOff, argsOff, argsNum, environOff, environNum, namesOff, namesNum] = headerWords(
        bytes
      )
      const n = d.handleInfos.length
      const length = bytes.length
      const nuls = (from: number, to: number) => {
        let count = 0
        for (let i = from; i < to; i++) if (bytes[i] === 0) count++
        return count
      }
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      return protocol === 0x4150585d && version === 0x1000 &&
        infoOff === 36 && infoOff % 4 === 0 &&
        [infoOff, argsOff, environOff, namesOff].every((offset) => offset >= 36 && offset <= length) &&
        argsOff === infoOff + 4 * n && argsOff <= environOff && environOff <= namesOff &&
        argsNum === d.args.length && environNum === d.environmentVars.length && namesNum === d.namespacePaths.length &&
        // Each section holds exactly its strings' NULs and ends with one, right where the next starts.
        nuls(argsOff, environOff) === argsNum && nuls(environOff, namesOff) === environNum &&
        nuls(namesOff, length) === namesNum &&
        (argsOff === environOff || bytes[environOff - 1] === 0) &&
        (environOff === namesOff || bytes[namesOff - 1] === 0) &&
        (namesOff === length || bytes[length - 1] === 0) &&
        d.handleInfos.every((info, i) => view.getUint32(infoOff + 4 * i, true) === info.raw)
    },
    { fastCheck: { numRuns: RUNS } }
  )

  const padding = new Uint8Array(Message.MAX_MESSAGE_BYTES).fill(0x7a)
  // Pads contents with one string so that the message is exactly `target` bytes, at a drawn place.
  const padded = (d: MessageContents.MessageData, target: number, where: number): MessageContents.MessageData => {
    const size = Either.getOrThrow(Message.calculateSize(d))
    const pad = padding.subarray(0, target - size - 1) as CString.CString
    const insert = (list: ReadonlyArray<CString.CString>) => {
      const at = where % (list.length + 1)
      return [...list.slice(0, at), pad, ...list.slice(at)]
    }
    switch (where % 3) {
      case 0:
        return { ...d, args: insert(d.args) }
      case 1:
        return { ...d, environmentVars: insert(d.environmentVars) }
      default:
        return { ...d, namespacePaths: insert(d.namespacePaths) }
    }
  }

  it.prop(
    "contents of exactly 65,536 bytes build; one byte more is SizeTooLarge",
    { d: arbitrary, where: FastCheck.nat() },
    ({ d, where }) => {
      const atLimit = padded(d, 65_536, where)
      const bytes = encodeOrThrow(atLimit)
      assert.strictEqual(bytes.length, 65_536)
      // Parses back with every string the right length (byte equality is the round-trip property's job).
      const back = Message.parse(bytes, d.handleInfos.length)
      const lengths = (x: MessageContents.MessageData) =>
        [x.args, x.environmentVars, x.namespacePaths].map((section) => section.map((s) => s.length).join(",")).join("|")
      assert.isTrue(Either.isRight(back) && lengths(back.right) === lengths(atLimit))
      const overLimit = padded(d, 65_537, where)
      const over = Message.encode(overLimit)
      assert.isTrue(Either.isLeft(over) && over.left._tag === "SizeTooLarge" && over.left.size === 65_537)
      const overSize = Message.calculateSize(overLimit)
      assert.isTrue(Either.isLeft(overSize) && overSize.left._tag === "SizeTooLarge")
    },
    { fastCheck: { numRuns: RUNS } }
  )

  it.prop(
    "contents with exactly 64 handles build; 65 is TooManyHandles",
    {
      d: MessageContents.arbitraryData({ maxHandles: 0 }),
      infos: FastCheck.array(Arbitrary.make(HandleInfo.HandleInfoFromSelf), { minLength: 65, maxLength: 65 })
    },
    ({ d, infos }) => {
      const sixtyFour = { ...d, handleInfos: infos.slice(0, 64) }
      const bytes = encodeOrThrow(sixtyFour)
      const back = Message.parse(bytes, 64)
      assert.isTrue(Either.isRight(back) && back.right.handleInfos.length === 64)
      assert.isTrue(Either.isRight(Message.build(withPlaceholders(sixtyFour))))
      const sixtyFive = Message.build(withPlaceholders({ ...d, handleInfos: infos }))
      assert.isTrue(Either.isLeft(sixtyFive) && sixtyFive.left._tag === "TooManyHandles" && sixtyFive.left.count === 65)
      const size = Message.calculateSize({ ...d, handleInfos: infos })
      assert.isTrue(Either.isLeft(size) && size.left._tag === "TooManyHandles")
    },
    { fastCheck: { numRuns: RUNS } }
  )
})
