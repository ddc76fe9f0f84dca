/**
 * A TypeScript stand-in for the test util program's server side, answering from given values:
 * an outgoing directory that routes `Open("test.processbuilder.Util")` to a Util connection,
 * and the Util methods as fuchsia-spec.md §9.2 describes them (environment split rule, lifecycle
 * koid seen by the first connection only, namespace dump and file reads through fuchsia.io, a
 * failed reply ending its connection). It serves until the directory channel and every
 * connection are closed, like the program, and reports the replies it could not send.
 */
import type * as FidlError from "@zxsim/fidl/FidlError"
import * as FuchsiaIo from "@zxsim/fidl/FuchsiaIo"
import * as IoClient from "@zxsim/fidl/IoClient"
import type * as Protocol from "@zxsim/fidl/Protocol"
import * as TestUtil from "@zxsim/fidl/TestUtil"
import * as Transport from "@zxsim/fidl/Transport"
import type * as Wire from "@zxsim/fidl/Wire"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Status } from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import * as Scope from "effect/Scope"

export interface FakeUtilOptions {
  readonly args?: ReadonlyArray<string>
  /** Raw `KEY=value` strings, split the way the program splits them. */
  readonly environ?: ReadonlyArray<string>
  readonly namespace?: ReadonlyArray<IoClient.NamespaceEntry>
  /** The koid of the Lifecycle startup handle, when the program got one. */
  readonly lifecycleKoid?: bigint
}

export interface FakeUtilReport {
  /** Util connections served. */
  readonly connections: number
  /** Replies that could not be sent (each ended its connection). */
  readonly replyFailures: ReadonlyArray<{ readonly method: string; readonly error: FidlError.FidlError }>
}

/** Splits environment strings at the first `=` after the first byte; entries without one are skipped. */
export const splitEnviron = (environ: ReadonlyArray<string>): ReadonlyArray<Wire.TypeOf<typeof TestUtil.EnvVar>> =>
  environ.flatMap((entry) => {
    const at = entry.indexOf("=", 1)
    return entry.length === 0 || at < 0 ? [] : [{ key: entry.slice(0, at), value: entry.slice(at + 1) }]
  })

const decoder = new TextDecoder()

