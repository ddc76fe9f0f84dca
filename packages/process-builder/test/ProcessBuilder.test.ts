import { assert, describe, it } from "@effect/vitest"
import * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { ProcessInfoFlags } from "@zxsim/kernel/Task"
import { pageEnd, VmOption } from "@zxsim/kernel/VmOptions"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as Message from "@zxsim/processargs/Message"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import {
  builderFor,
  dynamicExecutable,
  loaderChannel,
  onKernel,
  readMessage,
  silentLoaderChannel,
  staticExecutable,
  text
} from "./fixtures.js"

/** A test body run against a fresh kernel, checked for leaks once its scope closes. */
const withKernel = <A, E>(body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>) => onKernel(body)

/** Builds a test util builder with a loader, as the seed's `setup_test_util_builder(true)`. */
const setupTestUtilBuilder = (setLoader: boolean) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const builder = yield* builderFor(dynamicExecutable())
    if (setLoader) {
      yield* ProcessBuilder.addHandles(builder, [{
        handle: yield* loaderChannel(),
        info: HandleInfo.fromType("LdsvcLoader")
      }])
    }
    const [dirClient, dirServer] = yield* k.channel.create()
    yield* ProcessBuilder.addHandles(builder, [{ handle: dirServer, info: HandleInfo.fromType("DirectoryRequest") }])
    return { builder, dirClient }
  })

/**
 * The dynamic sample with its PT_INTERP moved to `size` bytes appended to the file: `size - 1`
 * letters and the NUL.
 */
const withInterpreterOf = (size: number): Uint8Array => {
  const sample = dynamicExecutable()
  const bytes = new Uint8Array(sample.length + size)
  bytes.set(sample)
  bytes.fill(0x6c, sample.length, bytes.length - 1)
  const view = new DataView(bytes.buffer)
  const phoff = Number(view.getBigUint64(32, true))
  const entrySize = view.getUint16(54, true)
  for (let i = 0; i < view.getUint16(56, true); i++) {
    const header = phoff + i * entrySize
    if (view.getUint32(header, true) !== 3) continue
    view.setBigUint64(header + 8, BigInt(sample.length), true)
    view.setBigUint64(header + 32, BigInt(size), true)
  }
  return bytes
}

const LINKER_MESSAGE_HANDLES = ["ProcessSelf", "RootVmar", "LdsvcLoader", "LoadedVmar", "ExecutableVmo"] as const
const MAIN_MESSAGE_HANDLES = ["ProcessSelf", "ThreadSelf", "RootVmar", "VdsoVmo", "StackVmo"] as const

