/**
 * A test machine: a `CpuThread` over its own `WebAssembly.Memory` with a simple page table, so CPU
 * suites run without the kernel. It honours the port's contract the way the kernel does: `translate`
 * checks permissions, pages can be committed lazily (bumping the epoch, like the kernel), host
 * writes tell the CPU about watched frames first, and the memory can grow (bumping the generation).
 *
 * Suites take the CPU from {@link engines}, so the same tests run on every CPU implementation.
 */
import {
  Access,
  Cpu,
  type CpuMemory,
  type CpuShape,
  type CpuThread,
  type StopReason,
  TranslateFault
} from "@zxsim/kernel/Cpu"
import { assemble, type Program } from "@zxsim/riscv/Assembler"
import * as RegisterFile from "@zxsim/riscv/RegisterFile"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"

/** A fresh CPU from its layer, as the kernel would get it. */
const fromLayer = (layer: Layer.Layer<Cpu>) => (): CpuShape => ManagedRuntime.make(layer).runSync(Cpu)

/**
 * The CPUs every suite runs on, each made from its `Cpu` layer. The JIT compiles a pc the first
 * time it is entered, so the code under test runs compiled (and the interpreter only takes the
 * instructions compiled code hands back: faults, ECALL, EBREAK, illegal encodings).
 */
export const engines: ReadonlyArray<{ readonly name: string; readonly make: () => CpuShape }> = [
  { name: "interpreter", make: fromLayer(RiscvInterpreter.layer) },
  { name: "jit", make: fromLayer(RiscvJit.layerWith({ hotness: 1, patience: 0 })) }
]

export const PAGE = 4096
/** Permission bits, as the port's `Access`. */
export const R = Access.READ
export const W = Access.WRITE
export const X = Access.EXECUTE

/** Where {@link Machine.load} puts code, data and the stack. */
export const CODE = 0x10000
export const DATA = 0x80000
export const DATA_SIZE = 0x10000
export const STACK_TOP = 0x200000

interface Page {
  frame: number
  perms: number
  /** A fault `translate` reports for this page regardless of access (to simulate the kernel's others). */
  fault?: number
}

/**
 * Physical memory shared by machines: a `WebAssembly.Memory` carved into 4 KiB frames, with the
 * port's generation and epoch counters and the set of frames the CPU watches.
 */
export class Physical {
  readonly wasm: WebAssembly.Memory
  generation = 0
  epoch = 0
  readonly watched = new Set<number>()
  readonly memory: CpuMemory
  private nextFrame = 1

  constructor(readonly cpu: CpuShape, wasmPages: number) {
    this.wasm = new WebAssembly.Memory({ initial: wasmPages, maximum: 1024 })
    const physical = this
    this.memory = {
      get memory() {
        return physical.wasm
      },
      get generation() {
        return physical.generation
      },
      get epoch() {
        return physical.epoch
      },
      reserve: (frames) => this.allocateFrames(frames) * PAGE,
      watch: (frame) => {
        this.watched.add(frame)
      },
      unwatch: (frame) => {
        this.watched.delete(frame)
      }
    }
  }

  get bytes(): Uint8Array {
    return new Uint8Array(this.wasm.buffer)
  }

  /** Contiguous fresh frames, growing the memory when needed; returns the first frame number. */
  allocateFrames(count: number): number {
    const first = this.nextFrame
    this.nextFrame += count
    while (this.nextFrame * PAGE > this.wasm.buffer.byteLength) this.grow(1)
    return first
  }

  /** Grows the memory by `wasmPages`, detaching old views, as the kernel's frame pool does. */
  grow(wasmPages: number): void {
    this.wasm.grow(wasmPages)
    this.generation++
  }

  /** Announces a host write to `frame`, as the kernel does before writing a watched frame. */
  touch(frame: number): void {
    if (this.watched.has(frame)) {
      this.watched.delete(frame)
      this.cpu.codeWritten(frame)
    }
  }
}

let nextAddressSpaceId = 1

