import { assert, describe, it } from "@effect/vitest"
import * as Ldsvc from "@zxsim/fidl/Ldsvc"
import * as Ordinal from "@zxsim/fidl/Ordinal"
import * as TestUtil from "@zxsim/fidl/TestUtil"
import * as FastCheck from "effect/FastCheck"
import { createHash } from "node:crypto"
import { toHex } from "./utils/kernel.js"

const digestHex = (s: string) => toHex(Ordinal.sha256Digest(new TextEncoder().encode(s))).replace(/ /g, "")

describe("Ordinal", () => {
  it("SHA-256 matches the FIPS 180-4 examples", () => {
    assert.strictEqual(digestHex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert.strictEqual(digestHex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    assert.strictEqual(
      digestHex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    )
  })

  it.prop(
    "SHA-256 agrees with node:crypto on any input",
    [FastCheck.uint8Array({ maxLength: 300 })],
    ([bytes]) =>
      toHex(Ordinal.sha256Digest(bytes)).replace(/ /g, "") === createHash("sha256").update(bytes).digest("hex"),
    { fastCheck: { numRuns: 2_000 } }
  )

  it("pins the fuchsia.ldsvc/Loader ordinals", () => {
    const m = Ldsvc.Loader.methods
    assert.strictEqual(m.Done.ordinal, 0x63BA6B76D3671001n)
    assert.strictEqual(m.LoadObject.ordinal, 0x48C5A151D6DF2853n)
    assert.strictEqual(m.Config.ordinal, 0x6A8A1A1464632841n)
    assert.strictEqual(m.Clone.ordinal, 0x57E643A9AB6E4C29n)
  })

  it("pins the test.processbuilder/Util ordinals", () => {
    const m = TestUtil.Util.methods
    assert.strictEqual(m.GetArguments.ordinal, 0x50FF7F790C425519n)
    assert.strictEqual(m.GetArgumentCount.ordinal, 0x41EF27D234ED7098n)
    assert.strictEqual(m.GetEnvironment.ordinal, 0x451E633ADF04EC23n)
    assert.strictEqual(m.GetEnvironmentCount.ordinal, 0x0E01FE768FB1BE1An)
    assert.strictEqual(m.DumpNamespace.ordinal, 0x73826CECC1A7F3A4n)
    assert.strictEqual(m.ReadFile.ordinal, 0x2EA8E2E4B427A391n)
    assert.strictEqual(m.GetLifecycleKoid.ordinal, 0x0DAECFC0FE4C8F60n)
  })

  it("clears the top bit and formats as FIDL tooling prints", () => {
    for (const name of ["a", "b", "fuchsia.io/Directory.Open", "x/y.z"]) {
      assert.isTrue(Ordinal.fromSelector(name) < 2n ** 63n)
    }
    assert.strictEqual(Ordinal.format(0x0E01FE768FB1BE1An), "0x0E01FE768FB1BE1A")
    assert.strictEqual(
      Ordinal.compute("fuchsia.ldsvc", "Loader", "Done"),
      Ordinal.fromSelector("fuchsia.ldsvc/Loader.Done")
    )
  })
})
