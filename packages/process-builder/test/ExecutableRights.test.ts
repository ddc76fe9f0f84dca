/**
 * Executable rights end to end: the guest JIT (`guest_jit`) makes its code executable with the vmex
 * resource it was given, or with ZX_HANDLE_INVALID where its job's AMBIENT_MARK_VMO_EXEC policy
 * allows that, and is refused ACCESS_DENIED where the policy denies it or when it maps code it
 * never made executable. ld.so.1 makes a library VMO that its loader handed over without EXECUTE
 * executable with a vmex resource from its startup handles, and cannot map it without one. A guest
 * handles its own threads' exceptions (`exception_handler`). Nothing leaks.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Loader from "@zxsim/fidl/Loader"
import * as Guests from "@zxsim/guest/Guests"
import type { Cpu } from "@zxsim/kernel/Cpu"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Status } from "@zxsim/kernel/Status"
import { PolicyAction, PolicyCondition } from "@zxsim/kernel/Task"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { readFileSync } from "node:fs"
import { cpus } from "./cpus.js"
import { onKernel } from "./fixtures.js"
import { runGuest } from "./guests.js"

const onCpu = <A, E>(cpu: Layer.Layer<Cpu>, body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>) =>
  onKernel(body, cpu)

/** A job whose AMBIENT_MARK_VMO_EXEC policy is `action`. */
const jobWith = (action: number) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const job = yield* k.job.create(yield* k.job.root())
    yield* k.job.setPolicy(job, [{ condition: PolicyCondition.AMBIENT_MARK_VMO_EXEC, action }])
    return job
  })

const vmexHandle = Effect.flatMap(
  Kernel.Kernel,
  (k) => Effect.map(k.resource.vmex(), (handle) => ({ handle, info: HandleInfo.fromType("VmexResource") }))
)

/**
 * A loader over the prebuilt runtime files that hands ld.so.1 out executable (the builder maps it)
 * but every library without EXECUTE, as a loader that is not trusted with code would.
 */
const stingyLoader = Effect.gen(function*() {
  const k = yield* Kernel.Kernel
  const [client, server] = yield* k.channel.create()
  const files = new Map<string, Uint8Array>(
    Guests.libraryNames.map((name) => [name, new Uint8Array(readFileSync(Guests.libraryPath(name)))])
  )
  const layer = Layer.effect(
    Loader.Loader,
    Effect.map(Kernel.Kernel, (kernel) =>
      Loader.Loader.of({
        loadObject: (name) => {
          const bytes = files.get(name)
          if (bytes === undefined) return Effect.fail(new Loader.LoaderError({ name, status: Status.NOT_FOUND }))
          return Effect.mapError(
            kernel.vmo.fromBytes(bytes, { name, executable: name === "ld.so.1" }),
            (e) => new Loader.LoaderError({ name, status: e.status })
          )
        }
      }))
  )
  yield* Effect.forkScoped(Loader.serve(server).pipe(Effect.provide(layer), Effect.provide(NodeContext.layer)))
  return { handle: client, info: HandleInfo.fromType("LdsvcLoader") }
})

for (const [cpuName, cpu] of cpus.slice(0, 2)) {
  describe(`executable rights on the ${cpuName}`, () => {
    it.live("guest_jit runs its code with a vmex, or ambiently where its job allows it", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const ok = "guest_jit: f(20) = 41, then 60\n"
          // The vmex resource works whatever the policy says about ambient marking.
          const withVmex = yield* runGuest("guest_jit", {
            args: ["vmex"],
            handles: [yield* vmexHandle],
            job: yield* jobWith(PolicyAction.DENY)
          })
          assert.deepStrictEqual([withVmex.returnCode, withVmex.stdout], [0n, ok])
          const ambient = yield* runGuest("guest_jit", { args: ["ambient"], job: yield* jobWith(PolicyAction.ALLOW) })
          assert.deepStrictEqual([ambient.returnCode, ambient.stdout], [0n, ok])
        })
      ))

    it.live("guest_jit is refused ACCESS_DENIED without a vmex where ambient marking is denied, and when it maps code it never marked", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const denied = yield* runGuest("guest_jit", { args: ["ambient"], job: yield* jobWith(PolicyAction.DENY) })
          assert.deepStrictEqual([denied.returnCode, denied.stdout], [
            2n,
            `guest_jit: vmo_replace_as_executable: status ${Status.ACCESS_DENIED}\n`
          ])
          const unmarked = yield* runGuest("guest_jit", { args: ["none"] })
          assert.deepStrictEqual([unmarked.returnCode, unmarked.stdout], [
            3n,
            `guest_jit: vmar_map read+execute: status ${Status.ACCESS_DENIED}\n`
          ])
          const noHandle = yield* runGuest("guest_jit", { args: ["vmex"] })
          assert.strictEqual(noHandle.returnCode, 4n)
        })
      ))

    it.live("ld.so.1 makes libraries executable with the vmex in its startup handles, and fails without one", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const refused = yield* runGuest("hello_dynamic", { args: ["a"], handles: [yield* stingyLoader] })
          assert.strictEqual(refused.returnCode, 127n)
          assert.include(refused.stderr, "ACCESS_DENIED")
          const loaded = yield* runGuest("hello_dynamic", {
            args: ["a"],
            handles: [yield* stingyLoader, yield* vmexHandle]
          })
          assert.strictEqual(loaded.returnCode, 0n, loaded.stderr)
          assert.strictEqual(loaded.stdout, "hello_dynamic\na\n")
        })
      ))

    it.live("exception_handler handles its threads' exceptions from its own main thread", () =>
      onCpu(
        cpu,
        Effect.gen(function*() {
          const outcome = yield* runGuest("exception_handler")
          assert.strictEqual(outcome.returnCode, 0n, outcome.stdout)
          assert.include(outcome.stdout, "exception_handler: ok\n")
        })
      ))
  })
}