/** Serves the outgoing directory on `directory` until it and every Util connection are closed. */
export const serveOutgoing = (
  directory: Handle.Channel,
  options: FakeUtilOptions
): Effect.Effect<FakeUtilReport, never, Kernel.Kernel> =>
  Effect.scoped(Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const connections = yield* FiberSet.make<void, never>()
    const args = options.args ?? []
    const vars = splitEnviron(options.environ ?? [])
    const namespace = options.namespace ?? []
    let lifecycle = options.lifecycleKoid
    let served = 0
    const replyFailures: Array<{ method: string; error: FidlError.FidlError }> = []
    const util = TestUtil.Util.methods

    const readFile = (path: string): Effect.Effect<string, never, Kernel.Kernel> => {
      const entry = namespace.find((e) => path.startsWith(`${e.path}/`))
      if (entry === undefined) return Effect.succeed(`read_to_string failed: ${path}: not found in the namespace`)
      return IoClient.readFile(entry.directory, path.slice(entry.path.length + 1)).pipe(
        Effect.map((bytes) => decoder.decode(bytes)),
        Effect.catchAll((e) => Effect.succeed(`read_to_string failed: ${e.message}`))
      )
    }

    /** One request on a Util connection; "stop" ends the connection. */
    const answer = (
      ch: Handle.Channel,
      koid: bigint
    ): Effect.Effect<"continue" | "stop", never, Kernel.Kernel | Scope.Scope> =>
      Effect.gen(function*() {
        const message = yield* Transport.receive(ch)
        const header = yield* Transport.decodeHeader(message)
        const method = TestUtil.Util.byOrdinal.get(header.ordinal)
        if (method === undefined) {
          yield* Transport.closeHandles(message.handles)
          yield* Transport.closeWithEpitaph(ch, Status.NOT_SUPPORTED)
          return "stop" as const
        }
        const txid = header.txid
        // Methods without parameters: the request must be the header alone.
        if (method.ordinal !== util.ReadFile.ordinal) yield* Transport.decodeBody(method.request, message)
        const reply = <Req, Res>(
          m: Protocol.Method<Req, Res>,
          response: Res
        ): Effect.Effect<"continue" | "stop", never, Kernel.Kernel> =>
          Effect.match(Transport.reply(ch, m, txid, response), {
            onFailure: (error) => {
              replyFailures.push({ method: m.name, error })
              return "stop" as const
            },
            onSuccess: () => "continue" as const
          })
        switch (method.ordinal) {
          case util.GetArguments.ordinal:
            return yield* reply(util.GetArguments, { args })
          case util.GetArgumentCount.ordinal:
            return yield* reply(util.GetArgumentCount, { count: BigInt(args.length) })
          case util.GetEnvironment.ordinal:
            return yield* reply(util.GetEnvironment, { vars })
          case util.GetEnvironmentCount.ordinal:
            return yield* reply(util.GetEnvironmentCount, { count: BigInt(vars.length) })
          case util.DumpNamespace.ordinal: {
            const contents = yield* Effect.catchAll(
              IoClient.dumpNamespace(namespace),
              (e) => Effect.succeed(`dump failed: ${e.message}`)
            )
            return yield* reply(util.DumpNamespace, { contents })
          }
          case util.ReadFile.ordinal: {
            const { path } = yield* Transport.decodeBody(util.ReadFile.request, message)
            return yield* reply(util.ReadFile, { contents: yield* readFile(path) })
          }
          case util.GetLifecycleKoid.ordinal:
            return yield* reply(util.GetLifecycleKoid, { koid })
        }
        return "stop" as const
      }).pipe(Effect.catchAll(() => Effect.succeed("stop" as const)))

    const utilConnection = (ch: Handle.Channel): Effect.Effect<void> => {
      // Like the program: each connection tries to take the Lifecycle handle; only the first gets it.
      const koid = lifecycle ?? 0n
      lifecycle = undefined
      served++
      const loop: Effect.Effect<void, never, Kernel.Kernel> = Effect.flatMap(
        Effect.scoped(answer(ch, koid)),
        (step) => (step === "continue" ? loop : Effect.void)
      )
      return Effect.ensuring(Effect.provideService(loop, Kernel.Kernel, kernel), Effect.ignore(kernel.handle.close(ch)))
    }

    const route = Effect.gen(function*() {
      const message = yield* Transport.receive(directory)
      const header = yield* Transport.decodeHeader(message)
      if (header.ordinal !== FuchsiaIo.Directory.methods.Open.ordinal) {
        yield* Transport.closeHandles(message.handles)
        yield* Transport.closeWithEpitaph(directory, Status.NOT_SUPPORTED)
        return "stop" as const
      }
      const request = yield* Transport.decodeBody(FuchsiaIo.Directory.methods.Open.request, message)
      if (request.path !== TestUtil.DISCOVERABLE_NAME) {
        yield* Transport.closeWithEpitaph(request.object, Status.NOT_FOUND)
        return "continue" as const
      }
      const scope = yield* Scope.make()
      const moved = yield* Effect.orDie(Scope.extend(kernel.handle.move(request.object), scope))
      yield* FiberSet.run(connections, Effect.ensuring(utilConnection(moved), Scope.close(scope, Exit.void)))
      return "continue" as const
    }).pipe(Effect.scoped, Effect.catchAll(() => Effect.succeed("stop" as const)))

    const directoryLoop: Effect.Effect<void, never, Kernel.Kernel> = Effect.flatMap(
      route,
      (step) => (step === "continue" ? directoryLoop : Effect.void)
    )
    yield* FiberSet.run(
      connections,
      Effect.ensuring(
        Effect.provideService(directoryLoop, Kernel.Kernel, kernel),
        Effect.ignore(kernel.handle.close(directory))
      )
    )
    yield* FiberSet.awaitEmpty(connections)
    return { connections: served, replyFailures }
  }))
