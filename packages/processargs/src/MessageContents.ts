/**
 * What a processargs message says: arguments, environment variables, namespace paths and startup
 * handles. {@link MessageContents} is the sending side's view, holding real kernel handles (the
 * process builder accumulates one and hands it to `Message.build`); {@link MessageData} is the same
 * minus the handles themselves, only their infos, which is what the bytes of a message encode and
 * what property tests generate.
 *
 * @since 0.1.0
 */
import type * as Handle from "@zxsim/kernel/Handle"
import * as Arbitrary from "effect/Arbitrary"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as CString from "./CString.js"
import * as HandleInfo from "./HandleInfo.js"
import { HEADER_SIZE } from "./internal/codec.js"
import { MAX_MESSAGE_BYTES, MAX_MESSAGE_HANDLES } from "./ProcessargsError.js"

/**
 * A handle to pass to a new process and what it is for (Rust: `StartupHandle`). The handle stays
 * owned by its scope until the message carrying it is written, which moves it.
 *
 * @since 0.1.0
 * @category models
 */
export interface StartupHandle {
  readonly handle: Handle.Handle
  readonly info: HandleInfo.HandleInfo
}

/**
 * A startup handle from its parts.
 *
 * @since 0.1.0
 * @category utils
 */
export const startupHandle = (handle: Handle.Handle, info: HandleInfo.HandleInfo): StartupHandle => ({ handle, info })

/**
 * The contents of a processargs message with the handles it carries (Rust: `MessageContents`). The
 * arrays are read-only here; a builder may keep mutable arrays of its own and pass them in.
 *
 * @since 0.1.0
 * @category models
 */
export interface MessageContents {
  readonly args: ReadonlyArray<CString.CString>
  readonly environmentVars: ReadonlyArray<CString.CString>
  readonly namespacePaths: ReadonlyArray<CString.CString>
  readonly handles: ReadonlyArray<StartupHandle>
}

/**
 * Contents with nothing in them (Rust: `MessageContents::default()`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: MessageContents = { args: [], environmentVars: [], namespacePaths: [], handles: [] }

/**
 * Contents from the parts given, the rest empty.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (parts: Partial<MessageContents>): MessageContents => ({ ...empty, ...parts })

/**
 * The data of a message: everything but the handles themselves, with one handle info per handle in
 * order. This is exactly what the bytes encode, so `Message.parse(Message.encode(d))` gives `d`.
 *
 * @since 0.1.0
 * @category utils
 */
export const MessageData = Schema.Struct({
  args: Schema.Array(CString.CString),
  environmentVars: Schema.Array(CString.CString),
  namespacePaths: Schema.Array(CString.CString),
  handleInfos: Schema.Array(HandleInfo.HandleInfoFromSelf)
}).annotations({ identifier: "MessageData" })

/**
 * The data of a message: its strings and its handle infos.
 *
 * @since 0.1.0
 * @category models
 */
export interface MessageData extends Schema.Schema.Type<typeof MessageData> {}

/**
 * The data of some contents: the same strings, and the infos of its handles in order.
 *
 * @since 0.1.0
 * @category utils
 */
export const toData = (contents: MessageContents): MessageData => ({
  args: contents.args,
  environmentVars: contents.environmentVars,
  namespacePaths: contents.namespacePaths,
  handleInfos: contents.handles.map((h) => h.info)
})

const sameStrings = (a: ReadonlyArray<CString.CString>, b: ReadonlyArray<CString.CString>): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (!CString.equals(a[i], b[i])) return false
  return true
}

/**
 * Whether two message data hold the same strings (byte for byte) and the same handle infos, in order.
 *
 * @since 0.1.0
 * @category utils
 */
export const dataEquivalence = (self: MessageData, that: MessageData): boolean =>
  sameStrings(self.args, that.args) &&
  sameStrings(self.environmentVars, that.environmentVars) &&
  sameStrings(self.namespacePaths, that.namespacePaths) &&
  self.handleInfos.length === that.handleInfos.length &&
  self.handleInfos.every((info, i) => info.raw === that.handleInfos[i].raw)

/**
 * Bounds for {@link arbitraryData}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ArbitraryOptions {
  /** The most strings in each section. Default 16. */
  readonly maxStrings?: number
  /** The most bytes in one string (without its NUL). Default 48. */
  readonly maxStringLength?: number
  /** The most handle infos. Default 64 (the channel limit). */
  readonly maxHandles?: number
}

const encodedSize = (d: MessageData): number => {
  let size = HEADER_SIZE + 4 * d.handleInfos.length
  for (const s of d.args) size += s.length + 1
  for (const s of d.environmentVars) size += s.length + 1
  for (const s of d.namespacePaths) size += s.length + 1
  return size
}

const handleInfoArbitrary: FastCheck.Arbitrary<HandleInfo.HandleInfo> = Arbitrary.make(HandleInfo.HandleInfoFromSelf)

/**
 * A fast-check arbitrary of message data that builds: at most 64 handle infos and at most 65,536
 * encoded bytes. Strings mix printable ASCII and arbitrary non-zero bytes; handle infos draw every
 * type and the whole argument range. For other packages' property tests (a builder's message, a
 * guest's start-up code) as well as this package's.
 *
 * @since 0.1.0
 * @category utils
 */
export const arbitraryData = (options?: ArbitraryOptions): FastCheck.Arbitrary<MessageData> => {
  const maxStrings = options?.maxStrings ?? 16
  const maxStringLength = options?.maxStringLength ?? 48
  const maxHandles = Math.min(options?.maxHandles ?? MAX_MESSAGE_HANDLES, MAX_MESSAGE_HANDLES)
  const cstring = FastCheck.oneof(
    FastCheck.stringMatching(new RegExp(`^[ -~]{0,${maxStringLength}}$`)).map((s) => CString.unsafeFromString(s)),
    FastCheck.uint8Array({ min: 1, max: 255, maxLength: maxStringLength }).map((b) => b as CString.CString)
  )
  const strings = FastCheck.array(cstring, { maxLength: maxStrings })
  return FastCheck.record({
    args: strings,
    environmentVars: strings,
    namespacePaths: strings,
    handleInfos: FastCheck.array(handleInfoArbitrary, { maxLength: maxHandles })
  }).filter((d) => encodedSize(d) <= MAX_MESSAGE_BYTES)
}
