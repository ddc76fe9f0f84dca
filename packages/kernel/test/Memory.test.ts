/**
 * Physical memory: the frame pool grows in few, geometric steps, reuses what was freed before it
 * grows, packs register files four to a frame; and when the budget is spent, every call that
 * needs memory answers NO_MEMORY (a guest's status, a host's `ZxError`), a page that cannot be
 * committed kills the faulting process with an exception, and nothing stays counted.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Rights } from "@zxsim/kernel/Rights"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import * as StatusModule from "@zxsim/kernel/Status"
import { TaskReturnCode } from "@zxsim/kernel/Task"
import { VmoChildOption, VmOption } from "@zxsim/kernel/VmOptions"
import { expectStatus, kernel, live, PAGE, withKernel } from "./support.js"
import { DATA, launch, withGuests } from "./utils/launch.js"
import { spin, store, sys } from "./utils/ScriptCpu.js"

const INFINITE = 0x7fffffffffffffffn
const enc = (s: string) => new TextEncoder().encode(s)

/** Fills physical memory with pages of one VMO until a write fails; returns the VMO and how many pages it took. */
const fillMemory = Effect.gen(function*() {
  const k = yield* kernel
  const filler = yield* k.vmo.create(2 ** 32)
  let pages = 0
  for (;;) {
    const exit = yield* Effect.exit(k.vmo.write(filler, pages * PAGE, new Uint8Array([1])))
    if (exit._tag === "Failure") break
    pages++
  }
  yield* expectStatus(k.vmo.write(filler, pages * PAGE, new Uint8Array([1])), Status.NO_MEMORY)
  return { filler, pages }
})

describe("physical memory", () => {
  it.effect("grows geometrically: 16 MiB of pages committed one at a time take a handful of growths", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const before = yield* k.memoryStats
      const vmo = yield* k.vmo.create(16 * 1024 * 1024)
      for (let i = 0; i < 4096; i++) yield* k.vmo.write(vmo, i * PAGE, new Uint8Array([1]))
      const after = yield* k.memoryStats
      assert.strictEqual(after.committedFrames - before.committedFrames, 4096)
      assert.isAtMost(after.growths - before.growths, 8)
    })))

  it.effect("reuses freed frames before it grows: a second round of the same commits adds no growth", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const round = Effect.gen(function*() {
        const vmo = yield* k.vmo.create(8 * 1024 * 1024)
        for (let i = 0; i < 2048; i++) yield* k.vmo.write(vmo, i * PAGE, new Uint8Array([i & 0xff]))
        yield* k.handle.close(vmo)
      })
      yield* round
      const grown = yield* k.memoryStats
      yield* round
      const again = yield* k.memoryStats
      assert.strictEqual(again.physicalFrames, grown.physicalFrames)
      assert.strictEqual(again.growths, grown.growths)
      // Reused frames come back zeroed.
      const fresh = yield* k.vmo.create(2048 * PAGE)
      const probe = yield* k.vmo.write(fresh, 0, new Uint8Array([0])).pipe(Effect.zipRight(k.vmo.read(fresh, 0, PAGE)))
      assert.isTrue(probe.every((b) => b === 0))
    })))

  it.effect("packs register files four to a frame and gives the frame back with its last one", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const before = yield* k.memoryStats
      const { process } = yield* k.process.create(yield* k.job.root(), "threads")
      const threads: Array<Handle.Thread> = []
      for (let i = 0; i < 400; i++) threads.push(yield* k.thread.create(process, `t${i}`))
      const full = yield* k.memoryStats
      // One frame charged for the address space, 100 frames of register files.
      assert.strictEqual(full.kernelFrames - before.kernelFrames, 1 + 100)
      assert.strictEqual(full.registerFiles - before.registerFiles, 400)
      for (const t of threads) yield* k.handle.close(t)
      const emptied = yield* k.memoryStats
      assert.strictEqual(emptied.kernelFrames - before.kernelFrames, 1)
      assert.strictEqual(emptied.registerFiles, before.registerFiles)
    })))
})

