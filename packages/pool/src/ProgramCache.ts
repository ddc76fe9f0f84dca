/**
 * Programs by content between a {@link GuestPool} and its workers. A request that names its ELF by
 * bytes (`ElfProgram`) would carry those bytes, and its libraries', to a worker on every run: base64
 * text encoded here, cloned to the worker's thread and decoded there. Instead each worker keeps the
 * executables and libraries it was sent, by SHA-256 digest, and the pool keeps a mirror of what
 * each worker holds: a file the worker holds goes by its digest alone ({@link Stored}), any other
 * with its bytes ({@link Sent}). Both sides keep the same bounded least-recently-used set
 * ({@link ContentLru}) and update it in the same order — the worker in the order it takes
 * requests, which is the order the pool sends them, one at a time per worker — so the mirror is
 * exact; should a worker still lack a digest (its thread replaced, a bug), it answers
 * {@link ProgramMissing} and the pool sends the run again with every file's bytes.
 *
 * A worker takes a {@link Sent} file's digest on trust: the pool computed it from the bytes it sends.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { createHash } from "node:crypto"
import * as GuestRun from "./GuestRun.js"

/**
 * A file's SHA-256 digest, as 64 lowercase hex digits.
 *
 * @since 0.1.0
 * @category models
 */
export const ProgramDigest = Schema.String.pipe(
  Schema.pattern(/^[0-9a-f]{64}$/, { message: () => "a SHA-256 digest is 64 lowercase hex digits" }),
  Schema.brand("ProgramDigest")
)

/**
 * The type of {@link ProgramDigest}.
 *
 * @since 0.1.0
 * @category models
 */
export type ProgramDigest = typeof ProgramDigest.Type

/**
 * The digest of `bytes`.
 *
 * @since 0.1.0
 * @category utils
 */
export const digestOf = (bytes: Uint8Array): ProgramDigest =>
  ProgramDigest.make(createHash("sha256").update(bytes).digest("hex"))

/**
 * A file sent with its bytes: the worker keeps them under `digest` for later runs.
 *
 * @since 0.1.0
 * @category models
 */
export class Sent extends Schema.TaggedClass<Sent>()("Sent", {
  digest: ProgramDigest,
  bytes: GuestRun.Bytes
}) {}

/**
 * A file the worker was sent before, by its digest alone.
 *
 * @since 0.1.0
 * @category models
 */
export class Stored extends Schema.TaggedClass<Stored>()("Stored", {
  digest: ProgramDigest
}) {}

/**
 * One file of a {@link CachedElf}: its bytes, or its digest.
 *
 * @since 0.1.0
 * @category utils
 */
export const File = Schema.Union(Sent, Stored)

/**
 * The type of {@link File}.
 *
 * @since 0.1.0
 * @category models
 */
export type File = typeof File.Type

/**
 * An `ElfProgram` as a pool sends it to a worker: the same name, each file sent or referred to by digest.
 *
 * @since 0.1.0
 * @category models
 */
export class CachedElf extends Schema.TaggedClass<CachedElf>()("CachedElf", {
  name: Schema.String,
  executable: File,
  libraries: Schema.optionalWith(Schema.Record({ key: Schema.String, value: File }), { exact: true })
}) {}

/**
 * A worker's answer to a {@link RunCached} naming files it does not hold: nothing was run.
 *
 * @since 0.1.0
 * @category errors
 */
export class ProgramMissing extends Schema.TaggedError<ProgramMissing>()("ProgramMissing", {
  digests: Schema.Array(ProgramDigest)
}) {}

const { _tag: _, program: __, ...runFields } = GuestRun.RunGuest.fields

/**
 * A {@link GuestRun.RunGuest} whose ELF program is a {@link CachedElf}: every other field is the
 * same, and the answer is the same `RunResult` (or `RunFailed`), or {@link ProgramMissing}.
 *
 * @since 0.1.0
 * @category models
 */
export class RunCached extends Schema.TaggedRequest<RunCached>()("RunCached", {
  success: GuestRun.RunResult,
  failure: Schema.Union(GuestRun.RunFailed, ProgramMissing),
  payload: { ...runFields, program: CachedElf }
}) {}

/**
 * What a guest pool sends its workers: a request as its caller made it, or a {@link RunCached}.
 *
 * @since 0.1.0
 * @category utils
 */
export const WorkerRequest = Schema.Union(GuestRun.RunGuest, RunCached)

/**
 * The type of {@link WorkerRequest}.
 *
 * @since 0.1.0
 * @category models
 */
export type WorkerRequest = typeof WorkerRequest.Type

/**
 * How many files, and how many of their bytes, each worker keeps (and the pool's mirror of it
 * expects it to keep). `entries: 0` turns the cache off: every run carries its bytes.
 *
 * @since 0.1.0
 * @category models
 */
export class Capacity extends Schema.Class<Capacity>("Capacity")({
  entries: Schema.optionalWith(Schema.NonNegativeInt, { default: () => 64 }),
  bytes: Schema.optionalWith(Schema.NonNegativeInt, { default: () => 64 * 1024 * 1024 })
}) {}

/**
 * What a pool's workers are told when they start (as `workerData`): the cache's capacity.
 *
 * @since 0.1.0
 * @category models
 */
export class WorkerConfig extends Schema.Class<WorkerConfig>("WorkerConfig")({
  capacity: Capacity
}) {}

/**
 * A least-recently-used set of files by digest, bounded by count and total size: a worker's store
 * (values are the bytes) and the pool's mirror of it (values are `true`). Two instances with the
 * same capacity that see the same calls in the same order hold the same digests.
 *
 * @since 0.1.0
 * @category models
 */
