/**
 * Running guests end to end for the guest package's own tests, as `Command`s through
 * `GuestCommandExecutor` (arguments, environment, stdin, stdout and stderr sockets as PA_FD 0, 1
 * and 2, extra handles, namespace entries, a loader serving files for dynamically linked
 * programs): start, wait for the end, and collect the output and return code. Each test provides
 * a fresh kernel and checks for leaks.
 */
import { NodeContext } from "@effect/platform-node"
import * as Command from "@effect/platform/Command"
import { assert } from "@effect/vitest"
import type { Cpu } from "@zxsim/kernel/Cpu"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as GuestCommandExecutor from "@zxsim/process-builder/GuestCommandExecutor"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import type { StartupHandle } from "@zxsim/processargs/MessageContents"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import * as Guests from "../src/Guests.js"

const files = new Map<string, Uint8Array>()

/** The bytes of a file in bin/ (read once). */
export const binFile = (name: string): Uint8Array => {
  let bytes = files.get(name)
  if (bytes === undefined) {
    bytes = new Uint8Array(readFileSync(path.join(Guests.binDirectory, name)))
    files.set(name, bytes)
  }
  return bytes
}

/** The files a loader serving bin/ hands out to dynamically linked programs. */
export const loaderFiles = (): Record<string, Uint8Array> =>
  Object.fromEntries(Guests.libraries.map((l) => [l.name, binFile(l.name)]))

/** How to run a guest. */
export interface RunOptions {
  readonly args?: ReadonlyArray<string>
  readonly env?: ReadonlyArray<string>
  readonly handles?: ReadonlyArray<StartupHandle>
  readonly namespace?: ReadonlyArray<ProcessBuilder.NamespaceEntry>
  /** What the loader serves, by name; no loader at all when undefined. */
  readonly loader?: Readonly<Record<string, Uint8Array>>
  /** The least stack size of the initial thread (ProcessBuilder.setMinStackSize). */
  readonly minStackSize?: number
  /** What the guest reads on stdin (PA_FD 0; end of file after it); no stdin when undefined. */
  readonly stdin?: Uint8Array
  /** The executable's bytes, instead of bin/`name`'s. */
  readonly bytes?: Uint8Array
  /** Called once the process has started. */
  readonly whileRunning?: (process: Handle.Process) => Effect.Effect<void, unknown, Kernel.Kernel | Scope.Scope>
}

/** What a finished guest did. */
export interface Outcome {
  readonly returnCode: bigint
  readonly stdout: string
  readonly stderr: string
}

const decoder = new TextDecoder()

/**
 * Builds and starts the program in bin/`name` (its first argument is `name`) as a `Command`
 * through `GuestCommandExecutor`, and waits for its end. Its stdin is `options.stdin` (end of file
 * at once without it); the loader, extra handles, namespace entries and stack size go in through
 * the executor's options and `configure` hook.
 */
export const runGuest = (
  name: string,
  options: RunOptions = {}
): Effect.Effect<Outcome, unknown, Kernel.Kernel | Scope.Scope> => {
  const whileRunning = options.whileRunning
  const executor: GuestCommandExecutor.Options = {
    programs: [GuestCommandExecutor.programMap({ [name]: options.bytes ?? binFile(name) })],
    environment: options.env ?? [],
    loader: options.loader === undefined ? undefined : { _tag: "Map", files: options.loader },
    configure: ({ builder }) =>
      Effect.gen(function*() {
        if (options.minStackSize !== undefined) yield* ProcessBuilder.setMinStackSize(builder, options.minStackSize)
        if (options.handles !== undefined) yield* ProcessBuilder.addHandles(builder, options.handles)
        if (options.namespace !== undefined) yield* ProcessBuilder.addNamespaceEntries(builder, options.namespace)
      })
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
      stdout: decoder.decode(outcome.stdout),
      stderr: decoder.decode(outcome.stderr)
    })),
    Effect.provide(NodeContext.layer)
  )
}

/** The CPUs the end-to-end tests run on: the interpreter, and the JIT compiling every block at once. */
export const cpus: ReadonlyArray<readonly [string, Layer.Layer<Cpu>]> = [
  ["interpreter", RiscvInterpreter.layer],
  ["jit", RiscvJit.layerWith({ hotness: 1 })]
]

/** Runs `body` on a fresh kernel with `cpu`, and checks nothing leaked once its scope closed. */
export const onKernel = <A, E>(
  cpu: Layer.Layer<Cpu>,
  body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>
): Effect.Effect<A, E> =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const before = yield* k.stats
    const result = yield* Effect.scoped(body)
    for (let i = 0; i < 10; i++) yield* Effect.yieldNow()
    assert.deepStrictEqual(yield* k.stats, before)
    return result
  }).pipe(Effect.provide(Kernel.layer.pipe(Layer.provide(cpu))))
