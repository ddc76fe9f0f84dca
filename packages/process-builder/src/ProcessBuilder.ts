/**
 * `ProcessBuilder`: Fuchsia's `process_builder` as an Effect library. Collect an executable, a
 * loader, arguments, environment, handles and namespace entries, then `build` a process for it —
 * address space, ELF images, vDSO, stack, bootstrap messages — ready to `start`.
 *
 * A builder is a scoped object rather than an immutable value: it owns kernel handles (the new
 * process, its thread and root VMAR, every handle passed in), and handles are linear resources —
 * two copies of a builder would both believe they own them. So its operations are Effects on the
 * builder, each handle handed to it moves into the builder's scope, and `build` consumes it: on
 * success its resources move into the {@link BuiltProcess}, on failure they are all released
 * (the unstarted process dies and takes its address space with it).
 *
 * @since 0.1.0
 */
import * as Elf64Headers from "@zxsim/elf/Elf64Headers"
import { SegmentType } from "@zxsim/elf/ElfConstants"
import * as ElfLoad from "@zxsim/elf/ElfLoad"
import * as Ldsvc from "@zxsim/fidl/Ldsvc"
import * as Loader from "@zxsim/fidl/Loader"
import * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import type { ObjectTypeName } from "@zxsim/kernel/ObjectType"
import { Rights } from "@zxsim/kernel/Rights"
import { pageEnd, VmOption } from "@zxsim/kernel/VmOptions"
import type { ZxError } from "@zxsim/kernel/ZxError"
import * as CString from "@zxsim/processargs/CString"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import type { HandleType } from "@zxsim/processargs/HandleType"
import * as Message from "@zxsim/processargs/Message"
import type { MessageContents, StartupHandle } from "@zxsim/processargs/MessageContents"
import * as ProcessargsError from "@zxsim/processargs/ProcessargsError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import { dual } from "effect/Function"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import type { BuiltProcess } from "./BuiltProcess.js"
import { stage } from "./internal/stage.js"
import * as Errors from "./ProcessBuilderError.js"
import type { ProcessBuilderError } from "./ProcessBuilderError.js"

/** Span options for stages: no stack capture, which would cost more than many stages themselves. */
const NO_STACK = { captureStackTrace: false } as const

/**
 * The stack a static executable gets when its PT_GNU_STACK asks for none: 256 KiB.
 *
 * @since 0.1.0
 * @category constants
 */
export const ZIRCON_DEFAULT_STACK_SIZE = 256 << 10
/**
 * Stack the dynamic linker and C library start-up need besides the bootstrap message (musl's
 * PTHREAD_STACK_MIN): enough that small messages fit the linker's stack in one page.
 *
 * @since 0.1.0
 * @category constants
 */
export const PTHREAD_STACK_MIN = 3072
/**
 * How long the builder waits for the loader to hand over the dynamic linker.
 *
 * @since 0.1.0
 * @category constants
 */
export const LDSO_LOAD_TIMEOUT: Duration.Duration = Duration.seconds(30)
/** Bytes of one handle value as the guest reads it (`zx_handle_t`). */
const HANDLE_SIZE = 4

/**
 * A directory to put in the new process's namespace at `path`.
 *
 * @since 0.1.0
 * @category models
 */
export interface NamespaceEntry {
  /** Where the directory appears, such as "/data". No interior NUL. */
  readonly path: string | CString.CString
  /** A client channel of the fuchsia.io directory. */
  readonly directory: Handle.Channel
}

/**
 * What {@link make} needs.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProcessBuilderOptions {
  /** The process's name (truncated to 31 bytes by the kernel). */
  readonly name: string
  /** The job to create the process in. Only used here; the builder does not keep it. */
  readonly job: Handle.Job
  /** The ELF executable, with READ and EXECUTE rights. Moves into the builder. */
  readonly executable: Handle.Vmo
  /** The system vDSO, used unless another is set. Moves into the builder. */
  readonly systemVdso: Handle.Vmo
  /** `process.create` options (0, as the crate's callers pass). */
  readonly options?: number
}

/**
 * Identifies {@link ProcessBuilder} values.
 *
 * @since 0.1.0
 * @category symbols
 */
export const TypeId: unique symbol = Symbol.for("@zxsim/process-builder/ProcessBuilder")
/**
 * The type of {@link TypeId}.
 *
 * @since 0.1.0
 * @category models
 */
export type TypeId = typeof TypeId

/**
 * A process being put together; see the module documentation.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProcessBuilder {
  readonly [TypeId]: TypeId
  /** The new process (created by {@link make}). */
  readonly process: Handle.Process
  /** Its initial thread, not yet started. */
  readonly thread: Handle.Thread
  /** Its root VMAR. */
  readonly rootVmar: Handle.Vmar
}

