/**
 * Shared helpers of the kernel tests: a fresh kernel per test with a leak check, status
 * assertions, and checks that a failure is a typed `ZxError` rather than a defect.
 */
import { assert } from "@effect/vitest"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import type { ObjectTypeName } from "@zxsim/kernel/ObjectType"
import * as Status from "@zxsim/kernel/Status"
import { isZxError, type ZxError } from "@zxsim/kernel/ZxError"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import type * as Scope from "effect/Scope"

/** The statistics a test compares before and after its scope (everything the kernel counts). */
export const snapshotStats = (stats: Kernel.KernelStats) => ({
  objects: { ...stats.objects },
  handles: stats.handles,
  committedFrames: stats.committedFrames,
  kernelFrames: stats.kernelFrames,
  runningProcesses: stats.runningProcesses
})

/** The kernel's statistics when the current test started, for {@link live}. */
export class Baseline extends Context.Tag("@zxsim/kernel/test/Baseline")<Baseline, Kernel.KernelStats>() {}

/**
 * Runs `body` against a fresh kernel, inside its own scope, and checks that once the scope has
 * closed the kernel's statistics are back to what they were before the body ran.
 */
export const withKernel = <A, E>(
  body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope | Baseline>,
  layer: Layer.Layer<Kernel.Kernel> = Kernel.layer
): Effect.Effect<A, E> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const stats = yield* kernel.stats
    const before = snapshotStats(stats)
    const result = yield* Effect.scoped(body).pipe(Effect.provideService(Baseline, stats))
    const after = snapshotStats(yield* kernel.stats)
    assert.deepStrictEqual(after, before, "kernel statistics after the test's scope closed")
    return result
  }).pipe(Effect.provide(layer))

/**
 * Runs one property case synchronously on a fresh kernel whose placement and handle values are
 * drawn from `seed` (so a failing case replays identically while fast-check shrinks it), with the
 * same leak check as {@link withKernel}. Throws on failure, as a property body should.
 */
export const runCase = <A, E>(
  body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope | Baseline>,
  seed: number,
  layer: Layer.Layer<Kernel.Kernel> = Kernel.layer
): A => Effect.runSync(withKernel(body, layer).pipe(Effect.withRandom(Random.make(seed))))

/** What the current test holds now, counted from its {@link Baseline}: handles, frames, objects by type. */
export const live: Effect.Effect<
  { readonly handles: number; readonly frames: number; readonly running: number } & Record<ObjectTypeName, number>,
  never,
  Kernel.Kernel | Baseline
> = Effect.gen(function*() {
  const kernel = yield* Kernel.Kernel
  const base = yield* Baseline
  const now = yield* kernel.stats
  const count = (name: ObjectTypeName) => (now.objects[name] ?? 0) - (base.objects[name] ?? 0)
  return {
    handles: now.handles - base.handles,
    frames: now.committedFrames - base.committedFrames,
    running: now.runningProcesses - base.runningProcesses,
    PROCESS: count("PROCESS"),
    THREAD: count("THREAD"),
    VMO: count("VMO"),
    CHANNEL: count("CHANNEL"),
    EVENT: count("EVENT"),
    PORT: count("PORT"),
    SOCKET: count("SOCKET"),
    EVENTPAIR: count("EVENTPAIR"),
    JOB: count("JOB"),
    VMAR: count("VMAR"),
    RESOURCE: count("RESOURCE"),
    EXCEPTION: count("EXCEPTION")
  }
})

/** The kernel service of the current test. */
export const kernel = Kernel.Kernel

/**
 * Runs `self`, expects it to fail with a `ZxError` of `status` (and nothing else: no defect, no
 * interruption), and returns the error.
 */
export const expectStatus = <A, R>(
  self: Effect.Effect<A, ZxError, R>,
  status: number
): Effect.Effect<ZxError, never, R> => {
  // Where the expectation was written, so a failure points at the test line.
  const at = new Error().stack?.split("\n")[2]?.trim() ?? ""
  return Effect.map(Effect.exit(self), (exit) => {
    const expected = Status.toString(status)
    if (Exit.isSuccess(exit)) assert.fail(`expected ${expected}, but the call succeeded (${at})`)
    const error = failureOf(exit.cause)
    assert.strictEqual(error.statusName, expected, at)
    return error
  })
}

/** The single `ZxError` a cause holds; fails the test on a defect, an interruption or another error. */
export const failureOf = (cause: Cause.Cause<unknown>): ZxError => {
  if (Cause.isDie(cause) || Cause.isInterrupted(cause)) assert.fail(`expected a ZxError, got ${Cause.pretty(cause)}`)
  const failure = Cause.failureOption(cause)
  if (Option.isNone(failure) || !isZxError(failure.value)) assert.fail(`expected a ZxError, got ${Cause.pretty(cause)}`)
  return failure.value
}

/**
 * Runs `self` and returns `Option.some(value)` on success or `Option.none()` on a `ZxError`
 * failure; any defect or interruption fails the test. For calls whose outcome a test does not
 * predict but whose failure must be typed.
 */
export const attempt = <A, R>(self: Effect.Effect<A, ZxError, R>): Effect.Effect<Option.Option<A>, never, R> =>
  Effect.map(Effect.exit(self), (exit) => {
    if (Exit.isSuccess(exit)) return Option.some(exit.value)
    failureOf(exit.cause)
    return Option.none()
  })

/** Like {@link attempt}, but returns the failure's status (or `Status.OK`). */
export const statusOf = <A, R>(self: Effect.Effect<A, ZxError, R>): Effect.Effect<number, never, R> =>
  Effect.map(Effect.exit(self), (exit) => (Exit.isSuccess(exit) ? Status.Status.OK : failureOf(exit.cause).status))

/**
 * Views a handle as a handle of another object type, so a test can hand the kernel a handle of
 * the wrong type (which the kernel must refuse with WRONG_TYPE).
 */
export const pretend = <T extends ObjectTypeName>(handle: Handle.Handle): Handle.Handle<T> => handle as Handle.Handle<T>

/** Bytes `[from, from+1, …]` (mod 256), `length` of them. */
export const ramp = (length: number, from = 1): Uint8Array => {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = (from + i) & 0xff
  return out
}

/** Asserts two byte arrays are equal (fast on large arrays; reports the first difference). */
export const assertBytes = (actual: Uint8Array, expected: Uint8Array, label = "bytes"): void => {
  if (actual.length !== expected.length) assert.fail(`${label}: length ${actual.length} !== ${expected.length}`)
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) assert.fail(`${label}: byte ${i} is ${actual[i]}, expected ${expected[i]}`)
  }
}

/** 4 KiB. */
export const PAGE = 4096
