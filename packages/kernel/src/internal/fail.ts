/**
 * The kernel's internal failure signal. Core operations are synchronous and throw a `KernelFault`
 * carrying a status; the host boundary turns it into a `ZxError` and the syscall boundary into a
 * status in `a0`. It is never an Error (no stack is captured), so throwing it is cheap.
 * @internal
 */
import { Status } from "../Status.js"

/** A status thrown by a kernel core operation. */
export class KernelFault {
  constructor(readonly status: number) {}
}

const cache = new Map<number, KernelFault>()

/** Throws the status as a {@link KernelFault}. */
export const fail = (status: number): never => {
  let f = cache.get(status)
  if (f === undefined) {
    f = new KernelFault(status)
    cache.set(status, f)
  }
  throw f
}

/** Whether a thrown value is a kernel status. */
export const isFault = (u: unknown): u is KernelFault => u instanceof KernelFault

/** Checks a condition or throws `status`. */
export const check = (condition: boolean, status: number): void => {
  if (!condition) fail(status)
}

export const badHandle = (): never => fail(Status.BAD_HANDLE)
export const invalidArgs = (): never => fail(Status.INVALID_ARGS)
export const accessDenied = (): never => fail(Status.ACCESS_DENIED)
export const wrongType = (): never => fail(Status.WRONG_TYPE)
export const badState = (): never => fail(Status.BAD_STATE)
