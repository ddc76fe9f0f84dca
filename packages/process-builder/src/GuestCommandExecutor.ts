/**
 * `@effect/platform`'s `CommandExecutor` on zxsim: with this layer, `Command.make("hello", "a")`,
 * `Command.string`, `Command.lines`, `Command.exitCode`, `Command.start` and the rest run RISC-V
 * guests on the simulated kernel instead of host processes.
 *
 * A command's name is looked up in the layer's {@link Programs} (a directory of ELF files, a map of
 * images, or host paths); its arguments become the guest's processargs arguments (the name first,
 * as `argv[0]`); `Command.env` its environment (over the layer's base environment unless
 * `extendEnv` is off); stdin, stdout and stderr are sockets handed over as file descriptors 0, 1
 * and 2. A dynamically linked program gets a `fuchsia.ldsvc.Loader` from {@link Options.loader}.
 * What `Command` cannot say (the CPU, the kernel's options) comes from the layers that build the
 * `Kernel` this layer is given; mounts and extra start-up handles from {@link Options.configure}.
 *
 * Zircon has no signals and no working directory: `kill` kills the process whatever signal is
 * asked (`task_kill`, return code -1024); `Command.workingDirectory` is the host directory that
 * relative program paths resolve against, and must exist. The exit code is the process's return
 * code as a number (negative for a kill, as Zircon reports it).
 *
 * @since 0.1.0
 */
import * as Command from "@effect/platform/Command"
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import { type PlatformError, SystemError, type SystemErrorReason } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Loader from "@zxsim/fidl/Loader"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import * as Status from "@zxsim/kernel/Status"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as HashMap from "effect/HashMap"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Sink from "effect/Sink"
import * as Stream from "effect/Stream"
import * as BuiltProcess from "./BuiltProcess.js"
import * as ProcessBuilder from "./ProcessBuilder.js"
import type { ProcessBuilderError } from "./ProcessBuilderError.js"

/**
 * One place command names are looked up: a host directory of ELF files, a map of names to images
 * (bytes) or host paths, or host paths themselves (a name with a `/`, relative to the command's
 * working directory).
 *
 * @since 0.1.0
 * @category models
 */
export type Programs =
  | { readonly _tag: "Directory"; readonly directory: string }
  | { readonly _tag: "Map"; readonly programs: Readonly<Record<string, Uint8Array | string>> }
  | { readonly _tag: "HostPaths" }

/**
 * Names resolve to the files of a host directory (`hello` is `<directory>/hello`); with
 * `Guests.binDirectory` from `@zxsim/guest`, the packaged guest programs.
 *
 * @since 0.1.0
 * @category programs
 */
export const directory = (directory: string): Programs => ({ _tag: "Directory", directory })

/**
 * Names resolve through a map, to an ELF image or to a host path.
 *
 * @since 0.1.0
 * @category programs
 */
export const programMap = (programs: Readonly<Record<string, Uint8Array | string>>): Programs => ({
  _tag: "Map",
  programs
})

/**
 * A name containing `/` is a host path, relative to the command's working directory (or the host
 * process's). Names without a `/` are left to the other sources.
 *
 * @since 0.1.0
 * @category programs
 */
export const hostPaths: Programs = { _tag: "HostPaths" }

/**
 * Where a dynamically linked program's loader gets `ld.so.1` and its libraries: a host directory,
 * or a map of names to bytes.
 *
 * @since 0.1.0
 * @category models
 */
export type LoaderSource =
  | { readonly _tag: "Directory"; readonly directory: string }
  | { readonly _tag: "Map"; readonly files: Readonly<Record<string, Uint8Array>> }
  | { readonly _tag: "Layer"; readonly layer: Layer.Layer<Loader.Loader, never, Kernel.Kernel | FileSystem.FileSystem> }

/**
 * What `"inherit"` means for a guest's stdio: where its output goes and its input comes from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Console {
  readonly stdout: (bytes: Uint8Array) => Effect.Effect<void>
  readonly stderr: (bytes: Uint8Array) => Effect.Effect<void>
  /** Read as the guest reads; its end is the guest's end of file. */
  readonly stdin: Stream.Stream<Uint8Array>
}

