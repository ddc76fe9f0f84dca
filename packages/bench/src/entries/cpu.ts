/**
 * CPU benchmark: the prebuilt benchmark guests (their portable C sources are in
 * packages/guest/src-c/bench/: the kernels crc32, sha256, matmul, sort, pointer_chase and the
 * programs shaped like real code, calls, lexer, lists, bytecode, strings, hashtable,
 * malloc_churn, and the double-precision nbody) run on the JIT and on the reference interpreter through the real kernel and
 * ProcessBuilder; the same C sources, built here as the guests are and linked with the same
 * picolibc, run as static riscv64 Linux binaries under qemu-riscv64, and natively (clang -O2, the
 * host's C library), all in the same run with the same argument (the work scale). Each time is the best of a few interleaved runs, from process start to
 * exit (building the process and compiling its code included for zxsim; process start-up included
 * for qemu and native). Times are CPU time (user + system: zxsim's whole Node process during the
 * run, V8's compiler and collector threads included; the child's rusage for the peers), which
 * other load on a shared machine disturbs far less than wall-clock time; the JIT's wall-clock time
 * is shown beside it. Before measuring, every program runs once at scale 1 on both zxsim CPUs,
 * so Node's own JIT has compiled zxsim's TypeScript (a long-running host would have). Every
 * program prints a checksum; they must all agree, or the row says so and the run fails.
 *
 * Fresh process: the in-process runs measure a warm host, and within one process V8 also reuses
 * the machine code of a byte-identical WebAssembly module, so from a program's second run on its
 * regions cost nothing to compile. A program run once by a new process (the CLI, a test) pays
 * both: V8 optimizing zxsim's own JavaScript while it runs, and compiling every region. So each
 * program also runs a few times in a new Node process each (`internal/coldRun.ts`, bundled once
 * per bench run), timed the same way from the process build (Node's start-up left out); the row
 * shows the best of those runs, its ratio to qemu-riscv64 and its warm-up.
 *
 * Warm-up: every JIT run records the retired-instruction count and the CPU time after its time
 * slices, at most once per millisecond of wall-clock time (reading the CPU time is not cheap), and
 * at its end. The steady speed is the rate over the second half of the run; the warm-up is the CPU time
 * from the start of the process build to the first moment from which the next `WARM_WINDOW_MS` run at 90% of it or
 * faster (the median over the runs).
 *
 * Environment: `ZXSIM_CPU_PROGRAMS=calls,lexer` runs only those programs; `ZXSIM_CPU_ROUNDS=N`
 * changes the number of JIT runs per program; `ZXSIM_CPU_COLD_ROUNDS=N` the number of fresh-process
 * runs (0: none); `ZXSIM_CPU_INTERPRETER=0` leaves the interpreter out.
 *
 * Needs: clang and ld.lld, picolibc for rv64imafdc/lp64d and its libgcc (Debian: clang lld
 * picolibc-riscv64-unknown-elf gcc-riscv64-unknown-elf, as the guest build does) and
 * qemu-riscv64 (Debian: qemu-user), and python3 to read the peers' CPU time (wait4). Missing tools are named and their columns left empty; nothing is installed.
 */
import * as Guests from "@zxsim/guest/Guests"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Schema from "effect/Schema"
import { build } from "esbuild"
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Entry, Row } from "../Bench.js"
import { checksumOf, ColdResult, onZxsim, type Timed } from "../internal/zxsimRun.js"

/**
 * The programs and the work scale each runs at (argv[1]): about half a second each under
 * qemu-riscv64 on a quiet machine.
 */
const ALL_PROGRAMS: ReadonlyArray<readonly [Guests.Name, number]> = [
  ["crc32", 8],
  ["sha256", 8],
  ["matmul", 8],
  ["sort", 16],
  ["pointer_chase", 16],
  ["calls", 6],
  ["lexer", 6],
  ["lists", 2],
  ["bytecode", 3],
  ["strings", 8],
  ["hashtable", 3],
  ["malloc_churn", 2],
  ["nbody", 2]
]

const selected = process.env.ZXSIM_CPU_PROGRAMS?.split(",").filter((s) => s !== "")
const PROGRAMS = selected === undefined ? ALL_PROGRAMS : ALL_PROGRAMS.filter(([name]) => selected.includes(name))
/** Runs per engine and program; the best time counts (the machine may be shared). */
const ROUNDS = Number(process.env.ZXSIM_CPU_ROUNDS ?? 5)
/** Runs per program in a fresh Node process each (see `internal/coldRun.ts`); the best time counts. */
const COLD_ROUNDS = Number(process.env.ZXSIM_CPU_COLD_ROUNDS ?? 3)
/** The interpreter is slow: one run. */
const INTERPRETER_ROUNDS = process.env.ZXSIM_CPU_INTERPRETER === "0" ? 0 : 1
const SOURCES = join(Guests.path("crc32"), "..", "..", "src-c", "bench")

