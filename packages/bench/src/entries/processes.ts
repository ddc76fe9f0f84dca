/**
 * Processes benchmark: 10,000 blocked processes in one kernel. Each is `cat` built by the process
 * builder with a socket as its stdin (PA_FD 0) and started; it blocks reading the socket, which
 * stays open. Reported: builds per second of the last thousand against the first thousand (the
 * peer: a kernel with 9,000 more processes must build as fast as an empty one), host memory per
 * blocked process (RSS and JavaScript heap, against the goal of 10,000 processes in 1 GiB), the
 * memory's frames once they all died and a second wave ran (freed frames are reused, the memory
 * does not grow), and 64 MiB of one-page mappings in one VMAR (the last thousand maps against the
 * first thousand).
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Scope from "effect/Scope"
import { readFileSync } from "node:fs"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import * as Guests from "@zxsim/guest/Guests"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { VmOption } from "@zxsim/kernel/VmOptions"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as Zircon from "@zxsim/riscv/Zircon"
import type { Entry, Row } from "../Bench.js"

/** Processes built and kept blocked (`ZXSIM_BENCH_PROCESSES` overrides it, in thousands' steps). */
const PROCESSES = Math.max(2_000, Math.floor(Number(process.env["ZXSIM_BENCH_PROCESSES"] ?? 10_000) / 1_000) * 1_000)
/** Builds per measured batch. */
const BATCH = 1_000
/** The goal: this many blocked processes in 1 GiB of host memory. */
const GOAL_PER_GIB = 10_000
const GIB = 1024 * 1024 * 1024
/** One-page mappings in one VMAR: 64 MiB. */
const MAPPINGS = 16_384

/** Builds and starts one `cat` whose stdin is a socket kept open in the caller's scope. */
const buildBlocked = (file: Handle.Vmo, job: Handle.Job, vdso: Handle.Vmo) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const executable = yield* k.handle.duplicate(file)
    const systemVdso = yield* k.handle.duplicate(vdso)
    const builder = yield* ProcessBuilder.make({ name: "cat", job: yield* k.handle.duplicate(job), executable, systemVdso })
    const [, stdinGuest] = yield* k.socket.create()
    yield* ProcessBuilder.addHandles(builder, [{ handle: stdinGuest, info: HandleInfo.unsafeMake("FileDescriptor", 0) }])
    yield* ProcessBuilder.addArguments(builder, ["cat"])
    return yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
  })

/** Waits until guests stop running: no syscall handled for a while (every `cat` is blocked). */
const settle = Effect.gen(function*() {
  const k = yield* Kernel.Kernel
  let last = -1
  for (;;) {
    const { syscalls } = yield* k.executionStats
    if (syscalls === last) return
    last = syscalls
    yield* Effect.sleep("200 millis")
  }
})

/**
 * A full garbage collection before each memory reading, so the heap figure counts live objects
 * only: V8 exposes `gc` to a fresh context once the flag is set at run time.
 */
const gc: () => void = (() => {
  setFlagsFromString("--expose-gc")
  const collect: unknown = runInNewContext("gc")
  return typeof collect === "function" ? () => void collect() : () => {}
})()

interface Measured {
  readonly first: number
  readonly last: number
  readonly rssPerProcess: number
  readonly heapPerProcess: number
  readonly running: number
  readonly framesAfterFirstWave: number
  readonly framesAfterSecondWave: number
  readonly growths: number
  readonly totalSeconds: number
}

