/**
 * The start-up's pure parts (vDSO symbol lookup, self-relocation, processargs parsing) compiled for
 * the host with the host's C compiler and run on inputs made here: the real vDSO image, the
 * processargs golden vector of Fuchsia's crate, and random and mutated messages.
 */
import { assert, describe, it } from "@effect/vitest"
import { table } from "@zxsim/kernel/Syscalls"
import * as Vdso from "@zxsim/kernel/Vdso"
import * as FastCheck from "effect/FastCheck"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll } from "vitest"
import * as Guests from "../src/Guests.js"
import { buildHostProgram, packageDir, runHostProgram } from "./utils.js"

const workDir = mkdtempSync(path.join(os.tmpdir(), "zxsim-guest-host-"))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))

const harness = buildHostProgram("harness", workDir)

const runHarness = (args: ReadonlyArray<string>): string => runHostProgram(harness!, args)

/** A processargs message as Fuchsia's crate lays it out (§1.3 of the reference). */
interface Contents {
  readonly infos: ReadonlyArray<number>
  readonly args: ReadonlyArray<Uint8Array>
  readonly env: ReadonlyArray<Uint8Array>
  readonly names: ReadonlyArray<Uint8Array>
}

const encode = (c: Contents): Uint8Array => {
  const strings = (list: ReadonlyArray<Uint8Array>) => list.reduce((n, s) => n + s.length + 1, 0)
  const handleInfoOff = 36
  const argsOff = handleInfoOff + 4 * c.infos.length
  const environOff = argsOff + strings(c.args)
  const namesOff = environOff + strings(c.env)
  const bytes = new Uint8Array(namesOff + strings(c.names))
  const view = new DataView(bytes.buffer)
  const header = [
    0x4150585d,
    0x1000,
    handleInfoOff,
    argsOff,
    c.args.length,
    environOff,
    c.env.length,
    namesOff,
    c.names.length
  ]
  header.forEach((v, i) => view.setUint32(4 * i, v, true))
  c.infos.forEach((v, i) => view.setUint32(handleInfoOff + 4 * i, v, true))
  let at = argsOff
  for (const s of [...c.args, ...c.env, ...c.names]) {
    bytes.set(s, at)
    at += s.length + 1
  }
  return bytes
}

const hexList = (list: ReadonlyArray<Uint8Array>) =>
  list.length === 0
    ? "-"
    : list.map((s) => (s.length === 0 ? "~" : Buffer.from(s).toString("hex"))).join(",")

const expectedLine = (c: Contents) =>
  `ok ${hexList(c.args)} ${hexList(c.env)} ${hexList(c.names)} ${
    c.infos.length === 0 ? "-" : c.infos.map((i) => i.toString(16)).join(",")
  }`

/** Writes records (u32 num_bytes, u32 num_handles, bytes) and returns the harness's lines. */
const parseAll = (records: ReadonlyArray<{ readonly bytes: Uint8Array; readonly handles: number }>): Array<string> => {
  const parts = records.flatMap((r) => {
    const head = new Uint8Array(8)
    new DataView(head.buffer).setUint32(0, r.bytes.length, true)
    new DataView(head.buffer).setUint32(4, r.handles, true)
    return [head, r.bytes]
  })
  const file = path.join(workDir, `messages-${records.length}-${parts.length}.bin`)
  writeFileSync(file, Buffer.concat(parts))
  return runHarness(["processargs", file]).trimEnd().split("\n")
}

const text = (s: string) => new TextEncoder().encode(s)

const arbitraryString = FastCheck.uint8Array({ minLength: 0, maxLength: 24 }).map((b) =>
  b.map((x) => (x === 0 ? 1 : x))
)
const arbitraryContents: FastCheck.Arbitrary<Contents> = FastCheck.record({
  infos: FastCheck.array(
    FastCheck.tuple(FastCheck.integer({ min: 0, max: 0xff }), FastCheck.integer({ min: 0, max: 0xffff })).map(
      ([type, arg]) => (type | (arg << 16)) >>> 0
    ),
    { maxLength: 64 }
  ),
  args: FastCheck.array(arbitraryString, { maxLength: 8 }),
  env: FastCheck.array(arbitraryString, { maxLength: 8 }),
  names: FastCheck.array(arbitraryString, { maxLength: 4 })
})

