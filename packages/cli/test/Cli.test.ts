import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Cli from "@zxsim/cli/Cli"
import * as ElfWriter from "@zxsim/elf/ElfWriter"
import * as Guests from "@zxsim/guest/Guests"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { execFile, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

/** Runs the command in-process with a console that records what it writes and gives `stdin` as input. */
const zxsimWith = (stdin: Stream.Stream<Uint8Array>) => (...args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const out: Array<Uint8Array> = []
    const err: Array<Uint8Array> = []
    const env: Cli.Environment = {
      console: {
        stdout: (bytes) => Effect.sync(() => void out.push(bytes)),
        stderr: (bytes) => Effect.sync(() => void err.push(bytes)),
        stdin
      },
      cpus: [["interpreter", RiscvInterpreter.layer], ["jit", RiscvJit.layer]]
    }
    const code = yield* Cli.main(env)(["node", "zxsim", ...args])
    const text = (chunks: Array<Uint8Array>) => new TextDecoder().decode(Buffer.concat(chunks))
    return { code, stdout: text(out), stderr: text(err) }
  }).pipe(Effect.provide(NodeContext.layer))

/** Runs the command in-process with an empty stdin. */
const zxsim = zxsimWith(Stream.empty)

const scratch = mkdtempSync(join(tmpdir(), "zxsim-cli-"))
const writeScratch = (name: string, bytes: Uint8Array) => {
  const path = join(scratch, name)
  writeFileSync(path, bytes)
  return path
}

