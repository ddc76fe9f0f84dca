import { defineConfig } from "vitest/config"
import workspace from "./vitest.workspace.js"

// The project list lives in vitest.workspace.ts (the layout the project started with); this file
// hands it to `test.projects`, the form Vitest 3.2 reads without a deprecation notice.
export default defineConfig({
  test: {
    projects: workspace
  }
})
