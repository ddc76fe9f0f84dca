/**
 * The long differential run: `npm run difftest -w @zxsim/riscv -- [programs] [first seed]` runs
 * that many random programs (default 100,000) on the interpreter and on the JIT and prints the
 * count, the share of instructions the JIT ran compiled, and every divergence (with the seed that
 * reproduces it). Exits 1 if any program diverged.
 */
import { runBatch } from "../test/utils/Differential.js"

const BATCH = 32
const total = Number(process.argv[2] ?? 100_000)
const firstSeed = Number(process.argv[3] ?? 1)
let programs = 0
let compiled = 0
let instructions = 0
let modules = 0
let regions = 0
let divergent = 0
const started = performance.now()
for (let batch = 0; programs < total; batch++) {
  const count = Math.min(BATCH, total - programs)
  const result = runBatch(firstSeed + batch, count)
  programs += result.programs
  compiled += result.compiled
  instructions += result.total
  modules += result.modules
  regions += result.regions
  for (const d of result.divergences) {
    divergent++
    process.stdout.write(`divergence: program seed ${d.seed} (batch seed ${firstSeed + batch}), pass ${d.pass}: ${d.what}\n`)
  }
  if ((batch + 1) % 100 === 0) process.stdout.write(`${programs} programs, ${divergent} divergences\n`)
}
const seconds = (performance.now() - started) / 1000
process.stdout.write(
  `programs: ${programs}\ndivergences: ${divergent}\n` +
    `JIT instructions compiled: ${compiled} of ${instructions} (${((100 * compiled) / instructions).toFixed(1)}%)\n` +
    `modules: ${modules}, regions: ${regions}\ntime: ${seconds.toFixed(1)} s\n`
)
process.exit(divergent === 0 ? 0 : 1)
