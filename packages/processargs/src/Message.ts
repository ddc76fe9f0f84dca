/**
 * Processargs messages: the bootstrap message a new process reads from its bootstrap channel, with
 * its arguments, environment, namespace paths and startup handles (Rust: `process_args::Message`).
 *
 * Layout (all little-endian, no padding): a 36-byte header (protocol, version, handle_info_off,
 * args_off/num, environ_off/num, names_off/num), one u32 handle-info word per handle, then each
 * argument, environment string and namespace path as its bytes and a NUL. The handles themselves
 * travel out of band in the same channel write, in the order of their info words.
 *
 * Encoding and decoding are pure functions returning `Either` (usable directly in `Effect.gen`);
 * only {@link write}, {@link read} and {@link send} touch the kernel.
 *
 * @since 0.1.0
 */
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import type { ZxError } from "@zxsim/kernel/ZxError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { dual } from "effect/Function"
import type * as Scope from "effect/Scope"
import type { BadProtocol, BadVersion, DecodeError, MessageTooLarge, TruncatedHeader } from "./DecodeError.js"
import * as codec from "./internal/codec.js"
import type { MessageContents, MessageData } from "./MessageContents.js"
import type { ProcessargsError } from "./ProcessargsError.js"
import * as Limits from "./ProcessargsError.js"
import { BufferTooSmall } from "./ProcessargsError.js"

/**
 * `ZX_PROCARGS_PROTOCOL` (0x4150585d), the header's first word; on the wire `5d 58 50 41`.
 *
 * @since 0.1.0
 * @category constants
 */
export const PROTOCOL: number = codec.PROTOCOL
/**
 * `ZX_PROCARGS_VERSION` (0x1000), the header's second word.
 *
 * @since 0.1.0
 * @category constants
 */
export const VERSION: number = codec.VERSION
/**
 * The size of the header: nine u32 fields.
 *
 * @since 0.1.0
 * @category constants
 */
export const HEADER_SIZE: number = codec.HEADER_SIZE
/**
 * The most bytes a message may hold (`ZX_CHANNEL_MAX_MSG_BYTES`, 65,536).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_MESSAGE_BYTES: number = Limits.MAX_MESSAGE_BYTES
/**
 * The most handles a message may carry (`ZX_CHANNEL_MAX_MSG_HANDLES`, 64).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_MESSAGE_HANDLES: number = Limits.MAX_MESSAGE_HANDLES

/**
 * A built message: its bytes and the handles that go with it, in the order of their info words
 * (Rust: `Message`). Writing it moves the handles into the channel, so a message is written once.
 *
 * @since 0.1.0
 * @category models
 */
export interface Message {
  readonly bytes: Uint8Array
  readonly handles: ReadonlyArray<Handle.Handle>
}

/**
 * The nine header fields of a message, as read from its first 36 bytes.
 *
 * @since 0.1.0
 * @category models
 */
export type Header = codec.Header

/**
 * Anything whose encoded size can be computed: contents with handles, or message data with infos.
 *
 * @since 0.1.0
 * @category models
 */
export type Sizeable = MessageContents | MessageData

const handleCountOf = (self: Sizeable): number => ("handles" in self ? self.handles.length : self.handleInfos.length)

/**
 * The exact byte length of the message these contents encode to (Rust: `calculate_size`), with the
 * errors {@link build} would give. Counts handle-info words, not handles, so placeholder handles
 * (`Handle.invalid`) size a message as well as real ones: the builder's stack sizing relies on it.
 *
 * @since 0.1.0
 * @category utils
 */
export const calculateSize = (contents: Sizeable): Either.Either<number, ProcessargsError> =>
  Either.map(
    codec.layout(contents.args, contents.environmentVars, contents.namespacePaths, handleCountOf(contents)),
    (l) => l.size
  )

/**
 * Encodes contents into a message: the bytes, and the handles in order (Rust: `Message::build`).
 * Fails with `TooManyHandles` over 64 handles, `TryFromInt` if an offset or count passes u32, and
 * `SizeTooLarge` over 65,536 bytes, checked in that order. Building neither closes nor moves the
 * handles; {@link write} moves them.
 *
 * @since 0.1.0
 * @category utils
 */
export const build = (contents: MessageContents): Either.Either<Message, ProcessargsError> => {
  const handles = contents.handles
  const l = codec.layout(contents.args, contents.environmentVars, contents.namespacePaths, handles.length)
  if (Either.isLeft(l)) return Either.left(l.left)
  const bytes = new Uint8Array(l.right.size)
  codec.writeMessage(
    bytes,
    0,
    l.right,
    contents.args,
    contents.environmentVars,
    contents.namespacePaths,
    (i) => handles[i].info.raw
  )
  const out = new Array<Handle.Handle>(handles.length)
  for (let i = 0; i < handles.length; i++) out[i] = handles[i].handle
  return Either.right({ bytes, handles: out })
}

/**
 * Encodes message data (strings and handle infos, no handles) into bytes, with {@link build}'s errors.
 *
 * @since 0.1.0
 * @category utils
 */
export const encode = (data: MessageData): Either.Either<Uint8Array, ProcessargsError> => {
  const infos = data.handleInfos
  const l = codec.layout(data.args, data.environmentVars, data.namespacePaths, infos.length)
  if (Either.isLeft(l)) return Either.left(l.left)
  const bytes = new Uint8Array(l.right.size)
  codec.writeMessage(bytes, 0, l.right, data.args, data.environmentVars, data.namespacePaths, (i) => infos[i].raw)
  return Either.right(bytes)
}

