/**
 * The loader service (`fuchsia.ldsvc/Loader`) on both sides of a kernel channel.
 *
 * - {@link Loader}: the service that finds shared objects by name and answers with executable
 *   VMOs, with layers over a host directory, an in-memory map, and test doubles that fail or
 *   never answer.
 * - {@link serve}: a server that answers Loader requests on a channel from whichever `Loader` is
 *   provided, the way a process's loader channel is served: LoadObject under the Config prefix
 *   rules, Config, Clone (which serves the new channel too) and Done.
 * - {@link callLoadObject} / {@link loadObject} and friends: the client calls, as the process
 *   builder makes them to fetch the dynamic linker.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import * as StatusNames from "@zxsim/kernel/Status"
import { Status } from "@zxsim/kernel/Status"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import { DecodeError, type FidlError, UnexpectedOrdinal } from "./FidlError.js"
import * as Ldsvc from "./Ldsvc.js"
import * as Transport from "./Transport.js"

/**
 * A lookup the loader could not answer with a VMO: the object's name and the Zircon status.
 *
 * @since 0.1.0
 * @category errors
 */
export class LoaderError extends Schema.TaggedError<LoaderError>("@zxsim/fidl/LoaderError")("LoaderError", {
  name: Schema.String,
  status: Schema.Number,
  detail: Schema.optional(Schema.String)
}) {
  /**
   * The status a caller reports for this failure.
   *
   * @since 0.1.0
   */
  get asZxStatus(): number {
    return this.status
  }

  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `loader: ${JSON.stringify(this.name)}: ${StatusNames.toString(this.status)}${
      this.detail === undefined ? "" : ` (${this.detail})`
    }`
  }
}

/**
 * What a loader does: find a shared object by name.
 *
 * @since 0.1.0
 * @category models
 */
export interface LoaderShape {
  /**
   * An executable VMO holding the object called `name` (a file name such as `ld.so.1`, or a
   * path under the loader's root such as `asan/libc.so`). Fails with NOT_FOUND when there is none.
   */
  readonly loadObject: (name: string) => Effect.Effect<Handle.Vmo, LoaderError, Scope.Scope>
}

/**
 * The loader service's tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class Loader extends Context.Tag("@zxsim/fidl/Loader")<Loader, LoaderShape>() {}

const fromKernel = (name: string) => (e: { readonly status: number }) => new LoaderError({ name, status: e.status })

/** The last path segment of a name, which is what a loaded VMO is named after. */
const baseName = (name: string): string => name.slice(name.lastIndexOf("/") + 1)

/**
 * Loads from an in-memory map of name to bytes: each lookup makes a fresh executable VMO named
 * after the object. Names are matched exactly (a Config prefix arrives as `prefix/name`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromMap = (files: Readonly<Record<string, Uint8Array>>): Layer.Layer<Loader, never, Kernel.Kernel> =>
  Layer.effect(
    Loader,
    Effect.map(Kernel.Kernel, (kernel) => {
      const table = new Map(Object.entries(files))
      return Loader.of({
        loadObject: (name) => {
          const bytes = table.get(name)
          if (bytes === undefined) return Effect.fail(new LoaderError({ name, status: Status.NOT_FOUND }))
          return Effect.mapError(
            kernel.vmo.fromBytes(bytes, { name: baseName(name), executable: true }),
            fromKernel(name)
          )
        }
      })
    })
  )

/**
 * Whether a name stays inside the loader's root: relative, no empty, `.` or `..` segments, no NUL.
 * A directory loader refuses anything else with INVALID_ARGS rather than reading outside it.
 */
const isContainedPath = (name: string): boolean =>
  name.length > 0 && !name.includes("\0") &&
  name.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..")

/**
 * Loads files from a host directory through @effect/platform's `FileSystem`: the object `name`
 * is the file `directory/name`, answered as an executable VMO named after the file. A missing
 * file (or a directory in its place) is NOT_FOUND, an unreadable one ACCESS_DENIED, a name that
 * would leave the directory INVALID_ARGS, any other failure IO.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromDirectory = (
  directory: string
): Layer.Layer<Loader, never, Kernel.Kernel | FileSystem.FileSystem> =>
  Layer.effect(
    Loader,
    Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const fs = yield* FileSystem.FileSystem
      const root = directory.endsWith("/") && directory.length > 1 ? directory.replace(/\/+$/, "") : directory
      return Loader.of({
        loadObject: (name) => {
          if (!isContainedPath(name)) {
            return Effect.fail(
              new LoaderError({ name, status: Status.INVALID_ARGS, detail: "not a path inside the loader's directory" })
            )
          }
          return fs.readFile(`${root}/${name}`).pipe(
            Effect.mapError((error) => {
              // A directory where the file should be (or a file where a directory should be) is as
              // good as missing: it must not stop a Config lookup from falling back.
              const status = error._tag === "BadArgument"
                ? Status.INVALID_ARGS
                : error.reason === "NotFound" || error.reason === "BadResource"
                ? Status.NOT_FOUND
                : error.reason === "PermissionDenied"
                ? Status.ACCESS_DENIED
                : Status.IO
              return new LoaderError({ name, status, detail: error.message })
            }),
            Effect.flatMap((bytes) =>
              Effect.mapError(kernel.vmo.fromBytes(bytes, { name: baseName(name), executable: true }), fromKernel(name))
            )
          )
        }
      })
    })
  )

/**
 * A loader whose every lookup fails with `status`. With `Status.OK` the server answers "OK" without
 * a VMO, a reply a client must still refuse.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFailing = (status: number): Layer.Layer<Loader> =>
  Layer.succeed(Loader, Loader.of({ loadObject: (name) => Effect.fail(new LoaderError({ name, status })) }))

/**
 * A loader that never answers: its server leaves every LoadObject waiting, for timeout tests.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNever: Layer.Layer<Loader> = Layer.succeed(Loader, Loader.of({ loadObject: () => Effect.never }))

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

/** The lookup rules a connection's last Config set. */
interface LookupConfig {
  /** Subdirectory searched first (or only); empty for none. */
  readonly prefix: string
  /** Whether only the prefixed name is searched (the config ended in `!`). */
  readonly exclusive: boolean
}

