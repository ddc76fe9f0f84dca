/**
 * @zxsim/pool: many guests at once — on every core of one machine (a pool of kernels on worker
 * threads) and on many machines (a fleet of runner processes with @effect/cluster).
 *
 * @since 0.1.0
 */

/**
 * Guest runs as Schema data: requests, limits, outcomes, results.
 *
 * @since 0.1.0
 */
export * as GuestRun from "./GuestRun.js"
/**
 * The guest runner service and its in-process layer.
 *
 * @since 0.1.0
 */
export * as GuestRunner from "./GuestRunner.js"
/**
 * The guest runner on a pool of worker threads.
 *
 * @since 0.1.0
 */
export * as GuestPool from "./GuestPool.js"
/**
 * ELF programs by content between a guest pool and its workers: each file's bytes go to a worker once.
 *
 * @since 0.1.0
 */
export * as ProgramCache from "./ProgramCache.js"
/**
 * A pool of workers (threads or processes) with deadlines and replacement, for any Schema request protocol.
 *
 * @since 0.1.0
 */
export * as WorkerPool from "./WorkerPool.js"
/**
 * Worker entry modules bundled to JavaScript on demand.
 *
 * @since 0.1.0
 */
export * as WorkerBundle from "./WorkerBundle.js"
