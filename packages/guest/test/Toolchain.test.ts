import { assert, describe, it } from "@effect/vitest"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Guests from "../src/Guests.js"
import { binFile, loaderFiles, onKernel, runGuest } from "./run.js"
import { runBuildScript, versionOf } from "./utils.js"

/** Whether `cc` can build for both float ABIs here. */
const toolchain = versionOf("clang") !== undefined && versionOf("ld.lld") !== undefined &&
  versionOf("riscv64-unknown-elf-gcc") !== undefined &&
  fs.existsSync("/usr/lib/picolibc/riscv64-unknown-elf/lib/rv64imac/lp64/libc.a") &&
  fs.existsSync("/usr/lib/picolibc/riscv64-unknown-elf/lib/rv64imafdc/lp64d/libc.a")

const PROGRAM = `#include <stdio.h>
#include <stdlib.h>
int main(int argc, char** argv) {
  double x = argc > 1 ? atof(argv[1]) : 1.5;
  printf("%.17g\\n", x * x / 3.0);
  return 0;
}
`

/** The float ABI bits of an ELF file's e_flags. */
const floatAbi = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(48, true) & 6

/** Runs `cc` on `args` in a fresh directory holding PROGRAM as main.c: the output file's bytes. */
const cc = async (args: ReadonlyArray<string>) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zxsim-cc-abi-"))
  fs.writeFileSync(path.join(dir, "main.c"), PROGRAM)
  const out = path.join(dir, "prog")
  const result = await runBuildScript(["cc", ...args, "-o", out, path.join(dir, "main.c")], { INIT_CWD: dir })
  assert.strictEqual(result.status, 0, result.stderr)
  const bytes = new Uint8Array(fs.readFileSync(out))
  fs.rmSync(dir, { recursive: true })
  return bytes
}

/** Runs `bytes` as program `name`. */
const runBytes = (name: string, bytes: Uint8Array, options: Parameters<typeof runGuest>[1] = {}) =>
  runGuest(name, { ...options, bytes })

describe.skipIf(!toolchain)("the guest target", () => {
  it("the prebuilt programs and libraries are rv64gc / lp64d (double-float ABI)", () => {
    for (const name of ["hello", "files", "ld.so.1", "libfoo.so", "libbar.so"]) {
      assert.strictEqual(floatAbi(binFile(name)), 4, name)
    }
  })

  it.effect(
    "cc -march=rv64imac -mabi=lp64 still builds a soft-float program, and it runs",
    () =>
      Effect.gen(function*() {
        const bytes = yield* Effect.promise(() => cc(["-march=rv64imac", "-mabi=lp64", "-O2"]))
        assert.strictEqual(floatAbi(bytes), 0)
        const outcome = yield* onKernel(RiscvInterpreter.layer, runBytes("cc_lp64_test", bytes, { args: ["2.5"] }))
        assert.strictEqual(outcome.returnCode, 0n, outcome.stderr)
        assert.strictEqual(outcome.stdout, "2.0833333333333335\n")
      }),
    300_000
  )

  it.effect(
    "ld.so.1 refuses a library whose float ABI is not the executable's, saying which",
    () =>
      Effect.gen(function*() {
        // An lp64 program that needs libfoo.so, which is lp64d.
        const bytes = yield* Effect.promise(() =>
          cc(["-march=rv64imac", "-mabi=lp64", "--dynamic", "-L", Guests.binDirectory, "-lfoo"])
        )
        assert.strictEqual(floatAbi(bytes), 0)
        const outcome = yield* onKernel(
          RiscvInterpreter.layer,
          runBytes("cc_lp64_dynamic_test", bytes, { loader: loaderFiles() })
        )
        assert.strictEqual(outcome.returnCode, 127n)
        assert.strictEqual(
          outcome.stderr,
          "ld.so.1: cc_lp64_dynamic_test: cannot load libfoo.so: its float ABI is double-float (lp64d), the executable's soft-float (lp64)\n"
        )
      }),
    300_000
  )
})