const NO_CONFIG: LookupConfig = { prefix: "", exclusive: false }

/**
 * `"x"` searches `x/` first, `"x!"` only `x/`; the empty string restores plain lookups.
 *
 * @since 0.1.0
 * @category utils
 */
export const parseConfig = (config: string): LookupConfig =>
  config.endsWith("!") ? { prefix: config.slice(0, -1), exclusive: true } : { prefix: config, exclusive: false }

/** Looks `name` up under `config`: prefixed name first, then (unless exclusive) the plain name on NOT_FOUND. */
const lookup = (
  loader: LoaderShape,
  name: string,
  config: LookupConfig
): Effect.Effect<Handle.Vmo, LoaderError, Scope.Scope> => {
  if (config.prefix === "") return loader.loadObject(name)
  const prefixed = loader.loadObject(`${config.prefix}/${name}`)
  if (config.exclusive) {
    return Effect.mapError(
      prefixed,
      (e) => new LoaderError({ name, status: e.status, ...(e.detail === undefined ? {} : { detail: e.detail }) })
    )
  }
  return Effect.catchIf(prefixed, (e) => e.status === Status.NOT_FOUND, () => loader.loadObject(name))
}

type Step = "continue" | "stop"

const PROTOCOL = Ldsvc.Loader.qualifiedName
const methods = Ldsvc.Loader.methods

/** Logs why a connection is being closed; a malformed request is the client's fault, never a crash. */
const warn = (error: FidlError | LoaderError): Effect.Effect<Step> =>
  Effect.as(
    Effect.logWarning(`${PROTOCOL}: closing the connection`, error).pipe(Effect.annotateLogs("protocol", PROTOCOL)),
    "stop"
  )

/**
 * Answers Loader requests on `channel` from the `Loader` in context until the connection ends:
 * the peer closes, the client sends Done, or a request is malformed or names an unknown method
 * (then the channel is closed and a warning logged). Clone connects another channel to the same
 * loader, served alongside; `serve` returns once every connection has ended. Each connection
 * keeps its own Config. The channel handle is closed when its connection ends.
 *
 * @since 0.1.0
 * @category utils
 */
