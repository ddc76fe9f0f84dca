import { assert, describe, it } from "@effect/vitest"
import * as FaultInjection from "@zxsim/kernel/FaultInjection"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Status } from "@zxsim/kernel/Status"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import type { ProcessBuilderError } from "@zxsim/process-builder/ProcessBuilderError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { dynamicExecutable, loaderChannel, staticExecutable } from "./fixtures.js"

/** The status every injected failure carries. */
const INJECTED = Status.NO_RESOURCES

/**
 * The kernel calls of `make` + (for a dynamic executable) `setLoaderService` + `build`, in order,
 * each with the error variant the builder must answer its failure with.
 */
const MAKE = [
  ["handle.move", "BadHandle"], // executable into the builder
  ["handle.move", "BadHandle"], // system vDSO into the builder
  ["process.create", "CreateProcess"],
  ["thread.create", "CreateThread"],
  ["handle.duplicate", "DuplicateHandle"], // ProcessSelf
  ["handle.duplicate", "DuplicateHandle"], // ThreadSelf
  ["handle.duplicate", "DuplicateHandle"] // RootVmar
] as const
const PARSE = [["vmo.read", "ElfParse"], ["vmo.getContentSize", "ElfParse"], ["vmo.read", "ElfParse"]] as const
const LOAD_SAMPLE = [
  ["vmar.allocate", "ElfLoad"],
  ["object.getName", "ElfLoad"],
  ["vmar.map", "ElfLoad"], // R
  ["vmar.map", "ElfLoad"], // RX
  ["vmo.createChild", "ElfLoad"], // RW copy
  ["object.setName", "ElfLoad"],
  ["vmo.write", "ElfLoad"], // zero tail
  ["vmar.map", "ElfLoad"],
  ["vmo.create", "ElfLoad"], // bss
  ["object.setName", "ElfLoad"],
  ["vmar.map", "ElfLoad"]
] as const
const LOAD_VDSO = [...PARSE, ["vmar.allocate", "ElfLoad"], ["object.getName", "ElfLoad"], ["vmar.map", "ElfLoad"], [
  "vmar.map",
  "ElfLoad"
]] as const
const STACK = [
  ["vmo.create", "GenericStatus"],
  ["object.setName", "GenericStatus"],
  ["vmar.map", "GenericStatus"],
  ["handle.duplicate", "GenericStatus"]
] as const
const HANDOVER = Array.from({ length: 5 }, () => ["handle.move", "Internal"] as const)

const STATIC_CALLS = [
  ...MAKE,
  ...PARSE,
  ["channel.create", "GenericStatus"],
  ...LOAD_SAMPLE,
  ...LOAD_VDSO,
  ...STACK,
  ["channel.write", "WriteBootstrapMessage"],
  ...HANDOVER
] as const

const DYNAMIC_CALLS = [
  ...MAKE,
  ["handle.move", "BadHandle", "configure"], // the loader into the builder
  ...PARSE,
  ["channel.create", "GenericStatus"],
  ["vmar.info", "GenericStatus"],
  ["vmar.allocate", "GenericStatus"], // the reservation
  ["vmo.read", "GenericStatus"], // the PT_INTERP name
  ["channel.write", "LoadDynamicLinker"],
  ["channel.read", "LoadDynamicLinker"],
  ["object.waitOne", "LoadDynamicLinker"],
  ["channel.read", "LoadDynamicLinker"],
  ["handle.info", "LoadDynamicLinker"],
  ...PARSE,
  ...LOAD_SAMPLE,
  ["handle.duplicate", "DuplicateHandle"], // ProcessSelf for the linker
  ["handle.duplicate", "DuplicateHandle"], // RootVmar for the linker
  ["channel.write", "WriteBootstrapMessage"],
  ...LOAD_VDSO,
  ...STACK,
  ["channel.write", "WriteBootstrapMessage"],
  ["vmar.destroy", "DestroyReservationVMAR"],
  ...HANDOVER
] as const

