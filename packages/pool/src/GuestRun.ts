/**
 * A guest run as data: what to run (a prebuilt program by name, or ELF bytes), with which
 * arguments, environment, stdin, CPU and limits, and what came of it (how it ended, its output,
 * the instructions it retired). Every shape is a `Schema`, so a request crosses a thread (the
 * worker pool), a process boundary or a database row (the cluster) checked on both sides, and
 * every encoded form is plain JSON (bytes as base64, return codes as decimal strings).
 *
 * @since 0.1.0
 */
import * as Guests from "@zxsim/guest/Guests"
import * as Schema from "effect/Schema"

/**
 * Bytes as base64 text: what a JSON row or a structured clone carries alike.
 *
 * @since 0.1.0
 * @category utils
 */
export const Bytes: Schema.Schema<Uint8Array, string> = Schema.Uint8ArrayFromBase64

/**
 * The CPU a guest runs on: the WebAssembly JIT (the default) or the reference interpreter.
 *
 * @since 0.1.0
 * @category utils
 */
export const CpuKind = Schema.Literal("jit", "interpreter")

/**
 * The type of {@link CpuKind}.
 *
 * @since 0.1.0
 * @category models
 */
export type CpuKind = typeof CpuKind.Type

/**
 * A prebuilt program of `@zxsim/guest`, by name; dynamically linked ones get a loader serving its bin/ directory.
 *
 * @since 0.1.0
 * @category models
 */
export class NamedProgram extends Schema.TaggedClass<NamedProgram>()("NamedProgram", {
  name: Schema.Literal(...Guests.names)
}) {}

/**
 * An ELF executable given as bytes. `name` is the process name and the first argument;
 * `libraries`, when given, are what the loader serves (the dynamic linker `ld.so.1` and the
 * shared libraries) to a program with PT_INTERP; without them such a program fails to build.
 *
 * @since 0.1.0
 * @category models
 */
export class ElfProgram extends Schema.TaggedClass<ElfProgram>()("ElfProgram", {
  name: Schema.String,
  bytes: Bytes,
  libraries: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Bytes }), { exact: true })
}) {}

/**
 * What to run.
 *
 * @since 0.1.0
 * @category utils
 */
export const Program = Schema.Union(NamedProgram, ElfProgram)

/**
 * The type of {@link Program}.
 *
 * @since 0.1.0
 * @category models
 */
export type Program = typeof Program.Type

/**
 * An absolute guest path such as `/data`: a `/` and one or more names, none of them empty, `.`
 * or `..`, and no NUL (the process builder checks the rest, such as two mounts at one path).
 */
const GuestPath = Schema.String.pipe(
  Schema.filter((path) =>
    path.startsWith("/") && path.length > 1 && !path.includes("\0") &&
      path.slice(1).split("/").every((name) => name !== "" && name !== "." && name !== "..")
      ? undefined
      : `a guest path is absolute, with no empty, "." or ".." names: ${JSON.stringify(path)}`
  ),
  Schema.annotations({
    arbitrary: () => (fc) =>
      fc.array(fc.stringMatching(/^[a-z0-9_.-]{1,12}$/).filter((name) => name !== "." && name !== ".."), {
        minLength: 1,
        maxLength: 4
      }).map((names) => `/${names.join("/")}`)
  })
)

/**
 * A host directory put in the guest's namespace at `guestPath`, served over fuchsia.io by the
 * kernel that runs the guest (`HostDirectory` of `@zxsim/fidl`), read-write unless `readOnly`.
 * `hostPath` is a path on the machine that runs the guest: the worker thread's (the pool's) or the
 * runner process's (the cluster's), so a fleet needs the directory on every runner's machine. A
 * runner serves whatever directory a request names, with its own file access: requests are
 * trusted as much as whoever can submit them.
 *
 * @since 0.1.0
 * @category models
 */
export class Mount extends Schema.Class<Mount>("Mount")({
  hostPath: Schema.NonEmptyString,
  guestPath: GuestPath,
  readOnly: Schema.optionalWith(Schema.Boolean, { default: () => false })
}) {}

