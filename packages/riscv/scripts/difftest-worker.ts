/**
 * A difftest worker thread: runs the batches the pool hands it (see difftest.ts).
 */
import { NodeRuntime, NodeWorkerRunner } from "@effect/platform-node"
import * as WorkerRunner from "@effect/platform/WorkerRunner"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { runBatch } from "../test/utils/Differential.js"
import { BatchSummary, DiffBatch, Divergence } from "./difftest-protocol.js"

const main = WorkerRunner.layerSerialized(DiffBatch, {
  DiffBatch: ({ count, seed }) =>
    Effect.sync(() => {
      const result = runBatch(seed, count)
      return new BatchSummary({ ...result, divergences: result.divergences.map((d) => new Divergence(d)) })
    })
}).pipe(Layer.provide(NodeWorkerRunner.layer))

NodeRuntime.runMain(WorkerRunner.launch(main))
