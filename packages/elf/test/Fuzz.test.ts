import { assert, describe, it } from "@effect/vitest"
import * as Elf64Headers from "@zxsim/elf/Elf64Headers"
import * as ElfLoad from "@zxsim/elf/ElfLoad"
import * as ElfLoadError from "@zxsim/elf/ElfLoadError"
import * as ElfParseError from "@zxsim/elf/ElfParseError"
import * as ElfWriter from "@zxsim/elf/ElfWriter"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Runtime from "effect/Runtime"
import { propertyRuns } from "../../../test-support/propertyRuns.js"
import { bytesFrom, imageDraw, layOut, specOf } from "./utils/images.js"
import { makeProcess, sameStats, withKernel } from "./utils/kernel.js"
import { summary } from "./utils/parse.js"

/** 64-bit values that sit on the edges the checks care about. */
const edgeU64: FastCheck.Arbitrary<bigint> = FastCheck.oneof(
  FastCheck.constantFrom(
    0n,
    1n,
    0x38n,
    0x40n,
    0xfffn,
    0x1000n,
    0x1001n,
    0xfffen,
    0xffffn,
    2n ** 32n - 1n,
    2n ** 32n,
    2n ** 38n,
    2n ** 40n,
    2n ** 52n,
    2n ** 53n - 1n,
    2n ** 53n,
    2n ** 63n,
    2n ** 64n - 0x1000n,
    2n ** 64n - 1n
  ),
  FastCheck.bigUintN(64),
  FastCheck.bigUintN(16)
)

/** Fields a mutation can overwrite: [offset in the header or program header, width in bytes]. */
const FILE_FIELDS: ReadonlyArray<readonly [number, number]> = [
  [4, 1],
  [5, 1],
  [6, 1],
  [16, 2],
  [18, 2],
  [24, 8],
  [32, 8],
  [
    40,
    8
  ],
  [54, 2],
  [56, 2]
]
const SEGMENT_FIELDS: ReadonlyArray<readonly [number, number]> = [[0, 4], [4, 4], [8, 8], [16, 8], [24, 8], [32, 8], [
  40,
  8
], [
  48,
  8
]]

type Mutation =
  | { readonly _tag: "Flip"; readonly at: number; readonly bit: number; readonly inHeaders: boolean }
  | { readonly _tag: "Byte"; readonly at: number; readonly value: number }
  | { readonly _tag: "FileField"; readonly field: number; readonly value: bigint }
  | { readonly _tag: "SegmentField"; readonly segment: number; readonly field: number; readonly value: bigint }
  | { readonly _tag: "Truncate"; readonly at: number }
  | { readonly _tag: "Grow"; readonly by: number }

const mutation: FastCheck.Arbitrary<Mutation> = FastCheck.oneof(
  FastCheck.record({
    _tag: FastCheck.constant("Flip" as const),
    at: FastCheck.nat(),
    bit: FastCheck.integer({ min: 0, max: 7 }),
    inHeaders: FastCheck.boolean()
  }),
  FastCheck.record({
    _tag: FastCheck.constant("Byte" as const),
    at: FastCheck.nat(),
    value: FastCheck.integer({ min: 0, max: 255 })
  }),
  FastCheck.record({
    _tag: FastCheck.constant("FileField" as const),
    field: FastCheck.integer({ min: 0, max: FILE_FIELDS.length - 1 }),
    value: edgeU64
  }),
  FastCheck.record({
    _tag: FastCheck.constant("SegmentField" as const),
    segment: FastCheck.nat(),
    field: FastCheck.integer({ min: 0, max: SEGMENT_FIELDS.length - 1 }),
    value: edgeU64
  }),
  FastCheck.record({ _tag: FastCheck.constant("Truncate" as const), at: FastCheck.nat() }),
  FastCheck.record({ _tag: FastCheck.constant("Grow" as const), by: FastCheck.integer({ min: 1, max: 5000 }) })
)

