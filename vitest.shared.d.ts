import type { UserWorkspaceConfig } from "vitest/config";
/**
 * Settings every package's Vitest project shares. Workspace imports (`@zxsim/kernel/Kernel`)
 * resolve through the `@zxsim/source` export condition to the TypeScript sources, so tests never
 * need a build; published consumers, without that condition, get `dist/`.
 */
export declare const shared: UserWorkspaceConfig;
/** A package's project: its own settings over the shared ones. */
export declare const project: (config: UserWorkspaceConfig) => UserWorkspaceConfig;
