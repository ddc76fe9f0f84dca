/**
 * The guest pool's worker thread: an in-process {@link GuestRunner} (its own kernels, one per CPU
 * kind) answering `RunGuest` requests from the pool through `WorkerRunner.layerSerialized`.
 * Started by `GuestPool`; not imported by anything else (importing it starts a worker runner).
 *
 * @since 0.1.0
 */
import { NodeContext, NodeRuntime, NodeWorkerRunner } from "@effect/platform-node"
import * as WorkerRunner from "@effect/platform/WorkerRunner"
import * as Layer from "effect/Layer"
import * as GuestRun from "../GuestRun.js"
import * as GuestRunner from "../GuestRunner.js"

const main = WorkerRunner.layerSerialized(GuestRun.RunGuest, {
  RunGuest: (request) => GuestRunner.run(request)
}).pipe(
  Layer.provide(GuestRunner.layer),
  Layer.provide(NodeContext.layer),
  Layer.provide(NodeWorkerRunner.layer)
)

NodeRuntime.runMain(WorkerRunner.launch(main))
