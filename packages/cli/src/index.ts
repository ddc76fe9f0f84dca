/**
 * @zxsim/cli: the `zxsim` command as a library (its commands, renderings and run logic).
 *
 * @since 0.1.0
 */

/** The command tree and its entry point. */
export * as Cli from "./Cli.js"
/** Renderings of ELF headers and address spaces. */
export * as Inspect from "./Inspect.js"
/** Building, starting and streaming a guest. */
export * as Run from "./Run.js"
/** A span-recording tracer for per-stage timings. */
export * as StageTracer from "./StageTracer.js"
