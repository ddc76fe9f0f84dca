/**
 * One run of a program as the playground shows it: the program is checked, built and started
 * through `GuestCommandExecutor` (the same path as `zxsim run`), and everything worth drawing is
 * reported as {@link Protocol.Event}s while it happens — the spans of the build stages, the address
 * space of the built process (what `zxsim vmaps` prints), the bootstrap messages the builder wrote
 * (decoded from the bytes that went into the bootstrap channel), the output, crash reports, CPU
 * counters while it runs, and the exit.
 *
 * Platform-free: the program files come from the context's `FileSystem` (Node's in tests, a
 * fetching one in the browser), the kernel and CPU from its `Kernel`.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/platform/Command"
import * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as CrashReport from "@zxsim/cli/CrashReport"
import * as Inspect from "@zxsim/cli/Inspect"
import * as Run from "@zxsim/cli/Run"
import * as StageTracer from "@zxsim/cli/StageTracer"
import * as Guests from "@zxsim/guest/Guests"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Vdso from "@zxsim/kernel/Vdso"
import * as GuestCommandExecutor from "@zxsim/process-builder/GuestCommandExecutor"
import * as ProcessBuilderError from "@zxsim/process-builder/ProcessBuilderError"
import * as CString from "@zxsim/processargs/CString"
import * as HandleType from "@zxsim/processargs/HandleType"
import * as Message from "@zxsim/processargs/Message"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import type * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import type * as Protocol from "./Protocol.js"

/**
 * How often CPU counters are reported while a program runs.
 *
 * @since 0.1.0
 * @category constants
 */
export const STATS_INTERVAL: Duration.Duration = Duration.millis(250)

/**
 * What to run.
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  readonly program: Protocol.Program
  readonly args: ReadonlyArray<string>
  /** `KEY=VALUE` strings. */
  readonly env: ReadonlyArray<string>
}

/**
 * How the page reaches a running program: its stdin (`None` ends it) and a signal to kill it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Control {
  readonly stdin: Queue.Dequeue<Option.Option<Uint8Array>>
  readonly kill: Deferred.Deferred<void>
}

/** A bootstrap message as it went into the channel, with the kernel types of its handles. */
interface Written {
  readonly bytes: Uint8Array
  readonly objects: ReadonlyArray<string>
}

/**
 * The kernel with its channel writes observed: while `recording.on`, every write that is a
 * processargs message (its header decodes) is kept in `recording.messages` with the types of the
 * objects its handles refer to, before the handles move into the channel. The kernel itself is
 * unchanged; only the host's view of it is wrapped.
 */
const observed = (
  kernel: Kernel.KernelShape,
  recording: { on: boolean; readonly messages: Array<Written> }
): Kernel.KernelShape => ({
  ...kernel,
  channel: {
    ...kernel.channel,
    write: (channel, bytes, handles) =>
      !recording.on || Either.isLeft(Message.parseHeader(bytes))
        ? kernel.channel.write(channel, bytes, handles)
        : Effect.forEach(handles ?? [], (handle) =>
          kernel.handle.info(handle).pipe(
            Effect.map((info): string => info.type),
            Effect.orElseSucceed(() => "INVALID")
          )).pipe(
            Effect.tap((objects) => Effect.sync(() => recording.messages.push({ bytes: bytes.slice(), objects }))),
            Effect.zipRight(kernel.channel.write(channel, bytes, handles))
          )
  }
})

/**
 * Decodes the recorded bootstrap messages: with two, the first went to the dynamic linker (the
 * builder writes the linker's message first); a message that does not decode is left out.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeBootstrap = (
  written: ReadonlyArray<{ readonly bytes: Uint8Array; readonly objects: ReadonlyArray<string> }>
): Array<Protocol.BootstrapMessage> =>
  written.flatMap((message, i) => {
    const data = Message.parse(message.bytes, message.objects.length)
    if (Either.isLeft(data)) return []
    const strings = (values: ReadonlyArray<CString.CString>) => values.map(CString.toString)
    return [{
      recipient: written.length > 1 && i === 0 ? "dynamic linker" : "program",
      bytes: message.bytes.length,
      args: strings(data.right.args),
      environment: strings(data.right.environmentVars),
      namespace: strings(data.right.namespacePaths),
      handles: data.right.handleInfos.map((info, h) => ({
        type: info.type,
        cName: HandleType.cNames[info.type],
        arg: info.arg,
        object: message.objects[h] ?? "INVALID"
      }))
    }]
  })

/** The stages recorded so far as plain data, times relative to the first span. */
const stageView = (stages: ReadonlyArray<StageTracer.Stage>): Array<Protocol.Stage> => {
  const origin = stages.length === 0 ? 0n : stages[0].startNanos
  return stages.map((s) => ({
    name: s.name,
    depth: s.depth,
    startMs: Number(s.startNanos - origin) / 1e6,
    durationMs: s.endNanos === undefined ? null : StageTracer.millis(s),
    ok: s.ok
  }))
}

