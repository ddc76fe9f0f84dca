import { assert, describe, it } from "@effect/vitest"
import { existsSync, readFileSync } from "node:fs"
import * as path from "node:path"
import * as Guests from "../src/Guests.js"
import * as ElfChecks from "../src/internal/elfChecks.js"
import * as Sysroot from "../src/Sysroot.js"
import { packageDir, runBuildScript, versionOf } from "./utils.js"

const manifest = JSON.parse(readFileSync(path.join(packageDir, "bin", "manifest.json"), "utf8")) as {
  readonly toolchain: Record<string, string>
}

/**
 * Whether this machine has the toolchain the committed binaries were built with (same clang and
 * lld versions, picolibc and libgcc present): only then can a rebuild be byte-identical.
 */
const sameToolchain = (): boolean =>
  versionOf("clang") === manifest.toolchain.clang &&
  versionOf("ld.lld") === manifest.toolchain.lld &&
  versionOf("riscv64-unknown-elf-gcc") !== undefined &&
  existsSync(`/usr/lib/picolibc/riscv64-unknown-elf/lib/${manifest.toolchain.multilib ?? "rv64imafdc/lp64d"}/libc.a`)

describe("build script", () => {
  it("rebuilds the sysroot and every program byte-identically (static PIEs when the toolchain is absent)", async () => {
    if (sameToolchain()) {
      const result = await runBuildScript(["--check"])
      assert.strictEqual(result.status, 0, result.stderr)
      const files = Sysroot.generatedFiles().length + Guests.names.length + Guests.libraryNames.length + 1
      assert.match(result.stdout, new RegExp(`rebuild is byte-identical: ${files} files`))
    } else {
      // No toolchain to rebuild with: the committed programs must still be usable.
      for (const g of Guests.guests) {
        const bytes = new Uint8Array(readFileSync(Guests.path(g.name)))
        const problems = g.kind === "dynamic"
          ? ElfChecks.dynamicProgramProblems(bytes, ["libfoo.so"])
          : ElfChecks.staticPieProblems(bytes)
        assert.deepStrictEqual(problems, [], g.name)
      }
    }
  }, 300_000)

  it("without a toolchain, --check fails and --check --if-available checks the generated files and exits 0", async () => {
    const env = { CLANG: "zxsim-test-no-such-clang" }
    const strict = await runBuildScript(["--check"], env)
    assert.strictEqual(strict.status, 1)
    assert.include(strict.stderr, "guest toolchain not found (missing: zxsim-test-no-such-clang)")
    assert.include(strict.stderr, "apt-get install clang lld llvm picolibc-riscv64-unknown-elf gcc-riscv64-unknown-elf")
    const lenient = await runBuildScript(["--check", "--if-available"], env)
    assert.strictEqual(lenient.status, 0, lenient.stderr)
    assert.include(
      lenient.stdout,
      `checked the ${Sysroot.generatedFiles().length} generated sysroot files only (identical); binaries not rebuilt`
    )
  })

  it("every member of picolibc's archive links into a static PIE and a dynamically linked program", async (ctx) => {
    if (
      versionOf("clang") === undefined || versionOf("ld.lld") === undefined || versionOf("llvm-objcopy") === undefined
    ) {
      ctx.skip()
    }
    if (
      !existsSync(
        `/usr/lib/picolibc/riscv64-unknown-elf/lib/${manifest.toolchain.multilib ?? "rv64imafdc/lp64d"}/libc.a`
      )
    ) {
      ctx.skip()
    }
    const result = await runBuildScript(["libc-check"])
    assert.strictEqual(result.status, 0, result.stderr)
    const match =
      /libc check: (\d+) of (\d+) members of libc\.a linked into a static PIE and a dynamically linked program; (\d+) replaced by the runtime \(([^)]*)\); (\d+) define no symbol/
        .exec(result.stdout)
    assert.isNotNull(match, result.stdout)
    const [, linked, members, replaced, names, empty] = match!
    assert.strictEqual(Number(linked) + Number(replaced) + Number(empty), Number(members))
    assert.isAbove(Number(linked), 800)
    // What the runtime replaces: locks, clock and time, sbrk, picolibc's TLS start-up, nano-malloc.
    assert.deepStrictEqual(names!.split(", ").filter((n) => !n.startsWith("nano-malloc-")).sort(), [
      "libc_misc_lock.c.o",
      "libc_picolib_inittls.c.o",
      "libc_picolib_machine_riscv_tls.c.o",
      "libc_picolib_picosbrk.c.o",
      "libc_time_clock.c.o",
      "libc_time_time.c.o"
    ])
  }, 300_000)

  it("refuses unknown arguments", async () => {
    const result = await runBuildScript(["--frobnicate"])
    assert.strictEqual(result.status, 2)
    assert.include(result.stderr, "usage: build.ts [--check [--if-available]]")
    const stray = await runBuildScript(["--if-available"])
    assert.strictEqual(stray.status, 2)
    assert.include(stray.stderr, "--if-available goes with --check")
  })
})
