import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import { assert, describe, it } from "@effect/vitest"
import * as HostDirectory from "@zxsim/fidl/HostDirectory"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { onKernel, runGuest } from "./run.js"

/** Both CPUs, the JIT as programs run on it (compiling what is hot): 100 guest runs stay quick. */
const cpus = [["interpreter", RiscvInterpreter.layer], ["jit", RiscvJit.layer]] as const

const platform = Layer.merge(NodeFileSystem.layer, NodePath.layer)

/** A tree a guest writes: names to file contents or subtrees. */
type Tree = ReadonlyMap<string, Uint8Array | Tree>

const name = FastCheck.stringMatching(/^[a-z0-9][a-z0-9._-]{0,11}$/).filter((n) => n !== "." && n !== "..")

const contents = FastCheck.oneof(
  { weight: 4, arbitrary: FastCheck.uint8Array({ maxLength: 64 }) },
  // Over 8192 bytes: more than one Write.
  { weight: 1, arbitrary: FastCheck.uint8Array({ minLength: 8190, maxLength: 9000 }) }
)

const tree: FastCheck.Arbitrary<Tree> = FastCheck.letrec<{ tree: Tree }>((tie) => ({
  tree: FastCheck.uniqueArray(
    FastCheck.tuple(name, FastCheck.oneof({ depthSize: "small", withCrossShrink: true }, contents, tie("tree"))),
    { maxLength: 4, selector: ([n]) => n }
  ).map((entries) => new Map(entries))
})).tree

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")

/** The lines `write_tree` reads: each directory before what it holds. */
const script = (t: Tree, prefix = ""): Array<string> =>
  [...t].flatMap(([n, entry]) =>
    entry instanceof Uint8Array
      ? [`f ${prefix}${n} ${hex(entry)}`]
      : [`d ${prefix}${n}`, ...script(entry, `${prefix}${n}/`)]
  )

/** What is on the host below `dir`, in the same shape. */
const readBack = (dir: string): Tree =>
  new Map(
    fs.readdirSync(dir).map((n) => {
      const full = path.join(dir, n)
      return [n, fs.statSync(full).isDirectory() ? readBack(full) : new Uint8Array(fs.readFileSync(full))] as const
    })
  )

const normalize = (t: Tree): unknown =>
  [...t].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map((
    [n, e]
  ) => [n, e instanceof Uint8Array ? hex(e) : normalize(e)])

describe("write_tree", () => {
  for (const [cpu, layer] of cpus) {
    it.effect(
      `any tree a guest writes into a read-write mount is on the host as written (${cpu})`,
      () =>
        Effect.promise(() =>
          FastCheck.assert(
            FastCheck.asyncProperty(tree, async (t) => {
              const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zxsim-tree-"))
              try {
                const outcome = await Effect.runPromise(onKernel(
                  layer,
                  Effect.gen(function*() {
                    const k = yield* Kernel.Kernel
                    const [client, server] = yield* k.channel.create()
                    yield* Effect.forkScoped(HostDirectory.serve(server, dir).pipe(Effect.provide(platform)))
                    return yield* runGuest("write_tree", {
                      args: ["/mnt"],
                      namespace: [{ path: "/mnt", directory: client }],
                      stdin: new TextEncoder().encode(script(t).map((l) => `${l}\n`).join(""))
                    })
                  })
                ))
                assert.strictEqual(outcome.returnCode, 0n, outcome.stderr)
                assert.deepStrictEqual(normalize(readBack(dir)), normalize(t))
              } finally {
                fs.rmSync(dir, { recursive: true, force: true })
              }
            }),
            { numRuns: 50 }
          )
        ),
      600_000
    )
  }
})
