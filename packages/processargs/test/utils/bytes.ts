/** Test helpers for writing messages out by hand. */

/** Bytes from hex pairs separated by spaces: `hex("5d 58 50 41")`. */
export const hex = (text: string): Array<number> =>
  text.trim().split(/\s+/).filter((pair) => pair.length > 0).map((pair) => {
    const byte = Number.parseInt(pair, 16)
    if (pair.length !== 2 || Number.isNaN(byte)) throw new Error(`bad hex pair ${pair}`)
    return byte
  })

/** The bytes of an ASCII string, `\0` included as written. */
export const ascii = (text: string): Array<number> =>
  Array.from(text, (ch) => {
    const code = ch.charCodeAt(0)
    if (code > 0x7f) throw new Error(`not ASCII: ${ch}`)
    return code
  })

/** One byte array from pieces. */
export const concat = (...pieces: ReadonlyArray<ReadonlyArray<number>>): Uint8Array => new Uint8Array(pieces.flat())

/** The nine little-endian u32 header fields of a message, read independently of the codec. */
export const headerWords = (bytes: Uint8Array): Array<number> => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return Array.from({ length: 9 }, (_, i) => view.getUint32(4 * i, true))
}
