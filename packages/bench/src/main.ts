/**
 * `npm run bench [-- NAME…]`: runs every entry in `entries/` (or those named) and prints each row
 * with its ratio against the named peer measured in the same run. `--list` names the entries.
 * The command line is parsed by `@effect/cli`, so `--help` describes it; an unknown entry name is
 * refused (exit status 2) before anything runs.
 *
 * @since 0.1.0
 */
import { Args, Command, Options } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { readdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { type Entry, format } from "./Bench.js"

const here = dirname(fileURLToPath(import.meta.url))

/** Every entry module's entry, in file-name order. */
const loadEntries: Effect.Effect<ReadonlyArray<Entry>> = Effect.promise(async () => {
  const files = readdirSync(join(here, "entries")).filter((f) => /\.[jt]s$/.test(f) && !f.endsWith(".d.ts")).sort()
  const entries: Array<Entry> = []
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(here, "entries", file)).href)) as { readonly entry?: Entry }
    if (mod.entry !== undefined) entries.push(mod.entry)
  }
  return entries
})

const names = Args.text({ name: "entry" }).pipe(
  Args.repeated,
  Args.withDescription("the entries to run (all when none is named)")
)
const list = Options.boolean("list").pipe(Options.withDescription("print the entries' names and stop"))

const bench = Command.make("bench", { names, list }, ({ list, names }) =>
  Effect.gen(function*() {
    const entries = yield* loadEntries
    if (list) return yield* Console.log(entries.map((e) => e.name).join("\n"))
    const unknown = names.filter((n) => !entries.some((e) => e.name === n))
    if (unknown.length > 0) {
      const known = entries.map((e) => e.name).join(", ")
      yield* Console.error(`bench: unknown entry ${unknown.join(", ")} (entries: ${known})`)
      return yield* Effect.sync(() => {
        process.exitCode = 2
      })
    }
    for (const entry of entries) {
      if (names.length > 0 && !names.includes(entry.name)) continue
      yield* Console.log(`\n## ${entry.name}`)
      const rows = yield* Effect.promise(() => entry.run())
      yield* Console.log(format(rows))
    }
  })).pipe(Command.withDescription("zxsim benchmarks, each against a named peer measured in the same run"))

const cli = Command.run(bench, { name: "bench", version: "0.1.0" })

cli(process.argv).pipe(Effect.provide(NodeContext.layer), NodeRuntime.runMain)
