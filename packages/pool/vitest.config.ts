import { defineProject } from "vitest/config"
import { project } from "../../vitest.shared.js"

export default defineProject(project({
  test: {
    name: "pool",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000
  }
}))
