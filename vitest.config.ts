import { defineConfig } from "vitest/config"
import workspace from "./vitest.workspace.js"

// The project list lives in vitest.workspace.ts (the layout the project started with); this file
// hands it to `test.projects`, the form Vitest 3.2 reads without a deprecation notice.
export default defineConfig({
  test: {
    projects: workspace,
    // Child processes, one test file each. ZXSIM_TEST_WORKERS caps them (CI on a busy machine: 1);
    // by default Vitest uses one fewer than the cores. A test file must never block its worker's
    // event loop for long (split long synchronous work with setImmediate): a worker that cannot
    // answer Vitest's RPC within 60 s fails the whole run with "Timeout calling onTaskUpdate".
    pool: "forks",
    ...(process.env.ZXSIM_TEST_WORKERS === undefined
      ? {}
      : { maxWorkers: Number(process.env.ZXSIM_TEST_WORKERS), minWorkers: 1 })
  }
})