describe("ProcessBuilder (seed twins that need no running guest)", () => {
  it.effect("correct_handles_present", () =>
    withKernel(Effect.gen(function*() {
      const builder = yield* builderFor(dynamicExecutable())
      yield* ProcessBuilder.setLoaderService(builder, yield* loaderChannel())
      const built = yield* ProcessBuilder.build(builder)
      for (const expected of [LINKER_MESSAGE_HANDLES, MAIN_MESSAGE_HANDLES]) {
        const message = yield* readMessage(built.bootstrap)
        assert.strictEqual(message.handleInfos.length, expected.length)
        for (const type of expected) {
          assert.strictEqual(message.handleInfos.filter((info) => info.type === type).length, 1, type)
        }
      }
    })))

  it.effect("add_handles_rejects_automatic_handle_types", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* Kernel.Kernel
      const builder = yield* builderFor(new Uint8Array(1), "test_vmo")
      for (const type of [...LINKER_MESSAGE_HANDLES, ...MAIN_MESSAGE_HANDLES]) {
        if (type === "LdsvcLoader" || type === "VdsoVmo") continue
        const vmo = yield* k.vmo.create(1)
        const error = yield* Effect.flip(
          ProcessBuilder.addHandles(builder, [{ handle: vmo, info: HandleInfo.fromType(type) }])
        )
        assert.strictEqual(error._tag, "InvalidArg", type)
      }
    })))

  it.effect("rejects_invalid_handles", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* Kernel.Kernel
      const job = yield* k.job.root()
      const expectBadHandle = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.map(Effect.flip(effect), (error) => assert.strictEqual(error._tag, "BadHandle"))
      yield* expectBadHandle(ProcessBuilder.make({
        name: "test_vmo",
        job: Handle.invalid,
        executable: yield* k.vmo.create(1),
        systemVdso: yield* k.systemVdso()
      }))
      yield* expectBadHandle(
        ProcessBuilder.make({ name: "test_vmo", job, executable: Handle.invalid, systemVdso: yield* k.systemVdso() })
      )
      const { builder } = yield* setupTestUtilBuilder(true)
      yield* expectBadHandle(ProcessBuilder.setLoaderService(builder, Handle.invalid))
      yield* expectBadHandle(
        ProcessBuilder.addHandles(builder, [{ handle: Handle.invalid, info: HandleInfo.fromType("User0") }])
      )
      yield* expectBadHandle(
        ProcessBuilder.addHandles(builder, [{ handle: Handle.invalid, info: HandleInfo.fromType("User0") }])
      )
      yield* expectBadHandle(ProcessBuilder.addNamespaceEntries(builder, [{ path: "/dir", directory: Handle.invalid }]))
    })))

  it.effect("verify_low_address_range_reserved", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* Kernel.Kernel
      const { builder } = yield* setupTestUtilBuilder(true)
      const built = yield* ProcessBuilder.build(builder)
      // Computed here independently of the builder's own reservation code.
      const info = yield* k.vmar.info(built.rootVmar)
      const lowerHalf = pageEnd(Math.floor((info.base + info.len) / 2)) - info.base
      const { base } = yield* k.vmar.allocate(built.rootVmar, VmOption.SPECIFIC, 0, lowerHalf)
      assert.strictEqual(base, info.base)
    })))

  it.effect("set_invalid_vdso_directly_fails", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* Kernel.Kernel
      const { builder } = yield* setupTestUtilBuilder(true)
      yield* ProcessBuilder.setVdsoVmo(builder, yield* k.vmo.create(1))
      const error = yield* Effect.flip(ProcessBuilder.build(builder))
      assert.strictEqual(error._tag, "ElfParse")
      if (error._tag === "ElfParse") assert.strictEqual(error.cause._tag, "InvalidFileHeader")
    })))

  it.effect("set_invalid_vdso_fails", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* Kernel.Kernel
      const { builder } = yield* setupTestUtilBuilder(true)
      yield* ProcessBuilder.addHandles(builder, [{
        handle: yield* k.vmo.create(1),
        info: HandleInfo.fromType("VdsoVmo")
      }])
      const error = yield* Effect.flip(ProcessBuilder.build(builder))
      assert.strictEqual(error._tag, "ElfParse")
      if (error._tag === "ElfParse") assert.strictEqual(error.cause._tag, "InvalidFileHeader")
    })))

  it.effect("add_additional_vdso", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* Kernel.Kernel
      const builder = yield* builderFor(dynamicExecutable())
      yield* ProcessBuilder.setLoaderService(builder, yield* loaderChannel())
      yield* ProcessBuilder.addHandles(builder, [{
        handle: yield* k.systemVdso(),
        info: HandleInfo.unsafeMake("VdsoVmo", 1)
      }])
      const built = yield* ProcessBuilder.build(builder)
      yield* readMessage(built.bootstrap)
      const main = yield* readMessage(built.bootstrap)
      const vdsos = main.handleInfos.filter((info) => info.type === "VdsoVmo")
      assert.strictEqual(vdsos.length, 2)
      vdsos.slice().reverse().forEach((info, i) => assert.strictEqual(info.arg, i))
    })))

  it.effect("start_util_with_no_loader_fails", () =>
    withKernel(Effect.gen(function*() {
      const { builder } = yield* setupTestUtilBuilder(false)
      const error = yield* Effect.flip(ProcessBuilder.build(builder))
      assert.strictEqual(error._tag, "LoaderMissing")
      assert.strictEqual(error.asZxStatus(), -10)
    })))

  it.effect("elf_headers", () =>
    withKernel(Effect.gen(function*() {
      const { builder } = yield* setupTestUtilBuilder(true)
      const built = yield* ProcessBuilder.build(builder)
      assert.strictEqual(built.elfHeaders.fileHeader.phnum, built.elfHeaders.programHeaders.length)
    })))

  it.effect("start_util_with_big_stack (stack sizing)", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* Kernel.Kernel
      const stackSize = 4096 * 10
      const { builder } = yield* setupTestUtilBuilder(true)
      yield* ProcessBuilder.setMinStackSize(builder, stackSize)
      const built = yield* ProcessBuilder.build(builder)
      assert.isAtLeast(yield* k.vmo.getSize(built.stackVmo), stackSize)
      const process = yield* BuiltProcess.start(built)
      const info = yield* k.process.info(process)
      assert.strictEqual(info.returnCode, 0n)
      assert.strictEqual(info.flags, ProcessInfoFlags.STARTED)
      assert.isTrue(info.startTime > 0n)
      // No CPU runs it here: stop it so the kernel is back to where it started.
      yield* k.task.kill(process)
    })))
})

