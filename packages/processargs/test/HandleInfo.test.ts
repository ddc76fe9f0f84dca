import { assert, describe, it } from "@effect/vitest"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as HandleType from "@zxsim/processargs/HandleType"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

// The PA_* table of the format description, written out here rather than read from the module.
const table: ReadonlyArray<readonly [HandleType.HandleType, number, string]> = [
  ["ProcessSelf", 0x01, "PA_PROC_SELF"],
  ["ThreadSelf", 0x02, "PA_THREAD_SELF"],
  ["DefaultJob", 0x03, "PA_JOB_DEFAULT"],
  ["RootVmar", 0x04, "PA_VMAR_ROOT"],
  ["LoadedVmar", 0x05, "PA_VMAR_LOADED"],
  ["LdsvcLoader", 0x10, "PA_LDSVC_LOADER"],
  ["VdsoVmo", 0x11, "PA_VMO_VDSO"],
  ["StackVmo", 0x13, "PA_VMO_STACK"],
  ["ExecutableVmo", 0x14, "PA_VMO_EXECUTABLE"],
  ["BootdataVmo", 0x1a, "PA_VMO_BOOTDATA"],
  ["BootfsVmo", 0x1b, "PA_VMO_BOOTFS"],
  ["KernelFileVmo", 0x1c, "PA_VMO_KERNEL_FILE"],
  ["ComponentConfigVmo", 0x1d, "PA_VMO_COMPONENT_CONFIG"],
  ["NamespaceDirectory", 0x20, "PA_NS_DIR"],
  ["FileDescriptor", 0x30, "PA_FD"],
  ["Lifecycle", 0x3a, "PA_LIFECYCLE"],
  ["DirectoryRequest", 0x3b, "PA_DIRECTORY_REQUEST"],
  ["EscrowedDictionary", 0x3c, "PA_ESCROWED_DICTIONARY"],
  ["LogSink", 0x3d, "PA_LOG_SINK"],
  ["Resource", 0x3f, "PA_RESOURCE"],
  ["ClockUtc", 0x40, "PA_CLOCK_UTC"],
  ["MmioResource", 0x50, "PA_MMIO_RESOURCE"],
  ["IrqResource", 0x51, "PA_IRQ_RESOURCE"],
  ["IoportResource", 0x52, "PA_IOPORT_RESOURCE"],
  ["SmcResource", 0x53, "PA_SMC_RESOURCE"],
  ["SystemResource", 0x54, "PA_SYSTEM_RESOURCE"],
  ["VmexResource", 0x55, "PA_VMEX_RESOURCE"],
  ["User0", 0xf0, "PA_USER0"],
  ["User1", 0xf1, "PA_USER1"],
  ["User2", 0xf2, "PA_USER2"]
]

const known = new Set(table.map(([, value]) => value))

describe("HandleType", () => {
  it("has every PA_* type with its value and C name, and nothing else", () => {
    assert.deepStrictEqual([...HandleType.names], table.map(([name]) => name))
    for (const [name, value, cName] of table) {
      assert.strictEqual(HandleType.toValue(name), value)
      assert.strictEqual(HandleType.fromValue(value), name)
      assert.strictEqual(HandleType.cNames[name], cName)
      assert.isTrue(Schema.is(HandleType.HandleType)(name))
    }
    for (let value = 0; value < 256; value++) {
      if (!known.has(value)) assert.isUndefined(HandleType.fromValue(value), `0x${value.toString(16)}`)
    }
    assert.isUndefined(HandleType.fromValue(0x12))
    assert.isFalse(Schema.is(HandleType.HandleType)("Bogus"))
  })
})

