/**
 * FIDL over kernel channels: sending and receiving transactional messages, two-way calls that
 * wait for the reply with their transaction id, epitaphs, and decoding of received messages that
 * closes every handle a rejected message carried (a malformed message must not leak what it
 * brought). Received handles belong to the reader's `Scope`, as `kernel.channel.read` hands them.
 *
 * @since 0.1.0
 */
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import type { ZxError } from "@zxsim/kernel/ZxError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Random from "effect/Random"
import type * as Scope from "effect/Scope"
import { type DecodeError, type EncodeError, PeerClosed, TransportError, UnexpectedOrdinal } from "./FidlError.js"
import type { FidlError } from "./FidlError.js"
import * as Message from "./Message.js"
import type * as Protocol from "./Protocol.js"
import type * as Wire from "./Wire.js"

/**
 * A message as read from a channel: bytes, and handles now owned by the reader's scope.
 *
 * @since 0.1.0
 * @category models
 */
export type Received = Kernel.ChannelMessage

const transportError = (operation: string) => (error: ZxError): PeerClosed | TransportError =>
  error.status === Status.PEER_CLOSED ? new PeerClosed({}) : new TransportError({ operation, status: error.status })

/**
 * Closes handles, ignoring any that are already gone.
 *
 * @since 0.1.0
 * @category utils
 */
export const closeHandles = (handles: ReadonlyArray<Handle.Handle>): Effect.Effect<void, never, Kernel.Kernel> =>
  handles.length === 0
    ? Effect.void
    : Effect.flatMap(
      Kernel.Kernel,
      (kernel) => Effect.forEach(handles, (h) => Effect.ignore(kernel.handle.close(h)), { discard: true })
    )

/**
 * The object type and rights of each handle, as the decoder checks them.
 *
 * @since 0.1.0
 * @category utils
 */
export const handleInfos = (
  handles: ReadonlyArray<Handle.Handle>
): Effect.Effect<ReadonlyArray<Wire.HandleInfo>, TransportError, Kernel.Kernel> =>
  handles.length === 0
    ? Effect.succeed([])
    : Effect.flatMap(Kernel.Kernel, (kernel) =>
      Effect.forEach(handles, (handle) =>
        Effect.map(
          kernel.handle.info(handle),
          (info): Wire.HandleInfo => ({ handle, type: info.type, rights: info.rights })
        )).pipe(
          Effect.mapError((e) => new TransportError({ operation: "handle.info", status: e.status }))
        ))

/**
 * Writes encoded bytes and handles to the channel (the handles move into the message).
 *
 * @since 0.1.0
 * @category utils
 */
export const write = (
  channel: Handle.Channel,
  message: Wire.Encoded
): Effect.Effect<void, PeerClosed | TransportError, Kernel.Kernel> =>
  Effect.flatMap(
    Kernel.Kernel,
    (kernel) =>
      Effect.mapError(kernel.channel.write(channel, message.bytes, message.handles), transportError("channel.write"))
  )

/**
 * Reads the next message, waiting for one (READABLE or PEER_CLOSED) when none is queued. Fails
 * with `PeerClosed` once the queue is empty and the peer is gone.
 *
 * @since 0.1.0
 * @category utils
 */
export const receive = (
  channel: Handle.Channel
): Effect.Effect<Received, PeerClosed | TransportError, Kernel.Kernel | Scope.Scope> =>
  Effect.flatMap(Kernel.Kernel, (kernel) => {
    const attempt: Effect.Effect<Received, PeerClosed | TransportError, Scope.Scope> = kernel.channel.read(channel)
      .pipe(
        Effect.catchIf(
          (e) => e.status === Status.SHOULD_WAIT,
          () =>
            kernel.object.waitOne(channel, Signals.CHANNEL_READABLE | Signals.CHANNEL_PEER_CLOSED).pipe(
              Effect.mapError(transportError("object.waitOne")),
              Effect.zipRight(Effect.suspend(() => attempt))
            )
        ),
        Effect.mapError((e) => (e._tag === "ZxError" ? transportError("channel.read")(e) : e))
      )
    return attempt
  })

