import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..")
const readme = readFileSync(join(root, "README.md"), "utf8")

/** The README's TypeScript blocks, in order. */
const blocks = Array.from(readme.matchAll(/```ts\n([\s\S]*?)```/g), (m) => m[1])

describe("README", () => {
  it("its set-up and test commands are the ones CI runs", () => {
    const ci = readFileSync(join(root, ".ci/run"), "utf8")
    assert.include(readme, "```sh\nnpm ci\n```")
    assert.include(readme, "```sh\nnpm test\n```")
    assert.match(ci, /^npm ci$/m)
    assert.match(ci, /^npm test$/m)
  })

  it("its builder example runs as written and prints the guest's output", () => {
    const example = blocks[0]
    assert.include(example, "ProcessBuilder.build")
    // Run from the repository root, as a reader would, so package imports and paths resolve.
    const dir = mkdtempSync(join(root, "packages/bench/test/.readme-"))
    const file = join(dir, "example.ts")
    writeFileSync(file, example)
    try {
      const output = execFileSync(process.execPath, ["--conditions=@zxsim/source", "--import", "tsx", file], {
        cwd: root
      }).toString()
      assert.strictEqual(output, "hello\nfrom\nzxsim\n 0\n")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
