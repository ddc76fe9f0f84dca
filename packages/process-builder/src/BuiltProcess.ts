/**
 * `BuiltProcess`: a process built by the `ProcessBuilder` but not yet started — every handle and
 * address needed to start it, or to inspect and change it first (as a debugger would).
 *
 * @since 0.1.0
 */
import type * as Elf64Headers from "@zxsim/elf/Elf64Headers"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Effect from "effect/Effect"
import { stage } from "./internal/stage.js"
import * as Errors from "./ProcessBuilderError.js"

/** Span options for stages: no stack capture, which would cost more than many stages themselves. */
const NO_STACK = { captureStackTrace: false } as const

/**
 * A built, unstarted process. Its handles belong to the scope `build` ran in.
 *
 * @since 0.1.0
 * @category models
 */
export interface BuiltProcess {
  /** The new process. */
  readonly process: Handle.Process
  /** Its root VMAR. */
  readonly rootVmar: Handle.Vmar
  /** Its initial thread. */
  readonly thread: Handle.Thread
  /** Where the initial thread starts: the executable's entry, or the dynamic linker's. */
  readonly entry: number
  /** The initial stack pointer. */
  readonly stack: number
  /** The lowest address of the initial stack. */
  readonly stackBase: number
  /** The initial stack's VMO. */
  readonly stackVmo: Handle.Vmo
  /** The bootstrap channel's read end: it moves into the process at start, as its first argument. */
  readonly bootstrap: Handle.Channel
  /** Where the vDSO is mapped: the process gets it as its second argument. */
  readonly vdsoBase: number
  /** Where the executable (static) or the dynamic linker (dynamic) is loaded. */
  readonly elfBase: number
  /** The main executable's ELF headers. */
  readonly elfHeaders: Elf64Headers.Elf64Headers
}

/**
 * Starts the process: its initial thread begins at `entry` with the stack pointer, the bootstrap
 * channel's handle and the vDSO base as arguments. The bootstrap handle moves into the process.
 * Returns the process handle.
 *
 * @since 0.1.0
 * @category utils
 */
export const start = (built: BuiltProcess): Effect.Effect<Handle.Process, Errors.ProcessStart, Kernel.Kernel> =>
  Effect.flatMap(
    Kernel.Kernel,
    (kernel) =>
      kernel.process.start(built.process, built.thread, built.entry, built.stack, built.bootstrap, built.vdsoBase).pipe(
        Effect.mapError((cause) => new Errors.ProcessStart({ status: cause.status, cause })),
        Effect.as(built.process)
      )
  ).pipe(stage("BuiltProcess.start", NO_STACK))
