/**
 * The bad-input sweep: every kernel call, given invalid or wrong-type handles, missing rights,
 * out-of-range, negative, non-integer or huge numbers, overflowing address arithmetic or
 * over-long names, answers with Zircon's status as a `ZxError` — never a throw or a defect — and
 * leaves no object, handle or frame behind (every test checks the statistics afterwards).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import type { ObjectTypeName } from "@zxsim/kernel/ObjectType"
import * as Rights from "@zxsim/kernel/Rights"
import { Signals } from "@zxsim/kernel/Signals"
import * as StatusModule from "@zxsim/kernel/Status"
import { PolicyAction, PolicyCondition } from "@zxsim/kernel/Task"
import { align, USER_ASPACE_BASE, USER_ASPACE_SIZE, VmoChildOption, VmoOption, VmOption } from "@zxsim/kernel/VmOptions"
import type { ZxError } from "@zxsim/kernel/ZxError"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import type * as Scope from "effect/Scope"
import { attempt, kernel, live, PAGE, pretend, runCase, statusOf, withKernel } from "./support.js"

const R = Rights.Rights
const { PERM_READ, PERM_WRITE, SPECIFIC } = VmOption
const RW = PERM_READ | PERM_WRITE
const ENTRY = USER_ASPACE_BASE + PAGE

/** A kernel call under test: it may need a scope for the handles it makes. */
type Call = Effect.Effect<unknown, ZxError, Scope.Scope>

/** Numbers that are not a valid size, offset, address, length, option set or rights mask. */
const JUNK: ReadonlyArray<number> = [
  -1,
  -PAGE,
  0.5,
  PAGE + 0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 53,
  2 ** 64,
  1e300,
  -(2 ** 31)
]

/** The statuses a call may give for a number it cannot take. */
const NUMBER_STATUSES = ["ZX_ERR_INVALID_ARGS", "ZX_ERR_OUT_OF_RANGE"]

/** One live handle of each type, with every right its type has by default. */
const fixtures = Effect.gen(function*() {
  const k = yield* kernel
  const root = yield* k.job.root()
  const job = yield* k.job.create(root)
  const { process, rootVmar } = yield* k.process.create(job, "bad-input")
  const thread = yield* k.thread.create(process, "t")
  const vmo = yield* k.vmo.create(4 * PAGE, VmoOption.RESIZABLE)
  const fixed = yield* k.vmo.create(4 * PAGE)
  const [channel, peer] = yield* k.channel.create()
  const [socket, socketPeer] = yield* k.socket.create()
  return { channel, fixed, job, peer, process, rootVmar, socket, socketPeer, thread, vmo }
})

type Fixtures = Effect.Effect.Success<typeof fixtures>

