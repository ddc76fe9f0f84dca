/**
 * What `zxsim run` and `zxsim vmaps` do: read an ELF file, build a process for it with the
 * `ProcessBuilder` (arguments, environment, stdin/stdout/stderr as sockets handed over as PA_FD 0,
 * 1 and 2, a loader served from a host directory when asked), start it, feed its input and stream
 * its output, and wait for its return code.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/platform/Command"
import type { PlatformError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Elf64Headers from "@zxsim/elf/Elf64Headers"
import * as HostDirectory from "@zxsim/fidl/HostDirectory"
import * as Loader from "@zxsim/fidl/Loader"
import * as Guests from "@zxsim/guest/Guests"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Status from "@zxsim/kernel/Status"
import { TaskReturnCode } from "@zxsim/kernel/Task"
import type * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as GuestCommandExecutor from "@zxsim/process-builder/GuestCommandExecutor"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as ProcessBuilderError from "@zxsim/process-builder/ProcessBuilderError"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import * as CrashReport from "./CrashReport.js"

/**
 * A failure the command reports on one line and exits 1 for.
 *
 * @since 0.1.0
 * @category errors
 */
export class CliError extends Data.TaggedError("CliError")<{ readonly message: string }> {}

/**
 * Where a guest's output goes, and where its input comes from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Output {
  readonly stdout: (bytes: Uint8Array) => Effect.Effect<void>
  readonly stderr: (bytes: Uint8Array) => Effect.Effect<void>
  /**
   * The guest's stdin: fed to it as it reads, closed (end of file) when the stream ends. The
   * command stops reading it when the guest exits.
   */
  readonly stdin: Stream.Stream<Uint8Array>
}

/**
 * What to run.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunRequest {
  readonly elf: string
  readonly args: ReadonlyArray<string>
  /** `KEY=VALUE` strings. */
  readonly env: ReadonlyArray<string>
  readonly loaderDir: Option.Option<string>
  /** Host directories to put in the program's namespace (`--mount`). */
  readonly mounts?: ReadonlyArray<Mount>
  /** The program's current directory (`--cwd`): its `PWD`, which the guest runtime starts in. */
  readonly cwd?: Option.Option<string>
  /** The least stack size (bytes) of the initial thread (`--stack`), whatever the ELF file asks for. */
  readonly stackSize?: Option.Option<number>
  /** Which of stdin, stdout and stderr are terminals (the guest's isatty answers 1 for them). */
  readonly terminals?: { readonly stdin: boolean; readonly stdout: boolean; readonly stderr: boolean }
}

/**
 * A host directory served to the guest at a namespace path.
 *
 * @since 0.1.0
 * @category models
 */
export interface Mount {
  readonly hostPath: string
  readonly guestPath: string
  readonly readOnly: boolean
}

/**
 * Parses `HOST_DIR:GUEST_PATH[:ro|:rw]` (the guest path absolute; read-write unless `:ro`), or
 * says what is wrong with it.
 *
 * @since 0.1.0
 * @category utils
 */
export const parseMount = (spec: string): Either.Either<Mount, string> => {
  let rest = spec
  let readOnly = false
  if (rest.endsWith(":ro") || rest.endsWith(":rw")) {
    readOnly = rest.endsWith(":ro")
    rest = rest.slice(0, -3)
  }
  const colon = rest.lastIndexOf(":")
  if (colon <= 0) return Either.left(`--mount ${spec}: expected HOST_DIR:GUEST_PATH[:ro]`)
  const hostPath = rest.slice(0, colon)
  const guestPath = rest.slice(colon + 1)
  if (!guestPath.startsWith("/")) {
    return Either.left(`--mount ${spec}: the guest path ${JSON.stringify(guestPath)} is not absolute`)
  }
  return Either.right({ hostPath, guestPath, readOnly })
}

