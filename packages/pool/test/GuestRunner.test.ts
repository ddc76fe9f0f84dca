import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as GuestRun from "@zxsim/pool/GuestRun"
import * as GuestRunner from "@zxsim/pool/GuestRunner"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { cases, tempDir } from "./cases.js"

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/** Runs `body` with a fresh in-process runner, then checks its kernels hold what they held when made. */
const withRunner = <A, E>(body: (runner: GuestRunner.InProcessRunner) => Effect.Effect<A, E>) =>
  Effect.scoped(Effect.gen(function*() {
    const runner = yield* GuestRunner.make()
    const result = yield* body(runner)
    for (const cpu of ["jit", "interpreter"] as const) {
      const { baseline, now } = yield* runner.kernelCheck(cpu)
      assert.deepStrictEqual(now.objects, baseline.objects, `${cpu} kernel objects`)
      assert.strictEqual(now.handles, baseline.handles, `${cpu} kernel handles`)
      assert.strictEqual(now.runningProcesses, 0)
    }
    return result
  })).pipe(Effect.provide(NodeContext.layer))

describe("GuestRunner in process", () => {
  it.live("every case ends as expected on both CPUs, with the same instruction counts", () =>
    withRunner((runner) =>
      Effect.gen(function*() {
        const jit = cases("jit")
        const interpreter = cases("interpreter")
        for (let i = 0; i < jit.length; i++) {
          const c = jit[i]
          const a = yield* runner.run(c.request)
          const b = yield* runner.run(interpreter[i].request)
          for (const result of [a, b]) {
            assert.strictEqual(result.outcome._tag, c.outcome, c.title)
            if (c.returnCode !== undefined && (result.outcome._tag === "Exited" || result.outcome._tag === "Killed")) {
              assert.strictEqual(result.outcome.returnCode, c.returnCode, c.title)
            }
            if (c.stdout !== undefined) assert.strictEqual(decode(result.stdout), c.stdout, c.title)
            if (c.stderrIncludes !== undefined) assert.include(decode(result.stderr), c.stderrIncludes, c.title)
          }
          if (c.instructionsVary !== true) assert.strictEqual(a.instructions, b.instructions, c.title)
          assert.deepStrictEqual(a.stdout, b.stdout, c.title)
          assert.deepStrictEqual(a.stderr, b.stderr, c.title)
        }
      })
    ))

  it.live("a crash report names the exception, its pc and address", () =>
    withRunner((runner) =>
      Effect.gen(function*() {
        const result = yield* runner.run(GuestRun.named("wild_jump"))
        assert.strictEqual(result.outcome._tag, "Killed")
        if (result.outcome._tag !== "Killed") return
        const exception = Option.getOrThrow(result.outcome.exception)
        assert.strictEqual(exception.kind, "fetch-page-fault")
        assert.strictEqual(exception.pc, 0x1000)
        assert.strictEqual(exception.address, 0x1000)
        const illegal = yield* runner.run(GuestRun.named("illegal_instruction", { cpu: "interpreter" }))
        assert.strictEqual(
          illegal.outcome._tag === "Killed" && Option.getOrThrow(illegal.outcome.exception).kind,
          "illegal-instruction"
        )
        const ecall = yield* runner.run(GuestRun.named("ecall_outside_vdso"))
        assert.isTrue(ecall.outcome._tag === "Killed" && Option.isNone(ecall.outcome.exception))
      })
    ))

  it.live("a mounted directory is served for the run only, and a mount that cannot be served is NotStarted", () =>
    withRunner((runner) =>
      Effect.scoped(Effect.gen(function*() {
        const dir = yield* tempDir({})
        for (const cpu of ["jit", "interpreter"] as const) {
          const result = yield* runner.run(GuestRun.named("write_tree", {
            cpu,
            args: ["/w"],
            stdin: new TextEncoder().encode(`f ${cpu}.txt 6f6b\n`),
            mounts: [GuestRun.Mount.make({ hostPath: dir, guestPath: "/w" })]
          }))
          assert.deepStrictEqual(result.outcome, new GuestRun.Exited({ returnCode: 0n }), decode(result.stderr))
          assert.strictEqual(readFileSync(join(dir, `${cpu}.txt`), "utf8"), "ok")
        }
        const file = join(dir, "jit.txt")
        for (const hostPath of [join(dir, "absent"), file]) {
          const refused = yield* runner.run(GuestRun.named("write_tree", {
            mounts: [GuestRun.Mount.make({ hostPath, guestPath: "/w" })]
          }))
          assert.strictEqual(refused.outcome._tag, "NotStarted")
          if (refused.outcome._tag === "NotStarted") assert.include(refused.outcome.reason, "mount /w")
        }
        const twice = yield* runner.run(GuestRun.named("write_tree", {
          mounts: [
            GuestRun.Mount.make({ hostPath: dir, guestPath: "/w" }),
            GuestRun.Mount.make({ hostPath: dir, guestPath: "/w" })
          ]
        }))
        assert.strictEqual(twice.outcome._tag, "NotStarted")
      }))
    ))

  it.live("limits: instructions, output and deadline each end a run, and the runner serves on", () =>
    withRunner((runner) =>
      Effect.gen(function*() {
        for (const cpu of ["jit", "interpreter"] as const) {
          const budget = yield* runner.run(
            GuestRun.named("endless_loop", { cpu, limits: GuestRun.Limits.make({ instructions: 2_000_000 }) })
          )
          assert.deepStrictEqual(budget.outcome, new GuestRun.InstructionLimit({ limit: 2_000_000 }))
          assert.strictEqual(budget.instructions, 2_000_000)
        }
        const output = yield* runner.run(
          GuestRun.named("cat", {
            stdin: new Uint8Array(200_000).fill(65),
            limits: GuestRun.Limits.make({ outputBytes: 1000 })
          })
        )
        assert.deepStrictEqual(output.outcome, new GuestRun.OutputLimit({ limit: 1000 }))
        assert.deepStrictEqual(output.stdout, new Uint8Array(1000).fill(65))
        const deadline = yield* runner.run(
          GuestRun.named("endless_loop", { limits: GuestRun.Limits.make({ deadlineMillis: 300 }) })
        )
        assert.deepStrictEqual(
          deadline.outcome,
          new GuestRun.DeadlineExceeded({ deadlineMillis: 300, workerReplaced: false })
        )
        assert.isAbove(deadline.instructions, 0)
        const after = yield* runner.run(GuestRun.named("exit_code", { args: ["7"] }))
        assert.deepStrictEqual(after.outcome, new GuestRun.Exited({ returnCode: 7n }))
      })
    ))

  it.live("a result carries its request's id, whatever the outcome, and leaves nothing behind", () =>
    withRunner((runner) =>
      Effect.gen(function*() {
        const requests = [
          GuestRun.named("exit_code", { args: ["3"], requestId: "exit" }),
          GuestRun.named("wild_jump", { cpu: "interpreter", requestId: "crash" }),
          GuestRun.named("endless_loop", { requestId: "budget", limits: GuestRun.Limits.make({ instructions: 1000 }) }),
          new GuestRun.RunGuest({
            program: new GuestRun.ElfProgram({ name: "junk", bytes: new TextEncoder().encode("not an ELF") }),
            requestId: "junk"
          })
        ]
        const results = yield* Effect.forEach(requests, (request) => runner.run(request))
        assert.deepStrictEqual(results.map((r) => [r.requestId, r.outcome._tag]), [
          ["exit", "Exited"],
          ["crash", "Killed"],
          ["budget", "InstructionLimit"],
          ["junk", "NotStarted"]
        ])
        assert.isFalse("requestId" in (yield* runner.run(GuestRun.named("hello"))))
      })
    ))
})
