/**
 * One zxsim run of a benchmark guest, shared by the CPU benchmark (runs inside the bench's own
 * process) and by its fresh-process runner (`coldRun.ts`): the process built through the real
 * kernel and ProcessBuilder, its stdout drained, its CPU time and retired instructions sampled for
 * the warm-up figure.
 */
import type { CpuStats } from "@zxsim/kernel/Cpu"
import { Cpu } from "@zxsim/kernel/Cpu"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import { readFileSync } from "node:fs"

/**
 * What the fresh-process runner (`coldRun.ts`) prints: a run's figures (NaN, which JSON cannot
 * hold, as null).
 */
export const ColdResult = Schema.Struct({
  seconds: Schema.Number,
  cpu: Schema.Number,
  checksum: Schema.String,
  stats: Schema.NullOr(
    Schema.Struct({ instructions: Schema.Number }, Schema.Record({ key: Schema.String, value: Schema.Number }))
  ),
  warmUpMs: Schema.NullOr(Schema.Number)
})

/** The window over which a run must keep 90% of its steady speed to count as warmed up. */
export const WARM_WINDOW_MS = 20

/** A result: seconds, the checksum printed, and for zxsim the counters and warm-up. */
export interface Timed {
  /** Wall-clock seconds. */
  readonly seconds: number
  /** CPU seconds (user + system) of the run: what the ratios compare (see the module comment). */
  readonly cpu: number
  readonly checksum: string
  readonly stats?: CpuStats | null
  /** Milliseconds from the start to 90% of the steady speed; NaN when not measured. */
  readonly warmUpMs?: number
}

export const checksumOf = (output: string): string =>
  /checksum=(\S+)/.exec(output)?.[1] ?? `(no checksum in ${JSON.stringify(output.slice(0, 80))})`

const drain = (socket: Handle.Socket) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    let text = ""
    for (;;) {
      const signals = yield* k.object.waitOne(socket, Signals.SOCKET_READABLE | Signals.SOCKET_PEER_CLOSED)
      if ((signals & Signals.SOCKET_READABLE) === 0) return text
      text += new TextDecoder().decode(yield* k.socket.read(socket, 1 << 20))
    }
  })

/** CPU milliseconds (user + system) this process has used. */
const cpuMs = (): number => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

/**
 * Retired-instruction counts over CPU time: parallel arrays of milliseconds and counts, and the
 * wall-clock time of the last sample.
 */
interface Samples {
  readonly ms: Array<number>
  readonly instructions: Array<number>
  lastWall: number
}

/**
 * Wall-clock milliseconds between samples. Reading the CPU time is a `getrusage` of the whole
 * process, which here costs 15–35 µs while V8's compiler threads run: after every `run` (a time
 * slice, about a thousand per program) it added 20–40 ms to a 100 ms program's time.
 */
const SAMPLE_EVERY_MS = 1

/** `cpu` with a sample of the time and the instructions retired so far after a `run`, at most every {@link SAMPLE_EVERY_MS}. */
const sampling = (cpu: Layer.Layer<Cpu>, samples: Samples): Layer.Layer<Cpu> =>
  Layer.effect(
    Cpu,
    Effect.map(Cpu, (inner) => ({
      ...inner,
      run: (thread, budget) => {
        const stop = inner.run(thread, budget)
        const wall = performance.now()
        if (wall - samples.lastWall >= SAMPLE_EVERY_MS) {
          samples.lastWall = wall
          samples.ms.push(cpuMs())
          samples.instructions.push(inner.stats().instructions)
        }
        return stop
      }
    }))
  ).pipe(Layer.provide(cpu))

/** The instructions retired by time `t` (linear between samples). */
const countAt = (s: Samples, t: number): number => {
  let lo = 0
  let hi = s.ms.length - 1
  if (t <= s.ms[0]!) return s.instructions[0]!
  if (t >= s.ms[hi]!) return s.instructions[hi]!
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (s.ms[mid]! <= t) lo = mid
    else hi = mid
  }
  const f = (t - s.ms[lo]!) / (s.ms[hi]! - s.ms[lo]!)
  return s.instructions[lo]! + f * (s.instructions[hi]! - s.instructions[lo]!)
}

/** Milliseconds from `start` until the speed first holds 90% of the second half's speed for a window. */
const warmUp = (s: Samples, start: number): number => {
  const n = s.ms.length
  if (n < 2) return Number.NaN
  const end = s.ms[n - 1]!
  const middle = (start + end) / 2
  const steady = (s.instructions[n - 1]! - countAt(s, middle)) / (end - middle)
  for (const t of [start, ...s.ms]) {
    if (t + WARM_WINDOW_MS > end) break
    if ((countAt(s, t + WARM_WINDOW_MS) - countAt(s, t)) / WARM_WINDOW_MS >= 0.9 * steady) return t - start
  }
  return Number.NaN
}

/** Builds, starts and waits for a guest on the kernel in context; its stdout and the CPU's counters. */
const runGuest = (name: string, image: Uint8Array, scale: number, samples: Samples | undefined) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const start = performance.now()
    const startCpu = cpuMs()
    const executable = yield* k.vmo.fromBytes(image, { name, executable: true })
    const builder = yield* ProcessBuilder.make({
      name,
      job: yield* k.job.root(),
      executable,
      systemVdso: yield* k.systemVdso()
    })
    const [stdout, stdoutGuest] = yield* k.socket.create()
    yield* ProcessBuilder.addHandles(builder, [{
      handle: stdoutGuest,
      info: HandleInfo.unsafeMake("FileDescriptor", 1)
    }])
    yield* ProcessBuilder.addArguments(builder, [name, String(scale)])
    const built = yield* ProcessBuilder.build(builder)
    const output = yield* Effect.fork(drain(stdout))
    if (samples !== undefined) {
      samples.ms.push(startCpu)
      samples.instructions.push(0)
      samples.lastWall = performance.now()
    }
    const process = yield* BuiltProcess.start(built)
    yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
    const seconds = (performance.now() - start) / 1000
    const cpu = (cpuMs() - startCpu) / 1000
    const info = yield* k.process.info(process)
    const text = yield* Fiber.join(output)
    if (info.returnCode !== 0n) return yield* Effect.dieMessage(`${name} returned ${info.returnCode}: ${text}`)
    // A fresh kernel and CPU per run: the counters are this run's.
    const stats: CpuStats | null = (yield* k.executionStats).cpu
    // The end, which the last sample may have missed by up to SAMPLE_EVERY_MS.
    if (samples !== undefined && stats !== null) {
      samples.ms.push(startCpu + cpu * 1000)
      samples.instructions.push(stats.instructions)
    }
    return {
      seconds,
      cpu,
      checksum: checksumOf(text),
      stats,
      warmUpMs: samples === undefined ? Number.NaN : warmUp(samples, startCpu)
    }
  }).pipe(Effect.scoped)

/** One run of the guest at `path` on a fresh kernel over `cpu` (nothing carries over), sampled when `sample` is set. */
export const onZxsim = async (
  cpu: Layer.Layer<Cpu>,
  name: string,
  path: string,
  scale: number,
  sample = false
): Promise<Timed> => {
  const image = new Uint8Array(readFileSync(path))
  const samples: Samples | undefined = sample ? { ms: [], instructions: [], lastWall: 0 } : undefined
  const runtime = ManagedRuntime.make(
    Kernel.layer.pipe(Layer.provide(samples === undefined ? cpu : sampling(cpu, samples)))
  )
  try {
    return await runtime.runPromise(runGuest(name, image, scale, samples))
  } finally {
    await runtime.dispose()
  }
}
