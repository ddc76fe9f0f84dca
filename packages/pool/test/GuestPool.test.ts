import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Guests from "@zxsim/guest/Guests"
import * as GuestPool from "@zxsim/pool/GuestPool"
import * as GuestRun from "@zxsim/pool/GuestRun"
import * as GuestRunner from "@zxsim/pool/GuestRunner"
import * as ProgramCache from "@zxsim/pool/ProgramCache"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { cases, tempDir } from "./cases.js"

const guestBytes = (name: Guests.Name) => new Uint8Array(readFileSync(Guests.path(name)))

/**
 * A result's encoded form without the crash pc and address: address-space layouts are randomized per kernel,
 * so they differ between kernels (everything else, the instruction count too, does not), and the
 * instruction count of a case whose threads spin (see `Case.instructionsVary`).
 */
const encode = (result: GuestRun.RunResult, instructionsVary: boolean) => {
  const encoded = Schema.encodeSync(GuestRun.RunResult)(result)
  const counted = instructionsVary ? { ...encoded, instructions: "0" } : encoded
  return counted.outcome._tag === "Killed" && counted.outcome.exception !== null
    ? { ...counted, outcome: { ...counted.outcome, exception: { ...counted.outcome.exception, pc: 0, address: 0 } } }
    : counted
}