/** Options of a {@link Machine}. */
export interface MachineOptions {
  /** Wasm pages the memory starts with (16 = 64 frames). */
  readonly wasmPages?: number
  /** Share this machine's physical memory and CPU (a second address space and thread). */
  readonly share?: Machine
}

/** One machine: physical memory, a page table (one address space), one thread and a CPU. */
export class Machine implements CpuThread {
  readonly koid = 1
  readonly physical: Physical
  readonly cpu: CpuShape
  readonly addressSpace: CpuThread["addressSpace"]
  readonly registers: number
  /** Virtual page number -> frame and permissions; frame -1 = not committed yet. */
  readonly pages = new Map<number, Page>()
  /** How many translate calls the CPU made, for tests of the TLB. */
  translateCalls = 0

  constructor(cpu: CpuShape, options: MachineOptions = {}) {
    this.physical = options.share?.physical ?? new Physical(cpu, options.wasmPages ?? 16)
    this.cpu = this.physical.cpu
    this.addressSpace = { id: nextAddressSpaceId++, translate: (address, access) => this.translate(address, access) }
    this.registers = this.physical.allocateFrames(1) * PAGE
  }

  get memory(): CpuMemory {
    return this.physical.memory
  }

  get wasm(): WebAssembly.Memory {
    return this.physical.wasm
  }

  get bytes(): Uint8Array {
    return this.physical.bytes
  }

  /** Bumps the epoch: every translation a CPU cached may be stale. */
  invalidate(): void {
    this.physical.epoch++
  }

  translate(address: number, access: number): number {
    this.translateCalls++
    if (!Number.isSafeInteger(address) || address < 0) throw new Error(`translate given ${address}`)
    const page = this.pages.get(Math.floor(address / PAGE))
    if (page === undefined) return TranslateFault.NOT_MAPPED
    if ((page.perms & access) !== access) return TranslateFault.PERMISSION
    if (page.fault !== undefined) return page.fault
    if (page.frame < 0) {
      // Lazy commit: a fresh frame, and (like the kernel) a new epoch.
      page.frame = this.physical.allocateFrames(1)
      this.invalidate()
    }
    return page.frame * PAGE
  }

  /** Maps `size` bytes at `address` (page-aligned) with `perms`; `lazy` pages get frames on first use. */
  map(address: number, size: number, perms: number, lazy = false): void {
    for (let a = address; a < address + size; a += PAGE) {
      this.pages.set(a / PAGE, { frame: lazy ? -1 : this.physical.allocateFrames(1), perms })
    }
    this.invalidate()
  }

  /** Maps the page at `address` to the frame behind the page at `source` (a second view of it). */
  alias(address: number, source: number, perms: number): void {
    this.physicalAddress(source)
    this.pages.set(address / PAGE, { frame: this.pages.get(source / PAGE)!.frame, perms })
    this.invalidate()
  }

  /** Maps a page whose translations fail with `fault` (BEYOND_VMO or NO_MEMORY), as the kernel's can. */
  mapFaulting(address: number, perms: number, fault: number): void {
    this.pages.set(address / PAGE, { frame: -1, perms, fault })
    this.invalidate()
  }

  /** Changes the permissions of mapped pages. */
  protect(address: number, size: number, perms: number): void {
    for (let a = address; a < address + size; a += PAGE) this.pages.get(a / PAGE)!.perms = perms
    this.invalidate()
  }

  /** Removes pages. */
  unmap(address: number, size: number): void {
    for (let a = address; a < address + size; a += PAGE) this.pages.delete(a / PAGE)
    this.invalidate()
  }

  /** The physical byte address behind a virtual address, committing the page (host access). */
  physicalAddress(address: number): number {
    const page = this.pages.get(Math.floor(address / PAGE))
    if (page === undefined) throw new Error(`host access to unmapped ${address.toString(16)}`)
    if (page.frame < 0) {
      page.frame = this.physical.allocateFrames(1)
      this.invalidate()
    }
    return page.frame * PAGE + (address % PAGE)
  }

