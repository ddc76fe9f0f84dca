/**
 * Method ordinals, computed the way FIDL computes them: the first 8 bytes of the SHA-256 of
 * `"<library>/<Protocol>.<Method>"` read as a little-endian u64, with the top bit cleared (it is
 * reserved). A method's ordinal is what identifies it on the wire.
 *
 * @since 0.1.0
 */
import { sha256 } from "@noble/hashes/sha2.js"

/**
 * The ordinal of the epitaph, the last message a server may send before closing.
 *
 * @since 0.1.0
 * @category constants
 */
export const EPITAPH: bigint = 0xffff_ffff_ffff_ffffn

/**
 * The 64-bit ordinal of the method with fully qualified `selector` (`"fuchsia.ldsvc/Loader.Done"`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromSelector = (selector: string): bigint => {
  const digest = sha256(new TextEncoder().encode(selector))
  const view = new DataView(digest.buffer, digest.byteOffset, 8)
  return view.getBigUint64(0, true) & 0x7fff_ffff_ffff_ffffn
}

/**
 * The ordinal of `library/protocol.method`.
 *
 * @since 0.1.0
 * @category utils
 */
export const compute = (library: string, protocol: string, method: string): bigint =>
  fromSelector(`${library}/${protocol}.${method}`)

/**
 * An ordinal as FIDL tooling prints it: `0x48C5A151D6DF2853`.
 *
 * @since 0.1.0
 * @category utils
 */
export const format = (ordinal: bigint): string => `0x${ordinal.toString(16).toUpperCase().padStart(16, "0")}`

/**
 * The SHA-256 digest of `bytes`: synchronous and platform-free (the audited `@noble/hashes`).
 *
 * @since 0.1.0
 * @category utils
 */
export const sha256Digest = (bytes: Uint8Array): Uint8Array => sha256(bytes)