interface Contents {
  args: Array<CString.CString>
  environmentVars: Array<CString.CString>
  namespacePaths: Array<CString.CString>
  handles: Array<StartupHandle>
}

class Builder implements ProcessBuilder {
  readonly [TypeId]: TypeId = TypeId
  loader: Handle.Channel | null = null
  nonDefaultVdso: Handle.Vmo | null = null
  minStackSize = 0
  consumed = false
  /** A lower bound of the bytes the arguments and variables take in the main message. */
  stringBytes = 0
  readonly contents: Contents = { args: [], environmentVars: [], namespacePaths: [], handles: [] }

  constructor(
    readonly kernel: Kernel.KernelShape,
    /** The scope the builder's handles live in. */
    readonly scope: Scope.CloseableScope,
    public executable: Handle.Vmo | null,
    public systemVdso: Handle.Vmo | null,
    readonly process: Handle.Process,
    readonly thread: Handle.Thread,
    readonly rootVmar: Handle.Vmar
  ) {}
}

const impl = (builder: ProcessBuilder): Builder => builder as Builder

/** Runs a kernel call inside the builder's scope (so the handles it makes belong to the builder). */
const inBuilder = <A, E>(builder: Builder, effect: Effect.Effect<A, E, Scope.Scope>) =>
  Scope.extend(effect, builder.scope)

/** Moves a caller's handle into the builder's scope; a dead handle is refused with `reason`. */
const adopt = <T extends ObjectTypeName>(
  builder: Builder,
  handle: Handle.Handle<T>,
  reason: string
): Effect.Effect<Handle.Handle<T>, Errors.BadHandle> =>
  Handle.isLive(handle)
    ? inBuilder(builder, builder.kernel.handle.move(handle)).pipe(
      Effect.mapError(() => new Errors.BadHandle({ reason }))
    )
    : Effect.fail(new Errors.BadHandle({ reason }))

const toCStrings = (
  values: ReadonlyArray<string | CString.CString>,
  what: string
): Either.Either<Array<CString.CString>, Errors.InvalidArg> => {
  // A plain loop: inputs of any length (a million arguments) are checked without deep stacks.
  const out: Array<CString.CString> = new Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (typeof value === "string") {
      const converted = CString.fromString(value)
      if (Either.isLeft(converted)) {
        return Either.left(
          new Errors.InvalidArg({ reason: `${what} ${i} contains an interior NUL: ${JSON.stringify(value)}` })
        )
      }
      out[i] = converted.right
    } else if (CString.isValid(value)) {
      out[i] = value
    } else {
      return Either.left(new Errors.InvalidArg({ reason: `${what} ${i} contains an interior NUL` }))
    }
  }
  return Either.right(out)
}

/** Appends `items` to `target` one by one (a spread of a long array overflows the call stack). */
const appendAll = <A>(target: Array<A>, items: ReadonlyArray<A>): void => {
  for (let i = 0; i < items.length; i++) target.push(items[i])
}

/**
 * Checks, before anything is converted, that `values` can still fit the main bootstrap message
 * beside what the builder holds: each takes at least its UTF-16 length in UTF-8 bytes (every code
 * unit encodes to at least one byte) plus its NUL, and the message holds 64 KiB. Past that the
 * build could only fail with `SizeTooLarge`, so it fails now, in time linear in the count: a
 * million arguments are refused in milliseconds rather than converted one by one. Returns the new
 * lower bound.
 */
const reserveStringBytes = (
  builder: Builder,
  values: ReadonlyArray<string | CString.CString>
): Either.Either<number, Errors.ProcessArgs> => {
  let bytes = builder.stringBytes
  for (let i = 0; i < values.length; i++) {
    bytes += values[i].length + 1
    if (bytes + Message.HEADER_SIZE > Message.MAX_MESSAGE_BYTES) {
      // Count the rest too, so the error says how far over the limit the request is.
      for (let j = i + 1; j < values.length; j++) bytes += values[j].length + 1
      return Either.left(
        new Errors.ProcessArgs({ cause: new ProcessargsError.SizeTooLarge({ size: bytes + Message.HEADER_SIZE }) })
      )
    }
  }
  return Either.right(bytes)
}

/** Appends a duplicate of `handle` to `handles` as `type` arg 0 (DuplicateHandle on failure). */
const addDuplicate = (
  kernel: Kernel.KernelShape,
  handles: Array<StartupHandle>,
  handle: Handle.Handle,
  type: HandleType
): Effect.Effect<void, Errors.DuplicateHandle, Scope.Scope> =>
  kernel.handle.duplicate(handle, Rights.SAME_RIGHTS).pipe(
    Effect.mapError((cause) => new Errors.DuplicateHandle({ handleType: type, status: cause.status, cause })),
    Effect.map((dup) => {
      handles.push({ handle: dup, info: HandleInfo.fromType(type) })
    })
  )

