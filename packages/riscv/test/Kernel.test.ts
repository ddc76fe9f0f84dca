/**
 * Each CPU as the real kernel's `Cpu`: guest processes built from assembled code run end to end
 * (over many scheduler slices), make syscalls through the vDSO, are killed by their exceptions,
 * and see the kernel's own writes to code. Nothing leaks.
 */
import { assert, describe, it } from "@effect/vitest"
import type { Cpu } from "@zxsim/kernel/Cpu"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import { TaskReturnCode } from "@zxsim/kernel/Task"
import * as Vdso from "@zxsim/kernel/Vdso"
import { VmOption } from "@zxsim/kernel/VmOptions"
import * as A from "@zxsim/riscv/Assembler"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"

const { a0, a1, a2, a3, ra, sp, t0, t1, t2 } = A.Reg

/** The CPU layers every test runs on (the JIT also with everything compiled on first sight). */
const cpus: ReadonlyArray<readonly [string, Layer.Layer<Cpu>]> = [
  ["RiscvInterpreter", RiscvInterpreter.layer],
  ["RiscvJit", RiscvJit.layer],
  ["RiscvJit compiling everything", RiscvJit.layerWith({ hotness: 1, patience: 0 })]
]

/** Runs `body` against a fresh kernel on a fresh `cpu`, then checks nothing leaked. */
const withKernel = <A, E>(cpu: Layer.Layer<Cpu>, body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const before = yield* k.stats
    const result = yield* Effect.scoped(body)
    assert.deepStrictEqual(yield* k.stats, before)
    return result
  }).pipe(Effect.provide(Kernel.layer.pipe(Layer.provide(cpu))))

/**
 * Starts a process whose code VMO holds `code` (mapped read+execute), with 64 KiB of read/write
 * data whose end is the stack, and the vDSO's `zx_process_exit` address in a1.
 */
const start = (code: Handle.Vmo) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const { process, rootVmar } = yield* k.process.create(yield* k.job.root(), "riscv")
    const layout = Vdso.layout()
    const vdso = yield* k.systemVdso()
    const vdsoAt = yield* k.vmar.map(
      rootVmar,
      VmOption.PERM_READ | VmOption.PERM_EXECUTE,
      0,
      vdso,
      layout.codeOffset,
      4096
    )
    const exit = layout.symbols.find((s) => s.name === "zx_process_exit")!
    const codeAt = yield* k.vmar.map(rootVmar, VmOption.PERM_READ | VmOption.PERM_EXECUTE, 0, code, 0, 4096)
    const data = yield* k.vmo.create(65536)
    const dataAt = yield* k.vmar.map(rootVmar, VmOption.PERM_READ | VmOption.PERM_WRITE, 0, data, 0, 65536)
    const thread = yield* k.thread.create(process, "main")
    yield* k.process.start(process, thread, codeAt, dataAt + 65536, null, vdsoAt + exit.value - layout.codeOffset)
    yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
    return (yield* k.process.info(process)).returnCode
  })

const run = (program: A.Program) =>
  Effect.flatMap(
    Kernel.Kernel,
    (k) => Effect.flatMap(k.vmo.fromBytes(A.assemble(program), { executable: true }), start)
  )

/** sum of i * i for i = 1..n, then remainder by 1_000_003, then times the quotient: 64-bit exact. */
const expected = (n: bigint) => {
  let sum = 0n
  for (let i = 1n; i <= n; i++) sum = BigInt.asUintN(64, sum + i * i)
  return BigInt.asIntN(64, (sum % 1_000_003n) * (sum / 1_000_003n))
}