export const serve = (channel: Handle.Channel): Effect.Effect<void, never, Loader | Kernel.Kernel> =>
  Effect.scoped(Effect.gen(function*() {
    const loader = yield* Loader
    const kernel = yield* Kernel.Kernel
    const connections = yield* FiberSet.make<void, never>()

    const handle = (
      ch: Handle.Channel,
      config: { current: LookupConfig }
    ): Effect.Effect<Step, never, Scope.Scope | Kernel.Kernel> =>
      Effect.gen(function*() {
        const message = yield* Transport.receive(ch)
        const header = yield* Transport.decodeHeader(message)
        const method = Ldsvc.Loader.byOrdinal.get(header.ordinal)
        if (method === undefined) {
          yield* Transport.closeHandles(message.handles)
          return yield* warn(new UnexpectedOrdinal({ protocol: PROTOCOL, ordinal: header.ordinal }))
        }
        if ((header.txid === 0) !== (method.response === undefined)) {
          yield* Transport.closeHandles(message.handles)
          return yield* warn(
            new DecodeError({
              reason: "InvalidHeader",
              offset: 0,
              detail: `${method.name} request with txid ${header.txid}`
            })
          )
        }
        const txid = header.txid
        switch (method.ordinal) {
          case methods.Done.ordinal: {
            yield* Transport.decodeBody(methods.Done.request, message)
            return "stop"
          }
          case methods.Config.ordinal: {
            const request = yield* Transport.decodeBody(methods.Config.request, message)
            config.current = parseConfig(request.config)
            yield* Transport.reply(ch, methods.Config, txid, { rv: Status.OK })
            return "continue"
          }
          case methods.Clone.ordinal: {
            const request = yield* Transport.decodeBody(methods.Clone.request, message)
            // The new end lives as long as its own connection, not this request's scope.
            const scope = yield* Scope.make()
            const moved = yield* Effect.orDie(Scope.extend(kernel.handle.move(request.loader), scope))
            yield* FiberSet.run(connections, Effect.ensuring(connection(moved), Scope.close(scope, Exit.void)))
            yield* Transport.reply(ch, methods.Clone, txid, { rv: Status.OK })
            return "continue"
          }
          case methods.LoadObject.ordinal: {
            const request = yield* Transport.decodeBody(methods.LoadObject.request, message)
            // A loader may take long (or forever): stop waiting if the client goes away meanwhile.
            const peerClosed = Effect.as(
              Effect.ignore(kernel.object.waitOne(ch, Signals.CHANNEL_PEER_CLOSED)),
              Option.none()
            )
            const found = yield* Effect.raceFirst(
              Effect.map(Effect.either(lookup(loader, request.objectName, config.current)), Option.some),
              peerClosed
            )
            if (Option.isNone(found)) return "stop"
            const response = found.value._tag === "Right"
              ? { rv: Status.OK, object: Option.some(found.value.right) }
              : { rv: found.value.left.status, object: Option.none() }
            yield* Transport.reply(ch, methods.LoadObject, txid, response)
            return "continue"
          }
          default:
            return yield* Effect.dieMessage(`${PROTOCOL}: no handler for ${method.name}`)
        }
      }).pipe(
        Effect.catchTags({
          PeerClosed: () => Effect.succeed<Step>("stop"),
          DecodeError: warn,
          EncodeError: warn,
          TransportError: warn
        })
      )

    const connection = (ch: Handle.Channel): Effect.Effect<void> => {
      const config = { current: NO_CONFIG }
      const loop: Effect.Effect<void, never, Kernel.Kernel> = Effect.flatMap(
        Effect.scoped(handle(ch, config)),
        (step) => (step === "continue" ? loop : Effect.void)
      )
      return Effect.ensuring(Effect.provideService(loop, Kernel.Kernel, kernel), Effect.ignore(kernel.handle.close(ch)))
    }

    yield* FiberSet.run(connections, connection(channel))
    yield* FiberSet.awaitEmpty(connections)
  })).pipe(Effect.withSpan("Loader.serve"))

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

/**
 * A LoadObject reply as it came: the status and the VMO, if any.
 *
 * @since 0.1.0
 * @category models
 */
export interface LoadObjectResult {
  readonly rv: number
  readonly object: Option.Option<Handle.Vmo>
}

/**
 * Asks the loader on `channel` for `name` and waits for the reply with the request's txid. Fails
 * only for transport and decode problems (the reply itself may say NOT_FOUND, or OK without a
 * VMO), so a caller can tell those cases apart. The VMO belongs to the caller's scope.
 *
 * @since 0.1.0
 * @category utils
 */
export const callLoadObject = (
  channel: Handle.Channel,
  name: string
): Effect.Effect<LoadObjectResult, FidlError, Kernel.Kernel | Scope.Scope> =>
  Transport.call(channel, methods.LoadObject, { objectName: name }).pipe(
    Effect.withSpan("Loader.callLoadObject", { captureStackTrace: false, attributes: { name } })
  )

/**
 * {@link callLoadObject}, failing with a `LoaderError` when the status is not OK (any VMO that came
 * with it is closed) or when an OK reply carries no VMO (INTERNAL).
 *
 * @since 0.1.0
 * @category utils
 */
export const loadObject = (
  channel: Handle.Channel,
  name: string
): Effect.Effect<Handle.Vmo, FidlError | LoaderError, Kernel.Kernel | Scope.Scope> =>
  Effect.flatMap(callLoadObject(channel, name), (result): Effect.Effect<Handle.Vmo, LoaderError, Kernel.Kernel> => {
    if (result.rv !== Status.OK) {
      return Effect.zipRight(
        Transport.closeHandles(Option.toArray(result.object)),
        Effect.fail(new LoaderError({ name, status: result.rv }))
      )
    }
    return Option.match(result.object, {
      onNone: () => Effect.fail(new LoaderError({ name, status: Status.INTERNAL, detail: "status was OK but no VMO" })),
      onSome: Effect.succeed
    })
  })

/**
 * Sends Config(`config`) and returns the server's status.
 *
 * @since 0.1.0
 * @category utils
 */
export const config = (
  channel: Handle.Channel,
  config: string
): Effect.Effect<number, FidlError, Kernel.Kernel | Scope.Scope> =>
  Effect.map(Transport.call(channel, methods.Config, { config }), (r) => r.rv)

/**
 * Sends Clone(`serverEnd`), moving the channel end to the server, and returns its status.
 *
 * @since 0.1.0
 * @category utils
 */
export const clone = (
  channel: Handle.Channel,
  serverEnd: Handle.Channel
): Effect.Effect<number, FidlError, Kernel.Kernel | Scope.Scope> =>
  Effect.map(Transport.call(channel, methods.Clone, { loader: serverEnd }), (r) => r.rv)

/**
 * Sends Done: the server closes the connection.
 *
 * @since 0.1.0
 * @category utils
 */
export const done = (channel: Handle.Channel): Effect.Effect<void, FidlError, Kernel.Kernel> =>
  Transport.send(channel, methods.Done, undefined)
