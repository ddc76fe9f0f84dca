/**
 * Differential runs: the same random programs on the interpreter and on the JIT, from the same
 * state, compared stop by stop. A program runs in `run` calls of its budget; after a syscall or an
 * exception (other than a fetch fault or the final EBREAK) the host moves pc past the instruction
 * and runs on, as a kernel resuming a thread would. Every stop records the stop reason, x0–x31, pc,
 * f0–f31, fcsr and instret; the end records the data pages and the code page.
 *
 * The programs of a batch share one machine per engine, each in its own read/write/execute code
 * page, and every code page a run changed is restored after it. Every program runs three times on
 * the JIT: the first pass warms it up and compiles much of the batch, several regions per module
 * (as in a real process, where many spots heat up at once); later passes run that code.
 */
import type { CpuShape, StopReason } from "@zxsim/kernel/Cpu"
import { assembleAt } from "@zxsim/riscv/Assembler"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import { Machine, R, W, X } from "./Machine.js"
import { DATA, DATA_BYTES, FINAL_LABEL, PAGE, type RandomProgram, randomProgram, Rng } from "./RandomPrograms.js"

/** Where program `i` of a batch lives. */
export const CODE_BASE = 0x10_0000
const MAX_STOPS = 24
/** Runs of every program on the JIT (the first compiles much of the batch, later ones run it). */
const PASSES = 3

const codeAddress = (slot: number) => CODE_BASE + slot * PAGE

const makeMachine = (cpu: CpuShape, slots: number): Machine => {
  const m = new Machine(cpu, { wasmPages: 32 })
  m.map(CODE_BASE, slots * PAGE, R | W | X)
  m.map(DATA, 2 * PAGE, R | W)
  m.map(DATA + 2 * PAGE, PAGE, R)
  return m
}

/** Host write of whole pages, announcing watched frames to the CPU first (as the kernel does). */
const writePages = (m: Machine, address: number, bytes: Uint8Array): void => {
  for (let offset = 0; offset < bytes.length; offset += PAGE) {
    const at = m.physicalAddress(address + offset)
    m.physical.touch(at / PAGE)
    m.bytes.set(bytes.subarray(offset, Math.min(bytes.length, offset + PAGE)), at)
  }
}

const readPages = (m: Machine, address: number, length: number): Uint8Array => {
  const out = new Uint8Array(length)
  for (let offset = 0; offset < length; offset += PAGE) {
    const at = m.physicalAddress(address + offset)
    out.set(m.bytes.subarray(at, at + Math.min(PAGE, length - offset)), offset)
  }
  return out
}

const describeStop = (stop: StopReason): string =>
  stop._tag === "Exception"
    ? `${stop.kind} @${stop.address.toString(16)} pc ${stop.pc.toString(16)}`
    : stop._tag === "Syscall"
    ? `syscall pc ${stop.pc.toString(16)}`
    : "budget"

/** One engine's account of a program: each stop with the registers then, and its memory at the end. */
export interface Trace {
  readonly stops: ReadonlyArray<string>
  readonly records: ReadonlyArray<BigUint64Array>
  readonly data: Uint8Array
  readonly code: Uint8Array
}

/** A program loaded at its slot, ready to run on any machine of the batch. */
interface Loaded {
  readonly program: RandomProgram
  readonly slot: number
  readonly code: Uint8Array
  readonly finalBreak: number
}

const load = (program: RandomProgram, slot: number): Loaded => {
  const { bytes, labels } = assembleAt(program.items, codeAddress(slot))
  if (bytes.length > PAGE) throw new Error(`program ${program.seed} is ${bytes.length} bytes, more than a page`)
  // The whole page, zero after the program (wild stores may land anywhere in it).
  const code = new Uint8Array(PAGE)
  code.set(bytes)
  return { program, slot, code, finalBreak: labels.get(FINAL_LABEL)! }
}

/** Whether the page at `address` holds `bytes` (a page's worth), compared in place. */
const pageHolds = (m: Machine, address: number, bytes: Uint8Array): boolean =>
  Buffer.from(m.wasm.buffer, m.physicalAddress(address), PAGE).equals(Buffer.from(bytes.buffer, bytes.byteOffset, PAGE))

/** Registers per stop record: x0–x31, pc, instret, f0–f31, fcsr. */
const RECORD = 67

/**
 * Runs `loaded` on `m` from the program's initial state and records what happens. Afterwards
 * every code page of the batch it changed is written back (programs may store into code through a
 * wild pointer, not only when generated to, and later ones could read what it left).
 */
