/**
 * The one build setup of the browser code, shared by Vite (`vite.config.ts`: the page, served and
 * built) and the bundling check in `npm test` (`test/BrowserBundle.test.ts`: every browser entry
 * bundled with esbuild for the browser platform, refusing Node built-ins): the entry points and
 * how workspace imports resolve.
 */

/**
 * Export conditions, first to last: the workspace packages' TypeScript sources (no build needed),
 * then the browser's and ES modules' own.
 */
export const conditions: ReadonlyArray<string> = ["@zxsim/source", "browser", "module"]

/** The page and its worker, relative to this package. */
export const pageEntries: ReadonlyArray<string> = ["src/main.ts", "src/worker.ts"]

/**
 * The library packages a build and a run need, by their entry modules: each must bundle for the
 * browser on its own, whatever the playground happens to import from it.
 */
export const libraryEntries: ReadonlyArray<string> = [
  "@zxsim/kernel",
  "@zxsim/processargs",
  "@zxsim/elf",
  "@zxsim/fidl",
  "@zxsim/riscv",
  "@zxsim/process-builder",
  "@zxsim/guest"
]
