/**
 * Parsing helpers: parse bytes both ways (through a VMO and directly) and check the two agree.
 */
import { assert } from "@effect/vitest"
import * as Elf64Headers from "@zxsim/elf/Elf64Headers"
import type { ElfParseError } from "@zxsim/elf/ElfParseError"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Scope from "effect/Scope"

/** A comparable summary of a parse result. */
export const summary = (result: Either.Either<Elf64Headers.Elf64Headers, ElfParseError>): unknown =>
  Either.match(result, {
    onLeft: (e) => ({ tag: e._tag, message: e.message, status: e.asZxStatus() }),
    onRight: (h) => ({ fileHeader: h.fileHeader, programHeaders: h.programHeaders })
  })

/**
 * Parses `bytes` through a VMO holding them (`fromVmo`) and directly (`fromBytes`), asserts both
 * give the same result, and returns it.
 */
export const parseBoth = (
  bytes: Uint8Array
): Effect.Effect<Either.Either<Elf64Headers.Elf64Headers, ElfParseError>, never, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const vmo = yield* Effect.orDie(kernel.vmo.fromBytes(bytes, { name: "image" }))
    const viaVmo = yield* Effect.either(Elf64Headers.fromVmo(vmo))
    const direct = Elf64Headers.fromBytes(bytes)
    assert.deepStrictEqual(summary(direct), summary(viaVmo))
    return viaVmo
  })

/** The error of a parse that must fail. */
export const parseError = (bytes: Uint8Array): Effect.Effect<ElfParseError, never, Kernel.Kernel | Scope.Scope> =>
  Effect.flatMap(parseBoth(bytes), (result) =>
    Either.match(result, {
      onLeft: Effect.succeed,
      onRight: (h) => Effect.dieMessage(`expected a parse error, got ${JSON.stringify(h)}`)
    }))

/** The headers of a parse that must succeed. */
export const parseOk = (
  bytes: Uint8Array
): Effect.Effect<Elf64Headers.Elf64Headers, never, Kernel.Kernel | Scope.Scope> =>
  Effect.flatMap(parseBoth(bytes), (result) =>
    Either.match(result, {
      onLeft: (e) => Effect.dieMessage(`expected success, got ${e._tag}: ${e.message}`),
      onRight: Effect.succeed
    }))
