/**
 * The builder in a kernel whose memory runs out: every build either succeeds or fails with the
 * ProcessBuilderError of the stage that ran out, carrying NO_MEMORY — never a defect — and the
 * kernel holds nothing more once the scope closes.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Status from "@zxsim/kernel/Status"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import { isProcessBuilderError } from "@zxsim/process-builder/ProcessBuilderError"
import { builderFor, onKernel, staticExecutable } from "./fixtures.js"

const PAGE = 4096

/** One make + build; its outcome as "ok" or the failing variant's tag (checked to be NO_MEMORY). */
const buildOnce = (image: Uint8Array) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(Effect.flatMap(builderFor(image), ProcessBuilder.build))
    if (Exit.isSuccess(exit)) return { tag: "ok", built: Option.some(exit.value) } as const
    if (Cause.isDie(exit.cause) || Cause.isInterrupted(exit.cause)) assert.fail(`a defect: ${Cause.pretty(exit.cause)}`)
    const error = Cause.failureOption(exit.cause)
    if (Option.isNone(error)) return assert.fail(Cause.pretty(exit.cause))
    const e: unknown = error.value
    if (isProcessBuilderError(e)) {
      assert.strictEqual(Status.toString(e.asZxStatus()), "ZX_ERR_NO_MEMORY", `${e._tag}: ${e.message}`)
      return { tag: e._tag, built: Option.none() } as const
    }
    // Making the executable's VMO is the test's own call, before the builder.
    assert.strictEqual((e as { readonly statusName?: string }).statusName, "ZX_ERR_NO_MEMORY", String(e))
    return { tag: "executable", built: Option.none() } as const
  })

describe("ProcessBuilder when memory runs out", () => {
  it.effect("kernels of 0 to 40 pages: each build succeeds or fails NO_MEMORY in the stage that ran out, leaking nothing", () =>
    Effect.gen(function*() {
      const image = staticExecutable()
      const seen = new Set<string>()
      for (let pages = 0; pages <= 40; pages += 2) {
        yield* onKernel(Effect.gen(function*() {
          const outcome = yield* buildOnce(image)
          seen.add(outcome.tag)
        }), undefined, { memoryBytes: pages * PAGE })
      }
      assert.isTrue(seen.has("ok"), `outcomes: ${[...seen].join(", ")}`)
      assert.isAtLeast(seen.size, 3, `outcomes: ${[...seen].join(", ")}`)
    }), 120_000)

  it.effect("builds held in a 1 MiB kernel until one fails NO_MEMORY; all of it goes with the scope", () =>
    onKernel(Effect.gen(function*() {
      const k = yield* Kernel.Kernel
      const image = staticExecutable()
      let built = 0
      for (;;) {
        const outcome = yield* buildOnce(image)
        if (Option.isNone(outcome.built)) break
        built++
      }
      assert.isAbove(built, 10)
      const stats = yield* k.memoryStats
      assert.isAtMost(stats.committedFrames + stats.kernelFrames, stats.budgetFrames)
    }), undefined, { memoryBytes: 1024 * 1024 }), 120_000)
})
