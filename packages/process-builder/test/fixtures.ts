/**
 * Shared fixtures for the builder's tests: sample executables from the ELF writer, a loader served
 * on a real kernel channel from an in-memory map, and builders set up as the seed's helpers do.
 */
import { assert } from "@effect/vitest"
import * as ElfWriter from "@zxsim/elf/ElfWriter"
import * as Loader from "@zxsim/fidl/Loader"
import type { Cpu } from "@zxsim/kernel/Cpu"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as Message from "@zxsim/processargs/Message"
import type { MessageData } from "@zxsim/processargs/MessageContents"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"

/** The seed's test util path, used as the process name (34 bytes: the kernel truncates it). */
export const TEST_UTIL_BIN = "/pkg/bin/process_builder_test_util"

/** A dynamically linked executable (PT_INTERP "ld.so.1"). */
export const dynamicExecutable = (options: ElfWriter.SampleOptions = {}) =>
  ElfWriter.write(ElfWriter.dynamicExecutable(options))
/** A static PIE. */
export const staticExecutable = (options: ElfWriter.SampleOptions = {}) => ElfWriter.write(ElfWriter.staticPie(options))
/** What the in-memory loader serves: a dynamic linker image under the name PT_INTERP asks for. */
export const loaderFiles: Record<string, Uint8Array> = { "ld.so.1": staticExecutable() }

/** A loader client channel whose server answers from `files` until the client closes. */
export const loaderChannel = (
  files: Readonly<Record<string, Uint8Array>> = loaderFiles
): Effect.Effect<Handle.Channel, unknown, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const [client, server] = yield* k.channel.create()
    yield* Effect.forkScoped(Loader.serve(server).pipe(Effect.provide(Loader.layerFromMap(files))))
    return client
  })

/** A loader client channel whose server reads requests but never answers. */
export const silentLoaderChannel = Effect.gen(function*() {
  const k = yield* Kernel.Kernel
  const [client, server] = yield* k.channel.create()
  yield* Effect.forkScoped(Loader.serve(server).pipe(Effect.provide(Loader.layerNever)))
  return client
})

/** A builder for `bytes` made as the seed's `create_test_util_builder` does. */
export const builderFor = (bytes: Uint8Array, name = TEST_UTIL_BIN) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const executable = yield* k.vmo.fromBytes(bytes, { name: "test_util", executable: true })
    const job = yield* k.job.root()
    const systemVdso = yield* k.systemVdso()
    return yield* ProcessBuilder.make({ name, job, executable, systemVdso })
  })

/** Reads the next bootstrap message from `channel` and decodes it (handles stay in the scope). */
export const readMessage = (
  channel: Handle.Channel
): Effect.Effect<
  MessageData & { readonly handles: ReadonlyArray<Handle.Handle> },
  unknown,
  Kernel.Kernel | Scope.Scope
> =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const raw = yield* k.channel.read(channel)
    const data = yield* Message.parse(raw.bytes, raw.handles.length)
    return { ...data, handles: raw.handles }
  })

/** Text of a C string. */
export const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/**
 * Runs a test body on a fresh kernel (with `cpu` when given, so guests run), then checks, once the
 * body's scope has closed, that the kernel holds exactly what it held before: nothing leaked.
 */
export const onKernel = <A, E>(
  body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>,
  cpu?: Layer.Layer<Cpu>,
  options?: Kernel.KernelOptions
) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const before = yield* k.stats
    yield* Effect.scoped(body)
    for (let i = 0; i < 20; i++) yield* Effect.yieldNow()
    assert.deepStrictEqual(yield* k.stats, before)
  }).pipe(
    Effect.provide(
      cpu === undefined ? Kernel.layerWith(options ?? {}) : Kernel.layerWith(options ?? {}).pipe(Layer.provide(cpu))
    )
  )
