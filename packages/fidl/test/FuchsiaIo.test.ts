import { assert, describe, it } from "@effect/vitest"
import * as FuchsiaIo from "@zxsim/fidl/FuchsiaIo"
import * as Message from "@zxsim/fidl/Message"
import * as Ordinal from "@zxsim/fidl/Ordinal"
import type * as Protocol from "@zxsim/fidl/Protocol"
import * as PseudoDirectory from "@zxsim/fidl/PseudoDirectory"
import * as Wire from "@zxsim/fidl/Wire"
import { Status } from "@zxsim/kernel/Status"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import { hex, makeFileKernel, makeHandlePool, toHex } from "./utils/kernel.js"

const fk = makeFileKernel()
const pool = makeHandlePool(fk)
const { Directory, File, NodeEvents } = FuchsiaIo

/** The ordinals of the file methods, as Fuchsia's own fuchsia.io bindings have them. */
const PINNED = {
  GetAttr: 0x78985E216314DAFDn,
  SetAttr: 0x4186C0F40D938F46n,
  Sync: 0x2C5C27CA0AB5DC49n,
  Write: 0x6A31437832469F82n,
  ReadAt: 0x1607A293A60D723En,
  WriteAt: 0x793EEFC0045E792Bn,
  Seek: 0x78079168162C5207n,
  Resize: 0x2B80825F0535743An,
  Unlink: 0x750A0326A78D7BEDn,
  GetToken: 0x26AE9D18763C8655n,
  Rename: 0x7060E7723B9928DEn
} as const

describe("fuchsia.io subset ordinals", () => {
  it("are the FIDL rule over the documented selector strings", () => {
    // Pinned: the guest's C side hard-codes these numbers.
    assert.strictEqual(Directory.methods.Open.ordinal, 0x2C5044561D685EC0n)
    assert.strictEqual(Directory.methods.ReadDirents.ordinal, 0x3582806BF27FAA0An)
    assert.strictEqual(Directory.methods.Rewind.ordinal, 0x16B1202AF0F34C71n)
    assert.strictEqual(File.methods.Read.ordinal, 0x057E419A298C8EDEn)
    assert.strictEqual(Directory.methods.Close.ordinal, 0x5AC5D459AD7F657En)
    assert.strictEqual(File.methods.Close.ordinal, 0x5AC5D459AD7F657En)
    assert.strictEqual(NodeEvents.methods.OnOpen.ordinal, 0x7FC7BBB1DBFD1972n)
    // The POSIX file methods (pinned the same way: the C header is generated from these).
    const pinned: ReadonlyArray<readonly [bigint, bigint]> = [
      [Directory.methods.GetAttr.ordinal, PINNED.GetAttr],
      [Directory.methods.SetAttr.ordinal, PINNED.SetAttr],
      [Directory.methods.Sync.ordinal, PINNED.Sync],
      [File.methods.Write.ordinal, PINNED.Write],
      [File.methods.ReadAt.ordinal, PINNED.ReadAt],
      [File.methods.WriteAt.ordinal, PINNED.WriteAt],
      [File.methods.Seek.ordinal, PINNED.Seek],
      [File.methods.Resize.ordinal, PINNED.Resize],
      [Directory.methods.Unlink.ordinal, PINNED.Unlink],
      [Directory.methods.GetToken.ordinal, PINNED.GetToken],
      [Directory.methods.Rename.ordinal, PINNED.Rename]
    ]
    for (const [computed, expected] of pinned) assert.strictEqual(computed, expected)
    const all: Record<string, Protocol.Method<unknown, unknown>> = {
      ...Directory.methods,
      ...File.methods,
      ...NodeEvents.methods
    }
    for (const [name, selector] of Object.entries(FuchsiaIo.Selectors)) {
      const method = all[name]
      assert.isDefined(method, name)
      assert.strictEqual(method.ordinal, Ordinal.fromSelector(selector), name)
    }
  })

  it("every method is strict (dynamic flags 0)", () => {
    for (const protocol of [Directory, File, NodeEvents]) {
      for (const method of Object.values(protocol.methods) as ReadonlyArray<Protocol.Method<unknown, unknown>>) {
        assert.isTrue(method.strict)
      }
    }
  })
})

// Golden vectors, typed in by hand from the layout rules (fuchsia-spec.md §7.3); none of these
// bytes come from the encoder.
const READ_DIRENTS_RESPONSE = hex(`
  01 00 00 00 02 00 00 01 0a aa 7f f2 6b 80 82 35
  00 00 00 00 00 00 00 00
  1f 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff
  ff ff ff ff ff ff ff ff 01 04 2e ff ff ff ff ff
  ff ff ff 0a 08 74 65 73 74 5f 66 69 6c 65 31 00`)