/** The named calls that take a handle, with `h` in the handle position the name says. */
const callsWith = (k: Kernel.KernelShape, h: Handle.Handle, f: Fixtures): ReadonlyArray<readonly [string, Call]> => {
  const vmo = pretend<"VMO">(h)
  const vmar = pretend<"VMAR">(h)
  const channel = pretend<"CHANNEL">(h)
  const socket = pretend<"SOCKET">(h)
  const job = pretend<"JOB">(h)
  const process = pretend<"PROCESS">(h)
  const thread = pretend<"THREAD">(h)
  return [
    ["handle.duplicate", k.handle.duplicate(h)],
    ["handle.replace", k.handle.replace(h)],
    ["handle.move", k.handle.move(h)],
    ["handle.info", k.handle.info(h)],
    ["object.waitOne", k.object.waitOne(h, Signals.USER_ALL, 0n)],
    ["object.signals", k.object.signals(h)],
    ["object.signal", k.object.signal(h, 0, 1 << 24)],
    ["object.getName", k.object.getName(h)],
    ["object.setName", k.object.setName(h, "x")],
    ["vmo.read", k.vmo.read(vmo, 0, 1)],
    ["vmo.write", k.vmo.write(vmo, 0, new Uint8Array(1))],
    ["vmo.getSize", k.vmo.getSize(vmo)],
    ["vmo.getContentSize", k.vmo.getContentSize(vmo)],
    ["vmo.setSize", k.vmo.setSize(vmo, PAGE)],
    ["vmo.createChild", k.vmo.createChild(vmo, VmoChildOption.SNAPSHOT, 0, PAGE)],
    ["vmo.replaceAsExecutable", k.vmo.replaceAsExecutable(vmo)],
    ["vmar.allocate", k.vmar.allocate(vmar, 0, 0, PAGE)],
    ["vmar.map (vmar)", k.vmar.map(vmar, PERM_READ, 0, f.fixed, 0, PAGE)],
    ["vmar.map (vmo)", k.vmar.map(f.rootVmar, PERM_READ, 0, vmo, 0, PAGE)],
    ["vmar.unmap", k.vmar.unmap(vmar, USER_ASPACE_BASE, PAGE)],
    ["vmar.protect", k.vmar.protect(vmar, PERM_READ, USER_ASPACE_BASE, PAGE)],
    ["vmar.destroy", k.vmar.destroy(vmar)],
    ["vmar.info", k.vmar.info(vmar)],
    ["vmar.regions", k.vmar.regions(vmar)],
    ["channel.write", k.channel.write(channel, new Uint8Array(1))],
    ["channel.write (handles)", k.channel.write(f.channel, new Uint8Array(1), [h])],
    ["channel.read", k.channel.read(channel)],
    ["socket.write", k.socket.write(socket, new Uint8Array(1))],
    ["socket.read", k.socket.read(socket, 1)],
    ["job.create", k.job.create(job)],
    ["job.setPolicy", k.job.setPolicy(job, [])],
    ["process.create", k.process.create(job, "p")],
    ["process.start (process)", k.process.start(process, f.thread, ENTRY, ENTRY, null, 0)],
    ["process.start (thread)", k.process.start(f.process, thread, ENTRY, ENTRY, null, 0)],
    ["process.info", k.process.info(process)],
    ["process.readMemory", k.process.readMemory(process, USER_ASPACE_BASE, 1)],
    ["process.writeMemory", k.process.writeMemory(process, USER_ASPACE_BASE, new Uint8Array(1))],
    ["thread.create", k.thread.create(process, "t")],
    ["task.kill", k.task.kill(process)]
  ]
}

/** The object type a call's handle position wants; undefined for calls that take any object. */
const wants = (name: string): ObjectTypeName | undefined => {
  // task.kill takes any task, and checks DESTROY before the type.
  if (
    name.startsWith("handle.") || name.startsWith("object.") || name === "channel.write (handles)" ||
    name === "task.kill"
  ) {
    return undefined
  }
  if (name.startsWith("vmo.") || name === "vmar.map (vmo)") return "VMO"
  if (name.startsWith("vmar.")) return "VMAR"
  if (name.startsWith("channel.")) return "CHANNEL"
  if (name.startsWith("socket.")) return "SOCKET"
  if (name.startsWith("job.") || name === "process.create") return "JOB"
  if (name === "process.start (thread)") return "THREAD"
  return "PROCESS"
}

/** A fresh handle of `type` from the fixtures (channels cannot be duplicated: a new pair). */
const freshOf = (k: Kernel.KernelShape, f: Fixtures, type: ObjectTypeName) =>
  Effect.gen(function*() {
    switch (type) {
      case "CHANNEL": {
        const [endpoint] = yield* k.channel.create()
        return endpoint
      }
      case "VMO":
        return yield* k.handle.duplicate(f.vmo)
      case "VMAR":
        return yield* k.handle.duplicate(f.rootVmar)
      case "SOCKET":
        return yield* k.handle.duplicate(f.socket)
      case "JOB":
        return yield* k.handle.duplicate(f.job)
      case "THREAD":
        return yield* k.handle.duplicate(f.thread)
      default:
        return yield* k.handle.duplicate(f.process)
    }
  })

/** Runs a call and names its status ("ZX_OK" on success); a defect fails the test. */
const outcome = (call: Call) => Effect.map(statusOf(Effect.scoped(call)), StatusModule.toString)

