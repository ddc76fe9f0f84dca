/**
 * Stream sockets: pairs of endpoints moving bytes with bounded buffers. A guest's stdout and
 * stderr are sockets handed to it as PA_FD handles.
 * @internal
 */
import { ObjectType } from "../ObjectType.js"
import { Signals } from "../Signals.js"
import { Status } from "../Status.js"
import { fail } from "./fail.js"
import { KObject } from "./object.js"
import type { KernelState } from "./state.js"

/** Bytes a socket endpoint buffers before writes to it fail with SHOULD_WAIT. */
export const SOCKET_CAPACITY = 256 * 1024

export class SocketObject extends KObject {
  peer: SocketObject | null = null
  private buffer = new Uint8Array(0)
  private start = 0
  private end = 0
  private peerKoid = 0

  constructor(kernel: KernelState) {
    super(kernel, ObjectType.SOCKET)
    this.signals = Signals.SOCKET_WRITABLE
  }

  static pair(kernel: KernelState): [SocketObject, SocketObject] {
    const a = new SocketObject(kernel)
    const b = new SocketObject(kernel)
    a.peer = b
    b.peer = a
    return [a, b]
  }

  override relatedKoid(): number {
    return this.peer?.koid ?? this.peerKoid
  }

  /** Bytes waiting to be read from this endpoint. */
  get buffered(): number {
    return this.end - this.start
  }

  /** Writes as much of `data` as the peer has room for; SHOULD_WAIT when it has none. */
  write(data: Uint8Array): number {
    const peer = this.peer
    if (peer === null) fail(Status.PEER_CLOSED)
    const room = SOCKET_CAPACITY - peer!.buffered
    if (data.length > 0 && room === 0) fail(Status.SHOULD_WAIT)
    const n = Math.min(room, data.length)
    // Buffered bytes are kernel memory: they count against the budget until they are read.
    if (n > 0 && !this.kernel.memory.chargeBytes(n)) fail(Status.NO_MEMORY)
    peer!.append(data.subarray(0, n))
    if (peer!.buffered >= SOCKET_CAPACITY) this.updateSignals(Signals.SOCKET_WRITABLE, 0)
    return n
  }

  private append(data: Uint8Array): void {
    if (data.length === 0) return
    const wasEmpty = this.buffered === 0
    if (this.end + data.length > this.buffer.length) {
      const live = this.buffer.subarray(this.start, this.end)
      const next = new Uint8Array(Math.max(4096, (live.length + data.length) * 2))
      next.set(live)
      this.buffer = next
      this.end = live.length
      this.start = 0
    }
    this.buffer.set(data, this.end)
    this.end += data.length
    if (wasEmpty) this.updateSignals(0, Signals.SOCKET_READABLE)
  }

  /** Reads up to `max` bytes; SHOULD_WAIT when empty, PEER_CLOSED when empty and the peer is gone. */
  read(max: number): Uint8Array {
    if (this.buffered === 0) fail(this.peer === null ? Status.PEER_CLOSED : Status.SHOULD_WAIT)
    const n = Math.min(max, this.buffered)
    const out = this.buffer.slice(this.start, this.start + n)
    this.start += n
    this.kernel.memory.unchargeBytes(n)
    if (this.buffered === 0) {
      this.start = 0
      this.end = 0
      if (this.buffer.length > 65536) this.buffer = new Uint8Array(0)
      this.updateSignals(Signals.SOCKET_READABLE, 0)
    }
    if (this.peer !== null && this.buffered < SOCKET_CAPACITY) this.peer.updateSignals(0, Signals.SOCKET_WRITABLE)
    return out
  }

  override signalPeer(): KObject | null {
    return this.peer
  }

  protected override destroy(): void {
    // Bytes nobody will read give their memory back.
    this.kernel.memory.unchargeBytes(this.buffered)
    this.start = 0
    this.end = 0
    this.buffer = new Uint8Array(0)
  }

  override onZeroHandles(): void {
    const peer = this.peer
    if (peer !== null) {
      this.peerKoid = peer.koid
      peer.peerKoid = this.koid
      peer.peer = null
      this.peer = null
      peer.updateSignals(Signals.SOCKET_WRITABLE, Signals.SOCKET_PEER_CLOSED)
    }
  }
}