/**
 * Creates a builder for a process named `name` in `job` running `executable`. The process and its
 * initial thread are created at once, so a caller whose job policy forbids creating processes
 * fails fast (CreateProcess with ACCESS_DENIED). Duplicates of the process, thread and root VMAR
 * handles go into the main bootstrap message. The executable is not parsed until `build`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: ProcessBuilderOptions
): Effect.Effect<ProcessBuilder, ProcessBuilderError, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    if (!Handle.isLive(options.job)) return yield* new Errors.BadHandle({ reason: "Invalid job handle" })
    if (!Handle.isLive(options.executable)) return yield* new Errors.BadHandle({ reason: "Invalid executable handle" })
    const scope = yield* Scope.fork(yield* Effect.scope, ExecutionStrategy.sequential)
    return yield* Effect.gen(function*() {
      const executable = yield* kernel.handle.move(options.executable).pipe(
        Effect.mapError(() => new Errors.BadHandle({ reason: "Invalid executable handle" }))
      )
      // The crate does not check the system vDSO here (a dead one fails when build loads it).
      const systemVdso = Handle.isLive(options.systemVdso)
        ? yield* kernel.handle.move(options.systemVdso).pipe(
          Effect.mapError(() => new Errors.BadHandle({ reason: "Invalid vDSO handle" }))
        )
        : null
      const { process, rootVmar } = yield* kernel.process.create(options.job, options.name, options.options ?? 0).pipe(
        Effect.mapError((cause) => new Errors.CreateProcess({ status: cause.status, cause }))
      )
      const thread = yield* kernel.thread.create(process, "initial-thread").pipe(
        Effect.mapError((cause) => new Errors.CreateThread({ status: cause.status, cause }))
      )
      const builder = new Builder(kernel, scope, executable, systemVdso, process, thread, rootVmar)
      yield* addDuplicate(kernel, builder.contents.handles, process, "ProcessSelf")
      yield* addDuplicate(kernel, builder.contents.handles, thread, "ThreadSelf")
      yield* addDuplicate(kernel, builder.contents.handles, rootVmar, "RootVmar")
      return builder as ProcessBuilder
    }).pipe(
      Scope.extend(scope),
      Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause)))
    )
  }).pipe(stage("ProcessBuilder.make", { ...NO_STACK, attributes: { name: options.name } }))

const refuseConsumed = (builder: Builder) =>
  builder.consumed
    ? Effect.fail(new Errors.InvalidArg({ reason: "ProcessBuilder has already been built" }))
    : Effect.void

/**
 * Sets the `fuchsia.ldsvc.Loader` client the builder fetches the dynamic linker from, and that the
 * dynamic linker then uses. Required for an executable with PT_INTERP, unused otherwise. A loader
 * set before is closed.
 *
 * @since 0.1.0
 * @category utils
 */
export const setLoaderService: {
  (loader: Handle.Channel): (builder: ProcessBuilder) => Effect.Effect<void, ProcessBuilderError>
  (builder: ProcessBuilder, loader: Handle.Channel): Effect.Effect<void, ProcessBuilderError>
} = dual(2, (self: ProcessBuilder, loader: Handle.Channel) =>
  Effect.gen(function*() {
    const builder = impl(self)
    yield* refuseConsumed(builder)
    const adopted = yield* adopt(builder, loader, "Invalid loader service handle")
    const previous = builder.loader
    builder.loader = adopted
    if (previous !== null) yield* Effect.ignore(builder.kernel.handle.close(previous))
  }))

/**
 * Sets the vDSO to load instead of the system one. A vDSO set before is closed.
 *
 * @since 0.1.0
 * @category utils
 */
export const setVdsoVmo: {
  (vdso: Handle.Vmo): (builder: ProcessBuilder) => Effect.Effect<void, ProcessBuilderError>
  (builder: ProcessBuilder, vdso: Handle.Vmo): Effect.Effect<void, ProcessBuilderError>
} = dual(2, (self: ProcessBuilder, vdso: Handle.Vmo) =>
  Effect.gen(function*() {
    const builder = impl(self)
    yield* refuseConsumed(builder)
    const adopted = yield* adopt(builder, vdso, "Invalid vDSO handle")
    const previous = builder.nonDefaultVdso
    builder.nonDefaultVdso = adopted
    if (previous !== null) yield* Effect.ignore(builder.kernel.handle.close(previous))
  }))

/**
 * Appends arguments (argv) for the main message. A string with an interior NUL is InvalidArg.
 *
 * @since 0.1.0
 * @category utils
 */
export const addArguments: {
  (args: ReadonlyArray<string | CString.CString>): (builder: ProcessBuilder) => Effect.Effect<void, ProcessBuilderError>
  (builder: ProcessBuilder, args: ReadonlyArray<string | CString.CString>): Effect.Effect<void, ProcessBuilderError>
} = dual(2, (self: ProcessBuilder, args: ReadonlyArray<string | CString.CString>) =>
  Effect.gen(function*() {
    const builder = impl(self)
    yield* refuseConsumed(builder)
    const bytes = yield* reserveStringBytes(builder, args)
    appendAll(builder.contents.args, yield* toCStrings(args, "Argument"))
    builder.stringBytes = bytes
  }))

