/**
 * @zxsim/kernel: a simulated Zircon kernel as an Effect service.
 *
 * @since 0.1.0
 */

/**
 * The CPU port: the interface a processor implements to run guest threads.
 *
 * @since 0.1.0
 */
export * as Cpu from "./Cpu.js"
/**
 * Host-side handles: scoped references to kernel objects.
 *
 * @since 0.1.0
 */
export * as Handle from "./Handle.js"
/**
 * The `Kernel` service, its operations, and the in-memory layer.
 *
 * @since 0.1.0
 */
export * as Kernel from "./Kernel.js"
/**
 * Kernel object type numbers.
 *
 * @since 0.1.0
 */
export * as ObjectType from "./ObjectType.js"
/**
 * Handle rights and default rights.
 *
 * @since 0.1.0
 */
export * as Rights from "./Rights.js"
/**
 * Object signal bits.
 *
 * @since 0.1.0
 */
export * as Signals from "./Signals.js"
/**
 * Zircon status codes.
 *
 * @since 0.1.0
 */
export * as Status from "./Status.js"
/**
 * Task constants: kill return codes, process info, job policy.
 *
 * @since 0.1.0
 */
export * as Task from "./Task.js"
/**
 * Virtual-memory option bits, page arithmetic and the user address range.
 *
 * @since 0.1.0
 */
export * as VmOptions from "./VmOptions.js"
/**
 * The error failed kernel calls fail with.
 *
 * @since 0.1.0
 */
export * as ZxError from "./ZxError.js"
