import { assert, describe, it } from "@effect/vitest"
import { prototype, syscallsHeader } from "@zxsim/kernel/CHeader"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { ObjectType } from "@zxsim/kernel/ObjectType"
import { Rights } from "@zxsim/kernel/Rights"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import * as Syscalls from "@zxsim/kernel/Syscalls"
import { InfoTopic } from "@zxsim/kernel/Syscalls"
import { PolicyAction, PolicyCondition, TaskReturnCode } from "@zxsim/kernel/Task"
import * as Vdso from "@zxsim/kernel/Vdso"
import { VmOption } from "@zxsim/kernel/VmOptions"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { DATA, hostTurns, launch, withGuests } from "./utils/launch.js"
import * as ScriptCpu from "./utils/ScriptCpu.js"
import { sys } from "./utils/ScriptCpu.js"

/** Runs a script to its exit and returns the exit code. */
const exitCode = (
  cpu: ScriptCpu.ScriptCpu,
  script: ScriptCpu.Script,
  setup?: (
    l: { channel: Handle.Channel; rootVmar: Handle.Vmar }
  ) => Effect.Effect<void, unknown, Kernel.Kernel | Scope.Scope>
) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const launched = yield* launch(cpu, script)
    if (setup !== undefined) yield* setup(launched)
    yield* k.object.waitOne(launched.process, Signals.PROCESS_TERMINATED)
    return { code: (yield* k.process.info(launched.process)).returnCode, channel: launched.channel }
  })

const enc = (s: string) => new TextEncoder().encode(s)

/**
 * A guest's first steps: wait for its bootstrap channel and read the message into DATA, its
 * `handles` handles into DATA + 64.
 */
function* readBootstrap(m: ScriptCpu.Machine, handles: number): Generator<ScriptCpu.Step, void, bigint> {
  const boot = m.a(0)
  yield sys("object_wait_one", boot, Signals.CHANNEL_READABLE, 0x7fffffffffffffffn, 0)
  yield sys("channel_read", boot, 0, DATA, DATA + 64, 64, handles, 0, 0)
}
const u32 = (bytes: Uint8Array, at = 0) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true)

describe("syscall table, vDSO and header", () => {
  it("numbers the table densely and every entry has a vDSO stub pair and a prototype", () => {
    Syscalls.table.forEach((s, i) => assert.strictEqual(s.number, i))
    const layout = Vdso.layout()
    const names = new Set(layout.symbols.map((s) => s.name))
    const header = syscallsHeader()
    for (const s of Syscalls.table) {
      assert.isTrue(names.has(`_zx_${s.name}`), s.name)
      assert.isTrue(names.has(`zx_${s.name}`), s.name)
      const stub = layout.symbols.find((x) => x.name === `_zx_${s.name}`)!
      assert.strictEqual(stub.value, layout.codeOffset + s.number * Vdso.STUB_SIZE)
      assert.include(header, `${prototype(s.name)};`)
    }
    assert.strictEqual(layout.symbols.length, Syscalls.table.length * 2)
  })

  it("each stub loads its number into t0 and executes ecall", () => {
    const image = Vdso.image()
    const view = new DataView(image.buffer)
    const { codeOffset } = Vdso.layout()
    for (const s of Syscalls.table) {
      const at = codeOffset + s.number * Vdso.STUB_SIZE
      assert.strictEqual(view.getUint32(at, true), ((s.number << 20) | (5 << 7) | 0x13) >>> 0)
      assert.strictEqual(view.getUint32(at + Vdso.ECALL_OFFSET, true), 0x73)
    }
  })
})

