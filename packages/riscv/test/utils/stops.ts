/** Stop reasons for assertions. */
import type { ExceptionKind, StopReason } from "@zxsim/kernel/Cpu"

/** An exception stop. */
export const exception = (kind: ExceptionKind, address: number, pc: number): StopReason => ({
  _tag: "Exception",
  kind,
  address,
  pc
})

/** A syscall stop. */
export const syscall = (pc: number): StopReason => ({ _tag: "Syscall", pc })

/** The budget stop. */
export const budgetSpent: StopReason = { _tag: "BudgetSpent" }

/** The exception kind, or the stop's tag. */
export const kindOf = (stop: StopReason): string => (stop._tag === "Exception" ? stop.kind : stop._tag)