/**
 * A builder about to build, for {@link Options.configure}: the builder, the command it is for, and
 * the file its program came from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Configuring {
  readonly builder: ProcessBuilder.ProcessBuilder
  readonly command: Command.StandardCommand
  /** The host path of the program, or the name it had in a map of images. */
  readonly program: string
}

/**
 * The bit of a PA_FD handle's argument that tells the guest its descriptor is a terminal
 * (`ZX_STARTUP_FD_TERMINAL` in the guest runtime's `<zircon/process.h>`).
 *
 * @since 0.1.0
 * @category constants
 */
export const FD_TERMINAL = 0x4000

/**
 * The layer's options.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Where command names are looked up, in order. */
  readonly programs: ReadonlyArray<Programs>
  /** The job processes are created in; the kernel's root job when absent. */
  readonly job?: Handle.Job | undefined
  /** The loader every process gets (dynamically linked programs need one); none when absent. */
  readonly loader?: LoaderSource | undefined
  /**
   * The environment a command extends (`Command.env` adds to it; `extendEnv: false` drops it): a
   * record, or `KEY=VALUE` strings kept in their order.
   */
  readonly environment?: Readonly<Record<string, string>> | ReadonlyArray<string> | undefined
  /** What `"inherit"` stdio means; output is discarded and input empty without it. */
  readonly console?: Console | undefined
  /**
   * Which of the guest's stdin, stdout and stderr are terminals: their PA_FD handles carry
   * {@link FD_TERMINAL}, so the guest's `isatty` answers 1 and its stdout is line-buffered.
   */
  readonly terminals?:
    | {
      readonly stdin?: boolean | undefined
      readonly stdout?: boolean | undefined
      readonly stderr?: boolean | undefined
    }
    | undefined
  /**
   * Called with each builder before it builds: add handles, namespace entries (mounts), a stack
   * size. Handles it creates belong to the command's scope.
   */
  readonly configure?:
    | ((configuring: Configuring) => Effect.Effect<void, ProcessBuilderError, Kernel.Kernel | Scope.Scope>)
    | undefined
  /** Called with each built process just before it starts: to watch it (its exceptions), or read its layout. */
  readonly beforeStart?:
    | ((
      built: BuiltProcess.BuiltProcess,
      configuring: Configuring
    ) => Effect.Effect<void, never, Kernel.Kernel | Scope.Scope>)
    | undefined
}

/**
 * A running guest: the platform's `Process`, with its kernel handle and its return code as the
 * kernel reports it (a 64-bit value).
 *
 * @since 0.1.0
 * @category models
 */
export interface GuestProcess extends CommandExecutor.Process {
  /** The kernel's handle to the process, valid while the command's scope lasts. */
  readonly handle: Handle.Process
  /** Waits for the end and returns the return code and the `ZX_INFO_PROCESS` flags. */
  readonly info: Effect.Effect<{ readonly returnCode: bigint; readonly flags: number }, PlatformError>
}

const fail = (reason: SystemErrorReason, method: string, description: string, cause?: unknown) =>
  new SystemError({ reason, module: "Command", method, description, ...(cause === undefined ? {} : { cause }) })

const kernelFailure = (method: string, what: string) => (e: { readonly message: string }) =>
  fail("Unknown", method, `${what}: ${e.message}`, e)

/**
 * One line for a builder error, naming the program: the crate's variant, its status and the cause.
 *
 * @since 0.1.0
 * @category errors
 */
export const describeBuildError = (program: string, error: ProcessBuilderError): string =>
  `${program}: ${error._tag} (${Status.toString(error.asZxStatus())}): ${error.message}`

const readHostFile = (fs: FileSystem.FileSystem, file: string) =>
  fs.readFile(file).pipe(
    Effect.mapError((e) =>
      e._tag === "SystemError" && e.reason === "NotFound"
        ? fail("NotFound", "start", `${file}: no such file`, e)
        : fail(e._tag === "SystemError" ? e.reason : "Unknown", "start", `${file}: ${e.message}`, e)
    ),
    Effect.map((bytes) => ({ bytes, program: file }))
  )

