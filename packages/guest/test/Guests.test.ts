import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, describe, it } from "@effect/vitest"
import { table } from "@zxsim/kernel/Syscalls"
import * as Effect from "effect/Effect"
import { createHash } from "node:crypto"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import * as path from "node:path"
import * as Guests from "../src/Guests.js"
import * as StaticPie from "../src/internal/staticPie.js"
import { packageDir } from "./utils.js"

const manifest = JSON.parse(readFileSync(path.join(packageDir, "bin", "manifest.json"), "utf8")) as {
  readonly toolchain: Record<string, string>
  readonly programs: Record<string, { readonly size: number; readonly sha256: string }>
}

describe("Guests", () => {
  it("describes every prebuilt program once, each with its C source", () => {
    assert.deepStrictEqual(
      Guests.guests.map((g) => g.name),
      [...Guests.names]
    )
    for (const g of Guests.guests) {
      const source = g.kind === "benchmark" ? `src-c/bench/${g.name}.c` : `src-c/${g.name}.c`
      assert.isTrue(existsSync(path.join(packageDir, source)), source)
      assert.isTrue(g.description.length > 0)
      assert.strictEqual(Guests.guest(g.name), g)
      assert.isTrue(Guests.isName(g.name))
    }
    assert.isFalse(Guests.isName("no_such_program"))
  })

  it("gives the ending a test should expect", () => {
    for (const g of Guests.guests.filter((g) => g.kind === "hostile")) {
      assert.include(["Exits", "Killed", "RunsUntilKilled"], g.ending._tag)
    }
    const killed = Guests.guests.filter((g) => g.ending._tag === "Killed").map((g) => g.name)
    assert.deepStrictEqual(killed, ["wild_jump", "write_code", "read_unmapped", "illegal_instruction", "ecall_outside_vdso"])
    assert.isTrue(Guests.guests.every((g) => g.ending._tag !== "Killed" || g.ending.returnCode === -1028))
    assert.deepStrictEqual(Guests.guest("endless_loop").ending, { _tag: "RunsUntilKilled", returnCode: -1024 })
    assert.deepStrictEqual(Guests.guest("allocate_forever").ending, { _tag: "Exits", returnCode: 3 })
  })

  it("resolves paths into bin/ next to the sources", () => {
    assert.strictEqual(path.resolve(Guests.binDirectory), path.join(packageDir, "bin"))
    for (const name of Guests.names) {
      assert.strictEqual(Guests.path(name), path.join(packageDir, "bin", name))
      assert.strictEqual(Guests.paths[name], Guests.path(name))
      assert.strictEqual(Guests.url(name).protocol, "file:")
    }
  })

  it("bin/ holds exactly the programs and the manifest", () => {
    assert.deepStrictEqual(readdirSync(path.join(packageDir, "bin")).sort(), [...Guests.names, "manifest.json"].sort())
    assert.deepStrictEqual(Object.keys(manifest.programs), [...Guests.names])
  })

  it.effect("reads a program's ELF file", () =>
    Effect.gen(function* () {
      for (const name of ["hello", "static_pie_test_util"] as const) {
        const bytes = yield* Guests.read(name)
        assert.deepStrictEqual(bytes, new Uint8Array(readFileSync(Guests.path(name))))
        assert.deepStrictEqual([...bytes.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46])
      }
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it("every committed program is the file the manifest recorded", () => {
    for (const name of Guests.names) {
      const bytes = readFileSync(Guests.path(name))
      assert.strictEqual(bytes.length, manifest.programs[name]!.size, name)
      assert.strictEqual(createHash("sha256").update(bytes).digest("hex"), manifest.programs[name]!.sha256, name)
    }
  })

  it("every committed program is a riscv64 static PIE: ET_DYN, no PT_INTERP, only R_RISCV_RELATIVE, entry _start", () => {
    for (const name of Guests.names) {
      const bytes = new Uint8Array(readFileSync(Guests.path(name)))
      assert.deepStrictEqual(StaticPie.problems(bytes), [], name)
      const facts = StaticPie.read(bytes)
      assert.strictEqual(facts.machine, 243, name)
      assert.strictEqual(facts.type, 3, name)
      assert.notInclude(facts.programHeaderTypes, 3, name)
      assert.isTrue(facts.relocationTypes.every((t) => t === 3), name)
      assert.strictEqual(facts.entry, facts.start, name)
    }
  })

  it("the start-up of every program linked with the sysroot looks up exactly the table's syscalls, in order", () => {
    const names = new TextEncoder().encode(table.map((s) => `_zx_${s.name}\0`).join("") + "\0")
    const contains = (haystack: Uint8Array, needle: Uint8Array) => {
      outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
        for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
        return true
      }
      return false
    }
    for (const name of Guests.names.filter((n) => n !== "static_pie_test_util")) {
      assert.isTrue(contains(new Uint8Array(readFileSync(Guests.path(name))), names), name)
    }
  })

  it("the static PIE reader refuses what is not a static PIE", () => {
    const hello = new Uint8Array(readFileSync(Guests.path("hello")))
    const wrongMachine = hello.slice()
    wrongMachine[18] = 62 // EM_X86_64
    assert.deepStrictEqual(StaticPie.problems(wrongMachine), ["machine 62, not RISC-V"])
    const executable = hello.slice()
    executable[16] = 2 // ET_EXEC
    assert.deepStrictEqual(StaticPie.problems(executable), ["type 2, not ET_DYN"])
    const movedEntry = hello.slice()
    new DataView(movedEntry.buffer).setBigUint64(24, 0x1234n, true)
    assert.strictEqual(StaticPie.problems(movedEntry).length, 1)
    assert.throws(() => StaticPie.read(new Uint8Array(10)))
  })
})
