import { assert, describe, it } from "@effect/vitest"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Effect from "effect/Effect"
import * as Guests from "../src/Guests.js"
import { cpus, onKernel, runGuest } from "./run.js"

/**
 * What each benchmark program prints at scale 1, from the same sources built natively for the host
 * (clang -O2, x86-64, glibc): the programs are standard C whose output does not depend on the machine.
 */
const NATIVE: Readonly<Record<string, string>> = {
  crc32: "crc32 bytes=262144 rounds=8 checksum=0xf229e93e",
  sha256: "sha256 bytes=65536 rounds=8 checksum=ccc7266a599c9e7cffe876109dea806605d9c9e7aca9f15d2bdd61a3164d48cb",
  matmul: "matmul n=96 rounds=4 checksum=0x2c435371",
  sort: "sort count=50000 rounds=2 checksum=0xb750928d",
  pointer_chase: "pointer_chase nodes=65536 steps=1048576 checksum=0x9cdc58cc279dd860",
  calls: "calls rounds=4 length=5636 checksum=0x4965a38b563c9190",
  lexer: "lexer bytes=196549 rounds=4 tokens=95930 checksum=0xa1bd188adc6761d6",
  lists: "lists nodes=50000 rounds=4 checksum=0x4357b0fb9acee027",
  bytecode: "bytecode limit=5000 rounds=1 code=137 checksum=0xb1bf05e350fccc3c",
  strings: "strings records=4000 rounds=2 checksum=0xd927c82d0ce8c1c2",
  hashtable: "hashtable keys=20000 rounds=2 checksum=0xebabdaea36c36421",
  malloc_churn: "malloc_churn steps=50000 rounds=2 checksum=0x6ae464fd04ec4cbf",
  nbody: "nbody steps=100000 checksum=0x9f5bd631cc62bc46"
}

describe("benchmark programs", () => {
  it("every benchmark program has its native output recorded", () => {
    assert.deepStrictEqual(
      Guests.guests.filter((g) => g.kind === "benchmark").map((g) => g.name).sort(),
      Object.keys(NATIVE).sort()
    )
  })

  // The JIT with its default tuning, as `npm run bench` runs them: these programs are the ones that
  // showed a C library bug (calloc handing back reused memory unzeroed) no other guest reached.
  it.effect("print what the native build prints, on the JIT", () =>
    onKernel(
      RiscvJit.layer,
      Effect.gen(function*() {
        for (const [name, expected] of Object.entries(NATIVE)) {
          const outcome = yield* runGuest(name, { args: ["1"] })
          assert.strictEqual(outcome.returnCode, 0n, `${name}: ${outcome.stdout}${outcome.stderr}`)
          assert.strictEqual(outcome.stdout, `${expected}\n`, name)
        }
      })
    ), 300_000)
})

describe("the allocator", () => {
  for (const [cpu, layer] of cpus) {
    it.effect(
      `calloc zeroes reused blocks, blocks never overlap, realloc keeps contents, alignment, ENOMEM (${cpu})`,
      () =>
        onKernel(
          layer,
          Effect.gen(function*() {
            const outcome = yield* runGuest("allocator", { args: ["3000"] })
            assert.strictEqual(outcome.stdout.split("\n").filter((l) => l.startsWith("FAILED")).join("\n"), "")
            assert.strictEqual(outcome.stdout.split("\n").filter((l) => l.startsWith("ok ")).length, 10)
            assert.isTrue(outcome.stdout.endsWith("allocator: ok\n"), outcome.stdout)
            assert.strictEqual(outcome.returnCode, 0n)
          })
        ),
      120_000
    )
  }
})
