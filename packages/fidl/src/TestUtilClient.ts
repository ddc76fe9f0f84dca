/**
 * The test side of `test.processbuilder/Util`: connect through a process's outgoing directory
 * (the client end of the channel whose server end went to it as its DirectoryRequest handle),
 * then ask the program what it received: arguments, environment, namespace, a file, the koid of
 * its lifecycle handle.
 *
 * @since 0.1.0
 */
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as StatusNames from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { FidlError, TransportError } from "./FidlError.js"
import * as FuchsiaIo from "./FuchsiaIo.js"
import type * as Protocol from "./Protocol.js"
import * as TestUtil from "./TestUtil.js"
import * as Transport from "./Transport.js"

/**
 * The program closed the connection before answering `method`: it exited or crashed, or its
 * reply could not be sent (a reply over 64 KiB, say), which ends its connection. `epitaph` is the
 * status it closed with, when it sent one.
 *
 * @since 0.1.0
 * @category errors
 */
export class UtilConnectionClosed extends Schema.TaggedError<UtilConnectionClosed>("@zxsim/fidl/UtilConnectionClosed")(
  "UtilConnectionClosed",
  { method: Schema.String, epitaph: Schema.optional(Schema.Number) }
) {
  /**
   * The epitaph when there was one, else PEER_CLOSED.
   *
   * @since 0.1.0
   */
  get asZxStatus(): number {
    return this.epitaph ?? StatusNames.Status.PEER_CLOSED
  }

  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${TestUtil.Util.qualifiedName}.${this.method}: the connection closed before the reply` +
      (this.epitaph === undefined ? "" : ` (epitaph ${StatusNames.toString(this.epitaph)})`)
  }
}

/**
 * Any other failure of a call: the request could not be sent, or the reply was malformed or not the one asked for.
 *
 * @since 0.1.0
 * @category errors
 */
export class UtilCallFailed extends Schema.TaggedError<UtilCallFailed>("@zxsim/fidl/UtilCallFailed")("UtilCallFailed", {
  method: Schema.String,
  cause: FidlError
}) {
  /**
   * The status of the underlying FIDL failure.
   *
   * @since 0.1.0
   */
  get asZxStatus(): number {
    return this.cause.status
  }

  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${TestUtil.Util.qualifiedName}.${this.method}: ${this.cause.message}`
  }
}

/**
 * A failed call of the Util client.
 *
 * @since 0.1.0
 * @category models
 */
export type UtilError = UtilConnectionClosed | UtilCallFailed

/**
 * The schema of {@link UtilError}.
 *
 * @since 0.1.0
 * @category utils
 */
export const UtilError = Schema.Union(UtilConnectionClosed, UtilCallFailed)

const toUtilError = (method: string) => (error: FidlError): UtilError =>
  error._tag === "PeerClosed"
    ? new UtilConnectionClosed({ method, ...(error.epitaph === undefined ? {} : { epitaph: error.epitaph }) })
    : new UtilCallFailed({ method, cause: error })

/**
 * One environment entry as the program splits it.
 *
 * @since 0.1.0
 * @category models
 */
export interface EnvVar {
  readonly key: string
  readonly value: string
}

/**
 * A connected `Util` client. Calls are serialized (one at a time on the channel), need nothing
 * from the context, and fail with a {@link UtilError}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Util {
  /** The client end of the connection, owned by the scope `connect` ran in. */
  readonly channel: Handle.Channel
  /** `GetArguments`: every argument, in order. */
  readonly getArguments: Effect.Effect<ReadonlyArray<string>, UtilError>
  /** `GetArgumentCount`. */
  readonly getArgumentCount: Effect.Effect<bigint, UtilError>
  /** `GetEnvironment`: each environment entry split at its first `=` after the first byte. */
  readonly getEnvironment: Effect.Effect<ReadonlyArray<EnvVar>, UtilError>
  /** `GetEnvironmentCount`. */
  readonly getEnvironmentCount: Effect.Effect<bigint, UtilError>
  /** `DumpNamespace`: every path of the program's namespace, joined with `", "`. */
  readonly dumpNamespace: Effect.Effect<string, UtilError>
  /** `ReadFile(path)`: the file's contents, or the program's `read_to_string failed: …` text. */
  readonly readFile: (path: string) => Effect.Effect<string, UtilError>
  /** `GetLifecycleKoid`: the koid of the program's Lifecycle handle, 0 when it had none. */
  readonly getLifecycleKoid: Effect.Effect<bigint, UtilError>
  /** Closes the client end: the program's connection ends (and with the last one, the program). */
  readonly close: Effect.Effect<void>
}

/**
 * The flags the connection is opened with: readable and writable, as a protocol connection is.
 *
 * @since 0.1.0
 * @category constants
 */
export const OPEN_FLAGS = FuchsiaIo.OpenFlags.RIGHT_READABLE | FuchsiaIo.OpenFlags.RIGHT_WRITABLE

/**
 * Connects to `test.processbuilder.Util` in the outgoing directory at `directoryClient`: sends
 * `Open` (flags RIGHT_READABLE | RIGHT_WRITABLE, mode 0, path {@link TestUtil.DISCOVERABLE_NAME})
 * with a fresh channel's server end, and returns a client on the other end at once (requests
 * queue until the program serves them). The directory channel stays the caller's.
 *
 * @since 0.1.0
 * @category utils
 */
export const connect = (directoryClient: Handle.Channel): Effect.Effect<Util, UtilError, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const [client, server] = yield* Effect.mapError(
      kernel.channel.create(),
      (e) =>
        new UtilCallFailed({
          method: "Open",
          cause: new TransportError({ operation: "channel.create", status: e.status })
        })
    )
    yield* Effect.mapError(
      Transport.send(directoryClient, FuchsiaIo.Directory.methods.Open, {
        flags: OPEN_FLAGS,
        mode: 0,
        path: TestUtil.DISCOVERABLE_NAME,
        object: server
      }),
      toUtilError("Open")
    )
    const lock = yield* Effect.makeSemaphore(1)
    const methods = TestUtil.Util.methods
    const call = <Req, Res>(method: Protocol.Method<Req, Res>, request: Req): Effect.Effect<Res, UtilError> =>
      Transport.call(client, method, request).pipe(
        Effect.mapError(toUtilError(method.name)),
        Effect.scoped,
        Effect.provideService(Kernel.Kernel, kernel),
        lock.withPermits(1),
        Effect.withSpan(`TestUtilClient.${method.name}`, { captureStackTrace: false })
      )
    return {
      channel: client,
      getArguments: Effect.map(call(methods.GetArguments, undefined), (r) => r.args),
      getArgumentCount: Effect.map(call(methods.GetArgumentCount, undefined), (r) => r.count),
      getEnvironment: Effect.map(call(methods.GetEnvironment, undefined), (r) => r.vars),
      getEnvironmentCount: Effect.map(call(methods.GetEnvironmentCount, undefined), (r) => r.count),
      dumpNamespace: Effect.map(call(methods.DumpNamespace, undefined), (r) => r.contents),
      readFile: (path) => Effect.map(call(methods.ReadFile, { path }), (r) => r.contents),
      getLifecycleKoid: Effect.map(call(methods.GetLifecycleKoid, undefined), (r) => r.koid),
      close: Effect.ignore(kernel.handle.close(client))
    }
  })
