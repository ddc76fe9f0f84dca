import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { cpus, onKernel, runGuest } from "./run.js"

describe("abort, assert and signals", () => {
  for (const [cpu, layer] of cpus) {
    it.effect(
      `abort and crash signals end the process as a crash; assert says why first; SIGTERM is a kill (${cpu})`,
      () =>
        onKernel(
          layer,
          Effect.gen(function*() {
            const abort = yield* runGuest("crash", { args: ["abort"] })
            assert.strictEqual(abort.returnCode, -1028n)
            const failed = yield* runGuest("crash", { args: ["assert"] })
            assert.strictEqual(failed.returnCode, -1028n)
            assert.match(
              failed.stderr,
              /^assertion "two == 42" failed: file "src-c\/crash.c", line \d+, function: main\n$/
            )
            assert.strictEqual((yield* runGuest("crash", { args: ["segv"] })).returnCode, -1028n)
            assert.strictEqual((yield* runGuest("crash", { args: ["raise"] })).returnCode, -1024n)
            const handled = yield* runGuest("crash", { args: ["handled"] })
            assert.strictEqual(handled.returnCode, 0n)
            assert.match(handled.stdout, /^handled \d+\n$/)
          })
        ),
      120_000
    )
  }
})

describe("printf and scanf with doubles", () => {
  for (const [cpu, layer] of cpus) {
    it.effect(
      `fixed formats print as C does, and doubles round-trip bit for bit through %.17g and %lf (${cpu})`,
      () =>
        onKernel(
          layer,
          Effect.gen(function*() {
            const outcome = yield* runGuest("floats", { args: ["300"] })
            assert.strictEqual(outcome.returnCode, 0n, outcome.stdout)
            assert.strictEqual(
              outcome.stdout,
              "3.142 6.022141e+23 1e-300 0x1p+0\n   -2.5000|0.12    |+2\n1500.0 float ok\nfloats: 300 round trips\n"
            )
          })
        ),
      120_000
    )
  }
})

describe("clocks", () => {
  for (const [cpu, layer] of cpus) {
    it.effect(
      `UTC comes from Effect's Clock (a TestClock here), monotonic time advances with it, sleeps wait for it (${cpu})`,
      () =>
        onKernel(
          layer,
          Effect.gen(function*() {
            yield* TestClock.setTime(1_700_000_000_123)
            const first = yield* runGuest("clocks")
            assert.strictEqual(first.returnCode, 0n)
            const lines = first.stdout.split("\n")
            assert.strictEqual(lines[0], "time 1700000000")
            assert.strictEqual(lines[1], "gettimeofday 1700000000 123000")
            assert.strictEqual(lines[2], "realtime 1700000000123000000")
            assert.strictEqual(lines[4], "slept 0")
            // A sleep of 250 ms ends only once the clock has moved that far.
            const running = yield* Effect.fork(runGuest("clocks", { args: ["250"] }))
            let moved = 0
            while ((yield* Fiber.poll(running))._tag === "None" && moved < 10_000) {
              yield* Effect.yieldNow()
              yield* TestClock.adjust("1 millis")
              moved++
            }
            const second = yield* Fiber.join(running)
            assert.strictEqual(second.returnCode, 0n)
            const slept = BigInt(/slept (\d+)/.exec(second.stdout)?.[1] ?? "-1")
            assert.isTrue(slept >= 250_000_000n, `${second.stdout} moved ${moved}`)
            assert.isTrue(moved >= 250)
          })
        ),
      120_000
    )
  }
})

describe("stack size", () => {
  for (const [cpu, layer] of cpus) {
    it.effect(
      `10,000 frames overflow the default stack into its guard page and fit a 4 MiB one (${cpu})`,
      () =>
        onKernel(
          layer,
          Effect.gen(function*() {
            assert.strictEqual((yield* runGuest("recurse")).returnCode, -1028n)
            const big = yield* runGuest("recurse", { minStackSize: 4 * 1024 * 1024 })
            assert.strictEqual(big.returnCode, 0n)
            assert.match(big.stdout, /^depth=10000 sum=\d+\n$/)
          })
        ),
      120_000
    )
  }
})
