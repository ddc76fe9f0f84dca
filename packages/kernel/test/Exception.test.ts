/**
 * The host side of exceptions, resources and executable rights, without a CPU: binding exception
 * channels (rights, types, one live channel per task, unbinding when the handler's end closes or
 * the task ends), the vmex resource (one object while held, none after), replace_as_executable
 * with and without it, and register access outside an exception. Guests taking exceptions are
 * tested with a CPU in @zxsim/riscv (ExceptionChannels, JobPolicy).
 */
import { assert, describe, it } from "@effect/vitest"
import { ThreadStateKind } from "@zxsim/kernel/Exception"
import * as Rights from "@zxsim/kernel/Rights"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import { VmOption } from "@zxsim/kernel/VmOptions"
import * as Effect from "effect/Effect"
import { expectStatus, kernel, live, PAGE, withKernel } from "./support.js"

describe("Exception", () => {
  it.effect("exception channels: tasks only, with the rights Zircon asks; one live channel per task", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const job = yield* k.job.create(yield* k.job.root())
      const { process } = yield* k.process.create(job, "p")
      const thread = yield* k.thread.create(process, "t")
      const vmo = yield* k.vmo.create(PAGE)
      yield* expectStatus(k.task.createExceptionChannel(vmo as never), Status.WRONG_TYPE)
      const weak = yield* k.handle.duplicate(process, Rights.DEFAULT_PROCESS & ~Rights.Rights.ENUMERATE)
      yield* expectStatus(k.task.createExceptionChannel(weak), Status.ACCESS_DENIED)
      // A thread needs no ENUMERATE; the debugger slot is a process's only.
      const threadChannel = yield* k.task.createExceptionChannel(thread)
      yield* expectStatus(k.task.createExceptionChannel(thread, { debugger: true }), Status.INVALID_ARGS)
      const info = yield* k.handle.info(threadChannel)
      assert.strictEqual(info.rights, Rights.Rights.TRANSFER | Rights.Rights.WAIT | Rights.Rights.READ)
      const first = yield* k.task.createExceptionChannel(process)
      yield* k.task.createExceptionChannel(process, { debugger: true })
      yield* expectStatus(k.task.createExceptionChannel(process), Status.ALREADY_BOUND)
      // Closing the handler's end unbinds the task.
      yield* k.handle.close(first)
      const second = yield* k.task.createExceptionChannel(process)
      // The task's end goes with the task: the handler sees PEER_CLOSED, nothing stays counted.
      yield* k.task.kill(process)
      assert.notStrictEqual((yield* k.object.signals(second)) & Signals.CHANNEL_PEER_CLOSED, 0)
      assert.notStrictEqual((yield* k.object.signals(threadChannel)) & Signals.CHANNEL_PEER_CLOSED, 0)
      yield* expectStatus(k.task.createExceptionChannel(process), Status.BAD_STATE)
      const jobChannel = yield* k.task.createExceptionChannel(job)
      yield* k.task.kill(job)
      assert.notStrictEqual((yield* k.object.signals(jobChannel)) & Signals.CHANNEL_PEER_CLOSED, 0)
    })))

  it.effect("registers and reports of a thread that is not in an exception: BAD_STATE", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const { process } = yield* k.process.create(yield* k.job.root(), "p")
      const thread = yield* k.thread.create(process, "t")
      yield* expectStatus(k.thread.readState(thread, ThreadStateKind.GENERAL_REGS), Status.BAD_STATE)
      yield* expectStatus(k.thread.writeState(thread, ThreadStateKind.FP_REGS, new Uint8Array(528)), Status.BAD_STATE)
      yield* expectStatus(k.thread.exceptionReport(thread), Status.BAD_STATE)
      yield* expectStatus(k.exception.decodeInfo(new Uint8Array(23)), Status.INVALID_ARGS)
    })))

  it.effect("the vmex resource makes a VMO executable; anything else is refused and the VMO handle consumed", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* kernel
      const { rootVmar } = yield* k.process.create(yield* k.job.root(), "p")
      const plain = yield* k.vmo.create(PAGE)
      // Without EXECUTE a mapping cannot be executable.
      yield* expectStatus(
        k.vmar.map(rootVmar, VmOption.PERM_READ | VmOption.PERM_EXECUTE, 0, plain, 0, PAGE),
        Status.ACCESS_DENIED
      )
      const vmex = yield* k.resource.vmex()
      const again = yield* k.resource.vmex()
      assert.strictEqual((yield* k.handle.info(vmex)).koid, (yield* k.handle.info(again)).koid)
      assert.strictEqual((yield* live).RESOURCE, 1)
      const executable = yield* k.vmo.replaceAsExecutable(plain, vmex)
      assert.notStrictEqual((yield* k.handle.info(executable)).rights & Rights.Rights.EXECUTE, 0)
      yield* k.vmar.map(rootVmar, VmOption.PERM_READ | VmOption.PERM_EXECUTE, 0, executable, 0, PAGE)
      const other = yield* k.vmo.create(PAGE)
      const [channel] = yield* k.channel.create()
      yield* expectStatus(k.vmo.replaceAsExecutable(other, channel as never), Status.WRONG_TYPE)
      yield* expectStatus(k.vmo.getSize(other), Status.BAD_HANDLE)
      yield* k.handle.close(vmex)
      yield* k.handle.close(again)
      // Nobody holds it: the resource is gone until asked for again.
      assert.strictEqual((yield* live).RESOURCE, 0)
    })))
})