/**
 * Appends environment variables (`NAME=VALUE` by convention). A string with an interior NUL is InvalidArg.
 *
 * @since 0.1.0
 * @category utils
 */
export const addEnvironmentVariables: {
  (vars: ReadonlyArray<string | CString.CString>): (builder: ProcessBuilder) => Effect.Effect<void, ProcessBuilderError>
  (builder: ProcessBuilder, vars: ReadonlyArray<string | CString.CString>): Effect.Effect<void, ProcessBuilderError>
} = dual(2, (self: ProcessBuilder, vars: ReadonlyArray<string | CString.CString>) =>
  Effect.gen(function*() {
    const builder = impl(self)
    yield* refuseConsumed(builder)
    const bytes = yield* reserveStringBytes(builder, vars)
    appendAll(builder.contents.environmentVars, yield* toCStrings(vars, "Environment variable"))
    builder.stringBytes = bytes
  }))

/**
 * Sets the least stack size (bytes) the initial thread gets, whatever the ELF file asks for.
 *
 * @since 0.1.0
 * @category utils
 */
export const setMinStackSize: {
  (size: number): (builder: ProcessBuilder) => Effect.Effect<void, ProcessBuilderError>
  (builder: ProcessBuilder, size: number): Effect.Effect<void, ProcessBuilderError>
} = dual(2, (self: ProcessBuilder, size: number) =>
  Effect.gen(function*() {
    const builder = impl(self)
    yield* refuseConsumed(builder)
    if (!Number.isSafeInteger(size) || size < 0) {
      return yield* new Errors.InvalidArg({ reason: `Invalid minimum stack size ${size}` })
    }
    builder.minStackSize = size
  }))

/** Handle types the builder adds itself, which `addHandles` refuses. */
const AUTOMATIC: ReadonlySet<HandleType> = new Set<HandleType>([
  "ProcessSelf",
  "ThreadSelf",
  "RootVmar",
  "LoadedVmar",
  "StackVmo",
  "ExecutableVmo"
])

/**
 * Adds startup handles to the main message. Every entry is checked before any is added: a dead
 * handle is BadHandle; a NamespaceDirectory (use {@link addNamespaceEntries}) or a type the
 * builder adds itself (process, thread, root VMAR, loaded VMAR, stack, executable) is InvalidArg.
 * Then an `LdsvcLoader` goes to {@link setLoaderService}, a `VdsoVmo` with argument 0 to
 * {@link setVdsoVmo}, and everything else (including extra vDSOs) is appended in order.
 *
 * @since 0.1.0
 * @category utils
 */
export const addHandles: {
  (handles: ReadonlyArray<StartupHandle>): (builder: ProcessBuilder) => Effect.Effect<void, ProcessBuilderError>
  (builder: ProcessBuilder, handles: ReadonlyArray<StartupHandle>): Effect.Effect<void, ProcessBuilderError>
} = dual(2, (self: ProcessBuilder, handles: ReadonlyArray<StartupHandle>) =>
  Effect.gen(function*() {
    const builder = impl(self)
    yield* refuseConsumed(builder)
    for (const h of handles) {
      if (!Handle.isLive(h.handle)) return yield* new Errors.BadHandle({ reason: "Invalid handle in startup handles" })
      const type = h.info.type
      if (type === "NamespaceDirectory") {
        return yield* new Errors.InvalidArg({
          reason: "Cannot add NamespaceDirectory handles directly, use addNamespaceEntries"
        })
      }
      if (AUTOMATIC.has(type)) {
        return yield* new Errors.InvalidArg({
          reason: `Cannot add a ${type} handle directly, it will be automatically added`
        })
      }
    }
    if (new Set(handles.map((h) => h.handle)).size !== handles.length) {
      return yield* new Errors.BadHandle({ reason: "Invalid handle in startup handles" })
    }
    for (const h of handles) {
      if (h.info.type === "LdsvcLoader") {
        const channel = Handle.narrow(h.handle, "CHANNEL")
        if (channel === undefined) {
          return yield* new Errors.InvalidArg({ reason: "An LdsvcLoader handle must be a channel" })
        }
        yield* setLoaderService(builder, channel)
      } else if (h.info.type === "VdsoVmo" && h.info.arg === 0) {
        const vmo = Handle.narrow(h.handle, "VMO")
        if (vmo === undefined) return yield* new Errors.InvalidArg({ reason: "A VdsoVmo handle must be a VMO" })
        yield* setVdsoVmo(builder, vmo)
      } else {
        const adopted = yield* adopt(builder, h.handle, "Invalid handle in startup handles")
        builder.contents.handles.push({ handle: adopted, info: h.info })
      }
    }
  }))