const trace = (m: Machine, loaded: Loaded, batch: ReadonlyArray<Loaded>): Trace => {
  const { program, slot } = loaded
  const base = codeAddress(slot)
  writePages(m, DATA, program.data)
  let regs = new BigUint64Array(m.wasm.buffer, m.registers, 98)
  for (let i = 1; i < 32; i++) regs[i] = program.registers[i]
  regs[32] = BigInt(base)
  for (let i = 0; i < 32; i++) regs[64 + i] = program.fRegisters[i]
  regs[96] = BigInt(program.fcsr)
  // instret starts at 0 for every program (counter reads are compared too).
  regs[97] = 0n
  const stops: Array<string> = []
  const records: Array<BigUint64Array> = []
  for (let n = 0; n < MAX_STOPS; n++) {
    const stop = m.run(program.budget)
    if (regs.buffer !== m.wasm.buffer) regs = new BigUint64Array(m.wasm.buffer, m.registers, 98)
    const record = new BigUint64Array(RECORD)
    record.set(regs.subarray(0, 33))
    record[33] = regs[97]
    record.set(regs.subarray(64, 97), 34)
    stops.push(describeStop(stop))
    records.push(record)
    if (stop._tag === "BudgetSpent") continue
    const pc = stop.pc
    if (stop._tag === "Exception") {
      if (stop.kind.startsWith("fetch") || pc === loaded.finalBreak) break
    }
    // Move past the instruction, as a kernel resuming the thread would.
    const low = m.bytes[m.physicalAddress(pc)]
    m.pc = pc + ((low & 3) === 3 ? 4 : 2)
  }
  const result = { stops, records, data: readPages(m, DATA, DATA_BYTES), code: readPages(m, base, PAGE) }
  for (const other of batch) {
    const at = codeAddress(other.slot)
    if (!pageHolds(m, at, other.code)) writePages(m, at, other.code)
  }
  return result
}

/** A difference between the engines on one program. */
export interface Divergence {
  readonly seed: number
  readonly pass: number
  readonly what: string
}

const describeRecord = (stop: string | undefined, record: BigUint64Array | undefined): string => {
  if (stop === undefined || record === undefined) return "(no stop)"
  const regs: Array<string> = []
  for (let i = 0; i < 32; i++) regs.push(`x${i}=${record[i].toString(16)}`)
  for (let i = 0; i < 32; i++) regs.push(`f${i}=${record[34 + i].toString(16)}`)
  return `${stop}; pc ${record[32].toString(16)} instret ${record[33]} fcsr ${record[66].toString(16)}; ${
    regs.join(" ")
  }`
}

const sameWords = (a: Uint8Array, b: Uint8Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length))

const firstDifference = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i
  return -1
}

const compare = (seed: number, pass: number, expected: Trace, actual: Trace): Divergence | null => {
  const n = Math.max(expected.stops.length, actual.stops.length)
  for (let i = 0; i < n; i++) {
    const e = expected.records[i]
    const a = actual.records[i]
    let same = expected.stops[i] === actual.stops[i] && e !== undefined && a !== undefined
    for (let r = 0; same && r < RECORD; r++) same = e[r] === a[r]
    if (!same) {
      return {
        seed,
        pass,
        what: `stop ${i}:\n  interpreter ${describeRecord(expected.stops[i], e)}\n  jit         ${
          describeRecord(actual.stops[i], a)
        }`
      }
    }
  }
  if (!sameWords(expected.data, actual.data)) {
    const i = firstDifference(expected.data, actual.data)
    return { seed, pass, what: `data byte at ${(DATA + i).toString(16)}: ${expected.data[i]} vs ${actual.data[i]}` }
  }
  if (!sameWords(expected.code, actual.code)) {
    const i = firstDifference(expected.code, actual.code)
    return { seed, pass, what: `code byte ${i}: ${expected.code[i]} vs ${actual.code[i]}` }
  }
  return null
}

/** What a batch did. */
export interface BatchResult {
  readonly programs: number
  readonly divergences: ReadonlyArray<Divergence>
  /** Instructions retired by compiled code and in total, on the JIT. */
  readonly compiled: number
  readonly total: number
  readonly modules: number
  readonly regions: number
}

/**
 * JIT tunings the batches alternate between: default-sized regions, tiny ones (more exits and
 * chaining), and compiling every entry on first sight (with `hotness` above 1, candidates that
 * other regions already translate wait for a second entry, so more of these short programs runs
 * interpreted).
 */
const TUNINGS: ReadonlyArray<RiscvJit.Options> = [
  { hotness: 2, batch: 64, patience: 2000 },
  { hotness: 2, batch: 64, maxRegionInstructions: 12, patience: 2000 },
  { hotness: 1, batch: 64, patience: 2000 }
]

/** Runs `count` programs drawn from `seed` on both engines and compares them. */
export const runBatch = (seed: number, count: number): BatchResult => {
  const rng = new Rng(seed)
  const loaded: Array<Loaded> = []
  for (let i = 0; i < count; i++) loaded.push(load(randomProgram(rng.next()), i))
  const interpreter = makeMachine(RiscvInterpreter.make(), count)
  const jitCpu = RiscvJit.make(TUNINGS[(seed >>> 0) % TUNINGS.length])
  const jit = makeMachine(jitCpu, count)
  const divergences: Array<Divergence> = []
  for (const l of loaded) {
    writePages(interpreter, codeAddress(l.slot), l.code)
    writePages(jit, codeAddress(l.slot), l.code)
  }
  const expected = loaded.map((l) => trace(interpreter, l, loaded))
  for (let pass = 1; pass <= PASSES; pass++) {
    loaded.forEach((l, i) => {
      const actual = trace(jit, l, loaded)
      const d = compare(l.program.seed, pass, expected[i], actual)
      if (d !== null) divergences.push(d)
    })
  }
  const stats = jitCpu.stats()
  return {
    programs: count,
    divergences,
    compiled: stats.compiledInstructions ?? 0,
    total: stats.instructions,
    modules: stats.modulesCompiled ?? 0,
    regions: stats.regionsCompiled ?? 0
  }
}
