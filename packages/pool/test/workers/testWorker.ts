/**
 * A worker for the pool's own tests: echoes, spins forever without yielding (a stuck event loop
 * no message can reach), dies, or reads the pool's data. Runs as a thread or a process.
 */
import { NodeRuntime, NodeWorkerRunner } from "@effect/platform-node"
import * as WorkerRunner from "@effect/platform/WorkerRunner"
import * as WorkerPool from "@zxsim/pool/WorkerPool"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { TestRequest } from "./protocol.js"

const main = WorkerRunner.layerSerialized(TestRequest, {
  Echo: (request) => Effect.succeed(request.text),
  Spin: () =>
    Effect.sync(() => {
      let x = 0
      for (;;) x = (x + 1) | 0
    }),
  Die: () => Effect.sync(() => process.exit(3)),
  ReadData: () => Effect.sync(() => JSON.stringify(WorkerPool.workerData()) ?? "undefined")
}).pipe(Layer.provide(NodeWorkerRunner.layer))

NodeRuntime.runMain(WorkerRunner.launch(main))