  /** Writes bytes as the kernel would: watched frames are announced to the CPU first. */
  write(address: number, data: Uint8Array): void {
    for (let i = 0; i < data.length;) {
      const at = this.physicalAddress(address + i)
      const n = Math.min(data.length - i, PAGE - (at % PAGE))
      this.physical.touch(Math.floor(at / PAGE))
      this.bytes.set(data.subarray(i, i + n), at)
      i += n
    }
  }

  read(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length)
    for (let i = 0; i < length;) {
      const at = this.physicalAddress(address + i)
      const n = Math.min(length - i, PAGE - (at % PAGE))
      out.set(this.bytes.subarray(at, at + n), i)
      i += n
    }
    return out
  }

  readU64(address: number): bigint {
    return new DataView(this.read(address, 8).buffer).getBigUint64(0, true)
  }

  writeU64(address: number, value: bigint): void {
    const b = new Uint8Array(8)
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, value), true)
    this.write(address, b)
  }

  /** `x<i>` as an unsigned value. */
  x(i: number): bigint {
    return RegisterFile.readX(this.wasm, this.registers, i)
  }

  /** `x<i>` as a signed value. */
  sx(i: number): bigint {
    return BigInt.asIntN(64, this.x(i))
  }

  setX(i: number, value: bigint | number): void {
    RegisterFile.writeX(this.wasm, this.registers, i, BigInt(value))
  }

  /** `f<i>` as its 64 raw bits (a single is NaN-boxed: upper 32 bits all ones). */
  f(i: number): bigint {
    return new DataView(this.wasm.buffer).getBigUint64(this.registers + 512 + 8 * i, true)
  }

  /** Sets `f<i>`'s 64 raw bits. */
  setF(i: number, value: bigint): void {
    new DataView(this.wasm.buffer).setBigUint64(this.registers + 512 + 8 * i, BigInt.asUintN(64, value), true)
  }

  /** `fcsr` (frm in bits 7:5, fflags in 4:0). */
  get fcsr(): number {
    return new DataView(this.wasm.buffer).getUint32(this.registers + 768, true)
  }

  set fcsr(value: number) {
    new DataView(this.wasm.buffer).setUint32(this.registers + 768, value, true)
  }

  get pc(): bigint {
    return RegisterFile.readPc(this.wasm, this.registers)
  }

  set pc(value: bigint | number) {
    RegisterFile.writePc(this.wasm, this.registers, BigInt(value))
  }

  get instret(): bigint {
    return RegisterFile.readInstret(this.wasm, this.registers)
  }

  /** All of x0..x31 and pc, for comparing whole states. */
  snapshot(): Array<bigint> {
    const out: Array<bigint> = []
    for (let i = 0; i < 32; i++) out.push(this.x(i))
    out.push(this.pc)
    return out
  }

  run(budget = 1_000_000): StopReason {
    return this.cpu.run(this, budget)
  }

  /**
   * Writes `program` at {@link CODE} (mapping the standard layout on first use), sets the given
   * registers, points pc at the program and runs it.
   */
  exec(program: Program, registers: Readonly<Record<number, bigint | number>> = {}, budget = 1_000_000): StopReason {
    this.load(program)
    for (const [index, value] of Object.entries(registers)) this.setX(Number(index), value)
    return this.run(budget)
  }

  /**
   * Maps code (read+execute) at {@link CODE}, data (read+write) at {@link DATA} and a 64 KiB stack
   * below {@link STACK_TOP}, writes the program, and points pc at it and sp at the stack top.
   */
  load(program: Program | Uint8Array, options: { readonly codeSize?: number } = {}): this {
    const bytes = program instanceof Uint8Array ? program : assemble(program)
    const codeSize = options.codeSize ?? Math.max(PAGE, Math.ceil(bytes.length / PAGE) * PAGE)
    if (!this.pages.has(CODE / PAGE)) {
      this.map(CODE, codeSize, R | X)
      this.map(DATA, DATA_SIZE, R | W)
      this.map(STACK_TOP - 0x10000, 0x10000, R | W)
    }
    this.write(CODE, bytes)
    this.pc = CODE
    this.setX(2, STACK_TOP)
    return this
  }
}