/** The program's name as a command name: the file name, without any `/`. */
const commandName = (name: string) => name.replace(/^.*\//, "").replace(/[^\x21-\x7e]/g, "_") || "program"

/** Reads the program's bytes: a packaged guest from the file system, an uploaded one as it came. */
const programBytes = (program: Protocol.Program) =>
  program._tag === "Uploaded"
    ? Effect.succeed(program.bytes)
    : Guests.isName(program.name)
    ? Guests.read(program.name).pipe(
      Effect.mapError((e) => `cannot read ${program.name}: ${e.message}`)
    )
    : Effect.fail(`${program.name}: no such packaged program`)

/**
 * Builds and runs the program, reporting through `emit` until it has exited and all of its output
 * is out. Never fails: a program that cannot be built ends with a `Failed` event.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (
  request: Request,
  control: Control,
  emit: (event: Protocol.Event) => void
): Effect.Effect<void, never, Kernel.Kernel | FileSystem.FileSystem | Path.Path> => {
  const stages: Array<StageTracer.Stage> = []
  const emitStages = Effect.sync(() => emit({ _tag: "Stages", stages: stageView(stages) }))
  return Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const fs = yield* FileSystem.FileSystem
    const name = commandName(request.program.name)
    const bytes = yield* programBytes(request.program)
    // The same check and message as `zxsim run`: anything but a RISC-V 64 executable stops here.
    yield* Run.parseHeaders(name, bytes).pipe(Effect.mapError((e) => e.message))
    const started = yield* Clock.currentTimeMillis
    const stats = Effect.gen(function*() {
      const execution = yield* kernel.executionStats
      const now = yield* Clock.currentTimeMillis
      emit({
        _tag: "Stats",
        instructions: execution.cpu?.instructions ?? 0,
        compiledInstructions: execution.cpu?.compiledInstructions ?? 0,
        syscalls: execution.syscalls,
        elapsedMs: now - started
      })
    })
    const recording = { on: false, messages: new Array<Written>() }
    const watched = observed(kernel, recording)
    const fileOf = (file: string): Effect.Effect<Option.Option<Uint8Array>> => {
      if (file.startsWith("vdso/")) return Effect.succeed(Option.some(Vdso.image()))
      if (file === name) return Effect.succeed(Option.some(bytes))
      const library = Guests.libraries.find((l) => l.name === file)
      return library === undefined
        ? Effect.succeed(Option.none())
        : Effect.option(Guests.readLibrary(library.name)).pipe(Effect.provideService(FileSystem.FileSystem, fs))
    }
    const options: GuestCommandExecutor.Options = {
      programs: [GuestCommandExecutor.programMap({ [name]: bytes })],
      // The packaged dynamic linker and libraries, for programs with PT_INTERP.
      loader: { _tag: "Directory", directory: Guests.binDirectory },
      environment: request.env,
      console: {
        stdout: (out) => Effect.sync(() => emit({ _tag: "Output", stream: "stdout", bytes: out })),
        stderr: (out) => Effect.sync(() => emit({ _tag: "Output", stream: "stderr", bytes: out })),
        stdin: Stream.fromQueue(control.stdin).pipe(Stream.takeWhile(Option.isSome), Stream.filterMap(identity))
      },
      // The page's terminal: the guest's isatty answers 1 and its stdout is line-buffered.
      terminals: { stdin: true, stdout: true, stderr: true },
      configure: () => Effect.sync(() => (recording.on = true)),
      beforeStart: (built) =>
        Effect.gen(function*() {
          recording.on = false
          const info = yield* Effect.orDie(watched.vmar.info(built.rootVmar))
          const regions = yield* Effect.orDie(watched.vmar.regions(built.rootVmar))
          emit({
            _tag: "AddressSpace",
            root: { base: info.base, size: info.len },
            regions,
            text: Inspect.vmaps({ base: info.base, len: info.len }, regions),
            entry: built.entry,
            stack: built.stack,
            vdsoBase: built.vdsoBase,
            elfBase: built.elfBase
          })
          emit({ _tag: "Bootstrap", messages: decodeBootstrap(recording.messages) })
          yield* emitStages
          // Crash reports, as `zxsim run` prints them, for an exception nobody handles.
          yield* CrashReport.watch({
            job: yield* watched.job.root(),
            rootVmar: built.rootVmar,
            process: built.process,
            fileOf,
            sink: (text) => Effect.sync(() => emit({ _tag: "Output", stream: "stderr", bytes: encoder.encode(text) }))
          })
        }).pipe(Effect.provideService(Kernel.Kernel, watched))
    }
    const command = Command.make(name, ...request.args).pipe(
      Command.stdin("inherit"),
      Command.stdout("inherit"),
      Command.stderr("inherit")
    )
    const process = yield* GuestCommandExecutor.start(options, command).pipe(
      Effect.provideService(Kernel.Kernel, watched),
      Effect.mapError((error) =>
        ProcessBuilderError.isProcessBuilderError(error.cause)
          ? Run.describeBuildError(name, error.cause)
          : error.description ?? error.message
      )
    )
    yield* Effect.forkScoped(Effect.zipRight(Deferred.await(control.kill), Effect.ignore(process.kill())))
    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep(STATS_INTERVAL), stats)))
    const { returnCode } = yield* process.info.pipe(Effect.mapError((e) => `${name}: ${e.description ?? e.message}`))
    yield* stats
    yield* emitStages
    const status = Run.exitStatus(returnCode)
    emit({ _tag: "Exited", returnCode, status: status.code, note: status.note ?? null })
  }).pipe(
    Effect.scoped,
    Effect.catchAll((message) =>
      Effect.zipRight(emitStages, Effect.sync(() => emit({ _tag: "Failed", message: `zxsim: ${message}` })))
    ),
    Effect.withTracer(StageTracer.make(stages))
  )
}

const encoder = new TextEncoder()
