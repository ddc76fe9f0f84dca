/**
 * The messages between the playground page and its Web Worker, as schemas: the page sends
 * {@link Command}s (run a program, type input, end the input, stop the program) and the worker
 * answers with {@link Event}s (output, the build's stages, the address space, the bootstrap
 * messages, CPU statistics, the exit). Both sides decode what they receive, so a message of the
 * wrong shape is reported instead of trusted.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Which CPU a program runs on: the WebAssembly JIT or the reference interpreter.
 *
 * @since 0.1.0
 * @category models
 */
export const CpuName = Schema.Literal("jit", "interpreter")

/**
 * A {@link CpuName} value.
 *
 * @since 0.1.0
 * @category models
 */
export type CpuName = typeof CpuName.Type

/**
 * The program to run: one of the guests packaged in `@zxsim/guest`, by name, or an ELF file the
 * user opened, with its bytes.
 *
 * @since 0.1.0
 * @category models
 */
export const Program = Schema.Union(
  Schema.TaggedStruct("Packaged", { name: Schema.String }),
  Schema.TaggedStruct("Uploaded", { name: Schema.String, bytes: Schema.Uint8ArrayFromSelf })
)

/**
 * A {@link Program} value.
 *
 * @since 0.1.0
 * @category models
 */
export type Program = typeof Program.Type

/**
 * What the page asks of the worker.
 *
 * @since 0.1.0
 * @category models
 */
export const Command = Schema.Union(
  Schema.TaggedStruct("Run", {
    program: Program,
    args: Schema.Array(Schema.String),
    /** `KEY=VALUE` strings. */
    env: Schema.Array(Schema.String),
    cpu: CpuName
  }),
  /** Bytes for the running program's stdin. */
  Schema.TaggedStruct("Input", { bytes: Schema.Uint8ArrayFromSelf }),
  /** The end of the running program's stdin (its reads then see end of file). */
  Schema.TaggedStruct("EndOfInput", {}),
  /** Kill the running program (`task_kill`). */
  Schema.TaggedStruct("Kill", {})
)

/**
 * A {@link Command} value.
 *
 * @since 0.1.0
 * @category models
 */
export type Command = typeof Command.Type

/**
 * One span of the run: a build stage or a step around it, with its nesting depth, its start
 * relative to the first span's, and its duration (null while it is still open).
 *
 * @since 0.1.0
 * @category models
 */
export const Stage = Schema.Struct({
  name: Schema.String,
  depth: Schema.Number,
  startMs: Schema.Number,
  durationMs: Schema.NullOr(Schema.Number),
  ok: Schema.Boolean
})

/**
 * A {@link Stage} value.
 *
 * @since 0.1.0
 * @category models
 */
export type Stage = typeof Stage.Type

/**
 * One entry of the address-space map, as the kernel's `vmar.regions` lists it (and `zxsim vmaps`
 * prints it): a VMAR, or a mapping of a VMO with its permissions and name.
 *
 * @since 0.1.0
 * @category models
 */
export const Region = Schema.Union(
  Schema.TaggedStruct("Vmar", {
    base: Schema.Number,
    size: Schema.Number,
    depth: Schema.Number,
    koid: Schema.Number,
    canMap: Schema.Number
  }),
  Schema.TaggedStruct("Mapping", {
    base: Schema.Number,
    size: Schema.Number,
    depth: Schema.Number,
    perms: Schema.Number,
    vmoKoid: Schema.Number,
    vmoName: Schema.String,
    vmoOffset: Schema.Number,
    committedPages: Schema.Number
  })
)

/**
 * A {@link Region} value.
 *
 * @since 0.1.0
 * @category models
 */
export type Region = typeof Region.Type

/**
 * One handle of a bootstrap message: its processargs type (`PA_PROC_SELF`, `PA_FD`, …) and
 * argument, as the message's handle info says, and the type of the kernel object it refers to.
 *
 * @since 0.1.0
 * @category models
 */
export const BootstrapHandle = Schema.Struct({
  /** The HandleType name (`ProcessSelf`, `FileDescriptor`, …). */
  type: Schema.String,
  /** The C name (`PA_PROC_SELF`, `PA_FD`, …). */
  cName: Schema.String,
  arg: Schema.Number,
  /** The kernel object's type (`PROCESS`, `VMAR`, `SOCKET`, …). */
  object: Schema.String
})

/**
 * A {@link BootstrapHandle} value.
 *
 * @since 0.1.0
 * @category models
 */
export type BootstrapHandle = typeof BootstrapHandle.Type

/**
 * A bootstrap (processargs) message as the builder wrote it, decoded from its bytes: for the
 * dynamic linker or for the program.
 *
 * @since 0.1.0
 * @category models
 */
export const BootstrapMessage = Schema.Struct({
  recipient: Schema.Literal("dynamic linker", "program"),
  bytes: Schema.Number,
  args: Schema.Array(Schema.String),
  environment: Schema.Array(Schema.String),
  namespace: Schema.Array(Schema.String),
  handles: Schema.Array(BootstrapHandle)
})

/**
 * A {@link BootstrapMessage} value.
 *
 * @since 0.1.0
 * @category models
 */
export type BootstrapMessage = typeof BootstrapMessage.Type

/**
 * What the worker reports.
 *
 * @since 0.1.0
 * @category models
 */
export const Event = Schema.Union(
  /** The worker is ready for commands. */
  Schema.TaggedStruct("Ready", {}),
  /** Bytes the program wrote, or a crash report (on stderr). */
  Schema.TaggedStruct("Output", { stream: Schema.Literal("stdout", "stderr"), bytes: Schema.Uint8ArrayFromSelf }),
  /** The spans so far. */
  Schema.TaggedStruct("Stages", { stages: Schema.Array(Stage) }),
  /** The built process's address space, before it starts. */
  Schema.TaggedStruct("AddressSpace", {
    root: Schema.Struct({ base: Schema.Number, size: Schema.Number }),
    regions: Schema.Array(Region),
    /** The same map as `zxsim vmaps` prints it. */
    text: Schema.String,
    entry: Schema.Number,
    stack: Schema.Number,
    vdsoBase: Schema.Number,
    elfBase: Schema.Number
  }),
  /** The bootstrap messages the builder wrote, decoded. */
  Schema.TaggedStruct("Bootstrap", { messages: Schema.Array(BootstrapMessage) }),
  /** The CPU's counters since the run started, and the time that took. */
  Schema.TaggedStruct("Stats", {
    instructions: Schema.Number,
    compiledInstructions: Schema.Number,
    syscalls: Schema.Number,
    elapsedMs: Schema.Number
  }),
  /** The program ended: its return code, the exit status `zxsim run` would give, and why it was killed. */
  Schema.TaggedStruct("Exited", {
    returnCode: Schema.BigIntFromSelf,
    status: Schema.Number,
    note: Schema.NullOr(Schema.String)
  }),
  /** The program could not be built or started (not a RISC-V ELF executable, a build error). */
  Schema.TaggedStruct("Failed", { message: Schema.String })
)

/**
 * An {@link Event} value.
 *
 * @since 0.1.0
 * @category models
 */
export type Event = typeof Event.Type

/**
 * Decodes a message received by the page.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeEvent = Schema.decodeUnknownEither(Event)

/**
 * Decodes a message received by the worker.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeCommand = Schema.decodeUnknownEither(Command)