describe("syscalls", () => {
  it.effect("channel_write sends bytes the host reads from the bootstrap channel", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const { channel, code } = yield* exitCode(cpu, function*(m) {
          const h = m.a(0)
          m.write(DATA, enc("hello"))
          const status = yield sys("channel_write", h, 0, DATA, 5, 0, 0)
          yield sys("process_exit", status)
        })
        assert.strictEqual(code, 0n)
        const message = yield* k.channel.read(channel)
        assert.strictEqual(new TextDecoder().decode(message.bytes), "hello")
      })
    ))

  it.effect("a handle list naming no handle meets the job's BAD_HANDLE policy in channel_write and channel_call", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const root = yield* k.job.root()
        /** Runs `script` in a job whose BAD_HANDLE action is `action`; answers its return code. */
        const inJob = (action: number, script: ScriptCpu.Script) =>
          Effect.gen(function*() {
            const job = yield* k.job.create(root)
            yield* k.job.setPolicy(job, [{ condition: PolicyCondition.BAD_HANDLE, action }])
            const launched = yield* launch(cpu, script, "policy", job)
            yield* k.object.waitOne(launched.process, Signals.PROCESS_TERMINATED)
            return (yield* k.process.info(launched.process)).returnCode
          })
        const BOGUS = 0x7ffffff0
        for (const name of ["channel_write", "channel_call"] as const) {
          const write = function*(
            m: ScriptCpu.Machine,
            channel: bigint
          ): Generator<ScriptCpu.Step, { readonly event: number; readonly status: bigint }, bigint> {
            // An event the guest owns, then a value that names nothing: both in the list.
            yield sys("event_create", 0, DATA + 200)
            const event = m.u32(DATA + 200)
            m.write(DATA + 100, new Uint8Array(new Uint32Array([event, BOGUS]).buffer))
            m.write(DATA, new Uint8Array(16))
            if (name === "channel_write") {
              return { event, status: yield sys("channel_write", channel, 0, DATA, 16, DATA + 100, 2) }
            }
            const args = new DataView(new ArrayBuffer(48))
            args.setBigUint64(0, BigInt(DATA), true)
            args.setBigUint64(8, BigInt(DATA + 100), true)
            args.setBigUint64(16, BigInt(DATA + 300), true)
            args.setBigUint64(24, BigInt(DATA + 400), true)
            args.setUint32(32, 16, true)
            args.setUint32(36, 2, true)
            args.setUint32(40, 64, true)
            args.setUint32(44, 4, true)
            m.write(DATA + 500, new Uint8Array(args.buffer))
            return { event, status: yield sys("channel_call", channel, 0, 0x7fffffffffffffffn, DATA + 500, 0, 0) }
          }
          // ALLOW: the call fails BAD_HANDLE and the good handle of the list is consumed all the same.
          const allowed = yield* inJob(PolicyAction.ALLOW, function*(m) {
            const { event, status } = yield* write(m, m.a(0))
            if (status !== BigInt(Status.BAD_HANDLE)) {
              yield sys("process_exit", 100)
            }
            const closed = yield sys("handle_close", event)
            yield sys("process_exit", closed === BigInt(Status.BAD_HANDLE) ? 0 : 101)
          })
          assert.strictEqual(allowed, 0n, name)
          // KILL: the caller dies by policy in the call.
          const killed = yield* inJob(PolicyAction.KILL, function*(m) {
            yield* write(m, m.a(0))
            yield sys("process_exit", 102)
          })
          assert.strictEqual(killed, BigInt(TaskReturnCode.POLICY_KILL), name)
          // ZX_HANDLE_INVALID in the list is BAD_HANDLE but not a policy matter.
          const invalid = yield* inJob(PolicyAction.KILL, function*(m) {
            m.write(DATA + 100, new Uint8Array(4))
            const status = yield sys("channel_write", m.a(0), 0, DATA, 4, DATA + 100, 1)
            yield sys("process_exit", status === BigInt(Status.BAD_HANDLE) ? 0 : 103)
          })
          assert.strictEqual(invalid, 0n, name)
        }
      })
    ))

  it.effect("channel_read delivers a message with a handle into the guest's table", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const { code } = yield* exitCode(
          cpu,
          function*(m) {
            const h = m.a(0)
            yield sys("object_wait_one", h, Signals.CHANNEL_READABLE, 0x7fffffffffffffffn, 0)
            const status = yield sys("channel_read", h, 0, DATA, DATA + 256, 64, 4, DATA + 512, DATA + 516)
            if (status !== 0n) yield sys("process_exit", 100)
            if (m.u32(DATA + 512) !== 3 || m.u32(DATA + 516) !== 1) yield sys("process_exit", 101)
            const vmo = m.u32(DATA + 256)
            const got = yield sys("vmo_get_size", vmo, DATA + 600)
            yield sys("process_exit", got === 0n ? m.u32(DATA + 600) / 4096 : 102)
          },
          ({ channel }) =>
            Effect.gen(function*() {
              const k = yield* Kernel.Kernel
              const vmo = yield* k.vmo.create(3 * 4096)
              yield* k.channel.write(channel, new Uint8Array([1, 2, 3]), [vmo])
            })
        )
        assert.strictEqual(code, 3n)
      })
    ))

  it.effect("channel_read reports BUFFER_TOO_SMALL with the actual sizes and keeps the message", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const { code } = yield* exitCode(
          cpu,
          function*(m) {
            const h = m.a(0)
            yield sys("object_wait_one", h, Signals.CHANNEL_READABLE, 0x7fffffffffffffffn, 0)
            const small = yield sys("channel_read", h, 0, DATA, 0, 2, 0, DATA + 512, DATA + 516)
            if (small !== BigInt(Status.BUFFER_TOO_SMALL) || m.u32(DATA + 512) !== 10) yield sys("process_exit", 1)
            const ok = yield sys("channel_read", h, 0, DATA, 0, 10, 0, DATA + 512, DATA + 516)
            yield sys("process_exit", ok === 0n ? 0 : 2)
          },
          ({ channel }) => Effect.flatMap(Kernel.Kernel, (k) => k.channel.write(channel, new Uint8Array(10)))
        )
        assert.strictEqual(code, 0n)
      })
    ))

  it.effect("a bad pointer is INVALID_ARGS and nothing is created", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const { code } = yield* exitCode(cpu, function*() {
          const status = yield sys("channel_create", 0, 0x10, DATA)
          yield sys("process_exit", status)
        })
        assert.strictEqual(code, BigInt(Status.INVALID_ARGS))
      })
    ))

  it.effect("handles: closing twice fails BAD_HANDLE, and so does a value the process does not own", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const { code } = yield* exitCode(cpu, function*(m) {
          yield sys("vmo_create", 4096, 0, DATA)
          const h = m.u32(DATA)
          const a = yield sys("handle_close", h)
          const b = yield sys("handle_close", h)
          const foreign = yield sys("handle_close", 0x12345673)
          yield sys(
            "process_exit",
            a === 0n && b === BigInt(Status.BAD_HANDLE) && foreign === BigInt(Status.BAD_HANDLE) ? 0 : 1
          )
        })
        assert.strictEqual(code, 0n)
      })
    ))

  it.effect("handle_duplicate never grows rights and get_info HANDLE_BASIC reports them", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const { code } = yield* exitCode(cpu, function*(m) {
          yield sys("vmo_create", 4096, 0, DATA)
          const h = m.u32(DATA)
          const grow = yield sys("handle_duplicate", h, Rights.READ | Rights.EXECUTE, DATA + 4)
          if (grow !== BigInt(Status.INVALID_ARGS)) yield sys("process_exit", 1)
          const ok = yield sys("handle_duplicate", h, Rights.READ | Rights.DUPLICATE, DATA + 4)
          if (ok !== 0n) yield sys("process_exit", 2)
          const info = yield sys("object_get_info", m.u32(DATA + 4), InfoTopic.HANDLE_BASIC, DATA + 64, 32, 0, 0)
          if (info !== 0n) yield sys("process_exit", 3)
          const rights = m.u32(DATA + 64 + 8)
          const type = m.u32(DATA + 64 + 12)
          yield sys("process_exit", rights === (Rights.READ | Rights.DUPLICATE) && type === ObjectType.VMO ? 0 : 4)
        })
        assert.strictEqual(code, 0n)
      })
    ))

  it.effect("vmo_write then vmo_read round-trips through guest memory", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const { code } = yield* exitCode(cpu, function*(m) {
          yield sys("vmo_create", 8192, 0, DATA)
          const h = m.u32(DATA)
          m.write(DATA + 100, enc("zircon"))
          yield sys("vmo_write", h, DATA + 100, 4090, 6)
          const status = yield sys("vmo_read", h, DATA + 200, 4090, 6)
          const back = new TextDecoder().decode(m.read(DATA + 200, 6))
          const past = yield sys("vmo_read", h, DATA + 200, 8190, 6)
          yield sys("process_exit", status === 0n && back === "zircon" && past === BigInt(Status.OUT_OF_RANGE) ? 0 : 1)
        })
        assert.strictEqual(code, 0n)
      })
    ))

  it.effect("process_create and process_start from a guest spawn a child that runs", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const job = yield* k.job.root()
        cpu.program(0x7000_0000, function*() {
          yield sys("process_exit", 9)
        })
        const { code } = yield* exitCode(
          cpu,
          function*(m) {
            yield* readBootstrap(m, 2)
            const jobValue = m.u32(DATA + 64)
            const vdsoValue = m.u32(DATA + 68)
            m.write(DATA + 128, enc("child"))
            const created = yield sys("process_create", jobValue, DATA + 128, 5, 0, DATA + 200, DATA + 204)
            if (created !== 0n) yield sys("process_exit", 1)
            const child = m.u32(DATA + 200)
            const childVmar = m.u32(DATA + 204)
            const mapped = yield sys(
              "vmar_map",
              childVmar,
              0x1 | 0x4 | 0x10,
              0x1000_0000,
              vdsoValue,
              Vdso.layout().codeOffset,
              4096,
              DATA + 208
            )
            if (mapped !== 0n) yield sys("process_exit", 2)
            const thread = yield sys("thread_create", child, DATA + 128, 5, 0, DATA + 216)
            if (thread !== 0n) yield sys("process_exit", 3)
            const started = yield sys("process_start", child, m.u32(DATA + 216), 0x7000_0000, 0x7000_1000, 0, 0)
            if (started !== 0n) yield sys("process_exit", 4)
            yield sys("object_wait_one", child, Signals.PROCESS_TERMINATED, 0x7fffffffffffffffn, 0)
            const info = yield sys("object_get_info", child, InfoTopic.PROCESS, DATA + 300, 24, 0, 0)
            if (info !== 0n) yield sys("process_exit", 5)
            yield sys("process_exit", new DataView(m.read(DATA + 300, 8).buffer).getUint32(0, true))
          },
          ({ channel }) =>
            Effect.gen(function*() {
              const vdso = yield* k.systemVdso()
              const j = yield* k.handle.duplicate(job)
              yield* k.channel.write(channel, new Uint8Array(1), [j, vdso])
            })
        )
        assert.strictEqual(code, 9n)
      })
    ))

  it.effect("vmar_allocate through a VMAR handle without WRITE cannot make a writable child", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const { code } = yield* exitCode(
          cpu,
          function*(m) {
            yield* readBootstrap(m, 1)
            const vmar = m.u32(DATA + 64)
            const writable = yield sys(
              "vmar_allocate",
              vmar,
              VmOption.CAN_MAP_READ | VmOption.CAN_MAP_WRITE,
              0,
              4096,
              DATA + 100,
              DATA + 104
            )
            const readable = yield sys("vmar_allocate", vmar, VmOption.CAN_MAP_READ, 0, 4096, DATA + 100, DATA + 104)
            yield sys("process_exit", writable === BigInt(Status.ACCESS_DENIED) && readable === 0n ? 0 : 1)
          },
          ({ channel, rootVmar }) =>
            Effect.gen(function*() {
              const k = yield* Kernel.Kernel
              const readOnly = yield* k.handle.duplicate(
                rootVmar,
                Rights.DUPLICATE | Rights.TRANSFER | Rights.READ | Rights.OP_CHILDREN | Rights.INSPECT
              )
              yield* k.channel.write(channel, new Uint8Array(1), [readOnly])
            })
        )
        assert.strictEqual(code, 0n)
      })
    ))

  for (const hook of [false, true]) {
    it.effect(
      `translations go stale only where one may have been cached: a new mapping and a page written first change nothing; a page read as zeros and then written ${
        hook ? "calls the CPU's zeroFrameReplaced" : "moves the epoch"
      }`,
      () => {
        let replaced = 0
        /** A scripted CPU with the optional hook. */
        class ZeroAware extends ScriptCpu.ScriptCpu {
          readonly zeroFrameReplaced = () => {
            replaced++
          }
        }
        return withGuests(
          (cpu) =>
            Effect.gen(function*() {
              const { code } = yield* exitCode(
                cpu,
                function*(m) {
                  yield* readBootstrap(m, 1)
                  const vmar = m.u32(DATA + 64)
                  if ((yield sys("vmo_create", 4 * 4096, 0, DATA + 100)) !== 0n) yield sys("process_exit", 1)
                  const before = m.epoch()
                  const perms = VmOption.PERM_READ | VmOption.PERM_WRITE
                  if ((yield sys("vmar_map", vmar, perms, 0, m.u32(DATA + 100), 0, 4 * 4096, DATA + 104)) !== 0n) {
                    yield sys("process_exit", 2)
                  }
                  const base = Number(new DataView(m.read(DATA + 104, 8).buffer).getBigUint64(0, true))
                  const mapped = m.epoch()
                  // Page 0 written first: committed, nothing could have cached its zeros.
                  m.write(base, enc("first"))
                  const written = m.epoch()
                  const quiet = replaced
                  // Page 1 read as zeros (a translation to the zero frame), then written.
                  const zeros = m.read(base + 4096, 4)
                  m.write(base + 4096, enc("late"))
                  const committed = m.epoch()
                  const back = new TextDecoder().decode(m.read(base + 4096, 4))
                  const stale = hook ? committed === written && replaced === 1 : committed !== written
                  const ok = mapped === before && written === mapped && quiet === 0 && stale &&
                    zeros.every((byte) => byte === 0) && back === "late"
                  yield sys("process_exit", ok ? 0 : 3)
                },
                ({ channel, rootVmar }) =>
                  Effect.gen(function*() {
                    const k = yield* Kernel.Kernel
                    yield* k.channel.write(channel, new Uint8Array(1), [yield* k.handle.duplicate(rootVmar)])
                  })
              )
              assert.strictEqual(code, 0n)
            }),
          undefined,
          hook ? () => new ZeroAware() : undefined
        )
      }
    )
  }

  it.effect("object_wait_many wakes on any item and reports every item's pending signals", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const { code } = yield* exitCode(
          cpu,
          function*(m) {
            const boot = m.a(0)
            yield sys("channel_create", 0, DATA, DATA + 4)
            const other = m.u32(DATA)
            const items = new Uint8Array(24)
            const dv = new DataView(items.buffer)
            dv.setUint32(0, other, true)
            dv.setUint32(4, Signals.CHANNEL_READABLE, true)
            dv.setUint32(12, Number(boot), true)
            dv.setUint32(16, Signals.CHANNEL_READABLE, true)
            m.write(DATA + 100, items)
            const none = yield sys("object_wait_many", DATA + 100, 2, 0)
            if (none !== BigInt(Status.TIMED_OUT)) yield sys("process_exit", 1)
            const status = yield sys("object_wait_many", DATA + 100, 2, 0x7fffffffffffffffn)
            const firstPending = m.u32(DATA + 100 + 8)
            const secondPending = m.u32(DATA + 100 + 20)
            const ok = status === 0n && (firstPending & Signals.CHANNEL_READABLE) === 0 &&
              (secondPending & Signals.CHANNEL_READABLE) !== 0
            yield sys("process_exit", ok ? 0 : 2)
          },
          ({ channel }) =>
            Effect.gen(function*() {
              yield* hostTurns(20)
              yield* Effect.flatMap(Kernel.Kernel, (k) => k.channel.write(channel, new Uint8Array(3)))
            })
        )
        assert.strictEqual(code, 0n)
      })
    ))

  it.effect("socket write and read move bytes; an empty socket says SHOULD_WAIT", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const { code } = yield* exitCode(cpu, function*(m) {
          yield sys("socket_create", 0, DATA, DATA + 4)
          const a = m.u32(DATA)
          const b = m.u32(DATA + 4)
          const empty = yield sys("socket_read", b, 0, DATA + 100, 10, DATA + 8)
          m.write(DATA + 200, enc("abc"))
          yield sys("socket_write", a, 0, DATA + 200, 3, DATA + 8)
          const read = yield sys("socket_read", b, 0, DATA + 100, 10, DATA + 8)
          const ok = empty === BigInt(Status.SHOULD_WAIT) && read === 0n && u32(m.read(DATA + 8, 4)) === 3 &&
            new TextDecoder().decode(m.read(DATA + 100, 3)) === "abc"
          yield sys("process_exit", ok ? 0 : 1)
        })
        assert.strictEqual(code, 0n)
      })
    ))

  it.effect("a number past the table, from where its stub would be, answers BAD_SYSCALL", () =>
    withGuests((cpu) =>
      Effect.gen(function*() {
        const k = yield* Kernel.Kernel
        const n = Syscalls.table.length
        const { process } = yield* launch(cpu, function*() {
          const status = yield { _tag: "EcallAt", pc: cpu.vdsoCode + n * Vdso.STUB_SIZE + Vdso.ECALL_OFFSET, number: n }
          yield sys("process_exit", status)
        })
        yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
        assert.strictEqual((yield* k.process.info(process)).returnCode, BigInt(Status.BAD_SYSCALL))
      })
    ))
})
