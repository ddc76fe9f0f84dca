/**
 * Executable VMOs kept between runs on one kernel, by content. The JIT's translations belong to
 * the physical frames they were compiled from, so a program run again from the VMO it ran from
 * before runs the code compiled then instead of compiling it again. At most `capacity` programs
 * are kept, the least recently run dropped first; each run gets a handle of its own.
 * @internal
 */
import type * as Handle from "@zxsim/kernel/Handle"
import type * as Kernel from "@zxsim/kernel/Kernel"
import type { ZxError } from "@zxsim/kernel/ZxError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { createHash } from "node:crypto"

interface Entry {
  readonly vmo: Handle.Vmo
  /** The scope the kept handle lives in: closing it drops the program. */
  readonly scope: Scope.CloseableScope
}

/** Programs kept per kernel when no capacity is given. */
const DEFAULT_CAPACITY = 16

export class ExecutableCache {
  /** By content and name, least recently run first (a Map iterates in insertion order). */
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly kernel: Kernel.KernelShape, private readonly capacity = DEFAULT_CAPACITY) {}

  /** A handle, the caller's own (closed with its scope), to an executable VMO holding `bytes` named `name`. */
  get(bytes: Uint8Array, name: string): Effect.Effect<Handle.Vmo, ZxError, Scope.Scope> {
    return Effect.gen(this, function*() {
      const key = `${createHash("sha256").update(bytes).digest("hex")}/${name}`
      let entry = this.entries.get(key)
      if (entry === undefined) {
        const scope = yield* Scope.make()
        const vmo = yield* this.kernel.vmo.fromBytes(bytes, { name, executable: true }).pipe(
          Scope.extend(scope),
          Effect.onError(() => Scope.close(scope, Exit.void))
        )
        entry = { vmo, scope }
        this.entries.set(key, entry)
        for (const [oldest, dropped] of this.entries) {
          if (this.entries.size <= this.capacity) break
          this.entries.delete(oldest)
          yield* Scope.close(dropped.scope, Exit.void)
        }
      } else {
        // Most recently run: to the end of the order.
        this.entries.delete(key)
        this.entries.set(key, entry)
      }
      return yield* this.kernel.handle.duplicate(entry.vmo)
    })
  }

  /** Drops every kept program (their VMOs go once no process maps them). */
  readonly clear: Effect.Effect<void> = Effect.suspend(() => {
    const all = Array.from(this.entries.values())
    this.entries.clear()
    return Effect.forEach(all, (entry) => Scope.close(entry.scope, Exit.void), { discard: true })
  })
}
