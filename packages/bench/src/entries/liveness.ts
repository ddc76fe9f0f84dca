/**
 * Liveness benchmark: how long the host's event loop waits while CPU-bound guests run. 100
 * `endless_loop` guests run in one kernel on the default CPU while a 10 ms host ticker (a plain
 * `setInterval`, outside Effect) records how late each tick comes. Reported: the p99 and the worst
 * delay against the kernel's goal of 20 ms (a ratio of at least 1.000x meets it), and the ticks
 * received against those a free event loop would have had.
 */
import * as Guests from "@zxsim/guest/Guests"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as Zircon from "@zxsim/riscv/Zircon"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { readFileSync } from "node:fs"
import type { Entry, Row } from "../Bench.js"

/** CPU-bound guests running at once. */
const GUESTS = 100
/** The ticker's period. */
const TICK_MS = 10
/** How long the guests run while the ticker is measured. */
const MEASURE_MS = 3_000
/** The kernel's goal for the host's worst event-loop delay. */
const GOAL_MS = 20

/** Records how late each tick of a `TICK_MS` ticker comes, until stopped. */
const startTicker = () => {
  const delays: Array<number> = []
  let last = performance.now()
  const timer = setInterval(() => {
    const now = performance.now()
    delays.push(Math.max(0, now - last - TICK_MS))
    last = now
  }, TICK_MS)
  return { delays, stop: () => clearInterval(timer) }
}

/** The `q` quantile (0..1) of `values`, or 0 for none. */
const quantile = (values: ReadonlyArray<number>, q: number): number => {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

/** Starts `GUESTS` endless loops, measures the ticker for `MEASURE_MS`, and kills them all. */
const measure = (runtime: ManagedRuntime.ManagedRuntime<Kernel.Kernel, never>, image: Uint8Array) =>
  runtime.runPromise(Effect.scoped(Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const file = yield* k.vmo.fromBytes(image, { name: "endless_loop", executable: true })
    const vdso = yield* k.systemVdso()
    const job = yield* k.job.create(yield* k.job.root())
    const processes: Array<Handle.Process> = []
    // Built and started one by one; the guests already started run while the rest are built.
    for (let i = 0; i < GUESTS; i++) {
      const builder = yield* ProcessBuilder.make({
        name: "endless_loop",
        job: yield* k.handle.duplicate(job),
        executable: yield* k.handle.duplicate(file),
        systemVdso: yield* k.handle.duplicate(vdso)
      })
      yield* ProcessBuilder.addArguments(builder, ["endless_loop"])
      processes.push(yield* BuiltProcess.start(yield* ProcessBuilder.build(builder)))
    }
    const ticker = startTicker()
    yield* Effect.sleep(`${MEASURE_MS} millis`)
    ticker.stop()
    const { hostYields, slices } = yield* k.executionStats
    yield* k.task.kill(job)
    return { delays: ticker.delays, hostYields, slices }
  })))

/** The liveness benchmark. */
export const entry: Entry = {
  name: "liveness",
  run: async () => {
    const image = new Uint8Array(readFileSync(Guests.path("endless_loop")))
    const runtime = ManagedRuntime.make(Zircon.layer)
    try {
      const { delays, hostYields, slices } = await measure(runtime, image)
      const p99 = quantile(delays, 0.99)
      const worst = quantile(delays, 1)
      const rows: Array<Row> = [
        {
          name: `${GUESTS} CPU-bound guests: p99 delay of a ${TICK_MS} ms host ticker (goal / p99)`,
          unit: "ms",
          subject: GOAL_MS,
          peerName: `p99 delay`,
          peer: Math.max(p99, 0.001),
          notes: `p99 ${p99.toFixed(1)} ms over ${delays.length} ticks`
        },
        {
          name: `${GUESTS} CPU-bound guests: worst delay of a ${TICK_MS} ms host ticker (goal / max)`,
          unit: "ms",
          subject: GOAL_MS,
          peerName: "max delay",
          peer: Math.max(worst, 0.001),
          notes: `max ${worst.toFixed(1)} ms; ${slices} time slices, ${hostYields} turns given to the host`
        },
        {
          name: `${GUESTS} CPU-bound guests: ticks received in ${MEASURE_MS / 1000} s`,
          unit: "ticks",
          subject: delays.length,
          peerName: "a free event loop",
          peer: MEASURE_MS / TICK_MS
        }
      ]
      return rows
    } finally {
      await runtime.dispose()
    }
  }
}
