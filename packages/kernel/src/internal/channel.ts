/**
 * Channels: pairs of endpoints carrying messages of bytes and handles. A message's handles travel
 * owned by nobody; if the endpoint they were queued on loses its last handle, they are closed.
 * @internal
 */
import { ObjectType } from "../ObjectType.js"
import { Rights } from "../Rights.js"
import { Signals } from "../Signals.js"
import { Status } from "../Status.js"
import { fail } from "./fail.js"
import type { HandleRef } from "./object.js"
import { KObject } from "./object.js"
import type { KernelState } from "./state.js"

/** The most bytes one message may carry. */
export const MAX_MSG_BYTES = 65536
/** The most handles one message may carry. */
export const MAX_MSG_HANDLES = 64
/**
 * The most messages an endpoint queues before writes to it fail with SHOULD_WAIT, so a guest that
 * floods a channel runs out of room instead of running the host out of memory.
 */
export const MAX_PENDING_MESSAGES = 3500
/** What a queued message costs the memory budget beside its bytes: its record and each handle's slot. */
const MESSAGE_OVERHEAD_BYTES = 64
const HANDLE_SLOT_BYTES = 8

const messageCost = (bytes: Uint8Array, handles: ReadonlyArray<HandleRef>): number =>
  MESSAGE_OVERHEAD_BYTES + bytes.length + HANDLE_SLOT_BYTES * handles.length

/** A queued message. */
export interface QueuedMessage {
  readonly bytes: Uint8Array
  readonly handles: Array<HandleRef>
}

export class ChannelObject extends KObject {
  peer: ChannelObject | null = null
  /** Messages from `head` on are queued; slots before it are spent (undefined). */
  readonly queue: Array<QueuedMessage | undefined> = []
  private head = 0
  /** Pending `channel_call`s on this endpoint, by transaction id: replies bypass the queue. */
  callWaiters: Map<number, (message: QueuedMessage | null) => void> | null = null

  constructor(kernel: KernelState) {
    super(kernel, ObjectType.CHANNEL)
    this.signals = Signals.CHANNEL_WRITABLE
  }

  static pair(kernel: KernelState): [ChannelObject, ChannelObject] {
    const a = new ChannelObject(kernel)
    const b = new ChannelObject(kernel)
    a.peer = b
    b.peer = a
    return [a, b]
  }

  override relatedKoid(): number {
    return this.peer?.koid ?? this.peerKoid
  }

  private peerKoid = 0

  get pending(): number {
    return this.queue.length - this.head
  }

  /**
   * Writes a message to the peer. `handles` are already checked and taken from the writer (owned
   * by nobody); on failure they are closed, as Zircon consumes them in every case.
   */
  write(bytes: Uint8Array, handles: Array<HandleRef>): void {
    const peer = this.peer
    if (peer === null) {
      for (const h of handles) h.close()
      fail(Status.PEER_CLOSED)
    }
    const waiters = peer!.callWaiters
    if (waiters !== null && bytes.length >= 4) {
      const txid = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0
      const waiter = waiters.get(txid)
      if (waiter !== undefined) {
        waiters.delete(txid)
        waiter({ bytes, handles })
        return
      }
    }
    if (peer!.pending >= MAX_PENDING_MESSAGES) {
      for (const h of handles) h.close()
      fail(Status.SHOULD_WAIT)
    }
    // A queued message is kernel memory: it counts against the budget until it is read or dropped.
    if (!this.kernel.memory.chargeBytes(messageCost(bytes, handles))) {
      for (const h of handles) h.close()
      fail(Status.NO_MEMORY)
    }
    peer!.queue.push({ bytes, handles })
    if (peer!.pending === 1) peer!.updateSignals(0, Signals.CHANNEL_READABLE)
  }

  /** The next message, without removing it. */
  peek(): QueuedMessage | undefined {
    return this.head < this.queue.length ? this.queue[this.head] : undefined
  }

  /** Removes and returns the next message. */
  take(): QueuedMessage {
    const m = this.queue[this.head]!
    this.queue[this.head++] = undefined
    this.kernel.memory.unchargeBytes(messageCost(m.bytes, m.handles))
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head)
      this.head = 0
    }
    if (this.pending === 0) {
      this.queue.length = 0
      this.head = 0
      this.updateSignals(Signals.CHANNEL_READABLE, 0)
    }
    return m
  }

  override signalPeer(): KObject | null {
    return this.peer
  }

  override onZeroHandles(): void {
    const peer = this.peer
    if (peer !== null) {
      // Calls waiting for a reply on the peer will never get one (null: peer closed).
      const waiters = peer.callWaiters
      peer.callWaiters = null
      if (waiters !== null) { for (const waiter of waiters.values()) waiter(null) }
      this.peerKoid = peer.koid
      peer.peerKoid = this.koid
      peer.peer = null
      this.peer = null
      peer.updateSignals(Signals.CHANNEL_WRITABLE, Signals.CHANNEL_PEER_CLOSED)
    }
    this.drain()
  }

  private drain(): void {
    while (this.pending > 0) {
      const m = this.take()
      for (const h of m.handles) h.close()
    }
  }

  protected override destroy(): void {
    this.drain()
  }
}

/** Checks a message's limits: OUT_OF_RANGE beyond 65,536 bytes or 64 handles. */
export const checkLimits = (byteCount: number, handleCount: number): void => {
  if (byteCount > MAX_MSG_BYTES || handleCount > MAX_MSG_HANDLES) fail(Status.OUT_OF_RANGE)
}

/**
 * Checks the handles a writer wants to send through `channel` and takes them out of their table.
 * All are checked before any moves: a dead or repeated handle is BAD_HANDLE, a missing TRANSFER
 * right ACCESS_DENIED, the channel's own handle NOT_SUPPORTED. Zircon consumes the handles even
 * when the write fails, so on any failure they are all closed.
 */
export const takeForTransfer = (
  channel: ChannelObject,
  refs: ReadonlyArray<HandleRef | undefined>
): Array<HandleRef> => {
  let status: number = Status.OK
  const seen = new Set<HandleRef>()
  for (const ref of refs) {
    if (ref === undefined || ref.dead || seen.has(ref)) {
      status = Status.BAD_HANDLE
      break
    }
    seen.add(ref)
  }
  if (status === Status.OK) {
    for (const ref of refs) {
      if (ref!.object === channel) {
        status = Status.NOT_SUPPORTED
        break
      }
      if ((ref!.rights & Rights.TRANSFER) === 0) {
        status = Status.ACCESS_DENIED
        break
      }
    }
  }
  if (status !== Status.OK) {
    // Every handle is consumed, including those after the one that failed the check.
    for (const ref of refs) ref?.close()
    fail(status)
  }
  return refs.map((ref) => ref!.move())
}