/**
 * Reads the header of a received message; on rejection closes every handle it carried.
 *
 * @since 0.1.0
 * @category utils
 */
export const decodeHeader = (message: Received): Effect.Effect<Message.Header, DecodeError, Kernel.Kernel> => {
  const header = Message.decodeHeader(message.bytes)
  return Either.isRight(header)
    ? Effect.succeed(header.right)
    : Effect.zipRight(closeHandles(message.handles), Effect.fail(header.left))
}

/**
 * Decodes the body of a received message as `type`. On rejection every handle the message carried
 * is closed before the error returns; on success, handles of unknown members are closed and the
 * rest are in the value.
 *
 * @since 0.1.0
 * @category utils
 */
export const decodeBody = <A>(
  type: Wire.Type<A>,
  message: Received
): Effect.Effect<A, DecodeError | TransportError, Kernel.Kernel> =>
  Effect.flatMap(
    Effect.tapError(handleInfos(message.handles), () => closeHandles(message.handles)),
    (infos) => {
      const decoded = Message.decodeBody(type, message.bytes, infos)
      if (Either.isLeft(decoded)) return Effect.zipRight(closeHandles(message.handles), Effect.fail(decoded.left))
      const { unknownHandles, value } = decoded.right
      return unknownHandles.length === 0 ? Effect.succeed(value) : Effect.as(closeHandles(unknownHandles), value)
    }
  )

/**
 * Decodes a whole received message (header and body), closing its handles if it is rejected.
 *
 * @since 0.1.0
 * @category utils
 */
export const decode = <A>(
  type: Wire.Type<A>,
  message: Received
): Effect.Effect<{ readonly header: Message.Header; readonly value: A }, DecodeError | TransportError, Kernel.Kernel> =>
  Effect.flatMap(
    decodeHeader(message),
    (header) => Effect.map(decodeBody(type, message), (value) => ({ header, value }))
  )

const dynamicFlags = (
  method: Protocol.Method<unknown, unknown>
): number => (method.strict ? 0 : Message.DYNAMIC_FLAG_FLEXIBLE)

/**
 * Sends a one-way request (txid 0).
 *
 * @since 0.1.0
 * @category utils
 */
export const send = <Req, Res>(
  channel: Handle.Channel,
  method: Protocol.Method<Req, Res>,
  request: Req
): Effect.Effect<void, EncodeError | PeerClosed | TransportError, Kernel.Kernel> =>
  Effect.flatMap(
    Message.encode(method.request, { txid: 0, ordinal: method.ordinal, dynamicFlags: dynamicFlags(method) }, request),
    (m) => write(channel, m)
  )

/**
 * Sends the reply to request `txid` of a two-way method.
 *
 * @since 0.1.0
 * @category utils
 */
export const reply = <Req, Res>(
  channel: Handle.Channel,
  method: Protocol.Method<Req, Res>,
  txid: number,
  response: Res
): Effect.Effect<void, EncodeError | PeerClosed | TransportError, Kernel.Kernel> => {
  if (method.response === undefined) return Effect.dieMessage(`${method.protocol}.${method.name} is one-way: no reply`)
  return Effect.flatMap(
    Message.encode(method.response, { txid, ordinal: method.ordinal, dynamicFlags: dynamicFlags(method) }, response),
    (m) => write(channel, m)
  )
}

/**
 * A fresh transaction id: non-zero, top bit clear (ids with it set are the kernel's).
 *
 * @since 0.1.0
 * @category utils
 */
export const nextTxid: Effect.Effect<number> = Random.nextIntBetween(1, 0x8000_0000)