/**
 * Bundles the fresh-process runner (its TypeScript sources and their dependencies, as the CLI's
 * bundle is made) into one file under `dir`, so each fresh process starts in a fraction of a second.
 */
const bundleColdRunner = async (dir: string): Promise<string> => {
  const outfile = join(dir, "coldRun.mjs")
  await build({
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), "..", "internal", "coldRun.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@zxsim/source"],
    outfile,
    logLevel: "warning",
    // The bundle is ESM: give CommonJS dependencies the require they expect.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" }
  })
  return outfile
}

/** One JIT run of `name` in a new Node process (the bundled runner): nothing warm carries over. */
const onFreshProcess = (runner: string, name: Guests.Name, scale: number): Timed => {
  const child = spawnSync(process.execPath, [runner, name, Guests.path(name), String(scale)], {
    encoding: "utf8",
    maxBuffer: 1 << 24
  })
  if (child.status !== 0) throw new Error(`fresh-process run of ${name} failed (${child.status}): ${child.stderr}`)
  const result = Schema.decodeUnknownSync(Schema.parseJson(ColdResult))(child.stdout.trim().split("\n").at(-1))
  return { ...result, warmUpMs: result.warmUpMs ?? Number.NaN }
}

/**
 * Runs argv[1..] as a child and reports its CPU time (user + system, from wait4's rusage, in
 * microseconds' resolution) as the last line of stderr; exits with the child's status.
 */
const RUSAGE = [
  "import os, sys",
  "pid = os.fork()",
  "if pid == 0:",
  "    os.execvp(sys.argv[1], sys.argv[1:])",
  "_, status, usage = os.wait4(pid, 0)",
  "sys.stderr.write('%.6f\\n' % (usage.ru_utime + usage.ru_stime))",
  "sys.exit(os.waitstatus_to_exitcode(status))"
].join("\n")