/** A fuzz case: a valid image and mutations of it, or random bytes. */
type Recipe =
  | {
    readonly _tag: "Mutated"
    readonly draw: Parameters<typeof layOut>[0]
    readonly mutations: ReadonlyArray<Mutation>
  }
  | { readonly _tag: "Random"; readonly seed: number; readonly length: number; readonly elfPrefix: boolean }

const recipe: FastCheck.Arbitrary<Recipe> = FastCheck.oneof(
  {
    weight: 9,
    arbitrary: FastCheck.record({
      _tag: FastCheck.constant("Mutated" as const),
      draw: imageDraw(4, 2 * 4096, 2 * 4096, [0, 4096, 8192]),
      mutations: FastCheck.array(mutation, { minLength: 0, maxLength: 4 })
    })
  },
  {
    weight: 1,
    arbitrary: FastCheck.record({
      _tag: FastCheck.constant("Random" as const),
      seed: FastCheck.integer(),
      length: FastCheck.integer({ min: 0, max: 600 }),
      elfPrefix: FastCheck.boolean()
    })
  }
)

const writeField = (bytes: Uint8Array, at: number, width: number, value: bigint) => {
  for (let i = 0; i < width && at + i < bytes.length; i++) bytes[at + i] = Number((value >> BigInt(8 * i)) & 0xffn)
}

/** The bytes of a recipe. */
const materialize = (r: Recipe): Uint8Array => {
  if (r._tag === "Random") {
    const bytes = bytesFrom(r.seed, r.length)
    if (r.elfPrefix) bytes.set(ElfWriter.fileHeader().subarray(0, Math.min(bytes.length, 20)))
    return bytes
  }
  const segments = layOut(r.draw)
  let bytes = ElfWriter.write(specOf(segments, segments[0].vaddr))
  const tableEnd = 64 + segments.length * 56
  for (const m of r.mutations) {
    switch (m._tag) {
      case "Flip": {
        if (bytes.length === 0) break
        const at = m.inHeaders ? m.at % Math.min(tableEnd, bytes.length) : m.at % bytes.length
        bytes[at] ^= 1 << m.bit
        break
      }
      case "Byte": {
        if (bytes.length > 0) bytes[m.at % bytes.length] = m.value
        break
      }
      case "FileField": {
        const [at, width] = FILE_FIELDS[m.field]
        writeField(bytes, at, width, m.value)
        break
      }
      case "SegmentField": {
        const [at, width] = SEGMENT_FIELDS[m.field]
        writeField(bytes, 64 + (m.segment % segments.length) * 56 + at, width, m.value)
        break
      }
      case "Truncate": {
        bytes = bytes.slice(0, m.at % (bytes.length + 1))
        break
      }
      case "Grow": {
        const grown = new Uint8Array(bytes.length + m.by)
        grown.set(bytes)
        bytes = grown
        break
      }
    }
  }
  return bytes
}

/** Cases, and the rounds they run in (each its own seed; the runner gets the event loop between rounds). */
const ROUNDS = 20
const CASES = Math.ceil(propertyRuns(40_000, ROUNDS) / ROUNDS) * ROUNDS

/** What the fuzz saw, to show it reached every stage. */
const seen = { cases: 0, parseErrors: new Map<string, number>(), loadErrors: new Map<string, number>(), loaded: 0 }
const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)
const total = (map: Map<string, number>) => Array.from(map.values()).reduce((a, b) => a + b, 0)

/** A cheap comparable form of a parse result. */
const signature = (result: Either.Either<Elf64Headers.Elf64Headers, ElfParseError.ElfParseError>): string =>
  Either.isLeft(result)
    ? `${result.left._tag}|${result.left.message}|${result.left.asZxStatus()}`
    : JSON.stringify([result.right.fileHeader, result.right.programHeaders])

/** One parse failure in this many also goes through a VMO, to check `fromVmo` agrees with `fromBytes`. */
const VMO_SAMPLE = 8

