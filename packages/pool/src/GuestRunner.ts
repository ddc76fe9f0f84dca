/**
 * `GuestRunner`: the service that runs a {@link GuestRun.RunGuest} request and answers with its
 * {@link GuestRun.RunResult}. Three layers provide it: {@link layer} runs guests in this thread on
 * kernels of its own (the reference the others are compared with, and what each pool worker runs
 * inside), `GuestPool.layer` spreads them over worker threads, and `GuestCluster.layerClient`
 * over the runner processes of a cluster. A program written against the tag runs on any of them.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Guests from "@zxsim/guest/Guests"
import { Cpu } from "@zxsim/kernel/Cpu"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as GuestRun from "./GuestRun.js"
import { ExecutableCache } from "./internal/executables.js"
import { Meter } from "./internal/meter.js"
import { type Image, runGuest } from "./internal/runGuest.js"

/**
 * What a guest runner does.
 *
 * @since 0.1.0
 * @category models
 */
export interface GuestRunnerShape {
  /**
   * Runs one guest to its end (or to a limit) and reports what it did. Fails only when the run
   * could not be carried out at all (a lost worker, an unreachable fleet); a guest that crashes,
   * hangs or cannot be built is a result.
   */
  readonly run: (request: GuestRun.RunGuest) => Effect.Effect<GuestRun.RunResult, GuestRun.RunFailed>
}

/**
 * The guest runner's tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class GuestRunner extends Context.Tag("@zxsim/pool/GuestRunner")<GuestRunner, GuestRunnerShape>() {}

/**
 * How an in-process runner sets up its kernels.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Physical memory of each kernel (bytes VMOs may commit); the kernel's default (1 GiB) when absent. */
  readonly memoryBytes?: number
}

/** One kernel on one metered CPU, running one guest at a time. */
interface Slot {
  readonly kernel: Kernel.KernelShape
  readonly meter: Meter
  /** The programs run on the kernel, kept so that their compiled code serves their next runs. */
  readonly executables: ExecutableCache
  readonly lock: Effect.Semaphore
  readonly baseline: Kernel.KernelStats
}

/**
 * What a kernel of an in-process runner holds now, beside what it held when it was made.
 *
 * @since 0.1.0
 * @category models
 */
export interface KernelCheck {
  readonly baseline: Kernel.KernelStats
  readonly now: Kernel.KernelStats
}

/**
 * The in-process runner: a guest runner whose kernels can be inspected.
 *
 * @since 0.1.0
 * @category models
 */
export interface InProcessRunner extends GuestRunnerShape {
  /**
   * The objects and handles the kernel of `cpu` holds between runs, beside those it held when it
   * was made (which it makes now if it has not yet), so a test can prove runs leave nothing behind.
   */
  readonly kernelCheck: (cpu: GuestRun.CpuKind) => Effect.Effect<KernelCheck>
}

/**
 * A runner on this thread: one kernel per CPU kind, made when first asked for and kept while the
 * scope lasts (so the JIT's translations and the kernel's caches serve later runs), each running
 * one guest at a time so that the instruction count and crash report are that guest's. Prebuilt
 * programs are read once through `FileSystem`; mounted host directories are served through it and `Path`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<InProcessRunner, never, FileSystem.FileSystem | Path.Path | Scope.Scope> =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const slot = (cpu: GuestRun.CpuKind) =>
      Effect.gen(function*() {
        const meter = new Meter(cpu === "jit" ? RiscvJit.make() : RiscvInterpreter.make())
        const kernel = yield* Kernel.make(options.memoryBytes === undefined ? {} : { memoryBytes: options.memoryBytes })
          .pipe(
            Effect.provideService(Cpu, meter.cpu),
            Scope.extend(scope)
          )
        const executables = new ExecutableCache(kernel)
        // Before the kernel goes (finalizers run last added first).
        yield* Scope.addFinalizer(scope, executables.clear)
        return {
          kernel,
          meter,
          executables,
          lock: yield* Effect.makeSemaphore(1),
          baseline: yield* kernel.stats
        } satisfies Slot
      })
    const slots: Record<GuestRun.CpuKind, Effect.Effect<Slot>> = {
      jit: yield* Effect.cached(slot("jit")),
      interpreter: yield* Effect.cached(slot("interpreter"))
    }
    const files = new Map<string, Uint8Array>()
    const readFile = (path: string) =>
      Effect.suspend(() => {
        const cached = files.get(path)
        if (cached !== undefined) return Effect.succeed(cached)
        return Effect.tap(fs.readFile(path), (bytes) => Effect.sync(() => files.set(path, bytes)))
      })
    const binLibraries = yield* Effect.cached(
      Effect.map(
        Effect.forEach(Guests.libraryNames, (name) =>
          Effect.map(readFile(Guests.libraryPath(name)), (bytes) => [name, bytes] as const)),
        (entries): Readonly<Record<string, Uint8Array>> =>
          Object.fromEntries(entries)
      )
    )
    const image = (program: GuestRun.Program): Effect.Effect<Image, GuestRun.NotStarted> =>
      program._tag === "ElfProgram"
        ? Effect.succeed({ bytes: program.bytes, libraries: program.libraries })
        : Effect.gen(function*() {
          const bytes = yield* readFile(Guests.path(program.name))
          const libraries = Guests.guest(program.name).kind === "dynamic" ? yield* binLibraries : undefined
          return { bytes, libraries }
        }).pipe(Effect.mapError((e) =>
          new GuestRun.NotStarted({ reason: `reading the prebuilt program ${program.name}: ${e.message}` })
        ))
    const result = (request: GuestRun.RunGuest, outcome: GuestRun.Outcome) =>
      new GuestRun.RunResult({
        outcome,
        stdout: new Uint8Array(0),
        stderr: new Uint8Array(0),
        instructions: 0,
        cpu: request.cpu,
        ...GuestRun.echoRequestId(request)
      })
    return {
      run: (request) =>
        Effect.gen(function*() {
          const found = yield* Effect.either(image(request.program))
          if (found._tag === "Left") return result(request, found.left)
          const { executables, kernel, lock, meter } = yield* slots[request.cpu]
          return yield* lock.withPermits(1)(runGuest(kernel, meter, request, found.right, executables)).pipe(
            Effect.provideService(FileSystem.FileSystem, fs),
            Effect.provideService(Path.Path, path)
          )
        }).pipe(
          Effect.withSpan("GuestRunner.run", {
            attributes: { program: GuestRun.programName(request.program), cpu: request.cpu }
          })
        ),
      kernelCheck: (cpu) =>
        Effect.flatMap(slots[cpu], ({ baseline, executables, kernel, lock }) =>
          lock.withPermits(1)(
            // The programs kept for later runs are the runner's, not a run's: dropped first.
            Effect.zipRight(executables.clear, Effect.map(kernel.stats, (now) => ({ baseline, now })))
          ))
    }
  })

/**
 * The in-process runner as a layer (its kernels live as long as the layer).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<GuestRunner, never, FileSystem.FileSystem | Path.Path> = Layer.scoped(
  GuestRunner,
  make()
)

/**
 * {@link layer} with options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options: Options): Layer.Layer<GuestRunner, never, FileSystem.FileSystem | Path.Path> =>
  Layer.scoped(GuestRunner, make(options))

/**
 * Runs one request on the runner in the context.
 *
 * @since 0.1.0
 * @category utils
 */
export const run = (request: GuestRun.RunGuest): Effect.Effect<GuestRun.RunResult, GuestRun.RunFailed, GuestRunner> =>
  Effect.flatMap(GuestRunner, (runner) => runner.run(request))
