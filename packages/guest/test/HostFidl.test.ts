/**
 * The C side's hand-written FIDL (sysroot/src/fidl-wire.h) compiled for the host and checked
 * against fuchsia-spec.md's golden vectors and against @zxsim/fidl's own encoders and decoders on
 * random values: every message ld.so.1 and the test util send or receive, and the decoders'
 * refusals of malformed ones.
 */
import { assert, describe, it } from "@effect/vitest"
import * as FuchsiaIo from "@zxsim/fidl/FuchsiaIo"
import * as Ldsvc from "@zxsim/fidl/Ldsvc"
import * as Message from "@zxsim/fidl/Message"
import * as TestUtil from "@zxsim/fidl/TestUtil"
import type * as Wire from "@zxsim/fidl/Wire"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll } from "vitest"
import { buildHostProgram, runHostProgram } from "./utils.js"

const workDir = mkdtempSync(path.join(os.tmpdir(), "zxsim-guest-fidl-"))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))
const harness = buildHostProgram("fidl", workDir)

let batch = 0
/** Runs the commands in one harness process; one output line per command. */
const run = (commands: ReadonlyArray<string>): Array<string> => {
  const file = path.join(workDir, `commands-${batch++}.txt`)
  writeFileSync(file, commands.join("\n") + "\n")
  const lines = runHostProgram(harness!, [file]).trimEnd().split("\n")
  assert.strictEqual(lines.length, commands.length)
  return lines
}

const utf8 = new TextEncoder()
const hexOf = (bytes: Uint8Array) => (bytes.length === 0 ? "-" : Buffer.from(bytes).toString("hex"))
const bytesOf = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/\s+/g, ""), "hex"))
const listOf = (
  strings: ReadonlyArray<string>
) => (strings.length === 0 ? "-" : strings.map((s) => (s === "" ? "~" : hexOf(utf8.encode(s)))).join(","))
const ord = (n: bigint) => n.toString(16)
const encode = <A>(type: Wire.Type<A>, txid: number, ordinal: bigint, value: A) =>
  Either.getOrThrow(Message.encode(type, { txid, ordinal }, value)).bytes
const edit = (bytes: Uint8Array, f: (view: DataView, bytes: Uint8Array) => void) => {
  const copy = bytes.slice()
  f(new DataView(copy.buffer), copy)
  return copy
}

const util = TestUtil.Util.methods
const io = FuchsiaIo.Directory.methods
const loadObject = Ldsvc.Loader.methods.LoadObject

/** Strings without NUL (C strings), of any Unicode. */
const cString = FastCheck.string({ unit: "binary", maxLength: 40 }).map((s) => s.replaceAll("\0", ""))
const CASES = 150

/** The environment split rule of the test util (fuchsia-spec.md §9.2). */
const split = (entries: ReadonlyArray<string>) =>
  entries.flatMap((entry) => {
    const at = entry.indexOf("=", 1)
    return entry.length === 0 || at < 0 ? [] : [{ key: entry.slice(0, at), value: entry.slice(at + 1) }]
  })

