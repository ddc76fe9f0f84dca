/**
 * Running prebuilt guest programs end to end for tests: build with the ProcessBuilder (arguments,
 * environment, stdin/stdout/stderr sockets as PA_FD 0, 1 and 2, extra startup handles), start, wait for
 * termination (killing it first if asked), and collect the output and return code.
 */
import { NodeContext } from "@effect/platform-node"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as Scope from "effect/Scope"
import { readFileSync } from "node:fs"
import * as Loader from "@zxsim/fidl/Loader"
import * as Guests from "@zxsim/guest/Guests"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import type { StartupHandle } from "@zxsim/processargs/MessageContents"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"

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
    Loader.serve(server).pipe(Effect.provide(Loader.layerFromDirectory(Guests.binDirectory)), Effect.provide(NodeContext.layer))
  )
  return client
})

/** How to run a guest. */
export interface RunOptions {
  readonly args?: ReadonlyArray<string>
  readonly env?: ReadonlyArray<string>
  readonly handles?: ReadonlyArray<StartupHandle>
  /**
   * Bytes for the guest's stdin: a socket handed over as PA_FD 0, fed as the guest reads (a full
   * socket makes the feeder wait) and closed after the last byte. Without it there is no PA_FD 0.
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

/** Writes all of `bytes` to `socket`, waiting whenever it is full, then closes it. */
const feed = (socket: Handle.Socket, bytes: Uint8Array) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    let offset = 0
    while (offset < bytes.length) {
      const signals = yield* k.object.waitOne(socket, Signals.SOCKET_WRITABLE | Signals.SOCKET_PEER_CLOSED)
      if ((signals & Signals.SOCKET_WRITABLE) === 0) break
      offset += yield* k.socket.write(socket, bytes.subarray(offset))
    }
    yield* k.handle.close(socket)
  })

/** Builds and starts `name`, waits for it to end, and returns what it did. */
export const runGuest = (name: Guests.Name, options: RunOptions = {}): Effect.Effect<Outcome, unknown, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const executable = yield* k.vmo.fromBytes(image(name), { name, executable: true })
    const job = options.job ?? (yield* k.job.root())
    const builder = yield* ProcessBuilder.make({ name, job, executable, systemVdso: yield* k.systemVdso() })
    const [stdout, stdoutGuest] = yield* k.socket.create()
    const [stderr, stderrGuest] = yield* k.socket.create()
    const stdin = options.stdin === undefined ? undefined : yield* k.socket.create()
    yield* ProcessBuilder.addHandles(builder, [
      ...(stdin === undefined ? [] : [{ handle: stdin[1], info: HandleInfo.unsafeMake("FileDescriptor", 0) }]),
      { handle: stdoutGuest, info: HandleInfo.unsafeMake("FileDescriptor", 1) },
      { handle: stderrGuest, info: HandleInfo.unsafeMake("FileDescriptor", 2) },
      ...(options.handles ?? [])
    ])
    yield* ProcessBuilder.addArguments(builder, [name, ...(options.args ?? [])])
    yield* ProcessBuilder.addEnvironmentVariables(builder, options.env ?? [])
    const built = yield* ProcessBuilder.build(builder)
    const out = yield* Effect.fork(drain(stdout))
    const err = yield* Effect.fork(drain(stderr))
    const feeder = stdin === undefined || options.stdin === undefined ? undefined : yield* Effect.fork(feed(stdin[0], options.stdin))
    const process = yield* BuiltProcess.start(built)
    if (options.whileRunning !== undefined) yield* options.whileRunning(process)
    yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
    if (feeder !== undefined) yield* Fiber.join(feeder)
    const info = yield* k.process.info(process)
    return { returnCode: info.returnCode, flags: info.flags, stdout: yield* Fiber.join(out), stderr: yield* Fiber.join(err) }
  })
