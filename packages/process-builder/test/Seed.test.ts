/**
 * Every test of the seed crate (Fuchsia's process_builder), by its own name, end to end: the test
 * util is a real dynamically linked RISC-V program (PT_INTERP ld.so.1, DT_NEEDED libzircon.so and
 * an ordinary library), its dynamic linker and library come through a fuchsia.ldsvc.Loader served
 * from the prebuilt guest directory, and the tests talk to it over FIDL as the seed does.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Loader from "@zxsim/fidl/Loader"
import * as PseudoDirectory from "@zxsim/fidl/PseudoDirectory"
import * as TestUtilClient from "@zxsim/fidl/TestUtilClient"
import * as Guests from "@zxsim/guest/Guests"
import type { Cpu } from "@zxsim/kernel/Cpu"
import * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import { ProcessInfoFlags } from "@zxsim/kernel/Task"
import { pageEnd, VmOption } from "@zxsim/kernel/VmOptions"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as Message from "@zxsim/processargs/Message"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { cpus } from "./cpus.js"
import { onKernel } from "./fixtures.js"
import { image } from "./guests.js"

const TEST_UTIL_BIN = "/pkg/bin/process_builder_test_util"
const STATIC_PIE_TEST_BIN = "/pkg/bin/static_pie_test_util"

/** A fresh kernel on `cpu`, with a leak check once the body's scope has closed. */
const onCpu = <A, E>(cpu: Layer.Layer<Cpu>, body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>) =>
  onKernel(body, cpu)

/** The system vDSO, as the seed's `get_system_vdso_vmo` (a duplicate of the test's own). */
const getSystemVdsoVmo = Effect.flatMap(Kernel.Kernel, (k) => k.systemVdso())

/** A loader connection serving the prebuilt guest directory, as the seed's `clone_loader_service`. */
const cloneLoaderService = Effect.gen(function*() {
  const k = yield* Kernel.Kernel
  const [client, server] = yield* k.channel.create()
  yield* Effect.forkScoped(
    Loader.serve(server).pipe(
      Effect.provide(Loader.layerFromDirectory(Guests.binDirectory)),
      Effect.provide(NodeContext.layer)
    )
  )
  return client
})

const createTestUtilBuilder = Effect.gen(function*() {
  const k = yield* Kernel.Kernel
  const executable = yield* k.vmo.fromBytes(image("process_builder_test_util"), {
    name: "process_builder_test_util",
    executable: true
  })
  return yield* ProcessBuilder.make({
    name: TEST_UTIL_BIN,
    job: yield* k.job.root(),
    executable,
    systemVdso: yield* getSystemVdsoVmo
  })
})

/** The seed's `setup_test_util_builder`: the builder, and a Util client through its outgoing directory. */
const setupTestUtilBuilder = (setLoader: boolean) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const builder = yield* createTestUtilBuilder
    if (setLoader) {
      yield* ProcessBuilder.addHandles(builder, [{
        handle: yield* cloneLoaderService,
        info: HandleInfo.fromType("LdsvcLoader")
      }])
    }
    const [dirClient, dirServer] = yield* k.channel.create()
    yield* ProcessBuilder.addHandles(builder, [{ handle: dirServer, info: HandleInfo.fromType("DirectoryRequest") }])
    const proxy = yield* TestUtilClient.connect(dirClient)
    // The seed drops its directory client once connected.
    yield* k.handle.close(dirClient)
    return { builder, proxy }
  })

const checkProcessRunning = (process: Handle.Process) =>
  Effect.gen(function*() {
    const info = yield* Effect.flatMap(Kernel.Kernel, (k) => k.process.info(process))
    assert.strictEqual(info.returnCode, 0n)
    assert.strictEqual(info.flags, ProcessInfoFlags.STARTED)
    assert.isTrue(info.startTime > 0n)
  })

const checkProcessExitedOk = (process: Handle.Process) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
    const info = yield* k.process.info(process)
    assert.strictEqual(info.returnCode, 0n)
    assert.strictEqual(info.flags, ProcessInfoFlags.STARTED | ProcessInfoFlags.EXITED)
    assert.isTrue(info.startTime > 0n)
  })

/** Reads a bootstrap message and returns its handle infos, as the seed's `parse_handle_info_from_message`. */
const parseHandleInfoFromMessage = (channel: Handle.Channel) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const message = yield* k.channel.read(channel)
    const data = yield* Message.parse(message.bytes, message.handles.length)
    return data.handleInfos
  })