/**
 * Encodes message data or contents into `target` from `offset` and returns the message's length:
 * {@link encode} without the allocation, for callers that reuse one buffer (a guest stack, a
 * pool). Only the message's bytes are written. Fails like {@link build}, or with `BufferTooSmall`
 * when the message does not fit; nothing is written then.
 *
 * @since 0.1.0
 * @category utils
 */
export const encodeInto = (
  contents: Sizeable,
  target: Uint8Array,
  offset: number = 0
): Either.Either<number, ProcessargsError | BufferTooSmall> => {
  const l = codec.layout(contents.args, contents.environmentVars, contents.namespacePaths, handleCountOf(contents))
  if (Either.isLeft(l)) return Either.left(l.left)
  const size = l.right.size
  const available = Number.isInteger(offset) && offset >= 0 && offset <= target.length ? target.length - offset : 0
  if (size > available) return Either.left(new BufferTooSmall({ needed: size, available }))
  if ("handles" in contents) {
    const handles = contents.handles
    codec.writeMessage(
      target,
      offset,
      l.right,
      contents.args,
      contents.environmentVars,
      contents.namespacePaths,
      (i) => handles[i].info.raw
    )
  } else {
    const infos = contents.handleInfos
    codec.writeMessage(
      target,
      offset,
      l.right,
      contents.args,
      contents.environmentVars,
      contents.namespacePaths,
      (i) => infos[i].raw
    )
  }
  return Either.right(size)
}

/**
 * Reads and checks a message's header: length between 36 and 65,536 bytes, protocol and version.
 * The offsets and counts are returned unchecked; {@link parse} checks them.
 *
 * @since 0.1.0
 * @category utils
 */
export const parseHeader = (
  bytes: Uint8Array
): Either.Either<Header, TruncatedHeader | MessageTooLarge | BadProtocol | BadVersion> => codec.checkHeader(bytes)

/**
 * Decodes a message that arrived with `handles` (or with that many handles). Given a count, it
 * returns the {@link MessageData}; given the handles, the {@link MessageContents} pairing each
 * handle with its info. Every malformed input is a {@link DecodeError}: a short or oversized
 * buffer, a wrong protocol or version, an offset outside the message or misaligned, a count the
 * bytes cannot hold, a string without its NUL, handle infos that are not one per handle received
 * or do not decode, and any layout other than the one {@link build} writes.
 *
 * The strings returned are views into `bytes`, not copies.
 *
 * @since 0.1.0
 * @category utils
 */
export function parse(bytes: Uint8Array, handleCount: number): Either.Either<MessageData, DecodeError>
export function parse(
  bytes: Uint8Array,
  handles: ReadonlyArray<Handle.Handle>
): Either.Either<MessageContents, DecodeError>
export function parse(
  bytes: Uint8Array,
  handles: number | ReadonlyArray<Handle.Handle>
): Either.Either<MessageData | MessageContents, DecodeError> {
  if (typeof handles === "number") return codec.decode(bytes, handles)
  return Either.map(codec.decode(bytes, handles.length), (d): MessageContents => ({
    args: d.args,
    environmentVars: d.environmentVars,
    namespacePaths: d.namespacePaths,
    handles: d.handleInfos.map((info, i) => ({ handle: handles[i], info }))
  }))
}

/**
 * Writes the message to a channel in one kernel write (Rust: `Message::write`). The handles move
 * into the channel and are consumed whether the write succeeds or fails, as Zircon does.
 *
 * @since 0.1.0
 * @category utils
 */
export const write: {
  (channel: Handle.Channel): (self: Message) => Effect.Effect<void, ZxError, Kernel.Kernel>
  (self: Message, channel: Handle.Channel): Effect.Effect<void, ZxError, Kernel.Kernel>
} = dual(
  2,
  (self: Message, channel: Handle.Channel): Effect.Effect<void, ZxError, Kernel.Kernel> =>
    Kernel.Kernel.pipe(
      Effect.flatMap((kernel) => kernel.channel.write(channel, self.bytes, self.handles)),
      Effect.withSpan("Message.write", {
        captureStackTrace: false,
        attributes: { bytes: self.bytes.length, handles: self.handles.length }
      })
    )
)

/**
 * Builds the contents into a message and writes it to the channel: {@link build} then {@link write}.
 *
 * @since 0.1.0
 * @category utils
 */
export const send: {
  (
    channel: Handle.Channel
  ): (contents: MessageContents) => Effect.Effect<void, ProcessargsError | ZxError, Kernel.Kernel>
  (contents: MessageContents, channel: Handle.Channel): Effect.Effect<void, ProcessargsError | ZxError, Kernel.Kernel>
} = dual(
  2,
  (
    contents: MessageContents,
    channel: Handle.Channel
  ): Effect.Effect<void, ProcessargsError | ZxError, Kernel.Kernel> =>
    Effect.flatMap(build(contents), (message) => write(message, channel))
)

/**
 * Reads the next message from a channel and decodes it, pairing the handles that came with it with
 * their infos. The handles belong to the current scope. Fails with the kernel's error when no
 * message can be read (SHOULD_WAIT when none is queued, PEER_CLOSED when none will come) or with
 * a {@link DecodeError}; on a decode error the handles are still closed with the scope.
 *
 * @since 0.1.0
 * @category utils
 */
export const read = (
  channel: Handle.Channel
): Effect.Effect<MessageContents, DecodeError | ZxError, Kernel.Kernel | Scope.Scope> =>
  Kernel.Kernel.pipe(
    Effect.flatMap((kernel) => kernel.channel.read(channel)),
    Effect.flatMap((message) => parse(message.bytes, message.handles)),
    Effect.withSpan("Message.read", { captureStackTrace: false })
  )
