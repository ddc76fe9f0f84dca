/**
 * @zxsim/fidl: the FIDL wire codec, the `fuchsia.ldsvc` Loader protocol, the fuchsia.io subset
 * (pseudo-directory server and client) and the test util client.
 *
 * @since 0.1.0
 */

/**
 * The errors of encoding, decoding and transport.
 *
 * @since 0.1.0
 */
export * as FidlError from "./FidlError.js"
/**
 * The wire declarations of the fuchsia.io subset, and the packed dirent format.
 *
 * @since 0.1.0
 */
export * as FuchsiaIo from "./FuchsiaIo.js"
/**
 * A client of the fuchsia.io subset: open, list, read, close, and the namespace walk.
 *
 * @since 0.1.0
 */
export * as IoClient from "./IoClient.js"
/**
 * The wire declarations of `fuchsia.ldsvc/Loader`.
 *
 * @since 0.1.0
 */
export * as Ldsvc from "./Ldsvc.js"
/**
 * The Loader service, its layers, its server and its client calls.
 *
 * @since 0.1.0
 */
export * as Loader from "./Loader.js"
/**
 * Transactional messages: header, body, epitaph.
 *
 * @since 0.1.0
 */
export * as Message from "./Message.js"
/**
 * Method ordinals from SHA-256.
 *
 * @since 0.1.0
 */
export * as Ordinal from "./Ordinal.js"
/**
 * Protocol and method declarations.
 *
 * @since 0.1.0
 */
export * as Protocol from "./Protocol.js"
/**
 * In-memory directories served over channels with the fuchsia.io subset.
 *
 * @since 0.1.0
 */
export * as PseudoDirectory from "./PseudoDirectory.js"
/**
 * The wire declarations of `test.processbuilder/Util`.
 *
 * @since 0.1.0
 */
export * as TestUtil from "./TestUtil.js"
/**
 * The test side of `test.processbuilder/Util`: connect through a directory, call each method.
 *
 * @since 0.1.0
 */
export * as TestUtilClient from "./TestUtilClient.js"
/**
 * FIDL over kernel channels: send, receive, call, reply, epitaph.
 *
 * @since 0.1.0
 */
export * as Transport from "./Transport.js"
/**
 * FIDL types: declarations, encode, decode, arbitraries.
 *
 * @since 0.1.0
 */
export * as Wire from "./Wire.js"
