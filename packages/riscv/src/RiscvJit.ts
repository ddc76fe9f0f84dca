/**
 * The WebAssembly JIT: the `Cpu` that runs hot guest code as WebAssembly functions and cold code
 * on the reference interpreter, with the interpreter's exact semantics (registers, memory, pc,
 * stop reasons, retired-instruction counts, the order of faults).
 *
 * How it works, in stages (each in its own file under `internal/jit/`):
 * 1. Find hot code: the interpreter counts entries into each pc (run starts, taken jumps and
 *    branches, exits of compiled code); a pc entered often enough starts a region.
 * 2. Build its control flow: the code of the entry's page and the next one reachable through
 *    fall-throughs and direct jumps and branches, as basic blocks (bounded in size).
 * 3. Emit: one WebAssembly function per region (guest registers in i64 locals, structured loops
 *    and branches, an inline software TLB for every load and store, F and D on the register file
 *    with f64 fast paths and the interpreter's FP unit for the rest), several regions per module.
 * 4. Install: functions share one function table; a dispatch table in linear memory maps a pc to
 *    its function, and compiled code tail-calls the next region through it, checking the budget.
 * 5. Invalidate: writes to code (guest stores, the kernel's own writes, freed frames) drop the
 *    translations made from those bytes; unmap, protect and every other epoch change empty the
 *    TLBs and the dispatch table, which is refilled only after checking each entry's page still
 *    maps, for execution, the frame its code came from.
 *
 * Faults, ECALL, EBREAK and illegal instructions leave compiled code with precise state before the
 * instruction; the interpreter then runs it, so every stop reason is the interpreter's own.
 * Compiled code never runs past its budget (it checks at its entry and loop heads against the
 * longest way to the next check) and the interpreter runs what is left, so `BudgetSpent` also
 * comes after exactly `budget` instructions, as on the interpreter.
 *
 * @since 0.1.0
 */
import { Cpu, type CpuShape } from "@zxsim/kernel/Cpu"
import * as Layer from "effect/Layer"
import { Jit, type JitOptions } from "./internal/jit/engine.js"

/**
 * Tuning of a JIT: `hotness` (entries into a pc before its region is compiled; 1 compiles on
 * first sight, for tests), `batch` (regions per WebAssembly module at most) and
 * `maxRegionInstructions`. Defaults are the constants in `internal/jit/tuning.ts`.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = JitOptions

/**
 * A new JIT. Each instance keeps its own translations, tables and counters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): CpuShape => new Jit(options)

/**
 * The JIT as the kernel's `Cpu`: a fresh instance each time the layer is built.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Cpu> = Layer.sync(Cpu, () => make())

/**
 * {@link layer} with tuning options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options: Options): Layer.Layer<Cpu> => Layer.sync(Cpu, () => make(options))
