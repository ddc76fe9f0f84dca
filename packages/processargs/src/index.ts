/**
 * @zxsim/processargs: the processargs bootstrap message codec. Encodes what a new process is told
 * at start-up (arguments, environment, namespace paths, startup handles), computes its size,
 * decodes it back with typed errors for every malformed input, and writes and reads it over a
 * kernel channel.
 *
 * @since 0.1.0
 */

/**
 * C strings: byte strings without NUL, for arguments, environment variables and paths.
 *
 * @since 0.1.0
 */
export * as CString from "./CString.js"
/**
 * The errors decoding a message fails with.
 *
 * @since 0.1.0
 */
export * as DecodeError from "./DecodeError.js"
/**
 * Handle infos: a handle type and a 16-bit argument, packed into a u32.
 *
 * @since 0.1.0
 */
export * as HandleInfo from "./HandleInfo.js"
/**
 * The `PA_*` startup handle types.
 *
 * @since 0.1.0
 */
export * as HandleType from "./HandleType.js"
/**
 * Messages: size, build, encode, parse, and channel write/read.
 *
 * @since 0.1.0
 */
export * as Message from "./Message.js"
/**
 * Message contents (with handles) and message data (with handle infos), and an arbitrary of the latter.
 *
 * @since 0.1.0
 */
export * as MessageContents from "./MessageContents.js"
/**
 * The errors building a message fails with.
 *
 * @since 0.1.0
 */
export * as ProcessargsError from "./ProcessargsError.js"