describe.each(cpus)("%s on the kernel", (_, cpu) => {
  it.effect("a guest computes over many slices and exits through the vDSO with its result", () =>
    withKernel(
      cpu,
      Effect.gen(function*() {
        const n = 150_000
        const code = yield* run([
          A.mv(t2, a1), // zx_process_exit
          A.li(t0, n),
          A.li(t1, 0),
          A.label("loop"),
          A.mul(a2, t0, t0),
          A.add(t1, t1, a2),
          // Spill and reload through the stack, as compiled code would.
          A.addi(sp, sp, -16),
          A.sd(t1, 8, sp),
          A.ld(t1, 8, sp),
          A.addi(sp, sp, 16),
          A.addi(t0, t0, -1),
          A.bne(t0, 0, "loop"),
          A.li(a2, 1_000_003),
          A.remu(a0, t1, a2),
          A.divu(a1, t1, a2),
          A.mul(a0, a0, a1),
          A.jalr(ra, 0, t2),
          A.ebreak()
        ])
        assert.strictEqual(code, expected(BigInt(n)))
        const stats = yield* (yield* Kernel.Kernel).executionStats
        assert.isAtLeast(stats.cpu?.instructions ?? 0, 8 * n)
        assert.isAtLeast(stats.slices, 5)
        assert.isAtLeast(stats.syscalls, 1)
      })
    ))

  it.effect("FP registers and fcsr are thread state that survives time slices", () =>
    withKernel(
      cpu,
      Effect.gen(function*() {
        // frm = RUP once, then f1 += 2^-60 many times: rounding up adds one ulp (2^-52) each time,
        // which only happens if frm, f1 and f4 survive every slice; NX accrues.
        const n = 20_000
        const code = yield* run([
          A.mv(t2, a1),
          A.fsrmi(0, A.Rm.RUP),
          A.li(a2, 1),
          A.opFp(0x1a, 1, 1, a2, 0, A.Rm.RNE), // f1 = 1.0
          A.li(a2, 0x3c3),
          A.slli(a2, a2, 52),
          A.fmvDX(4, a2), // f4 = 2^-60
          A.li(t0, n),
          A.label("loop"),
          A.opFp(0, 1, 1, 1, 4, A.Rm.DYN),
          // Integer work in between, so the loop spans many slices.
          A.li(t1, 20),
          A.label("spin"),
          A.addi(t1, t1, -1),
          A.bne(t1, 0, "spin"),
          A.addi(t0, t0, -1),
          A.bne(t0, 0, "loop"),
          A.fmvXD(a0, 1),
          A.li(a2, 0x3ff),
          A.slli(a2, a2, 52),
          A.sub(a0, a0, a2),
          A.slli(a0, a0, 8),
          A.csrrs(a3, 0x003, 0),
          A.or(a0, a0, a3),
          A.jalr(ra, 0, t2)
        ])
        assert.strictEqual(code, BigInt(n * 256 + ((A.Rm.RUP << 5) | 1)))
        const stats = yield* (yield* Kernel.Kernel).executionStats
        assert.isAtLeast(stats.slices, 3)
      })
    ))

  it.effect("atomics and the stack work in a guest", () =>
    withKernel(
      cpu,
      Effect.gen(function*() {
        const code = yield* run([
          A.mv(t2, a1),
          A.addi(sp, sp, -16),
          A.sd(0, 0, sp),
          A.li(t0, 10),
          A.li(t1, 1),
          A.label("add"),
          A.amoaddD(0, t1, sp),
          A.label("retry"),
          A.lrD(a2, sp),
          A.addi(a2, a2, 2),
          A.scD(a0, a2, sp),
          A.bne(a0, 0, "retry"),
          A.addi(t0, t0, -1),
          A.bne(t0, 0, "add"),
          A.ld(a0, 0, sp),
          A.jalr(ra, 0, t2)
        ])
        assert.strictEqual(code, 30n)
      })
    ))

  it.effect("illegal instructions, stores to code and ecalls outside the vDSO kill the process", () =>
    withKernel(
      cpu,
      Effect.gen(function*() {
        const kill = BigInt(TaskReturnCode.EXCEPTION_KILL)
        assert.strictEqual(yield* run([A.li(a0, 1), 0xffffffff]), kill)
        assert.strictEqual(yield* run([A.auipc(t0, 0), A.sw(0, 0, t0)]), kill)
        assert.strictEqual(yield* run([A.li(t0, 0), A.ecall()]), kill)
        assert.strictEqual(yield* run([A.ebreak()]), kill)
        assert.strictEqual(yield* run([A.li(t0, 0x7000_0000), A.jalr(0, 0, t0)]), kill)
      })
    ))

  it.effect("the kernel's writes to a code VMO are seen by the next process running it", () =>
    withKernel(
      cpu,
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const program = (value: number) => A.assemble([A.mv(t2, a1), A.li(a0, value), A.jalr(ra, 0, t2)])
        const code = yield* k.vmo.fromBytes(program(7), { executable: true })
        assert.strictEqual(yield* start(code), 7n)
        yield* k.vmo.write(code, 0, program(8))
        assert.strictEqual(yield* start(code), 8n)
      })
    ))

  it.effect("a freed code frame handed to a new VMO runs the new VMO's code", () =>
    withKernel(
      cpu,
      Effect.gen(function*() {
        const program = (value: number) => [A.mv(t2, a1), A.li(a0, value), A.jalr(ra, 0, t2)]
        // Each run's VMOs are closed with its scope; the frame pool reuses the freed frames.
        for (let value = 1; value <= 5; value++) {
          assert.strictEqual(yield* Effect.scoped(run(program(value))), BigInt(value))
        }
      })
    ))
})
