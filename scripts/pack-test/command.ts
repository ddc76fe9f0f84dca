// Guests as commands: @effect/platform's Command API running the packaged RISC-V programs.
// Prints: "{\"hello\":\"hello\\na\\nb\\n\",\"lines\":[\"one\",\"two\"],\"exitCode\":42,\"dynamic\":\"hello_dynamic\\nd\\n\"}\n"
import { NodeContext } from "@effect/platform-node"
import * as Command from "@effect/platform/Command"
import * as Guests from "@zxsim/guest/Guests"
import * as GuestCommandExecutor from "@zxsim/process-builder/GuestCommandExecutor"
import * as Zircon from "@zxsim/riscv/Zircon"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

// Command names are the packaged guests; dynamically linked ones get ld.so.1 from the same place.
const GuestCommands = GuestCommandExecutor.layer({
  programs: [GuestCommandExecutor.directory(Guests.binDirectory)],
  loader: { _tag: "Directory", directory: Guests.binDirectory }
}).pipe(Layer.provide(Zircon.layer), Layer.provide(NodeContext.layer))

const program = Effect.gen(function*() {
  const hello = yield* Command.string(Command.make("hello", "a", "b"))
  const lines = yield* Command.lines(Command.make("cat").pipe(Command.feed("one\ntwo\n")))
  const exitCode = yield* Command.exitCode(Command.make("exit_code", "42"))
  const dynamic = yield* Command.string(Command.make("hello_dynamic", "d"))
  return { hello, lines, exitCode, dynamic }
})

program.pipe(Effect.provide(GuestCommands), Effect.runPromise).then((result) => console.log(JSON.stringify(result)))
