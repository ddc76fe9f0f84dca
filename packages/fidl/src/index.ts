/**
 * @zxsim/fidl: the FIDL wire codec and the `fuchsia.ldsvc` Loader protocol.
 *
 * @since 0.1.0
 */

/** The errors of encoding, decoding and transport. */
export * as FidlError from "./FidlError.js"
/** The wire declarations of `fuchsia.ldsvc/Loader`. */
export * as Ldsvc from "./Ldsvc.js"
/** The Loader service, its layers, its server and its client calls. */
export * as Loader from "./Loader.js"
/** Transactional messages: header, body, epitaph. */
export * as Message from "./Message.js"
/** Method ordinals from SHA-256. */
export * as Ordinal from "./Ordinal.js"
/** Protocol and method declarations. */
export * as Protocol from "./Protocol.js"
/** The wire declarations of `test.processbuilder/Util`. */
export * as TestUtil from "./TestUtil.js"
/** FIDL over kernel channels: send, receive, call, reply, epitaph. */
export * as Transport from "./Transport.js"
/** FIDL types: declarations, encode, decode, arbitraries. */
export * as Wire from "./Wire.js"
