/**
 * Exceptions as Zircon reports them, on each CPU: a host handler bound to a thread's, process's or
 * job's exception channel reads each exception type (software breakpoint, undefined instruction,
 * fatal page fault, unaligned access, general, policy error from an `ecall` outside the vDSO),
 * checks the info, the report and the registers, and resumes the thread (moving its pc or setting
 * its registers) or lets it go to the next handler, after which nobody is left and the process is
 * killed with EXCEPTION_KILL. Handlers are searched thread, process, then jobs up to the root.
 * Nothing leaks.
 */
import { assert, describe, it } from "@effect/vitest"
import type { Cpu } from "@zxsim/kernel/Cpu"
import { ExceptionState, ExceptionType, PolicyCode, RiscvCause, ThreadStateKind } from "@zxsim/kernel/Exception"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import { TaskReturnCode } from "@zxsim/kernel/Task"
import * as Vdso from "@zxsim/kernel/Vdso"
import { USER_ASPACE_BASE, VmOption } from "@zxsim/kernel/VmOptions"
import * as A from "@zxsim/riscv/Assembler"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"

const { a0, a1, ra, sp, t0, t1, t2 } = A.Reg

const cpus: ReadonlyArray<readonly [string, Layer.Layer<Cpu>]> = [
  ["RiscvInterpreter", RiscvInterpreter.layer],
  ["RiscvJit compiling everything", RiscvJit.layerWith({ hotness: 1, patience: 0 })]
]

const withKernel = <A, E>(cpu: Layer.Layer<Cpu>, body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const before = yield* k.stats
    const result = yield* Effect.scoped(body)
    assert.deepStrictEqual(yield* k.stats, before)
    return result
  }).pipe(Effect.provide(Kernel.layer.pipe(Layer.provide(cpu))))

/** Where a second mapping lies whose VMO is shorter than it (touching it is an access fault). */
const SHORT_AT = USER_ASPACE_BASE + 0x1000_0000

interface Launched {
  readonly process: Handle.Process
  readonly thread: Handle.Thread
  readonly codeAt: number
}

/**
 * Creates (in `job`, the root job by default) and starts a process running `program`, with a stack,
 * the vDSO's `zx_process_exit` in a1 and, at {@link SHORT_AT}, a two-page mapping of a one-page VMO.
 * `before` runs between creation and start (to bind channels on the process or thread).
 */
const launch = (
  program: A.Program,
  options: {
    readonly job?: Handle.Job
    readonly before?: (l: Launched) => Effect.Effect<void, unknown, Kernel.Kernel | Scope.Scope>
  } = {}
) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const job = options.job ?? (yield* k.job.root())
    const { process, rootVmar } = yield* k.process.create(job, "excp")
    const layout = Vdso.layout()
    const vdsoAt = yield* k.vmar.map(
      rootVmar,
      VmOption.PERM_READ | VmOption.PERM_EXECUTE,
      0,
      yield* k.systemVdso(),
      layout.codeOffset,
      4096
    )
    const exit = layout.symbols.find((s) => s.name === "zx_process_exit")!
    const code = yield* k.vmo.fromBytes(A.assemble(program), { executable: true })
    const codeAt = yield* k.vmar.map(rootVmar, VmOption.PERM_READ | VmOption.PERM_EXECUTE, 0, code, 0, 4096)
    const data = yield* k.vmo.create(65536)
    const dataAt = yield* k.vmar.map(rootVmar, VmOption.PERM_READ | VmOption.PERM_WRITE, 0, data, 0, 65536)
    const short = yield* k.vmo.create(4096)
    yield* k.vmar.map(
      rootVmar,
      VmOption.PERM_READ | VmOption.SPECIFIC | VmOption.ALLOW_FAULTS,
      SHORT_AT - USER_ASPACE_BASE,
      short,
      0,
      8192
    )
    const thread = yield* k.thread.create(process, "main")
    const launched = { process, thread, codeAt }
    if (options.before !== undefined) yield* options.before(launched)
    yield* k.process.start(process, thread, codeAt, dataAt + 65536, null, vdsoAt + exit.value - layout.codeOffset)
    return launched
  })

