/**
 * What `zxsim run` and `zxsim vmaps` do: read an ELF file, build a process for it with the
 * `ProcessBuilder` (arguments, environment, stdin/stdout/stderr as sockets handed over as PA_FD 0,
 * 1 and 2, a loader served from a host directory when asked), start it, feed its input and stream
 * its output, and wait for its return code.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import type { PlatformError } from "@effect/platform/Error"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Elf64Headers from "@zxsim/elf/Elf64Headers"
import * as Loader from "@zxsim/fidl/Loader"
import * as Guests from "@zxsim/guest/Guests"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import * as Status from "@zxsim/kernel/Status"
import { TaskReturnCode } from "@zxsim/kernel/Task"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import type { ProcessBuilderError } from "@zxsim/process-builder/ProcessBuilderError"
import * as CrashReport from "./CrashReport.js"

/** A failure the command reports on one line and exits 1 for. */
export class CliError extends Data.TaggedError("CliError")<{ readonly message: string }> {}

/** Where a guest's output goes, and where its input comes from. */
export interface Output {
  readonly stdout: (bytes: Uint8Array) => Effect.Effect<void>
  readonly stderr: (bytes: Uint8Array) => Effect.Effect<void>
  /**
   * The guest's stdin: fed to it as it reads, closed (end of file) when the stream ends. The
   * command stops reading it when the guest exits.
   */
  readonly stdin: Stream.Stream<Uint8Array>
}

/** What to run. */
export interface RunRequest {
  readonly elf: string
  readonly args: ReadonlyArray<string>
  /** `KEY=VALUE` strings. */
  readonly env: ReadonlyArray<string>
  readonly loaderDir: Option.Option<string>
}

/** The reason a file operation failed, as the command says it. */
const reasonOf = (e: PlatformError): string =>
  e._tag === "SystemError" && e.reason === "NotFound"
    ? "no such file"
    : e._tag === "SystemError" && e.reason === "PermissionDenied"
    ? "permission denied"
    : e.message

/**
 * The file a program argument names: the path itself, or, when no such file exists and the
 * argument is the bare name of a guest packaged in `@zxsim/guest` (`hello`), that guest's file.
 */
export const locate = (elf: string): Effect.Effect<string, never, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    if (elf.includes("/") || !Guests.isName(elf)) return elf
    const fs = yield* FileSystem.FileSystem
    const exists = yield* fs.exists(elf).pipe(Effect.orElseSucceed(() => true))
    return exists ? elf : Guests.path(elf)
  })

/**
 * Reads the ELF file: a directory, a missing file and an unreadable one are each a CliError
 * naming the file (`cannot read FILE: REASON`), so each ends the command the same way.
 */
export const readElf = (file: string): Effect.Effect<Uint8Array, CliError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const fail = (reason: string) => new CliError({ message: `cannot read ${file}: ${reason}` })
    const info = yield* fs.stat(file).pipe(Effect.mapError((e) => fail(reasonOf(e))))
    if (info.type === "Directory") return yield* fail("is a directory")
    return yield* fs.readFile(file).pipe(Effect.mapError((e) => fail(reasonOf(e))))
  })

/** Checks that a `--loader-dir` names a directory, as a CliError naming it when it does not. */
export const checkLoaderDir = (dir: Option.Option<string>): Effect.Effect<void, CliError, FileSystem.FileSystem> =>
  Option.match(dir, {
    onNone: () => Effect.void,
    onSome: (dir) =>
      Effect.flatMap(FileSystem.FileSystem, (fs) =>
        fs.stat(dir).pipe(
          Effect.mapError((e) => new CliError({ message: `--loader-dir ${dir}: ${reasonOf(e).replace("file", "directory")}` })),
          Effect.flatMap((info) =>
            info.type === "Directory" ? Effect.void : new CliError({ message: `--loader-dir ${dir}: not a directory` })
          )
        ))
  })

/** Parses the ELF headers of a file already read, as a CliError naming the file when they are not acceptable. */
export const parseHeaders = (file: string, bytes: Uint8Array): Effect.Effect<Elf64Headers.Elf64Headers, CliError> =>
  Effect.mapError(Elf64Headers.fromBytes(bytes), (e) => new CliError({ message: `${file}: not a RISC-V 64 ELF executable: ${e.message}` }))

/** One line for a builder error: the variant, its status name and the cause. */
export const describeBuildError = (file: string, error: ProcessBuilderError): string =>
  `${file}: ${error._tag} (${Status.toString(error.asZxStatus())}): ${error.message}`