/**
 * Adds directories to the namespace: each path goes to the namespace table and its directory to
 * the main message as a NamespaceDirectory handle whose argument is the path's index. The table
 * holds at most 65,535 paths (the argument is 16 bits): beyond that InvalidArg, before anything is
 * added; a dead directory handle is BadHandle, also before anything is added.
 *
 * @since 0.1.0
 * @category utils
 */
export const addNamespaceEntries: {
  (entries: ReadonlyArray<NamespaceEntry>): (builder: ProcessBuilder) => Effect.Effect<void, ProcessBuilderError>
  (builder: ProcessBuilder, entries: ReadonlyArray<NamespaceEntry>): Effect.Effect<void, ProcessBuilderError>
} = dual(2, (self: ProcessBuilder, entries: ReadonlyArray<NamespaceEntry>) =>
  Effect.gen(function*() {
    const builder = impl(self)
    yield* refuseConsumed(builder)
    const index = builder.contents.namespacePaths.length
    if (entries.length > 0xffff) return yield* new Errors.InvalidArg({ reason: "Too many namespace entries" })
    if (index + entries.length > 0xffff) {
      return yield* new Errors.InvalidArg({ reason: "Can't add namespace entries, limit reached" })
    }
    for (const entry of entries) {
      if (!Handle.isLive(entry.directory)) {
        return yield* new Errors.BadHandle({ reason: "Invalid handle in namespace entry" })
      }
    }
    const paths = yield* toCStrings(entries.map((e) => e.path), "Namespace path")
    for (let i = 0; i < entries.length; i++) {
      const directory = yield* adopt(builder, entries[i].directory, "Invalid handle in namespace entry")
      builder.contents.namespacePaths.push(paths[i])
      builder.contents.handles.push({ handle: directory, info: HandleInfo.unsafeMake("NamespaceDirectory", index + i) })
    }
  }))

/**
 * The stack the dynamic linker needs for its bootstrap message: the message's size plus room to
 * read its handles, plus {@link PTHREAD_STACK_MIN}, rounded up to a page. `extraHandles` counts
 * handles not yet in `contents` (the builder passes 1 for the stack VMO it has yet to make).
 *
 * @since 0.1.0
 * @category utils
 */
export const calculateInitialLinkerStackSize = (
  contents: Pick<MessageContents, "args" | "environmentVars" | "namespacePaths" | "handles">,
  extraHandles: number
): Either.Either<number, Errors.ProcessArgs> => {
  const placeholder = HandleInfo.fromType("User0")
  const withExtra = {
    args: contents.args,
    environmentVars: contents.environmentVars,
    namespacePaths: contents.namespacePaths,
    handleInfos: [...contents.handles.map((h) => h.info), ...Array.from({ length: extraHandles }, () => placeholder)]
  }
  return Either.map(
    Either.mapLeft(Message.calculateSize(withExtra), (cause) => new Errors.ProcessArgs({ cause })),
    (size) => pageEnd(size + withExtra.handleInfos.length * HANDLE_SIZE + PTHREAD_STACK_MIN)
  )
}

/**
 * The initial stack pointer for a stack block at `base` of `size` bytes: its top, aligned down to
 * 16 bytes as the RISC-V (and AArch64) ABI asks. x86-64's extra 8-byte offset does not apply here.
 *
 * @since 0.1.0
 * @category utils
 */
export const computeInitialStackPointer = (base: number, size: number): number => {
  const top = base + size
  return top - (top % 16)
}

/** Arguments the dynamic linker gets: only argv[0], for its messages. */
const linkerArguments = (args: ReadonlyArray<CString.CString>) => args.slice(0, 1)

const LD_PREFIXES = ["LD_DEBUG=", "LD_TRACE="].map((p) => new TextEncoder().encode(p))

/** Environment the dynamic linker gets: only `LD_DEBUG=` and `LD_TRACE=` entries, in order. */
const linkerEnvironment = (vars: ReadonlyArray<CString.CString>) =>
  vars.filter((v) => LD_PREFIXES.some((prefix) => prefix.every((b, i) => v[i] === b)))

const hex = (n: number) => `0x${n.toString(16)}`

/**
 * Builds the process: parses the executable; for a dynamically linked one reserves the low half of
 * the address space, fetches the dynamic linker through the loader (30 s limit), loads it and
 * writes its bootstrap message; for a static one loads the executable itself; loads the vDSO;
 * sizes, creates and maps the stack; writes the main bootstrap message; releases the reservation.
 * The builder is consumed: on success its process, thread and root VMAR move into the result (in
 * the current scope); on failure everything it held is released.
 *
 * @since 0.1.0
 * @category utils
 */
