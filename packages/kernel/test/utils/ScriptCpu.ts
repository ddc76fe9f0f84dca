/**
 * A scripted CPU for kernel tests: instead of decoding instructions, each thread runs a generator
 * that yields the syscalls (or faults, or busy work) a real program would produce. It drives the
 * kernel's scheduler and syscall handlers exactly as a RISC-V CPU does, through the `Cpu` port:
 * registers in the register file, an `ecall` at the vDSO stub's address, results read back from a0.
 */
import {
  Cpu,
  type CpuShape,
  type CpuThread,
  type ExceptionKind,
  INSTRET_OFFSET,
  PC_OFFSET,
  type StopReason,
  TranslateFault
} from "@zxsim/kernel/Cpu"
import * as Syscalls from "@zxsim/kernel/Syscalls"
import * as Vdso from "@zxsim/kernel/Vdso"
import * as Layer from "effect/Layer"

/** What a script yields. */
export type Step =
  | { readonly _tag: "Syscall"; readonly name: string; readonly args: ReadonlyArray<number | bigint> }
  | { readonly _tag: "Fault"; readonly kind: ExceptionKind; readonly address: number }
  | { readonly _tag: "EcallAt"; readonly pc: number; readonly number: number }
  | { readonly _tag: "Spin" }
  | { readonly _tag: "Store"; readonly address: number; readonly bytes: Uint8Array }

/** Access to the running thread's memory and registers from a script. */
export interface Machine {
  readonly a: (index: number) => bigint
  readonly read: (address: number, length: number) => Uint8Array
  readonly write: (address: number, bytes: Uint8Array) => void
  readonly u32: (address: number) => number
  /** The memory's translation epoch now (it moves when a cached translation may be stale). */
  readonly epoch: () => number
}

/** A guest program: a generator of steps; each syscall step resumes with a0 (as a signed bigint). */
export type Script = (machine: Machine) => Generator<Step, void, bigint>

/** Builders for steps. */
export const sys = (name: string, ...args: ReadonlyArray<number | bigint>): Step => ({ _tag: "Syscall", name, args })
export const spin: Step = { _tag: "Spin" }
/**
 * A store by the guest, translated as a CPU does it: a page that cannot be had (unmapped, read-only,
 * past its VMO, or no memory to commit it) stops the thread with a store fault.
 */
export const store = (address: number, bytes: Uint8Array): Step => ({ _tag: "Store", address, bytes })
export const fault = (kind: ExceptionKind, address = 0): Step => ({ _tag: "Fault", kind, address })

interface Running {
  readonly generator: Generator<Step, void, bigint>
  started: boolean
}

/**
 * The scripted CPU. Register a script under the entry address a process will be started at; the
 * vDSO's code must be mapped at `vdsoCode` (the address of stub 0) in that process.
 */
export class ScriptCpu implements CpuShape {
  readonly name = "script"
  private readonly scripts = new Map<number, Script>()
  private readonly running = new Map<number, Running>()
  private instructions = 0
  vdsoCode = 0

  /** Registers the script run by threads started at `entry`. */
  program(entry: number, script: Script): void {
    this.scripts.set(entry, script)
  }

  run(thread: CpuThread, budget: number): StopReason {
    const view = new DataView(thread.memory.memory.buffer)
    const regs = thread.registers
    const machine: Machine = {
      a: (i) => view.getBigInt64(regs + (10 + i) * 8, true),
      read: (address, length) => {
        const out = new Uint8Array(length)
        for (let i = 0; i < length; i++) {
          const page = thread.addressSpace.translate(address + i, 1)
          if (page < 0) throw new Error(`script read fault at ${address + i}`)
          out[i] = new Uint8Array(thread.memory.memory.buffer)[page + ((address + i) % 4096)]
        }
        return out
      },
      write: (address, bytes) => {
        for (let i = 0; i < bytes.length; i++) {
          const page = thread.addressSpace.translate(address + i, 2)
          if (page < 0) throw new Error(`script write fault at ${address + i}`)
          new Uint8Array(thread.memory.memory.buffer)[page + ((address + i) % 4096)] = bytes[i]
        }
      },
      u32: (address) => new DataView(machine.read(address, 4).buffer).getUint32(0, true),
      epoch: () => thread.memory.epoch
    }
    let state = this.running.get(thread.koid)
    if (state === undefined) {
      const pc = Number(view.getBigUint64(regs + PC_OFFSET, true))
      const script = this.scripts.get(pc)
      if (script === undefined) return { _tag: "Exception", kind: "fetch-page-fault", address: pc, pc }
      state = { generator: script(machine), started: false }
      this.running.set(thread.koid, state)
    }
    const result = state.started ? view.getBigInt64(regs + 10 * 8, true) : 0n
    state.started = true
    const next = state.generator.next(result)
    this.instructions++
    if (next.done === true) {
      this.running.delete(thread.koid)
      return { _tag: "Exception", kind: "illegal-instruction", address: 0, pc: 0 }
    }
    const step = next.value
    // The retired-instruction count the kernel charges slices by: a spin retires the whole
    // budget, any other step one instruction.
    const retire = (n: number) =>
      view.setBigUint64(regs + INSTRET_OFFSET, view.getBigUint64(regs + INSTRET_OFFSET, true) + BigInt(n), true)
    switch (step._tag) {
      case "Spin":
        this.instructions += budget
        retire(budget)
        return { _tag: "BudgetSpent" }
      case "Fault": {
        this.running.delete(thread.koid)
        const pc = Number(view.getBigUint64(regs + PC_OFFSET, true))
        return { _tag: "Exception", kind: step.kind, address: step.address, pc }
      }
      case "Store": {
        for (let i = 0; i < step.bytes.length; i++) {
          const at = step.address + i
          const page = thread.addressSpace.translate(at, 2)
          if (page < 0) {
            this.running.delete(thread.koid)
            const pc = Number(view.getBigUint64(regs + PC_OFFSET, true))
            const kind = page === TranslateFault.NOT_MAPPED || page === TranslateFault.PERMISSION
              ? "store-page-fault"
              : "store-access-fault"
            return { _tag: "Exception", kind, address: at, pc }
          }
          new Uint8Array(thread.memory.memory.buffer)[page + (at % 4096)] = step.bytes[i]
        }
        return { _tag: "BudgetSpent" }
      }
      case "EcallAt": {
        view.setBigUint64(regs + 5 * 8, BigInt(step.number), true)
        view.setBigUint64(regs + PC_OFFSET, BigInt(step.pc), true)
        return { _tag: "Syscall", pc: step.pc }
      }
      case "Syscall": {
        retire(1)
        const number = Syscalls.numberOf(step.name)
        view.setBigUint64(regs + 5 * 8, BigInt(number), true)
        step.args.forEach((arg, i) => view.setBigUint64(regs + (10 + i) * 8, BigInt.asUintN(64, BigInt(arg)), true))
        const pc = this.vdsoCode + number * Vdso.STUB_SIZE + Vdso.ECALL_OFFSET
        view.setBigUint64(regs + PC_OFFSET, BigInt(pc), true)
        return { _tag: "Syscall", pc }
      }
    }
  }

  codeWritten(): void {}

  stats() {
    return { instructions: this.instructions }
  }

  /** Forgets a thread's script state (after its process died). */
  forget(): void {
    this.running.clear()
  }
}

/** A layer providing a fresh scripted CPU as the kernel's `Cpu`, and the instance for programming it. */
export const layer = (cpu: ScriptCpu): Layer.Layer<Cpu> => Layer.succeed(Cpu, cpu)
