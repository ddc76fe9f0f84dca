/**
 * The guest pool's worker thread: an in-process {@link GuestRunner} (its own kernels, one per CPU
 * kind) answering the pool's requests through `WorkerRunner.layerSerialized`: `RunGuest` as the
 * caller made it, and `RunCached`, whose ELF files come with their bytes (kept here by digest) or
 * by digest alone (taken from what was kept; see `ProgramCache`). The store's capacity comes from
 * the pool's `data`. Started by `GuestPool` as a thread or a process; not imported by anything
 * else (importing it starts a worker runner).
 *
 * @since 0.1.0
 */
import { NodeContext, NodeRuntime, NodeWorkerRunner } from "@effect/platform-node"
import * as WorkerRunner from "@effect/platform/WorkerRunner"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as GuestRun from "../GuestRun.js"
import * as GuestRunner from "../GuestRunner.js"
import * as ProgramCache from "../ProgramCache.js"
import * as WorkerPool from "../WorkerPool.js"

// A pool always sends its configuration; a worker started some other way keeps the defaults.
const data = WorkerPool.workerData()
const config = data === undefined || data === null
  ? ProgramCache.WorkerConfig.make({ capacity: ProgramCache.Capacity.make({}) })
  : Schema.decodeUnknownSync(ProgramCache.WorkerConfig)(data)
const store = new ProgramCache.ContentLru<Uint8Array>(config.capacity)

const main = WorkerRunner.layerSerialized(ProgramCache.WorkerRequest, {
  RunGuest: (request) => GuestRunner.run(request),
  RunCached: (request) =>
    Effect.suspend((): Effect.Effect<
      GuestRun.RunResult,
      GuestRun.RunFailed | ProgramCache.ProgramMissing,
      GuestRunner.GuestRunner
    > => {
      const program = ProgramCache.resolve(request.program, store)
      if (program._tag === "ProgramMissing") return Effect.fail(program)
      const { _tag: _, program: __, ...fields } = request
      return GuestRunner.run(new GuestRun.RunGuest({ ...fields, program }))
    })
}).pipe(
  Layer.provide(GuestRunner.layer),
  Layer.provide(NodeContext.layer),
  Layer.provide(NodeWorkerRunner.layer)
)

NodeRuntime.runMain(WorkerRunner.launch(main))
