/**
 * The CPU benchmark's fresh-process runner: `node coldRun.mjs NAME ELF SCALE` runs one benchmark
 * guest on the JIT in this new Node process and prints its result as one JSON line
 * ({@link ColdResult}). Nothing of an earlier run is warm here: zxsim's own JavaScript has not been
 * optimized by V8 yet, and V8 has no compiled WebAssembly to reuse (within one process it reuses
 * the code of a byte-identical module, so a program's second run skips compiling its regions).
 * The time counted starts at the process build, as in the in-process runs; Node's start-up and
 * module loading are left out.
 */
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Schema from "effect/Schema"
import { ColdResult, onZxsim } from "./zxsimRun.js"

const [name, path, scale] = process.argv.slice(2)
if (name === undefined || path === undefined || scale === undefined) {
  process.stderr.write("usage: coldRun NAME ELF SCALE\n")
  process.exit(2)
}
const timed = await onZxsim(RiscvJit.layer, name, path, Number(scale), true)
const result: typeof ColdResult.Type = {
  seconds: timed.seconds,
  cpu: timed.cpu,
  checksum: timed.checksum,
  stats: timed.stats ?? null,
  warmUpMs: timed.warmUpMs === undefined || Number.isNaN(timed.warmUpMs) ? null : timed.warmUpMs
}
process.stdout.write(`${JSON.stringify(Schema.encodeSync(ColdResult)(result))}\n`)