describe("memory exhaustion", () => {
  const small = { memoryBytes: 160 * PAGE }

  it.effect("host calls fail with ZxError NO_MEMORY (thread, process, VMO pages, copy-on-write, channel messages, socket bytes), count nothing, and work again once memory is freed", () =>
    withKernel(
      Effect.gen(function*() {
        const k = yield* kernel
        const job = yield* k.job.root()
        const { process } = yield* k.process.create(job, "holder")
        const { filler } = yield* fillMemory
        // Register files: the slots left in the last frame are handed out, then NO_MEMORY.
        const threads: Array<Handle.Thread> = []
        for (;;) {
          const exit = yield* Effect.exit(k.thread.create(process, "t"))
          if (exit._tag === "Failure") break
          threads.push(exit.value)
        }
        assert.isAtMost(threads.length, 3)
        const counted = yield* live
        yield* expectStatus(k.thread.create(process, "one more"), Status.NO_MEMORY)
        yield* expectStatus(k.process.create(job, "no room"), Status.NO_MEMORY)
        yield* expectStatus(k.vmo.fromBytes(new Uint8Array(PAGE)), Status.NO_MEMORY)
        const child = yield* k.vmo.createChild(filler, VmoChildOption.SNAPSHOT, 0, PAGE)
        yield* expectStatus(k.vmo.write(child, 0, new Uint8Array([2])), Status.NO_MEMORY)
        // Queued messages and socket bytes are kernel memory too; a refused message's handles are consumed.
        const [a, b] = yield* k.channel.create()
        const passenger = yield* k.event.create()
        yield* expectStatus(k.channel.write(a, new Uint8Array(100), [passenger]), Status.NO_MEMORY)
        yield* expectStatus(k.channel.read(b), Status.SHOULD_WAIT)
        const [s1, s2] = yield* k.socket.create()
        yield* expectStatus(k.socket.write(s1, new Uint8Array(100)), Status.NO_MEMORY)
        yield* expectStatus(k.socket.read(s2, 100), Status.SHOULD_WAIT)
        for (const h of [a, b, s1, s2]) yield* k.handle.close(h)
        const after = yield* live
        assert.strictEqual(after.THREAD, counted.THREAD)
        assert.strictEqual(after.PROCESS, counted.PROCESS)
        assert.strictEqual(after.handles, counted.handles + 1)
        // Freed memory is memory again.
        yield* k.handle.close(child)
        yield* k.handle.close(filler)
        yield* k.thread.create(process, "now")
        yield* k.process.create(job, "now")
        yield* k.vmo.fromBytes(new Uint8Array(PAGE))
        const [c, d] = yield* k.channel.create()
        yield* k.channel.write(c, new Uint8Array(100))
        assert.strictEqual((yield* k.channel.read(d)).bytes.length, 100)
        const [e, f] = yield* k.socket.create()
        assert.strictEqual(yield* k.socket.write(e, new Uint8Array(100)), 100)
        // Unread bytes go with their socket.
        yield* k.handle.close(f)
      }),
      Kernel.layerWith(small)
    ))

  it.effect("guest syscalls answer NO_MEMORY (vmo_write, thread_create, process_create, a copy-on-write write, vmo_set_size, channel_write, socket_write) and succeed once memory is freed", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const results: Array<readonly [string, bigint]> = []
        const { channel, process } = yield* launch(cpu, function*(m) {
          // Outputs go to the first data page: commit it before memory runs out.
          m.write(DATA, new Uint8Array(PAGE))
          const boot = m.a(0)
          yield sys("object_wait_one", boot, Signals.CHANNEL_READABLE, INFINITE, 0)
          yield sys("channel_read", boot, 0, DATA, DATA + 64, 64, 2, 0, 0)
          const job = m.u32(DATA + 64)
          const selfProcess = m.u32(DATA + 68)
          m.write(DATA + 128, enc("child"))
          yield sys("vmo_create", 2 ** 32, 0, DATA + 200)
          const filler = m.u32(DATA + 200)
          let pages = 0
          let status = 0n
          while ((status = yield sys("vmo_write", filler, DATA + 128, pages * PAGE, 1)) === 0n) pages++
          results.push(["vmo_write", status])
          const threads: Array<number> = []
          while ((status = yield sys("thread_create", selfProcess, DATA + 128, 5, 0, DATA + 204)) === 0n) {
            threads.push(m.u32(DATA + 204))
          }
          results.push(["thread_create", status])
          results.push(["process_create", yield sys("process_create", job, DATA + 128, 5, 0, DATA + 208, DATA + 212)])
          results.push(["vmo_create_child", yield sys("vmo_create_child", filler, VmoChildOption.SNAPSHOT | VmoChildOption.RESIZABLE, 0, PAGE, DATA + 216)])
          const child = m.u32(DATA + 216)
          results.push(["vmo_write (copy-on-write)", yield sys("vmo_write", child, DATA + 128, 0, 1)])
          results.push(["vmo_set_size (partial page of a shared frame)", yield sys("vmo_set_size", child, 100)])
          yield sys("channel_create", 0, DATA + 220, DATA + 224)
          results.push(["channel_write", yield sys("channel_write", m.u32(DATA + 220), 0, DATA + 128, 5, 0, 0)])
          yield sys("socket_create", 0, DATA + 228, DATA + 232)
          results.push(["socket_write", yield sys("socket_write", m.u32(DATA + 228), 0, DATA + 128, 5, DATA + 236)])
          for (const h of [220, 224, 228, 232]) yield sys("handle_close", m.u32(DATA + h))
          for (const t of threads) yield sys("handle_close", t)
          yield sys("handle_close", child)
          yield sys("handle_close", filler)
          results.push(["thread_create (freed)", yield sys("thread_create", selfProcess, DATA + 128, 5, 0, DATA + 204)])
          results.push(["process_create (freed)", yield sys("process_create", job, DATA + 128, 5, 0, DATA + 208, DATA + 212)])
          yield sys("vmo_create", PAGE, 0, DATA + 200)
          results.push(["vmo_write (freed)", yield sys("vmo_write", m.u32(DATA + 200), DATA + 128, 0, 1)])
          yield sys("process_exit", 0)
        })
        // The guest's own process handle, for thread_create.
        const self = yield* k.handle.duplicate(process, Rights.SAME_RIGHTS)
        const jobHandle = yield* k.handle.duplicate(yield* k.job.root())
        yield* k.channel.write(channel, new Uint8Array(1), [jobHandle, self])
        yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
        assert.strictEqual((yield* k.process.info(process)).returnCode, 0n)
        const noMemory = BigInt(Status.NO_MEMORY)
        assert.deepStrictEqual(
          results.map(([name, s]) => `${name}: ${StatusModule.toString(Number(s))}`),
          [
            ["vmo_write", noMemory],
            ["thread_create", noMemory],
            ["process_create", noMemory],
            ["vmo_create_child", 0n],
            ["vmo_write (copy-on-write)", noMemory],
            ["vmo_set_size (partial page of a shared frame)", noMemory],
            ["channel_write", noMemory],
            ["socket_write", noMemory],
            ["thread_create (freed)", 0n],
            ["process_create (freed)", 0n],
            ["vmo_write (freed)", 0n]
          ].map(([name, s]) => `${name}: ${StatusModule.toString(Number(s))}`)
        )
      }), small))

  it.effect("a page that cannot be committed kills the faulting process with an exception; the kernel goes on", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const target = DATA + 0x10_0000
        const { channel, process, rootVmar } = yield* launch(cpu, function*(m) {
          // Running (its data page committed) before memory runs out: says so, then waits.
          m.write(DATA, new Uint8Array(8))
          const boot = m.a(0)
          yield sys("channel_write", boot, 0, DATA, 1, 0, 0)
          yield sys("object_wait_one", boot, Signals.CHANNEL_READABLE, INFINITE, 0)
          yield store(target, new Uint8Array([1]))
          yield sys("process_exit", 0)
        })
        const vmo = yield* k.vmo.create(PAGE)
        yield* k.vmar.map(rootVmar, VmOption.PERM_READ | VmOption.PERM_WRITE | VmOption.SPECIFIC, target - 0x200000, vmo, 0, PAGE)
        yield* k.object.waitOne(channel, Signals.CHANNEL_READABLE)
        const { filler } = yield* fillMemory
        yield* k.channel.write(channel, new Uint8Array(1))
        yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
        assert.strictEqual((yield* k.process.info(process)).returnCode, BigInt(TaskReturnCode.EXCEPTION_KILL))
        yield* k.handle.close(filler)
        // The kernel is whole: a new guest runs.
        const next = yield* launch(cpu, function*() {
          yield sys("process_exit", 7)
        })
        yield* k.object.waitOne(next.process, Signals.PROCESS_TERMINATED)
        assert.strictEqual((yield* k.process.info(next.process)).returnCode, 7n)
      }), small))

  it.effect("a guest that creates threads until NO_MEMORY and is then killed leaves nothing counted", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        let last = 0n
        let made = 0
        const { channel, process } = yield* launch(cpu, function*(m) {
          m.write(DATA, new Uint8Array(8))
          const boot = m.a(0)
          yield sys("object_wait_one", boot, Signals.CHANNEL_READABLE, INFINITE, 0)
          yield sys("channel_read", boot, 0, DATA, DATA + 64, 64, 1, 0, 0)
          const self = m.u32(DATA + 64)
          m.write(DATA + 128, enc("t"))
          while ((last = yield sys("thread_create", self, DATA + 128, 1, 0, DATA + 200)) === 0n) made++
          // A message would need memory too: a signal needs none.
          yield sys("object_signal_peer", boot, 0, Signals.USER_0)
          for (;;) yield spin
        }, "thread-flood")
        yield* k.channel.write(channel, new Uint8Array(1), [yield* k.handle.duplicate(process)])
        yield* k.object.waitOne(channel, Signals.USER_0)
        assert.strictEqual(StatusModule.toString(Number(last)), "ZX_ERR_NO_MEMORY")
        assert.isAbove(made, 100)
        yield* k.task.kill(process)
        yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
      }), { memoryBytes: 64 * PAGE }))
})
