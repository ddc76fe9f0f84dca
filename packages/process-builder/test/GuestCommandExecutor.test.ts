/**
 * The platform's `Command` API running guests through `GuestCommandExecutor.layer`: output as a
 * string and as lines, exit codes, stdin from a stream, environment, working directory, `start`
 * with its streams, pipes, a dynamically linked program through the loader, typed failures, and
 * every kernel object released afterwards.
 */
import { NodeContext } from "@effect/platform-node"
import * as Command from "@effect/platform/Command"
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import { assert, describe, it } from "@effect/vitest"
import * as Guests from "@zxsim/guest/Guests"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as GuestCommandExecutor from "../src/GuestCommandExecutor.js"

const kernel = Kernel.layer.pipe(Layer.provide(RiscvInterpreter.layer))

const executor = (options: Partial<GuestCommandExecutor.Options> = {}) =>
  GuestCommandExecutor.layer({
    programs: [GuestCommandExecutor.hostPaths, GuestCommandExecutor.directory(Guests.binDirectory)],
    ...options
  }).pipe(Layer.provideMerge(kernel), Layer.provideMerge(NodeContext.layer))

/** Runs `body` with the executor and checks the kernel holds no more than before. */
const withExecutor = <A, E>(
  body: Effect.Effect<A, E, Kernel.Kernel | CommandExecutor.CommandExecutor>,
  options: Partial<GuestCommandExecutor.Options> = {}
) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const before = yield* k.stats
    const result = yield* body
    const after = yield* k.stats
    assert.deepStrictEqual(after, before, "kernel objects and handles are back to where they were")
    return result
  }).pipe(Effect.provide(executor(options)))

describe("GuestCommandExecutor", () => {
  it.effect("Command.string and Command.lines read all of a guest's output", () =>
    withExecutor(Effect.gen(function*() {
      assert.strictEqual(yield* Command.string(Command.make("hello", "a", "b")), "hello\na\nb\n")
      assert.deepStrictEqual(yield* Command.lines(Command.make("hello", "x y", "z")), ["hello", "x y", "z"])
    })))

  it.effect("Command.exitCode is the guest's return code", () =>
    withExecutor(Effect.gen(function*() {
      assert.strictEqual(yield* Command.exitCode(Command.make("exit_code", "42")), 42)
      assert.strictEqual(yield* Command.exitCode(Command.make("hello")), 0)
    })))

  it.effect("a kill by the kernel is Zircon's negative return code", () =>
    withExecutor(Effect.gen(function*() {
      assert.strictEqual(yield* Command.exitCode(Command.make("illegal_instruction")), Guests.EXCEPTION_KILL)
    })))

  it.effect("Command.stdin feeds the guest, Command.feed too, and a pipe joins two guests", () =>
    withExecutor(Effect.gen(function*() {
      const input = Stream.make("one\n", "two\n").pipe(Stream.encodeText)
      assert.strictEqual(yield* Command.string(Command.make("cat").pipe(Command.stdin(input))), "one\ntwo\n")
      assert.strictEqual(yield* Command.string(Command.make("cat").pipe(Command.feed("fed\n"))), "fed\n")
      const piped = Command.make("hello", "p").pipe(Command.pipeTo(Command.make("cat")))
      assert.strictEqual(yield* Command.string(piped), "hello\np\n")
    })))

  it.effect("Command.env adds to the base environment, which extendEnv(false) drops", () =>
    withExecutor(
      Effect.gen(function*() {
        const withBase = yield* Command.lines(Command.make("hello").pipe(Command.env({ B: "2" })))
        assert.deepStrictEqual(withBase, ["hello", "A=1", "B=2"])
        const alone = yield* Command.lines(Command.make("hello").pipe(Command.env({ B: "2" }, { extendEnv: false })))
        assert.deepStrictEqual(alone, ["hello", "B=2"])
      }),
      { environment: { A: "1" } }
    ))

  it.effect("Command.workingDirectory resolves relative program paths and must exist", () =>
    withExecutor(Effect.gen(function*() {
      const output = yield* Command.string(
        Command.make("./hello", "w").pipe(Command.workingDirectory(Guests.binDirectory))
      )
      assert.strictEqual(output, "./hello\nw\n")
      const missing = yield* Effect.flip(
        Command.string(Command.make("hello").pipe(Command.workingDirectory("/nonexistent/zxsim")))
      )
      assert.strictEqual(missing._tag, "SystemError")
      assert.include(missing.message, "/nonexistent/zxsim")
    })))

  it.effect("Command.start gives a process with output streams, an exit code and a pid", () =>
    withExecutor(Effect.scoped(Effect.gen(function*() {
      const process = yield* Command.start(Command.make("hello", "s"))
      const out = yield* Stream.runCollect(Stream.decodeText(process.stdout))
      assert.strictEqual(Chunk.join(out, ""), "hello\ns\n")
      assert.strictEqual(yield* process.exitCode, 0)
      assert.isFalse(yield* process.isRunning)
      assert.isAbove(process.pid, 0)
    }))))

  it.effect("kill ends a guest that would run forever", () =>
    withExecutor(Effect.scoped(Effect.gen(function*() {
      const process = yield* Command.start(Command.make("endless_loop"))
      assert.isTrue(yield* process.isRunning)
      yield* process.kill()
      assert.strictEqual(yield* process.exitCode, Guests.SYSCALL_KILL)
    }))))

  it.effect("a dynamically linked program runs through the loader, and fails without one", () =>
    Effect.gen(function*() {
      const output = yield* withExecutor(Command.string(Command.make("hello_dynamic", "d")), {
        loader: { _tag: "Directory", directory: Guests.binDirectory }
      })
      assert.include(output, "d\n")
      const error = yield* Effect.flip(withExecutor(Command.string(Command.make("hello_dynamic"))))
      assert.include(error.message, "LoaderMissing")
    }))

  it.effect("unknown programs and non-ELF files are typed failures naming them", () =>
    withExecutor(Effect.gen(function*() {
      const unknown = yield* Effect.flip(Command.string(Command.make("no_such_guest")))
      assert.strictEqual(unknown._tag, "SystemError")
      assert.include(unknown.message, "no_such_guest: no such program")
      const notElf = yield* Effect.flip(Command.string(Command.make("manifest.json")))
      assert.include(notElf.message, "manifest.json")
    })))

  it.effect("programs from a map of images", () =>
    Effect.gen(function*() {
      const fs = yield* Effect.promise(() => import("node:fs"))
      const image = new Uint8Array(fs.readFileSync(Guests.path("hello")))
      const output = yield* withExecutor(Command.string(Command.make("greeter", "m")), {
        programs: [GuestCommandExecutor.programMap({ greeter: image })]
      })
      assert.strictEqual(output, "greeter\nm\n")
    }))
})
