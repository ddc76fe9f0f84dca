/**
 * The dynamically linked guests end to end, on the interpreter CPU: the builder fetches ld.so.1
 * from a loader serving bin/, ld.so.1 fetches libfoo.so and libbar.so from it, binds libzircon.so
 * to the vDSO, relocates and starts the program. Also the ways that fails (a library or a symbol
 * missing, a file that is not ELF), LD_DEBUG and LD_TRACE.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Guests from "../src/Guests.js"
import * as Elf from "./elf.js"
import { binFile, cpus, loaderFiles, onKernel, runGuest } from "./run.js"

const hex = "0x[0-9a-f]+"

describe("hello_dynamic", () => {
  it.live("a corrupted library's metadata never hangs ld.so.1 or leaks: it links, refuses (127) or faults (-1028)", () =>
    onKernel(
      cpus[0]![1],
      Effect.gen(function*() {
        const original = binFile("libfoo.so")
        // The first segment: headers, dynamic symbols and strings, hash table, relocations.
        const metadata = Elf.read(original).phdrs.find((p) => p.type === 1)!.filesz
        const corruptions = FastCheck.sample(
          FastCheck.tuple(FastCheck.integer({ min: 16, max: metadata - 1 }), FastCheck.integer({ min: 0, max: 255 })),
          { numRuns: 60, seed: 21 }
        )
        const codes = new Set<bigint>()
        for (const [at, value] of corruptions) {
          const corrupt = original.slice()
          corrupt[at] = value
          const outcome = yield* runGuest("hello_dynamic", { loader: { ...loaderFiles(), "libfoo.so": corrupt } })
          assert.include([0n, 1n, 127n, -1028n], outcome.returnCode, `byte ${at} = ${value}: ${outcome.stderr}`)
          if (outcome.returnCode === 127n) assert.match(outcome.stderr, /^ld\.so\.1: hello_dynamic: /)
          codes.add(outcome.returnCode)
        }
        assert.isTrue(codes.has(0n) && codes.has(127n), [...codes].join(" "))
      })
    ))

  it("is a dynamic program of the catalogue whose runtime files are all in bin/", () => {
    assert.strictEqual(Guests.guest("hello_dynamic").kind, "dynamic")
    assert.deepStrictEqual(Guests.libraryNames, ["ld.so.1", "libfoo.so", "libbar.so"])
    for (const name of Guests.libraryNames) assert.isTrue(binFile(name).length > 0)
  })
})

for (const [cpuName, cpu] of cpus) {
  describe(`hello_dynamic on the ${cpuName}`, () => {
    it.live("prints its arguments and environment like hello", () =>
      onKernel(
        cpu,
        Effect.gen(function*() {
          const args = ["a", "b c", ""]
          const env = ["HOME=/", "X=1"]
          const dynamic = yield* runGuest("hello_dynamic", { args, env, loader: loaderFiles() })
          const hello = yield* runGuest("hello", { args, env })
          assert.strictEqual(dynamic.returnCode, 0n, dynamic.stderr)
          assert.strictEqual(dynamic.stdout, hello.stdout.replace(/^hello\n/, "hello_dynamic\n"))
          assert.strictEqual(dynamic.stdout, "hello_dynamic\na\nb c\n\nHOME=/\nX=1\n")
          assert.strictEqual(dynamic.stderr, "")
        })
      ))

    it.live("LD_DEBUG lists every object ld.so.1 loads with its base address on stderr", () =>
      onKernel(
        cpu,
        Effect.gen(function*() {
          const outcome = yield* runGuest("hello_dynamic", { args: ["x"], env: ["LD_DEBUG=1"], loader: loaderFiles() })
          assert.strictEqual(outcome.returnCode, 0n, outcome.stderr)
          assert.strictEqual(outcome.stdout, "hello_dynamic\nx\nLD_DEBUG=1\n")
          const lines = outcome.stderr.trimEnd().split("\n")
          const expected = [
            `loaded the executable at ${hex}`,
            `loaded libfoo.so at ${hex}`,
            `loaded libbar.so at ${hex}`,
            `libzircon.so \\(the vDSO\\) at ${hex}`,
            `starting the executable at ${hex}`
          ]
          assert.strictEqual(lines.length, expected.length, outcome.stderr)
          expected.forEach((pattern, i) =>
            assert.match(lines[i]!, new RegExp(`^ld\\.so\\.1: hello_dynamic: ${pattern}$`))
          )
          // Each object has a base of its own, page aligned.
          const bases = lines.slice(0, 4).map((l) => BigInt(/(0x[0-9a-f]+)$/.exec(l)![1]!))
          assert.strictEqual(new Set(bases).size, 4)
          for (const base of bases) assert.strictEqual(base % 4096n, 0n)
        })
      ))

    it.live("an empty LD_DEBUG prints nothing; LD_TRACE lists the objects and exits 0 without running the program", () =>
      onKernel(
        cpu,
        Effect.gen(function*() {
          const quiet = yield* runGuest("hello_dynamic", { env: ["LD_DEBUG="], loader: loaderFiles() })
          assert.strictEqual(quiet.returnCode, 0n)
          assert.strictEqual(quiet.stderr, "")
          const traced = yield* runGuest("hello_dynamic", { env: ["LD_TRACE=1"], loader: loaderFiles() })
          assert.strictEqual(traced.returnCode, 0n)
          assert.strictEqual(traced.stdout, "")
          assert.deepStrictEqual(
            traced.stderr.trimEnd().split("\n").map((l) => l.replace(/ at 0x[0-9a-f]+$/, "")),
            ["the executable", "libfoo.so", "libbar.so", "libzircon.so (the vDSO)"].map((n) =>
              `ld.so.1: hello_dynamic: ${n}`
            )
          )
        })
      ))

    it.live("a loader without a needed library: exit 127 and the reason on stderr", () =>
      onKernel(
        cpu,
        Effect.gen(function*() {
          const { "libbar.so": _bar, ...withoutBar } = loaderFiles()
          const outcome = yield* runGuest("hello_dynamic", { args: ["x"], loader: withoutBar })
          assert.strictEqual(outcome.returnCode, 127n)
          assert.strictEqual(outcome.stdout, "")
          assert.strictEqual(outcome.stderr, "ld.so.1: hello_dynamic: cannot load libbar.so: NOT_FOUND\n")
          const { "libfoo.so": _foo, ...withoutFoo } = loaderFiles()
          const direct = yield* runGuest("hello_dynamic", { loader: withoutFoo })
          assert.strictEqual(direct.returnCode, 127n)
          assert.strictEqual(direct.stderr, "ld.so.1: hello_dynamic: cannot load libfoo.so: NOT_FOUND\n")
        })
      ))

    it.live("a library without a needed symbol, or one that is not ELF: exit 127 and the reason on stderr", () =>
      onKernel(
        cpu,
        Effect.gen(function*() {
          // libbar.so under libfoo's name: it loads, but defines none of libfoo's symbols.
          const impostor = yield* runGuest("hello_dynamic", {
            loader: { ...loaderFiles(), "libfoo.so": binFile("libbar.so") }
          })
          assert.strictEqual(impostor.returnCode, 127n)
          assert.strictEqual(impostor.stderr, "ld.so.1: hello_dynamic: the executable: symbol not found: foo_version\n")
          const garbage = yield* runGuest("hello_dynamic", {
            loader: { ...loaderFiles(), "libfoo.so": new TextEncoder().encode("not an ELF file at all, really") }
          })
          assert.strictEqual(garbage.returnCode, 127n)
          assert.strictEqual(
            garbage.stderr,
            "ld.so.1: hello_dynamic: cannot load libfoo.so: not an ELF64 little-endian file\n"
          )
          // A program (not a library) with thread-local storage is refused as a library.
          const tls = yield* runGuest("hello_dynamic", {
            loader: { ...loaderFiles(), "libbar.so": binFile("exit_code") }
          })
          assert.strictEqual(tls.returnCode, 127n)
          assert.strictEqual(
            tls.stderr,
            "ld.so.1: hello_dynamic: cannot load libbar.so: thread-local storage in a shared library is not supported\n"
          )
        })
      ))
  })
}
