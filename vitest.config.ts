import { availableParallelism } from "node:os"
import { defineConfig } from "vitest/config"
import workspace from "./vitest.workspace.js"

// One test file per child process, as many as there are cores (ZXSIM_TEST_WORKERS overrides;
// CI on a busy machine: 1). Vitest's own default, one fewer than the cores, leaves a 2-core
// machine running the files one at a time, though the main process mostly waits. A test file
// must never block its worker's event loop for long (split long synchronous work with
// setImmediate, spawn children asynchronously): a worker that cannot answer Vitest's RPC within
// 60 s fails the whole run with "Timeout calling onTaskUpdate", and that deadline is not
// configurable. ZXSIM_PROPERTY_RUNS scales the property tests' run counts (see the README).
const workers = process.env.ZXSIM_TEST_WORKERS === undefined || process.env.ZXSIM_TEST_WORKERS === ""
  ? availableParallelism()
  : Number(process.env.ZXSIM_TEST_WORKERS)

export default defineConfig({
  test: {
    projects: workspace,
    pool: "forks",
    // Test files share their worker's modules instead of loading them afresh (Effect and our
    // sources, for every file: half of the suite's collect time, 115 s -> 55 s). Tests keep no
    // state in modules that another file could see: each makes its own kernel, layers and
    // temporary directories.
    isolate: false,
    maxWorkers: workers,
    minWorkers: 1
  }
})
