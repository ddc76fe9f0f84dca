/**
 * @zxsim/kernel: a simulated Zircon kernel as an Effect service.
 *
 * @since 0.1.0
 */

/** The CPU port: the interface a processor implements to run guest threads. */
export * as Cpu from "./Cpu.js"
/** Host-side handles: scoped references to kernel objects. */
export * as Handle from "./Handle.js"
/** The `Kernel` service, its operations, and the in-memory layer. */
export * as Kernel from "./Kernel.js"
/** Kernel object type numbers. */
export * as ObjectType from "./ObjectType.js"
/** Handle rights and default rights. */
export * as Rights from "./Rights.js"
/** Object signal bits. */
export * as Signals from "./Signals.js"
/** Zircon status codes. */
export * as Status from "./Status.js"
/** Task constants: kill return codes, process info, job policy. */
export * as Task from "./Task.js"
/** Virtual-memory option bits, page arithmetic and the user address range. */
export * as VmOptions from "./VmOptions.js"
/** The error failed kernel calls fail with. */
export * as ZxError from "./ZxError.js"
