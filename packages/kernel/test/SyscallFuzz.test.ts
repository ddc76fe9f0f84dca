/**
 * A hostile guest's syscalls: a channel pair, a socket pair and a VMO to work on, then random
 * sequences of every syscall in the table, with arguments drawn by each parameter's C type
 * (handle values the process holds and ones it does not, pointers into
 * its data page, at its edge, into read-only code and nowhere, sizes from 0 to huge, deadlines from
 * the past to never, any flags). Whatever the guest asks, the kernel answers with a status or kills
 * the process; it never throws, and once the process is gone (exited, killed by the kernel, or
 * killed by the test when it blocks) every object and handle it made is gone too.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import * as Syscalls from "@zxsim/kernel/Syscalls"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import { DATA, launch, VDSO_CODE, withGuests } from "./utils/launch.js"
import { sys } from "./utils/ScriptCpu.js"

const DATA_SIZE = 65536

/** An argument, resolved when the call is made against the handle values the guest has seen. */
type Arg = (known: ReadonlyArray<number>) => bigint

const constant = (value: bigint): Arg => () => value

const handleArg: FastCheck.Arbitrary<Arg> = FastCheck.oneof(
  FastCheck.nat().map((n): Arg => (known) => (known.length === 0 ? 0n : BigInt(known[n % known.length]))),
  FastCheck.nat().map((n): Arg => (known) => (known.length === 0 ? 0n : BigInt(known[n % known.length]))),
  FastCheck.constantFrom(0n, 0xffffffffn, 1n, 0x12345673n).map(constant),
  FastCheck.bigUint(0xffffffffn).map(constant)
)

/** Mostly aligned places in the data page; also its very end, read-only code, and nowhere. */
const pointerArg: FastCheck.Arbitrary<Arg> = FastCheck.oneof(
  {
    arbitrary: FastCheck.integer({ min: 0, max: DATA_SIZE / 8 - 1 }).map((slot) => constant(BigInt(DATA + slot * 8))),
    weight: 6
  },
  {
    arbitrary: FastCheck.integer({ min: 1, max: 64 }).map((back) => constant(BigInt(DATA + DATA_SIZE - back))),
    weight: 1
  },
  {
    arbitrary: FastCheck.constantFrom(0n, BigInt(VDSO_CODE), BigInt(DATA + DATA_SIZE), 1n << 47n, (1n << 64n) - 8n).map(
      constant
    ),
    weight: 1
  },
  { arbitrary: FastCheck.bigUint((1n << 64n) - 1n).map(constant), weight: 1 }
)

/** Mostly small sizes and counts, some up to the data page's size and past it, some huge. */
const sizeArg: FastCheck.Arbitrary<Arg> = FastCheck.oneof(
  { arbitrary: FastCheck.integer({ min: 0, max: 64 }).map((n) => constant(BigInt(n))), weight: 4 },
  { arbitrary: FastCheck.constantFrom(4096n, 8192n, 65536n).map(constant), weight: 2 },
  { arbitrary: FastCheck.integer({ min: 0, max: DATA_SIZE + 8 }).map((n) => constant(BigInt(n))), weight: 1 },
  {
    arbitrary: FastCheck.constantFrom(1n << 32n, 1n << 40n, (1n << 63n) - 1n, (1n << 64n) - 1n).map(constant),
    weight: 1
  }
)

const timeArg: FastCheck.Arbitrary<Arg> = FastCheck.constantFrom(0n, 1n, 1_000_000n, (1n << 63n) - 1n, -1n).map(
  constant
)

/** Options, rights, signals, topics: mostly the values calls accept (0, SAME_RIGHTS, one bit), some junk. */
const flagsArg: FastCheck.Arbitrary<Arg> = FastCheck.oneof(
  { arbitrary: FastCheck.constant(constant(0n)), weight: 4 },
  { arbitrary: FastCheck.constantFrom(1n, 2n, 3n, 4n, 0x8000n, 0x80000000n, 0xffffffffn).map(constant), weight: 2 },
  { arbitrary: FastCheck.integer({ min: 0, max: 31 }).map((bit) => constant(1n << BigInt(bit))), weight: 2 },
  { arbitrary: FastCheck.bigUint((1n << 64n) - 1n).map(constant), weight: 1 }
)

const argFor = (type: string): FastCheck.Arbitrary<Arg> => {
  if (type.includes("*")) return pointerArg
  if (type === "zx_handle_t") return handleArg
  if (type === "size_t") return sizeArg
  if (type === "zx_time_t" || type === "zx_duration_t" || type === "zx_instant_mono_t") return timeArg
  return flagsArg
}

/** One call: a syscall of the table with arguments for its parameters. */
const callArbitrary = FastCheck.constantFrom(...Syscalls.table).chain((syscall) =>
  FastCheck.tuple(...syscall.params.map((param) => argFor(param.type))).map((args) => ({ syscall, args }))
)

const sequenceArbitrary = FastCheck.array(callArbitrary, { minLength: 1, maxLength: 16 })

describe("syscall fuzz", () => {
  it.live.prop(
    "any sequence of syscalls with any arguments gets statuses or a kill, never a throw, and leaves nothing behind",
    [sequenceArbitrary],
    ([calls]) =>
      withGuests((cpu) =>
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const { process } = yield* launch(cpu, function*(m) {
            const known = [Number(m.a(0))]
            // Something to work on besides the bootstrap channel: a channel pair, a socket pair, a VMO.
            const handleOut = DATA + DATA_SIZE - 32
            yield sys("channel_create", 0, handleOut, handleOut + 4)
            yield sys("socket_create", 0, handleOut + 8, handleOut + 12)
            yield sys("vmo_create", 8192, 0, handleOut + 16)
            for (let i = 0; i < 5; i++) known.push(m.u32(handleOut + 4 * i))
            for (const { args, syscall } of calls) {
              const values = args.map((arg) => arg(known))
              const status = yield sys(syscall.name, ...values)
              // What a successful call wrote through a pointer into the data page may be a new handle.
              if (status !== 0n) continue
              values.forEach((value, i) => {
                const offset = Number(value) - DATA
                if (!syscall.params[i].type.includes("*") || offset < 0 || offset > DATA_SIZE - 4) return
                const word = m.u32(DATA + offset)
                if (word !== 0 && !known.includes(word)) known.push(word)
              })
            }
            yield sys("process_exit", 0)
          })
          // A call that blocks for good (a wait with no deadline, a full socket) ends with a kill.
          const ended = yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED).pipe(
            Effect.timeout(Duration.millis(200)),
            Effect.option
          )
          if (Option.isNone(ended)) {
            yield* k.task.kill(process)
            yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
          }
          const info = yield* k.process.info(process)
          assert.isTrue((info.flags & 2) !== 0, "the process has exited")
        })
      ),
    { timeout: 120_000, fastCheck: { numRuns: 1000 } }
  )
})
