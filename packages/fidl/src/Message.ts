/**
 * Transactional messages: the 16-byte header (txid, at-rest flags, dynamic flags, magic number,
 * ordinal) followed by the body, the method's payload struct (absent for a method without
 * parameters). Pure functions over bytes; the kernel-channel side is `Transport`.
 *
 * @since 0.1.0
 */
import type * as Handle from "@zxsim/kernel/Handle"
import * as Either from "effect/Either"
import { DecodeError, EncodeError } from "./FidlError.js"
import * as internal from "./internal/wire.js"
import * as Ordinal from "./Ordinal.js"
import * as Wire from "./Wire.js"

/**
 * Bytes of the transactional header.
 *
 * @since 0.1.0
 * @category constants
 */
export const HEADER_SIZE = 16
/**
 * The magic number of the wire format this codec speaks (`kFidlWireFormatMagicNumberInitial`).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAGIC_NUMBER = 1
/**
 * At-rest flag: the message uses wire format v2 (bit 1 of the first flags byte).
 *
 * @since 0.1.0
 * @category constants
 */
export const AT_REST_FLAG_V2 = 0x0002
/**
 * Dynamic flag: the method is flexible.
 *
 * @since 0.1.0
 * @category constants
 */
export const DYNAMIC_FLAG_FLEXIBLE = 0x80
/**
 * The largest message a channel carries.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_BYTES = internal.MAX_MESSAGE_BYTES
/**
 * The most handles a channel message carries.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_HANDLES = internal.MAX_MESSAGE_HANDLES
/**
 * The ordinal of an epitaph.
 *
 * @since 0.1.0
 * @category constants
 */
export const EPITAPH_ORDINAL = Ordinal.EPITAPH

/**
 * A transactional header.
 *
 * @since 0.1.0
 * @category models
 */
export interface Header {
  /** 0 for one-way messages and events; non-zero (top bit clear) for a two-way request and its reply. */
  readonly txid: number
  /** The at-rest flags (u16); {@link AT_REST_FLAG_V2} must be set. */
  readonly atRestFlags: number
  /** The dynamic flags (u8); {@link DYNAMIC_FLAG_FLEXIBLE} marks a flexible method. */
  readonly dynamicFlags: number
  /** The magic number, {@link MAGIC_NUMBER}. */
  readonly magic: number
  /** The method ordinal ({@link EPITAPH_ORDINAL} for an epitaph). */
  readonly ordinal: bigint
}

/**
 * The epitaph body: the status the server closes with, padded to 8 bytes.
 *
 * @since 0.1.0
 * @category utils
 */
export const EpitaphBody = Wire.struct({ error: Wire.status }, { name: "Epitaph" })

/**
 * Reads the header of a message. Refuses a message shorter than the header, a wrong magic number,
 * and a message without the v2 flag; other flag bits are ignored, as receivers must.
 *
 * @since 0.1.0
 * @category utils
 */
export const decodeHeader = (bytes: Uint8Array): Either.Either<Header, DecodeError> => {
  if (bytes.length < HEADER_SIZE) {
    return Either.left(
      new DecodeError({ reason: "InvalidHeader", offset: 0, detail: `message of ${bytes.length} bytes has no header` })
    )
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const header: Header = {
    txid: view.getUint32(0, true),
    atRestFlags: view.getUint16(4, true),
    dynamicFlags: bytes[6],
    magic: bytes[7],
    ordinal: view.getBigUint64(8, true)
  }
  if (header.magic !== MAGIC_NUMBER) {
    return Either.left(
      new DecodeError({
        reason: "InvalidHeader",
        offset: 7,
        detail: `magic number ${header.magic}, expected ${MAGIC_NUMBER}`
      })
    )
  }
  if ((header.atRestFlags & AT_REST_FLAG_V2) === 0) {
    return Either.left(
      new DecodeError({ reason: "InvalidHeader", offset: 4, detail: "the wire format v2 flag is not set" })
    )
  }
  return Either.right(header)
}

/**
 * What {@link encode} needs of the header.
 *
 * @since 0.1.0
 * @category models
 */
export interface HeaderFields {
  readonly txid: number
  readonly ordinal: bigint
  readonly dynamicFlags?: number
}

/**
 * Encodes a message: header, then `value` as the body of type `body` (nothing for `Wire.empty`).
 * Refuses a message over 65,536 bytes or 64 handles, which no channel would carry.
 *
 * @since 0.1.0
 * @category utils
 */
export const encode = <A>(
  body: Wire.Type<A>,
  fields: HeaderFields,
  value: A
): Either.Either<Wire.Encoded, EncodeError> => {
  try {
    return internal.withEncoder((e): Either.Either<Wire.Encoded, EncodeError> => {
      const at = e.alloc(HEADER_SIZE)
      e.view.setUint32(at, fields.txid >>> 0, true)
      e.view.setUint16(at + 4, AT_REST_FLAG_V2, true)
      e.bytes[at + 6] = fields.dynamicFlags ?? 0
      e.bytes[at + 7] = MAGIC_NUMBER
      e.view.setBigUint64(at + 8, fields.ordinal, true)
      internal.encodeInto(e, body, value)
      if (e.end > MAX_BYTES || e.handles.length > MAX_HANDLES) {
        return Either.left(
          new EncodeError({
            reason: "MessageTooLarge",
            detail: `${e.end} bytes and ${e.handles.length} handles (limits ${MAX_BYTES}, ${MAX_HANDLES})`
          })
        )
      }
      return Either.right({ bytes: e.finish(), handles: e.handles })
    })
  } catch (error) {
    return Either.left(Wire.toEncodeError(error))
  }
}

/**
 * Decodes the body of a message whose header was read already: everything after the header as
 * `body`, with every decoder obligation checked. A message of a method without parameters must
 * be the header alone and carry no handles.
 *
 * @since 0.1.0
 * @category utils
 */
export const decodeBody = <A>(
  body: Wire.Type<A>,
  bytes: Uint8Array,
  handles: ReadonlyArray<Wire.HandleInfo> = []
): Either.Either<Wire.Decoded<A>, DecodeError> => {
  try {
    return Either.right(internal.decodeFrom(body, bytes, handles, HEADER_SIZE))
  } catch (error) {
    return Either.left(Wire.toDecodeError(error))
  }
}

/**
 * An epitaph message: txid 0, the epitaph ordinal, and `status`.
 *
 * @since 0.1.0
 * @category utils
 */
export const encodeEpitaph = (status: number): Uint8Array =>
  Either.getOrThrow(encode(EpitaphBody, { txid: 0, ordinal: EPITAPH_ORDINAL }, { error: status })).bytes

/**
 * A decoded message: its header, its body, and the handles its unknown parts carried.
 *
 * @since 0.1.0
 * @category models
 */
export interface Decoded<A> {
  readonly header: Header
  readonly value: A
  readonly unknownHandles: ReadonlyArray<Handle.Handle>
}

/**
 * Decodes a whole message (header and body).
 *
 * @since 0.1.0
 * @category utils
 */
export const decode = <A>(
  body: Wire.Type<A>,
  bytes: Uint8Array,
  handles: ReadonlyArray<Wire.HandleInfo> = []
): Either.Either<Decoded<A>, DecodeError> =>
  Either.flatMap(
    decodeHeader(bytes),
    (header) =>
      Either.map(
        decodeBody(body, bytes, handles),
        (d) => ({ header, value: d.value, unknownHandles: d.unknownHandles })
      )
  )
