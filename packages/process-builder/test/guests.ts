/**
 * Running prebuilt guest programs end to end for tests, as `Command`s through
 * `GuestCommandExecutor` (arguments, environment, stdin/stdout/stderr as PA_FD 0, 1 and 2, extra
 * start-up handles): start, wait for termination (killing it first if asked), and collect the
 * output and return code.
 */
import { NodeContext } from "@effect/platform-node"
import * as Command from "@effect/platform/Command"
import * as Loader from "@zxsim/fidl/Loader"
import * as Guests from "@zxsim/guest/Guests"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as GuestCommandExecutor from "@zxsim/process-builder/GuestCommandExecutor"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import type { StartupHandle } from "@zxsim/processargs/MessageContents"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { readFileSync } from "node:fs"

const images = new Map<string, Uint8Array>()

/** The bytes of a prebuilt program (read once). */
export const image = (name: Guests.Name): Uint8Array => {
  let bytes = images.get(name)
  if (bytes === undefined) {
    bytes = new Uint8Array(readFileSync(Guests.path(name)))
    images.set(name, bytes)
  }
  return bytes
}

/** A loader client channel served from the prebuilt guest directory (ld.so.1 and the libraries) while the scope lasts. */
export const binLoader: Effect.Effect<Handle.Channel, unknown, Kernel.Kernel | Scope.Scope> = Effect.gen(function*() {
  const k = yield* Kernel.Kernel
  const [client, server] = yield* k.channel.create()
  yield* Effect.forkScoped(
    Loader.serve(server).pipe(
      Effect.provide(Loader.layerFromDirectory(Guests.binDirectory)),
      Effect.provide(NodeContext.layer)
    )
  )
  return client
})

/** How to run a guest. */
export interface RunOptions {
  readonly args?: ReadonlyArray<string>
  readonly env?: ReadonlyArray<string>
  readonly handles?: ReadonlyArray<StartupHandle>
  /**
   * Bytes for the guest's stdin (PA_FD 0), fed as the guest reads and closed after the last byte;
   * without it the guest's stdin is at end of file at once.
   */
  readonly stdin?: Uint8Array
  /** The job to create the process in (the root job by default). */
  readonly job?: Handle.Job
  /** Called once the process has started (to talk to it, or to kill it). */
  readonly whileRunning?: (process: Handle.Process) => Effect.Effect<void, unknown, Kernel.Kernel | Scope.Scope>
}

/** What a finished guest did. */
export interface Outcome {
  readonly returnCode: bigint
  readonly flags: number
  readonly stdout: string
  readonly stderr: string
}

const decoder = new TextDecoder()

/**
 * Builds and starts `name` as a `Command` through `GuestCommandExecutor`, waits for it to end, and
 * returns what it did. Its stdin is `options.stdin` (end of file at once without it); extra
 * start-up handles go in through the executor's `configure` hook.
 */
export const runGuest = (
  name: Guests.Name,
  options: RunOptions = {}
): Effect.Effect<Outcome, unknown, Kernel.Kernel | Scope.Scope> => {
  const handles = options.handles ?? []
  const whileRunning = options.whileRunning
  const executor: GuestCommandExecutor.Options = {
    programs: [GuestCommandExecutor.programMap({ [name]: image(name) })],
    environment: options.env ?? [],
    job: options.job,
    configure: ({ builder }) => handles.length === 0 ? Effect.void : ProcessBuilder.addHandles(builder, handles)
  }
  const command = Command.make(name, ...(options.args ?? [])).pipe(
    Command.stdin(options.stdin === undefined ? Stream.empty : Stream.make(options.stdin))
  )
  return GuestCommandExecutor.collect(
    executor,
    command,
    whileRunning === undefined ? undefined : (process) => whileRunning(process.handle)
  ).pipe(
    Effect.map((outcome) => ({
      returnCode: outcome.returnCode,
      flags: outcome.flags,
      stdout: decoder.decode(outcome.stdout),
      stderr: decoder.decode(outcome.stderr)
    })),
    Effect.provide(NodeContext.layer)
  )
}
