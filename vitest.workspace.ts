import { defineWorkspace } from "vitest/config"

// One Vitest project per package; each package's vitest.config.ts carries its own settings.
export default defineWorkspace(["packages/*/vitest.config.ts"])
