/**
 * Spawn benchmark: build + start + wait-for-exit of a static guest whose `main` returns 0, on the
 * embedded kernel and CPU, against posix_spawn + waitpid of a native static C program that returns
 * 0, timed by a native C harness built here with the machine's gcc, in the same run.
 */
import { StageTracer } from "@zxsim/cli"
import * as Guests from "@zxsim/guest/Guests"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as Zircon from "@zxsim/riscv/Zircon"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Scope from "effect/Scope"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Entry, Row } from "../Bench.js"

const ZERO_C = "int main(void) { return 0; }\n"
const HARNESS_C = `
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
extern char **environ;
int main(int argc, char **argv) {
  int n = atoi(argv[2]);
  char *args[] = { argv[1], NULL };
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < n; i++) {
    pid_t pid;
    if (posix_spawn(&pid, argv[1], NULL, NULL, args, environ) != 0) return 2;
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 3;
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
  printf("%f\\n", n / s);
  return 0;
}
`

/**
 * Builds the native peer (a static program returning 0, and a harness timing posix_spawn + waitpid
 * of it) and returns a function measuring spawns per second; undefined without gcc.
 */
const nativePeer = (): ((count: number) => number) | undefined => {
  const dir = mkdtempSync(join(tmpdir(), "zxsim-spawn-"))
  try {
    writeFileSync(join(dir, "zero.c"), ZERO_C)
    writeFileSync(join(dir, "harness.c"), HARNESS_C)
    execFileSync("gcc", ["-O2", "-static", "-o", join(dir, "zero"), join(dir, "zero.c")])
    execFileSync("gcc", ["-O2", "-o", join(dir, "harness"), join(dir, "harness.c")])
  } catch {
    return undefined
  }
  return (count) => Number(execFileSync(join(dir, "harness"), [join(dir, "zero"), String(count)]).toString().trim())
}

/** Rounds of the two sides, interleaved; each side's best round is reported, so load spikes hurt neither. */
const ROUNDS = 5

/**
 * One spawn: build, start, wait for exit; fails unless the return code is 0. The executable is a
 * fresh handle to one VMO holding the file, as a system's page cache hands every exec the same
 * pages (posix_spawn of the native peer reads its binary from the page cache too).
 */
const spawnOnce = (file: Handle.Vmo) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const executable = yield* k.handle.duplicate(file)
    const builder = yield* ProcessBuilder.make({
      name: "exit_code",
      job: yield* k.job.root(),
      executable,
      systemVdso: yield* k.systemVdso()
    })
    const process = yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
    yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
    const info = yield* k.process.info(process)
    if (info.returnCode !== 0n) return yield* Effect.dieMessage(`guest returned ${info.returnCode}`)
  }).pipe(Effect.scoped)

/** Measures spawns per second of the guest on `layer`, in rounds interleaved with the native peer. */
const measureOn = async (
  layer: Layer.Layer<Kernel.Kernel>,
  image: Uint8Array,
  native: ((count: number) => number) | undefined
): Promise<{ readonly zxsim: number; readonly peer: number; readonly perSpawn: string }> => {
  const runtime = ManagedRuntime.make(layer)
  const fileScope = await runtime.runPromise(Scope.make())
  const file = await runtime.runPromise(
    Effect.flatMap(Kernel.Kernel, (k) => k.vmo.fromBytes(image, { name: "exit_code", executable: true })).pipe(
      Scope.extend(fileScope)
    )
  )
  try {
    const measure = (ms: number) =>
      runtime.runPromise(Effect.gen(function*() {
        const end = performance.now() + ms
        let n = 0
        const start = performance.now()
        while (performance.now() < end) {
          yield* spawnOnce(file)
          n++
        }
        return (n * 1000) / (performance.now() - start)
      }))
    await measure(500)
    let zxsim = 0
    let peer = Number.NaN
    for (let round = 0; round < ROUNDS; round++) {
      zxsim = Math.max(zxsim, await measure(600))
      if (native !== undefined) peer = round === 0 ? native(600) : Math.max(peer, native(600))
    }
    // Where the time goes: one more batch with every span recorded.
    const stages: Array<StageTracer.Stage> = []
    await runtime.runPromise(Effect.withTracer(Effect.repeatN(spawnOnce(file), 199), StageTracer.make(stages)))
    const totals = new Map<string, number>()
    for (const s of stages) totals.set(s.name, (totals.get(s.name) ?? 0) + StageTracer.millis(s))
    const perSpawn = [...totals].filter(([name]) => name.startsWith("ProcessBuilder.") || name === "BuiltProcess.start")
      .sort((a, b) => b[1] - a[1]).slice(0, 6)
      .map(([name, ms]) => `${name.replace("ProcessBuilder.", "")} ${(ms / 200 * 1000).toFixed(0)}us`).join(", ")
    return { zxsim, peer, perSpawn }
  } finally {
    await runtime.runPromise(Scope.close(fileScope, Exit.void))
    await runtime.dispose()
  }
}

/** The spawn benchmark: zxsim's build + start + wait against posix_spawn + waitpid, on each CPU. */
export const entry: Entry = {
  name: "spawn",
  run: async () => {
    const image = new Uint8Array(readFileSync(Guests.path("exit_code")))
    const native = nativePeer()
    const rows: Array<Row> = []
    const cpus: ReadonlyArray<readonly [string, Layer.Layer<Kernel.Kernel>]> = [
      ["default CPU (JIT)", Zircon.layer],
      ["interpreter", Kernel.layer.pipe(Layer.provide(RiscvInterpreter.layer))]
    ]
    for (const [cpuName, layer] of cpus) {
      const { peer, perSpawn, zxsim } = await measureOn(layer, image, native)
      rows.push({
        name: `spawn on the ${cpuName}: build+start+wait (static, main returns 0)`,
        unit: "spawns/s",
        subject: zxsim,
        peerName: native === undefined ? "posix_spawn (gcc missing)" : "posix_spawn+waitpid (native static)",
        peer,
        notes: `best of ${ROUNDS} interleaved rounds; per spawn: ${perSpawn}`
      })
    }
    return rows
  }
}
