/**
 * @zxsim/process-builder: Fuchsia's process_builder as an Effect library.
 *
 * @since 0.1.0
 */

/** A built, unstarted process and `start`. */
export * as BuiltProcess from "./BuiltProcess.js"
/** The builder: make, configure, build. */
export * as ProcessBuilder from "./ProcessBuilder.js"
/** The builder's errors, with the crate's status mapping. */
export * as ProcessBuilderError from "./ProcessBuilderError.js"
/** `@effect/platform`'s `CommandExecutor` running guests: `Command.make("hello")` on the simulated kernel. */
export * as GuestCommandExecutor from "./GuestCommandExecutor.js"
