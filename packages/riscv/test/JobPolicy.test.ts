/**
 * Job policy as guests meet it, for each action: BAD_HANDLE (a syscall given a handle value that
 * names nothing), NEW_PROCESS (`zx_process_create`) and AMBIENT_MARK_VMO_EXEC
 * (`zx_vmo_replace_as_executable` without a vmex resource). ALLOW and DENY answer with a status,
 * the `_EXCEPTION` actions first stop the thread in a POLICY_ERROR exception a handler sees (and
 * kill the process when nobody handles it), KILL kills the process with POLICY_KILL. A vmex
 * resource makes a VMO executable whatever the policy; anything else is refused. Nothing leaks.
 */
import { assert, describe, it } from "@effect/vitest"
import type { Cpu } from "@zxsim/kernel/Cpu"
import { ExceptionState, ExceptionType } from "@zxsim/kernel/Exception"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import { PolicyAction, PolicyCondition, TaskReturnCode } from "@zxsim/kernel/Task"
import * as Vdso from "@zxsim/kernel/Vdso"
import { VmOption } from "@zxsim/kernel/VmOptions"
import * as A from "@zxsim/riscv/Assembler"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"

const { a0, a1, a2, a3, a4, a5, ra, s0, s1, sp, t2 } = A.Reg

const withKernel = <A, E>(cpu: Layer.Layer<Cpu>, body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const before = yield* k.stats
    const result = yield* Effect.scoped(body)
    assert.deepStrictEqual(yield* k.stats, before)
    return result
  }).pipe(Effect.provide(Kernel.layer.pipe(Layer.provide(cpu))))

const layout = Vdso.layout()
const stub = (name: string) => layout.symbols.find((s) => s.name === `zx_${name}`)!.value - layout.codeOffset

/** Calls syscall `name` (arguments already in a0..), the vDSO code mapping's base being in s1. */
const syscall = (name: string): A.Program => [A.li(t2, stub(name)), A.add(t2, t2, s1), A.jalr(ra, 0, t2)]
/** Exits with a0. */
const exit: A.Program = syscall("process_exit")

/**
 * Runs `program` in a new child job of root with `policy`, started with `arg` (a handle moved in,
 * its value in a0, copied to s0) and the vDSO code base in a1 (copied to s1). When `handle` is
 * given, the job's exception channel is bound and each exception goes to it. Returns the return code.
 */
const runIn = (
  policy: ReadonlyArray<{ readonly condition: number; readonly action: number }>,
  program: A.Program,
  options: {
    readonly arg?: Handle.Handle
    readonly handle?: (
      exception: Handle.Exception,
      type: number,
      code: number
    ) => Effect.Effect<void, unknown, Kernel.Kernel>
  } = {}
) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const job = yield* k.job.create(yield* k.job.root())
    yield* k.job.setPolicy(job, policy)
    const channel = options.handle === undefined ? undefined : yield* k.task.createExceptionChannel(job)
    const { process, rootVmar } = yield* k.process.create(job, "policy")
    const vdsoAt = yield* k.vmar.map(
      rootVmar,
      VmOption.PERM_READ | VmOption.PERM_EXECUTE,
      0,
      yield* k.systemVdso(),
      layout.codeOffset,
      4096
    )
    const code = yield* k.vmo.fromBytes(A.assemble([A.mv(s0, a0), A.mv(s1, a1), ...program]), { executable: true })
    const codeAt = yield* k.vmar.map(rootVmar, VmOption.PERM_READ | VmOption.PERM_EXECUTE, 0, code, 0, 4096)
    const data = yield* k.vmo.create(65536)
    const dataAt = yield* k.vmar.map(rootVmar, VmOption.PERM_READ | VmOption.PERM_WRITE, 0, data, 0, 65536)
    const thread = yield* k.thread.create(process, "main")
    yield* k.process.start(process, thread, codeAt, dataAt + 65536, options.arg ?? null, vdsoAt)
    const handled: Array<number> = []
    if (channel !== undefined && options.handle !== undefined) {
      const handle = options.handle
      yield* Effect.forkScoped(
        Effect.forever(Effect.gen(function*() {
          yield* k.object.waitOne(channel, Signals.CHANNEL_READABLE)
          const message = yield* k.channel.read(channel)
          const info = yield* k.exception.decodeInfo(message.bytes)
          const exception = message.handles[0] as Handle.Exception
          const report = yield* k.exception.report(exception)
          handled.push(report.synthCode)
          yield* handle(exception, info.type, report.synthCode)
          yield* k.handle.close(exception)
        })).pipe(Effect.ignore)
      )
    }
    yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
    return { code: (yield* k.process.info(process)).returnCode, handled }
  })

