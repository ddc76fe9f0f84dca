/**
 * One guest run on a kernel: build the process with the ProcessBuilder (stdin/stdout/stderr
 * sockets as PA_FD 0–2, arguments, environment, the mounted host directories as its namespace, a
 * loader when the program needs one), start it,
 * feed stdin and drain stdout and stderr while it runs, and end it at the first of: its own exit
 * or kill, its instruction budget, its output limit, its deadline. Returns what happened as a
 * {@link RunResult}; every kernel object of the run is closed with its scope.
 * @internal
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as HostDirectory from "@zxsim/fidl/HostDirectory"
import * as Loader from "@zxsim/fidl/Loader"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import * as Status from "@zxsim/kernel/Status"
import { TaskReturnCode } from "@zxsim/kernel/Task"
import type { ZxError } from "@zxsim/kernel/ZxError"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import type { ProcessBuilderError } from "@zxsim/process-builder/ProcessBuilderError"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as GuestRun from "../GuestRun.js"
import type { ExecutableCache } from "./executables.js"
import type { Meter } from "./meter.js"

/** What a run needs besides the request: the program's bytes and what its loader serves, if anything. */
export interface Image {
  readonly bytes: Uint8Array
  readonly libraries: Readonly<Record<string, Uint8Array>> | undefined
}

/** Return codes the kernel records for a process it killed (a guest exiting with one of them reads as killed, as on Zircon). */
const killCodes: ReadonlySet<bigint> = new Set(Object.values(TaskReturnCode).map(BigInt))

/** Why a run stopped before the guest ended by itself. */
type Ending = "ended" | "instructions" | "output" | "deadline"

const notStarted = (stage: string) => (error: ProcessBuilderError | ZxError): GuestRun.NotStarted =>
  new GuestRun.NotStarted({
    reason: error._tag === "ZxError"
      ? `${stage}: ${error.message}`
      : `${stage}: ${error._tag} (${Status.toString(error.asZxStatus())}): ${error.message}`
  })

/** Output kept so far, shared by the stdout and stderr drains against one limit. */
class OutputBudget {
  used = 0
  constructor(readonly limit: number, readonly exceeded: Deferred.Deferred<void>) {}
}

/**
 * Reads `socket` until the guest's end closes, keeping bytes while the budget lasts; once it is
 * spent, keeps what fits, signals `exceeded` and stops reading (the guest is about to be killed).
 */
const drain = (kernel: Kernel.KernelShape, socket: Handle.Socket, budget: OutputBudget) =>
  Effect.gen(function*() {
    const chunks: Array<Uint8Array> = []
    for (;;) {
      const signals = yield* kernel.object.waitOne(socket, Signals.SOCKET_READABLE | Signals.SOCKET_PEER_CLOSED)
      if ((signals & Signals.SOCKET_READABLE) === 0) break
      const bytes = yield* kernel.socket.read(socket, 1 << 16)
      const room = budget.limit - budget.used
      if (bytes.length > room) {
        chunks.push(bytes.subarray(0, room))
        budget.used = budget.limit
        yield* Deferred.succeed(budget.exceeded, undefined)
        break
      }
      budget.used += bytes.length
      chunks.push(bytes)
    }
    return concat(chunks)
  }).pipe(Effect.catchAll(() => Effect.succeed(new Uint8Array(0))))

const concat = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  if (chunks.length === 1) return chunks[0]
  let length = 0
  for (const c of chunks) length += c.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.length
  }
  return out
}

/** Writes `bytes` as the guest makes room, then closes the socket (end of file); stops when the guest's end closes. */
const feed = (kernel: Kernel.KernelShape, socket: Handle.Socket, bytes: Uint8Array) =>
  Effect.gen(function*() {
    let offset = 0
    while (offset < bytes.length) {
      const signals = yield* kernel.object.waitOne(socket, Signals.SOCKET_WRITABLE | Signals.SOCKET_PEER_CLOSED)
      if ((signals & Signals.SOCKET_WRITABLE) === 0) break
      offset += yield* kernel.socket.write(socket, bytes.subarray(offset))
    }
    yield* kernel.handle.close(socket)
  }).pipe(Effect.catchAll(() => Effect.void))

