/**
 * Loading helpers: load and check that a failed load leaves nothing behind.
 */
import { assert } from "@effect/vitest"
import * as Elf64Headers from "@zxsim/elf/Elf64Headers"
import * as ElfLoad from "@zxsim/elf/ElfLoad"
import type { ElfLoadError } from "@zxsim/elf/ElfLoadError"
import * as ElfWriter from "@zxsim/elf/ElfWriter"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Scope from "effect/Scope"

/** Headers of an image described for the writer (which must parse). */
export const headersOf = (spec: ElfWriter.ImageSpec): Elf64Headers.Elf64Headers =>
  Either.getOrThrowWith(Elf64Headers.fromBytes(ElfWriter.write(spec)), (e) => new Error(e.message))

/**
 * Loads and expects a failure; asserts that the kernel statistics and `observe`'s regions are
 * exactly as they were before the load, and returns the error.
 */
export const loadFailure = (
  vmo: Handle.Vmo,
  headers: Elf64Headers.Elf64Headers,
  rootVmar: Handle.Vmar,
  /** The VMAR whose regions must not change (default `rootVmar`). */
  observe: Handle.Vmar = rootVmar
): Effect.Effect<ElfLoadError, never, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const statsBefore = yield* kernel.stats
    const regionsBefore = yield* Effect.orDie(kernel.vmar.regions(observe))
    const result = yield* Effect.either(ElfLoad.loadElf(vmo, headers, rootVmar))
    if (Either.isRight(result)) return yield* Effect.dieMessage("expected the load to fail")
    assert.deepStrictEqual(yield* kernel.stats, statsBefore)
    assert.deepStrictEqual(yield* Effect.orDie(kernel.vmar.regions(observe)), regionsBefore)
    return result.left
  })
