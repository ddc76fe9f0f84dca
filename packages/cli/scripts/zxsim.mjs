/**
 * `npm run zxsim`: runs the zxsim command from one bundled file of its TypeScript sources and their
 * dependencies, rebuilt with esbuild whenever a source or package manifest is newer than it. Node
 * then starts the command in about a third of a second instead of compiling every module on each
 * run (as `tsx packages/cli/src/bin.ts` does, in about 1.7 s on this machine).
 *
 * The bundle lives in node_modules/.cache/zxsim/ and is replaced atomically, so runs started
 * together never see a half-written one. Plain JavaScript: it must run before anything is compiled.
 */
import { build } from "esbuild"
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..")
const cacheDir = join(root, "node_modules", ".cache", "zxsim")
const bundle = join(cacheDir, "zxsim.mjs")

/** The newest modification time among the files under `dir` (recursively), or 0. */
const newestUnder = (dir) => {
  let newest = 0
  if (!existsSync(dir)) return newest
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs)
  }
  return newest
}

/** The newest modification time of what the bundle is built from: every package's sources and manifests, and the lock file. */
const newestInput = () => {
  let newest = Math.max(statSync(join(root, "package.json")).mtimeMs, statSync(join(root, "package-lock.json")).mtimeMs)
  const packages = join(root, "packages")
  for (const name of readdirSync(packages)) {
    newest = Math.max(newest, newestUnder(join(packages, name, "src")))
    const manifest = join(packages, name, "package.json")
    if (existsSync(manifest)) newest = Math.max(newest, statSync(manifest).mtimeMs)
  }
  return newest
}

if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestInput()) {
  const result = await build({
    entryPoints: [join(root, "packages", "cli", "src", "bin.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    logLevel: "warning",
    // The workspace packages resolve to their TypeScript sources, not to a build in dist/.
    conditions: ["@zxsim/source"],
    // Each workspace source keeps its own import.meta.url (Guests finds the packaged programs
    // beside itself), not the bundle's.
    plugins: [{
      name: "zxsim-import-meta-url",
      setup(build) {
        build.onLoad({ filter: /\/packages\/[^/]+\/src\/.*\.ts$/ }, (args) => {
          const source = readFileSync(args.path, "utf8")
          if (!source.includes("import.meta.url")) return undefined
          return {
            contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)),
            loader: "ts"
          }
        })
      }
    }],
    // Some dependencies are CommonJS and call require.
    banner: {
      js:
        "import { createRequire as __zxsimCreateRequire } from 'node:module'; const require = __zxsimCreateRequire(import.meta.url);"
    }
  })
  mkdirSync(cacheDir, { recursive: true })
  const temporary = `${bundle}.${process.pid}.tmp`
  writeFileSync(temporary, result.outputFiles[0].contents)
  renameSync(temporary, bundle)
}

await import(pathToFileURL(bundle).href)
