import type { UserWorkspaceConfig } from "vitest/config"
import { mergeConfig } from "vitest/config"

/**
 * The least time a test or hook may take before Vitest fails it: 10 minutes, or
 * `ZXSIM_TEST_TIMEOUT` milliseconds. A timeout here only catches a hang; on a 2-core machine that
 * other jobs load many times over, a test that takes 20 s on a quiet one can take minutes, and it
 * must not fail for that. Tests that name their own, longer timeout keep it.
 */
const leastTimeout = process.env.ZXSIM_TEST_TIMEOUT === undefined || process.env.ZXSIM_TEST_TIMEOUT === ""
  ? 600_000
  : Number(process.env.ZXSIM_TEST_TIMEOUT)

/**
 * Settings every package's Vitest project shares. Workspace imports (`@zxsim/kernel/Kernel`)
 * resolve through the `@zxsim/source` export condition to the TypeScript sources, so tests never
 * need a build; published consumers, without that condition, get `dist/`.
 */
export const shared: UserWorkspaceConfig = {
  resolve: { conditions: ["@zxsim/source", "module", "node", "import", "default"] },
  ssr: { resolve: { conditions: ["@zxsim/source", "module", "node", "import", "default"] } },
  test: {
    testTimeout: leastTimeout,
    hookTimeout: leastTimeout,
    // Teardown waits for forks.
    teardownTimeout: 60_000
  }
}

/** A package's project: its own settings over the shared ones, its timeouts no shorter than the shared ones. */
export const project = (config: UserWorkspaceConfig): UserWorkspaceConfig => {
  const merged = mergeConfig(shared, config)
  return {
    ...merged,
    test: {
      ...merged.test,
      testTimeout: Math.max(merged.test?.testTimeout ?? 0, leastTimeout),
      hookTimeout: Math.max(merged.test?.hookTimeout ?? 0, leastTimeout)
    }
  }
}
