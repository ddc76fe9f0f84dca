import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "../../..")
const readme = readFileSync(join(here, "../README.md"), "utf8")

/** The README's TypeScript blocks, in order. */
const blocks = Array.from(readme.matchAll(/```ts\n([\s\S]*?)```/g), (m) => m[1])

describe("pool README", () => {
  it("its pool program runs as written on worker threads and prints what the README says", () => {
    const example = blocks[0]
    assert.include(example, "GuestPool.layer")
    // Run from the repository root, as a reader would, so package imports resolve.
    const dir = mkdtempSync(join(here, ".readme-"))
    const file = join(dir, "example.ts")
    writeFileSync(file, example)
    try {
      const output = execFileSync(process.execPath, ["--conditions=@zxsim/source", "--import", "tsx", file], {
        cwd: root,
        timeout: 100_000
      }).toString()
      assert.strictEqual(output, "exit 1\nexit 2\nexit 3\nexit 4\nhello\npool\n")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it("names the cluster example's commands that exist", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
    assert.include(pkg.scripts.cluster, "packages/pool/examples/cluster/main.ts")
    assert.include(readme, "npm run cluster -- --runners 3 --runs 1000 --kill-one")
  })
})