export class ContentLru<V> {
  /** Least recently used first (a Map iterates in insertion order). */
  private readonly entries = new Map<ProgramDigest, { readonly value: V; readonly size: number }>()
  private used = 0

  constructor(readonly capacity: Capacity) {}

  /**
   * The value under `digest`, made the most recently used; undefined when it is not held.
   *
   * @since 0.1.0
   */
  get(digest: ProgramDigest): V | undefined {
    const entry = this.entries.get(digest)
    if (entry === undefined) return undefined
    this.entries.delete(digest)
    this.entries.set(digest, entry)
    return entry.value
  }

  /**
   * Holds `value` (of `size` bytes) under `digest` as the most recently used, dropping the least
   * recently used past the capacity. A file larger than the whole capacity is not held.
   *
   * @since 0.1.0
   */
  set(digest: ProgramDigest, value: V, size: number): void {
    this.delete(digest)
    if (size > this.capacity.bytes || this.capacity.entries === 0) return
    this.entries.set(digest, { value, size })
    this.used += size
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.capacity.entries && this.used <= this.capacity.bytes) break
      this.entries.delete(oldest)
      this.used -= entry.size
    }
  }

  /**
   * Drops `digest`.
   *
   * @since 0.1.0
   */
  delete(digest: ProgramDigest): void {
    const entry = this.entries.get(digest)
    if (entry === undefined) return
    this.entries.delete(digest)
    this.used -= entry.size
  }

  /**
   * The digests held, least recently used first.
   *
   * @since 0.1.0
   */
  get digests(): ReadonlyArray<ProgramDigest> {
    return Array.from(this.entries.keys())
  }
}

/** Library names in the order both sides visit them (sorted: an object's own key order is not everywhere the same). */
const libraryNames = (libraries: Readonly<Record<string, unknown>>): ReadonlyArray<string> =>
  Object.keys(libraries).sort()

/**
 * The files of an ELF program with their digests, computed once per run.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProgramFiles {
  readonly name: string
  readonly executable: { readonly digest: ProgramDigest; readonly bytes: Uint8Array }
  readonly libraries:
    | ReadonlyArray<readonly [string, { readonly digest: ProgramDigest; readonly bytes: Uint8Array }]>
    | undefined
}

/**
 * The files of `program` with their digests.
 *
 * @since 0.1.0
 * @category utils
 */
export const filesOf = (program: GuestRun.ElfProgram): ProgramFiles => ({
  name: program.name,
  executable: { digest: digestOf(program.bytes), bytes: program.bytes },
  libraries: program.libraries === undefined
    ? undefined
    : libraryNames(program.libraries).map((name) => {
      const bytes = program.libraries![name]
      return [name, { digest: digestOf(bytes), bytes }] as const
    })
})

/**
 * What one run did to the traffic: files sent with their bytes and files sent by digest.
 *
 * @since 0.1.0
 * @category models
 */
export interface Traffic {
  readonly sent: number
  readonly stored: number
}

/**
 * The {@link CachedElf} for `files` to a worker whose store `mirror` mirrors: each file the mirror
 * holds by digest, each other one with its bytes (and now in the mirror, as the worker will keep
 * it). `sendAll` sends every file's bytes. The files are visited executable first, then the
 * libraries by name, as {@link resolve} visits them in the worker.
 *
 * @since 0.1.0
 * @category utils
 */
export const prepare = (
  files: ProgramFiles,
  mirror: ContentLru<true>,
  sendAll: boolean
): { readonly program: CachedElf; readonly traffic: Traffic } => {
  let sent = 0
  let stored = 0
  const file = (f: { readonly digest: ProgramDigest; readonly bytes: Uint8Array }): File => {
    if (!sendAll && mirror.get(f.digest) !== undefined) {
      stored++
      return new Stored({ digest: f.digest })
    }
    mirror.set(f.digest, true, f.bytes.length)
    sent++
    return new Sent({ digest: f.digest, bytes: f.bytes })
  }
  const executable = file(files.executable)
  const libraries = files.libraries === undefined
    ? undefined
    : Object.fromEntries(files.libraries.map(([name, f]) => [name, file(f)] as const))
  return {
    program: new CachedElf({ name: files.name, executable, ...(libraries === undefined ? {} : { libraries }) }),
    traffic: { sent, stored }
  }
}

/**
 * The `ElfProgram` a worker runs for `program`, its files taken from (and kept in) `store`; or
 * {@link ProgramMissing} with every digest the store does not hold. Every file is visited whether
 * or not an earlier one was missing, in {@link prepare}'s order, so the store changes as the pool's
 * mirror did.
 *
 * @since 0.1.0
 * @category utils
 */
export const resolve = (
  program: CachedElf,
  store: ContentLru<Uint8Array>
): GuestRun.ElfProgram | ProgramMissing => {
  const missing: Array<ProgramDigest> = []
  const bytesOf = (file: File): Uint8Array => {
    if (file._tag === "Sent") {
      store.set(file.digest, file.bytes, file.bytes.length)
      return file.bytes
    }
    const held = store.get(file.digest)
    if (held === undefined) missing.push(file.digest)
    return held ?? new Uint8Array(0)
  }
  const bytes = bytesOf(program.executable)
  const libraries = program.libraries === undefined
    ? undefined
    : Object.fromEntries(
      libraryNames(program.libraries).map((name) => [name, bytesOf(program.libraries![name])] as const)
    )
  if (missing.length > 0) return new ProgramMissing({ digests: missing })
  return new GuestRun.ElfProgram({ name: program.name, bytes, ...(libraries === undefined ? {} : { libraries }) })
}
