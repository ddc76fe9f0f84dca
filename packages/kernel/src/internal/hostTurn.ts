/**
 * The host's turn: how guest fibers give the host's event loop back its control. Guests run inside
 * microtasks (fiber steps), which the event loop cannot interrupt; only when the microtask queue
 * drains do timers, I/O and signals get their turn. So every guest fiber checks {@link HostTurn.expired}
 * at its yield points and, once the current turn has lasted a quantum of host time, parks until
 * the next macrotask; the last guest to park lets the microtask queue drain.
 *
 * A turn is known to have ended when a marker macrotask (`setImmediate`) scheduled at its start has
 * run: until then nothing but microtasks ran since it was scheduled. The check is one clock read,
 * plus one `setImmediate` when no marker is pending. Host time is the host's monotonic clock
 * (`performance.now()`), not Effect's `Clock`: a `TestClock` stands still while the event loop
 * does not, and what is being bounded is the event loop's real latency.
 * @internal
 */
import * as Effect from "effect/Effect"

/** Host milliseconds guest fibers may hold the event loop before they park until the next macrotask. */
export const HOST_QUANTUM_MS = 2

type Macrotask = (f: () => void) => void

/**
 * Schedules a callback after the event loop's pending timers and I/O: `setImmediate` where the
 * host has it (Node: it runs in the next loop iteration when scheduled from an immediate, after
 * timers and I/O); elsewhere (browsers, Web Workers) a `MessageChannel` message, a task that is
 * queued at once — `setTimeout(0)` would do, but browsers clamp nested timeouts to 4 ms, which
 * would leave guests idle twice as long as they run; `setTimeout(0)` only where neither exists.
 */
const hostMacrotask: Macrotask = (() => {
  const immediate = (globalThis as { readonly setImmediate?: (f: () => void) => unknown }).setImmediate
  if (immediate !== undefined) return (f: () => void) => void immediate(f)
  if (typeof globalThis.MessageChannel === "function") {
    const channel = new globalThis.MessageChannel()
    const queued: Array<() => void> = []
    channel.port1.onmessage = () => queued.shift()?.()
    return (f: () => void) => {
      queued.push(f)
      channel.port2.postMessage(undefined)
    }
  }
  return (f: () => void) => void globalThis.setTimeout(f, 0)
})()

/** The host's monotonic time in milliseconds. */
const hostNow: () => number = typeof globalThis.performance?.now === "function"
  ? () => globalThis.performance.now()
  : () => Date.now()

/** The gate every guest fiber of every kernel in this host passes at its yield points. */
export class HostTurn {
  /** Host time at which the pending marker was scheduled; -1 when none is pending. */
  private markedAt = -1
  private waiters: Array<() => void> = []
  private first: Array<() => void> = []

  constructor(
    readonly quantumMs: number,
    private readonly now: () => number = hostNow,
    private readonly macrotask: Macrotask = hostMacrotask
  ) {}

  /**
   * Whether guests have held the event loop for a quantum since it last ran a macrotask of ours.
   * When no marker is pending, starts a new turn (schedules one) and answers false.
   */
  expired(): boolean {
    if (this.markedAt < 0) {
      this.markedAt = this.now()
      this.macrotask(this.release)
      return false
    }
    return this.now() - this.markedAt >= this.quantumMs
  }

  /**
   * Parks the calling fiber until the next macrotask (the pending marker). Fibers wake in the order
   * they parked, those parking `again` (woken by the last marker but not given a turn) first.
   */
  park(again: boolean): Effect.Effect<void> {
    return Effect.async<void>((resume) => {
      const wake = () => resume(Effect.void)
      const queue = again ? this.first : this.waiters
      queue.push(wake)
      if (this.markedAt < 0) {
        this.markedAt = this.now()
        this.macrotask(this.release)
      }
      return Effect.sync(() => {
        const at = queue.indexOf(wake)
        if (at >= 0) queue.splice(at, 1)
      })
    })
  }

  /** The marker: the event loop has had its turn; the parked fibers start the next one. */
  private readonly release = (): void => {
    this.markedAt = -1
    if (this.waiters.length === 0 && this.first.length === 0) return
    const waiters = this.first.length === 0 ? this.waiters : this.first.concat(this.waiters)
    this.waiters = []
    this.first = []
    for (const wake of waiters) wake()
  }
}

/** The one gate of this host: the event loop is shared by every kernel in it. */
export const hostTurn: HostTurn = new HostTurn(HOST_QUANTUM_MS)