/**
 * Why a channel whose peer is gone closed: its queued messages are read without waiting (their
 * handles closed) until an epitaph turns up, which `PeerClosed` then carries.
 */
const queuedEpitaph = (channel: Handle.Channel): Effect.Effect<PeerClosed, never, Kernel.Kernel> =>
  Effect.flatMap(Kernel.Kernel, (kernel) => {
    const next: Effect.Effect<PeerClosed, never, Kernel.Kernel> = Effect.scoped(Effect.gen(function*() {
      const message = yield* kernel.channel.read(channel)
      const header = Message.decodeHeader(message.bytes)
      if (Either.isRight(header) && header.right.txid === 0 && header.right.ordinal === Message.EPITAPH_ORDINAL) {
        const epitaph = Message.decodeBody(Message.EpitaphBody, message.bytes)
        yield* closeHandles(message.handles)
        return Either.isRight(epitaph) ? new PeerClosed({ epitaph: epitaph.right.value.error }) : new PeerClosed({})
      }
      yield* closeHandles(message.handles)
      return yield* next
    })).pipe(Effect.catchTag("ZxError", () => Effect.succeed(new PeerClosed({}))))
    return next
  })

/**
 * Calls a two-way method: writes the request with a fresh txid, then reads messages until the
 * reply with that txid arrives, and decodes it. Messages with other txids (late replies to calls
 * abandoned earlier) are dropped with their handles. An epitaph or a closed peer fails with
 * `PeerClosed`, also when the peer is gone before the request is written (the epitaph it left is
 * still reported); a reply with another ordinal fails with `UnexpectedOrdinal`. It waits without
 * a deadline: callers bound it with `Effect.timeout…`, which interrupts the wait cleanly. Calls
 * on one channel must not overlap: each drops replies that are not its own.
 *
 * @since 0.1.0
 * @category utils
 */
export const call = <Req, Res>(
  channel: Handle.Channel,
  method: Protocol.Method<Req, Res>,
  request: Req
): Effect.Effect<Res, FidlError, Kernel.Kernel | Scope.Scope> => {
  const response = method.response
  if (response === undefined) return Effect.dieMessage(`${method.protocol}.${method.name} is one-way: use send`)
  return Effect.gen(function*() {
    const txid = yield* nextTxid
    const encoded = yield* Message.encode(method.request, {
      txid,
      ordinal: method.ordinal,
      dynamicFlags: dynamicFlags(method)
    }, request)
    yield* Effect.catchTag(
      write(channel, encoded),
      "PeerClosed",
      () => Effect.flatMap(queuedEpitaph(channel), (epitaph) => Effect.fail(epitaph))
    )
    while (true) {
      const message = yield* receive(channel)
      const header = yield* decodeHeader(message)
      if (header.txid === 0 && header.ordinal === Message.EPITAPH_ORDINAL) {
        const epitaph = yield* decodeBody(Message.EpitaphBody, message)
        return yield* new PeerClosed({ epitaph: epitaph.error })
      }
      if (header.txid !== txid) {
        yield* closeHandles(message.handles)
        continue
      }
      if (header.ordinal !== method.ordinal) {
        yield* closeHandles(message.handles)
        return yield* new UnexpectedOrdinal({
          protocol: method.protocol,
          ordinal: header.ordinal,
          expected: method.ordinal
        })
      }
      return yield* decodeBody(response, message)
    }
  })
}

/**
 * Sends an epitaph with `status` and closes the channel, as a server does when it gives up.
 *
 * @since 0.1.0
 * @category utils
 */
export const closeWithEpitaph = (channel: Handle.Channel, status: number): Effect.Effect<void, never, Kernel.Kernel> =>
  Effect.flatMap(Kernel.Kernel, (kernel) =>
    Effect.zipRight(
      Effect.ignore(kernel.channel.write(channel, Message.encodeEpitaph(status))),
      Effect.ignore(kernel.handle.close(channel))
    ))