/**
 * Parses a size such as `65536`, `512K`, `8M` or `1G` (powers of 1024), or says what is wrong.
 *
 * @since 0.1.0
 * @category utils
 */
export const parseSize = (text: string): Either.Either<number, string> => {
  const match = /^(\d+)([KMG]?)i?B?$/i.exec(text.trim())
  if (match === null) return Either.left(`--stack ${text}: expected a size such as 1048576, 512K or 8M`)
  const scale = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2].toUpperCase() as "" | "K" | "M" | "G"]
  const size = Number(match[1]) * scale
  if (!Number.isSafeInteger(size) || size > 4 * 1024 ** 3) return Either.left(`--stack ${text}: too large`)
  return Either.right(size)
}

/** The environment the program gets: the request's, with `PWD` set to `--cwd` when given. */
const environmentOf = (request: RunRequest): ReadonlyArray<string> => {
  const cwd = request.cwd ?? Option.none()
  return Option.isSome(cwd)
    ? [...request.env.filter((e) => !e.startsWith("PWD=")), `PWD=${cwd.value}`]
    : request.env
}

/** Serves the request's `--mount` directories, each as a namespace entry for a builder. */
const mountAll = (request: RunRequest) =>
  Effect.forEach(
    request.mounts ?? [],
    (m) =>
      HostDirectory.mount(m.hostPath, m.guestPath, { readOnly: m.readOnly }).pipe(
        Effect.mapError((e) => new CliError({ message: `--mount ${m.hostPath}:${m.guestPath}: ${e.reason}` }))
      )
  )

/** Adds what the request asks of a builder beyond its program: the mounts and the stack size. */
const configureBuilder = (
  builder: ProcessBuilder.ProcessBuilder,
  request: RunRequest,
  mounted: ReadonlyArray<HostDirectory.MountedEntry>
) =>
  Effect.gen(function*() {
    if (mounted.length > 0) yield* ProcessBuilder.addNamespaceEntries(builder, mounted)
    const stack = request.stackSize ?? Option.none()
    if (Option.isSome(stack)) yield* ProcessBuilder.setMinStackSize(builder, stack.value)
  })

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
 *
 * @since 0.1.0
 * @category utils
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
 *
 * @since 0.1.0
 * @category utils
 */
export const readElf = (file: string): Effect.Effect<Uint8Array, CliError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const fail = (reason: string) => new CliError({ message: `cannot read ${file}: ${reason}` })
    const info = yield* fs.stat(file).pipe(Effect.mapError((e) => fail(reasonOf(e))))
    if (info.type === "Directory") return yield* fail("is a directory")
    return yield* fs.readFile(file).pipe(Effect.mapError((e) => fail(reasonOf(e))))
  })

/**
 * Checks that a `--loader-dir` names a directory, as a CliError naming it when it does not.
 *
 * @since 0.1.0
 * @category utils
 */
export const checkLoaderDir = (dir: Option.Option<string>): Effect.Effect<void, CliError, FileSystem.FileSystem> =>
  Option.match(dir, {
    onNone: () => Effect.void,
    onSome: (dir) =>
      Effect.flatMap(FileSystem.FileSystem, (fs) =>
        fs.stat(dir).pipe(
          Effect.mapError((e) =>
            new CliError({ message: `--loader-dir ${dir}: ${reasonOf(e).replace("file", "directory")}` })
          ),
          Effect.flatMap((info) =>
            info.type === "Directory" ? Effect.void : new CliError({ message: `--loader-dir ${dir}: not a directory` })
          )
        ))
  })

/**
 * Parses the ELF headers of a file already read, as a CliError naming the file when they are not acceptable.
 *
 * @since 0.1.0
 * @category utils
 */
export const parseHeaders = (file: string, bytes: Uint8Array): Effect.Effect<Elf64Headers.Elf64Headers, CliError> =>
  Effect.mapError(
    Elf64Headers.fromBytes(bytes),
    (e) => new CliError({ message: `${file}: not a RISC-V 64 ELF executable: ${e.message}` })
  )