const READ_RESPONSE_DATA = hex(`
  02 00 00 00 02 00 00 01 de 8e 8c 29 9a 41 7e 05
  01 00 00 00 00 00 00 00 18 00 00 00 00 00 00 00
  02 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff
  68 69 00 00 00 00 00 00`)
const READ_RESPONSE_END = hex(`
  03 00 00 00 02 00 00 01 de 8e 8c 29 9a 41 7e 05
  01 00 00 00 00 00 00 00 10 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff`)
const READ_RESPONSE_ERR = hex(`
  04 00 00 00 02 00 00 01 de 8e 8c 29 9a 41 7e 05
  02 00 00 00 00 00 00 00 f5 ff ff ff 00 00 01 00`)
const CLOSE_RESPONSE = hex(`
  05 00 00 00 02 00 00 01 7e 65 7f ad 59 d4 c5 5a
  01 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00`)
const OPEN_REQUEST = hex(`
  00 00 00 00 02 00 00 01 c0 5e 68 1d 56 44 50 2c
  01 00 08 00 00 00 00 00 01 00 00 00 00 00 00 00
  ff ff ff ff ff ff ff ff ff ff ff ff 00 00 00 00
  2e 00 00 00 00 00 00 00`)
const ON_OPEN_DIRECTORY = hex(`
  00 00 00 00 02 00 00 01 72 19 fd db b1 bb c7 7f
  00 00 00 00 00 00 00 00 03 00 00 00 00 00 00 00
  00 00 00 00 00 00 01 00`)
const REWIND_RESPONSE = hex(`06 00 00 00 02 00 00 01 71 4c f3 f0 2a 20 b1 16 00 00 00 00 00 00 00 00`)

const bytes = (s: string) => new TextEncoder().encode(s)

/** Encodes, checks the bytes, decodes them back and checks the value. */
const golden = <A>(
  type: Wire.Type<A>,
  txid: number,
  ordinal: bigint,
  value: A,
  expected: Uint8Array,
  handles: ReadonlyArray<Wire.HandleInfo> = []
) => {
  const encoded = Either.getOrThrow(Message.encode(type, { txid, ordinal }, value))
  assert.strictEqual(toHex(encoded.bytes), toHex(expected))
  const decoded = Either.getOrThrow(Message.decode(type, expected, handles))
  assert.deepStrictEqual(decoded.value, value)
  assert.strictEqual(decoded.header.txid, txid)
  assert.strictEqual(decoded.header.ordinal, ordinal)
}