/** Finds a command's ELF image: the first source that knows the name. */
const resolveProgram = (
  sources: ReadonlyArray<Programs>,
  name: string,
  cwd: Option.Option<string>
): Effect.Effect<
  { readonly bytes: Uint8Array; readonly program: string },
  PlatformError,
  FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const hostPath = (file: string) => Option.isSome(cwd) ? path.resolve(cwd.value, file) : file
    for (const source of sources) {
      switch (source._tag) {
        case "HostPaths": {
          if (name.includes("/")) return yield* readHostFile(fs, hostPath(name))
          break
        }
        case "Directory": {
          if (name.includes("/") || name === "" || name === "." || name === "..") break
          const file = path.join(hostPath(source.directory), name)
          if (yield* fs.exists(file).pipe(Effect.orElseSucceed(() => false))) return yield* readHostFile(fs, file)
          break
        }
        case "Map": {
          if (!Object.hasOwn(source.programs, name)) break
          const entry = source.programs[name]
          if (entry === undefined) break
          if (typeof entry === "string") return yield* readHostFile(fs, hostPath(entry))
          return { bytes: entry, program: name }
        }
      }
    }
    return yield* Effect.fail(fail("NotFound", "start", `${name}: no such program`))
  })

/** The guest's environment as `KEY=VALUE` strings: the base (unless not extended), then the command's. */
const environmentOf = (options: Options, command: Command.StandardCommand): ReadonlyArray<string> => {
  const base = options.environment ?? {}
  const entries: ReadonlyArray<string> = !command.extendEnv
    ? []
    : isStrings(base)
    ? base
    : Object.entries(base).map(([key, value]) => `${key}=${value}`)
  const added = HashMap.toEntries(command.env)
  const overridden = new Set(added.map(([key]) => key))
  return [
    ...entries.filter((entry) => !overridden.has(entry.slice(0, Math.max(0, entry.indexOf("="))))),
    ...added.map(([key, value]) => `${key}=${value}`)
  ]
}

const isStrings = (u: Readonly<Record<string, string>> | ReadonlyArray<string>): u is ReadonlyArray<string> =>
  Array.isArray(u)

/** The bytes a socket carries until its peer closes, as a stream; reading ends with the peer. */
const socketStream = (
  kernel: Kernel.KernelShape,
  socket: Handle.Socket,
  method: string
): Stream.Stream<Uint8Array, PlatformError> =>
  Stream.repeatEffectOption(
    Effect.gen(function*() {
      const signals = yield* kernel.object.waitOne(socket, Signals.SOCKET_READABLE | Signals.SOCKET_PEER_CLOSED)
      if ((signals & Signals.SOCKET_READABLE) === 0) return yield* Effect.fail(Option.none())
      return yield* kernel.socket.read(socket, 1 << 16)
    }).pipe(
      Effect.mapError((e) =>
        Option.isOption(e) ? e : Option.some(kernelFailure(method, "reading the guest's output")(e))
      )
    )
  )

/**
 * A sink writing to a socket as the guest makes room, closing it (the guest's end of file) when
 * the input ends; input after the guest closed its end is dropped.
 */
const socketSink = (
  kernel: Kernel.KernelShape,
  socket: Handle.Socket
): Sink.Sink<void, Uint8Array, never, PlatformError> => {
  const writeAll = (bytes: Uint8Array) =>
    Effect.gen(function*() {
      let offset = 0
      while (offset < bytes.length) {
        const signals = yield* kernel.object.waitOne(socket, Signals.SOCKET_WRITABLE | Signals.SOCKET_PEER_CLOSED)
        if ((signals & Signals.SOCKET_WRITABLE) === 0) return false
        offset += yield* kernel.socket.write(socket, bytes.subarray(offset))
      }
      return true
    }).pipe(Effect.orElseSucceed(() => false))
  return Sink.forEachWhile(writeAll).pipe(
    Sink.ensuring(kernel.handle.close(socket).pipe(Effect.ignore)),
    Sink.map(() => undefined),
    Sink.ignoreLeftover
  )
}

const ProcessProto = {
  [CommandExecutor.ProcessTypeId]: CommandExecutor.ProcessTypeId,
  ...Inspectable.BaseProto,
  toJSON(this: CommandExecutor.Process) {
    return { _id: "@zxsim/process-builder/GuestCommandExecutor/Process", pid: this.pid }
  }
}