describe("zxsim run", () => {
  it.live("runs hello with arguments and environment", () =>
    Effect.gen(function*() {
      const r = yield* zxsim("run", Guests.path("hello"), "a", "b c", "--env", "X=1", "--env", "Y=2")
      assert.strictEqual(r.stdout, `${Guests.path("hello")}\na\nb c\nX=1\nY=2\n`)
      assert.strictEqual(r.code, 0)
    }))

  it.live("feeds stdin to the program as it reads, and stops reading when it exits", () =>
    Effect.gen(function*() {
      const encoder = new TextEncoder()
      // In chunks adding up to more than a socket holds, so feeding waits for the guest to read.
      const chunks = Array.from({ length: 40 }, (_, i) =>
        encoder.encode(`${`line ${i} `.padEnd(8 * 1024 - 1, String.fromCharCode(97 + (i % 26)))}\n`))
      const r = yield* zxsimWith(Stream.fromIterable(chunks))("run", Guests.path("cat"))
      assert.strictEqual(r.code, 0)
      assert.strictEqual(r.stdout, new TextDecoder().decode(Buffer.concat(chunks)))
      // A program that never reads its input exits while an endless stdin is still being offered.
      const endless = Stream.repeatValue(encoder.encode("y\n"))
      const hello = yield* zxsimWith(endless)("run", Guests.path("hello"), "z")
      assert.strictEqual(hello.code, 0)
      assert.strictEqual(hello.stdout, `${Guests.path("hello")}\nz\n`)
    }))

  it.live("runs on the CPU --cpu names, and refuses one it does not know", () =>
    Effect.gen(function*() {
      for (const cpu of ["interpreter", "jit"]) {
        const r = yield* zxsim("run", Guests.path("hello"), "on", cpu, "--cpu", cpu)
        assert.strictEqual(r.stdout, `${Guests.path("hello")}\non\n${cpu}\n`)
        assert.strictEqual(r.code, 0)
      }
      const unknown = yield* zxsim("run", Guests.path("hello"), "--cpu", "quantum")
      assert.strictEqual(unknown.code, Cli.USAGE_ERROR)
      assert.strictEqual(unknown.stdout, "")
    }))

  it.live("exits with the program's return code", () =>
    Effect.gen(function*() {
      for (const code of [0, 1, 42, 255]) {
        const r = yield* zxsim("run", Guests.path("exit_code"), String(code))
        assert.strictEqual(r.code, code)
      }
    }))

  it.live("reports a killed program on stderr and exits non-zero", () =>
    Effect.gen(function*() {
      const r = yield* zxsim("run", Guests.path("wild_jump"))
      assert.strictEqual(r.code, 252)
      assert.include(r.stderr, "killed by an unhandled exception")
      assert.include(r.stderr, "-1028")
    }))

  it.live("prints a crash report for each kind of crash: type, pc and fault address as symbol+offset, registers, backtrace", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [Guests.Name, ReadonlyArray<string | RegExp>]> = [
        ["wild_jump", [
          "FATAL_PAGE_FAULT: fatal page fault (ZX_ERR_NOT_FOUND) executing address 0x1000",
          /bt#01: pc 0x[0-9a-f]+ \(wild_jump\+0x[0-9a-f]+\) main\+0x[0-9a-f]+ \(from ra\)/
        ]],
        ["read_unmapped", [
          "reading address 0x1000",
          /<== pc 0x[0-9a-f]+ \(read_unmapped\+0x[0-9a-f]+\) main\+0x[0-9a-f]+/
        ]],
        ["write_code", [/\(ZX_ERR_ACCESS_DENIED\) writing address 0x[0-9a-f]+ \(write_code\+0x[0-9a-f]+\) main/]],
        ["illegal_instruction", ["UNDEFINED_INSTRUCTION: undefined instruction 0x00000000", /main\+0x[0-9a-f]+/]],
        ["ecall_outside_vdso", [
          "POLICY_ERROR: policy error: system call outside the vDSO (ecall with t0 = 0",
          /main\+0x[0-9a-f]+/
        ]]
      ]
      for (const [name, expected] of cases) {
        const r = yield* zxsim("run", Guests.path(name))
        assert.strictEqual(r.code, 252, name)
        assert.include(r.stderr, `<== CRASH: process ${name}[`, name)
        for (const e of expected) {
          if (typeof e === "string") assert.include(r.stderr, e, name)
          else assert.match(r.stderr, e, name)
        }
        // Registers, then a backtrace through the start-up's frames, then the modules.
        assert.match(r.stderr, /x2\/sp 0x[0-9a-f]{16}/, name)
        assert.match(r.stderr, /bt#\d\d: pc 0x[0-9a-f]+ \([^)]+\) __zx_start_main\+0x[0-9a-f]+/, name)
        assert.match(r.stderr, /vdso\/libzircon\.so \(load bias 0x[0-9a-f]+\)/, name)
        // The report comes before the line saying how the process ended.
        assert.isBelow(r.stderr.indexOf("<== CRASH"), r.stderr.indexOf("killed by an unhandled exception"), name)
      }
    }))

  it.live("a Linux binary's first system call is reported as a system call outside the vDSO", () =>
    Effect.gen(function*() {
      const linux = fileURLToPath(new URL("./fixtures/linux_hello", import.meta.url))
      const r = yield* zxsim("run", linux)
      assert.strictEqual(r.code, 252)
      assert.include(r.stderr, "policy error: system call outside the vDSO")
      // write(2) is number 64 on Linux riscv64; the ecall is the program's fifth instruction.
      assert.include(r.stderr, "as a Linux system call it would be number a7 = 64")
      assert.match(r.stderr, /<== pc 0x[0-9a-f]+ \(linux_hello\+0x[0-9a-f]+\) _start\+0x[0-9a-f]+/)
    }))

  it.live("a crash in a dynamically linked program names the library's symbols too", () =>
    Effect.gen(function*() {
      const r = yield* zxsim("run", Guests.path("write_relro"), "--loader-dir", Guests.binDirectory)
      assert.strictEqual(r.code, 252)
      assert.match(r.stderr, /writing address 0x[0-9a-f]+ \(write_relro\+0x[0-9a-f]+\)/)
      assert.match(r.stderr, /libfoo\.so \(load bias/)
      assert.match(r.stderr, /ld\.so\.1 \(load bias/)
    }))

  it.live("prints stages with --trace and counters with --stats", () =>
    Effect.gen(function*() {
      const r = yield* zxsim("run", Guests.path("exit_code"), "7", "--stats")
      assert.strictEqual(r.code, 7)
      for (
        const stage of [
          "ProcessBuilder.build",
          "ProcessBuilder.parseHeaders",
          "ProcessBuilder.loadElf",
          "ProcessBuilder.loadVdso",
          "ProcessBuilder.createStack",
          "BuiltProcess.start"
        ]
      ) {
        assert.match(r.stderr, new RegExp(`${stage.replace(".", "\\.")}\\s+\\d+\\.\\d+ ms`))
      }
      assert.match(r.stderr, /instructions: [1-9]\d*/)
      assert.match(r.stderr, /syscalls: [1-9]\d*/)
    }))

  it.live("a missing file, a non-ELF file and a wrong machine each get one line naming the file", () =>
    Effect.gen(function*() {
      const missing = join(scratch, "no-such-program")
      const r1 = yield* zxsim("run", missing)
      assert.strictEqual(r1.code, 1)
      assert.strictEqual(r1.stderr, `zxsim: cannot read ${missing}: no such file\n`)

      const text = writeScratch("notes.txt", new TextEncoder().encode("just text\n"))
      const r2 = yield* zxsim("run", text)
      assert.strictEqual(r2.code, 1)
      assert.strictEqual(r2.stderr.split("\n").length, 2)
      assert.match(r2.stderr, new RegExp(`^zxsim: ${text}: .*Invalid ELF magic`))

      const x86 = writeScratch(
        "x86.elf",
        ElfWriter.write({ ...ElfWriter.staticPie(), header: { type: 3, machine: 62, entry: 0x1000 } })
      )
      const r3 = yield* zxsim("run", x86)
      assert.strictEqual(r3.code, 1)
      assert.strictEqual(r3.stderr.split("\n").length, 2)
      assert.match(r3.stderr, new RegExp(`^zxsim: ${x86}: .*Invalid ELF architecture`))
    }))

  it.live("runs a dynamically linked program with its linker and libraries from --loader-dir", () =>
    Effect.gen(function*() {
      const r = yield* zxsim(
        "run",
        Guests.path("hello_dynamic"),
        "a",
        "b",
        "--env",
        "LD_DEBUG=1",
        "--loader-dir",
        Guests.binDirectory
      )
      assert.strictEqual(r.code, 0)
      assert.strictEqual(r.stdout, `${Guests.path("hello_dynamic")}\na\nb\nLD_DEBUG=1\n`)
      assert.match(r.stderr, /ld\.so\.1: .*loaded libfoo\.so at 0x[0-9a-f]+/)
      assert.match(r.stderr, /ld\.so\.1: .*libzircon\.so \(the vDSO\)/)
    }))

  it.live("a dynamic program without --loader-dir fails with the builder's error on one line", () =>
    Effect.gen(function*() {
      const dynamic = writeScratch("dynamic.elf", ElfWriter.write(ElfWriter.dynamicExecutable()))
      const r = yield* zxsim("run", dynamic)
      assert.strictEqual(r.code, 1)
      assert.match(r.stderr, /^zxsim: .*dynamic\.elf: LoaderMissing \(ZX_ERR_INVALID_ARGS\): .*--loader-dir/)
    }))
})

describe("zxsim run --mount, --cwd", () => {
  it.live("serves host directories read-write and read-only, and starts the program in --cwd", () =>
    Effect.gen(function*() {
      const rw = mkdtempSync(join(tmpdir(), "zxsim-cli-rw-"))
      const ro = mkdtempSync(join(tmpdir(), "zxsim-cli-ro-"))
      writeFileSync(join(ro, "hello.txt"), "hello\n")
      const r = yield* zxsim(
        "run",
        Guests.path("files"),
        "--mount",
        `${rw}:/data`,
        "--mount",
        `${ro}:/ro:ro`,
        "--cwd",
        "/data"
      )
      assert.include(r.stdout, "ok started in $PWD")
      assert.include(r.stdout, "files: all steps passed", r.stdout + r.stderr)
      assert.strictEqual(r.code, 0)
      assert.deepStrictEqual(readdirSync(rw), [])
    }))

  it.live("a mount that does not parse or names no directory is one line and exit 1", () =>
    Effect.gen(function*() {
      const bad = yield* zxsim("run", Guests.path("hello"), "--mount", "nocolon")
      assert.strictEqual(bad.code, 1)
      assert.match(bad.stderr, /^zxsim: --mount nocolon: expected HOST_DIR:GUEST_PATH\[:ro\]\n$/)
      const relative = yield* zxsim("run", Guests.path("hello"), "--mount", `${scratch}:data`)
      assert.strictEqual(relative.code, 1)
      assert.match(relative.stderr, /is not absolute/)
      const missing = yield* zxsim("run", Guests.path("hello"), "--mount", `${join(scratch, "missing")}:/data`)
      assert.strictEqual(missing.code, 1)
      assert.match(missing.stderr, /^zxsim: --mount .*missing:\/data: /)
    }))
})

describe("zxsim readelf", () => {
  it.live("prints the headers of a file with a known layout", () =>
    Effect.gen(function*() {
      const path = writeScratch("sample.elf", ElfWriter.write(ElfWriter.dynamicExecutable()))
      const r = yield* zxsim("readelf", path)
      assert.strictEqual(r.code, 0)
      assert.include(r.stdout, "Type:                    DYN (Shared object file)")
      assert.include(r.stdout, "Machine:                 RISCV")
      assert.include(r.stdout, `Entry point address:     0x${ElfWriter.SampleLayout.entry.toString(16)}`)
      assert.match(r.stdout, /INTERP\s+0x000190 0x0000000000000190 0x000008 0x000008 R {3}0x1\n/)
      assert.match(r.stdout, /LOAD\s+0x001000 0x0000000000001000 0x000008 0x000008 R E 0x1000\n/)
      assert.match(r.stdout, /LOAD\s+0x002000 0x0000000000002000 0x000050 0x002800 RW {2}0x1000\n/)
      assert.include(r.stdout, "[Requesting program interpreter: ld.so.1]")
      assert.include(r.stdout, "NEEDED  libfoo.so")
    }))
})

describe("zxsim vmaps", () => {
  it.live("prints the address space of a built, unstarted process", () =>
    Effect.gen(function*() {
      const r = yield* zxsim("vmaps", Guests.path("hello"))
      assert.strictEqual(r.code, 0)
      const lines = r.stdout.split("\n")
      assert.match(lines[0], /^0x000000200000-0x004000000000 .* root VMAR$/)
      const mapping = (perms: string, name: string) =>
        lines.some((l) => new RegExp(`^\\s+0x[0-9a-f]{12}-0x[0-9a-f]{12}\\s+\\d+K ${perms}  ${name} `).test(l))
      assert.isTrue(mapping("r--", "hello"), r.stdout)
      assert.isTrue(mapping("r-x", "hello"), r.stdout)
      assert.isTrue(mapping("rw-", "data:hello"), r.stdout)
      assert.isTrue(mapping("rw-", "stack: default 0x40000"), r.stdout)
      assert.isTrue(mapping("r--", "vdso/libzircon.so"), r.stdout)
      assert.isTrue(mapping("r-x", "vdso/libzircon.so"), r.stdout)
      assert.match(r.stdout, /entry 0x[0-9a-f]+ {2}stack pointer 0x[0-9a-f]+ {2}vDSO 0x[0-9a-f]+ {2}image 0x[0-9a-f]+/)
    }))
})

describe("the zxsim executable", () => {
  const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url))
  const spawn = (...args: ReadonlyArray<string>) =>
    Effect.async<{ code: number; stdout: string; stderr: string }>((resume) => {
      execFile(
        process.execPath,
        ["--conditions=@zxsim/source", "--import", "tsx", bin, ...args],
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1
          resume(Effect.succeed({ code, stdout, stderr }))
        }
      )
    })

  it.live("pipes its stdin to the guest", () =>
    Effect.async<{ code: number; stdout: string }>((resume) => {
      const child = execFile(process.execPath, [
        "--conditions=@zxsim/source",
        "--import",
        "tsx",
        bin,
        "run",
        Guests.path("cat"),
        "-c"
      ], (error, stdout) => {
        resume(Effect.succeed({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout }))
      })
      child.stdin?.end("through a pipe\nand to the end")
    }).pipe(Effect.map((r) => {
      assert.strictEqual(r.code, 0)
      assert.strictEqual(r.stdout, "through a pipe\nand to the end")
    })))

  it.live(
    "runs as npm run zxsim does, from its bundle",
    () =>
      Effect.async<{ code: number; stdout: string }>((resume) => {
        const launcher = fileURLToPath(new URL("../scripts/zxsim.mjs", import.meta.url))
        execFile(process.execPath, [launcher, "run", Guests.path("exit_code"), "7"], (error, stdout) => {
          resume(
            Effect.succeed({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout })
          )
        })
      }).pipe(Effect.map((r) => assert.strictEqual(r.code, 7)))
  )

  it.live("passes the guest's exit status and output through as a process", () =>
    Effect.gen(function*() {
      const r = yield* spawn("run", Guests.path("exit_code"), "42")
      assert.strictEqual(r.code, 42)
      const hello = yield* spawn("run", Guests.path("hello"), "x")
      assert.strictEqual(hello.code, 0)
      assert.strictEqual(hello.stdout, `${Guests.path("hello")}\nx\n`)
    }))
})