describe("Fuzz", () => {
  it.effect(
    "40,000 random and mutated images (ZXSIM_PROPERTY_RUNS scales them) through parse and load: success or a typed error, nothing leaked",
    () => {
      const cpu = process.cpuUsage()
      let parseFailures = 0
      return withKernel(Effect.gen(function*() {
        const kernel = yield* Kernel.Kernel
        const { rootVmar } = yield* makeProcess("fuzz")
        const run = Runtime.runSync(yield* Effect.runtime<Kernel.Kernel>())

        /** Through the kernel: parse from a VMO (agreeing with `direct`), load if it parsed, leak nothing. */
        const throughKernel = (
          bytes: Uint8Array,
          direct: Either.Either<Elf64Headers.Elf64Headers, ElfParseError.ElfParseError>
        ) =>
          Effect.gen(function*() {
            const before = yield* kernel.stats
            yield* Effect.scoped(Effect.gen(function*() {
              const vmo = yield* kernel.vmo.fromBytes(bytes, { name: "fuzz", executable: true })
              const viaVmo = yield* Effect.either(Elf64Headers.fromVmo(vmo))
              if (signature(direct) !== signature(viaVmo)) assert.deepStrictEqual(summary(viaVmo), summary(direct))
              if (Either.isLeft(viaVmo)) return
              const loaded = yield* Effect.either(ElfLoad.loadElf(vmo, viaVmo.right, rootVmar))
              if (Either.isLeft(loaded)) {
                if (!ElfLoadError.isElfLoadError(loaded.left)) {
                  assert.fail(`untyped load failure ${String(loaded.left)}`)
                }
                count(seen.loadErrors, `${loaded.left._tag}(${loaded.left.asZxStatus()})`)
              } else {
                seen.loaded++
                const info = yield* kernel.vmar.info(loaded.right.vmar)
                if (info.base !== loaded.right.vmarBase) assert.fail("the VMAR is not where the load says")
                yield* kernel.vmar.destroy(loaded.right.vmar)
              }
              // Failed loads left nothing behind; successful ones were destroyed above.
              if ((yield* kernel.vmar.regions(rootVmar)).length !== 0) assert.fail("the address space is not empty")
            }))
            if (!sameStats(before, yield* kernel.stats)) assert.fail("kernel statistics changed")
          })

        for (let round = 0; round < ROUNDS; round++) {
          FastCheck.assert(
            FastCheck.property(recipe, (r) => {
              seen.cases++
              const bytes = materialize(r)
              const direct = Elf64Headers.fromBytes(bytes)
              if (Either.isLeft(direct)) {
                const e = direct.left
                if (!ElfParseError.isElfParseError(e)) assert.fail(`untyped parse failure ${String(e)}`)
                count(
                  seen.parseErrors,
                  e._tag === "InvalidProgramHeader" || e._tag === "InvalidFileHeader"
                    ? `${e._tag}: ${e.reason}`
                    : e._tag
                )
                if (parseFailures++ % VMO_SAMPLE !== 0) return
              }
              run(throughKernel(bytes, direct))
            }),
            { numRuns: CASES / ROUNDS, seed: 20_240_601 + round }
          )
          // Let the test runner breathe between rounds.
          yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
        }
        const used = process.cpuUsage(cpu)
        console.log(
          `fuzz: ${seen.cases} cases, ${total(seen.parseErrors)} parse errors (${
            Math.ceil(parseFailures / VMO_SAMPLE)
          } of them also ` +
            `through a VMO), ${total(seen.loadErrors)} load errors, ${seen.loaded} loaded; CPU ${
              ((used.user + used.system) / 1e6).toFixed(1)
            } s\n` +
            `parse errors: ${JSON.stringify(Object.fromEntries(seen.parseErrors))}\n` +
            `load errors: ${JSON.stringify(Object.fromEntries(seen.loadErrors))}`
        )
        assert.strictEqual(seen.cases, CASES)
        // Every stage is reached often.
        assert.isAbove(total(seen.parseErrors), CASES / 10)
        assert.isAbove(seen.loaded, CASES / 10)
        assert.isAbove(total(seen.loadErrors), CASES / 100)
      }))
    }
  )
})