/** handle_close(0x12345673): a value this process was never given. */
const closeForeign: A.Program = [A.li(a0, 0x12345673), ...syscall("handle_close"), ...exit]

/** process_create(s0 = job, name = sp, 0, 0, sp-16, sp-8), exit with the status. */
const createProcess: A.Program = [
  A.mv(a0, s0),
  A.mv(a1, sp),
  A.li(a2, 0),
  A.li(a3, 0),
  A.addi(a4, sp, -16),
  A.addi(a5, sp, -8),
  ...syscall("process_create"),
  ...exit
]

/** vmo_create(4096, 0, sp-8); vmo_replace_as_executable(vmo, s0, sp-16); exit with the status. */
const markExecutable: A.Program = [
  A.li(a0, 4096),
  A.li(a1, 0),
  A.addi(a2, sp, -8),
  ...syscall("vmo_create"),
  A.lw(a0, -8, sp),
  A.mv(a1, s0),
  A.addi(a2, sp, -16),
  ...syscall("vmo_replace_as_executable"),
  ...exit
]

const handled = (state: number) => (exception: Handle.Exception) =>
  Effect.flatMap(Kernel.Kernel, (k) => k.exception.setState(exception, state))

const cpu = RiscvInterpreter.layer
const POLICY_KILL = BigInt(TaskReturnCode.POLICY_KILL)
const EXCEPTION_KILL = BigInt(TaskReturnCode.EXCEPTION_KILL)