const measureProcesses = (runtime: ManagedRuntime.ManagedRuntime<Kernel.Kernel, never>, image: Uint8Array): Promise<Measured> =>
  runtime.runPromise(Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const outer = yield* Scope.make()
    const file = yield* k.vmo.fromBytes(image, { name: "cat", executable: true }).pipe(Scope.extend(outer))
    const root = yield* k.job.root().pipe(Scope.extend(outer))
    const vdso = yield* k.systemVdso().pipe(Scope.extend(outer))
    gc()
    const before = process.memoryUsage()
    const wave = yield* Scope.make()
    const rates: Array<number> = []
    const started = performance.now()
    for (let done = 0; done < PROCESSES; done += BATCH) {
      const t0 = performance.now()
      for (let i = 0; i < BATCH; i++) yield* buildBlocked(file, root, vdso).pipe(Scope.extend(wave))
      rates.push((BATCH * 1000) / (performance.now() - t0))
    }
    yield* settle
    const totalSeconds = (performance.now() - started) / 1000
    gc()
    const after = process.memoryUsage()
    const running = (yield* k.stats).runningProcesses
    // Every process dies with its stdin (end of file); then a second wave of a thousand runs in
    // the frames the first freed.
    yield* Scope.close(wave, Exit.void)
    yield* settle
    const framesAfterFirstWave = (yield* k.memoryStats).physicalFrames
    const second = yield* Scope.make()
    for (let i = 0; i < BATCH; i++) yield* buildBlocked(file, root, vdso).pipe(Scope.extend(second))
    yield* settle
    const memory = yield* k.memoryStats
    yield* Scope.close(second, Exit.void)
    yield* settle
    yield* Scope.close(outer, Exit.void)
    return {
      first: rates[0],
      last: rates[rates.length - 1],
      rssPerProcess: (after.rss - before.rss) / PROCESSES,
      heapPerProcess: (after.heapUsed - before.heapUsed) / PROCESSES,
      running,
      framesAfterFirstWave,
      framesAfterSecondWave: memory.physicalFrames,
      growths: memory.growths,
      totalSeconds
    }
  }))

/** Maps per second of the first and the last thousand of 16,384 one-page mappings in one VMAR. */
const measureMappings = (runtime: ManagedRuntime.ManagedRuntime<Kernel.Kernel, never>) =>
  runtime.runPromise(Effect.scoped(Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const { rootVmar } = yield* k.process.create(yield* k.job.root(), "mappings")
    const vmo = yield* k.vmo.create(4096)
    const rates: Array<number> = []
    const started = performance.now()
    for (let done = 0; done < MAPPINGS; done += BATCH) {
      const n = Math.min(BATCH, MAPPINGS - done)
      const t0 = performance.now()
      for (let i = 0; i < n; i++) yield* k.vmar.map(rootVmar, VmOption.PERM_READ, 0, vmo, 0, 4096)
      rates.push((n * 1000) / (performance.now() - t0))
    }
    const seconds = (performance.now() - started) / 1000
    return { first: rates[0], last: rates[rates.length - 2], seconds }
  })))

/** The processes benchmark. */
export const entry: Entry = {
  name: "processes",
  run: async () => {
    const image = new Uint8Array(readFileSync(Guests.path("cat")))
    const runtime = ManagedRuntime.make(Zircon.layer)
    try {
      const p = await measureProcesses(runtime, image)
      const m = await measureMappings(runtime)
      const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
      const rows: Array<Row> = [
        {
          name: `${PROCESSES.toLocaleString("en")} blocked processes: builds/s of the last thousand`,
          unit: "builds/s",
          subject: p.last,
          peerName: "the first thousand",
          peer: p.first,
          notes: `${p.running} running at the end; all built and blocked in ${p.totalSeconds.toFixed(1)} s`
        },
        {
          name: "blocked processes per GiB of host RSS",
          unit: "processes/GiB",
          subject: GIB / Math.max(1, p.rssPerProcess),
          peerName: "goal (10,000 in 1 GiB)",
          peer: GOAL_PER_GIB,
          notes: `${kib(p.rssPerProcess)} RSS, ${kib(p.heapPerProcess)} JS heap per process`
        },
        {
          name: "wasm memory frames after a second wave of 1,000 in the freed memory (1.000x: no growth)",
          unit: "frames",
          subject: p.framesAfterSecondWave,
          peerName: "frames after the first wave",
          peer: p.framesAfterFirstWave,
          notes: `${p.growths} growths of the wasm memory in all`
        },
        {
          name: `${MAPPINGS.toLocaleString("en")} one-page mappings (64 MiB) in one VMAR: maps/s of the last thousand`,
          unit: "maps/s",
          subject: m.last,
          peerName: "the first thousand",
          peer: m.first,
          notes: `all in ${m.seconds.toFixed(2)} s`
        }
      ]
      return rows
    } finally {
      await runtime.dispose()
    }
  }
}