const LINKER_MESSAGE_HANDLES = ["ProcessSelf", "RootVmar", "LdsvcLoader", "LoadedVmar", "ExecutableVmo"] as const
const MAIN_MESSAGE_HANDLES = ["ProcessSelf", "ThreadSelf", "RootVmar", "VdsoVmo", "StackVmo"] as const

const randomU64 = () => new DataView(crypto.getRandomValues(new Uint8Array(8)).buffer).getBigUint64(0, true)

for (const [cpuName, cpu] of cpus) {
  describe(`seed tests on the ${cpuName}`, () => {
    it.live("start_util_with_args", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const testArgs = ["arg0", "arg1", "arg2"]
          const { builder, proxy } = yield* setupTestUtilBuilder(true)
          yield* ProcessBuilder.addArguments(builder, testArgs)
          const process = yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
          yield* checkProcessRunning(process)
          assert.deepStrictEqual(yield* proxy.getArguments, testArgs)
          yield* proxy.close
          yield* checkProcessExitedOk(process)
        })
      ))

    it.live("start_util_with_huge_args", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const testArgs = Array.from({ length: 10 * 1000 }, () => "arg")
          const { builder, proxy } = yield* setupTestUtilBuilder(true)
          yield* ProcessBuilder.addArguments(builder, testArgs)
          const process = yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
          yield* checkProcessRunning(process)
          assert.strictEqual(yield* proxy.getArgumentCount, BigInt(testArgs.length))
          yield* proxy.close
          yield* checkProcessExitedOk(process)
        })
      ))

    it.live("start_util_with_lifecycle_channel", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const { builder, proxy } = yield* setupTestUtilBuilder(true)
          const [lifecycleServer] = yield* k.channel.create()
          const koid = (yield* k.handle.info(lifecycleServer)).koid
          yield* ProcessBuilder.addHandles(builder, [{
            handle: lifecycleServer,
            info: HandleInfo.fromType("Lifecycle")
          }])
          const process = yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
          yield* checkProcessRunning(process)
          assert.strictEqual(yield* proxy.getLifecycleKoid, BigInt(koid))
          yield* proxy.close
          yield* checkProcessExitedOk(process)
        })
      ))

    it.live("start_util_with_no_lifecycle_channel", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const { builder, proxy } = yield* setupTestUtilBuilder(true)
          const process = yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
          yield* checkProcessRunning(process)
          assert.strictEqual(yield* proxy.getLifecycleKoid, 0n)
          yield* proxy.close
          yield* checkProcessExitedOk(process)
        })
      ))

    it.live("start_util_with_big_stack", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const stackSize = 4096 * 10
          const { builder, proxy } = yield* setupTestUtilBuilder(true)
          yield* ProcessBuilder.setMinStackSize(builder, stackSize)
          const built = yield* ProcessBuilder.build(builder)
          assert.isAtLeast(yield* k.vmo.getSize(built.stackVmo), stackSize)
          const process = yield* BuiltProcess.start(built)
          yield* checkProcessRunning(process)
          yield* proxy.close
          yield* checkProcessExitedOk(process)
        })
      ))

    it.live("elf_headers", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const { builder } = yield* setupTestUtilBuilder(true)
          const built = yield* ProcessBuilder.build(builder)
          assert.strictEqual(built.elfHeaders.fileHeader.phnum, built.elfHeaders.programHeaders.length)
        })
      ))

    it.live("set_loader_directly", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const testArgs = ["arg0", "arg1", "arg2"]
          const { builder, proxy } = yield* setupTestUtilBuilder(false)
          yield* ProcessBuilder.setLoaderService(builder, yield* cloneLoaderService)
          yield* ProcessBuilder.addArguments(builder, testArgs)
          const process = yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
          yield* checkProcessRunning(process)
          assert.deepStrictEqual(yield* proxy.getArguments, testArgs)
          yield* proxy.close
          yield* checkProcessExitedOk(process)
        })
      ))

    it.live("set_vdso_directly", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const testArgs = ["arg0", "arg1", "arg2"]
          const { builder, proxy } = yield* setupTestUtilBuilder(true)
          yield* ProcessBuilder.setVdsoVmo(builder, yield* getSystemVdsoVmo)
          yield* ProcessBuilder.addArguments(builder, testArgs)
          const process = yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
          yield* checkProcessRunning(process)
          assert.deepStrictEqual(yield* proxy.getArguments, testArgs)
          yield* proxy.close
          yield* checkProcessExitedOk(process)
        })
      ))

    it.live("set_invalid_vdso_directly_fails", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const { builder } = yield* setupTestUtilBuilder(true)
          yield* ProcessBuilder.setVdsoVmo(builder, yield* k.vmo.create(1))
          const error = yield* Effect.flip(ProcessBuilder.build(builder))
          assert.isTrue(error._tag === "ElfParse" && error.cause._tag === "InvalidFileHeader", error.message)
        })
      ))

    it.live("set_invalid_vdso_fails", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const { builder } = yield* setupTestUtilBuilder(true)
          yield* ProcessBuilder.addHandles(builder, [{
            handle: yield* k.vmo.create(1),
            info: HandleInfo.fromType("VdsoVmo")
          }])
          const error = yield* Effect.flip(ProcessBuilder.build(builder))
          assert.isTrue(error._tag === "ElfParse" && error.cause._tag === "InvalidFileHeader", error.message)
        })
      ))

    it.live("add_additional_vdso", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const builder = yield* createTestUtilBuilder
          yield* ProcessBuilder.setLoaderService(builder, yield* cloneLoaderService)
          yield* ProcessBuilder.addHandles(builder, [{
            handle: yield* getSystemVdsoVmo,
            info: HandleInfo.unsafeMake("VdsoVmo", 1)
          }])
          const built = yield* ProcessBuilder.build(builder)
          yield* parseHandleInfoFromMessage(built.bootstrap)
          const vdsos = (yield* parseHandleInfoFromMessage(built.bootstrap)).filter((info) => info.type === "VdsoVmo")
          assert.strictEqual(vdsos.length, 2)
          vdsos.slice().reverse().forEach((info, i) => {
            assert.strictEqual(info.type, "VdsoVmo")
            assert.strictEqual(info.arg, i)
          })
        })
      ))

    it.live("start_util_with_env", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const testEnv = [["VAR1", "value2"], ["VAR2", "value2"]] as const
          const { builder, proxy } = yield* setupTestUtilBuilder(true)
          yield* ProcessBuilder.addEnvironmentVariables(builder, testEnv.map(([k, v]) => `${k}=${v}`))
          const process = yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
          yield* checkProcessRunning(process)
          const env = yield* proxy.getEnvironment
          assert.deepStrictEqual(env.map((v) => [v.key, v.value]), testEnv.map(([k, v]) => [k, v]))
          yield* proxy.close
          yield* checkProcessExitedOk(process)
        })
      ))

    it.live("start_util_with_huge_env", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const testEnv = Array.from({ length: 10 * 1000 }, () => "a=b")
          const { builder, proxy } = yield* setupTestUtilBuilder(true)
          yield* ProcessBuilder.addEnvironmentVariables(builder, testEnv)
          const process = yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
          yield* checkProcessRunning(process)
          assert.strictEqual(yield* proxy.getEnvironmentCount, BigInt(testEnv.length))
          yield* proxy.close
          yield* checkProcessExitedOk(process)
        })
      ))

    it.live("start_util_with_namespace_entries", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const testContent1 = `test content 1 ${randomU64()}`
          const testContent2 = `test content 2 ${randomU64()}`
          const [dir1Server, dir1Client] = yield* k.channel.create()
          yield* Effect.forkScoped(PseudoDirectory.serve(dir1Server, { test_file1: testContent1 }))
          const [dir2Server, dir2Client] = yield* k.channel.create()
          yield* Effect.forkScoped(PseudoDirectory.serve(dir2Server, { test_file2: testContent2 }))
          const { builder, proxy } = yield* setupTestUtilBuilder(true)
          yield* ProcessBuilder.addNamespaceEntries(builder, [
            { path: "/dir1", directory: dir1Client },
            { path: "/dir2", directory: dir2Client }
          ])
          const process = yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
          yield* checkProcessRunning(process)
          assert.strictEqual(yield* proxy.dumpNamespace, "/dir1, /dir1/test_file1, /dir2, /dir2/test_file2")
          assert.strictEqual(yield* proxy.readFile("/dir1/test_file1"), testContent1)
          assert.strictEqual(yield* proxy.readFile("/dir2/test_file2"), testContent2)
          yield* proxy.close
          yield* checkProcessExitedOk(process)
        })
      ))

    it.live("start_util_with_no_loader_fails", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const { builder } = yield* setupTestUtilBuilder(false)
          const error = yield* Effect.flip(ProcessBuilder.build(builder))
          assert.strictEqual(error._tag, "LoaderMissing")
        })
      ))

    it.live("verify_low_address_range_reserved", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const { builder } = yield* setupTestUtilBuilder(true)
          const built = yield* ProcessBuilder.build(builder)
          const info = yield* k.vmar.info(built.rootVmar)
          const lowerHalfLen = pageEnd(Math.floor((info.base + info.len) / 2)) - info.base
          yield* k.vmar.allocate(built.rootVmar, VmOption.SPECIFIC, 0, lowerHalfLen)
        })
      ))

    it.live("correct_handles_present", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const builder = yield* createTestUtilBuilder
          yield* ProcessBuilder.setLoaderService(builder, yield* cloneLoaderService)
          const built = yield* ProcessBuilder.build(builder)
          for (const correct of [LINKER_MESSAGE_HANDLES, MAIN_MESSAGE_HANDLES]) {
            const handleInfo = yield* parseHandleInfoFromMessage(built.bootstrap)
            assert.strictEqual(handleInfo.length, correct.length)
            for (const type of correct) assert.strictEqual(handleInfo.filter((i) => i.type === type).length, 1, type)
          }
        })
      ))

    it.live("add_handles_rejects_automatic_handle_types", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const builder = yield* ProcessBuilder.make({
            name: "test_vmo",
            job: yield* k.job.root(),
            executable: yield* k.vmo.create(1),
            systemVdso: yield* getSystemVdsoVmo
          })
          for (const type of [...LINKER_MESSAGE_HANDLES, ...MAIN_MESSAGE_HANDLES]) {
            if (type === "LdsvcLoader" || type === "VdsoVmo") continue
            const result = yield* Effect.flip(
              ProcessBuilder.addHandles(builder, [{ handle: yield* k.vmo.create(1), info: HandleInfo.fromType(type) }])
            )
            assert.strictEqual(result._tag, "InvalidArg", type)
          }
        })
      ))

    it.live("rejects_invalid_handles", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const job = yield* k.job.root()
          const assertBadHandle = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
            Effect.map(Effect.flip(effect), (error) => assert.strictEqual(error._tag, "BadHandle"))
          yield* assertBadHandle(
            ProcessBuilder.make({
              name: "test_vmo",
              job: Handle.invalid,
              executable: yield* k.vmo.create(1),
              systemVdso: yield* getSystemVdsoVmo
            })
          )
          yield* assertBadHandle(
            ProcessBuilder.make({
              name: "test_vmo",
              job,
              executable: Handle.invalid,
              systemVdso: yield* getSystemVdsoVmo
            })
          )
          const { builder } = yield* setupTestUtilBuilder(true)
          yield* assertBadHandle(ProcessBuilder.setLoaderService(builder, Handle.invalid))
          yield* assertBadHandle(
            ProcessBuilder.addHandles(builder, [{ handle: Handle.invalid, info: HandleInfo.fromType("User0") }])
          )
          yield* assertBadHandle(
            ProcessBuilder.addHandles(builder, [{ handle: Handle.invalid, info: HandleInfo.fromType("User0") }])
          )
          yield* assertBadHandle(
            ProcessBuilder.addNamespaceEntries(builder, [{ path: "/dir", directory: Handle.invalid }])
          )
        })
      ))

    it.live("start_static_pie_binary", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const executable = yield* k.vmo.fromBytes(image("static_pie_test_util"), { executable: true })
          const builder = yield* ProcessBuilder.make({
            name: STATIC_PIE_TEST_BIN,
            job: yield* k.job.root(),
            executable,
            systemVdso: yield* getSystemVdsoVmo
          })
          const [local, remote] = yield* k.channel.create()
          yield* ProcessBuilder.addHandles(builder, [{ handle: remote, info: HandleInfo.fromType("User0") }])
          const testMessage = new TextEncoder().encode(`test content 1 ${randomU64()}`)
          yield* k.channel.write(local, testMessage)
          const process = yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
          const signals = yield* k.object.waitOne(local, Signals.CHANNEL_READABLE | Signals.CHANNEL_PEER_CLOSED)
          assert.isTrue((signals & Signals.CHANNEL_READABLE) !== 0)
          const echoed = yield* k.channel.read(local)
          assert.deepStrictEqual(echoed.bytes, testMessage)
          assert.strictEqual(echoed.handles.length, 0)
          yield* checkProcessExitedOk(process)
        })
      ))
  })
}
