/**
 * Events and event pairs: objects that are only signals. An event's SIGNALED and user signals are
 * set and cleared by whoever holds a handle with SIGNAL; an event pair's two ends signal each
 * other (`object_signal_peer`), and an end learns of the other's last handle closing through
 * PEER_CLOSED.
 * @internal
 */
import { ObjectType } from "../ObjectType.js"
import { Signals } from "../Signals.js"
import { KObject } from "./object.js"
import type { KernelState } from "./state.js"

/** The signals `object_signal` may change on an event or an event pair end. */
const EVENT_SIGNALS = (Signals.USER_ALL | Signals.EVENT_SIGNALED) >>> 0

export class EventObject extends KObject {
  constructor(kernel: KernelState) {
    super(kernel, ObjectType.EVENT)
  }

  override signalable(): number {
    return EVENT_SIGNALS
  }
}

export class EventPairObject extends KObject {
  peer: EventPairObject | null = null
  private peerKoid = 0

  constructor(kernel: KernelState) {
    super(kernel, ObjectType.EVENTPAIR)
  }

  static pair(kernel: KernelState): [EventPairObject, EventPairObject] {
    const a = new EventPairObject(kernel)
    const b = new EventPairObject(kernel)
    a.peer = b
    b.peer = a
    return [a, b]
  }

  override relatedKoid(): number {
    return this.peer?.koid ?? this.peerKoid
  }

  override signalable(): number {
    return EVENT_SIGNALS
  }

  override signalPeer(): KObject | null {
    return this.peer
  }

  override onZeroHandles(): void {
    const peer = this.peer
    if (peer === null) return
    this.peerKoid = peer.koid
    peer.peerKoid = this.koid
    peer.peer = null
    this.peer = null
    peer.updateSignals(0, Signals.OBJECT_PEER_CLOSED)
  }
}
