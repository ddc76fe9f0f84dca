/**
 * CPU benchmark: the prebuilt benchmark guests (crc32, sha256, matmul, sort, pointer_chase; their
 * portable C sources are in packages/guest/src-c/bench/) run on the JIT and on the reference
 * interpreter through the real kernel and ProcessBuilder, and the same C sources, built here, run
 * as static riscv64 Linux binaries under qemu-riscv64 and natively, all in the same run with the
 * same argument (the work scale). Each time is the best of a few interleaved runs, from process
 * start to exit (building the process and compiling its code included for zxsim; process start-up
 * included for qemu and native). Before measuring, every program runs once at scale 1 on both
 * zxsim CPUs, so Node's own JIT has compiled zxsim's TypeScript (a long-running host would have). Every program prints a checksum; the four must agree, or the row
 * says so and the run fails.
 *
 * Needs: gcc (native), riscv64-linux-gnu-gcc with a riscv64 libc (Debian: gcc-riscv64-linux-gnu,
 * libc6-dev-riscv64-cross) and qemu-riscv64 (Debian: qemu-user). Missing tools are named and
 * their columns left empty; nothing is installed.
 */
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Guests from "@zxsim/guest/Guests"
import type { Cpu, CpuStats } from "@zxsim/kernel/Cpu"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import type { Entry, Row } from "../Bench.js"

/**
 * The programs and the work scale each runs at (argv[1]): 130–350 million guest instructions,
 * about two seconds each on the interpreter.
 */
const PROGRAMS: ReadonlyArray<readonly [Guests.Name, number]> = [
  ["crc32", 8],
  ["sha256", 8],
  ["matmul", 8],
  ["sort", 16],
  ["pointer_chase", 16]
]
/** Runs per engine and program; the best time counts (the machine may be shared). */
const ROUNDS = 5
/** The interpreter is slow: fewer runs. */
const INTERPRETER_ROUNDS = 2

const SOURCES = join(Guests.path("crc32"), "..", "..", "src-c", "bench")

/** A result: seconds and the checksum printed. */
interface Timed {
  readonly seconds: number
  readonly checksum: string
  readonly stats?: CpuStats | null
}

const checksumOf = (output: string): string => /checksum=(\S+)/.exec(output)?.[1] ?? `(no checksum in ${JSON.stringify(output.slice(0, 80))})`

const drain = (socket: Handle.Socket) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    let text = ""
    for (;;) {
      const signals = yield* k.object.waitOne(socket, Signals.SOCKET_READABLE | Signals.SOCKET_PEER_CLOSED)
      if ((signals & Signals.SOCKET_READABLE) === 0) return text
      text += new TextDecoder().decode(yield* k.socket.read(socket, 1 << 20))
    }
  })

/** Builds, starts and waits for a guest on the kernel in context; its stdout and the CPU's counters. */
const runGuest = (name: Guests.Name, image: Uint8Array, scale: number) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const start = performance.now()
    const executable = yield* k.vmo.fromBytes(image, { name, executable: true })
    const builder = yield* ProcessBuilder.make({ name, job: yield* k.job.root(), executable, systemVdso: yield* k.systemVdso() })
    const [stdout, stdoutGuest] = yield* k.socket.create()
    yield* ProcessBuilder.addHandles(builder, [{ handle: stdoutGuest, info: HandleInfo.unsafeMake("FileDescriptor", 1) }])
    yield* ProcessBuilder.addArguments(builder, [name, String(scale)])
    const built = yield* ProcessBuilder.build(builder)
    const output = yield* Effect.fork(drain(stdout))
    const process = yield* BuiltProcess.start(built)
    yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
    const seconds = (performance.now() - start) / 1000
    const info = yield* k.process.info(process)
    const text = yield* Fiber.join(output)
    if (info.returnCode !== 0n) return yield* Effect.dieMessage(`${name} returned ${info.returnCode}: ${text}`)
    // A fresh kernel and CPU per run: the counters are this run's.
    const stats: CpuStats | null = (yield* k.executionStats).cpu
    return { seconds, checksum: checksumOf(text), stats }
  }).pipe(Effect.scoped)

