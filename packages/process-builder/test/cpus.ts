/** The CPU layers every end-to-end test runs on: the reference interpreter and the JIT. */
import type { Cpu } from "@zxsim/kernel/Cpu"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import type * as Layer from "effect/Layer"

export const cpus: ReadonlyArray<readonly [string, Layer.Layer<Cpu>]> = [
  ["interpreter", RiscvInterpreter.layer],
  ["jit", RiscvJit.layer],
  // Compiling on first sight puts nearly all of every guest through compiled code.
  ["jit compiling everything", RiscvJit.layerWith({ hotness: 1 })]
]
