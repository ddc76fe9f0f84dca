/**
 * Worker entry points as plain JavaScript. The workspace's packages export their TypeScript
 * sources, which a worker thread or a child process started by plain Node cannot load. So an
 * entry module is bundled with esbuild — with everything it imports but esbuild and native
 * modules, into one ES module — into `node_modules/.cache/zxsim/workers/`, and rebuilt only when
 * one of the files it was built from changed (esbuild's metafile lists them). A thread then loads
 * one file instead of compiling TypeScript or resolving a thousand small modules (Effect's and
 * ours), and the same file serves vitest, tsx and plain Node alike.
 *
 * The same works where the packages are installed from npm: the entry is then the built
 * JavaScript in `dist/`, bundled without the workspace's source condition, and the cache is the
 * `node_modules/.cache` the package was installed into (the system's temporary directory when
 * there is none).
 *
 * `import.meta.url` keeps meaning the source module's own location inside the bundle, so
 * modules that find files beside themselves (the prebuilt guests) still find them.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, dirname, join, resolve, sep } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

/**
 * The bundle could not be built (a syntax or resolution error in the entry or what it imports).
 *
 * @since 0.1.0
 * @category errors
 */
export class BundleError extends Data.TaggedError("BundleError")<
  { readonly entry: string; readonly message: string; readonly cause?: unknown }
> {}

/**
 * The `node_modules` directory this module belongs to: the one it is installed in, or in the
 * workspace (where it is a TypeScript source) the nearest one above it; null when there is none.
 */
const nodeModules = (): string | null => {
  const here = fileURLToPath(import.meta.url)
  const installed = here.lastIndexOf(`${sep}node_modules${sep}`)
  if (installed >= 0) return here.slice(0, installed + `${sep}node_modules`.length)
  for (let dir = dirname(here); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules"))) return join(dir, "node_modules")
  }
  return null
}

/**
 * Where bundles are kept: `node_modules/.cache/zxsim/workers` (the convention of tools that cache
 * builds), or a directory of the system's temporary one when no `node_modules` is found.
 *
 * @since 0.1.0
 * @category utils
 */
export const cacheDirectory: string = (() => {
  const modules = nodeModules()
  return modules === null
    ? join(tmpdir(), "zxsim-cache", "workers")
    : join(modules, ".cache", "zxsim", "workers")
})()

/** Whether `path` is one of this project's modules (in the workspace or installed), whose `import.meta.url` matters. */
const isOwnModule = (path: string): boolean =>
  !path.includes(`${sep}node_modules${sep}`) || path.includes(`${sep}node_modules${sep}@zxsim${sep}`)

interface Manifest {
  readonly inputs: ReadonlyArray<string>
}

/** Whether `bundle` exists and is newer than every file it was built from. */
const upToDate = (bundle: string, manifest: string): boolean => {
  if (!existsSync(bundle) || !existsSync(manifest)) return false
  const built = statSync(bundle).mtimeMs
  const inputs = (JSON.parse(readFileSync(manifest, "utf8")) as Manifest).inputs
  for (const input of inputs) {
    if (!existsSync(input) || statSync(input).mtimeMs > built) return false
  }
  return true
}

/** Writes `contents` to `path` through a temporary file, so a concurrent reader sees the old file or the new one. */
const writeAtomically = (path: string, contents: string | Uint8Array): void => {
  const temporary = `${path}.${process.pid}.${Math.floor(performance.now() * 1000)}.tmp`
  writeFileSync(temporary, contents)
  renameSync(temporary, path)
}

const buildBundle = async (
  entry: string,
  bundle: string,
  manifest: string,
  external: ReadonlyArray<string>
): Promise<void> => {
  const esbuild = await import("esbuild")
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    // Some dependencies are CommonJS and call require.
    banner: {
      js:
        "import { createRequire as __zxsimCreateRequire } from 'node:module'; const require = __zxsimCreateRequire(import.meta.url);"
    },
    metafile: true,
    absWorkingDir: dirname(entry),
    // A TypeScript entry is the workspace's: its packages resolve to their TypeScript sources, not
    // to a build in dist/. A JavaScript one (an installed package's) imports the builds.
    conditions: /\.[cm]?ts$/.test(entry) ? ["@zxsim/source"] : [],
    logLevel: "silent",
    plugins: [{
      name: "zxsim-workspace",
      setup(build) {
        // Packages named external stay so: Node loads them from node_modules at run time.
        build.onResolve(
          { filter: /^[^./]/ },
          (args) =>
            external.some((name) => args.path === name || args.path.startsWith(`${name}/`))
              ? { path: args.path, external: true }
              : undefined
        )
        // Each source keeps its own import.meta.url (a define works on the syntax tree, so the
        // words inside strings and comments stay as they are).
        build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
          if (!isOwnModule(args.path)) return undefined
          const source = readFileSync(args.path, "utf8")
          if (!source.includes("import.meta.url")) return undefined
          const transformed = await esbuild.transform(source, {
            loader: /\.[cm]?ts$/.test(args.path) ? "ts" : "js",
            format: "esm",
            sourcefile: args.path,
            define: { "import.meta.url": JSON.stringify(pathToFileURL(args.path).href) }
          })
          return { contents: transformed.code, loader: "js", resolveDir: dirname(args.path) }
        })
      }
    }]
  })
  const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(dirname(entry), input))
  mkdirSync(dirname(bundle), { recursive: true })
  writeAtomically(bundle, result.outputFiles[0].contents)
  writeAtomically(manifest, JSON.stringify({ inputs } satisfies Manifest))
}

/**
 * Packages left out of every bundle and loaded by Node at run time: esbuild itself and packages
 * with native code (their `.node` binaries cannot be bundled).
 *
 * @since 0.1.0
 * @category utils
 */
export const defaultExternal: ReadonlyArray<string> = ["esbuild", "better-sqlite3", "msgpackr-extract"]

/**
 * How a bundle is built.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Package names left external (with their subpaths); {@link defaultExternal} when absent. */
  readonly external?: ReadonlyArray<string>
}

/**
 * The path of a JavaScript bundle of `entry` (a TypeScript or JavaScript module path) and
 * everything it imports, built now if it is missing or older than any file it was built from.
 *
 * @since 0.1.0
 * @category utils
 */
export const ensure = (entry: string, options: Options = {}): Effect.Effect<string, BundleError> =>
  Effect.gen(function*() {
    const external = options.external ?? defaultExternal
    const absolute = resolve(entry)
    const key = createHash("sha256").update(absolute).update(JSON.stringify(external)).digest("hex").slice(0, 12)
    const stem = basename(absolute).replace(/\.[cm]?[jt]s$/, "")
    const bundle = join(cacheDirectory, `${stem}-${key}.mjs`)
    const manifest = join(cacheDirectory, `${stem}-${key}.json`)
    if (upToDate(bundle, manifest)) return bundle
    yield* Effect.tryPromise({
      try: () => buildBundle(absolute, bundle, manifest, external),
      catch: (cause) =>
        new BundleError({ entry: absolute, message: cause instanceof Error ? cause.message : String(cause), cause })
    })
    return bundle
  }).pipe(Effect.withSpan("WorkerBundle.ensure", { attributes: { entry } }))