/** Whether the guest toolchain `npm run cc` needs is installed here (see packages/guest/README.md). */
const hasGuestToolchain = spawnSync("clang", ["--version"]).status === 0 &&
  spawnSync("ld.lld", ["--version"]).status === 0 &&
  spawnSync("riscv64-unknown-elf-gcc", ["--version"]).status === 0 &&
  existsSync("/usr/lib/picolibc/riscv64-unknown-elf")

describe("a program of one's own", () => {
  const root = fileURLToPath(new URL("../../..", import.meta.url))
  const source = writeScratch(
    "sum.c",
    new TextEncoder().encode(
      "#include <stdio.h>\n#include <stdlib.h>\nint main(int argc, char** argv) {\n  long sum = 0;\n" +
        "  for (int i = 1; i < argc; i++) sum += strtol(argv[i], NULL, 10);\n  printf(\"%s %ld\\n\", GREETING, sum);\n" +
        "  return (int)(sum & 0xff);\n}\n"
    )
  )
  // As a user runs it, from their own directory (relative paths are theirs). Asynchronously: a
  // compile takes seconds, and a worker that blocks for a minute on a loaded machine misses
  // Vitest's RPC deadline ("Timeout calling onTaskUpdate").
  const npmCc = (...args: ReadonlyArray<string>) =>
    Effect.async<{ readonly status: number; readonly stderr: string }>((resume) => {
      execFile(
        "npm",
        ["--prefix", root, "run", "-s", "cc", "--", ...args],
        { cwd: scratch },
        (error, _out, stderr) =>
          resume(Effect.succeed({
            status: error === null ? 0 : typeof error.code === "number" ? error.code : -1,
            stderr: String(stderr)
          }))
      )
    })
  const cc = (...args: ReadonlyArray<string>) =>
    Effect.flatMap(
      npmCc(...args),
      (r) => r.status === 0 ? Effect.void : Effect.die(new Error(`npm run cc ${args.join(" ")}: ${r.stderr}`))
    )

  it.live.runIf(hasGuestToolchain)(
    "compiles with npm run cc, static and dynamic, and runs",
    () =>
      Effect.gen(function*() {
        yield* cc("-DGREETING=\"static\"", "-o", "sum", source)
        const r = yield* zxsim("run", join(scratch, "sum"), "40", "2")
        assert.strictEqual(r.stdout, "static 42\n")
        assert.strictEqual(r.code, 42)
        yield* cc("--dynamic", "-DGREETING=\"dynamic\"", "-o", "sum-dynamic", "sum.c")
        const d = yield* zxsim("run", join(scratch, "sum-dynamic"), "7", "--loader-dir", Guests.binDirectory)
        assert.strictEqual(d.stdout, "dynamic 7\n")
        assert.strictEqual(d.code, 7)
        const readelf = yield* zxsim("readelf", join(scratch, "sum-dynamic"))
        assert.include(readelf.stdout, "ld.so.1")
      })
  )

  it.live.runIf(hasGuestToolchain)(
    "as a driver: -c objects linked later, -Wl,-z,stack-size, -lm, and a failed compile's own diagnostics",
    () =>
      Effect.gen(function*() {
        writeFileSync(join(scratch, "part.c"), "long twice(long x) { return 2 * x; }\n")
        writeFileSync(
          join(scratch, "main2.c"),
          "#include <math.h>\n#include <stdio.h>\nlong twice(long);\nint main(void) { printf(\"%.1f\\n\", sqrt((double)twice(21) * twice(21))); return 0; }\n"
        )
        yield* cc("-O1", "-c", "part.c")
        yield* cc("-g", "-c", "main2.c", "-o", "main2.o")
        // -lm and -lpthread, as Makefiles write them, name parts of the one C library.
        yield* cc("-o", "joined", "main2.o", "part.o", "-Wl,-z,stack-size=1048576", "-lm", "-lpthread")
        const r = yield* zxsim("run", join(scratch, "joined"))
        assert.strictEqual(r.stdout, "42.0\n")
        writeFileSync(join(scratch, "broken.c"), "int main(void) { return missing_name; }\n")
        const failed = yield* npmCc("-o", "broken", "broken.c", "part.c")
        assert.notStrictEqual(failed.status, 0)
        assert.include(failed.stderr, "use of undeclared identifier 'missing_name'")
        assert.notInclude(failed.stderr, "ENOTEMPTY")
      })
  )
})

