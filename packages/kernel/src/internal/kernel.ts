/**
 * Construction of a kernel: state, scheduler and host view, tied to a scope. The one module that
 * sees them all: it hands the scheduler the syscall dispatch function, and the syscalls and the host
 * the scheduler's narrow `Scheduling` face, so none of the three imports another.
 * @internal
 */
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import type * as Scope from "effect/Scope"
import { Cpu } from "../Cpu.js"
import type { KernelOptions, KernelShape } from "../Kernel.js"
import { TaskReturnCode } from "../Task.js"
import * as Vdso from "../Vdso.js"
import { PAGE_SIZE } from "../VmOptions.js"
import { killJob, makeHost } from "./host.js"
import { Scheduler } from "./scheduler.js"
import { KernelState } from "./state.js"
import { dispatchSyscall } from "./syscalls.js"
import { VmoObject } from "./vmo.js"

const DEFAULT_MEMORY = 1024 * 1024 * 1024

export const make = (options?: KernelOptions): Effect.Effect<KernelShape, never, Scope.Scope> =>
  Effect.gen(function*() {
    const cpu = yield* Effect.serviceOption(Cpu)
    const clock = yield* Effect.clock
    const seed = [yield* Random.nextInt, yield* Random.nextInt, yield* Random.nextInt, yield* Random.nextInt]
    // The vDSO's pages are the kernel's own image: they come on top of the memory asked for, so
    // a kernel of any size boots.
    const vdsoBytes = Math.ceil(Vdso.image().length / PAGE_SIZE) * PAGE_SIZE
    const state = new KernelState({
      memoryBytes: Math.max(0, options?.memoryBytes ?? DEFAULT_MEMORY) + vdsoBytes,
      seed,
      clock,
      cpu: Option.getOrNull(cpu)
    })
    const layout = Vdso.layout()
    const vdso = new VmoObject(state, 0, false)
    vdso.setSize(Vdso.image().length)
    vdso.write(0, Vdso.image())
    vdso.name = "vdso/libzircon.so"
    vdso.retain()
    state.vdso = vdso
    state.vdsoCodeOffset = layout.codeOffset
    const fibers = yield* FiberSet.make<void, never>()
    // The one place the scheduler meets the syscalls: it is handed their dispatch function.
    const scheduler: Scheduler = new Scheduler(
      state,
      fibers,
      (thread, pc) => dispatchSyscall(state, scheduler, thread, pc)
    )
    // Runs before the fiber set closes: dead processes stop their threads themselves.
    yield* Effect.addFinalizer(() => Effect.sync(() => killJob(state.rootJob, BigInt(TaskReturnCode.SYSCALL_KILL))))
    return makeHost(state, scheduler)
  })