export const build = (self: ProcessBuilder): Effect.Effect<BuiltProcess, ProcessBuilderError, Scope.Scope> =>
  Effect.gen(function*() {
    const builder = impl(self)
    yield* refuseConsumed(builder)
    builder.consumed = true
    const outer = yield* Effect.scope
    const stages = yield* Scope.fork(builder.scope, ExecutionStrategy.sequential)
    // The stages use the kernel the builder was made with and their own scope, provided together
    // (each provide costs about as much as a kernel call).
    const exit = yield* Effect.exit(
      Effect.provide(
        buildStages(builder, outer),
        Context.make(Kernel.Kernel, builder.kernel).pipe(Context.add(Scope.Scope, stages))
      )
    )
    yield* Scope.close(stages, exit)
    if (Exit.isFailure(exit)) yield* Scope.close(builder.scope, exit)
    return yield* exit
  }).pipe(stage("ProcessBuilder.build", NO_STACK))

/** The stages of {@link build}, run in a scope of their own that is closed when they end. */
const buildStages = (builder: Builder, outer: Scope.Scope) =>
  Effect.gen(function*() {
    const kernel = builder.kernel
    const contents = builder.contents
    const executable = builder.executable!

    const headers = yield* Elf64Headers.fromVmo(executable).pipe(
      Effect.mapError((cause) => new Errors.ElfParse({ cause })),
      stage("ProcessBuilder.parseHeaders", NO_STACK)
    )
    const [bootstrapRead, bootstrapWrite] = yield* kernel.channel.create().pipe(
      Effect.mapError((cause) =>
        new Errors.GenericStatus({ reason: "Failed to create bootstrap channel", status: cause.status, cause })
      )
    )
    const interp = yield* Either.mapLeft(headers.programHeaderWithType(SegmentType.INTERP), (cause) =>
      new Errors.ElfParse({ cause }))

    let loaded: ElfLoad.LoadedElf
    let reservation: { readonly vmar: Handle.Vmar; readonly state: { destroyed: boolean } } | null = null
    const dynamic = Option.isSome(interp)
    if (Option.isSome(interp)) {
      const loader = builder.loader
      if (loader === null) {
        return yield* new Errors.LoaderMissing()
      }
      builder.loader = null
      // A libc with sanitizer support may want the low half of the address space for shadow
      // memory, so nothing the builder maps may land there. The reservation must exist before
      // any image is loaded; it is destroyed before build returns (or released on failure).
      reservation = yield* reserveLowAddressSpace(kernel, builder.rootVmar)
      const linker = yield* fetchDynamicLinker(kernel, loader, executable, interp.value)
      const linkerHeaders = yield* Elf64Headers.fromVmo(linker).pipe(
        Effect.mapError((cause) =>
          new Errors.ElfParse({ cause })
        ),
        stage("ProcessBuilder.parseLinkerHeaders", NO_STACK)
      )
      loaded = yield* ElfLoad.loadElf(linker, linkerHeaders, builder.rootVmar).pipe(
        Effect.mapError((cause) => new Errors.ElfLoad({ cause })),
        stage("ProcessBuilder.loadLinker", NO_STACK)
      )
      // The linker's own message goes first: it reads it before handing the main one to the program.
      builder.executable = null
      const linkerHandles: Array<StartupHandle> = [
        { handle: loader, info: HandleInfo.fromType("LdsvcLoader") },
        { handle: executable, info: HandleInfo.fromType("ExecutableVmo") },
        { handle: loaded.vmar, info: HandleInfo.fromType("LoadedVmar") }
      ]
      yield* addDuplicate(kernel, linkerHandles, builder.process, "ProcessSelf")
      yield* addDuplicate(kernel, linkerHandles, builder.rootVmar, "RootVmar")
      yield* writeMessage(kernel, bootstrapWrite, {
        args: linkerArguments(contents.args),
        environmentVars: linkerEnvironment(contents.environmentVars),
        namespacePaths: [],
        handles: linkerHandles
      }).pipe(stage("ProcessBuilder.writeLinkerMessage", NO_STACK))
    } else {
      loaded = yield* ElfLoad.loadElf(executable, headers, builder.rootVmar).pipe(
        Effect.mapError((cause) => new Errors.ElfLoad({ cause })),
        stage("ProcessBuilder.loadElf", NO_STACK)
      )
      contents.handles.push({ handle: loaded.vmar, info: HandleInfo.fromType("LoadedVmar") })
    }

    const vdsoBase = yield* loadVdso(builder)

    let stackSize: number
    let stackName: string
    if (dynamic) {
      stackSize = yield* calculateInitialLinkerStackSize(contents, 1)
      stackName = `stack: msg of ${hex(stackSize)}`
    } else {
      const gnuStack = yield* Either.mapLeft(headers.programHeaderWithType(SegmentType.GNU_STACK), (cause) =>
        new Errors.ElfParse({ cause }))
      const explicit = Option.isSome(gnuStack) && gnuStack.value.memsz > 0
      stackSize = pageEnd(explicit ? gnuStack.value.memsz : ZIRCON_DEFAULT_STACK_SIZE)
      stackName = `stack: ${explicit ? "explicit" : "default"} ${hex(stackSize)}`
    }
    // The name keeps the size the ELF file or the message asked for, as the crate's does.
    if (stackSize < builder.minStackSize) {
      stackSize = pageEnd(builder.minStackSize)
    }
    const stack = yield* createStack(kernel, builder.rootVmar, stackSize, stackName, contents)

    yield* writeMessage(kernel, bootstrapWrite, contents).pipe(stage("ProcessBuilder.writeMainMessage", NO_STACK))

    // Destroyed explicitly, so a built process never has half its address space reserved.
    if (reservation !== null) {
      yield* kernel.vmar.destroy(reservation.vmar).pipe(
        Effect.mapError((cause) =>
          new Errors.DestroyReservationVMAR({ status: cause.status, cause })
        ),
        stage("ProcessBuilder.destroyReservation", NO_STACK)
      )
      reservation.state.destroyed = true
    }

    // Hand the results to the caller's scope; everything else goes with the stages' scope. If a
    // handover fails, what was already handed over is closed again so nothing outlives the failure.
    const handed: Array<Handle.Handle> = []
    const move = <T extends ObjectTypeName>(handle: Handle.Handle<T>) =>
      kernel.handle.move(handle).pipe(
        Effect.tap((moved) => Effect.sync(() => handed.push(moved))),
        Effect.mapError((cause) =>
          new Errors.Internal({ reason: "Failed to hand over a built process handle", detail: cause.message })
        )
      )
    // One Scope.extend for all the moves: each provide of a scope costs as much as a kernel call.
    return yield* Effect.gen(function*() {
      const built: BuiltProcess = {
        process: yield* move(builder.process),
        rootVmar: yield* move(builder.rootVmar),
        thread: yield* move(builder.thread),
        entry: loaded.entry,
        stack: stack.pointer,
        stackBase: stack.base,
        stackVmo: yield* move(stack.vmo),
        bootstrap: yield* move(bootstrapRead),
        vdsoBase,
        elfBase: loaded.vmarBase,
        elfHeaders: headers
      }
      return built
    }).pipe(
      Scope.extend(outer),
      Effect.onError(() => Effect.forEach(handed, (h) => Effect.ignore(kernel.handle.close(h)), { discard: true }))
    )
  })

