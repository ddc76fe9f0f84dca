import { assert, describe, it } from "@effect/vitest"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import { TaskReturnCode } from "@zxsim/kernel/Task"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { onKernel } from "./fixtures.js"
import { runGuest } from "./guests.js"

/** A raw 10 ms host timer counting its ticks: it only ticks when the event loop gets its turn. */
const ticker = Effect.acquireRelease(
  Effect.sync(() => {
    const state = { ticks: 0, timer: undefined as ReturnType<typeof setInterval> | undefined }
    state.timer = setInterval(() => state.ticks++, 10)
    return state
  }),
  (state) => Effect.sync(() => clearInterval(state.timer))
)

/** Waits, in 10 ms host sleeps, until the ticker has ticked `count` times. */
const untilTicks = (clock: { readonly ticks: number }, count: number) =>
  Effect.gen(function*() {
    while (clock.ticks < count) yield* Effect.promise(() => new Promise<void>((r) => setTimeout(r, 10)))
  })

/** The 63-byte line stdout_flood repeats, and the first `n` bytes of its output. */
const floodLine = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\n"
const floodText = (n: number) => floodLine.repeat(Math.ceil(n / floodLine.length)).slice(0, n)

describe("host liveness", () => {
  for (const call of ["clock", "close"]) {
    it.live(
      `a guest spinning on an immediate syscall (${call}) lets a host ticker tick 20 times, then dies by task_kill`,
      () =>
        onKernel(
          Effect.gen(function*() {
            const k = yield* Kernel.Kernel
            const clock = yield* ticker
            const outcome = yield* runGuest("spin_syscall", {
              args: [call],
              whileRunning: (process) =>
                Effect.gen(function*() {
                  while (clock.ticks < 20) yield* Effect.promise(() => new Promise<void>((r) => setTimeout(r, 10)))
                  yield* k.task.kill(process)
                  yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
                })
            })
            assert.isAtLeast(clock.ticks, 20)
            assert.strictEqual(outcome.returnCode, BigInt(TaskReturnCode.SYSCALL_KILL))
            assert.isAbove((yield* k.executionStats).hostYields, 0)
          }),
          RiscvJit.layer
        ),
      { timeout: 60_000 }
    )
  }

  it.live(
    "100 CPU-bound guests beside 100 cats: every cat copies its input to the end while a host ticker ticks 20 times; then their job is killed",
    () =>
      onKernel(
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const clock = yield* ticker
          const spinners = yield* k.job.create(yield* k.job.root())
          const loops = yield* Effect.forkScoped(Effect.all(
            Array.from({ length: 100 }, () => runGuest("endless_loop", { job: spinners })),
            { concurrency: "unbounded" }
          ))
          const inputs = Array.from({ length: 100 }, (_, i) => `cat ${i}: ${"x".repeat(i * 37)}\n`.repeat(1 + (i % 7)))
          const cats = yield* Effect.all(
            inputs.map((input) => runGuest("cat", { stdin: new TextEncoder().encode(input) })),
            { concurrency: "unbounded" }
          )
          for (const [i, cat] of cats.entries()) {
            assert.strictEqual(cat.returnCode, 0n, `cat ${i}: ${cat.stderr}`)
            assert.strictEqual(cat.stdout, inputs[i])
          }
          const afterCats = clock.ticks
          // The loops are still spinning: the ticker keeps ticking beside them.
          yield* untilTicks(clock, afterCats + 20)
          yield* k.task.kill(spinners)
          const outcomes = yield* Fiber.join(loops)
          assert.strictEqual(outcomes.length, 100)
          for (const loop of outcomes) assert.strictEqual(loop.returnCode, BigInt(TaskReturnCode.SYSCALL_KILL))
          assert.isAtLeast(clock.ticks, 20)
          assert.strictEqual((yield* k.stats).runningProcesses, 0)
        }),
        RiscvJit.layer
      ),
    { timeout: 120_000 }
  )

  it.live(
    "stdout_flood writing 32 MiB while the host drains its socket lets a host ticker tick 10 times; every byte arrives and it exits 0",
    () =>
      onKernel(
        Effect.gen(function*() {
          const clock = yield* ticker
          const bytes = 32 << 20
          const outcome = yield* runGuest("stdout_flood", { args: [String(bytes)] })
          assert.strictEqual(outcome.returnCode, 0n, outcome.stderr)
          assert.strictEqual(outcome.stdout.length, bytes)
          assert.isTrue(outcome.stdout === floodText(bytes), "stdout_flood's output is its repeating line")
          assert.isAtLeast(clock.ticks, 10)
        }),
        RiscvJit.layer
      ),
    { timeout: 60_000 }
  )

  for (const [name, count, noun] of [["vmo_flood", 50_000, "VMOs"], ["thread_flood", 20_000, "threads"]] as const) {
    it.live(
      `${name} making ${count} ${noun} lets a host ticker tick 10 times; it exits 0 and the kernel frees them all`,
      () =>
        onKernel(
          Effect.gen(function*() {
            const clock = yield* ticker
            const outcome = yield* runGuest(name, { args: [String(count)] })
            assert.strictEqual(outcome.returnCode, 0n, outcome.stderr)
            assert.strictEqual(outcome.stdout, `${name}: ${count} ${noun}\n`)
            assert.isAtLeast(clock.ticks, 10)
          }),
          RiscvJit.layer
        ),
      { timeout: 60_000 }
    )
  }

  it.live(
    "a fork bomb in a 2 MiB kernel lets a host ticker tick 10 times; it ends when memory runs out and the host kills its job",
    () =>
      onKernel(
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const clock = yield* ticker
          // The bomb's default job, which the host kills at the end with every child left in it.
          const job = yield* k.job.create(yield* k.job.root())
          const outcome = yield* runGuest("fork_bomb", {
            args: ["0", "keep"],
            handles: [{ handle: yield* k.handle.duplicate(job), info: HandleInfo.fromType("DefaultJob") }]
          })
          // Memory runs out: either a zx_process_create or thread call is refused (exit 2, after its
          // report when the kernel still has room for those bytes in the stdout socket: the report
          // itself needs memory the children may have taken), or the bomb's own next page cannot
          // be committed and it dies of the fault.
          if (outcome.returnCode === 2n) {
            assert.match(outcome.stdout, /^(fork_bomb: [1-9][0-9]* children, then -(3|4)\n)?$/)
          } else {
            assert.strictEqual(
              outcome.returnCode,
              BigInt(TaskReturnCode.EXCEPTION_KILL),
              `${outcome.stderr}${outcome.stdout}`
            )
          }
          assert.isAbove((yield* k.stats).runningProcesses, 0, "the children spin on")
          yield* k.task.kill(job)
          yield* k.object.waitOne(job, Signals.JOB_TERMINATED)
          assert.strictEqual((yield* k.stats).runningProcesses, 0)
          assert.isAtLeast(clock.ticks, 10)
        }),
        RiscvJit.layer,
        { memoryBytes: 2 * 1024 * 1024 }
      ),
    { timeout: 60_000 }
  )
})