describe("ProcessBuilder messages and stack", () => {
  it.effect("the linker message carries argv[0], LD_DEBUG/LD_TRACE and the linker's handles; the main message all", () =>
    withKernel(Effect.gen(function*() {
      const builder = yield* builderFor(dynamicExecutable())
      yield* ProcessBuilder.setLoaderService(builder, yield* loaderChannel())
      yield* ProcessBuilder.addArguments(builder, ["prog", "a1", "a2"])
      yield* ProcessBuilder.addEnvironmentVariables(builder, ["LD_DEBUG=1", "HOME=/", "LD_TRACE=yes", "XLD_DEBUG=no"])
      const built = yield* ProcessBuilder.build(builder)
      const linker = yield* readMessage(built.bootstrap)
      assert.deepStrictEqual(linker.args.map(text), ["prog"])
      assert.deepStrictEqual(linker.environmentVars.map(text), ["LD_DEBUG=1", "LD_TRACE=yes"])
      assert.deepStrictEqual(linker.namespacePaths, [])
      assert.deepStrictEqual(linker.handleInfos.map((i) => i.type), [
        "LdsvcLoader",
        "ExecutableVmo",
        "LoadedVmar",
        "ProcessSelf",
        "RootVmar"
      ])
      const main = yield* readMessage(built.bootstrap)
      assert.deepStrictEqual(main.args.map(text), ["prog", "a1", "a2"])
      assert.deepStrictEqual(main.environmentVars.map(text), ["LD_DEBUG=1", "HOME=/", "LD_TRACE=yes", "XLD_DEBUG=no"])
      assert.deepStrictEqual(main.handleInfos.map((i) => i.type), [
        "ProcessSelf",
        "ThreadSelf",
        "RootVmar",
        "VdsoVmo",
        "StackVmo"
      ])
    })))

  it.effect("a static executable gets LoadedVmar in the main message and one message only", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* Kernel.Kernel
      const builder = yield* builderFor(staticExecutable())
      const [dir] = yield* k.channel.create()
      yield* ProcessBuilder.addNamespaceEntries(builder, [{ path: "/data", directory: dir }])
      const built = yield* ProcessBuilder.build(builder)
      const main = yield* readMessage(built.bootstrap)
      assert.deepStrictEqual(main.handleInfos.map((i) => `${i.type}:${i.arg}`), [
        "ProcessSelf:0",
        "ThreadSelf:0",
        "RootVmar:0",
        "NamespaceDirectory:0",
        "LoadedVmar:0",
        "VdsoVmo:0",
        "StackVmo:0"
      ])
      assert.deepStrictEqual(main.namespacePaths.map(text), ["/data"])
      // The builder closed its write end: nothing more will come.
      const second = yield* Effect.flip(k.channel.read(built.bootstrap))
      assert.strictEqual(second.status, -24)
    })))

  it.effect("stack sizes and names follow the crate's rules", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* Kernel.Kernel
      const cases = [
        { bytes: staticExecutable(), setup: [] as Array<string>, size: 0x40000, name: "stack: default 0x40000" },
        { bytes: staticExecutable({ stackSize: 0x12345 }), setup: [], size: 0x13000, name: "stack: explicit 0x13000" },
        { bytes: dynamicExecutable(), setup: [], size: 0x1000, name: "stack: msg of 0x1000" },
        {
          bytes: dynamicExecutable(),
          setup: Array.from({ length: 10_000 }, () => "arg"),
          size: 0xb000,
          name: "stack: msg of 0xb000"
        }
      ]
      for (const c of cases) {
        const builder = yield* builderFor(c.bytes)
        yield* ProcessBuilder.setLoaderService(builder, yield* loaderChannel())
        const [, dirServer] = yield* k.channel.create()
        yield* ProcessBuilder.addHandles(builder, [{
          handle: dirServer,
          info: HandleInfo.fromType("DirectoryRequest")
        }])
        yield* ProcessBuilder.addArguments(builder, c.setup)
        const built = yield* ProcessBuilder.build(builder)
        assert.strictEqual(yield* k.vmo.getSize(built.stackVmo), c.size)
        assert.strictEqual(yield* k.object.getName(built.stackVmo), c.name)
        assert.strictEqual(built.stack, built.stackBase + c.size)
      }
    })))

  it("computeInitialStackPointer aligns the top down to 16 bytes", () => {
    assert.strictEqual(ProcessBuilder.computeInitialStackPointer(0x1000, 0x1000), 0x2000)
    assert.strictEqual(ProcessBuilder.computeInitialStackPointer(0x1000, 0x1009), 0x2000)
    assert.strictEqual(ProcessBuilder.computeInitialStackPointer(0x1008, 0x1000), 0x2000)
  })

  it.effect("the loader gets 30 seconds: LoadDynamicLinkerTimeout exactly when they pass", () =>
    withKernel(Effect.gen(function*() {
      const builder = yield* builderFor(dynamicExecutable())
      yield* ProcessBuilder.setLoaderService(builder, yield* silentLoaderChannel)
      const fiber = yield* Effect.fork(Effect.scoped(ProcessBuilder.build(builder)))
      yield* TestClock.adjust("29999 millis")
      assert.isTrue((yield* Fiber.poll(fiber))._tag === "None")
      yield* TestClock.adjust("1 millis")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const error = yield* Effect.flip(exit)
        assert.strictEqual(error._tag, "LoadDynamicLinkerTimeout")
        assert.strictEqual(error.asZxStatus(), -21)
      }
    })))

  it.effect("an interpreter the loader does not know fails with the loader's status", () =>
    withKernel(Effect.gen(function*() {
      const builder = yield* builderFor(dynamicExecutable({ interpreter: "ld.missing.so" }))
      yield* ProcessBuilder.setLoaderService(builder, yield* loaderChannel())
      const error = yield* Effect.flip(ProcessBuilder.build(builder))
      assert.strictEqual(error._tag, "GenericStatus")
      assert.strictEqual(error.asZxStatus(), -25)
    })))

  it.effect("a builder is consumed by build", () =>
    withKernel(Effect.gen(function*() {
      const builder = yield* builderFor(staticExecutable())
      yield* ProcessBuilder.build(builder)
      const error = yield* Effect.flip(ProcessBuilder.build(builder))
      assert.strictEqual(error._tag, "InvalidArg")
    })))

  it.effect("a million arguments are refused at once with ProcessArgs(SizeTooLarge): they can never fit a 64 KiB message", () =>
    withKernel(Effect.gen(function*() {
      const builder = yield* builderFor(staticExecutable())
      const many = Array.from({ length: 1_000_000 }, (_, i) => `a${i}`)
      const error = yield* Effect.flip(ProcessBuilder.addArguments(builder, many))
      assert.strictEqual(error._tag, "ProcessArgs")
      if (error._tag === "ProcessArgs") {
        assert.strictEqual(error.cause._tag, "SizeTooLarge")
        assert.isAbove(error.cause._tag === "SizeTooLarge" ? error.cause.size : 0, 1_000_000 * 2)
      }
      assert.strictEqual(error.asZxStatus(), -10)
      // Nothing was added: the builder still builds.
      yield* ProcessBuilder.addArguments(builder, ["x"])
      yield* ProcessBuilder.build(builder)
    })))

  it.effect("arguments and variables that fit one by one but not together are refused when the sum passes 64 KiB", () =>
    withKernel(Effect.gen(function*() {
      const builder = yield* builderFor(staticExecutable())
      const half = "x".repeat(30_000)
      yield* ProcessBuilder.addArguments(builder, [half])
      yield* ProcessBuilder.addEnvironmentVariables(builder, [`A=${half}`])
      const error = yield* Effect.flip(ProcessBuilder.addEnvironmentVariables(builder, [`B=${half}`]))
      assert.strictEqual(error._tag, "ProcessArgs")
      // What fits the lower bound but not the message with its handles still fails at build, typed.
      const near = yield* builderFor(staticExecutable())
      yield* ProcessBuilder.addArguments(near, ["y".repeat(Message.MAX_MESSAGE_BYTES - Message.HEADER_SIZE - 1)])
      const late = yield* Effect.flip(ProcessBuilder.build(near))
      assert.strictEqual(late._tag, "ProcessArgs")
    })))

  it.effect("an interior NUL among 60,000 arguments is found and named", () =>
    withKernel(Effect.gen(function*() {
      const builder = yield* builderFor(staticExecutable())
      const many = Array.from({ length: 60_000 }, (_, i) => (i === 59_999 ? "\0" : ""))
      const error = yield* Effect.flip(ProcessBuilder.addArguments(builder, many))
      assert.strictEqual(error._tag, "InvalidArg")
      assert.include(error.message, "Argument 59999")
    })))

  it.effect("a PT_INTERP longer than the loader's 1,024-byte name limit is refused before it is read", () =>
    withKernel(Effect.gen(function*() {
      const bytes = withInterpreterOf(10 * 1024 * 1024)
      const k = yield* Kernel.Kernel
      const lengths: Array<number> = []
      const watched: Kernel.KernelShape = {
        ...k,
        vmo: {
          ...k.vmo,
          read: (vmo, offset, length) => {
            lengths.push(length)
            return k.vmo.read(vmo, offset, length)
          }
        }
      }
      const error = yield* Effect.gen(function*() {
        const builder = yield* builderFor(bytes)
        yield* ProcessBuilder.setLoaderService(builder, yield* Effect.orDie(loaderChannel()))
        return yield* Effect.flip(ProcessBuilder.build(builder))
      }).pipe(Effect.provideService(Kernel.Kernel, watched))
      assert.strictEqual(error._tag, "InvalidInterpHeader")
      assert.include(error.message, "longer than 1024 bytes")
      assert.isBelow(Math.max(0, ...lengths), 64 * 1024, "no read of the PT_INTERP bytes")
      // One byte over the limit (1,025 bytes and the NUL) is refused the same way.
      const builder = yield* builderFor(withInterpreterOf(1026))
      yield* ProcessBuilder.setLoaderService(builder, yield* Effect.orDie(loaderChannel()))
      const over = yield* Effect.flip(ProcessBuilder.build(builder))
      assert.strictEqual(over._tag, "InvalidInterpHeader")
    })))

  it.effect("a PT_INTERP name of exactly 1,024 bytes is read and asked for", () =>
    withKernel(Effect.gen(function*() {
      const builder = yield* builderFor(withInterpreterOf(1025))
      yield* ProcessBuilder.setLoaderService(builder, yield* loaderChannel())
      const error = yield* Effect.flip(ProcessBuilder.build(builder))
      // The loader has no such file: its NOT_FOUND, so the name went through.
      assert.strictEqual(error._tag, "GenericStatus")
      assert.strictEqual(error.asZxStatus(), -25)
    })))

  it.effect("arguments with an interior NUL are refused", () =>
    withKernel(Effect.gen(function*() {
      const builder = yield* builderFor(staticExecutable())
      const error = yield* Effect.flip(ProcessBuilder.addArguments(builder, ["a\0b"]))
      assert.strictEqual(error._tag, "InvalidArg")
    })))
})