const PositiveInt = Schema.Int.pipe(Schema.positive())
const Count = Schema.NonNegativeInt

/**
 * The deadline a run gets when its request names none: one minute of wall-clock time.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_DEADLINE_MILLIS = 60_000

/**
 * The stdout and stderr bytes a run may produce together when its request names no limit: 16 MiB.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_OUTPUT_BYTES = 16 * 1024 * 1024

/**
 * Limits of one run. Past any of them the guest is killed and the run reports which limit ended
 * it. `instructions` counts every thread of the process; absent means no limit. The deadline is
 * wall-clock time from the process's start.
 *
 * @since 0.1.0
 * @category models
 */
export class Limits extends Schema.Class<Limits>("Limits")({
  instructions: Schema.optionalWith(PositiveInt, { exact: true }),
  deadlineMillis: Schema.optionalWith(PositiveInt, { default: () => DEFAULT_DEADLINE_MILLIS }),
  outputBytes: Schema.optionalWith(PositiveInt, { default: () => DEFAULT_OUTPUT_BYTES })
}) {}

/**
 * A CPU exception that killed a guest: its kind, the pc and the faulting address (or the instruction bits).
 *
 * @since 0.1.0
 * @category models
 */
export class ExceptionReport extends Schema.Class<ExceptionReport>("ExceptionReport")({
  kind: Schema.Literal(
    "illegal-instruction",
    "breakpoint",
    "fetch-page-fault",
    "load-page-fault",
    "store-page-fault",
    "fetch-access-fault",
    "load-access-fault",
    "store-access-fault",
    "fetch-misaligned",
    "load-misaligned",
    "store-misaligned"
  ),
  pc: Count,
  address: Count
}) {}

/**
 * The guest exited by itself (`zx_process_exit`) with `returnCode`.
 *
 * @since 0.1.0
 * @category models
 */
export class Exited extends Schema.TaggedClass<Exited>()("Exited", {
  returnCode: Schema.BigInt
}) {}

/**
 * The kernel killed the guest: `returnCode` is Zircon's kill code (`EXCEPTION_KILL` for a fault,
 * an illegal instruction or a syscall from outside the vDSO; `POLICY_KILL`, `OOM_KILL`, …), and
 * `exception` the CPU exception behind it when there was one.
 *
 * @since 0.1.0
 * @category models
 */
export class Killed extends Schema.TaggedClass<Killed>()("Killed", {
  returnCode: Schema.BigInt,
  exception: Schema.OptionFromNullOr(ExceptionReport)
}) {}

/**
 * The guest was killed once its threads had retired `limit` instructions.
 *
 * @since 0.1.0
 * @category models
 */
export class InstructionLimit extends Schema.TaggedClass<InstructionLimit>()("InstructionLimit", {
  limit: PositiveInt
}) {}

/**
 * The guest's stdout and stderr together passed `limit` bytes: the output holds the first `limit`
 * and the rest was dropped; a guest still running then was killed.
 *
 * @since 0.1.0
 * @category models
 */
export class OutputLimit extends Schema.TaggedClass<OutputLimit>()("OutputLimit", {
  limit: PositiveInt
}) {}

/**
 * The guest was still running at its deadline and was killed. `workerReplaced`: its worker did
 * not answer either, so the pool stopped that worker and started another (the output is lost).
 *
 * @since 0.1.0
 * @category models
 */
export class DeadlineExceeded extends Schema.TaggedClass<DeadlineExceeded>()("DeadlineExceeded", {
  deadlineMillis: PositiveInt,
  workerReplaced: Schema.Boolean
}) {}

/**
 * No process ran: the ELF was refused or the builder failed (`reason` says which stage, with the status).
 *
 * @since 0.1.0
 * @category models
 */
export class NotStarted extends Schema.TaggedClass<NotStarted>()("NotStarted", {
  reason: Schema.String
}) {}