describe("fuchsia.io golden vectors", () => {
  it("ReadDirents response with \".\" and test_file1, both ways; the server's first batch is exactly these bytes", () => {
    const dirents = Either.getOrThrow(FuchsiaIo.encodeDirents([
      { ino: FuchsiaIo.INO_UNKNOWN, type: FuchsiaIo.DirentType.DIRECTORY, name: "." },
      { ino: FuchsiaIo.INO_UNKNOWN, type: FuchsiaIo.DirentType.FILE, name: "test_file1" }
    ]))
    golden(
      FuchsiaIo.ReadDirentsResponse,
      1,
      Directory.methods.ReadDirents.ordinal,
      { s: Status.OK, dirents },
      READ_DIRENTS_RESPONSE
    )
    const served = PseudoDirectory.takeDirents(PseudoDirectory.make({ test_file1: "x" }), 0, 8192n)
    assert.deepStrictEqual(served, { bytes: dirents, taken: 2 })
  })

  it("Read responses: data, end of file (empty), and an error", () => {
    const read = File.methods.Read
    golden(
      FuchsiaIo.ReadResponse,
      2,
      read.ordinal,
      { _tag: "response", value: { data: bytes("hi") } },
      READ_RESPONSE_DATA
    )
    golden(
      FuchsiaIo.ReadResponse,
      3,
      read.ordinal,
      { _tag: "response", value: { data: new Uint8Array(0) } },
      READ_RESPONSE_END
    )
    golden(FuchsiaIo.ReadResponse, 4, read.ordinal, { _tag: "err", value: Status.BAD_HANDLE }, READ_RESPONSE_ERR)
  })

  it("Close and Rewind responses", () => {
    golden(FuchsiaIo.CloseResponse, 5, Directory.methods.Close.ordinal, { _tag: "response", value: {} }, CLOSE_RESPONSE)
    golden(FuchsiaIo.RewindResponse, 6, Directory.methods.Rewind.ordinal, { s: Status.OK }, REWIND_RESPONSE)
  })

  it("Open(\".\", RIGHT_READABLE | DIRECTORY) request with its channel", () => {
    const channel = pool.channels[0]
    const flags = FuchsiaIo.OpenFlags.RIGHT_READABLE | FuchsiaIo.OpenFlags.DIRECTORY
    golden(
      Directory.methods.Open.request,
      0,
      Directory.methods.Open.ordinal,
      { flags, mode: 0, path: ".", object: channel },
      OPEN_REQUEST,
      pool.infosOf([channel])
    )
  })

  it("OnOpen event for a directory", () => {
    golden(FuchsiaIo.OnOpenEvent, 0, NodeEvents.methods.OnOpen.ordinal, {
      s: Status.OK,
      info: Option.some({ _tag: "directory" as const, value: {} })
    }, ON_OPEN_DIRECTORY)
  })

  it("the largest Read and ReadDirents replies fit a message; one byte more is refused", () => {
    const read = File.methods.Read
    const full = Message.encode(FuchsiaIo.ReadResponse, { txid: 1, ordinal: read.ordinal }, {
      _tag: "response",
      value: { data: new Uint8Array(FuchsiaIo.MAX_BUF) }
    })
    assert.strictEqual(Either.getOrThrow(full).bytes.length, 16 + 16 + 16 + FuchsiaIo.MAX_BUF)
    const over = Message.encode(FuchsiaIo.ReadResponse, { txid: 1, ordinal: read.ordinal }, {
      _tag: "response",
      value: { data: new Uint8Array(FuchsiaIo.MAX_BUF + 1) }
    })
    assert.isTrue(Either.isLeft(over) && over.left.reason === "TooLong")
    const dirents = Directory.methods.ReadDirents
    const listing = Message.encode(FuchsiaIo.ReadDirentsResponse, { txid: 1, ordinal: dirents.ordinal }, {
      s: 0,
      dirents: new Uint8Array(FuchsiaIo.MAX_BUF)
    })
    assert.strictEqual(Either.getOrThrow(listing).bytes.length, 16 + 24 + FuchsiaIo.MAX_BUF)
  })

  it("a path over 4095 bytes does not decode", () => {
    const open = Directory.methods.Open
    const channel = pool.channels[1]
    const long = Message.encode(
      Wire.struct({ flags: Wire.uint32, mode: Wire.uint32, path: Wire.string(), object: Wire.endpoint }),
      { txid: 0, ordinal: open.ordinal },
      {
        flags: 0,
        mode: 0,
        path: "a".repeat(4096),
        object: channel
      }
    )
    const decoded = Message.decode(open.request, Either.getOrThrow(long).bytes, pool.infosOf([channel]))
    assert.isTrue(Either.isLeft(decoded) && decoded.left.reason === "TooLong")
  })
})

// Every message of the subset, once each (Close is shared by both protocols).
type AnyMethod = Protocol.Method<unknown, unknown>
const messages = new Map<string, readonly [Wire.Type<unknown>, AnyMethod]>()
for (const protocol of [Directory, File, NodeEvents]) {
  for (const method of Object.values(protocol.methods) as ReadonlyArray<AnyMethod>) {
    const name = method.ordinal === Directory.methods.Close.ordinal ? "Close" : method.name
    messages.set(`${name} ${protocol === NodeEvents ? "event" : "request"}`, [method.request, method])
    if (method.response !== undefined) messages.set(`${name} response`, [method.response, method])
  }
}

describe("fuchsia.io round trips", () => {
  it("covers every message of the subset", () => {
    const twoWay = [
      "Close",
      "GetAttr",
      "GetToken",
      "Read",
      "ReadAt",
      "ReadDirents",
      "Rename",
      "Resize",
      "Rewind",
      "Seek",
      "SetAttr",
      "Sync",
      "Unlink",
      "Write",
      "WriteAt"
    ]
    assert.deepStrictEqual(
      [...messages.keys()].sort(),
      [...twoWay.flatMap((m) => [`${m} request`, `${m} response`]), "OnOpen event", "Open request"].sort()
    )
  })

  for (const [name, [type, method]] of messages) {
    it.prop(
      `${name}: decode(encode(m)) = m`,
      [Wire.arbitrary(type, { handle: pool.source }), FastCheck.integer({ min: 0, max: 0x7fffffff })],
      ([value, txid]) => {
        const encoded = Either.getOrThrow(Message.encode(type, { txid, ordinal: method.ordinal }, value))
        assert.strictEqual(encoded.bytes.length % 8, 0)
        const decoded = Either.getOrThrow(Message.decode(type, encoded.bytes, pool.infosOf(encoded.handles)))
        assert.deepStrictEqual(decoded.value, value)
        assert.strictEqual(decoded.header.ordinal, method.ordinal)
      },
      { fastCheck: { numRuns: 2_000 } }
    )
  }
})

const nameArbitrary = FastCheck.string({ unit: "grapheme", minLength: 1, maxLength: 40 })
  .filter((s) => FuchsiaIo.invalidName(s) === undefined)
