/**
 * `npm run bench`: runs every entry in `entries/` (or those named on the command line) and prints
 * each row with its ratio against the named peer measured in the same run.
 *
 * @since 0.1.0
 */
import { readdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { type Entry, format } from "./Bench.js"

const here = dirname(fileURLToPath(import.meta.url))
const wanted = process.argv.slice(2)

const main = async () => {
  const files = readdirSync(join(here, "entries")).filter((f) => f.endsWith(".ts")).sort()
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(here, "entries", file)).href)) as { readonly entry?: Entry }
    const entry = mod.entry
    if (entry === undefined) continue
    if (wanted.length > 0 && !wanted.includes(entry.name)) continue
    process.stdout.write(`\n## ${entry.name}\n`)
    const rows = await entry.run()
    process.stdout.write(format(rows) + "\n")
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`)
  process.exit(1)
})
