/**
 * Running guests end to end for the guest package's own tests: build with the ProcessBuilder
 * (arguments, environment, stdout and stderr sockets as PA_FD 1 and 2, extra handles, namespace
 * entries, a loader serving files for dynamically linked programs), start, wait for the end, and
 * collect the output and return code. Each test provides a fresh kernel and checks for leaks.
 */
import { assert } from "@effect/vitest"
import * as Loader from "@zxsim/fidl/Loader"
import type { Cpu } from "@zxsim/kernel/Cpu"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import type { StartupHandle } from "@zxsim/processargs/MessageContents"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
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

const drain = (socket: Handle.Socket) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const chunks: Array<Uint8Array> = []
    for (;;) {
      const signals = yield* k.object.waitOne(socket, Signals.SOCKET_READABLE | Signals.SOCKET_PEER_CLOSED)
      if ((signals & Signals.SOCKET_READABLE) === 0) break
      chunks.push(yield* k.socket.read(socket, 1 << 20))
    }
    return new TextDecoder().decode(Buffer.concat(chunks))
  })

/** Builds and starts the program in bin/`name` (its first argument is `name`), and waits for its end. */
export const runGuest = (
  name: string,
  options: RunOptions = {}
): Effect.Effect<Outcome, unknown, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const executable = yield* k.vmo.fromBytes(options.bytes ?? binFile(name), { name, executable: true })
    const builder = yield* ProcessBuilder.make({
      name,
      job: yield* k.job.root(),
      executable,
      systemVdso: yield* k.systemVdso()
    })
    if (options.loader !== undefined) {
      const [client, server] = yield* k.channel.create()
      yield* Effect.forkScoped(Loader.serve(server).pipe(Effect.provide(Loader.layerFromMap(options.loader))))
      yield* ProcessBuilder.setLoaderService(builder, client)
    }
    if (options.minStackSize !== undefined) yield* ProcessBuilder.setMinStackSize(builder, options.minStackSize)
    if (options.stdin !== undefined) {
      const [stdin, stdinGuest] = yield* k.socket.create()
      yield* ProcessBuilder.addHandles(builder, [{
        handle: stdinGuest,
        info: HandleInfo.unsafeMake("FileDescriptor", 0)
      }])
      const bytes = options.stdin
      yield* Effect.forkScoped(
        Effect.gen(function*() {
          let offset = 0
          while (offset < bytes.length) {
            const signals = yield* k.object.waitOne(stdin, Signals.SOCKET_WRITABLE | Signals.SOCKET_PEER_CLOSED)
            if ((signals & Signals.SOCKET_WRITABLE) === 0) break
            offset += yield* k.socket.write(stdin, bytes.subarray(offset))
          }
          yield* k.handle.close(stdin)
        }).pipe(Effect.ignore)
      )
    }
    const [stdout, stdoutGuest] = yield* k.socket.create()
    const [stderr, stderrGuest] = yield* k.socket.create()
    yield* ProcessBuilder.addHandles(builder, [
      { handle: stdoutGuest, info: HandleInfo.unsafeMake("FileDescriptor", 1) },
      { handle: stderrGuest, info: HandleInfo.unsafeMake("FileDescriptor", 2) },
      ...(options.handles ?? [])
    ])
    if (options.namespace !== undefined) yield* ProcessBuilder.addNamespaceEntries(builder, options.namespace)
    yield* ProcessBuilder.addArguments(builder, [name, ...(options.args ?? [])])
    yield* ProcessBuilder.addEnvironmentVariables(builder, options.env ?? [])
    const built = yield* ProcessBuilder.build(builder)
    const out = yield* Effect.fork(drain(stdout))
    const err = yield* Effect.fork(drain(stderr))
    const process = yield* BuiltProcess.start(built)
    if (options.whileRunning !== undefined) yield* options.whileRunning(process)
    yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
    const info = yield* k.process.info(process)
    return { returnCode: info.returnCode, stdout: yield* Fiber.join(out), stderr: yield* Fiber.join(err) }
  })

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
