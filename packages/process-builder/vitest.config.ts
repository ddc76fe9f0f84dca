import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "process-builder",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000
  }
})
