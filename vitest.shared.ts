import type { UserWorkspaceConfig } from "vitest/config"
import { mergeConfig } from "vitest/config"

/**
 * Settings every package's Vitest project shares. Workspace imports (`@zxsim/kernel/Kernel`)
 * resolve through the `@zxsim/source` export condition to the TypeScript sources, so tests never
 * need a build; published consumers, without that condition, get `dist/`.
 */
export const shared: UserWorkspaceConfig = {
  resolve: { conditions: ["@zxsim/source", "module", "node", "import", "default"] },
  ssr: { resolve: { conditions: ["@zxsim/source", "module", "node", "import", "default"] } },
  test: {
    // Generous on a loaded machine: hooks set up kernels and CPUs; teardown waits for forks.
    hookTimeout: 120_000,
    teardownTimeout: 60_000
  }
}

/** A package's project: its own settings over the shared ones. */
export const project = (config: UserWorkspaceConfig): UserWorkspaceConfig => mergeConfig(shared, config)
