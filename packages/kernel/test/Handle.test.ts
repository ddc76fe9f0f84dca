import { assert, describe, it } from "@effect/vitest"
import * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Rights from "@zxsim/kernel/Rights"
import * as StatusMod from "@zxsim/kernel/Status"
import { Status } from "@zxsim/kernel/Status"
import { VmoOption, VmOption } from "@zxsim/kernel/VmOptions"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Scope from "effect/Scope"
import { expectStatus, failureOf, kernel, live, runCase, statusOf, withKernel } from "./support.js"

const R = Rights.Rights

describe("Handle", () => {
  describe("default rights (fuchsia-spec §8.2)", () => {
    it.effect("every object type's first handle carries Zircon's default rights", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const rightsOf = (h: Handle.Handle) => Effect.map(k.handle.info(h), (i) => i.rights)
        assert.strictEqual(yield* rightsOf(yield* k.vmo.create(1)), 0xd0ef)
        assert.strictEqual(yield* rightsOf(yield* k.vmo.create(1, VmoOption.RESIZABLE)), (0xd0ef | R.RESIZE) >>> 0)
        const [c0, c1] = yield* k.channel.create()
        assert.strictEqual(yield* rightsOf(c0), 0xf00e)
        assert.strictEqual(yield* rightsOf(c1), 0xf00e)
        const [s0] = yield* k.socket.create()
        assert.strictEqual(yield* rightsOf(s0), 0x10f0cf)
        const root = yield* k.job.root()
        assert.strictEqual(yield* rightsOf(root), 0x7dfcf)
        const job = yield* k.job.create(root)
        assert.strictEqual(yield* rightsOf(job), 0x7dfcf)
        const { process, rootVmar } = yield* k.process.create(job, "rights")
        assert.strictEqual(yield* rightsOf(process), 0x6d3cf)
        assert.strictEqual(yield* rightsOf(rootVmar), (0x208003 | R.READ | R.WRITE | R.EXECUTE) >>> 0)
        const thread = yield* k.thread.create(process, "t")
        assert.strictEqual(yield* rightsOf(thread), 0x4d2cf)
        // A child VMAR: the VMAR defaults plus READ/WRITE/EXECUTE for its CAN_MAP bits.
        const none = yield* k.vmar.allocate(rootVmar, 0, 0, 0x10000)
        assert.strictEqual(yield* rightsOf(none.vmar), 0x208003)
        const rw = yield* k.vmar.allocate(rootVmar, VmOption.CAN_MAP_READ | VmOption.CAN_MAP_WRITE, 0, 0x10000)
        assert.strictEqual(yield* rightsOf(rw.vmar), (0x208003 | R.READ | R.WRITE) >>> 0)
        const rx = yield* k.vmar.allocate(rootVmar, VmOption.CAN_MAP_READ | VmOption.CAN_MAP_EXECUTE, 0, 0x10000)
        assert.strictEqual(yield* rightsOf(rx.vmar), (0x208003 | R.READ | R.EXECUTE) >>> 0)
      })))

    it("the rights constants have Zircon's values", () => {
      assert.strictEqual(Rights.BASIC, 0xc003)
      assert.strictEqual(Rights.DEFAULT_CHANNEL, 0xf00e)
      assert.strictEqual(Rights.DEFAULT_VMO, 0xd0ef)
      assert.strictEqual(Rights.DEFAULT_VMAR, 0x208003)
      assert.strictEqual(Rights.DEFAULT_PROCESS, 0x6d3cf)
      assert.strictEqual(Rights.DEFAULT_THREAD, 0x4d2cf)
      assert.strictEqual(Rights.DEFAULT_JOB, 0x7dfcf)
      assert.strictEqual(Rights.DEFAULT_SOCKET, 0x10f0cf)
      assert.strictEqual(R.SAME_RIGHTS, 2 ** 31)
      assert.strictEqual(R.RESIZE, 1 << 22)
      assert.strictEqual(R.OP_CHILDREN, 1 << 21)
    })
  })

  describe("duplicate", () => {
    it.effect("SAME_RIGHTS copies the rights; the copy refers to the same object", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(4096)
        const copy = yield* k.handle.duplicate(vmo)
        const explicit = yield* k.handle.duplicate(vmo, R.SAME_RIGHTS)
        const a = yield* k.handle.info(vmo)
        const b = yield* k.handle.info(copy)
        const c = yield* k.handle.info(explicit)
        assert.deepStrictEqual(b, a)
        assert.deepStrictEqual(c, a)
        yield* k.vmo.write(copy, 0, new Uint8Array([7]))
        assert.deepStrictEqual(Array.from(yield* k.vmo.read(vmo, 0, 1)), [7])
        assert.strictEqual((yield* live).handles, 3)
        assert.strictEqual((yield* live).VMO, 1)
      })))

    it.effect("a subset of the rights shrinks them; the copy is limited by them", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(4096)
        const readOnly = yield* k.handle.duplicate(vmo, R.READ | R.DUPLICATE)
        assert.strictEqual((yield* k.handle.info(readOnly)).rights, R.READ | R.DUPLICATE)
        yield* k.vmo.read(readOnly, 0, 16)
        yield* expectStatus(k.vmo.write(readOnly, 0, new Uint8Array(1)), Status.ACCESS_DENIED)
        const none = yield* k.handle.duplicate(readOnly, 0)
        assert.strictEqual((yield* k.handle.info(none)).rights, 0)
      })))

    it.effect("rights outside the source's fail INVALID_ARGS", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(4096)
        yield* expectStatus(k.handle.duplicate(vmo, Rights.DEFAULT_VMO | R.EXECUTE), Status.INVALID_ARGS)
        const small = yield* k.handle.duplicate(vmo, R.DUPLICATE | R.READ)
        yield* expectStatus(k.handle.duplicate(small, R.DUPLICATE | R.READ | R.WRITE), Status.INVALID_ARGS)
        assert.strictEqual((yield* live).handles, 2)
      })))

    it.effect("needs DUPLICATE (ACCESS_DENIED); channels cannot be duplicated by default", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(4096)
        const noDup = yield* k.handle.duplicate(vmo, R.READ | R.WRITE)
        yield* expectStatus(k.handle.duplicate(noDup), Status.ACCESS_DENIED)
        yield* expectStatus(k.handle.duplicate(noDup, R.READ), Status.ACCESS_DENIED)
        const [c0] = yield* k.channel.create()
        yield* expectStatus(k.handle.duplicate(c0), Status.ACCESS_DENIED)
      })))

    it.effect("duplicates are closed with the scope that made them", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(4096)
        const inner = yield* Effect.scoped(Effect.gen(function*() {
          const d = yield* k.handle.duplicate(vmo)
          assert.strictEqual((yield* live).handles, 2)
          return d
        }))
        assert.strictEqual((yield* live).handles, 1)
        assert.isFalse(Handle.isLive(inner))
        yield* expectStatus(k.vmo.getSize(inner), Status.BAD_HANDLE)
      })))
  })

  describe("replace", () => {
    it.effect("consumes the source and returns a handle with the asked rights", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(4096)
        const koid = (yield* k.handle.info(vmo)).koid
        const same = yield* k.handle.replace(vmo)
        assert.isFalse(Handle.isLive(vmo))
        yield* expectStatus(k.handle.info(vmo), Status.BAD_HANDLE)
        assert.strictEqual((yield* k.handle.info(same)).koid, koid)
        assert.strictEqual((yield* k.handle.info(same)).rights, Rights.DEFAULT_VMO)
        const smaller = yield* k.handle.replace(same, R.READ)
        assert.isFalse(Handle.isLive(same))
        assert.strictEqual((yield* k.handle.info(smaller)).rights, R.READ)
        assert.strictEqual((yield* live).handles, 1)
        assert.strictEqual((yield* live).VMO, 1)
      })))

    it.effect("works without DUPLICATE (channels can be replaced)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [c0, c1] = yield* k.channel.create()
        const r = yield* k.handle.replace(c0, R.WRITE | R.TRANSFER)
        yield* k.channel.write(r, new Uint8Array([1]))
        assert.deepStrictEqual(Array.from((yield* k.channel.read(c1)).bytes), [1])
      })))

    it.effect("growing rights fails INVALID_ARGS and still consumes the source", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(4096)
        const small = yield* k.handle.duplicate(vmo, R.READ)
        yield* expectStatus(k.handle.replace(small, R.READ | R.WRITE), Status.INVALID_ARGS)
        assert.isFalse(Handle.isLive(small))
        assert.strictEqual((yield* live).handles, 1)
      })))
  })

  describe("close and move", () => {
    it.effect("a closed handle fails BAD_HANDLE everywhere, closing it again too", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(4096)
        yield* k.handle.close(vmo)
        assert.isFalse(Handle.isLive(vmo))
        assert.strictEqual((yield* live).VMO, 0)
        assert.strictEqual((yield* live).handles, 0)
        yield* expectStatus(k.handle.close(vmo), Status.BAD_HANDLE)
        yield* expectStatus(k.handle.info(vmo), Status.BAD_HANDLE)
        yield* expectStatus(k.handle.duplicate(vmo), Status.BAD_HANDLE)
        yield* expectStatus(k.handle.replace(vmo), Status.BAD_HANDLE)
        yield* expectStatus(k.handle.move(vmo), Status.BAD_HANDLE)
        yield* expectStatus(k.vmo.read(vmo, 0, 1), Status.BAD_HANDLE)
        yield* expectStatus(k.object.signals(vmo), Status.BAD_HANDLE)
      })))

    it.effect("the object lives while any handle does", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(4096)
        const copy = yield* k.handle.duplicate(vmo)
        yield* k.vmo.write(vmo, 0, new Uint8Array([9]))
        yield* k.handle.close(vmo)
        assert.strictEqual((yield* live).VMO, 1)
        assert.deepStrictEqual(Array.from(yield* k.vmo.read(copy, 0, 1)), [9])
        yield* k.handle.close(copy)
        assert.strictEqual((yield* live).VMO, 0)
        assert.strictEqual((yield* live).frames, 0)
      })))

    it.effect("move kills the old handle; the new one belongs to the current scope", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(4096)
        const moved = yield* Effect.scoped(Effect.gen(function*() {
          const m = yield* k.handle.move(vmo)
          assert.isFalse(Handle.isLive(vmo))
          assert.isTrue(Handle.isLive(m))
          yield* expectStatus(k.vmo.getSize(vmo), Status.BAD_HANDLE)
          assert.strictEqual((yield* live).handles, 1)
          return m
        }))
        // The scope the handle moved to has closed it; the outer scope's finalizer does nothing.
        assert.isFalse(Handle.isLive(moved))
        assert.strictEqual((yield* live).handles, 0)
        assert.strictEqual((yield* live).VMO, 0)
      })))

    it.effect("a handle moved out of an inner scope survives that scope", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const scope = yield* Effect.scope
        const survivor = yield* Effect.scoped(Effect.gen(function*() {
          const vmo = yield* k.vmo.create(4096)
          yield* k.vmo.write(vmo, 0, new Uint8Array([5]))
          return yield* k.handle.move(vmo).pipe(Effect.provideService(Scope.Scope, scope))
        }))
        assert.isTrue(Handle.isLive(survivor))
        assert.deepStrictEqual(Array.from(yield* k.vmo.read(survivor, 0, 1)), [5])
        assert.strictEqual((yield* live).handles, 1)
      })))

    it.effect("the invalid handle: close is a no-op, every other use fails BAD_HANDLE", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        assert.isTrue(Handle.isInvalid(Handle.invalid))
        assert.isFalse(Handle.isLive(Handle.invalid))
        yield* k.handle.close(Handle.invalid)
        yield* expectStatus(k.handle.info(Handle.invalid), Status.BAD_HANDLE)
        yield* expectStatus(k.handle.duplicate(Handle.invalid), Status.BAD_HANDLE)
        yield* expectStatus(k.handle.replace(Handle.invalid), Status.BAD_HANDLE)
        yield* expectStatus(k.handle.move(Handle.invalid), Status.BAD_HANDLE)
        yield* expectStatus(k.vmo.read(Handle.invalid, 0, 0), Status.BAD_HANDLE)
        yield* expectStatus(k.object.waitOne(Handle.invalid, 1, 0n), Status.BAD_HANDLE)
      })))

    it.effect("a handle of another kernel is BAD_HANDLE here", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const foreign = yield* Effect.scoped(
          Effect.gen(function*() {
            const other = yield* Kernel.Kernel
            const vmo = yield* other.vmo.create(4096)
            // Use it here while it is alive in its own kernel.
            const status = yield* statusOf(k.vmo.read(vmo, 0, 1))
            assert.strictEqual(status, Status.BAD_HANDLE)
            assert.strictEqual(yield* statusOf(k.handle.close(vmo)), Status.BAD_HANDLE)
            assert.isTrue(Handle.isLive(vmo))
            return vmo
          }).pipe(Effect.provide(Kernel.layer))
        )
        assert.isFalse(Handle.isLive(foreign))
      })))
  })

  describe("koids and handle.info", () => {
    it.effect("koids start at 1024, are unique and grow", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const root = yield* k.job.root()
        const rootKoid = (yield* k.handle.info(root)).koid
        assert.isAtLeast(rootKoid, 1024)
        const koids: Array<number> = [rootKoid]
        for (let i = 0; i < 5; i++) koids.push((yield* k.handle.info(yield* k.vmo.create(0))).koid)
        const [a, b] = yield* k.channel.create()
        koids.push((yield* k.handle.info(a)).koid, (yield* k.handle.info(b)).koid)
        for (let i = 1; i < koids.length; i++) assert.isAbove(koids[i], koids[i - 1])
        // Koids are never reused, even after objects die.
        yield* k.handle.close(a)
        const again = (yield* k.handle.info(yield* k.vmo.create(0))).koid
        assert.isAbove(again, koids[koids.length - 1])
      })))

    it.effect("info reports type, koid and related koid", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(4096)
        const vmoInfo = yield* k.handle.info(vmo)
        assert.strictEqual(vmoInfo.type, "VMO")
        assert.strictEqual(vmoInfo.relatedKoid, 0)
        const [c0, c1] = yield* k.channel.create()
        const i0 = yield* k.handle.info(c0)
        const i1 = yield* k.handle.info(c1)
        assert.strictEqual(i0.type, "CHANNEL")
        assert.strictEqual(i0.relatedKoid, i1.koid)
        assert.strictEqual(i1.relatedKoid, i0.koid)
        const [s0, s1] = yield* k.socket.create()
        assert.strictEqual((yield* k.handle.info(s0)).relatedKoid, (yield* k.handle.info(s1)).koid)
        assert.strictEqual((yield* k.handle.info(s0)).type, "SOCKET")
        const root = yield* k.job.root()
        const job = yield* k.job.create(root)
        const jobInfo = yield* k.handle.info(job)
        assert.strictEqual(jobInfo.type, "JOB")
        assert.strictEqual(jobInfo.relatedKoid, (yield* k.handle.info(root)).koid)
        const { process, rootVmar } = yield* k.process.create(job, "p")
        const processInfo = yield* k.handle.info(process)
        assert.strictEqual(processInfo.type, "PROCESS")
        assert.strictEqual(processInfo.relatedKoid, jobInfo.koid)
        assert.strictEqual((yield* k.handle.info(rootVmar)).type, "VMAR")
        const thread = yield* k.thread.create(process, "t")
        const threadInfo = yield* k.handle.info(thread)
        assert.strictEqual(threadInfo.type, "THREAD")
        assert.strictEqual(threadInfo.relatedKoid, processInfo.koid)
      })))

    it.effect("a channel keeps its peer's koid as related koid after the peer closes", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const [c0, c1] = yield* k.channel.create()
        const peer = (yield* k.handle.info(c1)).koid
        yield* k.handle.close(c1)
        assert.strictEqual((yield* k.handle.info(c0)).relatedKoid, peer)
      })))
  })

  describe("properties", () => {
    const rightsArb = FastCheck.oneof(
      FastCheck.integer({ min: 0, max: 0xffffffff }).map((n) => n >>> 0),
      FastCheck.subarray(Object.values(R).filter((r) => r !== R.SAME_RIGHTS && r !== 0)).map((bits) =>
        bits.reduce((a, b) => (a | b) >>> 0, 0)
      ),
      FastCheck.constant(R.SAME_RIGHTS)
    )

    it.prop(
      "duplicated and replaced rights never grow",
      [
        FastCheck.array(FastCheck.tuple(FastCheck.boolean(), FastCheck.nat(7), rightsArb), {
          minLength: 1,
          maxLength: 12
        }),
        FastCheck.integer()
      ],
      ([steps, kernelSeed]) =>
        runCase(
          Effect.gen(function*() {
            const k = yield* kernel
            const [c0] = yield* k.channel.create()
            const root = yield* k.job.root()
            const handles: Array<Handle.Handle> = [yield* k.vmo.create(4096), c0, root, (yield* k.socket.create())[0]]
            for (const [replace, pick, asked] of steps) {
              const source = handles[pick % handles.length]
              const before = (yield* k.handle.info(source)).rights
              const call = replace ? k.handle.replace(source, asked) : k.handle.duplicate(source, asked)
              const exit = yield* Effect.exit(call)
              const wanted = asked === R.SAME_RIGHTS ? before : asked
              const grows = !Rights.isSubset(wanted, before)
              if (exit._tag === "Success") {
                const got = (yield* k.handle.info(exit.value)).rights
                assert.isTrue(
                  Rights.isSubset(got, before),
                  `rights 0x${got.toString(16)} exceed 0x${before.toString(16)}`
                )
                assert.strictEqual(got, wanted)
                assert.isFalse(grows)
                assert.isTrue(replace || Rights.has(before, R.DUPLICATE))
                if (replace) handles[pick % handles.length] = exit.value
                else handles.push(exit.value)
              } else {
                const expected = !replace && !Rights.has(before, R.DUPLICATE)
                  ? Status.ACCESS_DENIED
                  : Status.INVALID_ARGS
                assert.isTrue(replace ? grows : grows || expected === Status.ACCESS_DENIED)
                assert.strictEqual(failureOf(exit.cause).statusName, StatusMod.toString(expected))
                // A replace consumes the source even when it fails.
                if (replace) {
                  assert.isFalse(Handle.isLive(source))
                  handles.splice(pick % handles.length, 1)
                  if (handles.length === 0) handles.push(yield* k.vmo.create(0))
                }
              }
            }
          }),
          kernelSeed
        ),
      { fastCheck: { numRuns: 1000 } }
    )
  })
})