/** Waits for and reads one exception from a channel: its info and the exception handle. */
const nextException = (channel: Handle.Channel) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    yield* k.object.waitOne(channel, Signals.CHANNEL_READABLE)
    const message = yield* k.channel.read(channel)
    assert.strictEqual(message.handles.length, 1)
    const info = yield* k.exception.decodeInfo(message.bytes)
    return { info, exception: message.handles[0] as Handle.Exception }
  })

const generalRegs = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/** Moves the stopped thread's pc by `delta` and resumes it. */
const skip = (exception: Handle.Exception, delta: number) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const thread = yield* k.exception.thread(exception)
    const regs = yield* k.thread.readState(thread, ThreadStateKind.GENERAL_REGS)
    const view = generalRegs(regs)
    view.setBigUint64(0, view.getBigUint64(0, true) + BigInt(delta), true)
    yield* k.thread.writeState(thread, ThreadStateKind.GENERAL_REGS, regs)
    yield* k.exception.setState(exception, ExceptionState.HANDLED)
    yield* k.handle.close(exception)
  })

const returnCodeOf = (process: Handle.Process) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
    return (yield* k.process.info(process)).returnCode
  })

/** Exit with a0 through the stub in t2 (copied from a1 at the start). */
const exitWith = (value: number): A.Program => [A.li(a0, value), A.jalr(ra, 0, t2)]