/**
 * Reserves the lower half of the whole address space (not just of the root VMAR) with a VMAR
 * nothing can be mapped into, so the loader's mappings land in the upper half. A VMAR's range stays
 * reserved until it is destroyed, so the release destroys it (closing its handle would not).
 */
const reserveLowAddressSpace = (kernel: Kernel.KernelShape, rootVmar: Handle.Vmar) =>
  Effect.gen(function*() {
    const info = yield* kernel.vmar.info(rootVmar).pipe(
      Effect.mapError((cause) =>
        new Errors.GenericStatus({ reason: "Failed to get VMAR info", status: cause.status, cause })
      )
    )
    const size = pageEnd(Math.floor((info.base + info.len) / 2)) - info.base
    if (size <= 0) return null
    const state = { destroyed: false }
    const reservation = yield* Effect.acquireRelease(
      kernel.vmar.allocate(rootVmar, VmOption.SPECIFIC, 0, size).pipe(
        Effect.mapError((cause) =>
          new Errors.GenericStatus({ reason: "Failed to allocate reservation VMAR", status: cause.status, cause })
        )
      ),
      ({ vmar }) => (state.destroyed ? Effect.void : Effect.ignore(kernel.vmar.destroy(vmar)))
    )
    if (reservation.base !== info.base) {
      return yield* new Errors.Internal({
        reason: "Reservation VMAR allocated at wrong address",
        detail: `${hex(reservation.base)} instead of ${hex(info.base)}`
      })
    }
    return { vmar: reservation.vmar, state }
  }).pipe(stage("ProcessBuilder.reserveLowAddressSpace", NO_STACK))

