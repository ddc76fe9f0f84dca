/**
 * The playground's Web Worker: the kernel and the CPU run here, so the page stays responsive
 * whatever the guest does (an endless loop included). It takes {@link Protocol.Command}s from the
 * page and answers with {@link Protocol.Event}s; one program runs at a time, each on a fresh
 * kernel with the CPU the page chose.
 *
 * The packaged guest programs are static files beside the page: each is fetched the first time it
 * is read, through a `FileSystem` that serves them at the paths `Guests.path` gives, so the library
 * finds them exactly as it does on Node.
 *
 * @since 0.1.0
 */
import * as Path from "@effect/platform/Path"
import * as Guests from "@zxsim/guest/Guests"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as FetchFileSystem from "./FetchFileSystem.js"
import * as Protocol from "./Protocol.js"
import * as Session from "./Session.js"

/**
 * Where the page is: the worker's own script sits one directory below it (`src/` when served,
 * `assets/` when built), and the page's directory holds the guest package's bin/ files (Vite's
 * public directory is packages/guest/bin, served as they are and copied into the build).
 */
const pageBase = new URL("../", self.location.href)

/** Every packaged program and runtime file, at its `Guests.path`, fetched from beside the page. */
const files = new Map(
  [...Guests.names, ...Guests.libraryNames].map((
    name
  ) => [`${Guests.binDirectory}${name}`, new URL(name, pageBase).href])
)

const platform = Layer.mergeAll(FetchFileSystem.layer(files), Path.layer)

const post = (event: Protocol.Event) => self.postMessage(event)

interface Running {
  readonly control: Session.Control & { readonly stdin: Queue.Queue<Option.Option<Uint8Array>> }
}

let running: Running | null = null

const start = (command: Extract<Protocol.Command, { _tag: "Run" }>) => {
  if (running !== null) {
    post({ _tag: "Failed", message: "zxsim: a program is already running" })
    return
  }
  const control = {
    stdin: Effect.runSync(Queue.unbounded<Option.Option<Uint8Array>>()),
    kill: Effect.runSync(Deferred.make<void>())
  }
  running = { control }
  const cpu = command.cpu === "jit" ? RiscvJit.layer : RiscvInterpreter.layer
  const program = Session.run(command, control, post).pipe(
    Effect.provide(Layer.merge(Kernel.layer.pipe(Layer.provide(cpu)), platform))
  )
  void Effect.runPromiseExit(program).then(() => {
    running = null
  })
}

self.onmessage = (message: MessageEvent<unknown>) => {
  const decoded = Protocol.decodeCommand(message.data)
  if (Either.isLeft(decoded)) {
    post({ _tag: "Failed", message: `zxsim: a message the worker does not understand: ${decoded.left.message}` })
    return
  }
  const command = decoded.right
  switch (command._tag) {
    case "Run":
      return start(command)
    case "Input":
      if (running !== null) Effect.runSync(Queue.offer(running.control.stdin, Option.some(command.bytes)))
      return
    case "EndOfInput":
      if (running !== null) Effect.runSync(Queue.offer(running.control.stdin, Option.none()))
      return
    case "Kill":
      if (running !== null) Effect.runSync(Deferred.succeed(running.control.kill, undefined))
      return
  }
}

post({ _tag: "Ready" })
