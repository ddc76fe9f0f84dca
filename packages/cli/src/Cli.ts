/**
 * The `zxsim` command: `run` a RISC-V program on the embedded kernel and CPU, `readelf` to print
 * an ELF file's headers, `vmaps` to build a process without starting it and print its address
 * space. Each command's handler returns the exit status the command should end with.
 *
 * @since 0.1.0
 */
import { Args, Command, HelpDoc, Options, ValidationError } from "@effect/cli"
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import type * as Terminal from "@effect/platform/Terminal"
import type * as Cpu from "@zxsim/kernel/Cpu"
import * as Kernel from "@zxsim/kernel/Kernel"
import type * as EffectConsole from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import * as Inspect from "./Inspect.js"
import * as Run from "./Run.js"
import * as StageTracer from "./StageTracer.js"

/**
 * Where the command writes (the guest's output and its own diagnostics) and reads the guest's input from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Console {
  readonly stdout: (bytes: Uint8Array) => Effect.Effect<void>
  readonly stderr: (bytes: Uint8Array) => Effect.Effect<void>
  /** The guest's stdin for `run` (its end is the guest's end of file). */
  readonly stdin: Stream.Stream<Uint8Array>
  /** Which of stdin, stdout and stderr are terminals (none when absent). */
  readonly terminals?: { readonly stdin: boolean; readonly stdout: boolean; readonly stderr: boolean }
}

/**
 * What the command needs from its host: a console and the CPU layers guests may run on.
 *
 * @since 0.1.0
 * @category models
 */
export interface Environment {
  readonly console: Console
  /** The CPUs `run --cpu NAME` chooses from, by name; the first is the default. */
  readonly cpus: readonly [
    readonly [string, Layer.Layer<Cpu.Cpu>],
    ...ReadonlyArray<readonly [string, Layer.Layer<Cpu.Cpu>]>
  ]
  /** Whether help and errors may use ANSI colour (a terminal without `NO_COLOR`); plain when absent. */
  readonly color?: boolean | undefined
}

const encoder = new TextEncoder()
const line = (console: Console, text: string) => console.stderr(encoder.encode(`${text}\n`))