const direntArbitrary = FastCheck.record({
  ino: FastCheck.bigUint(2n ** 64n - 1n),
  type: FastCheck.integer({ min: 0, max: 255 }),
  name: nameArbitrary
})

describe("dirents", () => {
  it.prop(
    "decodeDirents(encodeDirents(d)) = d, each dirent 10 bytes plus its name, no padding",
    [FastCheck.array(direntArbitrary, { maxLength: 12 })],
    ([dirents]) => {
      const packed = Either.getOrThrow(FuchsiaIo.encodeDirents(dirents))
      const size = dirents.reduce((n, d) => n + FuchsiaIo.direntSize(new TextEncoder().encode(d.name).length), 0)
      assert.strictEqual(packed.length, size)
      assert.deepStrictEqual(Either.getOrThrow(FuchsiaIo.decodeDirents(packed)), dirents)
    },
    { fastCheck: { numRuns: 10_000 } }
  )

  it.prop(
    "decodeDirents of any bytes is dirents or a reason, never an exception",
    [FastCheck.uint8Array({ maxLength: 80 })],
    ([raw]) => {
      const decoded = FuchsiaIo.decodeDirents(raw)
      if (Either.isRight(decoded)) {
        assert.deepStrictEqual(Either.getOrThrow(FuchsiaIo.encodeDirents(decoded.right)), raw)
      }
    },
    { fastCheck: { numRuns: 10_000 } }
  )

  it("refuses bad names and cut-off buffers, saying where", () => {
    assert.deepStrictEqual(FuchsiaIo.encodeDirent({ ino: 0n, type: 8, name: "" }), Either.left("empty name"))
    assert.isTrue(Either.isLeft(FuchsiaIo.encodeDirent({ ino: 0n, type: 8, name: "a/b" })))
    assert.isTrue(Either.isLeft(FuchsiaIo.encodeDirent({ ino: 0n, type: 8, name: "x".repeat(256) })))
    assert.isTrue(Either.isRight(FuchsiaIo.encodeDirent({ ino: 0n, type: 8, name: "x".repeat(255) })))
    assert.deepStrictEqual(
      FuchsiaIo.decodeDirents(hex("ff ff ff ff ff ff ff ff 01")),
      Either.left("dirent at byte 0: header cut off at byte 9")
    )
    assert.deepStrictEqual(
      FuchsiaIo.decodeDirents(hex("ff ff ff ff ff ff ff ff 02 04 2e")),
      Either.left("dirent at byte 0: name of 2 bytes runs past byte 11")
    )
    assert.deepStrictEqual(
      FuchsiaIo.decodeDirents(hex("00 00 00 00 00 00 00 00 01 04 ff")),
      Either.left("dirent at byte 0: name is not UTF-8")
    )
  })

  it.prop(
    "ReadDirents batches of any size concatenate to the whole listing, each within its budget",
    [
      FastCheck.uniqueArray(nameArbitrary.filter((n) => n !== "." && n !== ".."), { maxLength: 30 }),
      FastCheck.array(FastCheck.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 8 })
    ],
    ([names, budgets]) => {
      const directory = PseudoDirectory.make(Object.fromEntries(names.map((n) => [n, n])))
      const whole = Either.getOrThrow(FuchsiaIo.decodeDirents(PseudoDirectory.takeDirents(directory, 0, 8192n).bytes))
      assert.strictEqual(whole.length, names.length + 1)
      assert.strictEqual(whole[0].name, ".")
      const encoder = new TextEncoder()
      const sorted = [...names].sort((a, b) => Buffer.compare(encoder.encode(a), encoder.encode(b)))
      assert.deepStrictEqual(whole.slice(1).map((d) => d.name), sorted)
      const got: Array<FuchsiaIo.Dirent> = []
      let cursor = 0
      for (let i = 0; cursor < directory.dirents.length; i++) {
        const budget = budgets[i % budgets.length]
        const batch = PseudoDirectory.takeDirents(directory, cursor, BigInt(budget))
        assert.isAtMost(batch.bytes.length, budget)
        if (batch.taken === 0) {
          // Too small for the next dirent: the server answers BUFFER_TOO_SMALL; try the largest budget.
          assert.isAbove(directory.dirents[cursor].length, budget)
          const big = PseudoDirectory.takeDirents(directory, cursor, 8192n)
          for (const d of Either.getOrThrow(FuchsiaIo.decodeDirents(big.bytes))) got.push(d)
          cursor += big.taken
        } else {
          for (const d of Either.getOrThrow(FuchsiaIo.decodeDirents(batch.bytes))) got.push(d)
          cursor += batch.taken
        }
      }
      assert.deepStrictEqual(got, whole)
    },
    { fastCheck: { numRuns: 2_000 } }
  )
})
