/**
 * Reference interpreter speed: guest instructions per second on three simple loops (integer ALU
 * work, loads/stores through the software TLB, and double-precision arithmetic), each next to a
 * native JavaScript loop that computes the same results exactly (64-bit integers as int32 halves,
 * the fastest exact way without BigInt; doubles as JS numbers, without the exception flags the
 * guest also computes), measured in the same run and checked to compute the same values. Both sides are
 * reported in guest instructions per second, so the ratio is the interpreter's speed relative to
 * the same work written directly in JS.
 *
 * @since 0.1.0
 */
import { Access, type CpuThread, TranslateFault } from "@zxsim/kernel/Cpu"
import * as A from "@zxsim/riscv/Assembler"
import * as RegisterFile from "@zxsim/riscv/RegisterFile"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import { type Entry, opsPerSecond, type Row } from "../Bench.js"

// Best of ROUNDS interleaved runs of MEASURE_MS, so a busy moment on a shared machine hits the
// subject and the peer alike.
const MEASURE_MS = 300
const ROUNDS = 4
/** Guest instructions per measured call (a multiple of both loops' lengths). */
const BUDGET = 1_400_000
const PAGE = 4096
const CODE = 0x10000
const DATA = 0x20000

const { a0, a1, a2, a3, a4, a5, t0, t1 } = A.Reg

/** A thread over a private memory: registers in frame 0, code in frame 1, data in frame 2. */
const thread = (program: A.Program): CpuThread => {
  const memory = new WebAssembly.Memory({ initial: 1 })
  new Uint8Array(memory.buffer).set(A.assemble(program), PAGE)
  const frames = new Map([[CODE / PAGE, { frame: 1, perms: Access.READ | Access.EXECUTE }], [DATA / PAGE, {
    frame: 2,
    perms: Access.READ | Access.WRITE
  }]])
  RegisterFile.writePc(memory, 0, BigInt(CODE))
  return {
    registers: 0,
    koid: 1,
    addressSpace: {
      id: 1,
      translate: (address, access) => {
        const page = frames.get(Math.floor(address / PAGE))
        if (page === undefined) return TranslateFault.NOT_MAPPED
        return (page.perms & access) === access ? page.frame * PAGE : TranslateFault.PERMISSION
      }
    },
    memory: { memory, generation: 0, epoch: 0, reserve: () => 0, watch: () => {}, unwatch: () => {} }
  }
}

/** Seven instructions per iteration of integer work; a0 counts down from far away. */
const aluLoop = [
  A.li(a0, 1n << 62n),
  A.li(a1, 0x0123_4567_89ab_cdefn),
  A.label("loop"),
  A.add(a1, a1, a0),
  A.xor(a3, a1, a0),
  A.slli(a4, a3, 3),
  A.srli(a5, a1, 7),
  A.sub(a1, a4, a5),
  A.addi(a0, a0, -1),
  A.bne(a0, 0, "loop"),
  A.label("end")
]

/** Eight instructions per iteration, a load and a store among them, over 256 words of one page. */
const memoryLoop = [
  A.li(a0, 1n << 62n),
  A.li(a2, DATA),
  A.label("loop"),
  A.andi(t0, a0, 0xff),
  A.slli(t0, t0, 3),
  A.add(t0, t0, a2),
  A.ld(t1, 0, t0),
  A.add(t1, t1, a0),
  A.sd(t1, 0, t0),
  A.addi(a0, a0, -1),
  A.bne(a0, 0, "loop"),
  A.label("end")
]

/**
 * Seven instructions per iteration, five of them double-precision arithmetic (round to nearest,
 * inexact results, so the exact flags are work): x = x * a + b (unfused), then x² / b and its root.
 */
const floatLoop = [
  A.li(a0, 1n << 62n),
  A.li(a1, 0x3fefff2e48e8a71en),
  A.fmvDX(1, a1), // a = 0.9999
  A.li(a1, 0x3fd7ae147ae147aen),
  A.fmvDX(2, a1), // b = 0.37
  A.li(a1, 0x3ff0000000000000n),
  A.fmvDX(0, a1), // x = 1
  A.label("loop"),
  A.opFp(2, 1, 0, 0, 1, A.Rm.RNE),
  A.opFp(0, 1, 0, 0, 2, A.Rm.RNE),
  A.opFp(2, 1, 3, 0, 0, A.Rm.RNE),
  A.opFp(3, 1, 4, 3, 2, A.Rm.RNE),
  A.opFp(0x0b, 1, 5, 4, 0, A.Rm.RNE),
  A.addi(a0, a0, -1),
  A.bne(a0, 0, "loop"),
  A.label("end")
]

/** The FP loop in JS doubles; the result is the last root's bits. */
const nativeFloat = (): Native => {
  const a = 0.9999
  const b = 0.37
  let x = 1
  let root = 0
  return {
    run: (iterations) => {
      for (let i = 0; i < iterations; i++) {
        x = x * a + b
        root = Math.sqrt((x * x) / b)
      }
    },
    result: () => {
      const view = new DataView(new ArrayBuffer(8))
      view.setFloat64(0, root, true)
      return view.getBigUint64(0, true)
    }
  }
}

