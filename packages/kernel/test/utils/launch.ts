/**
 * Starts scripted guest processes for kernel tests: a process with the vDSO's code mapped at a
 * fixed address, a read/write data page, and a channel whose remote end is the bootstrap handle.
 */
import { assert } from "@effect/vitest"
import type * as Handle from "@zxsim/kernel/Handle"
import { Kernel } from "@zxsim/kernel/Kernel"
import * as KernelModule from "@zxsim/kernel/Kernel"
import * as Vdso from "@zxsim/kernel/Vdso"
import { VmOption } from "@zxsim/kernel/VmOptions"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type { ScriptCpu } from "./ScriptCpu.js"
import { layer, type Script, ScriptCpu as ScriptCpuClass } from "./ScriptCpu.js"

/** Where the vDSO's stubs are mapped in every scripted process. */
export const VDSO_CODE = 0x200000 + 0x1000_0000
/** Where the data page (64 KiB, read/write) is mapped. */
export const DATA = 0x200000 + 0x2000_0000

let nextEntry = 0x4000_0000

/** A started scripted process. */
export interface Launched {
  readonly process: Handle.Process
  readonly rootVmar: Handle.Vmar
  /** The host's end of the bootstrap channel (the guest got the other end in a0). */
  readonly channel: Handle.Channel
}

/** Creates and starts a process running `script` on `cpu`, in `job` (the root job by default). */
export const launch = (
  cpu: ScriptCpu,
  script: Script,
  name = "scripted",
  inJob?: Handle.Job
): Effect.Effect<Launched, unknown, Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const k = yield* Kernel
    const job = inJob ?? (yield* k.job.root())
    const { process, rootVmar } = yield* k.process.create(job, name)
    const vdso = yield* k.systemVdso()
    const layout = Vdso.layout()
    yield* k.vmar.map(
      rootVmar,
      VmOption.PERM_READ | VmOption.PERM_EXECUTE | VmOption.SPECIFIC,
      VDSO_CODE - 0x200000,
      vdso,
      layout.codeOffset,
      4096
    )
    cpu.vdsoCode = VDSO_CODE
    const data = yield* k.vmo.create(65536)
    yield* k.vmar.map(
      rootVmar,
      VmOption.PERM_READ | VmOption.PERM_WRITE | VmOption.SPECIFIC,
      DATA - 0x200000,
      data,
      0,
      65536
    )
    const thread = yield* k.thread.create(process, "main")
    const [local, remote] = yield* k.channel.create()
    const entry = nextEntry
    nextEntry += 0x1000
    cpu.program(entry, script)
    yield* k.process.start(process, thread, entry, DATA + 65536, remote, VDSO_CODE)
    return { process, rootVmar, channel: local }
  })

/**
 * Runs a test body against a fresh kernel (made with `options`, 1 GiB by default) driven by a fresh
 * scripted CPU (or the one `cpu` gives), then checks for leaks.
 */
export const withGuests = <A, E>(
  body: (cpu: ScriptCpu) => Effect.Effect<A, E, Kernel | Scope.Scope>,
  options?: KernelModule.KernelOptions,
  make: () => ScriptCpu = () => new ScriptCpuClass()
) => {
  const cpu = make()
  return Effect.gen(function*() {
    const k = yield* Kernel
    const before = yield* k.stats
    yield* Effect.scoped(body(cpu))
    assert.deepStrictEqual(yield* k.stats, before)
  }).pipe(Effect.provide(KernelModule.layerWith(options ?? {}).pipe(Layer.provide(layer(cpu)))))
}

/**
 * Lets the host's event loop run `turns` macrotasks. A started or woken guest thread may be parked
 * until the next macrotask (the kernel's host-liveness gate), so a test that needs a guest to have
 * reached its blocking call waits for host turns, not fiber yields.
 */
export const hostTurns = (turns: number): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    let left = turns
    const step = () => (--left <= 0 ? resume(Effect.void) : setImmediate(step))
    setImmediate(step)
  })
