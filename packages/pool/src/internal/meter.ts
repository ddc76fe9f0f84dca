/**
 * A CPU wrapper that meters one run at a time: the instructions its threads retire (from the
 * wrapped CPU's own counter, so the count is the CPU's), an instruction budget it stops handing
 * out once spent, and the first CPU exception it saw (the crash report of a killed guest).
 * @internal
 */
import type { CpuShape, CpuThread, StopReason } from "@zxsim/kernel/Cpu"

/** An exception stop as the CPU reported it. */
export type ExceptionStop = Extract<StopReason, { readonly _tag: "Exception" }>

const BUDGET_SPENT: StopReason = { _tag: "BudgetSpent" }

export class Meter {
  /** The CPU to give the kernel. */
  readonly cpu: CpuShape
  private startCount = 0
  private limit = Infinity
  private ran = 0
  private onSpent: (() => void) | null = null
  private firstException: ExceptionStop | null = null

  constructor(private readonly inner: CpuShape) {
    this.cpu = {
      name: inner.name,
      run: (thread, budget) => this.run(thread, budget),
      codeWritten: (frame) => inner.codeWritten(frame),
      stats: () => inner.stats()
    }
  }

  /**
   * Starts metering a run: `limit` instructions (undefined: none), `onSpent` called once when
   * they are spent; after that every thread gets no more instructions until the run ends.
   */
  begin(limit: number | undefined, onSpent: () => void): void {
    this.startCount = this.inner.stats().instructions
    this.limit = limit ?? Infinity
    this.ran = 0
    this.onSpent = onSpent
    this.firstException = null
  }

  /** Ends the run; returns the instructions retired since {@link begin}. */
  end(): number {
    this.limit = Infinity
    this.onSpent = null
    return this.inner.stats().instructions - this.startCount
  }

  /** The first CPU exception of the run, if any. */
  get exception(): ExceptionStop | null {
    return this.firstException
  }

  private run(thread: CpuThread, budget: number): StopReason {
    if (this.limit === Infinity) return this.note(this.inner.run(thread, budget))
    const left = this.limit - this.ran
    if (left <= 0) {
      const spent = this.onSpent
      this.onSpent = null
      if (spent !== null) spent()
      return BUDGET_SPENT
    }
    const before = this.inner.stats().instructions
    const stop = this.inner.run(thread, Math.min(budget, left))
    this.ran += this.inner.stats().instructions - before
    return this.note(stop)
  }

  private note(stop: StopReason): StopReason {
    if (stop._tag === "Exception" && this.firstException === null) this.firstException = stop
    return stop
  }
}