describe("a command line that explains itself", () => {
  it.live("zxsim alone prints the usage and exits 2", () =>
    Effect.gen(function*() {
      const r = yield* zxsim()
      assert.strictEqual(r.code, Cli.USAGE_ERROR)
    }))

  it.live("--env without = is refused as a usage error", () =>
    Effect.gen(function*() {
      const r = yield* zxsim("run", Guests.path("hello"), "--env", "FOO")
      assert.strictEqual(r.code, Cli.USAGE_ERROR)
      assert.strictEqual(r.stdout, "")
    }))

  it.live("an unknown option before the program is a usage error, not the program's name", () =>
    Effect.gen(function*() {
      const r = yield* zxsim("run", "--nope", "hello")
      assert.strictEqual(r.code, Cli.USAGE_ERROR)
      assert.strictEqual(r.stdout, "")
      assert.match(r.stderr, /^zxsim: unknown option --nope /)
      const valued = yield* zxsim("run", "--cpu", "interpreter", "--env=A=1", "--bogus=1", "hello")
      assert.strictEqual(valued.code, Cli.USAGE_ERROR)
      assert.match(valued.stderr, /^zxsim: unknown option --bogus=1 /)
      const vmaps = yield* zxsim("vmaps", "-q", "hello")
      assert.strictEqual(vmaps.code, Cli.USAGE_ERROR)
      // Known options, with their values, before the program; the program's own after it.
      const ok = yield* zxsim("run", "--cpu", "interpreter", "--env", "A=1", "--trace", "hello", "-x")
      assert.strictEqual(ok.code, 0)
      assert.strictEqual(ok.stdout, "hello\n-x\nA=1\n")
    }))

  it.live("arguments after -- reach the guest even when they look like options", () =>
    Effect.gen(function*() {
      const r = yield* zxsim("run", Guests.path("hello"), "--", "--cpu", "-x")
      assert.strictEqual(r.code, 0)
      assert.strictEqual(r.stdout, `${Guests.path("hello")}\n--cpu\n-x\n`)
    }))

  it.live("a packaged guest runs by its bare name from any directory", () =>
    Effect.gen(function*() {
      const r = yield* zxsim("run", "hello", "by", "name")
      assert.strictEqual(r.code, 0)
      assert.strictEqual(r.stdout, "hello\nby\nname\n")
    }))

  it.live("a directory, a missing file and a missing --loader-dir are one prefixed line each, exit 1", () =>
    Effect.gen(function*() {
      const dir = yield* zxsim("run", scratch)
      assert.strictEqual(dir.code, 1)
      assert.strictEqual(dir.stderr, `zxsim: cannot read ${scratch}: is a directory\n`)
      const missing = join(scratch, "absent")
      const r = yield* zxsim("run", missing)
      assert.strictEqual(r.code, 1)
      assert.strictEqual(r.stderr, `zxsim: cannot read ${missing}: no such file\n`)
      const loader = yield* zxsim("run", Guests.path("hello_dynamic"), "--loader-dir", missing)
      assert.strictEqual(loader.code, 1)
      assert.strictEqual(loader.stderr, `zxsim: --loader-dir ${missing}: no such directory\n`)
    }))

  it.live("a dynamic linker or library the loader cannot find is named", () =>
    Effect.gen(function*() {
      const empty = mkdtempSync(join(scratch, "empty-"))
      const noLinker = yield* zxsim("run", Guests.path("hello_dynamic"), "--loader-dir", empty)
      assert.strictEqual(noLinker.code, 1)
      assert.include(noLinker.stderr, `ld.so.1: not found in --loader-dir ${empty}`)
      const onlyLinker = mkdtempSync(join(scratch, "linker-"))
      writeFileSync(join(onlyLinker, "ld.so.1"), new Uint8Array(readFileSync(Guests.libraryPath("ld.so.1"))))
      const noLibrary = yield* zxsim("run", Guests.path("hello_dynamic"), "--loader-dir", onlyLinker)
      assert.notStrictEqual(noLibrary.code, 0)
      assert.include(noLibrary.stderr, `libfoo.so: not found in --loader-dir ${onlyLinker}`)
    }))

  it.live("readelf reads an ELF64 file of another machine", () =>
    Effect.gen(function*() {
      const x86 = writeScratch(
        "x86-64.elf",
        ElfWriter.write({ ...ElfWriter.staticPie(), header: { type: 3, machine: 62, entry: 0x1000 } })
      )
      const r = yield* zxsim("readelf", x86)
      assert.strictEqual(r.code, 0)
      assert.include(r.stdout, "Machine:                 X86_64")
      const text = writeScratch(
        "text.txt",
        new TextEncoder().encode("not elf at all, but long enough to hold an ELF header.......")
      )
      const bad = yield* zxsim("readelf", text)
      assert.strictEqual(bad.code, 1)
      assert.strictEqual(bad.stderr, `zxsim: ${text}: not an ELF file (no ELF magic)\n`)
    }))

  it("help is plain text unless colour is asked for, and its usage lines name zxsim", () => {
    const coloured = `${String.fromCharCode(0x1b)}[0;1mUSAGE${
      String.fromCharCode(0x1b)
    }[0m\n\n$ run [--env text...] <elf>`
    assert.strictEqual(Cli.presentHelp(coloured, false), "USAGE\n\n$ zxsim run [--env text...] <elf>")
    assert.include(Cli.presentHelp(coloured, true), `${String.fromCharCode(0x1b)}[0;1m`)
    assert.strictEqual(Cli.presentHelp("$ zxsim", false), "$ zxsim")
  })
})
