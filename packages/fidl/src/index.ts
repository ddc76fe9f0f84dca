/**
 * @zxsim/fidl: the FIDL wire codec, the `fuchsia.ldsvc` Loader protocol, the fuchsia.io subset
 * (pseudo-directory server and client) and the test util client.
 *
 * @since 0.1.0
 */

/** The errors of encoding, decoding and transport. */
export * as FidlError from "./FidlError.js"
/** The wire declarations of the fuchsia.io subset, and the packed dirent format. */
export * as FuchsiaIo from "./FuchsiaIo.js"
/** A client of the fuchsia.io subset: open, list, read, close, and the namespace walk. */
export * as IoClient from "./IoClient.js"
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
/** In-memory directories served over channels with the fuchsia.io subset. */
export * as PseudoDirectory from "./PseudoDirectory.js"
/** The wire declarations of `test.processbuilder/Util`. */
export * as TestUtil from "./TestUtil.js"
/** The test side of `test.processbuilder/Util`: connect through a directory, call each method. */
export * as TestUtilClient from "./TestUtilClient.js"
/** FIDL over kernel channels: send, receive, call, reply, epitaph. */
export * as Transport from "./Transport.js"
/** FIDL types: declarations, encode, decode, arbitraries. */
export * as Wire from "./Wire.js"