/** Copies everything written to `socket` to `sink` until the guest's end closes. */
const pump = (socket: Handle.Socket, sink: (bytes: Uint8Array) => Effect.Effect<void>) =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    for (;;) {
      const signals = yield* kernel.object.waitOne(socket, Signals.SOCKET_READABLE | Signals.SOCKET_PEER_CLOSED)
      if ((signals & Signals.SOCKET_READABLE) !== 0) {
        yield* sink(yield* kernel.socket.read(socket, 1 << 16))
        continue
      }
      return
    }
  }).pipe(Effect.catchAll(() => Effect.void))

/**
 * Writes `chunks` to `socket` as the guest makes room (a full socket makes it wait), then closes
 * the socket so the guest reads end of file; stops early when the guest's end closes.
 */
const feed = (socket: Handle.Socket, chunks: Stream.Stream<Uint8Array>) =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const writeAll = (bytes: Uint8Array) =>
      Effect.gen(function*() {
        let offset = 0
        while (offset < bytes.length) {
          const signals = yield* kernel.object.waitOne(socket, Signals.SOCKET_WRITABLE | Signals.SOCKET_PEER_CLOSED)
          if ((signals & Signals.SOCKET_WRITABLE) === 0) return false
          offset += yield* kernel.socket.write(socket, bytes.subarray(offset))
        }
        return true
      })
    yield* chunks.pipe(Stream.mapEffect(writeAll), Stream.takeWhile((open) => open), Stream.runDrain)
    yield* kernel.handle.close(socket)
  }).pipe(Effect.catchAll(() => Effect.void))

/** The built process with the host ends of its stdio sockets. */
export interface Prepared {
  readonly built: BuiltProcess.BuiltProcess
  readonly stdin: Handle.Socket
  readonly stdout: Handle.Socket
  readonly stderr: Handle.Socket
  /** What the loader was asked for and did not find, so far (it keeps serving the running program). */
  readonly missing: ReadonlyArray<string>
}

/** Builds a process for the request without starting it. */
export const prepare = (
  request: RunRequest
): Effect.Effect<Prepared, CliError, Kernel.Kernel | FileSystem.FileSystem | Path.Path | Scope.Scope> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const path = yield* Path.Path
    const bytes = yield* readElf(yield* locate(request.elf))
    // Checked here too so a file that is not an ELF executable gets a message naming it.
    yield* parseHeaders(request.elf, bytes)
    const name = path.basename(request.elf)
    const toCli = (error: ProcessBuilderError) => new CliError({ message: describeBuildError(request.elf, error) })
    const kernelError = (what: string) => (e: { readonly message: string }) => new CliError({ message: `${what}: ${e.message}` })
    const executable = yield* kernel.vmo.fromBytes(bytes, { name, executable: true }).pipe(Effect.mapError(kernelError("loading the executable")))
    const job = yield* kernel.job.root()
    const systemVdso = yield* kernel.systemVdso().pipe(Effect.mapError(kernelError("the system vDSO")))
    const builder = yield* ProcessBuilder.make({ name, job, executable, systemVdso }).pipe(Effect.mapError(toCli))
    const [stdin, stdinGuest] = yield* kernel.socket.create().pipe(Effect.mapError(kernelError("stdin")))
    const [stdout, stdoutGuest] = yield* kernel.socket.create().pipe(Effect.mapError(kernelError("stdout")))
    const [stderr, stderrGuest] = yield* kernel.socket.create().pipe(Effect.mapError(kernelError("stderr")))
    yield* ProcessBuilder.addHandles(builder, [
      { handle: stdinGuest, info: HandleInfo.unsafeMake("FileDescriptor", 0) },
      { handle: stdoutGuest, info: HandleInfo.unsafeMake("FileDescriptor", 1) },
      { handle: stderrGuest, info: HandleInfo.unsafeMake("FileDescriptor", 2) }
    ]).pipe(Effect.mapError(toCli))
    yield* ProcessBuilder.addArguments(builder, [request.elf, ...request.args]).pipe(Effect.mapError(toCli))
    yield* ProcessBuilder.addEnvironmentVariables(builder, request.env).pipe(Effect.mapError(toCli))
    // Names the loader was asked for and could not find, to name them when the program fails.
    const missing: Array<string> = []
    if (Option.isSome(request.loaderDir)) {
      const [client, server] = yield* kernel.channel.create().pipe(Effect.mapError(kernelError("loader channel")))
      const fs = yield* FileSystem.FileSystem
      const recording = Layer.effect(
        Loader.Loader,
        Effect.map(Loader.Loader, (inner) =>
          Loader.Loader.of({
            loadObject: (name) =>
              inner.loadObject(name).pipe(
                Effect.tapError((e) => e.status === Status.Status.NOT_FOUND ? Effect.sync(() => missing.push(name)) : Effect.void)
              )
          }))
      ).pipe(Layer.provide(Loader.layerFromDirectory(request.loaderDir.value)))
      yield* Effect.forkScoped(
        Loader.serve(server).pipe(Effect.provide(recording), Effect.provideService(FileSystem.FileSystem, fs))
      )
      yield* ProcessBuilder.setLoaderService(builder, client).pipe(Effect.mapError(toCli))
    }
    const built = yield* ProcessBuilder.build(builder).pipe(
      Effect.mapError((error) =>
        new CliError({
          message: describeBuildError(request.elf, error) +
            (error._tag === "LoaderMissing" ? " (pass --loader-dir DIR to serve the dynamic linker and libraries from DIR)" : "") +
            (missing.length > 0 && Option.isSome(request.loaderDir)
              ? ` (${missing.join(", ")}: not found in --loader-dir ${request.loaderDir.value})`
              : "")
        })
      )
    )
    return { built, stdin, stdout, stderr, missing }
  })