/** A native peer: runs iterations, and says what the guest's checked register should hold. */
interface Native {
  readonly run: (iterations: number) => void
  readonly result: () => bigint
}

const pair = (hi: number, lo: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)

/** The ALU loop in JS: 64-bit values as (hi, lo) int32 pairs; the result is a1. */
const nativeAlu = (): Native => {
  let nHi = 0x40000000
  let nLo = 0
  let xHi = 0x01234567
  let xLo = 0x89abcdef | 0
  return {
    run: (iterations) => {
      for (let i = 0; i < iterations; i++) {
        // x += n
        let lo = (xLo + nLo) | 0
        xHi = (xHi + nHi + ((lo >>> 0) < (xLo >>> 0) ? 1 : 0)) | 0
        xLo = lo
        // t = x ^ n; u = t << 3; v = x >>> 7; x = u - v
        const tHi = xHi ^ nHi
        const tLo = xLo ^ nLo
        const uHi = (tHi << 3) | (tLo >>> 29)
        const uLo = tLo << 3
        const vHi = xHi >>> 7
        const vLo = (xLo >>> 7) | (xHi << 25)
        xHi = (uHi - vHi - ((uLo >>> 0) < (vLo >>> 0) ? 1 : 0)) | 0
        xLo = (uLo - vLo) | 0
        // n -= 1
        lo = (nLo - 1) | 0
        nHi = (nHi - (nLo === 0 ? 1 : 0)) | 0
        nLo = lo
      }
    },
    result: () => pair(xHi, xLo)
  }
}

/** The memory loop in JS over an Int32Array of 256 64-bit words; the result is their xor. */
const nativeMemory = (): Native => {
  const words = new Int32Array(512)
  let nHi = 0x40000000
  let nLo = 0
  return {
    run: (iterations) => {
      for (let i = 0; i < iterations; i++) {
        const at = (nLo & 0xff) << 1
        const lo = (words[at] + nLo) | 0
        words[at + 1] = (words[at + 1] + nHi + ((lo >>> 0) < (words[at] >>> 0) ? 1 : 0)) | 0
        words[at] = lo
        const next = (nLo - 1) | 0
        nHi = (nHi - (nLo === 0 ? 1 : 0)) | 0
        nLo = next
      }
    },
    result: () => {
      let x = 0n
      for (let i = 0; i < 256; i++) x ^= pair(words[2 * i + 1], words[2 * i])
      return x
    }
  }
}

const guestAlu = (guest: CpuThread) => RegisterFile.readX(guest.memory.memory, guest.registers, a1)
const guestFloat = (guest: CpuThread) =>
  new DataView(guest.memory.memory.buffer).getBigUint64(guest.registers + 512 + 8 * 5, true)
const guestMemory = (guest: CpuThread) => {
  const view = new DataView(guest.memory.memory.buffer)
  let x = 0n
  for (let i = 0; i < 256; i++) x ^= view.getBigUint64(2 * PAGE + 8 * i, true)
  return x
}

/** Instructions before the loop and in one iteration (all are 32-bit). */
const shape = (program: A.Program) => {
  const labels = A.assembleAt(program, 0).labels
  return { prologue: labels.get("loop")! / 4, body: (labels.get("end")! - labels.get("loop")!) / 4 }
}

const measure = (
  name: string,
  program: A.Program,
  native: () => Native,
  guestResult: (guest: CpuThread) => bigint
): Row => {
  // The peer must compute what the guest computes: compare after 1,000 iterations.
  const { body, prologue } = shape(program)
  const check = { cpu: RiscvInterpreter.make(), guest: thread(program), native: native() }
  check.cpu.run(check.guest, prologue + body * 1000)
  check.native.run(1000)
  if (guestResult(check.guest) !== check.native.result()) {
    throw new Error(`${name}: the native peer computes something else`)
  }

  const cpu = RiscvInterpreter.make()
  const guest = thread(program)
  const peerState = native()
  const subject = () => {
    const stop = cpu.run(guest, BUDGET)
    if (stop._tag !== "BudgetSpent") throw new Error(`guest stopped: ${JSON.stringify(stop)}`)
  }
  const peer = () => peerState.run(BUDGET / body)
  let best = { subject: 0, peer: 0 }
  for (let round = 0; round < ROUNDS; round++) {
    best = {
      subject: Math.max(best.subject, opsPerSecond(subject, MEASURE_MS)),
      peer: Math.max(best.peer, opsPerSecond(peer, MEASURE_MS))
    }
  }
  return {
    name,
    unit: "M instr/s",
    subject: (best.subject * BUDGET) / 1e6,
    peerName: "native JS loop",
    peer: (best.peer * BUDGET) / 1e6,
    notes: `guest instructions/s; the peer does one iteration's 64-bit work per ${body} instructions`
  }
}

/** The interpreter entry of `npm run bench`. */
export const entry: Entry = {
  name: "interpreter",
  run: async () => [
    measure("interpreter ALU loop", aluLoop, nativeAlu, guestAlu),
    measure("interpreter load/store loop", memoryLoop, nativeMemory, guestMemory),
    measure("interpreter double-precision loop", floatLoop, nativeFloat, guestFloat)
  ]
}
