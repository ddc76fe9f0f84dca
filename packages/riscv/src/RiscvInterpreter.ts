/**
 * The reference interpreter: the `Cpu` the kernel runs guest threads on when exactness matters
 * more than speed, and the semantics the JIT is checked against.
 *
 * What it implements: RV64GC (I, M, A, F, D, C, Zicsr for the FP CSRs and the read-only user
 * counters, Zifencei), Zba, Zbb and Zbs, FENCE, ECALL and EBREAK; floating point exact to the ISA
 * in all five rounding modes with exact `fflags` (see `internal/fp/fpu.ts`). With these choices
 * where the ISA leaves one open:
 * - Misaligned loads and stores are emulated (also across a page boundary, translating both
 *   pages before touching either, so a faulting store writes nothing). Misaligned LR, SC and AMOs
 *   raise `load-misaligned` (LR) or `store-misaligned` (SC, AMOs).
 * - `cycle`, `time` and `instret` all read the thread's count of retired instructions (kept in
 *   the register file's private words, see `RegisterFile.INSTRET_OFFSET`): one cycle per
 *   instruction and a timebase of one tick per instruction, so a guest sees no wall clock and a
 *   run is reproducible. ECALL, EBREAK and faulting instructions do not retire.
 * - The LR/SC reservation covers the bytes LR read and is dropped at every `run` (a context
 *   switch), so an SC after a syscall or the end of a slice fails, which the ISA allows.
 * - Failed translations are page faults when the page is unmapped or the access is not allowed,
 *   and access faults when the mapping has nothing behind it (past the VMO's end, out of memory).
 *   A fault's `address` is exact below 2^53; larger addresses are never mapped and are reported
 *   rounded, while the register file keeps pc's exact bits.
 * - AMOs and SC translate for writing only (the kernel never maps a page writable but not
 *   readable), so any failure is a store fault.
 * - pc is always even after a jump; an odd pc set by the host stops with `fetch-misaligned`.
 * - FP state (`f0`–`f31`, `fcsr`) lives in the register file and starts as the kernel leaves a
 *   new register file: zero (so a single read from a zeroed register is the canonical NaN).
 *   `mstatus.FS` is always Dirty: FP instructions are always enabled.
 * - FCVT.D.S, FCVT.D.W and FCVT.D.WU accept every valid rounding mode (they never round) and,
 *   like every instruction with `rm`, are illegal with a reserved one.
 *
 * @since 0.1.0
 */
import { Cpu, type CpuShape } from "@zxsim/kernel/Cpu"
import * as Layer from "effect/Layer"
import * as internal from "./internal/interpreter.js"

/**
 * A new interpreter. Each instance keeps its own TLBs, decode caches and counters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (): CpuShape => internal.make()

/**
 * The interpreter as the kernel's `Cpu`: a fresh instance each time the layer is built.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Cpu> = Layer.sync(Cpu, make)