describe("GuestPool", () => {
  it.live("results on two workers equal the in-process runner's, byte for byte and instruction for instruction", () =>
    Effect.scoped(Effect.gen(function*() {
      const pool = yield* GuestPool.make({ size: 2 })
      const local = yield* GuestRunner.make()
      const all = [...cases("jit"), ...cases("interpreter")]
      const requests = all.map((c) => c.request)
      const pooled = yield* Effect.forEach(requests, (request) => pool.run(request), { concurrency: "unbounded" })
      for (let i = 0; i < requests.length; i++) {
        const expected = yield* local.run(requests[i])
        assert.deepStrictEqual(
          encode(pooled[i], all[i].instructionsVary === true),
          encode(expected, all[i].instructionsVary === true),
          `${GuestRun.programName(requests[i].program)} on ${requests[i].cpu}`
        )
      }
      assert.strictEqual(yield* pool.pool.replaced, 0)
    })).pipe(Effect.provide(NodeContext.layer)))

  it.live("on child processes too: results equal the in-process runner's", () =>
    Effect.scoped(Effect.gen(function*() {
      const pool = yield* GuestPool.make({ size: 2, isolation: "process" })
      const local = yield* GuestRunner.make()
      const all = cases("jit")
      const pooled = yield* Effect.forEach(all, (c) => pool.run(c.request), { concurrency: "unbounded" })
      for (const [i, c] of all.entries()) {
        const expected = yield* local.run(c.request)
        assert.deepStrictEqual(
          encode(pooled[i], c.instructionsVary === true),
          encode(expected, c.instructionsVary === true),
          c.title
        )
      }
      assert.strictEqual(yield* pool.pool.replaced, 0)
    })).pipe(Effect.provide(NodeContext.layer)))

  it.live("a hanging guest is stopped at its deadline while the other worker serves, and the pool serves on", () =>
    Effect.scoped(Effect.gen(function*() {
      const pool = yield* GuestPool.make({ size: 2 })
      const hang = GuestRun.named("endless_loop", { limits: GuestRun.Limits.make({ deadlineMillis: 500 }) })
      const [hung, others] = yield* Effect.all([
        pool.run(hang),
        Effect.forEach(
          Array.from({ length: 8 }, (_, i) => String(i)),
          (n) => pool.run(GuestRun.named("exit_code", { args: [n] })),
          {
            concurrency: "unbounded"
          }
        )
      ], { concurrency: "unbounded" })
      assert.strictEqual(hung.outcome._tag, "DeadlineExceeded")
      if (hung.outcome._tag === "DeadlineExceeded") {
        assert.strictEqual(hung.outcome.deadlineMillis, 500)
        // Normally the worker kills its guest itself; if it could not answer in time the pool replaced it.
        assert.strictEqual(yield* pool.pool.replaced, hung.outcome.workerReplaced ? 1 : 0)
      }
      assert.deepStrictEqual(
        others.map((r) => r.outcome),
        Array.from({ length: 8 }, (_, i) => new GuestRun.Exited({ returnCode: BigInt(i) }))
      )
      // Both workers serve again.
      const after = yield* Effect.forEach(["hello", "hello"] as const, (name) => pool.run(GuestRun.named(name)), {
        concurrency: 2
      })
      assert.deepStrictEqual(after.map((r) => r.outcome), [
        new GuestRun.Exited({ returnCode: 0n }),
        new GuestRun.Exited({ returnCode: 0n })
      ])
    })))

  it.live("a guest in a worker reads and writes the host directories its request mounts", () =>
    Effect.scoped(Effect.gen(function*() {
      const rw = yield* tempDir({})
      const ro = yield* tempDir({ "hello.txt": "hello\n" })
      const tree = yield* tempDir({})
      const pool = yield* GuestPool.make({ size: 2 })
      const [files, written] = yield* Effect.all([
        pool.run(GuestRun.named("files", {
          args: ["/data", "/ro"],
          mounts: [
            GuestRun.Mount.make({ hostPath: rw, guestPath: "/data" }),
            GuestRun.Mount.make({ hostPath: ro, guestPath: "/ro", readOnly: true })
          ]
        })),
        pool.run(GuestRun.named("write_tree", {
          args: ["/out"],
          stdin: new TextEncoder().encode("d sub\nf sub/a.bin 00ff41\nf top.txt 6869\n"),
          mounts: [GuestRun.Mount.make({ hostPath: tree, guestPath: "/out" })]
        }))
      ], { concurrency: "unbounded" })
      const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
      assert.deepStrictEqual(files.outcome, new GuestRun.Exited({ returnCode: 0n }), text(files.stdout))
      assert.include(text(files.stdout), "files: all steps passed")
      // The guest leaves its read-write directory as it found it, and cannot change the read-only one.
      assert.deepStrictEqual(readdirSync(rw), [])
      assert.deepStrictEqual(readdirSync(ro), ["hello.txt"])
      assert.deepStrictEqual(written.outcome, new GuestRun.Exited({ returnCode: 0n }), text(written.stderr))
      assert.deepStrictEqual(readdirSync(tree).sort(), ["sub", "top.txt"])
      assert.deepStrictEqual(new Uint8Array(readFileSync(join(tree, "sub", "a.bin"))), Uint8Array.of(0x00, 0xff, 0x41))
      assert.strictEqual(readFileSync(join(tree, "top.txt"), "utf8"), "hi")
      // Mounted read-only, the directory refuses the guest's create, and the file stays as it was.
      const again = yield* pool.run(GuestRun.named("write_tree", {
        args: ["/out"],
        stdin: new TextEncoder().encode("f top.txt 00\n"),
        mounts: [GuestRun.Mount.make({ hostPath: tree, guestPath: "/out", readOnly: true })]
      }))
      assert.deepStrictEqual(again.outcome, new GuestRun.Exited({ returnCode: 1n }))
      assert.strictEqual(readFileSync(join(tree, "top.txt"), "utf8"), "hi")
      const missing = yield* pool.run(GuestRun.named("files", {
        mounts: [GuestRun.Mount.make({ hostPath: join(rw, "absent"), guestPath: "/data" })]
      }))
      assert.strictEqual(missing.outcome._tag, "NotStarted")
      assert.strictEqual(yield* pool.pool.replaced, 0)
    })))

  it.live("an ELF program's bytes go to a worker once, then its digest; results are the same either way", () =>
    Effect.scoped(Effect.gen(function*() {
      const pool = yield* GuestPool.make({ size: 1 })
      const local = yield* GuestRunner.make()
      const libraries = Object.fromEntries(
        Guests.libraryNames.map((name) => [name, new Uint8Array(readFileSync(Guests.libraryPath(name)))] as const)
      )
      const request = (args: ReadonlyArray<string>) =>
        new GuestRun.RunGuest({
          program: new GuestRun.ElfProgram({ name: "dyn", bytes: guestBytes("hello_dynamic"), libraries }),
          args
        })
      const files = 1 + Guests.libraryNames.length
      // A miss: every file travels with its bytes.
      const first = yield* pool.run(request(["a"]))
      assert.deepStrictEqual(yield* pool.programTraffic, { sent: files, stored: 0, missed: 0 })
      // A hit: the same files (new arrays, the same bytes) go by digest.
      const second = yield* pool.run(request(["a"]))
      assert.deepStrictEqual(yield* pool.programTraffic, { sent: files, stored: files, missed: 0 })
      const expected = yield* local.run(request(["a"]))
      assert.deepStrictEqual(encode(first, false), encode(expected, false))
      assert.deepStrictEqual(encode(second, false), encode(expected, false))
      assert.strictEqual(new TextDecoder().decode(second.stdout), "dyn\na\n")
    })).pipe(Effect.provide(NodeContext.layer)))

  it.live("a worker that lost a file the pool counted on answers ProgramMissing, and the run is sent again whole", () =>
    Effect.scoped(Effect.gen(function*() {
      // A process worker: its store's capacity reaches it through its environment.
      const pool = yield* GuestPool.make({ size: 1, programCache: { entries: 2 }, isolation: "process" })
      const hello = () =>
        new GuestRun.RunGuest({ program: new GuestRun.ElfProgram({ name: "h", bytes: guestBytes("hello") }) })
      const first = yield* pool.run(hello())
      // Behind the pool's back, two other files fill the worker's store (capacity 2): hello's goes.
      for (const name of ["exit_code", "cat"] as const) {
        const bytes = guestBytes(name)
        const sent = yield* pool.pool.execute(
          new ProgramCache.RunCached({
            program: new ProgramCache.CachedElf({
              name,
              executable: new ProgramCache.Sent({ digest: ProgramCache.digestOf(bytes), bytes })
            })
          })
        )
        assert.strictEqual(sent.outcome._tag, "Exited")
      }
      // Asked by digest alone, the worker says it lacks it.
      const digest = ProgramCache.digestOf(guestBytes("hello"))
      const refused = yield* Effect.either(pool.pool.execute(
        new ProgramCache.RunCached({
          program: new ProgramCache.CachedElf({ name: "h", executable: new ProgramCache.Stored({ digest }) })
        })
      ))
      assert.deepStrictEqual(refused, Either.left(new ProgramCache.ProgramMissing({ digests: [digest] })))
      // Through the pool: its mirror still holds hello, the worker answers missing, the bytes go again.
      const again = yield* pool.run(hello())
      assert.deepStrictEqual(yield* pool.programTraffic, { sent: 2, stored: 1, missed: 1 })
      assert.deepStrictEqual(encode(again, false), encode(first, false))
      assert.strictEqual(new TextDecoder().decode(again.stdout), "h\n")
      // The worker holds it again: the next run names it by digest.
      yield* pool.run(hello())
      assert.deepStrictEqual(yield* pool.programTraffic, { sent: 2, stored: 2, missed: 1 })
    })))

  it.live("each result carries its request's id, in whatever order the runs finish", () =>
    Effect.scoped(Effect.gen(function*() {
      const pool = yield* GuestPool.make({ size: 2 })
      const requests = Array.from(
        { length: 8 },
        (_, i) => GuestRun.named("exit_code", { args: [String(i)], requestId: `run-${i}` })
      )
      const results = yield* Effect.forEach(requests, (r) => pool.run(r), { concurrency: "unbounded" })
      for (const [i, result] of results.entries()) {
        assert.strictEqual(result.requestId, `run-${i}`)
        assert.deepStrictEqual(result.outcome, new GuestRun.Exited({ returnCode: BigInt(i) }))
      }
      // Past its deadline, the run's result is still its own.
      const hung = yield* pool.run(
        GuestRun.named("endless_loop", { requestId: "hung", limits: GuestRun.Limits.make({ deadlineMillis: 300 }) })
      )
      assert.strictEqual(hung.outcome._tag, "DeadlineExceeded")
      assert.strictEqual(hung.requestId, "hung")
      // Without an id, none comes back.
      assert.isFalse("requestId" in (yield* pool.run(GuestRun.named("hello"))))
    })))

  it.live("as the GuestRunner layer", () =>
    Effect.gen(function*() {
      const result = yield* GuestRunner.run(GuestRun.named("exit_code", { args: ["5"] }))
      assert.deepStrictEqual(result.outcome, new GuestRun.Exited({ returnCode: 5n }))
    }).pipe(Effect.provide(GuestPool.layer({ size: 1 }))))
})
