import { assert, describe, it } from "@effect/vitest"
import * as Elf64Headers from "@zxsim/elf/Elf64Headers"
import * as ElfLoad from "@zxsim/elf/ElfLoad"
import * as ElfWriter from "@zxsim/elf/ElfWriter"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import { imageDraw, layOut, loadableImageDraw, predict, specOf } from "./utils/images.js"
import { checkWithKernel, imageVmo, makeProcess } from "./utils/kernel.js"

const PAGE = 4096
const outcomes = new Map<string, number>()

describe("ElfLoad: properties", () => {
  it.effect("random well-formed images load as predicted: file bytes then zeros, each mapping with its segment's permissions (1,000 images)", () =>
    checkWithKernel(
      Effect.void,
      // Mostly images every segment of which can load; some with any permissions, which may not.
      FastCheck.oneof({ weight: 3, arbitrary: loadableImageDraw() }, { weight: 1, arbitrary: imageDraw() }),
      (draw) =>
        Effect.gen(function*() {
          const kernel = yield* Kernel.Kernel
          const segments = layOut(draw)
          const entry = segments[0].vaddr + 4
          const bytes = ElfWriter.write(specOf(segments, entry))
          const headers = yield* Elf64Headers.fromBytes(bytes)
          const { process, rootVmar } = yield* makeProcess()
          const vmo = yield* imageVmo(bytes, "prop")
          const fileKoid = (yield* kernel.handle.info(vmo)).koid
          const statsBefore = yield* kernel.stats
          const expected = predict(segments)
          const result = yield* Effect.either(ElfLoad.loadElf(vmo, headers, rootVmar))
          outcomes.set(expected._tag, (outcomes.get(expected._tag) ?? 0) + 1)
          if (expected._tag !== "Loaded") {
            assert.isTrue(Either.isLeft(result), `expected ${expected._tag}`)
            const error = Option.getOrThrow(Either.getLeft(result))
            assert.strictEqual(error._tag, expected._tag)
            if (expected._tag === "VmarMap" && error._tag === "VmarMap") {
              assert.strictEqual(error.status, expected.status)
              assert.strictEqual(error.segment, expected.segment)
            }
            assert.deepStrictEqual(yield* kernel.stats, statsBefore)
            assert.deepStrictEqual(yield* kernel.vmar.regions(rootVmar), [])
            return
          }
          if (Either.isLeft(result)) return assert.fail(`unexpected ${result.left.message}`)
          const loaded = result.right
          const low = segments[0].vaddr - (segments[0].vaddr % PAGE)
          assert.strictEqual(loaded.entry, entry - low + loaded.vmarBase)

          // Every mapping, and only those, with exactly its segment's permissions.
          const regions = yield* kernel.vmar.regions(rootVmar)
          const last = segments[segments.length - 1]
          assert.deepStrictEqual(regions[0]._tag === "Vmar" ? [regions[0].base, regions[0].size] : [], [
            loaded.vmarBase,
            Math.ceil((last.vaddr + last.memsz) / PAGE) * PAGE - low
          ])
          const mappings = regions.flatMap((r) => r._tag === "Mapping" ? [r] : [])
          assert.deepStrictEqual(
            mappings.map((m) => ({
              at: m.base - loaded.vmarBase,
              size: m.size,
              perms: m.perms,
              direct: m.vmoKoid === fileKoid
            })),
            expected.mappings
          )

          // Guest memory: each segment's file bytes, then zeros to its end.
          for (const s of segments) {
            if (s.memsz === 0) continue
            const memory = yield* kernel.process.readMemory(process, s.vaddr - low + loaded.vmarBase, s.memsz)
            assert.deepStrictEqual(memory.subarray(0, s.filesz), s.data)
            assert.isTrue(memory.subarray(s.filesz).every((b) => b === 0), "bss is zero")
          }
        }),
      { numRuns: 1000, seed: 4 }
    ).pipe(Effect.tap(() =>
      Effect.sync(() => {
        console.log(`load property outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`)
        assert.isAbove(outcomes.get("Loaded") ?? 0, 700)
      })
    )))
})