/** Runs a host binary (through python3's wait4): wall-clock and CPU seconds from spawn to exit. */
const onHost = (command: string, args: ReadonlyArray<string>): Timed => {
  const start = performance.now()
  const child = spawnSync("python3", ["-c", RUSAGE, command, ...args], { encoding: "utf8" })
  const seconds = (performance.now() - start) / 1000
  if (child.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${child.status}): ${child.stderr}`)
  const cpu = Number(child.stderr.trim().split("\n").at(-1))
  return { seconds, cpu, checksum: checksumOf(child.stdout) }
}

const best = (runs: ReadonlyArray<Timed>): Timed => runs.reduce((a, b) => (b.cpu < a.cpu ? b : a))

const median = (xs: ReadonlyArray<number>): number => {
  const sorted = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b)
  return sorted.length === 0 ? Number.NaN : sorted[(sorted.length - 1) >> 1]!
}

const PICOLIBC = process.env.PICOLIBC ?? "/usr/lib/picolibc/riscv64-unknown-elf"
const PEER_GLUE = join(SOURCES, "..", "..", "..", "bench", "peer", "picolibc-linux.c")

/** The guests' compile flags (packages/guest/scripts/build.ts), for the qemu-riscv64 peer. */
const guestFlags = (): Array<string> => [
  "--target=riscv64-unknown-elf",
  "-march=rv64gc_zba_zbb_zbs",
  "-mabi=lp64d",
  "-mcmodel=medany",
  "-mno-relax",
  "-O2",
  "-std=gnu11",
  "-fPIE",
  "-ffunction-sections",
  "-fdata-sections",
  "-fno-stack-protector",
  "-fno-asynchronous-unwind-tables",
  "-fno-unwind-tables",
  "-nostdinc",
  "-isystem",
  join(PICOLIBC, "include"),
  "-isystem",
  join(execFileSync("clang", ["-print-resource-dir"], { encoding: "utf8" }).trim(), "include")
]

/**
 * Builds the peers. qemu-riscv64's: each program compiled exactly as the guest is (clang -O2,
 * rv64gc_zba_zbb_zbs/lp64d, the guests' flags) and linked with the same picolibc and libgcc into a static Linux
 * executable whose platform glue (peer/picolibc-linux.c: stdout, sbrk, _exit, TLS) uses Linux
 * system calls, so qemu runs the same guest code, C library included, as zxsim does. Native:
 * clang -O2 with the host's C library. Undefined for a toolchain that is missing (after saying
 * which package has it).
 */
const buildPeers = (): {
  native: Map<string, string> | undefined
  qemu: Map<string, string> | undefined
  notes: Array<string>
} => {
  const dir = mkdtempSync(join(tmpdir(), "zxsim-cpu-"))
  const notes: Array<string> = []
  const build = (
    prepare: () => Array<string>,
    steps: (name: string, binary: string, prepared: Array<string>) => void,
    suffix: string,
    packages: string
  ) => {
    const out = new Map<string, string>()
    try {
      const prepared = prepare()
      for (const [name] of PROGRAMS) {
        const binary = join(dir, `${name}.${suffix}`)
        steps(name, binary, prepared)
        out.set(name, binary)
      }
      return out
    } catch (e) {
      notes.push(
        `building the ${suffix} peers failed or a tool is missing (Debian: ${packages}): ${
          e instanceof Error ? e.message.split("\n")[0] : String(e)
        }`
      )
      return undefined
    }
  }
  const native = build(
    () => [],
    (name, binary) =>
      execFileSync("clang", ["-O2", "-o", binary, join(SOURCES, `${name}.c`), "-lm"], { stdio: "pipe" }),
    "native",
    "clang"
  )
  let qemu = build(
    () => {
      const glue = join(dir, "picolibc-linux.o")
      execFileSync("clang", [...guestFlags(), "-c", "-o", glue, PEER_GLUE], { stdio: "pipe" })
      const libgcc = execFileSync("riscv64-unknown-elf-gcc", [
        "-march=rv64iafd",
        "-mabi=lp64d",
        "-print-libgcc-file-name"
      ], { encoding: "utf8" }).trim()
      return [glue, join(PICOLIBC, "lib", "rv64imafdc", "lp64d", "libc.a"), libgcc]
    },
    (name, binary, libraries) => {
      const object = `${binary}.o`
      execFileSync("clang", [...guestFlags(), "-c", "-o", object, join(SOURCES, `${name}.c`)], { stdio: "pipe" })
      execFileSync("ld.lld", ["-static", "-e", "_start", "--gc-sections", "-o", binary, object, ...libraries], {
        stdio: "pipe"
      })
    },
    "rv64",
    "clang lld picolibc-riscv64-unknown-elf gcc-riscv64-unknown-elf"
  )
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

const fmt = (
  seconds: number
): string => (Number.isNaN(seconds) ? "-" : seconds < 1 ? `${(seconds * 1000).toFixed(1)}ms` : `${seconds.toFixed(2)}s`)

/** The CPU benchmark: the benchmark guests on the JIT and the interpreter against qemu-riscv64 and native code. */
export const entry: Entry = {
  name: "cpu",
  run: async () => {
    const peers = buildPeers()
    const runner = COLD_ROUNDS > 0 ? await bundleColdRunner(mkdtempSync(join(tmpdir(), "zxsim-cold-"))) : undefined
    for (const note of peers.notes) process.stdout.write(`cpu: ${note}\n`)
    for (const [name] of PROGRAMS) {
      await onZxsim(RiscvJit.layer, name, Guests.path(name), 1)
      if (INTERPRETER_ROUNDS > 0) await onZxsim(RiscvInterpreter.layer, name, Guests.path(name), 1)
    }
    const rows: Array<Row> = []
    const ratios = { qemu: [] as Array<number>, native: [] as Array<number>, interpreter: [] as Array<number> }
    const times = {
      jit: [] as Array<number>,
      interpreter: [] as Array<number>,
      qemu: [] as Array<number>,
      native: [] as Array<number>
    }
    const warmUps: Array<number> = []
    const cold = { times: [] as Array<number>, ratios: [] as Array<number>, warmUps: [] as Array<number> }
    const speeds: Array<number> = []
    let mismatch = false
    for (const [name, scale] of PROGRAMS) {
      const jitRuns: Array<Timed> = []
      const coldRuns: Array<Timed> = []
      const interpreterRuns: Array<Timed> = []
      const qemuRuns: Array<Timed> = []
      const nativeRuns: Array<Timed> = []
      // Interleaved, so a busy moment on a shared machine hits every engine alike.
      for (let round = 0; round < ROUNDS; round++) {
        jitRuns.push(await onZxsim(RiscvJit.layer, name, Guests.path(name), scale, true))
        if (runner !== undefined && round < COLD_ROUNDS) coldRuns.push(onFreshProcess(runner, name, scale))
        if (round < INTERPRETER_ROUNDS) {
          interpreterRuns.push(await onZxsim(RiscvInterpreter.layer, name, Guests.path(name), scale))
        }
        const qemuBinary = peers.qemu?.get(name)
        if (qemuBinary !== undefined) qemuRuns.push(onHost("qemu-riscv64", [qemuBinary, String(scale)]))
        const nativeBinary = peers.native?.get(name)
        if (nativeBinary !== undefined) nativeRuns.push(onHost(nativeBinary, [String(scale)]))
      }
      const jit = best(jitRuns)
      const interpreter = interpreterRuns.length > 0 ? best(interpreterRuns) : undefined
      const qemu = qemuRuns.length > 0 ? best(qemuRuns) : undefined
      const native = nativeRuns.length > 0 ? best(nativeRuns) : undefined
      const coldJit = coldRuns.length > 0 ? best(coldRuns) : undefined
      const checksums = [jit, coldJit, interpreter, qemu, native].flatMap((t) => (t === undefined ? [] : [t.checksum]))
      const agree = checksums.every((c) => c === checksums[0]) &&
        [...jitRuns, ...coldRuns].every((r) => r.checksum === jit.checksum)
      if (!agree) mismatch = true
      const qemuSeconds = qemu?.cpu ?? Number.NaN
      const nativeSeconds = native?.cpu ?? Number.NaN
      const interpreterSeconds = interpreter?.cpu ?? Number.NaN
      const warm = median(jitRuns.map((r) => r.warmUpMs ?? Number.NaN))
      warmUps.push(warm)
      times.jit.push(jit.cpu)
      if (interpreter !== undefined) {
        times.interpreter.push(interpreterSeconds)
        ratios.interpreter.push(interpreterSeconds / jit.cpu)
      }
      if (qemu !== undefined) {
        times.qemu.push(qemuSeconds)
        ratios.qemu.push(qemuSeconds / jit.cpu)
      }
      if (native !== undefined) {
        times.native.push(nativeSeconds)
        ratios.native.push(nativeSeconds / jit.cpu)
      }
      let coldNote = ""
      if (coldJit !== undefined) {
        const coldWarm = median(coldRuns.map((r) => r.warmUpMs ?? Number.NaN))
        cold.times.push(coldJit.cpu)
        cold.warmUps.push(coldWarm)
        if (qemu !== undefined) cold.ratios.push(qemuSeconds / coldJit.cpu)
        coldNote = `  fresh process ${fmt(coldJit.cpu)} (${(qemuSeconds / coldJit.cpu).toFixed(3)}x qemu, warm-up ${
          coldWarm.toFixed(0)
        }ms)`
      }
      const stats = jit.stats
      const instructions = stats?.instructions ?? 0
      speeds.push(instructions / jit.cpu)
      const compiled = stats?.compiledInstructions !== undefined
        ? ` ${(100 * stats.compiledInstructions / stats.instructions).toFixed(1)}% compiled,`
        : ""
      rows.push({
        name: `${name} ${scale}`,
        unit: "runs/s",
        subject: 1 / jit.cpu,
        peerName: "qemu-riscv64",
        peer: 1 / qemuSeconds,
        notes:
          `jit ${fmt(jit.cpu)} (wall ${fmt(jit.seconds)})  qemu ${fmt(qemuSeconds)}  native ${
            fmt(nativeSeconds)
          }  interpreter ${fmt(interpreterSeconds)}${coldNote}` +
          `  speed vs native ${(nativeSeconds / jit.cpu).toFixed(2)}x  warm-up ${warm.toFixed(0)}ms` +
          `  ${(instructions / jit.cpu / 1e9).toFixed(2)} G instr/s  ${
            (instructions / 1e6).toFixed(0)
          }M instr,${compiled}` +
          ` checksum ${
            agree
              ? jit.checksum
              : `MISMATCH: jit ${jit.checksum}, interpreter ${interpreter?.checksum}, qemu ${qemu?.checksum}, native ${native?.checksum}`
          }`
      })
    }
    rows.push({
      name: "geometric mean",
      unit: "runs/s",
      subject: 1 / geomean(times.jit),
      peerName: "qemu-riscv64",
      peer: times.qemu.length > 0 ? 1 / geomean(times.qemu) : Number.NaN,
      notes: `jit ${fmt(geomean(times.jit))}  qemu ${fmt(times.qemu.length > 0 ? geomean(times.qemu) : Number.NaN)}` +
        `  native ${fmt(times.native.length > 0 ? geomean(times.native) : Number.NaN)}` +
        `  interpreter ${fmt(times.interpreter.length > 0 ? geomean(times.interpreter) : Number.NaN)}` +
        `  speed vs native ${geomean(ratios.native).toFixed(2)}x  warm-up max ${Math.max(...warmUps).toFixed(0)}ms` +
        `  ${(geomean(speeds) / 1e9).toFixed(2)} G instr/s` +
        (cold.times.length > 0
          ? `  fresh process ${fmt(geomean(cold.times))} (${geomean(cold.ratios).toFixed(3)}x qemu, warm-up max ${
            Math.max(...cold.warmUps).toFixed(0)
          }ms)`
          : "") +
        (ratios.interpreter.length > 0
          ? `  jit speed-up over interpreter ${geomean(ratios.interpreter).toFixed(1)}x`
          : "")
    })
    if (mismatch) {
      process.stdout.write("cpu: CHECKSUM MISMATCH (see the rows)\n")
      process.exitCode = 1
    }
    return rows
  }
}