/** The best of `rounds` runs on a fresh kernel over `cpu` (one kernel per run: nothing carries over). */
const onZxsim = async (cpu: Layer.Layer<Cpu>, name: Guests.Name, scale: number): Promise<Timed> => {
  const image = new Uint8Array(readFileSync(Guests.path(name)))
  const runtime = ManagedRuntime.make(Kernel.layer.pipe(Layer.provide(cpu)))
  try {
    return await runtime.runPromise(runGuest(name, image, scale))
  } finally {
    await runtime.dispose()
  }
}

/** Runs a host binary, timing it from spawn to exit. */
const onHost = (command: string, args: ReadonlyArray<string>): Timed => {
  const start = performance.now()
  const output = execFileSync(command, args, { encoding: "utf8" })
  return { seconds: (performance.now() - start) / 1000, checksum: checksumOf(output) }
}

const best = (runs: ReadonlyArray<Timed>): Timed => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a))

/** Builds the peers; undefined for a toolchain that is missing (after saying which package has it). */
const buildPeers = (): { native: Map<string, string> | undefined; qemu: Map<string, string> | undefined; notes: Array<string> } => {
  const dir = mkdtempSync(join(tmpdir(), "zxsim-cpu-"))
  const notes: Array<string> = []
  const build = (compiler: string, flags: ReadonlyArray<string>, suffix: string, packages: string) => {
    const out = new Map<string, string>()
    try {
      for (const [name] of PROGRAMS) {
        const binary = join(dir, `${name}.${suffix}`)
        execFileSync(compiler, [...flags, "-o", binary, join(SOURCES, `${name}.c`)], { stdio: "pipe" })
        out.set(name, binary)
      }
      return out
    } catch (e) {
      notes.push(`${compiler} failed or is missing (Debian: ${packages}): ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`)
      return undefined
    }
  }
  const native = build("gcc", ["-O2"], "native", "gcc")
  let qemu = build("riscv64-linux-gnu-gcc", ["-O2", "-static", "-march=rv64gc"], "rv64", "gcc-riscv64-linux-gnu libc6-dev-riscv64-cross")
  if (qemu !== undefined) {
    try {
      execFileSync("qemu-riscv64", ["-version"], { stdio: "pipe" })
    } catch {
      notes.push("qemu-riscv64 is missing (Debian: qemu-user)")
      qemu = undefined
    }
  }
  return { native, qemu, notes }
}

const geomean = (xs: ReadonlyArray<number>): number => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length)

const fmt = (seconds: number): string => (Number.isNaN(seconds) ? "-" : seconds < 1 ? `${(seconds * 1000).toFixed(1)}ms` : `${seconds.toFixed(2)}s`)