/**
 * One line for a builder error: the variant, its status name and the cause.
 *
 * @since 0.1.0
 * @category utils
 */
export const describeBuildError = (file: string, error: ProcessBuilderError.ProcessBuilderError): string =>
  `${file}: ${error._tag} (${Status.toString(error.asZxStatus())}): ${error.message}`

/**
 * The built process with the host ends of its stdio sockets.
 *
 * @since 0.1.0
 * @category models
 */
export interface Prepared {
  readonly built: BuiltProcess.BuiltProcess
  readonly stdin: Handle.Socket
  readonly stdout: Handle.Socket
  readonly stderr: Handle.Socket
  /** What the loader was asked for and did not find, so far (it keeps serving the running program). */
  readonly missing: ReadonlyArray<string>
}

/**
 * Builds a process for the request without starting it.
 *
 * @since 0.1.0
 * @category utils
 */
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
    const toCli = (error: ProcessBuilderError.ProcessBuilderError) =>
      new CliError({ message: describeBuildError(request.elf, error) })
    const kernelError = (what: string) => (e: { readonly message: string }) =>
      new CliError({ message: `${what}: ${e.message}` })
    const executable = yield* kernel.vmo.fromBytes(bytes, { name, executable: true }).pipe(
      Effect.mapError(kernelError("loading the executable"))
    )
    const job = yield* kernel.job.root()
    const systemVdso = yield* kernel.systemVdso().pipe(Effect.mapError(kernelError("the system vDSO")))
    const builder = yield* ProcessBuilder.make({ name, job, executable, systemVdso }).pipe(Effect.mapError(toCli))
    const [stdin, stdinGuest] = yield* kernel.socket.create().pipe(Effect.mapError(kernelError("stdin")))
    const [stdout, stdoutGuest] = yield* kernel.socket.create().pipe(Effect.mapError(kernelError("stdout")))
    const [stderr, stderrGuest] = yield* kernel.socket.create().pipe(Effect.mapError(kernelError("stderr")))
    const fd = (n: 0 | 1 | 2, terminal: boolean | undefined) =>
      HandleInfo.unsafeMake("FileDescriptor", n | (terminal === true ? GuestCommandExecutor.FD_TERMINAL : 0))
    yield* ProcessBuilder.addHandles(builder, [
      { handle: stdinGuest, info: fd(0, request.terminals?.stdin) },
      { handle: stdoutGuest, info: fd(1, request.terminals?.stdout) },
      { handle: stderrGuest, info: fd(2, request.terminals?.stderr) }
    ]).pipe(Effect.mapError(toCli))
    yield* ProcessBuilder.addArguments(builder, [request.elf, ...request.args]).pipe(Effect.mapError(toCli))
    yield* ProcessBuilder.addEnvironmentVariables(builder, environmentOf(request)).pipe(Effect.mapError(toCli))
    yield* configureBuilder(builder, request, yield* mountAll(request)).pipe(Effect.mapError(toCli))
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
                Effect.tapError((e) =>
                  e.status === Status.Status.NOT_FOUND ? Effect.sync(() => missing.push(name)) : Effect.void
                )
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
            (error._tag === "LoaderMissing"
              ? " (pass --loader-dir DIR to serve the dynamic linker and libraries from DIR)"
              : "") +
            (missing.length > 0 && Option.isSome(request.loaderDir)
              ? ` (${missing.join(", ")}: not found in --loader-dir ${request.loaderDir.value})`
              : "")
        })
      )
    )
    return { built, stdin, stdout, stderr, missing }
  })

/**
 * A process's exit as the command reports it: the exit status, and a note for a killed process.
 *
 * @since 0.1.0
 * @category utils
 */
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
  return {
    code: returnCode !== 0n && low === 0 ? 1 : low,
    note: note === undefined ? undefined : `${note} (return code ${returnCode})`
  }
}