/** The status a variant reports for an injected failure. */
const expectedStatus = (tag: string): number => {
  switch (tag) {
    case "BadHandle":
      return Status.BAD_HANDLE
    case "Internal":
      return Status.INTERNAL
    case "LoadDynamicLinker":
      return Status.NOT_FOUND
    default:
      return INJECTED
  }
}

/**
 * Runs make (+ loader) + build with the kernel calls counted, failing call `failAt` when given.
 * Returns the calls, the build's exit, and live object counts taken right after it ended (while
 * the test's own fixtures are still open).
 */
const run = (dynamic: boolean, failAt: number | undefined) =>
  Effect.gen(function*() {
    const real = yield* Kernel.Kernel
    const record = FaultInjection.recorder()
    const executable = yield* real.vmo.fromBytes(dynamic ? dynamicExecutable() : staticExecutable(), {
      executable: true
    })
    const job = yield* real.job.root()
    const systemVdso = yield* real.systemVdso()
    const loader = yield* loaderChannel()
    const wrapped = FaultInjection.wrap(
      real,
      failAt === undefined ? { status: INJECTED } : { failAt, status: INJECTED },
      record
    )
    const exit = yield* Effect.exit(
      Effect.gen(function*() {
        const builder = yield* ProcessBuilder.make({ name: "fault", job, executable, systemVdso })
        if (dynamic) yield* ProcessBuilder.setLoaderService(builder, loader)
        return yield* ProcessBuilder.build(builder)
      }).pipe(Effect.provideService(Kernel.Kernel, wrapped))
    )
    const after = yield* real.stats
    return { calls: record.calls, injected: record.injected, exit, after }
  })

/**
 * A failure while configuring (`setLoaderService`) leaves the builder as it was, still owning its
 * process until its scope closes, as the crate's does; other failures release everything at once.
 */
const sweep = (dynamic: boolean, expected: ReadonlyArray<readonly [string, string, "configure"?]>) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const baseline = yield* k.stats
    const counted = yield* Effect.scoped(run(dynamic, undefined))
    assert.isTrue(Exit.isSuccess(counted.exit))
    assert.deepStrictEqual(counted.calls, expected.map((entry) => entry[0]))
    for (let i = 1; i <= expected.length; i++) {
      const [operation, tag, phase] = expected[i - 1]
      const result = yield* Effect.scoped(run(dynamic, i))
      assert.strictEqual(result.injected, operation)
      assert.isTrue(Exit.isFailure(result.exit), `call ${i} (${operation}) failing did not fail the build`)
      if (Exit.isFailure(result.exit)) {
        const error: ProcessBuilderError = yield* Effect.flip(result.exit)
        assert.strictEqual(error._tag, tag, `call ${i} (${operation})`)
        assert.strictEqual(error.asZxStatus(), expectedStatus(tag), `call ${i} (${operation})`)
      }
      if (phase !== "configure") {
        // Right after the failure: the process, its thread and every VMAR (loaded images,
        // reservation) are gone.
        assert.strictEqual(result.after.objects.PROCESS, 0, `call ${i} (${operation}): process left`)
        assert.strictEqual(result.after.objects.THREAD, 0, `call ${i} (${operation}): thread left`)
        assert.strictEqual(result.after.objects.VMAR, 0, `call ${i} (${operation}): VMAR left`)
      }
      for (let y = 0; y < 5; y++) yield* Effect.yieldNow()
      assert.deepStrictEqual(yield* k.stats, baseline, `call ${i} (${operation}): leak after the scope closed`)
    }
  }).pipe(Effect.provide(Kernel.layer))

describe("ProcessBuilder under fault injection", () => {
  it.effect(`static build: each of its ${STATIC_CALLS.length} kernel calls failing gives the right error and leaks nothing`, () =>
    sweep(false, STATIC_CALLS))

  it.effect(`dynamic build: each of its ${DYNAMIC_CALLS.length} kernel calls failing gives the right error and leaks nothing`, () =>
    sweep(true, DYNAMIC_CALLS))
})
