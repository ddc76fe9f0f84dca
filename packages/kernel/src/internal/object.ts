/**
 * Kernel objects, handles and handle tables.
 *
 * An object lives while something references it: its handles, and the kernel structures that hold
 * it (a mapping holds its VMO, a parent VMAR its children, a job its running processes). When its
 * last handle closes, `onZeroHandles` runs (a channel tells its peer, an unstarted process dies);
 * when its last reference goes, `destroy` frees what it owns.
 * @internal
 */
import { Signals } from "../Signals.js"
import { Status } from "../Status.js"
import { fail } from "./fail.js"
import type { KernelState } from "./state.js"

/** A pending `waitOne`: called with the object's signals when they change or when it is cancelled. */
export interface Waiter {
  readonly mask: number
  readonly wake: (signals: number, cancelled: boolean) => void
  readonly handle: HandleRef
  /** Cleared once the waiter has been woken or removed, so it is never woken twice. */
  active: boolean
}

/** The base of every kernel object. */
export abstract class KObject {
  readonly koid: number
  signals = 0
  handleCount = 0
  name = ""
  private refs = 0
  private waiters: Array<Waiter> | null = null

  constructor(readonly kernel: KernelState, readonly type: number) {
    this.koid = kernel.nextKoid()
    kernel.objectCreated(type)
  }

  /** The koid of the related object (a channel's peer, a thread's process), or 0. */
  relatedKoid(): number {
    return 0
  }

  retain(): void {
    this.refs++
  }

  release(): void {
    if (--this.refs === 0) {
      this.destroy()
      this.kernel.objectDestroyed(this.type)
    }
  }

  /** Runs once when the last handle to the object closes. */
  onZeroHandles(): void {}

  /** The signals `object_signal` may clear or set on this object: the user signals by default. */
  signalable(): number {
    return Signals.USER_ALL
  }

  /**
   * The object `object_signal_peer` signals: the other end of a pair, null once that end is
   * gone (PEER_CLOSED), undefined for an object that has no peer (NOT_SUPPORTED).
   */
  signalPeer(): KObject | null | undefined {
    return undefined
  }

  /** Frees what the object owns; runs once, when the last reference goes. */
  protected destroy(): void {}

  /** Clears then sets signal bits, waking every waiter whose mask now matches. */
  updateSignals(clear: number, set: number): void {
    const next = ((this.signals & ~clear) | set) >>> 0
    if (next === this.signals) return
    this.signals = next
    const waiters = this.waiters
    if (waiters === null) return
    // Wake callbacks may add or remove waiters (on this object too): work on a detached list.
    this.waiters = null
    const kept: Array<Waiter> = []
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i]
      if (!w.active) continue
      if ((w.mask & next) !== 0) {
        w.active = false
        w.handle.waits?.delete(w)
        w.wake(next, false)
      } else {
        kept.push(w)
      }
    }
    const added = this.waiters as Array<Waiter> | null
    const all = added === null ? kept : kept.concat(added)
    const live = all.filter((w) => w.active)
    this.waiters = live.length === 0 ? null : live
  }

  addWaiter(waiter: Waiter): void {
    ;(this.waiters ??= []).push(waiter)
    ;(waiter.handle.waits ??= new Set()).add(waiter)
  }

  removeWaiter(waiter: Waiter): void {
    waiter.active = false
    waiter.handle.waits?.delete(waiter)
    if (this.waiters === null) return
    const i = this.waiters.indexOf(waiter)
    if (i >= 0) this.waiters.splice(i, 1)
    if (this.waiters.length === 0) this.waiters = null
    waiter.handle.waits?.delete(waiter)
  }
}

/**
 * One handle: an object plus rights, owned by a handle table, or by nobody while it travels in a
 * channel message. A handle that has been closed or moved is dead for good; moving makes a new one.
 */
export class HandleRef {
  owner: HandleTable | null = null
  value = 0
  dead = false
  waits: Set<Waiter> | null = null
  /** For a host handle: the set of handles its scope closes together (see the host's `own`). */
  hostSet: Set<HandleRef> | null = null

  /** A new handle; `counted` is false only for {@link move}, which hands over an existing count. */
  constructor(readonly object: KObject, readonly rights: number, counted = true) {
    if (counted) {
      object.handleCount++
      object.retain()
      object.kernel.liveHandles++
    }
  }

  /** Closes the handle: leaves its table, cancels its waits, and drops the object reference. */
  close(): void {
    if (this.dead) return
    this.dead = true
    if (this.owner !== null) this.owner.forget(this)
    if (this.hostSet !== null) this.hostSet.delete(this)
    this.cancelWaits()
    const object = this.object
    object.kernel.liveHandles--
    if (--object.handleCount === 0) object.onZeroHandles()
    object.release()
  }

  /** A new live handle for the same object and rights; this one dies without closing the object. */
  move(): HandleRef {
    if (this.dead) fail(Status.BAD_HANDLE)
    if (this.owner !== null) this.owner.forget(this)
    if (this.hostSet !== null) this.hostSet.delete(this)
    this.cancelWaits()
    this.dead = true
    return new HandleRef(this.object, this.rights, false)
  }

  private cancelWaits(): void {
    const waits = this.waits
    if (waits === null) return
    this.waits = null
    for (const w of waits) {
      if (!w.active) continue
      this.object.removeWaiter(w)
      w.wake(this.object.signals, true)
    }
  }
}

const MASK30 = 0x3fffffff

/**
 * A handle table: a process's, or the host's. Values have the two low bits set (as Zircon's do)
 * and come from a per-table bijective scramble of a counter, so a value is never reused within a
 * table and another table's values tell nothing about this one's.
 */
export class HandleTable {
  private readonly byValue = new Map<number, HandleRef>()
  private counter = 0

  constructor(private readonly salt: number) {}

  get size(): number {
    return this.byValue.size
  }

  private nextValue(): number {
    for (;;) {
      let x = (this.counter++ + this.salt) & MASK30
      x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) & MASK30
      x = Math.imul(x ^ (x >>> 12), 0x297a2d39) & MASK30
      x ^= x >>> 15
      const value = ((x << 2) | 3) >>> 0
      if (value !== 0xffffffff && !this.byValue.has(value)) return value
    }
  }

  /** Adds a handle that belongs to nobody and returns its value in this table. */
  add(ref: HandleRef): number {
    if (ref.dead || ref.owner !== null) fail(Status.BAD_HANDLE)
    const value = this.nextValue()
    ref.owner = this
    ref.value = value
    this.byValue.set(value, ref)
    return value
  }

  /** The live handle with this value, or undefined. */
  get(value: number): HandleRef | undefined {
    return this.byValue.get(value)
  }

  /** Removes a handle from the table without closing it. */
  forget(ref: HandleRef): void {
    if (ref.owner === this) {
      this.byValue.delete(ref.value)
      ref.owner = null
    }
  }

  /** Every live handle in the table. */
  values(): IterableIterator<HandleRef> {
    return this.byValue.values()
  }

  /** Closes every handle in the table (a dying process's). */
  closeAll(): void {
    const refs = Array.from(this.byValue.values())
    for (const ref of refs) ref.close()
  }
}