/** The CPU benchmark: the benchmark guests on the JIT and the interpreter against qemu-riscv64 and native code. */
export const entry: Entry = {
  name: "cpu",
  run: async () => {
    const peers = buildPeers()
    for (const note of peers.notes) process.stdout.write(`cpu: ${note}\n`)
    for (const [name] of PROGRAMS) {
      await onZxsim(RiscvJit.layer, name, 1)
      await onZxsim(RiscvInterpreter.layer, name, 1)
    }
    const rows: Array<Row> = []
    const ratios = { qemu: [] as Array<number>, native: [] as Array<number>, interpreter: [] as Array<number> }
    const times = { jit: [] as Array<number>, interpreter: [] as Array<number>, qemu: [] as Array<number>, native: [] as Array<number> }
    let mismatch = false
    for (const [name, scale] of PROGRAMS) {
      const jitRuns: Array<Timed> = []
      const interpreterRuns: Array<Timed> = []
      const qemuRuns: Array<Timed> = []
      const nativeRuns: Array<Timed> = []
      // Interleaved, so a busy moment on a shared machine hits every engine alike.
      for (let round = 0; round < ROUNDS; round++) {
        jitRuns.push(await onZxsim(RiscvJit.layer, name, scale))
        if (round < INTERPRETER_ROUNDS) interpreterRuns.push(await onZxsim(RiscvInterpreter.layer, name, scale))
        const qemuBinary = peers.qemu?.get(name)
        if (qemuBinary !== undefined) qemuRuns.push(onHost("qemu-riscv64", [qemuBinary, String(scale)]))
        const nativeBinary = peers.native?.get(name)
        if (nativeBinary !== undefined) nativeRuns.push(onHost(nativeBinary, [String(scale)]))
      }
      const jit = best(jitRuns)
      const interpreter = best(interpreterRuns)
      const qemu = qemuRuns.length > 0 ? best(qemuRuns) : undefined
      const native = nativeRuns.length > 0 ? best(nativeRuns) : undefined
      const checksums = [jit, interpreter, qemu, native].flatMap((t) => (t === undefined ? [] : [t.checksum]))
      const agree = checksums.every((c) => c === checksums[0]) && jitRuns.every((r) => r.checksum === jit.checksum)
      if (!agree) mismatch = true
      const qemuSeconds = qemu?.seconds ?? Number.NaN
      const nativeSeconds = native?.seconds ?? Number.NaN
      times.jit.push(jit.seconds)
      times.interpreter.push(interpreter.seconds)
      if (qemu !== undefined) {
        times.qemu.push(qemuSeconds)
        ratios.qemu.push(jit.seconds / qemuSeconds)
      }
      if (native !== undefined) {
        times.native.push(nativeSeconds)
        ratios.native.push(jit.seconds / nativeSeconds)
      }
      ratios.interpreter.push(interpreter.seconds / jit.seconds)
      const stats = jit.stats
      const compiled = stats?.compiledInstructions !== undefined ? ` ${(100 * stats.compiledInstructions / stats.instructions).toFixed(1)}% compiled, ${stats.regionsCompiled} regions in ${stats.modulesCompiled} modules,` : ""
      rows.push({
        name: `${name} ${scale}`,
        unit: "runs/s",
        subject: 1 / jit.seconds,
        peerName: "qemu-riscv64",
        peer: 1 / qemuSeconds,
        notes: `jit ${fmt(jit.seconds)}  interpreter ${fmt(interpreter.seconds)}  qemu ${fmt(qemuSeconds)}  native ${fmt(nativeSeconds)}` +
          `  time jit/qemu ${(jit.seconds / qemuSeconds).toFixed(2)}  jit/native ${(jit.seconds / nativeSeconds).toFixed(2)}` +
          `  jit speed-up over interpreter ${(interpreter.seconds / jit.seconds).toFixed(1)}x ` +
          `  ${(stats?.instructions ?? 0) / 1e6 | 0}M instructions,${compiled} checksum ${agree ? jit.checksum : `MISMATCH: jit ${jit.checksum}, interpreter ${interpreter.checksum}, qemu ${qemu?.checksum}, native ${native?.checksum}`}`
      })
    }
    rows.push({
      name: "geometric mean",
      unit: "runs/s",
      subject: 1 / geomean(times.jit),
      peerName: "qemu-riscv64",
      peer: times.qemu.length > 0 ? 1 / geomean(times.qemu) : Number.NaN,
      notes: `jit ${fmt(geomean(times.jit))}  interpreter ${fmt(geomean(times.interpreter))}  qemu ${fmt(times.qemu.length > 0 ? geomean(times.qemu) : Number.NaN)}` +
        `  native ${fmt(times.native.length > 0 ? geomean(times.native) : Number.NaN)}` +
        `  time jit/qemu ${geomean(ratios.qemu).toFixed(2)}  jit/native ${geomean(ratios.native).toFixed(2)}` +
        `  jit speed-up over interpreter ${geomean(ratios.interpreter).toFixed(1)}x`
    })
    if (mismatch) {
      process.stdout.write("cpu: CHECKSUM MISMATCH (see the rows)\n")
      process.exitCode = 1
    }
    return rows
  }
}
