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

const mount = (host: string, guestPath: string) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const [client, server] = yield* k.channel.create()
    yield* Effect.forkScoped(HostDirectory.serve(server, host, { readOnly: false }).pipe(Effect.provide(platform)))
    return { path: guestPath, directory: client }
  })

describe("threads", () => {
  for (const [cpu, layer] of cpus) {
    // Live clock: the timed wait must really time out.
    it.live(
      `pthreads: producers and consumers under a mutex and condition variables, mutex kinds, once, keys, timed wait, detach, C11 threads, pipes, CPU time (${cpu})`,
      () =>
        onKernel(
          layer,
          Effect.gen(function*() {
            const outcome = yield* runGuest("pthreads", { args: ["300"] })
            assert.strictEqual(outcome.returnCode, 0n, outcome.stdout + outcome.stderr)
            const lines = outcome.stdout.split("\n")
            assert.include(lines, "producer/consumer items=600 sum=900090300")
            for (
              const check of [
                "create",
                "producer/consumer",
                "recursive mutex",
                "error-checking mutex",
                "once",
                "keys",
                "timedwait",
                "detach",
                "pthread_exit and errno",
                "c11 threads",
                "stdio",
                "pipe",
                "cpu time"
              ]
            ) assert.include(lines, `${check}: ok`)
            // Every thread's 50 lines came out whole.
            for (let t = 0; t < 3; t++) {
              for (let i = 0; i < 50; i++) {
                assert.include(lines, `line from thread ${t} number ${String(i).padStart(2, "0")} of 50`)
              }
            }
            assert.strictEqual(lines.at(-2), "pthreads: ok")
          })
        ),
      120_000
    )
  }
})

describe("exit writes out open streams", () => {
  for (const [cpu, layer] of cpus) {
    for (const from of ["main", "thread"]) {
      it.live(
        `fopen and fdopen streams, never flushed or closed, are written by exit from ${from} (${cpu})`,
        () =>
          onKernel(
            layer,
            Effect.gen(function*() {
              const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zxsim-exit-"))
              const outcome = yield* runGuest("exit_flush", {
                args: [from, "/data/out.txt"],
                namespace: [yield* mount(dir, "/data")]
              })
              assert.strictEqual(outcome.returnCode, 3n, outcome.stderr)
              assert.strictEqual(outcome.stdout, "fdopen")
              assert.strictEqual(fs.readFileSync(path.join(dir, "out.txt"), "utf8"), "fopen /data/out.txt")
              fs.rmSync(dir, { recursive: true })
            })
          ),
        120_000
      )
    }
  }
})
