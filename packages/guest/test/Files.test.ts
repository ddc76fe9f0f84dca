import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import { assert, describe, it } from "@effect/vitest"
import * as HostDirectory from "@zxsim/fidl/HostDirectory"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { cpus, onKernel, runGuest } from "./run.js"

const platform = Layer.merge(NodeFileSystem.layer, NodePath.layer)

/** A host directory served read-write or read-only, as a namespace entry at `guestPath`. */
const mount = (host: string, guestPath: string, readOnly: boolean) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const [client, server] = yield* k.channel.create()
    yield* Effect.forkScoped(HostDirectory.serve(server, host, { readOnly }).pipe(Effect.provide(platform)))
    return { path: guestPath, directory: client }
  })

const temporary = (files: Record<string, string> = {}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zxsim-files-"))
  for (const [name, contents] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), contents)
  return dir
}

describe("files over fuchsia.io", () => {
  for (const [cpu, layer] of cpus) {
    it.effect(
      `files: every step and errno through a read-write and a read-only mount (${cpu})`,
      () =>
        onKernel(
          layer,
          Effect.gen(function*() {
            const rw = temporary()
            const ro = temporary({ "hello.txt": "hello\n" })
            const outcome = yield* runGuest("files", {
              args: ["/data", "/ro"],
              namespace: [yield* mount(rw, "/data", false), yield* mount(ro, "/ro", true)]
            })
            assert.include(outcome.stdout, "files: all steps passed", outcome.stdout)
            assert.strictEqual(outcome.returnCode, 0n)
            assert.deepStrictEqual(fs.readdirSync(rw), [])
            assert.deepStrictEqual(fs.readdirSync(ro), ["hello.txt"])
          })
        ),
      120_000
    )
  }
})
