import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, describe, it } from "@effect/vitest"
import { table } from "@zxsim/kernel/Syscalls"
import * as Effect from "effect/Effect"
import { createHash } from "node:crypto"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import * as path from "node:path"
import * as Guests from "../src/Guests.js"
import * as ElfChecks from "../src/internal/elfChecks.js"
import { packageDir } from "./utils.js"

const manifest = JSON.parse(readFileSync(path.join(packageDir, "bin", "manifest.json"), "utf8")) as {
  readonly toolchain: Record<string, string>
  readonly programs: Record<string, { readonly size: number; readonly sha256: string }>
  readonly libraries: Record<string, { readonly size: number; readonly sha256: string }>
}

const staticNames = Guests.guests.filter((g) => g.kind !== "dynamic").map((g) => g.name)
const dynamicNames = Guests.guests.filter((g) => g.kind === "dynamic").map((g) => g.name)
const bytesOf = (file: string) => new Uint8Array(readFileSync(path.join(packageDir, "bin", file)))

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
    assert.deepStrictEqual(killed, [
      "wild_jump",
      "write_code",
      "read_unmapped",
      "illegal_instruction",
      "ecall_outside_vdso",
      "write_relro_static",
      "write_relro",
      "crash",
      "recurse"
    ])
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

  it("bin/ holds exactly the programs, the runtime files and the manifest", () => {
    assert.deepStrictEqual(
      readdirSync(path.join(packageDir, "bin")).sort(),
      [...Guests.names, ...Guests.libraryNames, "manifest.json"].sort()
    )
    assert.deepStrictEqual(Object.keys(manifest.programs), [...Guests.names])
    assert.deepStrictEqual(Object.keys(manifest.libraries), [...Guests.libraryNames])
    assert.deepStrictEqual(dynamicNames, ["hello_dynamic", "process_builder_test_util", "write_relro"])
    for (const library of Guests.libraries) {
      assert.strictEqual(Guests.libraryPath(library.name), path.join(packageDir, "bin", library.name))
      assert.isTrue(library.description.length > 0)
      assert.isTrue(
        existsSync(
          path.join(
            packageDir,
            library.name === "ld.so.1" ? "sysroot/src/ldso/ldso.c" : `src-c/lib/${library.name.replace(".so", "")}.c`
          )
        )
      )
    }
  })

  it.effect("reads a program's ELF file", () =>
    Effect.gen(function*() {
      for (const name of ["hello", "static_pie_test_util"] as const) {
        const bytes = yield* Guests.read(name)
        assert.deepStrictEqual(bytes, new Uint8Array(readFileSync(Guests.path(name))))
        assert.deepStrictEqual([...bytes.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46])
      }
      assert.deepStrictEqual(yield* Guests.readLibrary("ld.so.1"), bytesOf("ld.so.1"))
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it("every committed program and runtime file is the file the manifest recorded", () => {
    const entries = [
      ...Guests.names.map((name) => [name, manifest.programs[name]!] as const),
      ...Guests.libraryNames.map((name) => [name, manifest.libraries[name]!] as const)
    ]
    for (const [name, recorded] of entries) {
      const bytes = bytesOf(name)
      assert.strictEqual(bytes.length, recorded.size, name)
      assert.strictEqual(createHash("sha256").update(bytes).digest("hex"), recorded.sha256, name)
    }
  })

  it("every static program, and ld.so.1, is a riscv64 static PIE: ET_DYN, no PT_INTERP or DT_NEEDED, only R_RISCV_RELATIVE, entry _start", () => {
    for (const name of [...staticNames, "ld.so.1"]) {
      const bytes = bytesOf(name)
      assert.deepStrictEqual(ElfChecks.staticPieProblems(bytes), [], name)
      const facts = ElfChecks.read(bytes)
      assert.strictEqual(facts.machine, 243, name)
      assert.strictEqual(facts.type, 3, name)
      assert.notInclude(facts.programHeaderTypes, 3, name)
      assert.deepStrictEqual(facts.needed, [], name)
      assert.isTrue(facts.relocationTypes.every((t) => t === 3), name)
      assert.strictEqual(facts.entry, facts.start, name)
    }
  })

  it("every dynamic program has PT_INTERP ld.so.1, DT_NEEDED libfoo.so and libzircon.so, and JUMP_SLOT relocations (the two that use libfoo's data R_RISCV_64 too)", () => {
    for (const name of dynamicNames) {
      const bytes = bytesOf(name)
      assert.deepStrictEqual(ElfChecks.dynamicProgramProblems(bytes, ["libfoo.so"]), [], name)
      const facts = ElfChecks.read(bytes)
      assert.strictEqual(facts.interpreter, "ld.so.1")
      assert.deepStrictEqual(facts.needed, ["libfoo.so", "libzircon.so"], name)
      assert.include(facts.relocationTypes, ElfChecks.RelocationType.JUMP_SLOT, name)
      if (name !== "write_relro") assert.include(facts.relocationTypes, ElfChecks.RelocationType.R64, name)
      assert.strictEqual(facts.entry, facts.start, name)
    }
  })

  it("every program and library has PT_GNU_RELRO but ld.so.1 and the freestanding static_pie_test_util", () => {
    const PT_GNU_RELRO = 0x6474e552
    const without = ["ld.so.1", "static_pie_test_util"]
    for (const name of [...Guests.names, ...Guests.libraryNames]) {
      const types = ElfChecks.read(bytesOf(name)).programHeaderTypes
      if (without.includes(name)) assert.notInclude(types, PT_GNU_RELRO, name)
      else assert.include(types, PT_GNU_RELRO, name)
    }
  })

  it("the shared libraries use every relocation format and hash table ld.so.1 reads between them", () => {
    const foo = ElfChecks.read(bytesOf("libfoo.so"))
    const bar = ElfChecks.read(bytesOf("libbar.so"))
    assert.deepStrictEqual(ElfChecks.sharedLibraryProblems(bytesOf("libfoo.so"), "libfoo.so"), [])
    assert.deepStrictEqual(ElfChecks.sharedLibraryProblems(bytesOf("libbar.so"), "libbar.so"), [])
    assert.deepStrictEqual(foo.needed, ["libbar.so", "libzircon.so"])
    assert.deepStrictEqual(bar.needed, ["libzircon.so"])
    assert.deepStrictEqual(foo.relocationTables, [7, 23]) // DT_RELA, DT_JMPREL (RELA)
    assert.deepStrictEqual(bar.relocationTables, [17, 36, 23]) // DT_REL, DT_RELR, DT_JMPREL (REL)
    assert.isTrue(bar.relrSize > 0)
    assert.include(bar.relocationTypes, ElfChecks.RelocationType.R64)
    assert.include(foo.relocationTypes, ElfChecks.RelocationType.JUMP_SLOT)
    assert.include(bar.relocationTypes, ElfChecks.RelocationType.JUMP_SLOT)
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
    for (const name of [...staticNames.filter((n) => n !== "static_pie_test_util"), "ld.so.1"]) {
      assert.isTrue(contains(bytesOf(name), names), name)
    }
    // Dynamically linked programs bind their syscalls through libzircon.so instead.
    for (const name of dynamicNames) assert.isFalse(contains(bytesOf(name), names), name)
  })

  it("the checks refuse what is not a static PIE, a dynamic program or a shared library", () => {
    const hello = bytesOf("hello")
    const wrongMachine = hello.slice()
    wrongMachine[18] = 62 // EM_X86_64
    assert.deepStrictEqual(ElfChecks.staticPieProblems(wrongMachine), ["machine 62, not RISC-V"])
    const executable = hello.slice()
    executable[16] = 2 // ET_EXEC
    assert.deepStrictEqual(ElfChecks.staticPieProblems(executable), ["type 2, not ET_DYN"])
    const movedEntry = hello.slice()
    new DataView(movedEntry.buffer).setBigUint64(24, 0x1234n, true)
    assert.strictEqual(ElfChecks.staticPieProblems(movedEntry).length, 1)
    assert.throws(() => ElfChecks.read(new Uint8Array(10)))
    const dynamic = bytesOf("hello_dynamic")
    assert.deepStrictEqual(ElfChecks.staticPieProblems(dynamic).slice(0, 2), [
      "has PT_INTERP",
      "has DT_NEEDED: libfoo.so, libzircon.so"
    ])
    assert.deepStrictEqual(ElfChecks.dynamicProgramProblems(hello, []), [
      `PT_INTERP undefined, not "ld.so.1"`,
      "no DT_NEEDED libzircon.so",
      "no R_RISCV_JUMP_SLOT relocation"
    ])
    assert.deepStrictEqual(ElfChecks.dynamicProgramProblems(dynamic, ["libqux.so"]), ["no DT_NEEDED libqux.so"])
    assert.deepStrictEqual(ElfChecks.sharedLibraryProblems(bytesOf("libbar.so"), "libfoo.so"), [
      `DT_SONAME "libbar.so", not "libfoo.so"`
    ])
    // The program's own TLS (errno) is fine for a program, not for a library.
    assert.deepStrictEqual(ElfChecks.sharedLibraryProblems(dynamic, "libfoo.so"), [
      "has PT_INTERP",
      "has PT_TLS",
      "DT_SONAME undefined, not \"libfoo.so\""
    ])
  })
})