describe("bad input", () => {
  describe("handles", () => {
    it.effect("the invalid, a closed and a moved handle fail BAD_HANDLE in every call", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const f = yield* fixtures
        const closed = yield* k.vmo.create(PAGE)
        yield* k.handle.close(closed)
        const moved = yield* k.vmo.create(PAGE)
        yield* k.handle.move(moved)
        // A handle that travelled into a channel message is no longer the sender's.
        const [sent] = yield* k.channel.create()
        yield* k.channel.write(f.channel, new Uint8Array(0), [sent])
        for (const bad of [Handle.invalid, closed, moved, sent]) {
          for (const [name, call] of callsWith(k, bad, f)) {
            assert.strictEqual(yield* outcome(call), "ZX_ERR_BAD_HANDLE", name)
          }
        }
        // Closing the invalid handle is the one call that succeeds.
        yield* k.handle.close(Handle.invalid)
        assert.strictEqual(yield* outcome(k.handle.close(closed)), "ZX_ERR_BAD_HANDLE")
      })))

    it.effect("a live handle of another kernel fails BAD_HANDLE in every call", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const f = yield* fixtures
        yield* Effect.scoped(Effect.gen(function*() {
          const other = yield* Kernel.Kernel
          const foreign = yield* other.vmo.create(PAGE)
          for (const [name, call] of callsWith(k, foreign, f)) {
            assert.strictEqual(yield* outcome(call), "ZX_ERR_BAD_HANDLE", name)
          }
          assert.strictEqual(yield* outcome(k.handle.close(foreign)), "ZX_ERR_BAD_HANDLE")
          assert.isTrue(Handle.isLive(foreign))
        })).pipe(Effect.provide(Kernel.layer))
      })))

    it.effect("a handle of the wrong type fails WRONG_TYPE in every typed call", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const f = yield* fixtures
        const types: ReadonlyArray<ObjectTypeName> = ["VMO", "VMAR", "CHANNEL", "SOCKET", "JOB", "PROCESS", "THREAD"]
        let checked = 0
        for (const wrongType of types) {
          const names = callsWith(k, Handle.invalid, f).map(([name]) => name).filter((name) => {
            const want = wants(name)
            return want !== undefined && want !== wrongType
          })
          for (const name of names) {
            const h = yield* freshOf(k, f, wrongType)
            const call = callsWith(k, h, f).find(([n]) => n === name)![1]
            assert.strictEqual(yield* outcome(call), "ZX_ERR_WRONG_TYPE", `${name} given a ${wrongType}`)
            // The refused handle was not consumed.
            assert.isTrue(Handle.isLive(h), `${name} consumed a ${wrongType} handle it refused`)
            checked++
          }
        }
        assert.isAtLeast(checked, 150)
      })))

    it.effect("a handle without rights fails ACCESS_DENIED wherever a right is needed", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const f = yield* fixtures
        // The calls a handle without rights may still make (zx_vmar_allocate without CAN_MAP bits,
        // zx_vmo_replace_as_executable and zx_vmar_unmap need none).
        const rightless = new Set([
          "handle.replace",
          "handle.move",
          "handle.info",
          "object.signals",
          "vmo.getSize",
          "vmo.replaceAsExecutable",
          "vmar.allocate",
          "vmar.unmap"
        ])
        for (const [name] of callsWith(k, Handle.invalid, f)) {
          if (name === "channel.write (handles)") continue
          const fresh = yield* freshOf(k, f, wants(name) ?? "VMO")
          const none = yield* k.handle.replace(fresh, 0)
          const call = callsWith(k, none, f).find(([n]) => n === name)![1]
          const got = yield* outcome(call)
          assert.strictEqual(got, rightless.has(name) ? "ZX_OK" : "ZX_ERR_ACCESS_DENIED", name)
        }
        // A handle without TRANSFER cannot travel.
        const stuck = yield* k.handle.duplicate(f.vmo, R.READ)
        assert.strictEqual(
          yield* outcome(k.channel.write(f.channel, new Uint8Array(0), [stuck])),
          "ZX_ERR_ACCESS_DENIED"
        )
      })))
  })

  describe("numbers", () => {
    it.effect("sizes, offsets, lengths and addresses that are negative, fractional, NaN, infinite or huge", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const f = yield* fixtures
        const calls: ReadonlyArray<readonly [string, (n: number) => Call]> = [
          ["vmo.create size", (n) => k.vmo.create(n)],
          ["vmo.read offset", (n) => k.vmo.read(f.vmo, n, 1)],
          ["vmo.read length", (n) => k.vmo.read(f.vmo, 0, n)],
          ["vmo.write offset", (n) => k.vmo.write(f.vmo, n, new Uint8Array(1))],
          ["vmo.setSize size", (n) => k.vmo.setSize(f.vmo, n)],
          ["vmo.createChild offset", (n) => k.vmo.createChild(f.vmo, VmoChildOption.SNAPSHOT, n, PAGE)],
          ["vmo.createChild size", (n) => k.vmo.createChild(f.vmo, VmoChildOption.SNAPSHOT, 0, n)],
          ["vmar.allocate offset", (n) => k.vmar.allocate(f.rootVmar, SPECIFIC, n, PAGE)],
          ["vmar.allocate size", (n) => k.vmar.allocate(f.rootVmar, 0, 0, n)],
          ["vmar.map vmarOffset", (n) => k.vmar.map(f.rootVmar, PERM_READ | SPECIFIC, n, f.fixed, 0, PAGE)],
          ["vmar.map vmoOffset", (n) => k.vmar.map(f.rootVmar, PERM_READ | VmOption.ALLOW_FAULTS, 0, f.vmo, n, PAGE)],
          ["vmar.map len", (n) => k.vmar.map(f.rootVmar, PERM_READ | VmOption.ALLOW_FAULTS, 0, f.vmo, 0, n)],
          ["vmar.unmap address", (n) => k.vmar.unmap(f.rootVmar, n, PAGE)],
          ["vmar.unmap len", (n) => k.vmar.unmap(f.rootVmar, USER_ASPACE_BASE, n)],
          ["vmar.protect address", (n) => k.vmar.protect(f.rootVmar, PERM_READ, n, PAGE)],
          ["vmar.protect len", (n) => k.vmar.protect(f.rootVmar, PERM_READ, USER_ASPACE_BASE, n)],
          ["socket.read max", (n) => k.socket.read(f.socketPeer, n)],
          ["channel.read maxBytes", (n) => k.channel.read(f.peer, { maxBytes: n })],
          ["channel.read maxHandles", (n) => k.channel.read(f.peer, { maxHandles: n })],
          ["process.start entry", (n) => k.process.start(f.process, f.thread, n, ENTRY, null, 0)],
          ["process.start stack", (n) => k.process.start(f.process, f.thread, ENTRY, n, null, 0)],
          ["process.start arg2", (n) => k.process.start(f.process, f.thread, ENTRY, ENTRY, null, n)],
          ["process.readMemory address", (n) => k.process.readMemory(f.process, n, 1)],
          ["process.readMemory length", (n) => k.process.readMemory(f.process, USER_ASPACE_BASE, n)],
          ["process.writeMemory address", (n) => k.process.writeMemory(f.process, n, new Uint8Array(1))]
        ]
        // Something to read, so the channel and socket reads get as far as their limits.
        yield* k.channel.write(f.channel, new Uint8Array(8))
        yield* k.socket.write(f.socket, new Uint8Array(8))
        for (const [name, call] of calls) {
          for (const n of JUNK) {
            const got = yield* outcome(call(n))
            assert.include(NUMBER_STATUSES, got, `${name} = ${n}`)
          }
        }
        // Nothing was consumed by the refused reads, and the process never started.
        assert.strictEqual((yield* k.channel.read(f.peer)).bytes.length, 8)
        assert.strictEqual((yield* k.socket.read(f.socketPeer, 100)).length, 8)
        assert.strictEqual((yield* k.process.info(f.process)).flags, 0)
        assert.strictEqual((yield* live).frames, 0)
      })))

    it.effect("options, rights and signal masks that are not 32-bit unsigned integers fail INVALID_ARGS", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const f = yield* fixtures
        const calls: ReadonlyArray<readonly [string, (n: number) => Call]> = [
          ["handle.duplicate rights", (n) => k.handle.duplicate(f.vmo, n)],
          ["handle.replace rights", (n) => Effect.flatMap(k.handle.duplicate(f.vmo), (h) => k.handle.replace(h, n))],
          ["object.signal clear", (n) => k.object.signal(f.vmo, n, 0)],
          ["object.signal set", (n) => k.object.signal(f.vmo, 0, n)],
          ["object.waitOne signals", (n) => k.object.waitOne(f.vmo, n, 0n)],
          ["vmo.create options", (n) => k.vmo.create(PAGE, n)],
          ["vmo.createChild options", (n) => k.vmo.createChild(f.vmo, n, 0, PAGE)],
          ["vmar.allocate options", (n) => k.vmar.allocate(f.rootVmar, n, 0, PAGE)],
          ["vmar.map options", (n) => k.vmar.map(f.rootVmar, n, 0, f.vmo, 0, PAGE)],
          ["vmar.protect options", (n) => k.vmar.protect(f.rootVmar, n, USER_ASPACE_BASE, PAGE)],
          ["process.create options", (n) => k.process.create(f.job, "p", n)]
        ]
        const notU32 = [...JUNK, 2 ** 32, 2 ** 32 + 1, 2.5, 0.25]
        for (const [name, call] of calls) {
          for (const n of notU32) {
            assert.strictEqual(yield* outcome(call(n)), "ZX_ERR_INVALID_ARGS", `${name} = ${n}`)
          }
        }
        assert.strictEqual((yield* live).VMO, 2)
        assert.strictEqual((yield* live).VMAR, 1)
        assert.strictEqual((yield* live).PROCESS, 1)
      })))

    it.effect("unknown option bits and alignments out of range fail INVALID_ARGS", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const f = yield* fixtures
        const expectInvalid = function*(name: string, call: Call) {
          assert.strictEqual(yield* outcome(call), "ZX_ERR_INVALID_ARGS", name)
        }
        yield* expectInvalid("vmo.create options", k.vmo.create(PAGE, 1 << 8))
        yield* expectInvalid(
          "vmo.createChild options",
          k.vmo.createChild(f.vmo, VmoChildOption.SNAPSHOT | (1 << 12), 0, PAGE)
        )
        yield* expectInvalid("vmar.allocate options", k.vmar.allocate(f.rootVmar, VmOption.PERM_READ, 0, PAGE))
        yield* expectInvalid("vmar.allocate ALIGN 9", k.vmar.allocate(f.rootVmar, align(9), 0, PAGE))
        yield* expectInvalid("vmar.allocate ALIGN 33", k.vmar.allocate(f.rootVmar, align(33), 0, PAGE))
        yield* expectInvalid("vmar.map ALIGN 33", k.vmar.map(f.rootVmar, PERM_READ | align(33), 0, f.fixed, 0, PAGE))
        yield* expectInvalid("vmar.map unknown bit", k.vmar.map(f.rootVmar, PERM_READ | (1 << 20), 0, f.fixed, 0, PAGE))
        yield* expectInvalid(
          "vmar.protect unknown bit",
          k.vmar.protect(f.rootVmar, PERM_READ | SPECIFIC, USER_ASPACE_BASE, PAGE)
        )
        yield* expectInvalid("object.signal non-user bits", k.object.signal(f.vmo, 0, Signals.OBJECT_READABLE))
        yield* expectInvalid("process.create options", k.process.create(f.job, "p", 4))
        const empty = yield* k.job.create(f.job)
        yield* expectInvalid(
          "job.setPolicy condition",
          k.job.setPolicy(empty, [{ condition: 16, action: PolicyAction.DENY }])
        )
        // An unknown action is NOT_SUPPORTED, as Zircon's AddBasicPolicy answers.
        assert.strictEqual(
          yield* outcome(k.job.setPolicy(empty, [{ condition: PolicyCondition.NEW_PROCESS, action: 5 }])),
          "ZX_ERR_NOT_SUPPORTED"
        )
        // ALIGN_1KB is accepted (pages are 4 KiB, so it means page alignment); ALIGN_4GB too.
        yield* k.vmar.allocate(f.rootVmar, align(10), 0, PAGE)
        yield* k.vmar.allocate(f.rootVmar, align(32), 0, PAGE)
      })))

    it.effect("address arithmetic that overflows fails, it never wraps", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const f = yield* fixtures
        const top = 2 ** 53 - PAGE
        const calls: ReadonlyArray<readonly [string, Call]> = [
          ["vmo.read", k.vmo.read(f.vmo, Number.MAX_SAFE_INTEGER, 2)],
          ["vmo.write", k.vmo.write(f.vmo, Number.MAX_SAFE_INTEGER, new Uint8Array(2))],
          ["vmo.createChild", k.vmo.createChild(f.vmo, VmoChildOption.SNAPSHOT, top, 2 * PAGE)],
          ["vmar.allocate", k.vmar.allocate(f.rootVmar, SPECIFIC, USER_ASPACE_SIZE - PAGE, 2 * PAGE)],
          ["vmar.allocate huge", k.vmar.allocate(f.rootVmar, SPECIFIC, top, 2 * PAGE)],
          [
            "vmar.map vmar end",
            k.vmar.map(f.rootVmar, PERM_READ | SPECIFIC, USER_ASPACE_SIZE - PAGE, f.fixed, 0, 2 * PAGE)
          ],
          ["vmar.map vmo end", k.vmar.map(f.rootVmar, PERM_READ | VmOption.ALLOW_FAULTS, 0, f.vmo, top, 2 * PAGE)],
          ["vmar.unmap", k.vmar.unmap(f.rootVmar, top, 2 * PAGE)],
          ["vmar.unmap past the end", k.vmar.unmap(f.rootVmar, USER_ASPACE_BASE + USER_ASPACE_SIZE - PAGE, 2 * PAGE)],
          ["vmar.protect", k.vmar.protect(f.rootVmar, PERM_READ, top, 2 * PAGE)],
          ["process.readMemory", k.process.readMemory(f.process, Number.MAX_SAFE_INTEGER, 2)],
          ["process.writeMemory", k.process.writeMemory(f.process, Number.MAX_SAFE_INTEGER, new Uint8Array(2))]
        ]
        for (const [name, call] of calls) {
          const got = yield* outcome(call)
          assert.include(NUMBER_STATUSES, got, name)
        }
        assert.deepStrictEqual(yield* k.vmar.regions(f.rootVmar), [])
      })))

    it.effect("huge requests fail with a status instead of exhausting the host", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const f = yield* fixtures
        // The largest VMO is fine: its pages are committed lazily.
        const huge = yield* k.vmo.create(2 ** 40)
        assert.strictEqual(yield* k.vmo.getSize(huge), 2 ** 40)
        assert.strictEqual(yield* outcome(k.vmo.create(2 ** 40 + 1)), "ZX_ERR_OUT_OF_RANGE")
        assert.strictEqual(yield* outcome(k.vmo.setSize(f.vmo, 2 ** 41)), "ZX_ERR_OUT_OF_RANGE")
        // Reading all of it cannot be done in one host buffer.
        assert.strictEqual(yield* outcome(k.vmo.read(huge, 0, 2 ** 40)), "ZX_ERR_NO_MEMORY")
        const at = yield* k.vmar.map(f.rootVmar, PERM_READ, 0, huge, 0, 2 ** 36)
        assert.strictEqual(yield* outcome(k.process.readMemory(f.process, at, 2 ** 36)), "ZX_ERR_NO_MEMORY")
        // Nothing was committed by any of it.
        assert.strictEqual((yield* live).frames, 0)
        // A kernel with little memory runs out with NO_MEMORY.
        yield* Effect.gen(function*() {
          const small = yield* Kernel.Kernel
          const before = yield* small.stats
          yield* Effect.scoped(Effect.gen(function*() {
            const vmo = yield* small.vmo.create(64 * PAGE)
            const status = yield* statusOf(small.vmo.write(vmo, 0, new Uint8Array(64 * PAGE)))
            assert.strictEqual(StatusModule.toString(status), "ZX_ERR_NO_MEMORY")
            assert.strictEqual(yield* outcome(small.vmo.fromBytes(new Uint8Array(64 * PAGE))), "ZX_ERR_NO_MEMORY")
            // Reading more than the machine's memory in one buffer fails the same way.
            assert.strictEqual(yield* outcome(small.vmo.read(vmo, 0, 64 * PAGE)), "ZX_ERR_NO_MEMORY")
          }))
          assert.deepStrictEqual(yield* small.stats, before)
        }).pipe(Effect.provide(Kernel.layerWith({ memoryBytes: 16 * PAGE })))
      })))
  })

  describe("names", () => {
    it.effect("over-long names are truncated to 31 bytes, never refused", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const f = yield* fixtures
        const long = "n".repeat(10_000)
        yield* k.object.setName(f.vmo, long)
        assert.strictEqual(yield* k.object.getName(f.vmo), "n".repeat(31))
        const { process } = yield* k.process.create(f.job, long)
        assert.strictEqual(yield* k.object.getName(process), "n".repeat(31))
        const thread = yield* k.thread.create(process, long)
        assert.strictEqual(yield* k.object.getName(thread), "n".repeat(31))
        const vmo = yield* k.vmo.fromBytes(new Uint8Array(1), { name: long })
        assert.strictEqual(yield* k.object.getName(vmo), "n".repeat(31))
        // Odd strings: a lone surrogate, NULs, four-byte characters across the limit.
        for (const name of ["\ud800".repeat(40), "\u0000".repeat(40), "😀".repeat(10), `${"a".repeat(30)}😀`]) {
          yield* k.object.setName(f.vmo, name)
          const got = yield* k.object.getName(f.vmo)
          assert.isAtMost(new TextEncoder().encode(got).length, 31, JSON.stringify(name))
        }
        yield* k.object.setName(f.vmo, `${"a".repeat(30)}😀`)
        assert.strictEqual(yield* k.object.getName(f.vmo), "a".repeat(30))
      })))
  })

  describe("properties", () => {
    /** A number for any numeric argument: valid-looking, boundary, or junk. */
    const numberArb = FastCheck.oneof(
      FastCheck.constantFrom(
        0,
        1,
        PAGE - 1,
        PAGE,
        2 * PAGE,
        16 * PAGE,
        65536,
        USER_ASPACE_BASE,
        USER_ASPACE_SIZE,
        2 ** 38,
        2 ** 40
      ),
      FastCheck.constantFrom(...JUNK),
      FastCheck.integer({ min: -10, max: 20 * PAGE }),
      FastCheck.double({ noNaN: false })
    )
    const optionsArb = FastCheck.oneof(
      FastCheck.constantFrom(
        0,
        PERM_READ,
        RW,
        RW | SPECIFIC,
        VmOption.CAN_MAP_READ | VmOption.CAN_MAP_WRITE,
        VmoOption.RESIZABLE,
        VmoChildOption.SNAPSHOT
      ),
      FastCheck.integer({ min: 0, max: 0xffffffff }),
      FastCheck.constantFrom(...JUNK)
    )
    /** Operations: each names a call and its numeric arguments. */
    const opArb = FastCheck.record({
      call: FastCheck.nat(31),
      handle: FastCheck.nat(),
      other: FastCheck.nat(),
      a: numberArb,
      b: numberArb,
      c: numberArb,
      options: optionsArb
    })

    it.prop(
      "any call with any handle and any numbers: a typed error or success, and nothing left behind",
      [FastCheck.array(opArb, { minLength: 1, maxLength: 12 }), FastCheck.integer()],
      ([ops, seed]) =>
        runCase(
          Effect.gen(function*() {
            const k = yield* kernel
            const f = yield* fixtures
            const closed = yield* k.vmo.create(PAGE)
            yield* k.handle.close(closed)
            const weak = yield* k.handle.duplicate(f.vmo, R.READ | R.TRANSFER)
            // Kept out of the pool: a started process runs until killed, even with no handles left.
            const keeper = yield* k.handle.duplicate(f.process)
            const pool: Array<Handle.Handle> = [
              f.vmo,
              f.rootVmar,
              f.channel,
              f.peer,
              f.socket,
              f.socketPeer,
              f.job,
              f.process,
              f.thread,
              weak,
              closed,
              Handle.invalid
            ]
            for (const op of ops) {
              const h = pool[op.handle % pool.length]
              const o = pool[op.other % pool.length]
              const { a, b, c, options } = op
              const bytes = new Uint8Array(Number.isSafeInteger(a) && a >= 0 && a <= 70_000 ? a : 3)
              const calls: ReadonlyArray<Call> = [
                k.handle.duplicate(h, options),
                k.handle.replace(h, options),
                k.handle.info(h),
                k.object.waitOne(h, options, 0n),
                k.object.signal(h, a, b),
                k.object.setName(h, "x".repeat(Number.isSafeInteger(a) && a >= 0 && a < 100 ? a : 40)),
                k.vmo.create(a, options),
                k.vmo.read(pretend<"VMO">(h), a, Math.min(Number.isFinite(b) ? b : 0, 2 ** 20)),
                k.vmo.write(pretend<"VMO">(h), a, bytes.subarray(0, 100)),
                k.vmo.setSize(pretend<"VMO">(h), a),
                k.vmo.createChild(pretend<"VMO">(h), options, a, b),
                k.vmo.replaceAsExecutable(pretend<"VMO">(h)),
                k.vmar.allocate(pretend<"VMAR">(h), options, a, b),
                k.vmar.map(pretend<"VMAR">(h), options, a, pretend<"VMO">(o), b, c),
                k.vmar.unmap(pretend<"VMAR">(h), a, b),
                k.vmar.protect(pretend<"VMAR">(h), options, a, b),
                k.vmar.destroy(pretend<"VMAR">(h)),
                k.vmar.info(pretend<"VMAR">(h)),
                // Sending an endpoint over its own channel queues it on itself: a cycle that Zircon
                // leaks too, so the sweep does not make one.
                k.channel.write(pretend<"CHANNEL">(h), bytes, o === f.channel || o === f.peer ? [] : [o]),
                k.channel.read(pretend<"CHANNEL">(h), { maxBytes: a, maxHandles: b }),
                k.socket.write(pretend<"SOCKET">(h), bytes),
                k.socket.read(pretend<"SOCKET">(h), a),
                k.job.create(pretend<"JOB">(h)),
                k.job.setPolicy(pretend<"JOB">(h), [{ condition: a, action: b }]),
                k.process.create(pretend<"JOB">(h), "p", options),
                k.process.start(pretend<"PROCESS">(h), pretend<"THREAD">(o), a, b, null, c),
                k.process.info(pretend<"PROCESS">(h)),
                k.process.readMemory(pretend<"PROCESS">(h), a, Math.min(Number.isFinite(b) ? b : 0, 2 ** 20)),
                k.process.writeMemory(pretend<"PROCESS">(h), a, bytes.subarray(0, 100)),
                k.thread.create(pretend<"PROCESS">(h), "t"),
                k.task.kill(pretend<"PROCESS">(h)),
                k.handle.close(h)
              ]
              // `attempt` fails the case on anything but success or a ZxError.
              yield* attempt(calls[op.call % calls.length])
            }
            // A started process keeps running until killed; kill it so the scope can end clean.
            yield* k.task.kill(keeper)
          }),
          seed
        ),
      { fastCheck: { numRuns: 1000 } }
    )
  })
})
