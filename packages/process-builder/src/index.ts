/**
 * @zxsim/process-builder: Fuchsia's process_builder as an Effect library.
 *
 * @since 0.1.0
 */

/**
 * A built, unstarted process and `start`.
 *
 * @since 0.1.0
 */
export * as BuiltProcess from "./BuiltProcess.js"
/**
 * The builder: make, configure, build.
 *
 * @since 0.1.0
 */
export * as ProcessBuilder from "./ProcessBuilder.js"
/**
 * The builder's errors, with the crate's status mapping.
 *
 * @since 0.1.0
 */
export * as ProcessBuilderError from "./ProcessBuilderError.js"
/**
 * `@effect/platform`'s `CommandExecutor` running guests: `Command.make("hello")` on the simulated kernel.
 *
 * @since 0.1.0
 */
export * as GuestCommandExecutor from "./GuestCommandExecutor.js"