describe("job policy in guests", () => {
  it.effect("BAD_HANDLE: allow and deny answer BAD_HANDLE, the exception actions stop the thread first, kill kills", () =>
    withKernel(
      cpu,
      Effect.gen(function*() {
        const entry = (action: number) => [{ condition: PolicyCondition.BAD_HANDLE, action }]
        const bad = BigInt(Status.BAD_HANDLE)
        assert.strictEqual((yield* runIn(entry(PolicyAction.ALLOW), closeForeign)).code, bad)
        assert.strictEqual((yield* runIn(entry(PolicyAction.DENY), closeForeign)).code, bad)
        for (const action of [PolicyAction.ALLOW_EXCEPTION, PolicyAction.DENY_EXCEPTION]) {
          const types: Array<number> = []
          const r = yield* runIn(entry(action), closeForeign, {
            handle: (e, type) =>
              Effect.zipRight(Effect.sync(() => types.push(type)), handled(ExceptionState.HANDLED)(e))
          })
          assert.strictEqual(r.code, bad)
          assert.deepStrictEqual(types, [ExceptionType.POLICY_ERROR])
          assert.deepStrictEqual(r.handled, [PolicyCondition.BAD_HANDLE])
          // Nobody handles it: the process dies of the exception.
          assert.strictEqual((yield* runIn(entry(action), closeForeign)).code, EXCEPTION_KILL)
        }
        assert.strictEqual((yield* runIn(entry(PolicyAction.KILL), closeForeign)).code, POLICY_KILL)
        // ZX_HANDLE_INVALID is not a bad handle: closing it is OK, using it BAD_HANDLE without the policy.
        assert.strictEqual(
          (yield* runIn(entry(PolicyAction.KILL), [A.li(a0, 0), ...syscall("handle_close"), ...exit])).code,
          0n
        )
        const useInvalid: A.Program = [A.li(a0, 0), A.addi(a1, sp, -8), ...syscall("vmo_get_size"), ...exit]
        assert.strictEqual((yield* runIn(entry(PolicyAction.KILL), useInvalid)).code, bad)
      })
    ))

  it.effect("NEW_PROCESS: a guest's zx_process_create under each action", () =>
    withKernel(
      cpu,
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const entry = (action: number) => [{ condition: PolicyCondition.NEW_PROCESS, action }]
        const run = (action: number, handle?: (e: Handle.Exception) => Effect.Effect<void, unknown, Kernel.Kernel>) =>
          Effect.gen(function*() {
            const target = yield* k.job.create(yield* k.job.root())
            return yield* runIn(
              entry(action),
              createProcess,
              handle === undefined ? { arg: target } : { arg: target, handle }
            )
          })
        assert.strictEqual((yield* run(PolicyAction.ALLOW)).code, 0n)
        assert.strictEqual((yield* run(PolicyAction.DENY)).code, BigInt(Status.ACCESS_DENIED))
        const allowed = yield* run(PolicyAction.ALLOW_EXCEPTION, handled(ExceptionState.HANDLED))
        assert.deepStrictEqual(allowed, { code: 0n, handled: [PolicyCondition.NEW_PROCESS] })
        const denied = yield* run(PolicyAction.DENY_EXCEPTION, handled(ExceptionState.HANDLED))
        assert.deepStrictEqual(denied, { code: BigInt(Status.ACCESS_DENIED), handled: [PolicyCondition.NEW_PROCESS] })
        assert.strictEqual((yield* run(PolicyAction.KILL)).code, POLICY_KILL)
        // NEW_ANY stands for NEW_PROCESS too.
        const target = yield* k.job.create(yield* k.job.root())
        const any = yield* runIn([{ condition: PolicyCondition.NEW_ANY, action: PolicyAction.DENY }], createProcess, {
          arg: target
        })
        assert.strictEqual(any.code, BigInt(Status.ACCESS_DENIED))
      })
    ))

  it.effect("AMBIENT_MARK_VMO_EXEC: replace_as_executable without a vmex under each action; a vmex resource always works", () =>
    withKernel(
      cpu,
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const entry = (action: number) => [{ condition: PolicyCondition.AMBIENT_MARK_VMO_EXEC, action }]
        const denied = BigInt(Status.ACCESS_DENIED)
        assert.strictEqual((yield* runIn(entry(PolicyAction.ALLOW), markExecutable)).code, 0n)
        assert.strictEqual((yield* runIn(entry(PolicyAction.DENY), markExecutable)).code, denied)
        const a = yield* runIn(entry(PolicyAction.ALLOW_EXCEPTION), markExecutable, {
          handle: handled(ExceptionState.HANDLED)
        })
        assert.deepStrictEqual(a, { code: 0n, handled: [PolicyCondition.AMBIENT_MARK_VMO_EXEC] })
        const d = yield* runIn(entry(PolicyAction.DENY_EXCEPTION), markExecutable, {
          handle: handled(ExceptionState.HANDLED)
        })
        assert.deepStrictEqual(d, { code: denied, handled: [PolicyCondition.AMBIENT_MARK_VMO_EXEC] })
        assert.strictEqual((yield* runIn(entry(PolicyAction.KILL), markExecutable)).code, POLICY_KILL)
        // With the vmex resource the policy does not matter.
        const vmex = yield* k.resource.vmex()
        assert.strictEqual((yield* runIn(entry(PolicyAction.KILL), markExecutable, { arg: vmex })).code, 0n)
        // Any other object in its place is refused.
        const [end] = yield* k.channel.create()
        assert.strictEqual(
          (yield* runIn(entry(PolicyAction.ALLOW), markExecutable, { arg: end })).code,
          BigInt(Status.WRONG_TYPE)
        )
      })
    ))
})
