import { defineProject } from "vitest/config"
import { project } from "../../vitest.shared.js"

export default defineProject(project({
  test: {
    name: "playground",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000
  }
}))