/**
 * How a run ended.
 *
 * @since 0.1.0
 * @category utils
 */
export const Outcome = Schema.Union(Exited, Killed, InstructionLimit, OutputLimit, DeadlineExceeded, NotStarted)

/**
 * The type of {@link Outcome}.
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = typeof Outcome.Type

/**
 * A caller's name for one run: 1 to 256 characters of its choosing (a counter, a UUID, a test
 * case's title). The run's {@link RunResult} or {@link RunFailed} carries it back, so a caller
 * that has many runs in flight matches each answer to its request without relying on order.
 * Runners do not interpret it or require it to be unique.
 *
 * @since 0.1.0
 * @category utils
 */
export const RequestId = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256))

/**
 * What came of a run: how it ended, its output, the instructions its threads retired, and the
 * request's {@link RequestId} when it had one.
 *
 * @since 0.1.0
 * @category models
 */
export class RunResult extends Schema.Class<RunResult>("RunResult")({
  outcome: Outcome,
  stdout: Bytes,
  stderr: Bytes,
  instructions: Count,
  cpu: CpuKind,
  requestId: Schema.optionalWith(RequestId, { exact: true })
}) {}

/**
 * A run that could not be carried out for a reason outside the guest: the worker running it
 * died (`WorkerLost`), no worker could be started (`Unavailable`), the fleet could not deliver
 * it (`Cluster`), or the runner running it stopped and the run, having effects outside its
 * kernel, is not started again (`Interrupted`). The guest's own failures are outcomes, never this.
 *
 * @since 0.1.0
 * @category errors
 */
export class RunFailed extends Schema.TaggedError<RunFailed>()("RunFailed", {
  reason: Schema.Literal("WorkerLost", "Unavailable", "Cluster", "Interrupted"),
  message: Schema.String,
  /** The failed request's {@link RequestId}, when it had one. */
  requestId: Schema.optionalWith(RequestId, { exact: true })
}) {}

/**
 * A request to run one guest: the worker protocol's message and the cluster entity's. `stdin`,
 * when given, is handed over as PA_FD 0 (fed as the guest reads, then closed); without it the
 * guest has no PA_FD 0. stdout and stderr are always PA_FD 1 and 2. `mounts` are the guest's
 * namespace (none by default); a mount that cannot be served makes the run {@link NotStarted}.
 * `requestId`, when given, comes back in the run's result or failure (see {@link RequestId}).
 *
 * @since 0.1.0
 * @category models
 */
export class RunGuest extends Schema.TaggedRequest<RunGuest>()("RunGuest", {
  success: RunResult,
  failure: RunFailed,
  payload: {
    program: Program,
    args: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
    env: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
    stdin: Schema.optionalWith(Bytes, { exact: true }),
    mounts: Schema.optionalWith(Schema.Array(Mount), { default: () => [] }),
    cpu: Schema.optionalWith(CpuKind, { default: () => "jit" as const }),
    limits: Schema.optionalWith(Limits, { default: () => Limits.make({}) }),
    requestId: Schema.optionalWith(RequestId, { exact: true })
  }
}) {}

/**
 * A request for the prebuilt program `name` with `options` (arguments, environment, stdin, CPU, limits).
 *
 * @since 0.1.0
 * @category utils
 */
export const named = (
  name: Guests.Name,
  options: Omit<ConstructorParameters<typeof RunGuest>[0], "program"> = {}
): RunGuest => new RunGuest({ ...options, program: new NamedProgram({ name }) })

/**
 * The fields that carry `request`'s {@link RequestId} into its result or failure: `{ requestId }`
 * when it has one, nothing otherwise (spread it into a `RunResult` or `RunFailed`).
 *
 * @since 0.1.0
 * @category utils
 */
export const echoRequestId = (request: RunGuest): { readonly requestId?: string } =>
  request.requestId === undefined ? {} : { requestId: request.requestId }

/**
 * The program's name: the process name and its first argument.
 *
 * @since 0.1.0
 * @category utils
 */
export const programName = (program: Program): string => program.name
