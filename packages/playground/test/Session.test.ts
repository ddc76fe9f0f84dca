/**
 * The playground's run, on Node (the worker runs the same code in the browser): output, exit
 * status, the build's stages from their spans, the address-space map, the bootstrap messages
 * decoded from the bytes the builder wrote, stdin, stop, crash reports, a refused file, and every
 * kernel object released afterwards.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as Zircon from "@zxsim/riscv/Zircon"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type * as Protocol from "../src/Protocol.js"
import * as Session from "../src/Session.js"

const interpreter = Kernel.layer.pipe(Layer.provide(RiscvInterpreter.layer), Layer.provideMerge(NodeContext.layer))
const jit = Zircon.layer.pipe(Layer.provideMerge(NodeContext.layer))

interface Outcome {
  readonly events: ReadonlyArray<Protocol.Event>
  readonly stdout: string
  readonly stderr: string
  readonly of: <T extends Protocol.Event["_tag"]>(tag: T) => Extract<Protocol.Event, { _tag: T }>
}

/**
 * Runs a request, with `drive` given the controls while it runs, and checks the kernel holds no
 * more objects and handles afterwards than before.
 */
const runIt = (
  request: Session.Request,
  drive: (control: {
    readonly stdin: Queue.Enqueue<Option.Option<Uint8Array>>
    readonly kill: Deferred.Deferred<void>
    readonly events: ReadonlyArray<Protocol.Event>
  }) => Effect.Effect<void> = () => Effect.void
) =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const before = yield* kernel.stats
    const stdin = yield* Queue.unbounded<Option.Option<Uint8Array>>()
    const kill = yield* Deferred.make<void>()
    const events: Array<Protocol.Event> = []
    const running = yield* Effect.fork(Session.run(request, { stdin, kill }, (e) => void events.push(e)))
    yield* drive({ stdin, kill, events })
    yield* running.await
    assert.deepStrictEqual(yield* kernel.stats, before, "kernel objects and handles are back to where they were")
    const text = (stream: "stdout" | "stderr") =>
      events.flatMap((e) => (e._tag === "Output" && e.stream === stream ? [new TextDecoder().decode(e.bytes)] : []))
        .join("")
    const of = <T extends Protocol.Event["_tag"]>(tag: T) => {
      const found = events.filter((e): e is Extract<Protocol.Event, { _tag: T }> => e._tag === tag).at(-1)
      assert.isDefined(found, `an event ${tag}`)
      return found!
    }
    return { events, stdout: text("stdout"), stderr: text("stderr"), of } satisfies Outcome
  })

const packaged = (name: string, ...args: Array<string>): Session.Request => ({
  program: { _tag: "Packaged", name },
  args,
  env: []
})

const stageNames = (outcome: Outcome) => outcome.of("Stages").stages.map((s) => s.name)