/**
 * A guest's output as the command asks: the stream itself, the stream through a sink, or (for
 * `"inherit"`) copied to the console by a fiber, which `drained` waits for.
 */
const toOutput = (
  output: Command.Command.Output,
  stream: Stream.Stream<Uint8Array, PlatformError>,
  inherit: ((bytes: Uint8Array) => Effect.Effect<void>) | undefined
): Effect.Effect<
  { readonly stream: Stream.Stream<Uint8Array, PlatformError>; readonly drained: Effect.Effect<void> },
  never,
  Scope.Scope
> => {
  if (output === "pipe") return Effect.succeed({ stream, drained: Effect.void })
  if (output === "inherit") {
    return Effect.map(
      Effect.forkScoped(Stream.runForEach(stream, inherit ?? (() => Effect.void)).pipe(Effect.ignore)),
      (fiber) => ({ stream: Stream.empty, drained: Fiber.join(fiber) })
    )
  }
  return Effect.succeed({ stream: Stream.transduce(stream, output), drained: Effect.void })
}

/**
 * Builds and starts one guest for a standard command, with its stdio wired as the command says.
 * The process is killed when the scope closes if it is still running.
 *
 * @since 0.1.0
 * @category constructors
 */
export const startStandard = (
  options: Options,
  command: Command.StandardCommand
): Effect.Effect<GuestProcess, PlatformError, Kernel.Kernel | FileSystem.FileSystem | Path.Path | Scope.Scope> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const fs = yield* FileSystem.FileSystem
    if (Option.isSome(command.cwd)) {
      const cwd = command.cwd.value
      const info = yield* fs.stat(cwd).pipe(
        Effect.mapError((e) =>
          fail(e._tag === "SystemError" ? e.reason : "Unknown", "start", `working directory ${cwd}: ${e.message}`, e)
        )
      )
      if (info.type !== "Directory") {
        return yield* Effect.fail(fail("BadResource", "start", `working directory ${cwd}: not a directory`))
      }
    }
    const { bytes, program } = yield* resolveProgram(options.programs, command.command, command.cwd)
    const name = command.command.slice(command.command.lastIndexOf("/") + 1)
    const method = "start"
    const toPlatform = (error: ProcessBuilderError) =>
      fail("Unknown", method, describeBuildError(program, error), error)
    const executable = yield* kernel.vmo.fromBytes(bytes, { name, executable: true }).pipe(
      Effect.mapError(kernelFailure(method, "loading the executable"))
    )
    const job = options.job ?? (yield* kernel.job.root())
    const systemVdso = yield* kernel.systemVdso().pipe(Effect.mapError(kernelFailure(method, "the system vDSO")))
    const builder = yield* ProcessBuilder.make({ name, job, executable, systemVdso }).pipe(Effect.mapError(toPlatform))
    const [stdin, stdinGuest] = yield* kernel.socket.create().pipe(Effect.mapError(kernelFailure(method, "stdin")))
    const [stdout, stdoutGuest] = yield* kernel.socket.create().pipe(Effect.mapError(kernelFailure(method, "stdout")))
    const [stderr, stderrGuest] = yield* kernel.socket.create().pipe(Effect.mapError(kernelFailure(method, "stderr")))
    const fd = (n: 0 | 1 | 2, terminal: boolean | undefined) =>
      HandleInfo.unsafeMake("FileDescriptor", n | (terminal === true ? FD_TERMINAL : 0))
    yield* ProcessBuilder.addHandles(builder, [
      { handle: stdinGuest, info: fd(0, options.terminals?.stdin) },
      { handle: stdoutGuest, info: fd(1, options.terminals?.stdout) },
      { handle: stderrGuest, info: fd(2, options.terminals?.stderr) }
    ]).pipe(Effect.mapError(toPlatform))
    yield* ProcessBuilder.addArguments(builder, [command.command, ...command.args]).pipe(Effect.mapError(toPlatform))
    yield* ProcessBuilder.addEnvironmentVariables(builder, environmentOf(options, command)).pipe(
      Effect.mapError(toPlatform)
    )
    if (options.loader !== undefined) {
      const source = options.loader
      const [client, server] = yield* kernel.channel.create().pipe(
        Effect.mapError(kernelFailure(method, "loader channel"))
      )
      const layer = source._tag === "Directory"
        ? Loader.layerFromDirectory(source.directory)
        : source._tag === "Map"
        ? Loader.layerFromMap(source.files)
        : source.layer
      yield* Effect.forkScoped(
        Loader.serve(server).pipe(Effect.provide(layer), Effect.provideService(FileSystem.FileSystem, fs))
      )
      yield* ProcessBuilder.setLoaderService(builder, client).pipe(Effect.mapError(toPlatform))
    }
    if (options.configure !== undefined) {
      yield* options.configure({ builder, command, program }).pipe(Effect.mapError(toPlatform))
    }
    const built = yield* ProcessBuilder.build(builder).pipe(
      Effect.mapError((error) =>
        fail(
          error._tag === "ElfParse" ? "InvalidData" : "Unknown",
          method,
          describeBuildError(program, error) +
            (error._tag === "LoaderMissing" ? " (the program is dynamically linked: give the executor a loader)" : ""),
          error
        )
      )
    )
    if (options.beforeStart !== undefined) yield* options.beforeStart(built, { builder, command, program })
    const handle = yield* Effect.acquireRelease(
      BuiltProcess.start(built).pipe(Effect.mapError(toPlatform)),
      (process) =>
        kernel.object.signals(process).pipe(
          Effect.flatMap((signals) =>
            (signals & Signals.PROCESS_TERMINATED) !== 0
              ? Effect.void
              : Effect.zipRight(kernel.task.kill(process), kernel.object.waitOne(process, Signals.PROCESS_TERMINATED))
          ),
          Effect.ignore
        )
    )
    const koid = yield* kernel.handle.info(handle).pipe(Effect.mapError(kernelFailure(method, "process info")))
    const terminated = kernel.object.waitOne(handle, Signals.PROCESS_TERMINATED).pipe(
      Effect.mapError(kernelFailure("exitCode", "waiting for the process"))
    )
    const stdoutOutput = yield* toOutput(
      command.stdout,
      socketStream(kernel, stdout, "stdout"),
      options.console?.stdout
    )
    const stderrOutput = yield* toOutput(
      command.stderr,
      socketStream(kernel, stderr, "stderr"),
      options.console?.stderr
    )
    // The process's ends of its sockets close with it: output copied to the console ends then too,
    // and the return code is reported once all of it has been written.
    const info = Effect.zipRight(
      Effect.zipRight(terminated, Effect.zipRight(stdoutOutput.drained, stderrOutput.drained)),
      kernel.process.info(handle).pipe(
        Effect.map(({ flags, returnCode }) => ({ flags, returnCode })),
        Effect.mapError(kernelFailure("exitCode", "process info"))
      )
    )
    const exitCode = Effect.map(info, ({ returnCode }) => CommandExecutor.ExitCode(Number(returnCode)))
    const isRunning = kernel.object.signals(handle).pipe(
      Effect.map((signals) => (signals & Signals.PROCESS_TERMINATED) === 0),
      Effect.mapError(kernelFailure("isRunning", "process signals"))
    )
    const kill: CommandExecutor.Process["kill"] = () =>
      kernel.task.kill(handle).pipe(
        Effect.zipRight(terminated),
        Effect.asVoid,
        Effect.mapError(kernelFailure("kill", "task_kill"))
      )
    const stdinSink = socketSink(kernel, stdin)
    if (command.stdin === "inherit") {
      const input = options.console?.stdin ?? Stream.empty
      yield* Effect.forkScoped(Stream.run(input, stdinSink).pipe(Effect.ignore))
    } else if (command.stdin !== "pipe") {
      yield* Effect.forkScoped(Stream.run(command.stdin, stdinSink).pipe(Effect.ignore))
    }
    const process: GuestProcess = Object.assign(Object.create(ProcessProto), {
      pid: CommandExecutor.ProcessId(koid.koid),
      handle,
      info,
      exitCode,
      isRunning,
      kill,
      stdin: stdinSink,
      stdout: stdoutOutput.stream,
      stderr: stderrOutput.stream
    })
    return process
  }).pipe(Effect.withSpan("GuestCommandExecutor.start", { attributes: { command: command.command } }))