describe("start-up helpers on the host", () => {
  if (harness === undefined) {
    // No host C compiler: check instead that the committed programs carry the start-up code that
    // these tests would exercise (its vDSO name list, in syscall-table order).
    it("the committed programs carry the start-up's vDSO name list", () => {
      const needle = Buffer.from(table.map((s) => `_zx_${s.name}\0`).join(""))
      for (
        const name of Guests.guests.filter((g) => g.kind !== "dynamic" && g.name !== "static_pie_test_util").map((g) =>
          g.name
        )
      ) {
        assert.isTrue(readFileSync(Guests.path(name)).includes(needle), name)
      }
    })
    return
  }

  it("zxs_relocate_self applies R_RISCV_RELATIVE and refuses every other relocation", () => {
    assert.strictEqual(runHarness(["relocate"]), "ok\n")
  })

  it("zxs_dso_lookup finds every _zx_ and zx_ symbol of the vDSO through DT_GNU_HASH and through DT_HASH", () => {
    const vdso = path.join(packageDir, "sysroot", "lib", "libzircon.so")
    const symbols = Vdso.layout().symbols
    assert.strictEqual(symbols.length, 2 * table.length)
    const misses = [
      "",
      "zx_",
      "_zx_",
      "_zx_handle_clos",
      "_zx_handle_close_",
      "zx_nonexistent",
      "ZX_HANDLE_CLOSE",
      "libzircon.so"
    ]
    const names = [...symbols.map((s) => s.name), ...misses]
    const expected = [...symbols.map((s) => `${s.name} ${s.value.toString(16)}`), ...misses.map((m) => `${m} 0`)]
    for (const mode of [[], ["--sysv"]]) {
      const lines = runHarness(["lookup", vdso, ...mode, ...names]).trimEnd().split("\n")
      assert.deepStrictEqual(lines, expected, mode.join(" "))
    }
    // Every stub is where the table's number puts it.
    for (const s of table) {
      const stub = symbols.find((x) => x.name === `_zx_${s.name}`)!
      assert.strictEqual(stub.value, Vdso.layout().codeOffset + s.number * Vdso.STUB_SIZE)
    }
  })

  it("parses the golden processargs message of Fuchsia's crate", () => {
    // build_and_write_message: handles [User1 0x1234, NsDir 0, NsDir 1], args, env, two paths.
    const golden = Uint8Array.from([
      0x5d,
      0x58,
      0x50,
      0x41,
      0x00,
      0x10,
      0x00,
      0x00,
      0x24,
      0x00,
      0x00,
      0x00,
      0x30,
      0x00,
      0x00,
      0x00,
      0x03,
      0x00,
      0x00,
      0x00,
      0x3f,
      0x00,
      0x00,
      0x00,
      0x01,
      0x00,
      0x00,
      0x00,
      0x47,
      0x00,
      0x00,
      0x00,
      0x02,
      0x00,
      0x00,
      0x00,
      0xf1,
      0x00,
      0x34,
      0x12,
      0x20,
      0x00,
      0x00,
      0x00,
      0x20,
      0x00,
      0x01,
      0x00,
      ...text("arg1\0arg2\0arg3\0FOO=BAR\0/data\0/pkg\0")
    ])
    assert.strictEqual(golden.length, 82)
    const contents: Contents = {
      infos: [0x123400f1, 0x20, 0x10020],
      args: ["arg1", "arg2", "arg3"].map(text),
      env: [text("FOO=BAR")],
      names: ["/data", "/pkg"].map(text)
    }
    assert.deepStrictEqual(encode(contents), golden)
    assert.deepStrictEqual(parseAll([{ bytes: golden, handles: 3 }]), [expectedLine(contents)])
  })

  it("refuses short, foreign and inconsistent messages", () => {
    const good = encode({ infos: [0xf0], args: [text("a")], env: [], names: [] })
    const with_ = (at: number, value: number) => {
      const b = good.slice()
      new DataView(b.buffer).setUint32(at, value, true)
      return b
    }
    const lines = parseAll([
      { bytes: good, handles: 1 },
      { bytes: good.subarray(0, 35), handles: 0 }, // shorter than the header
      { bytes: with_(0, 0x4150585e), handles: 1 }, // protocol
      { bytes: with_(4, 0x2000), handles: 1 }, // version
      { bytes: good, handles: 3 }, // more handles than info words fit
      { bytes: with_(12, 1000), handles: 1 }, // args past the end
      { bytes: with_(16, 2), handles: 1 }, // a second argument that is not there
      { bytes: good.subarray(0, good.length - 1), handles: 1 }, // last string not terminated
      { bytes: with_(24, 1), handles: 1 } // an environment string past the end
    ])
    assert.deepStrictEqual(lines, [
      "ok 61 - - f0",
      "error -1",
      "error -2",
      "error -2",
      "error -3",
      "error -4",
      "error -4",
      "error -4",
      "error -4"
    ])
  })

  it("round-trips random messages", () => {
    const samples = FastCheck.sample(arbitraryContents, { numRuns: 300, seed: 8 })
    const lines = parseAll(samples.map((c) => ({ bytes: encode(c), handles: c.infos.length })))
    assert.deepStrictEqual(lines, samples.map(expectedLine))
  })

  it("never reads outside a mutated message (under AddressSanitizer when available)", () => {
    const arbitraryMutation = FastCheck.tuple(
      arbitraryContents,
      FastCheck.array(FastCheck.tuple(FastCheck.nat(), FastCheck.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 6
      }),
      FastCheck.nat(),
      FastCheck.integer({ min: 0, max: 70 })
    ).map(([contents, flips, cut, handles]) => {
      const bytes = encode(contents)
      for (const [at, value] of flips) bytes[at % bytes.length] = value
      return { bytes: bytes.subarray(0, bytes.length - (cut % 8)), handles }
    })
    const samples = FastCheck.sample(arbitraryMutation, { numRuns: 300, seed: 88 })
    const lines = parseAll(samples)
    assert.strictEqual(lines.length, samples.length)
    for (const line of lines) assert.match(line, /^(ok .*|error -[1-4])$/)
  })
})