describe("Session", () => {
  it.live("hello prints its arguments and environment; the build is drawn from its spans, map and message", () =>
    Effect.gen(function*() {
      const outcome = yield* runIt({ ...packaged("hello", "a", "b c"), env: ["GREETING=hi"] })
      assert.strictEqual(outcome.stdout, "hello\na\nb c\nGREETING=hi\n")
      const exited = outcome.of("Exited")
      assert.strictEqual(exited.returnCode, 0n)
      assert.strictEqual(exited.status, 0)
      const names = stageNames(outcome)
      for (
        const stage of [
          "ProcessBuilder.parseHeaders",
          "ProcessBuilder.loadElf",
          "ProcessBuilder.loadVdso",
          "ProcessBuilder.createStack",
          "ProcessBuilder.writeMainMessage",
          "BuiltProcess.start"
        ]
      ) assert.include(names, stage)
      for (const stage of outcome.of("Stages").stages.filter((s) => /^(ProcessBuilder|BuiltProcess)\./.test(s.name))) {
        assert.isNotNull(stage.durationMs, `${stage.name} ended`)
        assert.isAtLeast(stage.startMs, 0)
      }
      const space = outcome.of("AddressSpace")
      const mappings = space.regions.flatMap((r) => (r._tag === "Mapping" ? [r.vmoName] : []))
      assert.include(mappings, "vdso/libzircon.so")
      assert.isTrue(mappings.some((n) => n.startsWith("stack:")), mappings.join(", "))
      assert.include(space.text, "root VMAR")
      assert.include(space.text, "vdso/libzircon.so")
      assert.isTrue(space.stack > 0 && space.vdsoBase > 0 && space.entry > space.elfBase)
      const [message] = outcome.of("Bootstrap").messages
      assert.strictEqual(message.recipient, "program")
      assert.deepStrictEqual(message.args, ["hello", "a", "b c"])
      assert.deepStrictEqual(message.environment, ["GREETING=hi"])
      const handles = message.handles.map((h) => `${h.cName}/${h.arg}:${h.object}`)
      for (
        const h of ["PA_PROC_SELF/0:PROCESS", "PA_THREAD_SELF/0:THREAD", "PA_VMAR_ROOT/0:VMAR", "PA_FD/1:SOCKET"]
      ) assert.include(handles.map((x) => x.replace(/\/16385:/, "/1:")), h, handles.join(", "))
      const stats = outcome.of("Stats")
      assert.isAbove(stats.instructions, 1000)
    }).pipe(Effect.provide(interpreter)))

  it.live("a dynamically linked program shows every stage and both messages", () =>
    Effect.gen(function*() {
      const outcome = yield* runIt(packaged("hello_dynamic", "x"))
      assert.strictEqual(outcome.stdout, "hello_dynamic\nx\n")
      const names = stageNames(outcome)
      for (
        const stage of [
          "ProcessBuilder.parseHeaders",
          "ProcessBuilder.reserveLowAddressSpace",
          "ProcessBuilder.fetchDynamicLinker",
          "ProcessBuilder.loadLinker",
          "ProcessBuilder.writeLinkerMessage",
          "ProcessBuilder.loadVdso",
          "ProcessBuilder.createStack",
          "ProcessBuilder.writeMainMessage",
          "ProcessBuilder.destroyReservation"
        ]
      ) assert.include(names, stage)
      const messages = outcome.of("Bootstrap").messages
      assert.deepStrictEqual(messages.map((m) => m.recipient), ["dynamic linker", "program"])
      assert.include(messages[0].handles.map((h) => `${h.type}:${h.object}`), "LdsvcLoader:CHANNEL")
      assert.include(messages[0].handles.map((h) => `${h.type}:${h.object}`), "ExecutableVmo:VMO")
      assert.deepStrictEqual(messages[1].args, ["hello_dynamic", "x"])
    }).pipe(Effect.provide(jit)))

  it.live("exit_code 42 exits 42; stdin reaches cat until its end", () =>
    Effect.gen(function*() {
      const exit = yield* runIt(packaged("exit_code", "42"))
      assert.strictEqual(exit.of("Exited").status, 42)
      const cat = yield* runIt(packaged("cat"), ({ stdin }) =>
        Effect.gen(function*() {
          yield* stdin.offer(Option.some(new TextEncoder().encode("typed line\n")))
          yield* stdin.offer(Option.some(new TextEncoder().encode("another\n")))
          yield* stdin.offer(Option.none())
        }))
      assert.strictEqual(cat.stdout, "typed line\nanother\n")
      assert.strictEqual(cat.of("Exited").status, 0)
    }).pipe(Effect.provide(jit)))

  it.live("an endless loop runs until killed; a crash is reported", () =>
    Effect.gen(function*() {
      const loop = yield* runIt(packaged("endless_loop"), ({ events, kill }) =>
        Effect.gen(function*() {
          // Killed once it has been seen running (its CPU counters reported).
          while (!events.some((e) => e._tag === "Stats" && e.instructions > 0)) yield* Effect.sleep("20 millis")
          yield* Deferred.succeed(kill, undefined)
        }))
      const exited = loop.of("Exited")
      assert.strictEqual(exited.returnCode, -1024n)
      assert.include(exited.note ?? "", "killed")
      const crash = yield* runIt(packaged("write_code"))
      assert.include(crash.stderr, "<== CRASH: process write_code")
      assert.include(crash.stderr, "FATAL_PAGE_FAULT")
      assert.include(crash.stderr, "main+")
      assert.strictEqual(crash.of("Exited").returnCode, -1028n)
    }).pipe(Effect.provide(jit)))

  it.live("a file that is not a RISC-V executable is refused with the reason", () =>
    Effect.gen(function*() {
      // An x86-64 ELF header: right magic, wrong machine.
      const bytes = new Uint8Array(64)
      bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])
      new DataView(bytes.buffer).setUint16(16, 3, true)
      new DataView(bytes.buffer).setUint16(18, 62, true)
      const outcome = yield* runIt({ program: { _tag: "Uploaded", name: "a.out", bytes }, args: [], env: [] })
      const failed = outcome.of("Failed")
      assert.include(failed.message, "a.out: not a RISC-V 64 ELF executable")
      assert.isFalse(outcome.events.some((e) => e._tag === "Exited"))
      const text = yield* runIt({
        program: { _tag: "Uploaded", name: "notes.txt", bytes: new TextEncoder().encode("just text") },
        args: [],
        env: []
      })
      assert.include(text.of("Failed").message, "notes.txt: not a RISC-V 64 ELF executable")
      const unknown = yield* runIt(packaged("no_such_program"))
      assert.include(unknown.of("Failed").message, "no_such_program")
    }).pipe(Effect.provide(interpreter)))
})