/** Reads the PT_INTERP name and asks the loader for it (30 s limit). */
const fetchDynamicLinker = (
  kernel: Kernel.KernelShape,
  loader: Handle.Channel,
  executable: Handle.Vmo,
  interp: Elf64Headers.Elf64ProgramHeader
) =>
  Effect.gen(function*() {
    // The name goes to the loader as a `string:1024`: a longer one is refused before it is read,
    // so a PT_INTERP claiming megabytes costs nothing.
    if (interp.filesz > Ldsvc.MAX_NAME_LENGTH + 1) {
      return yield* new Errors.InvalidInterpHeader({
        reason: `PT_INTERP of ${interp.filesz} bytes: the name is longer than ${Ldsvc.MAX_NAME_LENGTH} bytes`
      })
    }
    const bytes = yield* kernel.vmo.read(executable, interp.offset, interp.filesz).pipe(
      Effect.mapError((cause) =>
        new Errors.GenericStatus({ reason: "Failed to read from VMO", status: cause.status, cause })
      )
    )
    if (bytes.length === 0 || bytes[bytes.length - 1] !== 0) {
      return yield* new Errors.InvalidInterpHeader({ reason: "Missing null terminator" })
    }
    let name: string
    try {
      name = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, bytes.length - 1))
    } catch {
      return yield* new Errors.InvalidInterpHeader({ reason: "Invalid UTF8" })
    }
    const result = yield* Loader.callLoadObject(loader, name).pipe(
      Effect.mapError((cause) => new Errors.LoadDynamicLinker({ cause })),
      Effect.timeoutFail({ duration: LDSO_LOAD_TIMEOUT, onTimeout: () => new Errors.LoadDynamicLinkerTimeout() })
    )
    if (result.rv !== 0) {
      yield* Effect.forEach(Option.toArray(result.object), (vmo) => Effect.ignore(kernel.handle.close(vmo)))
      return yield* new Errors.GenericStatus({
        reason: "Failed to load dynamic linker from fuchsia.ldsvc.Loader",
        status: result.rv
      })
    }
    if (Option.isNone(result.object)) {
      return yield* new Errors.GenericStatus({ reason: "load_object status was OK but no VMO", status: -1 })
    }
    return result.object.value
  }).pipe(stage("ProcessBuilder.fetchDynamicLinker", NO_STACK))

/** Loads the vDSO (the one set, else the system one; the other is closed) and adds it as VdsoVmo 0. */
const loadVdso = (builder: Builder) =>
  Effect.gen(function*() {
    const kernel = builder.kernel
    const vdso = builder.nonDefaultVdso ?? builder.systemVdso
    const unused = builder.nonDefaultVdso === null ? null : builder.systemVdso
    builder.nonDefaultVdso = null
    builder.systemVdso = null
    if (unused !== null) yield* Effect.ignore(kernel.handle.close(unused))
    if (vdso === null) return yield* new Errors.BadHandle({ reason: "Invalid vDSO handle" })
    const headers = yield* Elf64Headers.fromVmo(vdso).pipe(Effect.mapError((cause) => new Errors.ElfParse({ cause })))
    const loaded = yield* ElfLoad.loadElf(vdso, headers, builder.rootVmar).pipe(
      Effect.mapError((cause) => new Errors.ElfLoad({ cause }))
    )
    builder.contents.handles.push({ handle: vdso, info: HandleInfo.fromType("VdsoVmo") })
    return loaded.vmarBase
  }).pipe(stage("ProcessBuilder.loadVdso", NO_STACK))

/**
 * Creates the initial thread's stack VMO (named after its sizing), maps it read/write anywhere in
 * the root VMAR, and adds a duplicate to the main message as StackVmo: the process is promised
 * that this VMO is exactly its initial stack, so its size and the initial SP give the bounds.
 */
const createStack = (
  kernel: Kernel.KernelShape,
  rootVmar: Handle.Vmar,
  size: number,
  name: string,
  contents: Contents
) =>
  Effect.gen(function*() {
    const generic = (reason: string) => (cause: ZxError) =>
      new Errors.GenericStatus({ reason, status: cause.status, cause })
    const vmo = yield* kernel.vmo.create(size).pipe(
      Effect.mapError(generic("Failed to create VMO for initial thread stack"))
    )
    yield* kernel.object.setName(vmo, name).pipe(Effect.mapError(generic("Failed to set stack VMO name")))
    const base = yield* kernel.vmar.map(rootVmar, VmOption.PERM_READ | VmOption.PERM_WRITE, 0, vmo, 0, size).pipe(
      Effect.mapError(generic("Failed to map initial stack"))
    )
    const dup = yield* kernel.handle.duplicate(vmo, Rights.SAME_RIGHTS).pipe(
      Effect.mapError(generic("Failed to duplicate initial stack"))
    )
    contents.handles.push({ handle: dup, info: HandleInfo.fromType("StackVmo") })
    return { vmo, base, pointer: computeInitialStackPointer(base, size) }
  }).pipe(stage("ProcessBuilder.createStack", { ...NO_STACK, attributes: { size } }))

/** Builds a bootstrap message and writes it; its handles move into the channel. */
const writeMessage = (kernel: Kernel.KernelShape, channel: Handle.Channel, contents: MessageContents) =>
  Effect.gen(function*() {
    const message = yield* Either.mapLeft(Message.build(contents), (cause) => new Errors.ProcessArgs({ cause }))
    yield* Message.write(message, channel).pipe(
      Effect.mapError((cause) => new Errors.WriteBootstrapMessage({ status: cause.status, cause }))
    )
  })