describe("HandleInfo", () => {
  it("packs as PA_HND (the spec's derived examples)", () => {
    assert.strictEqual(HandleInfo.unsafeMake("User0", 0).raw, 0x000000f0)
    assert.strictEqual(HandleInfo.unsafeMake("NamespaceDirectory", 1).raw, 0x00010020)
    assert.strictEqual(HandleInfo.unsafeMake("VdsoVmo", 1).raw, 0x00010011)
    assert.strictEqual(HandleInfo.unsafeMake("User1", 0x1234).raw, 0x123400f1)
    assert.strictEqual(HandleInfo.unsafeMake("User2", 0xffff).raw, 0xffff00f2)
    assert.strictEqual(HandleInfo.pack(0x20, 1), 0x00010020)
    assert.strictEqual(HandleInfo.rawType(0x123400f1), 0xf1)
    assert.strictEqual(HandleInfo.rawArg(0x123400f1), 0x1234)
    assert.strictEqual(HandleInfo.fromType("DefaultJob").raw, 0x03)
  })

  it("refuses arguments that are not u16", () => {
    for (const arg of [-1, 0x10000, 1.5, Number.NaN]) {
      const result = HandleInfo.make("FileDescriptor", arg)
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left._tag, "HandleArgOutOfRange")
        assert.include(result.left.message, "FileDescriptor")
      }
      assert.throws(() => HandleInfo.unsafeMake("FileDescriptor", arg))
    }
    assert.isTrue(Either.isRight(HandleInfo.make("FileDescriptor", 0xffff)))
  })

  it("fromRaw refuses reserved bits 8-15 before an unknown type", () => {
    const reserved = HandleInfo.fromRaw(0x000001f0)
    assert.isTrue(Either.isLeft(reserved) && reserved.left._tag === "InvalidHandleInfo")
    const both = HandleInfo.fromRaw(0x0000ff12)
    assert.isTrue(Either.isLeft(both) && both.left._tag === "InvalidHandleInfo")
    const unknown = HandleInfo.fromRaw(0x00050012)
    assert.isTrue(Either.isLeft(unknown) && unknown.left._tag === "UnknownHandleType")
    if (Either.isLeft(unknown)) {
      assert.strictEqual(unknown.left.message, "Unknown handle type 0x12 in handle info 0x00050012")
    }
    const zero = HandleInfo.fromRaw(0)
    assert.isTrue(Either.isLeft(zero) && zero.left._tag === "UnknownHandleType")
  })

  it("prints, compares by value and hashes", () => {
    const a = HandleInfo.unsafeMake("User1", 0x1234)
    const b = HandleInfo.unsafeMake("User1", 0x1234)
    assert.strictEqual(String(a), "HandleInfo(User1, 0x1234)")
    assert.isTrue(Equal.equals(a, b))
    assert.isFalse(Equal.equals(a, HandleInfo.unsafeMake("User1", 0x1235)))
    assert.deepStrictEqual(a.toJSON(), { _id: "HandleInfo", type: "User1", arg: 0x1234 })
    const decoded = Schema.decodeUnknownEither(HandleInfo.HandleInfoFromRaw)(0x123400f1)
    assert.isTrue(Either.isRight(decoded) && Equal.equals(decoded.right, a))
    assert.strictEqual(Schema.encodeSync(HandleInfo.HandleInfoFromRaw)(a), 0x123400f1)
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(HandleInfo.HandleInfoFromRaw)(0x0100)))
  })

  it.prop("fromRaw(info.raw) gives the info back", { info: HandleInfo.HandleInfoFromSelf }, ({ info }) => {
    const back = HandleInfo.fromRaw(info.raw)
    return Either.isRight(back) && Equal.equals(back.right, info) && HandleInfo.rawArg(info.raw) === info.arg &&
      HandleType.fromValue(HandleInfo.rawType(info.raw)) === info.type
  }, { fastCheck: { numRuns: 10_000 } })

  it.prop(
    "fromRaw of any u32 is the info it packs, or the typed error the Rust try_from gives",
    { raw: FastCheck.oneof(FastCheck.nat({ max: 0xffffffff }), FastCheck.integer({ min: 0, max: 0xffff })) },
    ({ raw }) => {
      const result = HandleInfo.fromRaw(raw)
      if ((raw & 0xff00) !== 0) {
        return Either.isLeft(result) && result.left._tag === "InvalidHandleInfo" && result.left.raw === raw
      }
      if (!known.has(raw & 0xff)) {
        return Either.isLeft(result) && result.left._tag === "UnknownHandleType" && result.left.raw === raw
      }
      return Either.isRight(result) && result.right.raw === raw
    },
    { fastCheck: { numRuns: 10_000 } }
  )
})
