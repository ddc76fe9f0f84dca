/**
 * A read-only `FileSystem` for the browser: a fixed set of files, each at a path and fetched from
 * a URL the first time it is read (then kept). In the playground the files are the packaged guest
 * programs at the paths `Guests.path` gives, so the library reads them as it does on Node —
 * `Guests.read`, a loader over `Guests.binDirectory` — with only this layer swapped for Node's.
 *
 * Directories are the parents of the files. Anything that would change the file system fails with
 * a `PermissionDenied` error, and a path that is not there with `NotFound`.
 *
 * @since 0.1.0
 */
import { SystemError, type SystemErrorReason } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

const failure = (reason: SystemErrorReason, method: string, path: string, description: string) =>
  new SystemError({ module: "FileSystem", method, reason, pathOrDescriptor: path, description })

const readOnly = (method: string) => (path: string) =>
  Effect.fail(failure("PermissionDenied", method, path, "the file system is read-only"))

/** Without trailing slashes (but `/` stays `/`). */
const normalize = (path: string) => (path.length > 1 ? path.replace(/\/+$/, "") : path)

const info = (type: FileSystem.File.Type, size: number): FileSystem.File.Info => ({
  type,
  mtime: Option.none(),
  atime: Option.none(),
  birthtime: Option.none(),
  dev: 0,
  ino: Option.none(),
  mode: type === "Directory" ? 0o555 : 0o444,
  nlink: Option.none(),
  uid: Option.none(),
  gid: Option.none(),
  rdev: Option.none(),
  size: FileSystem.Size(size),
  blksize: Option.none(),
  blocks: Option.none()
})

/**
 * How a file's bytes are fetched: the platform's `fetch` in the browser; a test may pass its own.
 *
 * @since 0.1.0
 * @category models
 */
export type Fetch = (url: string) => Promise<Uint8Array>

/**
 * Fetches with the global `fetch`, refusing an answer that is not 2xx.
 *
 * @since 0.1.0
 * @category fetching
 */
export const fetchBytes: Fetch = async (url) => {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  return new Uint8Array(await response.arrayBuffer())
}

/**
 * The file system holding `files` (path to URL), fetched with `fetcher`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (files: ReadonlyMap<string, string>, fetcher: Fetch = fetchBytes): FileSystem.FileSystem => {
  const urls = new Map(Array.from(files, ([path, url]) => [normalize(path), url]))
  const directories = new Set<string>(["/"])
  for (const path of urls.keys()) {
    for (let at = path.lastIndexOf("/"); at > 0; at = path.lastIndexOf("/", at - 1)) {
      directories.add(path.slice(0, at))
    }
  }
  const cache = new Map<string, Uint8Array>()
  const readFile = (path: string): Effect.Effect<Uint8Array, SystemError> => {
    const file = normalize(path)
    const cached = cache.get(file)
    if (cached !== undefined) return Effect.succeed(cached)
    const url = urls.get(file)
    if (url === undefined) {
      return Effect.fail(
        directories.has(file)
          ? failure("BadResource", "readFile", path, "is a directory")
          : failure("NotFound", "readFile", path, "no such file")
      )
    }
    return Effect.tryPromise({
      try: () => fetcher(url),
      catch: (cause) => failure("Unknown", "readFile", path, cause instanceof Error ? cause.message : String(cause))
    }).pipe(Effect.tap((bytes) => Effect.sync(() => cache.set(file, bytes))))
  }
  return FileSystem.makeNoop({
    exists: (path) => Effect.succeed(urls.has(normalize(path)) || directories.has(normalize(path))),
    readFile,
    stat: (path) => {
      const file = normalize(path)
      if (directories.has(file)) return Effect.succeed(info("Directory", 0))
      if (!urls.has(file)) return Effect.fail(failure("NotFound", "stat", path, "no such file"))
      return Effect.map(readFile(file), (bytes) => info("File", bytes.length))
    },
    readDirectory: (path) => {
      const directory = normalize(path)
      if (!directories.has(directory)) {
        return Effect.fail(failure("NotFound", "readDirectory", path, "no such directory"))
      }
      const prefix = directory === "/" ? "/" : `${directory}/`
      const names = new Set<string>()
      for (const entry of [...urls.keys(), ...directories]) {
        if (entry.startsWith(prefix) && entry.length > prefix.length) {
          names.add(entry.slice(prefix.length).split("/")[0])
        }
      }
      return Effect.succeed(Array.from(names).sort())
    },
    makeDirectory: readOnly("makeDirectory"),
    makeTempDirectory: () => readOnly("makeTempDirectory")("/"),
    makeTempDirectoryScoped: () => readOnly("makeTempDirectoryScoped")("/"),
    makeTempFile: () => readOnly("makeTempFile")("/"),
    makeTempFileScoped: () => readOnly("makeTempFileScoped")("/"),
    remove: readOnly("remove"),
    writeFile: readOnly("writeFile")
  })
}

/**
 * {@link make} as the `FileSystem` layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (files: ReadonlyMap<string, string>, fetcher?: Fetch): Layer.Layer<FileSystem.FileSystem> =>
  Layer.sync(FileSystem.FileSystem, () => make(files, fetcher))
