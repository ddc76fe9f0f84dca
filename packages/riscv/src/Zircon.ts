/**
 * The embedded default: the in-memory kernel running guests on this package's CPU. Effect
 * applications that just want to build and run RISC-V processes provide `Zircon.layer`; tests that
 * want another CPU, or a fault-injecting kernel, compose their own from `Kernel.layer` and a `Cpu`
 * layer instead.
 *
 * @since 0.1.0
 */
import type { Cpu } from "@zxsim/kernel/Cpu"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Layer from "effect/Layer"
import * as RiscvJit from "./RiscvJit.js"

/**
 * The CPU the embedded default uses: the JIT (`RiscvInterpreter.layer` is the reference).
 *
 * @since 0.1.0
 * @category layers
 */
export const defaultCpu: Layer.Layer<Cpu> = RiscvJit.layer

/**
 * The kernel with the default CPU.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Kernel.Kernel> = Kernel.layer.pipe(Layer.provide(defaultCpu))

/**
 * {@link layer} with kernel options (memory size).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options: Kernel.KernelOptions): Layer.Layer<Kernel.Kernel> =>
  Kernel.layerWith(options).pipe(Layer.provide(defaultCpu))