const elfArg = Args.text({ name: "elf" }).pipe(
  Args.withDescription("the RISC-V 64 ELF executable: a path, or the name of a guest packaged in @zxsim/guest (hello)")
)
const guestArgs = Args.text({ name: "args" }).pipe(
  Args.repeated,
  Args.withDescription("arguments for the program (argv[1..]); after --, arguments that look like options pass through")
)
/** `KEY=VALUE`, with a non-empty key: anything else is refused as the command line's error. */
const envOption = Options.text("env").pipe(
  Options.repeated,
  Options.withDefault([]),
  Options.mapEffect((entries) => {
    const bad = entries.find((entry) => entry.indexOf("=") <= 0)
    return bad === undefined
      ? Effect.succeed(entries)
      : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--env ${bad}: expected KEY=VALUE`)))
  }),
  Options.withDescription("an environment variable KEY=VALUE for the program (repeatable)")
)
const loaderDirOption = Options.text("loader-dir").pipe(
  Options.withPseudoName("directory"),
  Options.optional,
  Options.withDescription("serve fuchsia.ldsvc.Loader from this directory (for programs with PT_INTERP); it must exist")
)

/** The CPU layer called `name`, else the environment's default (the first). */
const cpuNamed = (env: Environment, name: string): Layer.Layer<Cpu.Cpu> =>
  (env.cpus.find(([n]) => n === name) ?? env.cpus[0])[1]

/** Runs `body` (a kernel user) on a fresh kernel with `cpu`, recording spans into `stages`. */
const onKernel = <A, E, R>(cpu: Layer.Layer<Cpu.Cpu>, stages: Array<StageTracer.Stage>, body: Effect.Effect<A, E, R>) =>
  Effect.scoped(body).pipe(
    Effect.provide(Kernel.layer.pipe(Layer.provide(cpu))),
    Effect.withTracer(StageTracer.make(stages))
  )

/** Prints a CliError (or any failure) on one line and answers exit status 1. */
const reportFailure = (env: Environment) => (error: Run.CliError) =>
  Effect.as(line(env.console, `zxsim: ${error.message}`), 1)

const runCommand = (env: Environment) =>
  Command.make(
    "run",
    {
      elf: elfArg,
      args: guestArgs,
      env: envOption,
      loaderDir: loaderDirOption,
      mount: Options.text("mount").pipe(
        Options.repeated,
        Options.withDescription(
          "serve the host directory HOST_DIR at GUEST_PATH in the program's namespace: HOST_DIR:GUEST_PATH[:ro] (repeatable)"
        )
      ),
      cwd: Options.text("cwd").pipe(
        Options.optional,
        Options.withDescription("the program's current directory (a guest path)")
      ),
      stack: Options.text("stack").pipe(
        Options.optional,
        Options.withDescription(
          "the least stack size of the initial thread, such as 8M (default: the ELF file's PT_GNU_STACK, else 256K)"
        )
      ),
      trace: Options.boolean("trace").pipe(Options.withDescription("print the build stages with their durations")),
      stats: Options.boolean("stats").pipe(
        Options.withDescription("print instructions, syscalls and time per stage when the program exits")
      ),
      cpu: Options.choice("cpu", env.cpus.map(([name]) => name)).pipe(
        Options.withDefault(env.cpus[0][0]),
        Options.withDescription(`the CPU to run on (default ${env.cpus[0][0]})`)
      )
    },
    (input) =>
      Effect.gen(function*() {
        const stages: Array<StageTracer.Stage> = []
        const started = performance.now()
        const result = yield* onKernel(
          cpuNamed(env, input.cpu),
          stages,
          Effect.gen(function*() {
            yield* Run.checkLoaderDir(input.loaderDir)
            const mounts = yield* Effect.forEach(input.mount, (spec) =>
              Either.match(Run.parseMount(spec), {
                onLeft: (message) => new Run.CliError({ message }),
                onRight: Effect.succeed
              }))
            const stackSize = yield* Option.match(input.stack, {
              onNone: () => Effect.succeed(Option.none<number>()),
              onSome: (text) =>
                Either.match(Run.parseSize(text), {
                  onLeft: (message) => new Run.CliError({ message }),
                  onRight: (n) => Effect.succeed(Option.some(n))
                })
            })
            const code = yield* Run.run(
              {
                elf: input.elf,
                args: input.args,
                env: input.env,
                loaderDir: input.loaderDir,
                mounts,
                cwd: input.cwd,
                stackSize,
                ...(env.console.terminals === undefined ? {} : { terminals: env.console.terminals })
              },
              env.console
            )
            const kernel = yield* Kernel.Kernel
            return { code, execution: yield* kernel.executionStats }
          })
        )
        const elapsed = performance.now() - started
        if (input.trace || input.stats) {
          yield* line(
            env.console,
            StageTracer.format(stages.filter((s) => s.name !== "zxsim.run"))
          )
        }
        if (input.stats) {
          const cpu = result.execution.cpu
          const instructions = cpu?.instructions ?? 0
          yield* line(
            env.console,
            [
              `instructions: ${instructions}`,
              `syscalls: ${result.execution.syscalls}`,
              `slices: ${result.execution.slices}`,
              `wall time: ${elapsed.toFixed(1)} ms`,
              `instructions per second: ${(instructions / (elapsed / 1000)).toExponential(3)}`
            ].join("\n")
          )
        }
        const status = Run.exitStatus(result.code)
        if (status.note !== undefined) yield* line(env.console, `zxsim: ${input.elf}: ${status.note}`)
        return status.code
      }).pipe(Effect.catchTag("CliError", reportFailure(env)))
  ).pipe(Command.withDescription("run a RISC-V 64 program on the simulated kernel and exit with its return code"))

const readelfCommand = (env: Environment) =>
  Command.make("readelf", { elf: elfArg }, (input) =>
    Effect.gen(function*() {
      const bytes = yield* Run.readElf(yield* Run.locate(input.elf))
      const text = yield* Effect.mapError(Inspect.readelf(bytes), (e) =>
        new Run.CliError({ message: `${input.elf}: ${e.message}` }))
      yield* env.console.stdout(encoder.encode(`${text}\n`))
      return 0
    }).pipe(Effect.catchTag("CliError", reportFailure(env)))).pipe(
      Command.withDescription("print the headers of any ELF64 file")
    )

const vmapsCommand = (env: Environment) =>
  Command.make(
    "vmaps",
    { elf: elfArg, args: guestArgs, env: envOption, loaderDir: loaderDirOption },
    (input) =>
      Effect.gen(function*() {
        const text = yield* onKernel(
          env.cpus[0][1],
          [],
          Effect.gen(function*() {
            const kernel = yield* Kernel.Kernel
            yield* Run.checkLoaderDir(input.loaderDir)
            const { built } = yield* Run.prepare({
              elf: input.elf,
              args: input.args,
              env: input.env,
              loaderDir: input.loaderDir
            })
            const info = yield* kernel.vmar.info(built.rootVmar).pipe(
              Effect.mapError((e) => new Run.CliError({ message: e.message }))
            )
            const regions = yield* kernel.vmar.regions(built.rootVmar).pipe(
              Effect.mapError((e) => new Run.CliError({ message: e.message }))
            )
            return [
              Inspect.vmaps({ base: info.base, len: info.len }, regions),
              `entry ${hex(built.entry)}  stack pointer ${hex(built.stack)}  vDSO ${hex(built.vdsoBase)}  image ${
                hex(built.elfBase)
              }`
            ].join("\n")
          })
        )
        yield* env.console.stdout(encoder.encode(`${text}\n`))
        return 0
      }).pipe(Effect.catchTag("CliError", reportFailure(env)))
  ).pipe(
    Command.withDescription("build a process for an ELF file without starting it and print its address space")
  )

const hex = (n: number) => `0x${n.toString(16)}`

/**
 * The command tree.
 *
 * @since 0.1.0
 * @category utils
 */
export const command = (env: Environment) =>
  Command.make("zxsim").pipe(
    Command.withDescription("Fuchsia's process_builder on a simulated Zircon kernel running RISC-V 64 programs"),
    Command.withSubcommands([runCommand(env), readelfCommand(env), vmapsCommand(env)])
  )

/**
 * The exit status of a command line the parser refused (it has printed why, with the usage).
 *
 * @since 0.1.0
 * @category constants
 */
export const USAGE_ERROR = 2

const ANSI_SGR = new RegExp(`${String.fromCharCode(0x1b)}\\[[0-9;]*m`, "g")

/**
 * The text @effect/cli prints, as this command prints it: without colour unless `color`, and with
 * usage lines naming the command (`$ zxsim run …` where the library writes `$ run …`).
 *
 * @since 0.1.0
 * @category utils
 */
export const presentHelp = (text: string, color: boolean): string =>
  (color ? text : text.replace(ANSI_SGR, "")).replace(/^\$ (?!zxsim\b)/gm, "$ zxsim ")

/**
 * Effect's console with @effect/cli's output presented by {@link presentHelp} (its errors prefixed
 * `zxsim: `); `log` goes to `error` if `toError`.
 */
const helpConsole = (base: EffectConsole.Console, color: boolean, toError: boolean): EffectConsole.Console => {
  const shape = (args: ReadonlyArray<unknown>) => args.map((a) => typeof a === "string" ? presentHelp(a, color) : a)
  return {
    ...base,
    log: (...args) => toError ? base.error(...shape(args)) : base.log(...shape(args)),
    // The parser's complaints, one per line, named like the command's own errors.
    error: (...args) =>
      base.error(
        ...shape(args).map((a) => typeof a === "string" ? a.trim().replace(/^(?!zxsim: )/, "zxsim: ") : a)
      )
  }
}

/**
 * The options each subcommand takes, by name: `true` for one that takes a value (the next
 * argument, or after `=`), `false` for a flag. @effect/cli's built-in options come with every one.
 */
const knownOptions: Readonly<Record<string, Readonly<Record<string, boolean>>>> = {
  run: { env: true, "loader-dir": true, mount: true, cwd: true, stack: true, cpu: true, trace: false, stats: false },
  vmaps: { env: true, "loader-dir": true },
  readelf: {}
}
const builtInOptions: Readonly<Record<string, boolean>> = {
  help: false,
  h: false,
  version: false,
  wizard: false,
  completions: true,
  "log-level": true
}

/**
 * The first unknown option before a subcommand's program (its first positional argument), if any.
 * @effect/cli would take such an option as the program itself (`zxsim run --nope hello` would run
 * a file called `--nope`); after the program, arguments that look like options are the program's
 * own (`zxsim run cat -c`), and after `--` everything is.
 */
const unknownOptionBeforeProgram = (argv: ReadonlyArray<string>): string | undefined => {
  const options = knownOptions[argv[2] ?? ""]
  if (options === undefined) return undefined
  for (let i = 3; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--" || !arg.startsWith("-") || arg === "-") return undefined
    const name = arg.replace(/^--?/, "").split("=")[0]!
    const takesValue = options[name] ?? builtInOptions[name]
    if (takesValue === undefined) return arg
    if (takesValue && !arg.includes("=")) i++
  }
  return undefined
}

/**
 * Parses `argv` (as `process.argv`: node and script first) and runs the command; the result is
 * the exit status ({@link USAGE_ERROR} for a command line that does not parse, and for no command
 * at all, which prints the help on stderr). Help and errors are coloured only if the environment
 * says so (`color`: a terminal, and no `NO_COLOR`).
 *
 * @since 0.1.0
 * @category utils
 */
export const main = (env: Environment) =>
(
  argv: ReadonlyArray<string>
): Effect.Effect<
  number,
  unknown,
  FileSystem.FileSystem | Path.Path | Terminal.Terminal | CommandExecutor.CommandExecutor
> => {
  const bare = argv.length <= 2
  const unknown = unknownOptionBeforeProgram(argv)
  if (unknown !== undefined) {
    return Effect.as(
      line(
        env.console,
        `zxsim: unknown option ${unknown} (see zxsim ${
          argv[2]
        } --help; the program's own options go after it, or after --)`
      ),
      USAGE_ERROR
    )
  }
  const cli = Command.run(command(env), { name: "zxsim", version: "0.1.0" })(bare ? [...argv, "--help"] : argv).pipe(
    Effect.map((code) => (bare ? USAGE_ERROR : typeof code === "number" ? code : 0)),
    Effect.catchIf(ValidationError.isValidationError, () => Effect.succeed(USAGE_ERROR))
  )
  return Effect.consoleWith((base) => Effect.withConsole(cli, helpConsole(base, env.color === true, bare)))
}
