import { assert, describe, it } from "@effect/vitest"
import * as Guests from "@zxsim/guest/Guests"
import type { Cpu } from "@zxsim/kernel/Cpu"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import { ProcessInfoFlags } from "@zxsim/kernel/Task"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import { cpus } from "./cpus.js"
import { onKernel } from "./fixtures.js"
import { binLoader, image, runGuest } from "./guests.js"

/** Resumes after the host's pending I/O and timers, as a guest thread does at the end of a slice. */
const nextMacrotask = Effect.async<void>((resume) => {
  setImmediate(() => resume(Effect.void))
})

/** A body on a fresh kernel running on `cpu`, with a leak check once its scope has closed. */
const onCpu = <A, E>(
  cpu: Layer.Layer<Cpu>,
  body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>,
  options?: Kernel.KernelOptions
) => onKernel(body, cpu, options)

for (const [cpuName, cpu] of cpus) {
  describe(`guests on the ${cpuName}`, () => {
    it.live("start_static_pie_binary", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const executable = yield* k.vmo.fromBytes(image("static_pie_test_util"), { executable: true })
          const builder = yield* ProcessBuilder.make({
            name: "/pkg/bin/static_pie_test_util",
            job: yield* k.job.root(),
            executable,
            systemVdso: yield* k.systemVdso()
          })
          const [local, remote] = yield* k.channel.create()
          yield* ProcessBuilder.addHandles(builder, [{ handle: remote, info: HandleInfo.fromType("User0") }])
          const random = new DataView(crypto.getRandomValues(new Uint8Array(8)).buffer).getBigUint64(0, true)
          const message = new TextEncoder().encode(`test content 1 ${random}`)
          yield* k.channel.write(local, message)
          const process = yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
          const signals = yield* k.object.waitOne(local, Signals.CHANNEL_READABLE | Signals.CHANNEL_PEER_CLOSED)
          assert.isTrue((signals & Signals.CHANNEL_READABLE) !== 0)
          const echoed = yield* k.channel.read(local)
          assert.deepStrictEqual(echoed.bytes, message)
          assert.strictEqual(echoed.handles.length, 0)
          yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
          const info = yield* k.process.info(process)
          assert.strictEqual(info.returnCode, 0n)
          assert.strictEqual(info.flags, ProcessInfoFlags.STARTED | ProcessInfoFlags.EXITED)
        })
      ))

    it.live("hello prints its arguments and environment", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const outcome = yield* runGuest("hello", { args: ["a", "b c"], env: ["HOME=/", "X=1"] })
          assert.strictEqual(outcome.stdout, "hello\na\nb c\nHOME=/\nX=1\n")
          assert.strictEqual(outcome.returnCode, 0n)
          assert.strictEqual(outcome.flags, ProcessInfoFlags.STARTED | ProcessInfoFlags.EXITED)
        })
      ))

    it.live("cat copies stdin to stdout, in blocks and by character, waiting on a full socket", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          // More than a socket holds (256 KiB), so the feeder has to wait for the guest to read.
          const input = new Uint8Array(300 * 1024).map((_, i) => 32 + ((i * 7 + (i >> 10)) % 95))
          input[1000] = 10
          const blocks = yield* runGuest("cat", { stdin: input })
          assert.strictEqual(blocks.returnCode, 0n)
          assert.strictEqual(blocks.stdout, new TextDecoder().decode(input))
          const text = "one\ntwo\n\nthree without a newline"
          const chars = yield* runGuest("cat", { args: ["-c"], stdin: new TextEncoder().encode(text) })
          assert.strictEqual(chars.returnCode, 0n)
          assert.strictEqual(chars.stdout, text)
        })
      ))

    it.live("cat without stdin, or with an empty one, is at end of file at once", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          for (const outcome of [yield* runGuest("cat"), yield* runGuest("cat", { stdin: new Uint8Array(0) })]) {
            assert.strictEqual(outcome.returnCode, 0n)
            assert.strictEqual(outcome.stdout, "")
          }
        })
      ))

    it.live("a dynamically linked program writing its RELRO (read-only once ld.so.1 relocated it) is killed", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const handles = [{ handle: yield* binLoader, info: HandleInfo.fromType("LdsvcLoader") }]
          const outcome = yield* runGuest("write_relro", { handles })
          assert.strictEqual(outcome.returnCode, BigInt(Guests.guest("write_relro").ending.returnCode))
          assert.strictEqual(outcome.stdout, "")
          // The same library and linker otherwise run a program to its end.
          const hello = yield* runGuest("hello_dynamic", {
            args: ["x"],
            handles: [{ handle: yield* binLoader, info: HandleInfo.fromType("LdsvcLoader") }]
          })
          assert.strictEqual(hello.returnCode, 0n)
        })
      ))

    it.live("threads of one process share memory: an atomic counter and an LR/SC lock stay exact across time slices", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const before = yield* k.executionStats
          const outcome = yield* runGuest("threads", { args: ["100000"] })
          const after = yield* k.executionStats
          assert.strictEqual(outcome.stdout, "threads=4 rounds=100000 total=400000\n")
          assert.strictEqual(outcome.returnCode, 0n)
          // The work spans many slices, so the threads were switched mid-loop.
          assert.isAbove(after.slices - before.slices, 8)
        })
      ))

    it.live("exit codes 0, 1, 42 and 255 pass through", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          for (const code of [0, 1, 42, 255]) {
            const outcome = yield* runGuest("exit_code", { args: [String(code)] })
            assert.strictEqual(outcome.returnCode, BigInt(code))
          }
        })
      ))

    for (const hostile of Guests.guests.filter((g) => g.kind === "hostile")) {
      it.live(`${hostile.name} is contained: ${hostile.ending._tag} ${hostile.ending.returnCode}; a neighbour finishes`, () =>
        onCpu(
          cpu,
          Effect.gen(function*() {
            const k = yield* Kernel.Kernel
            const neighbour = yield* Effect.fork(runGuest("hello", { args: ["neighbour"] }))
            // A default job to make children in (fork_bomb does, in a job of its own below it).
            const job = yield* k.handle.duplicate(yield* k.job.root())
            const outcome = yield* runGuest(hostile.name, {
              handles: [{ handle: job, info: HandleInfo.fromType("DefaultJob") }],
              whileRunning: (process) =>
                hostile.ending._tag === "RunsUntilKilled"
                  ? Effect.gen(function*() {
                    // Let it spin for a few slices, then kill it.
                    const { slices } = yield* k.executionStats
                    while ((yield* k.executionStats).slices < slices + 3) yield* Effect.sleep("1 millis")
                    yield* k.task.kill(process)
                  })
                  : Effect.void
            })
            assert.strictEqual(
              outcome.returnCode,
              BigInt(hostile.ending.returnCode),
              `${hostile.name}: ${outcome.stderr}${outcome.stdout}`
            )
            const friend = yield* Fiber.join(neighbour)
            assert.strictEqual(friend.returnCode, 0n)
            assert.strictEqual(friend.stdout, "hello\nneighbour\n")
            const stats = yield* k.stats
            assert.strictEqual(stats.runningProcesses, 0)
          }),
          hostile.name === "allocate_forever" ? { memoryBytes: 16 * 1024 * 1024 } : undefined
        ))
    }

    it.effect("a runaway guest delays a TestClock timer and another fiber by at most one slice", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const slices = () => Effect.map(k.executionStats, (s) => s.slices)
          const executable = yield* k.vmo.fromBytes(image("endless_loop"), { executable: true })
          const builder = yield* ProcessBuilder.make({
            name: "spin",
            job: yield* k.job.root(),
            executable,
            systemVdso: yield* k.systemVdso()
          })
          const process = yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
          while ((yield* slices()) < 2) yield* Effect.yieldNow()

          // Another fiber: woken through a Deferred while the guest spins.
          const gate = yield* Deferred.make<void>()
          const waiter = yield* Effect.fork(Effect.zipRight(Deferred.await(gate), slices()))
          const opened = yield* slices()
          yield* Deferred.succeed(gate, undefined)
          assert.isAtMost((yield* Fiber.join(waiter)) - opened, 1)

          // A TestClock timer: the slice at which the clock reaches the deadline (seen by a fiber
          // that yields to the event loop, as the guest does) against the slice at which it fires.
          const deadline = (yield* Clock.currentTimeMillis) + 10_000
          const timer = yield* Effect.fork(Effect.zipRight(Effect.sleep("10 seconds"), slices()))
          const watcher = yield* Effect.fork(Effect.gen(function*() {
            while ((yield* Clock.currentTimeMillis) < deadline) yield* nextMacrotask
            return yield* slices()
          }))
          yield* TestClock.adjust("10 seconds")
          const fired = yield* Fiber.join(timer)
          const due = yield* Fiber.join(watcher)
          assert.isAtMost(fired - due, 1)
          assert.strictEqual((yield* k.process.info(process)).flags, ProcessInfoFlags.STARTED)
          yield* k.task.kill(process)
          yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
        })
      ))
  })
}