describe.each(cpus)("exception channels on %s", (_, cpu) => {
  it.effect("each exception type reaches a process handler with its report; the handler resumes the thread", () =>
    withKernel(
      cpu,
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const cases: ReadonlyArray<{
          readonly name: string
          readonly program: A.Program
          readonly type: number
          readonly cause: number
          readonly fault: (codeAt: number) => bigint | null
          readonly synthCode: number
          /** Bytes to move pc by to step over the faulting instruction. */
          readonly step: number
        }> = [
          {
            name: "ebreak",
            program: [A.mv(t2, a1), A.ebreak(), ...exitWith(6)],
            type: ExceptionType.SW_BREAKPOINT,
            cause: RiscvCause.BREAKPOINT,
            fault: () => null,
            synthCode: 0,
            step: 4
          },
          {
            name: "illegal",
            program: [A.mv(t2, a1), 0xffffffff, ...exitWith(7)],
            type: ExceptionType.UNDEFINED_INSTRUCTION,
            cause: RiscvCause.ILLEGAL_INSTRUCTION,
            fault: () => null,
            synthCode: 0,
            step: 4
          },
          {
            name: "unmapped load",
            program: [A.mv(t2, a1), A.li(t0, 0x1000), A.ld(a0, 0, t0), ...exitWith(8)],
            type: ExceptionType.FATAL_PAGE_FAULT,
            cause: RiscvCause.LOAD_PAGE_FAULT,
            fault: () => 0x1000n,
            synthCode: Status.NOT_FOUND,
            step: 4
          },
          {
            name: "store to code",
            program: [A.mv(t2, a1), A.auipc(t0, 0), A.sw(0, 0, t0), ...exitWith(9)],
            type: ExceptionType.FATAL_PAGE_FAULT,
            cause: RiscvCause.STORE_PAGE_FAULT,
            fault: (at) => BigInt(at + 4),
            synthCode: Status.ACCESS_DENIED,
            step: 4
          },
          {
            name: "misaligned atomic",
            program: [A.mv(t2, a1), A.addi(t0, sp, -15), A.li(t1, 1), A.amoaddW(0, t1, t0), ...exitWith(10)],
            type: ExceptionType.UNALIGNED_ACCESS,
            cause: RiscvCause.STORE_MISALIGNED,
            fault: () => null,
            synthCode: 0,
            step: 4
          },
          {
            name: "past the VMO's end",
            program: [A.mv(t2, a1), A.li(t0, SHORT_AT + 4096), A.ld(a0, 0, t0), ...exitWith(11)],
            type: ExceptionType.GENERAL,
            cause: RiscvCause.LOAD_ACCESS,
            fault: () => BigInt(SHORT_AT + 4096),
            synthCode: Status.OUT_OF_RANGE,
            step: 4
          }
        ]
        for (const c of cases) {
          let channel: Handle.Channel | undefined
          const launched = yield* launch(c.program, {
            before: (l) =>
              Effect.map(k.task.createExceptionChannel(l.process), (ch) => {
                channel = ch
              })
          })
          const { exception, info } = yield* nextException(channel!)
          const report = yield* k.exception.report(exception)
          const threadInfo = yield* k.handle.info(launched.thread)
          const processInfo = yield* k.handle.info(launched.process)
          assert.strictEqual(info.type, c.type, c.name)
          assert.strictEqual(info.pid, processInfo.koid, c.name)
          assert.strictEqual(info.tid, threadInfo.koid, c.name)
          assert.strictEqual(report.cause, c.cause, c.name)
          assert.strictEqual(report.synthCode, c.synthCode >>> 0, c.name)
          const expectedFault = c.fault(launched.codeAt)
          if (expectedFault !== null) assert.strictEqual(report.faultAddress, expectedFault, c.name)
          if (c.name === "misaligned atomic") assert.strictEqual(report.faultAddress! % 4n, 1n, c.name)
          if (c.name === "illegal") assert.strictEqual(report.tval, 0xffffffffn, c.name)
          // The faulting instruction is where the registers say the thread is.
          const regs = generalRegs(yield* k.thread.readState(launched.thread, ThreadStateKind.GENERAL_REGS))
          assert.strictEqual(regs.getBigUint64(0, true), report.pc, c.name)
          assert.strictEqual(report.registers[2], regs.getBigUint64(2 * 8, true), `${c.name}: sp`)
          assert.strictEqual((yield* k.thread.exceptionReport(launched.thread)).type, c.type)
          if (c.name === "ebreak") {
            // The FP register set round-trips: f1 in its 16-byte slot, fcsr after the 32 slots.
            const fp = yield* k.thread.readState(launched.thread, ThreadStateKind.FP_REGS)
            assert.strictEqual(fp.length, 528)
            const fpView = new DataView(fp.buffer, fp.byteOffset, fp.byteLength)
            fpView.setBigUint64(16, 0x400921fb54442d18n, true)
            fpView.setUint32(512, 0x20, true)
            yield* k.thread.writeState(launched.thread, ThreadStateKind.FP_REGS, fp)
            const back = new DataView((yield* k.thread.readState(launched.thread, ThreadStateKind.FP_REGS)).buffer)
            assert.strictEqual(back.getBigUint64(16, true), 0x400921fb54442d18n)
            assert.strictEqual(back.getUint32(512, true), 0x20)
            const short = yield* Effect.flip(
              k.thread.writeState(launched.thread, ThreadStateKind.FP_REGS, new Uint8Array(100))
            )
            assert.strictEqual(short.status, Status.INVALID_ARGS)
          }
          yield* skip(exception, c.step)
          assert.strictEqual(yield* returnCodeOf(launched.process), BigInt(6 + cases.indexOf(c)), c.name)
          // Out of the exception, its state cannot be read.
          const late = yield* Effect.flip(k.thread.readState(launched.thread, ThreadStateKind.GENERAL_REGS))
          assert.strictEqual(late.status, Status.BAD_STATE)
        }
      })
    ))

  it.effect("an ecall outside the vDSO is a BAD_SYSCALL policy exception; a handler may answer it", () =>
    withKernel(
      cpu,
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        let channel: Handle.Channel | undefined
        // t0 = 77: the number the report carries; the handler sets a0 = 42 and the program exits with it.
        const launched = yield* launch([A.mv(t2, a1), A.li(t0, 77), A.ecall(), A.jalr(ra, 0, t2)], {
          before: (l) =>
            Effect.map(k.task.createExceptionChannel(l.thread), (ch) => {
              channel = ch
            })
        })
        const { exception, info } = yield* nextException(channel!)
        assert.strictEqual(info.type, ExceptionType.POLICY_ERROR)
        const report = yield* k.exception.report(exception)
        assert.strictEqual(report.synthCode, PolicyCode.BAD_SYSCALL)
        assert.strictEqual(report.synthData, 77)
        assert.strictEqual(report.pc, BigInt(launched.codeAt + 8))
        // Through a thread's own channel the process is not handed out.
        assert.strictEqual((yield* Effect.flip(k.exception.process(exception))).status, Status.ACCESS_DENIED)
        const thread = yield* k.exception.thread(exception)
        const regs = yield* k.thread.readState(thread, ThreadStateKind.GENERAL_REGS)
        generalRegs(regs).setBigUint64(a0 * 8, 42n, true)
        yield* k.thread.writeState(thread, ThreadStateKind.GENERAL_REGS, regs)
        yield* k.exception.setState(exception, ExceptionState.HANDLED)
        yield* k.handle.close(exception)
        assert.strictEqual(yield* returnCodeOf(launched.process), 42n)
      })
    ))

  it.effect("handlers are searched thread, process, job, parent job; unhandled, the process dies with its crash kept", () =>
    withKernel(
      cpu,
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const root = yield* k.job.root()
        const parent = yield* k.job.create(root)
        const job = yield* k.job.create(parent)
        const parentChannel = yield* k.task.createExceptionChannel(parent)
        const jobChannel = yield* k.task.createExceptionChannel(job)
        // A second live channel on the same task is refused.
        assert.strictEqual((yield* Effect.flip(k.task.createExceptionChannel(job))).status, Status.ALREADY_BOUND)
        let threadChannel: Handle.Channel | undefined
        let processChannel: Handle.Channel | undefined
        const launched = yield* launch([A.mv(t2, a1), A.li(t0, 0x1000), A.sd(0, 0, t0), ...exitWith(0)], {
          job,
          before: (l) =>
            Effect.gen(function*() {
              threadChannel = yield* k.task.createExceptionChannel(l.thread)
              processChannel = yield* k.task.createExceptionChannel(l.process)
            })
        })
        for (const channel of [threadChannel!, processChannel!, jobChannel, parentChannel]) {
          const { exception, info } = yield* nextException(channel)
          assert.strictEqual(info.type, ExceptionType.FATAL_PAGE_FAULT)
          assert.strictEqual(yield* k.exception.getState(exception), ExceptionState.TRY_NEXT)
          if (channel !== threadChannel) {
            const p = yield* k.exception.process(exception)
            assert.strictEqual((yield* k.handle.info(p)).koid, (yield* k.handle.info(launched.process)).koid)
          }
          // Closing with TRY_NEXT passes it on.
          yield* k.handle.close(exception)
        }
        assert.strictEqual(yield* returnCodeOf(launched.process), BigInt(TaskReturnCode.EXCEPTION_KILL))
        const crash = yield* k.process.crashReport(launched.process)
        assert.isTrue(Option.isSome(crash))
        assert.strictEqual(Option.getOrThrow(crash).faultAddress, 0x1000n)
        assert.strictEqual(Option.getOrThrow(crash).cause, RiscvCause.STORE_PAGE_FAULT)
        // The process's and thread's channels see PEER_CLOSED once their tasks are gone.
        assert.notStrictEqual((yield* k.object.signals(processChannel!)) & Signals.CHANNEL_PEER_CLOSED, 0)
        assert.notStrictEqual((yield* k.object.signals(threadChannel!)) & Signals.CHANNEL_PEER_CLOSED, 0)
      })
    ))

  it.effect("THREAD_EXIT ends the thread; a handler channel closed with the exception unread passes it on", () =>
    withKernel(
      cpu,
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const root = yield* k.job.root()
        const job = yield* k.job.create(root)
        const jobChannel = yield* k.task.createExceptionChannel(job)
        let processChannel: Handle.Channel | undefined
        const launched = yield* launch([A.mv(t2, a1), A.ebreak(), ...exitWith(5)], {
          job,
          before: (l) =>
            Effect.map(k.task.createExceptionChannel(l.process), (ch) => {
              processChannel = ch
            })
        })
        yield* k.object.waitOne(processChannel!, Signals.CHANNEL_READABLE)
        // The process handler goes away with the exception queued: the job's handler gets it.
        yield* k.handle.close(processChannel!)
        const { exception } = yield* nextException(jobChannel)
        yield* k.exception.setState(exception, ExceptionState.THREAD_EXIT)
        assert.strictEqual((yield* Effect.flip(k.exception.setState(exception, 7))).status, Status.INVALID_ARGS)
        yield* k.handle.close(exception)
        // Its only thread gone, the process has exited with 0, as Zircon has it.
        assert.strictEqual(yield* returnCodeOf(launched.process), 0n)
        assert.isTrue(Option.isNone(yield* k.process.crashReport(launched.process)))
      })
    ))
})
