import { assert, describe, it } from "@effect/vitest"
import * as Cpu from "@zxsim/kernel/Cpu"
import * as Handle from "@zxsim/kernel/Handle"
import * as Rights from "@zxsim/kernel/Rights"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import {
  PolicyAction,
  PolicyCondition,
  PolicyMode,
  PolicyOverride,
  ProcessInfoFlags,
  TaskReturnCode
} from "@zxsim/kernel/Task"
import { USER_ASPACE_BASE, VmOption } from "@zxsim/kernel/VmOptions"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as TestClock from "effect/TestClock"
import { expectStatus, kernel, live, PAGE, pretend, withKernel } from "./support.js"

const R = Rights.Rights
const ENTRY = USER_ASPACE_BASE + 0x1000
const STACK = USER_ASPACE_BASE + 0x10000

/** A process in a fresh child job, with one (unstarted) thread. */
const newProcess = (name = "task-test") =>
  Effect.gen(function*() {
    const k = yield* kernel
    const root = yield* k.job.root()
    const job = yield* k.job.create(root)
    const { process, rootVmar } = yield* k.process.create(job, name)
    const thread = yield* k.thread.create(process, "main")
    return { job, process, rootVmar, thread }
  })

describe("Task", () => {
  describe("jobs", () => {
    it.effect("the root job: every call returns a handle to the same job", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const a = yield* k.job.root()
        const b = yield* k.job.root()
        const ia = yield* k.handle.info(a)
        assert.strictEqual(ia.type, "JOB")
        assert.strictEqual(ia.koid, (yield* k.handle.info(b)).koid)
        assert.strictEqual(ia.relatedKoid, 0)
      })))

    it.effect("child jobs nest; creating one needs MANAGE_JOB", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const root = yield* k.job.root()
        const child = yield* k.job.create(root)
        const grandchild = yield* k.job.create(child)
        assert.strictEqual((yield* k.handle.info(grandchild)).relatedKoid, (yield* k.handle.info(child)).koid)
        assert.strictEqual((yield* live).JOB, 2)
        const weak = yield* k.handle.duplicate(child, Rights.DEFAULT_JOB & ~R.MANAGE_JOB)
        yield* expectStatus(k.job.create(weak), Status.ACCESS_DENIED)
        assert.strictEqual((yield* live).JOB, 2)
      })))

    it.effect("a child job with no handles, children or processes goes away", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const root = yield* k.job.root()
        yield* Effect.scoped(k.job.create(root))
        assert.strictEqual((yield* live).JOB, 0)
        // A job stays while it has a child job, and goes with it.
        const outer = yield* Effect.scoped(Effect.gen(function*() {
          const parent = yield* k.job.create(root)
          const child = yield* k.job.create(parent)
          return child
        }))
        assert.isFalse(Handle.isLive(outer))
        assert.strictEqual((yield* live).JOB, 0)
      })))

    it.effect("NEW_PROCESS policy: NEW_ANY covers it, a specific entry in the same call wins; the host is not bound by it", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const root = yield* k.job.root()
        const action = (job: Handle.Job) =>
          Effect.map(k.job.getPolicy(job, PolicyCondition.NEW_PROCESS), (p) => p.action)
        const any = yield* k.job.create(root)
        yield* k.job.setPolicy(any, [{ condition: PolicyCondition.NEW_ANY, action: PolicyAction.DENY }])
        assert.strictEqual(yield* action(any), PolicyAction.DENY)
        assert.strictEqual((yield* k.job.getPolicy(any, PolicyCondition.NEW_VMO)).action, PolicyAction.DENY)
        const allowed = yield* k.job.create(root)
        yield* k.job.setPolicy(allowed, [
          { condition: PolicyCondition.NEW_ANY, action: PolicyAction.DENY },
          { condition: PolicyCondition.NEW_PROCESS, action: PolicyAction.ALLOW }
        ])
        assert.strictEqual(yield* action(allowed), PolicyAction.ALLOW)
        assert.strictEqual((yield* k.job.getPolicy(allowed, PolicyCondition.NEW_CHANNEL)).action, PolicyAction.DENY)
        // The policy binds the job's processes (see @zxsim/riscv's JobPolicy test), not the host.
        yield* k.process.create(any, "made by the host")
      })))

    it.effect("policy is inherited by child jobs made afterwards; final entries cannot be relaxed below", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const root = yield* k.job.root()
        const parent = yield* k.job.create(root)
        yield* k.job.setPolicy(parent, [
          { condition: PolicyCondition.NEW_PROCESS, action: PolicyAction.DENY },
          {
            condition: PolicyCondition.BAD_HANDLE,
            action: PolicyAction.ALLOW_EXCEPTION,
            override: PolicyOverride.ALLOW
          }
        ])
        const child = yield* k.job.create(parent)
        assert.deepStrictEqual(yield* k.job.getPolicy(child, PolicyCondition.NEW_PROCESS), {
          action: PolicyAction.DENY,
          override: PolicyOverride.DENY
        })
        // RELATIVE skips a conflicting entry; ABSOLUTE refuses the whole call and changes nothing.
        yield* k.job.setPolicy(child, [{ condition: PolicyCondition.NEW_PROCESS, action: PolicyAction.ALLOW }])
        assert.strictEqual((yield* k.job.getPolicy(child, PolicyCondition.NEW_PROCESS)).action, PolicyAction.DENY)
        const absolute = k.job.setPolicy(child, [
          { condition: PolicyCondition.NEW_VMO, action: PolicyAction.DENY },
          { condition: PolicyCondition.NEW_PROCESS, action: PolicyAction.ALLOW }
        ], PolicyMode.ABSOLUTE)
        yield* expectStatus(absolute, Status.ALREADY_EXISTS)
        assert.strictEqual((yield* k.job.getPolicy(child, PolicyCondition.NEW_VMO)).action, PolicyAction.ALLOW)
        // Repeating a final entry exactly is accepted, even ABSOLUTE.
        yield* k.job.setPolicy(
          child,
          [{ condition: PolicyCondition.NEW_PROCESS, action: PolicyAction.DENY }],
          PolicyMode.ABSOLUTE
        )
        // An entry left open (override ALLOW) can be changed below, and then made final.
        yield* k.job.setPolicy(
          child,
          [{ condition: PolicyCondition.BAD_HANDLE, action: PolicyAction.KILL }],
          PolicyMode.ABSOLUTE
        )
        assert.deepStrictEqual(yield* k.job.getPolicy(child, PolicyCondition.BAD_HANDLE), {
          action: PolicyAction.KILL,
          override: PolicyOverride.DENY
        })
        const grandchild = yield* k.job.create(child)
        yield* expectStatus(
          k.job.setPolicy(
            grandchild,
            [{ condition: PolicyCondition.BAD_HANDLE, action: PolicyAction.ALLOW }],
            PolicyMode.ABSOLUTE
          ),
          Status.ALREADY_EXISTS
        )
        // Too many entries; an unknown mode or override.
        const many = Array.from(
          { length: 17 },
          () => ({ condition: PolicyCondition.NEW_VMO, action: PolicyAction.DENY })
        )
        const fresh = yield* k.job.create(root)
        yield* expectStatus(k.job.setPolicy(fresh, many), Status.OUT_OF_RANGE)
        yield* expectStatus(k.job.setPolicy(fresh, [{ condition: 4, action: 1 }], 2), Status.INVALID_ARGS)
        yield* expectStatus(k.job.setPolicy(fresh, [{ condition: 4, action: 1, override: 2 }]), Status.INVALID_ARGS)
      })))

    it.effect("setPolicy: BAD_STATE once the job has children or processes; needs SET_POLICY; bad entries INVALID_ARGS (unknown actions NOT_SUPPORTED)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const root = yield* k.job.root()
        const withChild = yield* k.job.create(root)
        yield* k.job.create(withChild)
        const deny = [{ condition: PolicyCondition.NEW_PROCESS, action: PolicyAction.DENY }]
        yield* expectStatus(k.job.setPolicy(withChild, deny), Status.BAD_STATE)
        const withProcess = yield* k.job.create(root)
        yield* k.process.create(withProcess, "p")
        yield* expectStatus(k.job.setPolicy(withProcess, deny), Status.BAD_STATE)
        const job = yield* k.job.create(root)
        const weak = yield* k.handle.duplicate(job, Rights.DEFAULT_JOB & ~R.SET_POLICY)
        yield* expectStatus(k.job.setPolicy(weak, deny), Status.ACCESS_DENIED)
        yield* expectStatus(k.job.setPolicy(job, [{ condition: 99, action: PolicyAction.DENY }]), Status.INVALID_ARGS)
        yield* expectStatus(
          k.job.setPolicy(job, [{ condition: PolicyCondition.NEW_PROCESS, action: 99 }]),
          Status.NOT_SUPPORTED
        )
        yield* expectStatus(k.job.setPolicy(job, [{ condition: 1.5, action: PolicyAction.DENY }]), Status.INVALID_ARGS)
        // A refused entry list changes nothing.
        yield* expectStatus(k.job.setPolicy(job, [...deny, { condition: -1, action: 0 }]), Status.INVALID_ARGS)
        yield* k.process.create(job, "still allowed")
      })))

    it.effect("killing a job kills the processes in it and in its child jobs; it then refuses new children (BAD_STATE)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const root = yield* k.job.root()
        const job = yield* k.job.create(root)
        const child = yield* k.job.create(job)
        const p1 = yield* k.process.create(job, "p1")
        const p2 = yield* k.process.create(child, "p2")
        const t1 = yield* k.thread.create(p1.process, "t")
        yield* k.process.start(p1.process, t1, ENTRY, STACK, null, 0)
        yield* k.task.kill(job)
        const i1 = yield* k.process.info(p1.process)
        assert.strictEqual(i1.returnCode, BigInt(TaskReturnCode.SYSCALL_KILL))
        assert.strictEqual(i1.flags, ProcessInfoFlags.STARTED | ProcessInfoFlags.EXITED)
        assert.isTrue(((yield* k.object.signals(p2.process)) & Signals.PROCESS_TERMINATED) !== 0)
        assert.isTrue(((yield* k.object.signals(job)) & Signals.JOB_TERMINATED) !== 0)
        assert.strictEqual((yield* live).running, 0)
        yield* expectStatus(k.process.create(job, "late"), Status.BAD_STATE)
        yield* expectStatus(k.job.create(job), Status.BAD_STATE)
        yield* expectStatus(k.process.create(child, "late"), Status.BAD_STATE)
        // The root job is untouched.
        yield* k.process.create(root, "fine")
      })))
  })

  describe("process.create", () => {
    it.effect("returns the process and its root VMAR; the name is truncated to 31 bytes", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const root = yield* k.job.root()
        const { process, rootVmar } = yield* k.process.create(root, "a-process-name-that-is-far-too-long-for-zircon")
        assert.strictEqual(yield* k.object.getName(process), "a-process-name-that-is-far-too-")
        assert.strictEqual((yield* k.handle.info(process)).type, "PROCESS")
        assert.strictEqual((yield* k.handle.info(rootVmar)).type, "VMAR")
        assert.deepStrictEqual(yield* k.process.info(process), { returnCode: 0n, startTime: 0n, flags: 0 })
        const { process: short } = yield* k.process.create(root, "")
        assert.strictEqual(yield* k.object.getName(short), "")
      })))

    it.effect("needs MANAGE_PROCESS on the job; unknown options fail INVALID_ARGS", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const root = yield* k.job.root()
        const weak = yield* k.handle.duplicate(root, Rights.DEFAULT_JOB & ~R.MANAGE_PROCESS)
        yield* expectStatus(k.process.create(weak, "p"), Status.ACCESS_DENIED)
        yield* expectStatus(k.process.create(root, "p", 2), Status.INVALID_ARGS)
        yield* expectStatus(k.process.create(root, "p", 0x80000000), Status.INVALID_ARGS)
        assert.strictEqual((yield* live).PROCESS, 0)
        assert.strictEqual((yield* live).VMAR, 0)
      })))

    it.effect("an unstarted process dies with its last handle; its address space and threads go with it", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, rootVmar, thread } = yield* newProcess()
        const vmo = yield* k.vmo.create(PAGE)
        yield* k.vmar.map(rootVmar, VmOption.PERM_READ, 0, vmo, 0, PAGE)
        yield* k.handle.close(vmo)
        assert.strictEqual((yield* live).VMO, 1)
        yield* k.handle.close(process)
        assert.strictEqual((yield* live).VMO, 0)
        yield* expectStatus(k.vmar.info(rootVmar), Status.BAD_STATE)
        assert.isTrue(((yield* k.object.signals(thread)) & Signals.THREAD_TERMINATED) !== 0)
        yield* k.handle.close(thread)
        yield* k.handle.close(rootVmar)
        assert.strictEqual((yield* live).PROCESS, 0)
        assert.strictEqual((yield* live).THREAD, 0)
        assert.strictEqual((yield* live).VMAR, 0)
      })))
  })

  describe("thread.create", () => {
    it.effect("makes an unstarted thread; needs MANAGE_THREAD; a dead process refuses (BAD_STATE)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, thread } = yield* newProcess()
        assert.strictEqual(yield* k.object.getName(thread), "main")
        assert.strictEqual((yield* k.object.signals(thread)) & Signals.THREAD_RUNNING, 0)
        const named = yield* k.thread.create(process, "t".repeat(40))
        assert.strictEqual(yield* k.object.getName(named), "t".repeat(31))
        const weak = yield* k.handle.duplicate(process, Rights.DEFAULT_PROCESS & ~R.MANAGE_THREAD)
        yield* expectStatus(k.thread.create(weak, "x"), Status.ACCESS_DENIED)
        yield* k.task.kill(process)
        yield* expectStatus(k.thread.create(process, "late"), Status.BAD_STATE)
      })))
  })

  describe("process.start", () => {
    it.effect("starts: STARTED with a start time > 0 even under TestClock; running until killed", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, thread } = yield* newProcess()
        assert.strictEqual(yield* Clock.currentTimeNanos, 0n)
        const before = yield* k.monotonic
        assert.isAbove(Number(before), 0)
        yield* k.process.start(process, thread, ENTRY, STACK, null, 7)
        const info = yield* k.process.info(process)
        assert.strictEqual(info.flags, ProcessInfoFlags.STARTED)
        assert.isAbove(Number(info.startTime), 0)
        assert.strictEqual(info.startTime, before)
        assert.strictEqual((yield* live).running, 1)
        assert.isTrue(((yield* k.object.signals(thread)) & Signals.THREAD_RUNNING) !== 0)
        // Closing every handle does not stop a running process.
        yield* k.handle.close(thread)
        assert.strictEqual((yield* live).running, 1)
        yield* k.task.kill(process)
        assert.strictEqual((yield* live).running, 0)
      })))

    it.effect("the kernel clock follows the TestClock", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const t0 = yield* k.monotonic
        yield* TestClock.adjust("1500 millis")
        assert.strictEqual((yield* k.monotonic) - t0, 1_500_000_000n)
        const { process, thread } = yield* newProcess()
        yield* k.process.start(process, thread, ENTRY, STACK, null, 0)
        assert.strictEqual((yield* k.process.info(process)).startTime, t0 + 1_500_000_000n)
        yield* k.task.kill(process)
      })))

    it.effect("starting twice fails BAD_STATE, with the same thread or another", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, thread } = yield* newProcess()
        yield* k.process.start(process, thread, ENTRY, STACK, null, 0)
        yield* expectStatus(k.process.start(process, thread, ENTRY, STACK, null, 0), Status.BAD_STATE)
        const second = yield* k.thread.create(process, "second")
        const [a, b] = yield* k.channel.create()
        yield* expectStatus(k.process.start(process, second, ENTRY, STACK, a, 0), Status.BAD_STATE)
        // The handle given as arg1 is consumed even so.
        assert.isFalse(Handle.isLive(a))
        yield* expectStatus(k.channel.read(b), Status.PEER_CLOSED)
        yield* k.task.kill(process)
        // A dead process cannot be started either.
        const fresh = yield* newProcess()
        yield* k.task.kill(fresh.process)
        yield* expectStatus(k.process.start(fresh.process, fresh.thread, ENTRY, STACK, null, 0), Status.BAD_STATE)
      })))

    it.effect("arg1 moves into the process: the host handle is dead, the object lives on in the process", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, thread } = yield* newProcess()
        const [mine, theirs] = yield* k.channel.create()
        yield* k.process.start(process, thread, ENTRY, STACK, theirs, 0)
        assert.isFalse(Handle.isLive(theirs))
        yield* expectStatus(k.handle.info(theirs), Status.BAD_HANDLE)
        yield* expectStatus(k.channel.write(theirs, new Uint8Array(1)), Status.BAD_HANDLE)
        // Still open, held by the process.
        yield* k.channel.write(mine, new Uint8Array([1]))
        assert.strictEqual((yield* k.object.signals(mine)) & Signals.CHANNEL_PEER_CLOSED, 0)
        assert.strictEqual((yield* live).handles, 7)
        // A dead process closes its handles: the peer sees PEER_CLOSED.
        yield* k.task.kill(process)
        assert.isTrue(((yield* k.object.signals(mine)) & Signals.CHANNEL_PEER_CLOSED) !== 0)
        assert.strictEqual((yield* live).handles, 6)
      })))

    it.effect("arg1 needs TRANSFER (ACCESS_DENIED) and is consumed when the start fails", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, thread } = yield* newProcess()
        const vmo = yield* k.vmo.create(PAGE)
        const stuck = yield* k.handle.duplicate(vmo, Rights.DEFAULT_VMO & ~R.TRANSFER)
        yield* expectStatus(k.process.start(process, thread, ENTRY, STACK, stuck, 0), Status.ACCESS_DENIED)
        assert.isFalse(Handle.isLive(stuck))
        assert.deepStrictEqual((yield* k.process.info(process)).flags, 0)
        // The invalid handle is allowed as arg1.
        yield* k.process.start(process, thread, ENTRY, STACK, Handle.invalid, 0)
        yield* k.task.kill(process)
      })))

    it.effect("a thread of another process fails ACCESS_DENIED; process and thread need WRITE", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const a = yield* newProcess("a")
        const b = yield* newProcess("b")
        const vmo = yield* k.vmo.create(PAGE)
        yield* expectStatus(k.process.start(a.process, b.thread, ENTRY, STACK, vmo, 0), Status.ACCESS_DENIED)
        assert.isFalse(Handle.isLive(vmo))
        const noWriteProcess = yield* k.handle.duplicate(a.process, Rights.DEFAULT_PROCESS & ~R.WRITE)
        yield* expectStatus(k.process.start(noWriteProcess, a.thread, ENTRY, STACK, null, 0), Status.ACCESS_DENIED)
        const noWriteThread = yield* k.handle.duplicate(a.thread, Rights.DEFAULT_THREAD & ~R.WRITE)
        yield* expectStatus(k.process.start(a.process, noWriteThread, ENTRY, STACK, null, 0), Status.ACCESS_DENIED)
        assert.strictEqual((yield* k.process.info(a.process)).flags, 0)
        assert.strictEqual((yield* live).running, 0)
      })))

    it.effect("an entry point outside user space fails INVALID_ARGS", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, thread } = yield* newProcess()
        yield* expectStatus(k.process.start(process, thread, 0, STACK, null, 0), Status.INVALID_ARGS)
        yield* expectStatus(
          k.process.start(process, thread, USER_ASPACE_BASE - PAGE, STACK, null, 0),
          Status.INVALID_ARGS
        )
        yield* expectStatus(k.process.start(process, thread, 2 ** 38, STACK, null, 0), Status.INVALID_ARGS)
        assert.strictEqual((yield* k.process.info(process)).flags, 0)
      })))
  })

  describe("process.start on a CPU", () => {
    /** A CPU that records the registers each thread starts with, then faults it. */
    const recordingCpu = () => {
      const starts: Array<{ readonly x: ReadonlyArray<bigint>; readonly pc: bigint }> = []
      const cpu: Cpu.CpuShape = {
        name: "recorder",
        run: (thread) => {
          const view = new DataView(thread.memory.memory.buffer)
          const x: Array<bigint> = []
          for (let i = 0; i < 32; i++) {
            x.push(view.getBigUint64(thread.registers + Cpu.X_REGISTERS_OFFSET + i * 8, true))
          }
          const pc = view.getBigUint64(thread.registers + Cpu.PC_OFFSET, true)
          starts.push({ x, pc })
          return { _tag: "Exception", kind: "illegal-instruction", address: 0, pc: Number(pc) }
        },
        codeWritten: () => {},
        stats: () => ({ instructions: 0 })
      }
      return { cpu, starts }
    }

    it.effect("pc = entry, sp = stack, a0 = arg1's handle value (low two bits set), a1 = arg2, all else zero", () => {
      const { cpu, starts } = recordingCpu()
      return withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const values: Array<bigint> = []
        for (const name of ["first", "second"]) {
          const { process, thread } = yield* newProcess(name)
          const [, theirs] = yield* k.channel.create()
          yield* k.process.start(process, thread, ENTRY, STACK, theirs, 0x1234_5678_9a)
          // The first instruction faults: an unhandled exception kills the process.
          yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
          const info = yield* k.process.info(process)
          assert.strictEqual(info.returnCode, BigInt(TaskReturnCode.EXCEPTION_KILL))
          assert.strictEqual(info.flags, ProcessInfoFlags.STARTED | ProcessInfoFlags.EXITED)
          const start = starts[starts.length - 1]
          assert.strictEqual(start.pc, BigInt(ENTRY))
          assert.strictEqual(start.x[2], BigInt(STACK))
          assert.strictEqual(start.x[11], 0x1234_5678_9an)
          const value = start.x[10]
          assert.notStrictEqual(value, 0n)
          assert.strictEqual(value & 3n, 3n)
          assert.isAtMost(Number(value), 0xffffffff)
          values.push(value)
          start.x.forEach((r, i) => {
            if (i !== 2 && i !== 10 && i !== 11) assert.strictEqual(r, 0n, `x${i}`)
          })
        }
        // Each process has its own table: values are not handed out in a shared sequence.
        assert.notStrictEqual(values[0], values[1])
        assert.strictEqual((yield* live).running, 0)
      })).pipe(Effect.provideService(Cpu.Cpu, cpu), Effect.withRandom(Random.make("handle values")))
    })

    it.effect("without arg1, a0 is 0 (ZX_HANDLE_INVALID)", () => {
      const { cpu, starts } = recordingCpu()
      return withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, thread } = yield* newProcess()
        yield* k.process.start(process, thread, ENTRY, STACK, null, 5)
        yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
        assert.strictEqual(starts[0].x[10], 0n)
        assert.strictEqual(starts[0].x[11], 5n)
      })).pipe(Effect.provideService(Cpu.Cpu, cpu))
    })
  })

  describe("task.kill", () => {
    it.effect("a killed process: return code -1024, STARTED|EXITED, TERMINATED, address space gone", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, rootVmar, thread } = yield* newProcess()
        const vmo = yield* k.vmo.create(PAGE)
        yield* k.vmar.map(rootVmar, VmOption.PERM_READ, 0, vmo, 0, PAGE)
        yield* k.process.start(process, thread, ENTRY, STACK, null, 0)
        yield* k.task.kill(process)
        const info = yield* k.process.info(process)
        assert.strictEqual(info.returnCode, -1024n)
        assert.strictEqual(info.flags, ProcessInfoFlags.STARTED | ProcessInfoFlags.EXITED)
        assert.isAbove(Number(info.startTime), 0)
        assert.isTrue(((yield* k.object.signals(process)) & Signals.PROCESS_TERMINATED) !== 0)
        assert.isTrue(((yield* k.object.signals(thread)) & Signals.THREAD_TERMINATED) !== 0)
        yield* expectStatus(k.vmar.info(rootVmar), Status.BAD_STATE)
        yield* expectStatus(k.process.readMemory(process, USER_ASPACE_BASE, 1), Status.BAD_STATE)
        // The mapping no longer holds the VMO: only our handle does.
        yield* k.handle.close(vmo)
        assert.strictEqual((yield* live).VMO, 0)
        // Killing again is harmless; the return code stays.
        yield* k.task.kill(process)
        assert.strictEqual((yield* k.process.info(process)).returnCode, -1024n)
      })))

    it.effect("needs DESTROY (ACCESS_DENIED), which only tasks have", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process } = yield* newProcess()
        const weak = yield* k.handle.duplicate(process, Rights.DEFAULT_PROCESS & ~R.DESTROY)
        yield* expectStatus(k.task.kill(weak), Status.ACCESS_DENIED)
        assert.strictEqual((yield* k.object.signals(process)) & Signals.PROCESS_TERMINATED, 0)
        const vmo = yield* k.vmo.create(0)
        // Rights are checked before the type here (any object can be named), and no other object
        // type carries DESTROY.
        yield* expectStatus(k.task.kill(pretend<"PROCESS">(vmo)), Status.ACCESS_DENIED)
      })))

    it.effect("killing the last running thread ends the process", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, thread } = yield* newProcess()
        yield* k.process.start(process, thread, ENTRY, STACK, null, 0)
        yield* k.task.kill(thread)
        assert.isTrue(((yield* k.object.signals(thread)) & Signals.THREAD_TERMINATED) !== 0)
        const info = yield* k.process.info(process)
        assert.isTrue((info.flags & ProcessInfoFlags.EXITED) !== 0)
        assert.strictEqual((yield* live).running, 0)
      })))
  })

  describe("process memory", () => {
    it.effect("readMemory/writeMemory ignore mapping permissions but need READ and WRITE on the process", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, rootVmar } = yield* newProcess()
        const vmo = yield* k.vmo.fromBytes(new Uint8Array([1, 2, 3]))
        const readOnlyVmo = yield* k.handle.duplicate(vmo, Rights.DEFAULT_VMO & ~R.WRITE)
        const at = yield* k.vmar.map(rootVmar, VmOption.PERM_READ, 0, readOnlyVmo, 0, PAGE)
        yield* k.process.writeMemory(process, at + 1, new Uint8Array([9]))
        assert.deepStrictEqual(Array.from(yield* k.process.readMemory(process, at, 3)), [1, 9, 3])
        const weak = yield* k.handle.duplicate(process, Rights.DEFAULT_PROCESS & ~R.WRITE)
        yield* expectStatus(k.process.readMemory(weak, at, 1), Status.ACCESS_DENIED)
        yield* expectStatus(k.process.writeMemory(weak, at, new Uint8Array(1)), Status.ACCESS_DENIED)
        // Unmapped addresses fail, and a write that does not fit changes nothing.
        yield* expectStatus(k.process.readMemory(process, at + PAGE, 1), Status.INVALID_ARGS)
        yield* expectStatus(k.process.writeMemory(process, at + PAGE - 1, new Uint8Array([7, 7])), Status.INVALID_ARGS)
        assert.deepStrictEqual(Array.from(yield* k.vmo.read(vmo, PAGE - 1, 1)), [0])
      })))
  })
})
