/**
 * Test support: a kernel built synchronously that lives for a whole test file (for synchronous
 * properties that need real handles), a pool of handles of several object types, and helpers.
 */
import type * as Wire from "@zxsim/fidl/Wire"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import type { ObjectTypeName } from "@zxsim/kernel/ObjectType"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Scope from "effect/Scope"

/** A kernel for synchronous use, with a scope that owns what is created through `run`. */
export interface FileKernel {
  readonly kernel: Kernel.KernelShape
  readonly scope: Scope.CloseableScope
  /** Runs a synchronous kernel effect, its handles owned by the file's scope. */
  readonly run: <A, E>(self: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>) => A
}

export const makeFileKernel = (): FileKernel => {
  const scope = Effect.runSync(Scope.make())
  const kernel = Effect.runSync(Scope.extend(Kernel.make(), scope))
  const run = <A, E>(self: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>): A =>
    Effect.runSync(self.pipe(Scope.extend(scope), Effect.provideService(Kernel.Kernel, kernel)))
  return { kernel, scope, run }
}

/** Handles of several object types, their infos, and an arbitrary source for `Wire.arbitrary`. */
export interface HandlePool {
  readonly vmos: ReadonlyArray<Handle.Vmo>
  readonly channels: ReadonlyArray<Handle.Channel>
  readonly byType: Readonly<Record<string, ReadonlyArray<Handle.Handle>>>
  readonly infos: ReadonlyMap<Handle.Handle, Wire.HandleInfo>
  readonly source: (type: ObjectTypeName | undefined) => FastCheck.Arbitrary<Handle.Handle>
  /** The infos of a list of handles from the pool, as the decoder wants them. */
  readonly infosOf: (handles: ReadonlyArray<Handle.Handle>) => ReadonlyArray<Wire.HandleInfo>
}

export const makeHandlePool = (fk: FileKernel): HandlePool => {
  const { kernel, run } = fk
  const vmos: Array<Handle.Vmo> = []
  const channels: Array<Handle.Channel> = []
  const sockets: Array<Handle.Handle> = []
  for (let i = 0; i < 4; i++) vmos.push(run(kernel.vmo.create(4096)))
  for (let i = 0; i < 2; i++) for (const h of run(kernel.channel.create())) channels.push(h)
  for (let i = 0; i < 2; i++) for (const h of run(kernel.socket.create())) sockets.push(h)
  const events: Array<Handle.Handle> = []
  for (let i = 0; i < 2; i++) events.push(run(kernel.event.create()))
  const byType: Record<string, ReadonlyArray<Handle.Handle>> = {
    VMO: vmos,
    CHANNEL: channels,
    SOCKET: sockets,
    EVENT: events
  }
  const all = [...vmos, ...channels, ...sockets, ...events]
  const infos = new Map<Handle.Handle, Wire.HandleInfo>()
  for (const handle of all) {
    const info = run(kernel.handle.info(handle))
    infos.set(handle, { handle, type: info.type, rights: info.rights })
  }
  return {
    vmos,
    channels,
    byType,
    infos,
    source: (type) => FastCheck.constantFrom(...(type === undefined ? all : byType[type])),
    infosOf: (handles) => handles.map((h) => infos.get(h)!)
  }
}

/** Bytes from a hex dump such as `"01 00 ff"` (whitespace and line breaks ignored). */
export const hex = (dump: string): Uint8Array => {
  const digits = dump.replace(/\s+/g, "")
  const out = new Uint8Array(digits.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** A hex dump of bytes, for failure messages. */
export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ")
