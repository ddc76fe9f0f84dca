/**
 * @zxsim/cli: the `zxsim` command as a library (its commands, renderings and run logic).
 *
 * @since 0.1.0
 */

/**
 * The command tree and its entry point.
 *
 * @since 0.1.0
 */
export * as Cli from "./Cli.js"
/**
 * Renderings of ELF headers and address spaces.
 *
 * @since 0.1.0
 */
export * as Inspect from "./Inspect.js"
/**
 * Building, starting and streaming a guest.
 *
 * @since 0.1.0
 */
export * as Run from "./Run.js"
/**
 * A span-recording tracer for per-stage timings.
 *
 * @since 0.1.0
 */
export * as StageTracer from "./StageTracer.js"