/**
 * Runs `request` on `kernel`, whose CPU is `meter`'s. One run at a time per meter: the caller
 * serializes runs on one kernel, so the instruction count and the exception are this run's.
 */
export const runGuest = (
  kernel: Kernel.KernelShape,
  meter: Meter,
  request: GuestRun.RunGuest,
  image: Image,
  executables: ExecutableCache
): Effect.Effect<GuestRun.RunResult, never, FileSystem.FileSystem | Path.Path> =>
  Effect.scoped(Effect.gen(function*() {
    const name = GuestRun.programName(request.program)
    const limits = request.limits
    const empty: Uint8Array = new Uint8Array(0)
    const result = (outcome: GuestRun.Outcome, stdout = empty, stderr = empty, instructions = 0) =>
      new GuestRun.RunResult({
        outcome,
        stdout,
        stderr,
        instructions,
        cpu: request.cpu,
        ...GuestRun.echoRequestId(request)
      })

    const built = yield* Effect.gen(function*() {
      const executable = yield* executables.get(image.bytes, name).pipe(Effect.mapError(notStarted("executable")))
      const job = yield* kernel.job.root()
      const systemVdso = yield* kernel.systemVdso().pipe(Effect.mapError(notStarted("vDSO")))
      const builder = yield* ProcessBuilder.make({ name, job, executable, systemVdso }).pipe(
        Effect.mapError(notStarted("create"))
      )
      if (image.libraries !== undefined) {
        const [client, server] = yield* kernel.channel.create().pipe(Effect.mapError(notStarted("loader channel")))
        yield* Effect.forkScoped(
          Loader.serve(server).pipe(
            Effect.provide(Loader.layerFromMap(image.libraries)),
            Effect.provideService(Kernel.Kernel, kernel)
          )
        )
        yield* ProcessBuilder.setLoaderService(builder, client).pipe(Effect.mapError(notStarted("loader")))
      }
      // Two directories at one path: which one the guest saw would depend on its runtime.
      const paths = new Set<string>()
      for (const m of request.mounts) {
        if (paths.has(m.guestPath)) {
          return yield* Effect.fail(
            new GuestRun.NotStarted({ reason: `mount ${m.guestPath}: two mounts at one guest path` })
          )
        }
        paths.add(m.guestPath)
      }
      // Each directory is served in this run's scope: its server ends with the run.
      const mounted = yield* Effect.forEach(request.mounts, (m) =>
        HostDirectory.mount(m.hostPath, m.guestPath, { readOnly: m.readOnly }).pipe(
          Effect.mapError((e) =>
            new GuestRun.NotStarted({ reason: `mount ${m.guestPath}: ${e.message}` })
          )
        ))
      if (mounted.length > 0) {
        yield* ProcessBuilder.addNamespaceEntries(builder, mounted).pipe(Effect.mapError(notStarted("namespace")))
      }
      const sockets = () => kernel.socket.create().pipe(Effect.mapError(notStarted("stdio sockets")))
      const stdin = request.stdin === undefined ? undefined : yield* sockets()
      const [stdout, stdoutGuest] = yield* sockets()
      const [stderr, stderrGuest] = yield* sockets()
      yield* ProcessBuilder.addHandles(builder, [
        ...(stdin === undefined ? [] : [{ handle: stdin[1], info: HandleInfo.unsafeMake("FileDescriptor", 0) }]),
        { handle: stdoutGuest, info: HandleInfo.unsafeMake("FileDescriptor", 1) },
        { handle: stderrGuest, info: HandleInfo.unsafeMake("FileDescriptor", 2) }
      ]).pipe(Effect.mapError(notStarted("handles")))
      yield* ProcessBuilder.addArguments(builder, [name, ...request.args]).pipe(
        Effect.mapError(notStarted("arguments"))
      )
      yield* ProcessBuilder.addEnvironmentVariables(builder, request.env).pipe(
        Effect.mapError(notStarted("environment"))
      )
      const process = yield* ProcessBuilder.build(builder).pipe(Effect.mapError(notStarted("build")))
      return { process, stdin: stdin?.[0], stdout, stderr }
    }).pipe(Effect.provideService(Kernel.Kernel, kernel), Effect.either)
    if (built._tag === "Left") return result(built.left)
    const { process: builtProcess, stderr, stdin, stdout } = built.right

    const spent = yield* Deferred.make<void>()
    const output = new OutputBudget(limits.outputBytes, yield* Deferred.make<void>())
    const out = yield* Effect.fork(drain(kernel, stdout, output))
    const err = yield* Effect.fork(drain(kernel, stderr, output))
    const feeder = stdin === undefined || request.stdin === undefined
      ? undefined
      : yield* Effect.fork(feed(kernel, stdin, request.stdin))

    meter.begin(limits.instructions, () => Deferred.unsafeDone(spent, Effect.void))
    const started = yield* BuiltProcess.start(builtProcess).pipe(
      Effect.provideService(Kernel.Kernel, kernel),
      Effect.mapError(notStarted("start")),
      Effect.either
    )
    if (started._tag === "Left") {
      meter.end()
      return result(started.left)
    }
    const process = started.right
    // A run interrupted (its caller gone, a shard moved) kills its guest: nothing runs on unseen.
    yield* Effect.addFinalizer(() => kernel.task.kill(process).pipe(Effect.ignore))
    const first: Ending = yield* Effect.raceAll([
      kernel.object.waitOne(process, Signals.PROCESS_TERMINATED).pipe(
        Effect.as("ended" as const),
        Effect.orElseSucceed(() => "ended" as const)
      ),
      Effect.as(Deferred.await(spent), "instructions" as const),
      Effect.as(Deferred.await(output.exceeded), "output" as const),
      Effect.as(Effect.sleep(Duration.millis(limits.deadlineMillis)), "deadline" as const)
    ])
    if (first !== "ended") {
      yield* kernel.task.kill(process).pipe(Effect.ignore)
      yield* kernel.object.waitOne(process, Signals.PROCESS_TERMINATED).pipe(Effect.ignore)
    }
    const instructions = meter.end()
    const exception = meter.exception
    if (feeder !== undefined) yield* Fiber.interrupt(feeder)
    const stdoutBytes = yield* Fiber.join(out)
    const stderrBytes = yield* Fiber.join(err)
    // Output past the limit was dropped even when the guest exited before the drains reached it.
    const ending: Ending = first === "ended" && (yield* Deferred.isDone(output.exceeded)) ? "output" : first
    const info = yield* kernel.process.info(process).pipe(Effect.orDie)
    const outcome: GuestRun.Outcome = ending === "instructions" && limits.instructions !== undefined
      ? new GuestRun.InstructionLimit({ limit: limits.instructions })
      : ending === "output"
      ? new GuestRun.OutputLimit({ limit: limits.outputBytes })
      : ending === "deadline"
      ? new GuestRun.DeadlineExceeded({ deadlineMillis: limits.deadlineMillis, workerReplaced: false })
      : killCodes.has(info.returnCode)
      ? new GuestRun.Killed({
        returnCode: info.returnCode,
        exception: Option.map(
          Option.fromNullable(exception),
          (e) => new GuestRun.ExceptionReport({ kind: e.kind, pc: e.pc, address: e.address })
        )
      })
      : new GuestRun.Exited({ returnCode: info.returnCode })
    return result(outcome, stdoutBytes, stderrBytes, instructions)
  }))