describe.skipIf(harness === undefined)("the C side's FIDL on the host", () => {
  it("fuchsia.ldsvc LoadObject: the golden vectors of fuchsia-spec.md §6, and random names as @zxsim/fidl encodes them", () => {
    const golden = bytesOf("01000000 02000001 5328dfd6 51a1c548 07000000 00000000 ffffffff ffffffff 6c642e73 6f2e3100")
    const names = FastCheck.sample(cString, { numRuns: CASES, seed: 1 })
    const out = run([
      `ldsvc-request ${hexOf(utf8.encode("ld.so.1"))}`,
      ...names.map((n) => `ldsvc-request ${hexOf(utf8.encode(n))}`)
    ])
    assert.strictEqual(out[0], hexOf(golden))
    names.forEach((name, i) =>
      assert.strictEqual(
        out[i + 1],
        hexOf(encode(Ldsvc.LoadObjectRequest, 1, loadObject.ordinal, { objectName: name }))
      )
    )

    const ok = bytesOf("01000000 02000001 5328dfd6 51a1c548 00000000 ffffffff")
    const notFound = bytesOf("01000000 02000001 5328dfd6 51a1c548 e7ffffff 00000000")
    const replies: ReadonlyArray<readonly [Uint8Array, number, string]> = [
      [ok, 1, "ok 0 1"],
      [notFound, 0, "ok -25 0"],
      [edit(ok, (v) => v.setUint32(20, 0x12345678, true)), 1, "error -5"],
      [ok, 0, "error -9"],
      [notFound, 1, "error -9"],
      [ok.subarray(0, 23), 1, "error -4"],
      [new Uint8Array([...ok, 0, 0, 0, 0, 0, 0, 0, 0]), 1, "error -4"],
      [edit(ok, (v) => v.setUint8(8, 0x54)), 1, "error -3"],
      [edit(ok, (v) => v.setUint8(7, 2)), 1, "error -2"],
      [edit(ok, (v) => v.setUint8(4, 0)), 1, "error -2"],
      [ok.subarray(0, 15), 1, "error -1"]
    ]
    assert.deepStrictEqual(run(replies.map(([b, h]) => `ldsvc-response ${hexOf(b)} ${h}`)), replies.map(([, , e]) => e))
  })

  it("Util replies: the GetArguments vector of fuchsia-spec.md §7.4, and every reply as @zxsim/fidl encodes it", () => {
    const golden = bytesOf(`
      05000000 02000001 1955420c 797fff50 03000000 00000000 ffffffff ffffffff
      04000000 00000000 ffffffff ffffffff 04000000 00000000 ffffffff ffffffff
      04000000 00000000 ffffffff ffffffff 61726730 00000000 61726731 00000000
      61726732 00000000`)
    const lists = FastCheck.sample(FastCheck.array(cString, { maxLength: 12 }), { numRuns: CASES, seed: 2 })
    const envs = FastCheck.sample(
      FastCheck.array(
        FastCheck.oneof(
          cString,
          FastCheck.tuple(cString, cString).map(([k, v]) => `${k}=${v}`),
          FastCheck.constantFrom("", "=", "==x", "=a=b", "a=")
        ),
        { maxLength: 12 }
      ),
      { numRuns: CASES, seed: 3 }
    )
    const numbers = FastCheck.sample(FastCheck.bigUint({ max: (1n << 64n) - 1n }), { numRuns: 20, seed: 4 })
    const texts = FastCheck.sample(FastCheck.string({ unit: "binary", maxLength: 200 }), { numRuns: 40, seed: 5 })
    const commands = [
      `strings-response 5 ${ord(util.GetArguments.ordinal)} ${listOf(["arg0", "arg1", "arg2"])}`,
      ...lists.map((l, i) => `strings-response ${i + 1} ${ord(util.GetArguments.ordinal)} ${listOf(l)}`),
      ...envs.map((e, i) => `env-response ${i + 7} ${ord(util.GetEnvironment.ordinal)} ${listOf(e)}`),
      ...envs.map((e) => `env-count ${listOf(e)}`),
      ...numbers.map((n, i) => `u64-message ${i + 1} ${ord(util.GetArgumentCount.ordinal)} ${n}`),
      ...texts.map((t, i) => `string-response ${i + 1} ${ord(util.DumpNamespace.ordinal)} ${hexOf(utf8.encode(t))}`)
    ]
    const out = run(commands)
    const expected = [
      hexOf(golden),
      ...lists.map((l, i) =>
        hexOf(encode(TestUtil.GetArgumentsResponse, i + 1, util.GetArguments.ordinal, { args: l }))
      ),
      ...envs.map((e, i) =>
        hexOf(encode(TestUtil.GetEnvironmentResponse, i + 7, util.GetEnvironment.ordinal, { vars: split(e) }))
      ),
      ...envs.map((e) => String(split(e).length)),
      ...numbers.map((n, i) =>
        hexOf(encode(TestUtil.GetArgumentCountResponse, i + 1, util.GetArgumentCount.ordinal, { count: n }))
      ),
      ...texts.map((t, i) =>
        hexOf(encode(TestUtil.DumpNamespaceResponse, i + 1, util.DumpNamespace.ordinal, { contents: t }))
      )
    ]
    assert.deepStrictEqual(out, expected)
    assert.strictEqual(golden.length, 104)
  })

  it("Util requests: ReadFile paths as @zxsim/fidl encodes them; malformed requests refused", () => {
    const paths = FastCheck.sample(FastCheck.string({ unit: "binary", maxLength: 100 }), { numRuns: CASES, seed: 6 })
    // 15 bytes: one byte of padding.
    const good = encode(TestUtil.ReadFileRequest, 3, util.ReadFile.ordinal, { path: "/dir1/test_fil1" })
    const bad: ReadonlyArray<readonly [Uint8Array, number, string]> = [
      [good, 0, `ok ${hexOf(utf8.encode("/dir1/test_fil1"))}`],
      [good, 1, "error -9"],
      [edit(good, (_v, b) => (b[32] = 0xff)), 0, "error -8"],
      [edit(good, (_v, b) => (b[good.length - 1] = 1)), 0, "error -6"],
      [edit(good, (v) => v.setBigUint64(24, 0n, true)), 0, "error -5"],
      [new Uint8Array([...good, 0, 0, 0, 0, 0, 0, 0, 0]), 0, "error -4"],
      [good.subarray(0, 24), 0, "error -1"]
    ]
    const out = run([
      ...paths.map((p) =>
        `read-file-decode ${hexOf(encode(TestUtil.ReadFileRequest, 1, util.ReadFile.ordinal, { path: p }))} 0`
      ),
      ...bad.map(([b, h]) => `read-file-decode ${hexOf(b)} ${h}`),
      "util-empty 16 0",
      "util-empty 24 0",
      "util-empty 16 1"
    ])
    assert.deepStrictEqual(out, [
      ...paths.map((p) => `ok ${hexOf(utf8.encode(p))}`),
      ...bad.map(([, , e]) => e),
      "ok",
      "error -4",
      "error -9"
    ])
  })

  it.effect("fuchsia.io Open: encoded as @zxsim/fidl encodes it (with its channel), decoded back, malformed ones refused", () =>
    Effect.gen(function*() {
      const k = yield* Kernel.Kernel
      const [, server] = yield* k.channel.create()
      const opens = FastCheck.sample(
        FastCheck.record({
          flags: FastCheck.integer({ min: 0, max: 0xffffffff }),
          mode: FastCheck.integer({ min: 0, max: 0xffffffff }),
          path: FastCheck.string({ unit: "binary", maxLength: 60 })
        }),
        { numRuns: CASES, seed: 8 }
      )
      const encoded = opens.map((o) => encode(FuchsiaIo.OpenRequest, 0, io.Open.ordinal, { ...o, object: server }))
      const good = encoded[0]!
      const out = run([
        ...opens.map((o) => `open-request ${o.flags} ${o.mode} ${hexOf(utf8.encode(o.path))}`),
        ...encoded.map((b) => `open-decode ${hexOf(b)} 1`),
        `open-decode ${hexOf(good)} 0`,
        `open-decode ${hexOf(edit(good, (v) => v.setUint32(40, 0, true)))} 1`,
        `open-decode ${hexOf(edit(good, (_v, b) => (b[44] = 1)))} 1`,
        `open-decode ${hexOf(good.subarray(0, 40))} 1`,
        `open-decode ${hexOf(edit(good, (v) => v.setBigUint64(24, 4096n, true)))} 1`
      ])
      assert.deepStrictEqual(out, [
        ...encoded.map(hexOf),
        ...opens.map((o) => `ok ${o.flags} ${o.mode} ${hexOf(utf8.encode(o.path))}`),
        "error -9",
        "error -5",
        "error -6",
        "error -1",
        "error -7"
      ])
    }).pipe(Effect.scoped, Effect.provide(Kernel.layer)))

  it("fuchsia.io requests and replies: ReadDirents, Rewind, Read, Close, epitaphs, dirents", () => {
    const dirents = FastCheck.sample(
      FastCheck.record({ s: FastCheck.integer({ min: -80, max: 0 }), data: FastCheck.uint8Array({ maxLength: 8192 }) }),
      { numRuns: 60, seed: 9 }
    )
    const reads = FastCheck.sample(
      FastCheck.oneof(
        FastCheck.uint8Array({ maxLength: 8192 }).map((data) => ({ _tag: "response" as const, value: { data } })),
        FastCheck.integer({ min: -80, max: -1 }).map((value) => ({ _tag: "err" as const, value }))
      ),
      { numRuns: 60, seed: 10 }
    )
    const entries = FastCheck.sample(
      FastCheck.array(
        FastCheck.record({
          ino: FastCheck.bigUint({ max: (1n << 64n) - 1n }),
          type: FastCheck.integer({ min: 0, max: 255 }),
          name: FastCheck.string({ unit: "grapheme", minLength: 1, maxLength: 30 }).filter((n) =>
            FuchsiaIo.invalidName(n) === undefined
          )
        }),
        { maxLength: 10 }
      ),
      { numRuns: 60, seed: 11 }
    )
    const closes = [{ _tag: "response" as const, value: {} }, { _tag: "err" as const, value: -2 }]
    const readOk = encode(FuchsiaIo.ReadResponse, 1, FuchsiaIo.File.methods.Read.ordinal, {
      _tag: "response",
      value: { data: new Uint8Array([1, 2, 3]) }
    })
    const readErr = encode(FuchsiaIo.ReadResponse, 1, FuchsiaIo.File.methods.Read.ordinal, { _tag: "err", value: -25 })
    const direntsOk = encode(FuchsiaIo.ReadDirentsResponse, 1, io.ReadDirents.ordinal, {
      s: 0,
      dirents: new Uint8Array(8)
    })
    const commands = [
      `u64-message 1 ${ord(io.ReadDirents.ordinal)} 8192`,
      `u64-message 1 ${ord(FuchsiaIo.File.methods.Read.ordinal)} 8192`,
      `empty-message 1 ${ord(io.Rewind.ordinal)}`,
      `empty-message 1 ${ord(io.Close.ordinal)}`,
      ...dirents.map((d) =>
        `dirents-response ${
          hexOf(encode(FuchsiaIo.ReadDirentsResponse, 1, io.ReadDirents.ordinal, { s: d.s, dirents: d.data }))
        } 0`
      ),
      ...[0, -2].map((s) =>
        `rewind-response ${hexOf(encode(FuchsiaIo.RewindResponse, 1, io.Rewind.ordinal, { s }))} 0`
      ),
      ...reads.map((r) =>
        `read-response ${hexOf(encode(FuchsiaIo.ReadResponse, 1, FuchsiaIo.File.methods.Read.ordinal, r))} 0`
      ),
      ...closes.map((c) => `close-response ${hexOf(encode(FuchsiaIo.CloseResponse, 1, io.Close.ordinal, c))} 0`),
      `close-encode 9`,
      ...[-25, 0, -2].map((s) => `epitaph-encode ${s}`),
      `epitaph-decode ${hexOf(Message.encodeEpitaph(-51))}`,
      `epitaph-decode ${hexOf(readErr)}`,
      ...entries.map((e) => `dirents ${hexOf(Either.getOrThrow(FuchsiaIo.encodeDirents(e)))}`),
      // Refusals.
      `read-response ${hexOf(edit(readOk, (v) => v.setBigUint64(16, 3n, true)))} 0`,
      `read-response ${hexOf(edit(readErr, (v) => v.setUint16(30, 0, true)))} 0`,
      `read-response ${hexOf(edit(readErr, (v) => v.setInt32(24, 0, true)))} 0`,
      `read-response ${hexOf(edit(readOk, (v) => v.setUint32(24, 32, true)))} 0`,
      `read-response ${hexOf(readOk)} 1`,
      `dirents-response ${hexOf(edit(direntsOk, (v) => v.setBigUint64(24, 8193n, true)))} 0`,
      `dirents-response ${hexOf(edit(direntsOk, (_v, b) => (b[20] = 1)))} 0`,
      `dirents-response ${hexOf(direntsOk)} 1`,
      `dirents 0000000000000000050861`
    ]
    const expected = [
      hexOf(encode(FuchsiaIo.ReadDirentsRequest, 1, io.ReadDirents.ordinal, { maxBytes: 8192n })),
      hexOf(encode(FuchsiaIo.ReadRequest, 1, FuchsiaIo.File.methods.Read.ordinal, { count: 8192n })),
      hexOf(encode(io.Rewind.request, 1, io.Rewind.ordinal, undefined)),
      hexOf(encode(io.Close.request, 1, io.Close.ordinal, undefined)),
      ...dirents.map((d) => `ok ${d.s} ${hexOf(d.data)}`),
      "ok 0",
      "ok -2",
      ...reads.map((r) => (r._tag === "response" ? `ok 0 ${hexOf(r.value.data)}` : `ok ${r.value} -`)),
      "ok 0",
      "ok -2",
      hexOf(encode(FuchsiaIo.CloseResponse, 9, io.Close.ordinal, { _tag: "response", value: {} })),
      ...[-25, 0, -2].map((s) => hexOf(Message.encodeEpitaph(s))),
      "ok -51",
      "error -3",
      ...entries.map((e) =>
        e.length === 0
          ? "ok -"
          : `ok ${e.map((d) => `${d.ino.toString(16)}:${d.type}:${hexOf(utf8.encode(d.name))}`).join(",")}`
      ),
      "error -10",
      "error -10",
      "error -10",
      "error -4",
      "error -9",
      "error -7",
      "error -6",
      "error -9",
      "ok - error"
    ]
    assert.deepStrictEqual(run(commands), expected)
  })

  it("UTF-8 validation agrees with a strict decoder (random bytes and random text)", () => {
    const fatal = new TextDecoder("utf-8", { fatal: true })
    const valid = (b: Uint8Array) => {
      try {
        fatal.decode(b)
        return true
      } catch {
        return false
      }
    }
    const samples = [
      ...FastCheck.sample(FastCheck.uint8Array({ maxLength: 12 }), { numRuns: 300, seed: 13 }),
      ...FastCheck.sample(FastCheck.string({ unit: "binary", maxLength: 20 }).map((s) => utf8.encode(s)), {
        numRuns: 100,
        seed: 14
      }),
      ...["ed a0 80", "c0 80", "f4 90 80 80", "e0 80 80", "f0 80 80 80", "ef bf bd", "f4 8f bf bf", "c2", "e2 82"].map(
        bytesOf
      )
    ]
    assert.deepStrictEqual(run(samples.map((b) => `utf8 ${hexOf(b)}`)), samples.map((b) => (valid(b) ? "1" : "0")))
  })
})