/** A process's exit as the command reports it: the exit status, and a note for a killed process. */
export const exitStatus = (returnCode: bigint): { readonly code: number; readonly note: string | undefined } => {
  const kills: Record<string, string> = {
    [TaskReturnCode.SYSCALL_KILL]: "killed",
    [TaskReturnCode.OOM_KILL]: "killed: out of memory",
    [TaskReturnCode.POLICY_KILL]: "killed by job policy",
    [TaskReturnCode.VDSO_KILL]: "killed: vDSO policy",
    [TaskReturnCode.EXCEPTION_KILL]: "killed by an unhandled exception (fault, illegal instruction, or bad syscall)",
    [TaskReturnCode.CRITICAL_PROCESS_KILL]: "killed: critical process died"
  }
  const note = kills[returnCode.toString()]
  const low = Number(BigInt.asUintN(8, returnCode))
  return { code: returnCode !== 0n && low === 0 ? 1 : low, note: note === undefined ? undefined : `${note} (return code ${returnCode})` }
}

/** Builds, starts, feeds input and streams output, and returns the process's return code once it has exited. */
export const run = (
  request: RunRequest,
  output: Output
): Effect.Effect<bigint, CliError, Kernel.Kernel | FileSystem.FileSystem | Path.Path | Scope.Scope> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const { built, missing, stderr, stdin, stdout } = yield* prepare(request)
    // Crash reports for an exception nobody handles, as Fuchsia's crash service prints them.
    yield* CrashReport.watch({
      job: yield* kernel.job.root(),
      rootVmar: built.rootVmar,
      process: built.process,
      fileOf: yield* CrashReport.filesOfRun(yield* locate(request.elf), request.loaderDir),
      sink: (text) => output.stderr(new TextEncoder().encode(text))
    })
    const pumps = yield* Effect.forkScoped(Effect.all([pump(stdout, output.stdout), pump(stderr, output.stderr)], { concurrency: 2 }))
    const feeder = yield* Effect.forkScoped(feed(stdin, output.stdin))
    const process = yield* BuiltProcess.start(built).pipe(
      Effect.mapError((error) => new CliError({ message: describeBuildError(request.elf, error) }))
    )
    yield* kernel.object.waitOne(process, Signals.PROCESS_TERMINATED).pipe(
      Effect.mapError((e) => new CliError({ message: `waiting for ${request.elf}: ${e.message}` }))
    )
    // The process's handles (its ends of the sockets) are closed now: the pumps drain and stop, and
    // what is left of stdin is not read.
    yield* Fiber.interrupt(feeder)
    yield* Fiber.join(pumps)
    const info = yield* kernel.process.info(process).pipe(Effect.mapError((e) => new CliError({ message: e.message })))
    if (info.returnCode !== 0n && missing.length > 0 && Option.isSome(request.loaderDir)) {
      const names = Array.from(new Set(missing)).join(", ")
      yield* output.stderr(
        new TextEncoder().encode(`zxsim: ${request.elf}: ${names}: not found in --loader-dir ${request.loaderDir.value}\n`)
      )
    }
    return info.returnCode
  }).pipe(Effect.withSpan("zxsim.run"))