/** The loader layer for a `--loader-dir`, recording the names it is asked for and does not find into `missing`. */
const recordingLoader = (dir: string, missing: Array<string>) =>
  Layer.effect(
    Loader.Loader,
    Effect.map(Loader.Loader, (inner) =>
      Loader.Loader.of({
        loadObject: (name) =>
          inner.loadObject(name).pipe(
            Effect.tapError((e) =>
              e.status === Status.Status.NOT_FOUND ? Effect.sync(() => missing.push(name)) : Effect.void
            )
          )
      }))
  ).pipe(Layer.provide(Loader.layerFromDirectory(dir)))

/**
 * Runs the program as a `Command` through `GuestCommandExecutor`: its stdio inherits `output`,
 * crash reports go to `output.stderr`, and the result is the process's return code once it has
 * exited and all of its output is written.
 *
 * @since 0.1.0
 * @category utils
 */
export const run = (
  request: RunRequest,
  output: Output
): Effect.Effect<bigint, CliError, Kernel.Kernel | FileSystem.FileSystem | Path.Path | Scope.Scope> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const file = yield* locate(request.elf)
    const bytes = yield* readElf(file)
    // Checked here too so a file that is not an ELF executable gets a message naming it.
    yield* parseHeaders(request.elf, bytes)
    const missing: Array<string> = []
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const mounted = yield* mountAll(request)
    const options: GuestCommandExecutor.Options = {
      programs: [GuestCommandExecutor.programMap({ [request.elf]: bytes })],
      environment: environmentOf(request),
      console: output,
      terminals: request.terminals,
      configure: ({ builder }) => configureBuilder(builder, request, mounted),
      loader: Option.isSome(request.loaderDir)
        ? { _tag: "Layer", layer: recordingLoader(request.loaderDir.value, missing) }
        : undefined,
      // Crash reports for an exception nobody handles, as Fuchsia's crash service prints them.
      beforeStart: (built) =>
        Effect.gen(function*() {
          yield* CrashReport.watch({
            job: yield* kernel.job.root(),
            rootVmar: built.rootVmar,
            process: built.process,
            fileOf: yield* CrashReport.filesOfRun(file, request.loaderDir),
            sink: (text) => output.stderr(new TextEncoder().encode(text))
          })
        }).pipe(Effect.provideService(FileSystem.FileSystem, fs), Effect.provideService(Path.Path, path))
    }
    const command = Command.make(request.elf, ...request.args).pipe(
      Command.stdin("inherit"),
      Command.stdout("inherit"),
      Command.stderr("inherit")
    )
    const process = yield* GuestCommandExecutor.start(options, command).pipe(
      Effect.mapError((error) => {
        const cause = error.cause
        if (!ProcessBuilderError.isProcessBuilderError(cause)) {
          return new CliError({ message: error.description ?? error.message })
        }
        return new CliError({
          message: describeBuildError(request.elf, cause) +
            (cause._tag === "LoaderMissing"
              ? " (pass --loader-dir DIR to serve the dynamic linker and libraries from DIR)"
              : "") +
            (missing.length > 0 && Option.isSome(request.loaderDir)
              ? ` (${missing.join(", ")}: not found in --loader-dir ${request.loaderDir.value})`
              : "")
        })
      })
    )
    const { returnCode } = yield* process.info.pipe(
      Effect.mapError((e) => new CliError({ message: `${request.elf}: ${e.description ?? e.message}` }))
    )
    if (returnCode !== 0n && missing.length > 0 && Option.isSome(request.loaderDir)) {
      const names = Array.from(new Set(missing)).join(", ")
      yield* output.stderr(
        new TextEncoder().encode(
          `zxsim: ${request.elf}: ${names}: not found in --loader-dir ${request.loaderDir.value}\n`
        )
      )
    }
    return returnCode
  }).pipe(Effect.withSpan("zxsim.run"))
