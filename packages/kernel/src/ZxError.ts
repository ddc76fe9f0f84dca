/**
 * The error every failed kernel call fails with: a tagged error that carries the Zircon status.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as Status from "./Status.js"

/**
 * A failed kernel call. `status` is the Zircon status the real kernel gives in the same situation
 * (for example `BAD_HANDLE` for a closed handle, `ACCESS_DENIED` for a missing right), and
 * `operation` names the call, so a message reads "vmo.write: ZX_ERR_ACCESS_DENIED".
 *
 * @since 0.1.0
 * @category errors
 */
export class ZxError extends Schema.TaggedError<ZxError>("@zxsim/kernel/ZxError")("ZxError", {
  status: Schema.Number,
  operation: Schema.optional(Schema.String)
}) {
  /**
   * The status name in Zircon's spelling, such as `ZX_ERR_BAD_HANDLE`.
   *
   * @since 0.1.0
   */
  get statusName(): string {
    return Status.toString(this.status)
  }

  /**
   * @since 0.1.0
   */
  override get message(): string {
    return this.operation === undefined ? this.statusName : `${this.operation}: ${this.statusName}`
  }
}

/**
 * Whether an unknown value is a {@link ZxError}.
 *
 * @since 0.1.0
 * @category guards
 */
export const isZxError = (u: unknown): u is ZxError => u instanceof ZxError
