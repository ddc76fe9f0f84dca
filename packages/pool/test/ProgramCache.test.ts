import { assert, describe, it } from "@effect/vitest"
import * as GuestRun from "@zxsim/pool/GuestRun"
import * as ProgramCache from "@zxsim/pool/ProgramCache"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

/** Encodes `value`, sends it through `transport`, decodes it: what a worker receives. */
const across = <A, I>(schema: Schema.Schema<A, I>, value: A, transport: (encoded: I) => unknown): A =>
  Schema.decodeUnknownSync(schema)(transport(Schema.encodeSync(schema)(value)))

const viaJson = (encoded: unknown) => JSON.parse(JSON.stringify(encoded))

/** Six small distinct files, by index. */
const files = Array.from({ length: 6 }, (_, i) => new Uint8Array(16 + 8 * i).fill(i + 1))

const elf = (executable: number, libraries: ReadonlyArray<number>) =>
  new GuestRun.ElfProgram({
    name: `p${executable}`,
    bytes: files[executable],
    ...(libraries.length === 0 ? {} : {
      libraries: Object.fromEntries(libraries.map((i) => [`lib${i}.so`, files[i]] as const))
    })
  })

const sameBytes = (a: Uint8Array, b: Uint8Array) => assert.deepStrictEqual(Array.from(a), Array.from(b))

describe("ProgramCache", () => {
  it.prop(
    "a RunCached round-trips through JSON and a structured clone",
    [Arbitrary.make(ProgramCache.RunCached)],
    ([request]) => {
      for (const transport of [viaJson, structuredClone]) {
        const decoded = across(ProgramCache.RunCached, request, transport)
        assert.deepStrictEqual(
          Schema.encodeSync(ProgramCache.RunCached)(decoded),
          Schema.encodeSync(ProgramCache.RunCached)(request)
        )
      }
    },
    { fastCheck: { numRuns: 100 } }
  )

  it("a digest is SHA-256 in lowercase hex; anything else is refused", () => {
    assert.strictEqual(
      ProgramCache.digestOf(new TextEncoder().encode("abc")),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    const decode = Schema.decodeUnknownEither(ProgramCache.ProgramDigest)
    for (const bad of ["", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", "ab", 7]) {
      assert.isTrue(Either.isLeft(decode(bad)), String(bad))
    }
  })

  it.prop(
    "the pool's mirror and a worker's store hold the same digests after any runs, and the worker never misses",
    [
      FastCheck.array(
        FastCheck.tuple(
          FastCheck.integer({ min: 0, max: 5 }),
          FastCheck.uniqueArray(FastCheck.integer({ min: 0, max: 5 }), { maxLength: 3 })
        ),
        { maxLength: 30 }
      ),
      FastCheck.integer({ min: 0, max: 4 }),
      FastCheck.integer({ min: 0, max: 120 })
    ],
    ([runs, entries, bytes]) => {
      const capacity = ProgramCache.Capacity.make({ entries, bytes })
      const mirror = new ProgramCache.ContentLru<true>(capacity)
      const store = new ProgramCache.ContentLru<Uint8Array>(capacity)
      for (const [executable, libraries] of runs) {
        const program = elf(executable, libraries)
        const { program: cached } = ProgramCache.prepare(ProgramCache.filesOf(program), mirror, false)
        const resolved = ProgramCache.resolve(across(ProgramCache.CachedElf, cached, structuredClone), store)
        assert.strictEqual(resolved._tag, "ElfProgram")
        if (resolved._tag !== "ElfProgram") return
        assert.strictEqual(resolved.name, program.name)
        sameBytes(resolved.bytes, program.bytes)
        assert.deepStrictEqual(
          Object.keys(resolved.libraries ?? {}).sort(),
          Object.keys(program.libraries ?? {}).sort()
        )
        for (const [name, library] of Object.entries(program.libraries ?? {})) {
          sameBytes(resolved.libraries![name], library)
        }
        assert.deepStrictEqual(store.digests, mirror.digests)
      }
    },
    { fastCheck: { numRuns: 200 } }
  )

  it("a file is sent once, then named by digest; a store that lost it answers ProgramMissing with its digest", () => {
    const capacity = ProgramCache.Capacity.make({})
    const mirror = new ProgramCache.ContentLru<true>(capacity)
    const store = new ProgramCache.ContentLru<Uint8Array>(capacity)
    const files0 = ProgramCache.filesOf(elf(0, [1, 2]))
    const first = ProgramCache.prepare(files0, mirror, false)
    assert.deepStrictEqual(first.traffic, { sent: 3, stored: 0 })
    assert.strictEqual(ProgramCache.resolve(first.program, store)._tag, "ElfProgram")
    // The same files again (in another program, with one new library): only the new one travels.
    const second = ProgramCache.prepare(ProgramCache.filesOf(elf(1, [2, 3])), mirror, false)
    assert.deepStrictEqual(second.traffic, { sent: 1, stored: 2 })
    assert.strictEqual(second.program.executable._tag, "Stored")
    // A worker whose store is new (a replaced thread) lacks what the mirror says it holds.
    const missing = ProgramCache.resolve(second.program, new ProgramCache.ContentLru<Uint8Array>(capacity))
    assert.deepStrictEqual(
      missing,
      new ProgramCache.ProgramMissing({ digests: [ProgramCache.digestOf(files[1]), ProgramCache.digestOf(files[2])] })
    )
    // Sending everything always resolves, whatever the store holds.
    const all = ProgramCache.prepare(ProgramCache.filesOf(elf(1, [2, 3])), mirror, true)
    assert.deepStrictEqual(all.traffic, { sent: 3, stored: 0 })
    assert.strictEqual(ProgramCache.resolve(all.program, new ProgramCache.ContentLru(capacity))._tag, "ElfProgram")
  })

  it("capacity: the least recently used file goes first, by count and by bytes; none is kept with entries 0", () => {
    const digest = (i: number) => ProgramCache.digestOf(files[i])
    const lru = new ProgramCache.ContentLru<true>(ProgramCache.Capacity.make({ entries: 2, bytes: 1000 }))
    lru.set(digest(0), true, 10)
    lru.set(digest(1), true, 10)
    assert.isTrue(lru.get(digest(0)))
    lru.set(digest(2), true, 10)
    assert.deepStrictEqual(lru.digests, [digest(0), digest(2)])
    const bySize = new ProgramCache.ContentLru<true>(ProgramCache.Capacity.make({ entries: 10, bytes: 25 }))
    bySize.set(digest(0), true, 10)
    bySize.set(digest(1), true, 10)
    bySize.set(digest(2), true, 10)
    assert.deepStrictEqual(bySize.digests, [digest(1), digest(2)])
    // Larger than the whole capacity: not kept (and nothing else is dropped for it).
    bySize.set(digest(3), true, 26)
    assert.deepStrictEqual(bySize.digests, [digest(1), digest(2)])
    const none = new ProgramCache.ContentLru<true>(ProgramCache.Capacity.make({ entries: 0 }))
    none.set(digest(0), true, 1)
    assert.deepStrictEqual(none.digests, [])
  })
})
