#!/usr/bin/env node
/**
 * The `zxsim` executable: runs the command on Node with the embedded default CPU (the JIT; `run
 * --cpu interpreter` picks the reference interpreter) and exits with the status the command
 * answers (a guest's return code for `run`).
 *
 * @since 0.1.0
 */
import { NodeContext, NodeRuntime, NodeStream } from "@effect/platform-node"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as Zircon from "@zxsim/riscv/Zircon"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import * as Cli from "./Cli.js"

const write = (stream: NodeJS.WriteStream) => (bytes: Uint8Array) =>
  Effect.async<void>((resume) => {
    stream.write(bytes, () => resume(Effect.void))
  })

const environment: Cli.Environment = {
  console: {
    stdout: write(process.stdout),
    stderr: write(process.stderr),
    // A read error ends the guest's input as end of file would.
    stdin: NodeStream.fromReadable<unknown, Uint8Array>(() => process.stdin, (error) => error).pipe(
      Stream.catchAll(() => Stream.empty)
    ),
    terminals: {
      stdin: process.stdin.isTTY === true,
      stdout: process.stdout.isTTY === true,
      stderr: process.stderr.isTTY === true
    }
  },
  cpus: [["jit", Zircon.defaultCpu], ["interpreter", RiscvInterpreter.layer]],
  // Colour only on a terminal, and never with NO_COLOR set to anything (https://no-color.org).
  color: process.stdout.isTTY === true && process.stderr.isTTY === true && (process.env.NO_COLOR ?? "") === ""
}

Cli.main(environment)(process.argv).pipe(
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({
    disableErrorReporting: false,
    teardown: (exit, onExit) => onExit(Exit.isSuccess(exit) && typeof exit.value === "number" ? exit.value : 1)
  })
)
