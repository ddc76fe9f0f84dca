/**
 * stdio benchmark: bytes per second of the `cat` guest copying its stdin to its stdout (a socket
 * each way, fed and drained by the host as fast as the guest takes and gives), against the host's
 * own `cat` copying the same bytes through pipes in the same run. Two guest modes: blocks through
 * read(2)/write(2), and a character at a time through getchar/putchar (picolibc's buffered stdio,
 * stdout fully buffered as it is when it is not a terminal). The guest runs on the JIT.
 */
import * as Guests from "@zxsim/guest/Guests"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import type { Entry, Row } from "../Bench.js"

/** The bytes copied per run. */
const SIZE = 8 * 1024 * 1024

/** Copies `input` through the guest `cat` (with `args`); the seconds it took and the bytes that came out. */
const guestCat = (input: Uint8Array, args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const executable = yield* k.vmo.fromBytes(new Uint8Array(readFileSync(Guests.path("cat"))), {
      name: "cat",
      executable: true
    })
    const builder = yield* ProcessBuilder.make({
      name: "cat",
      job: yield* k.job.root(),
      executable,
      systemVdso: yield* k.systemVdso()
    })
    const [stdin, stdinGuest] = yield* k.socket.create()
    const [stdout, stdoutGuest] = yield* k.socket.create()
    yield* ProcessBuilder.addHandles(builder, [
      { handle: stdinGuest, info: HandleInfo.unsafeMake("FileDescriptor", 0) },
      { handle: stdoutGuest, info: HandleInfo.unsafeMake("FileDescriptor", 1) }
    ])
    yield* ProcessBuilder.addArguments(builder, ["cat", ...args])
    const built = yield* ProcessBuilder.build(builder)
    const started = performance.now()
    const feed = yield* Effect.fork(Effect.gen(function*() {
      let offset = 0
      while (offset < input.length) {
        const signals = yield* k.object.waitOne(stdin, Signals.SOCKET_WRITABLE | Signals.SOCKET_PEER_CLOSED)
        if ((signals & Signals.SOCKET_WRITABLE) === 0) break
        offset += yield* k.socket.write(stdin, input.subarray(offset))
      }
      yield* k.handle.close(stdin)
    }))
    const drain = yield* Effect.fork(drainAll(k, stdout))
    const process = yield* BuiltProcess.start(built)
    yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
    const copied = yield* Fiber.join(drain)
    yield* Fiber.join(feed)
    return { seconds: (performance.now() - started) / 1000, copied }
  }).pipe(Effect.scoped, Effect.provide(Kernel.layer.pipe(Layer.provide(RiscvJit.layer))))

const drainAll = (k: Kernel.Kernel["Type"], socket: Handle.Socket) =>
  Effect.gen(function*() {
    let copied = 0
    for (;;) {
      const signals = yield* k.object.waitOne(socket, Signals.SOCKET_READABLE | Signals.SOCKET_PEER_CLOSED)
      if ((signals & Signals.SOCKET_READABLE) === 0) return copied
      copied += (yield* k.socket.read(socket, 1 << 20)).length
    }
  })

/** Copies `input` through the host's `cat` over pipes; the seconds it took. */
const hostCat = (input: Uint8Array): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn("cat", [], { stdio: ["pipe", "pipe", "inherit"] })
    let copied = 0
    child.stdout.on("data", (chunk: Buffer) => (copied += chunk.length))
    child.on("error", reject)
    child.on("close", () => (copied === input.length
      ? resolve((performance.now() - started) / 1000)
      : reject(new Error(`host cat copied ${copied} bytes`))))
    child.stdin.end(input)
  })

/** The stdio entry. */
export const entry: Entry = {
  name: "stdio",
  run: async () => {
    const input = new Uint8Array(SIZE)
    for (let i = 0; i < input.length; i++) input[i] = (i * 7 + (i >> 9)) & 0xff
    // Warm-up: Node, the host cat and the JIT.
    await hostCat(input)
    await Effect.runPromise(guestCat(input.subarray(0, 1 << 20), []))
    const host = Math.min(await hostCat(input), await hostCat(input))
    const rows: Array<Row> = []
    for (const [title, args] of [["cat, read/write blocks", []], ["cat -c, getchar/putchar", ["-c"]]] as const) {
      const result = await Effect.runPromise(guestCat(input, args))
      if (result.copied !== input.length) throw new Error(`${title}: copied ${result.copied} of ${input.length} bytes`)
      rows.push({
        name: `${title} (8 MiB)`,
        unit: "MB/s",
        subject: SIZE / 1e6 / result.seconds,
        peerName: "host cat",
        peer: SIZE / 1e6 / host
      })
    }
    return rows
  }
}
