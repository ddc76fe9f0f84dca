/**
 * The browser bundling check: every library package a build and a run need, and the playground's
 * page and worker, bundle with esbuild for the browser platform (with the build setup Vite uses,
 * `browser.config.ts`) without importing a single Node built-in. A second case shows the check
 * catches one.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as esbuild from "esbuild"
import { builtinModules } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { conditions, libraryEntries, pageEntries } from "../browser.config.js"

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), "..")

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])

/** Bundles `contents` (an ES module) for the browser; returns the Node built-ins it imported, with their importers. */
const nodeImports = async (contents: string): Promise<Array<string>> => {
  const found: Array<string> = []
  await esbuild.build({
    stdin: { contents, resolveDir: packageDirectory, sourcefile: "browser-entries.ts", loader: "ts" },
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    target: "es2022",
    conditions: [...conditions],
    outdir: join(packageDirectory, "build", "bundle-check"),
    loader: { ".css": "empty" },
    logLevel: "silent",
    plugins: [{
      name: "refuse-node-builtins",
      setup(build) {
        build.onResolve({ filter: /.*/ }, (args) => {
          if (!builtins.has(args.path) && !args.path.startsWith("node:")) return undefined
          found.push(`${args.path} (imported by ${args.importer.replace(`${packageDirectory}/`, "")})`)
          return { path: args.path, external: true }
        })
      }
    }]
  })
  return found
}

describe("browser bundle", () => {
  it.live("the libraries, the page and its worker import no Node built-in", () =>
    Effect.promise(async () => {
      const entry = [
        ...libraryEntries.map((name, i) => `export * as library${i} from ${JSON.stringify(name)}`),
        ...pageEntries.map((file) => `import ${JSON.stringify(`./${file}`)}`)
      ].join("\n")
      assert.deepStrictEqual(await nodeImports(entry), [])
    }))

  it.live("a Node built-in anywhere in the graph is caught", () =>
    Effect.promise(async () => {
      const found = await nodeImports(
        `import { readFileSync } from "node:fs"\nimport * as path from "path"\nexport const f = [readFileSync, path]`
      )
      assert.deepStrictEqual(found.map((f) => f.split(" ")[0]), ["node:fs", "path"])
    }))
})
