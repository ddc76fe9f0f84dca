/**
 * The numeric guest (src-c/numeric.c): real double-precision work (arithmetic, sqrt, n-body steps,
 * an LU factorization and solve, libm's transcendental functions) printed exactly with %a. Both
 * CPUs must print the same bytes; the host, compiling the same source natively, must print the
 * same `exact` lines (IEEE 754 rounds + - * / and sqrt correctly, so every machine agrees bit for
 * bit) and `libm` lines within one ulp (picolibc's libm and the host's need not round
 * transcendental results the same way, but both are accurate to about an ulp).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { cpus, onKernel, runGuest } from "./run.js"
import { hostCompiler, packageDir } from "./utils.js"

/** Runs the numeric guest on every CPU; fails unless it exits 0. */
const guestOutputs = Effect.forEach(cpus, ([cpu, layer]) =>
  onKernel(
    layer,
    Effect.gen(function*() {
      const outcome = yield* runGuest("numeric")
      assert.strictEqual(outcome.returnCode, 0n, `${cpu}: ${outcome.stderr}`)
      return [cpu, outcome.stdout] as const
    })
  ))

/** A %a literal's value (normal and zero doubles: what the guest prints), or undefined for other text. */
const parseHexFloat = (text: string): number | undefined => {
  const match = /^(-?)0x([01])(?:\.([0-9a-f]+))?p([+-]\d+)$/.exec(text)
  if (match === null) return undefined
  const fraction = match[3] ?? ""
  // At most 53 significant bits: exact in a double, and so is the scaling by a power of two.
  const significand = parseInt(match[2]! + fraction, 16)
  const value = significand * 2 ** (Number(match[4]) - 4 * fraction.length)
  return match[1] === "-" ? -value : value
}

/** The distance in ulps between two finite doubles of the same sign. */
const ulps = (a: number, b: number): bigint => {
  const view = new DataView(new ArrayBuffer(16))
  view.setFloat64(0, a)
  view.setFloat64(8, b)
  const d = view.getBigInt64(0) - view.getBigInt64(8)
  return d < 0n ? -d : d
}

describe("the numeric guest", () => {
  it.effect(
    "prints the same bytes on the interpreter and the JIT, exits 0, and leaks nothing",
    () =>
      Effect.gen(function*() {
        const outputs = yield* guestOutputs
        const [first, ...others] = outputs
        assert.isAbove(first![1].split("\n").filter((line) => line.startsWith("exact ")).length, 100)
        assert.isAbove(first![1].split("\n").filter((line) => line.startsWith("libm ")).length, 100)
        for (const [cpu, stdout] of others) assert.strictEqual(stdout, first![1], `${cpu} differs from ${first![0]}`)
      }),
    240_000
  )

  it.skipIf(hostCompiler === undefined)(
    "matches the host's build of the same source: `exact` lines bit for bit, `libm` lines within one ulp",
    async () => {
      const directory = mkdtempSync(path.join(tmpdir(), "zxsim-numeric-"))
      try {
        const binary = path.join(directory, "numeric")
        // -ffp-contract=off as the source's pragma says (a compiler that ignores the pragma might
        // fuse a * b + c on a host with FMA); the guest's clang honours the pragma.
        const built = spawnSync(hostCompiler!, [
          "-O2",
          "-ffp-contract=off",
          "-std=gnu11",
          path.join(packageDir, "src-c", "numeric.c"),
          "-o",
          binary,
          "-lm"
        ], { encoding: "utf8" })
        assert.strictEqual(built.status, 0, built.stderr)
        const host = spawnSync(binary, [], { encoding: "utf8" })
        assert.strictEqual(host.status, 0, host.stderr)
        const outputs = await Effect.runPromise(guestOutputs.pipe(Effect.map((all) => all.slice(-1))))
        const guest = outputs[0]![1].split("\n")
        const native = host.stdout.split("\n")
        assert.strictEqual(guest.length, native.length)
        let libm = 0
        for (let i = 0; i < guest.length; i++) {
          const g = guest[i]!
          const n = native[i]!
          if (!g.startsWith("libm ")) {
            assert.strictEqual(g, n, `line ${i + 1}`)
            continue
          }
          // libm lines: the name and arguments exactly, the result (the last field) within one ulp.
          const gFields = g.split(" ")
          const nFields = n.split(" ")
          assert.deepStrictEqual(gFields.slice(0, -1), nFields.slice(0, -1), `line ${i + 1}`)
          const gv = parseHexFloat(gFields.at(-1)!)
          const nv = parseHexFloat(nFields.at(-1)!)
          assert.isDefined(gv, g)
          assert.isDefined(nv, n)
          assert.isTrue(ulps(gv!, nv!) <= 1n, `line ${i + 1}: guest ${g}, host ${n}`)
          libm++
        }
        assert.isAbove(libm, 100)
      } finally {
        rmSync(directory, { recursive: true, force: true })
      }
    },
    240_000
  )
})