/**
 * Starts a command, standard or piped (each stage's stdout feeds the next one's stdin, as the
 * platform's executors do), returning the last stage's process.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = (
  options: Options,
  command: Command.Command
): Effect.Effect<GuestProcess, PlatformError, Kernel.Kernel | FileSystem.FileSystem | Path.Path | Scope.Scope> => {
  const [first, ...rest] = Command.flatten(command)
  const last = rest.pop()
  if (last === undefined) return startStandard(options, first)
  return Effect.gen(function*() {
    const context = yield* Effect.context<Kernel.Kernel | FileSystem.FileSystem | Path.Path>()
    const stdoutOf = (stage: Command.StandardCommand) =>
      Stream.unwrapScoped(Effect.map(startStandard(options, stage), (p) => p.stdout)).pipe(
        Stream.provideContext(context)
      )
    const input = rest.reduce((stdin, stage) => stdoutOf({ ...stage, stdin }), stdoutOf(first))
    return yield* startStandard(options, { ...last, stdin: input })
  })
}

/**
 * The `CommandExecutor` service running guests, for a kernel, file system and path service taken
 * from the context where the layer is built.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<CommandExecutor.CommandExecutor, never, Kernel.Kernel | FileSystem.FileSystem | Path.Path> =>
  Effect.map(
    Effect.context<Kernel.Kernel | FileSystem.FileSystem | Path.Path>(),
    (context) => CommandExecutor.makeExecutor((command) => Effect.provide(start(options, command), context))
  )

/**
 * The layer: `CommandExecutor` running guests on the `Kernel` (and its CPU) of the context.
 *
 * @example
 * ```ts
 * import * as Command from "@effect/platform/Command"
 * import { NodeContext } from "@effect/platform-node"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import * as Guests from "@zxsim/guest/Guests"
 * import * as GuestCommandExecutor from "@zxsim/process-builder/GuestCommandExecutor"
 * import * as Zircon from "@zxsim/riscv/Zircon"
 *
 * const GuestCommands = GuestCommandExecutor.layer({
 *   programs: [GuestCommandExecutor.directory(Guests.binDirectory)]
 * }).pipe(Layer.provide(Zircon.layer), Layer.provide(NodeContext.layer))
 *
 * // "hello\na\nb\n": the guest prints its arguments, one per line
 * const output = Command.string(Command.make("hello", "a", "b")).pipe(Effect.provide(GuestCommands))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<CommandExecutor.CommandExecutor, never, Kernel.Kernel | FileSystem.FileSystem | Path.Path> =>
  Layer.effect(CommandExecutor.CommandExecutor, make(options))

/**
 * Runs a command to its end and collects everything: stdout and stderr as bytes, the return code
 * and process flags. For tests and tools that want all of a guest's output at once.
 *
 * @since 0.1.0
 * @category running
 */
export const collect = (
  options: Options,
  command: Command.Command,
  whileRunning?: (process: GuestProcess) => Effect.Effect<void, unknown, Kernel.Kernel | Scope.Scope>
): Effect.Effect<
  { readonly stdout: Uint8Array; readonly stderr: Uint8Array; readonly returnCode: bigint; readonly flags: number },
  unknown,
  Kernel.Kernel | FileSystem.FileSystem | Path.Path
> =>
  Effect.scoped(Effect.gen(function*() {
    const process = yield* start(options, command)
    const concat = (chunks: Chunk.Chunk<Uint8Array>) => {
      const all = new Uint8Array(Chunk.reduce(chunks, 0, (n, c) => n + c.length))
      let offset = 0
      for (const c of chunks) {
        all.set(c, offset)
        offset += c.length
      }
      return all
    }
    const [stdout, stderr] = yield* Effect.all([
      Stream.runCollect(process.stdout).pipe(Effect.map(concat)),
      Stream.runCollect(process.stderr).pipe(Effect.map(concat)),
      (whileRunning ?? (() => Effect.void))(process)
    ], { concurrency: "unbounded" })
    const { flags, returnCode } = yield* process.info
    return { stdout, stderr, returnCode, flags }
  }))
