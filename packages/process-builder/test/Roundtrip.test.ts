/**
 * Property tests through a running guest: whatever arguments and environment a builder is given
 * (any Unicode without NUL, empty strings, many entries), the dynamically linked test util reads
 * them back from its processargs message, through ld.so.1 and the C start-up, exactly; whatever
 * directory trees are mounted in its namespace, it walks and reads them as they are. It exits
 * cleanly, and nothing is left in the kernel afterwards.
 */
import { assert, describe, it } from "@effect/vitest"
import * as FuchsiaIo from "@zxsim/fidl/FuchsiaIo"
import * as PseudoDirectory from "@zxsim/fidl/PseudoDirectory"
import * as TestUtilClient from "@zxsim/fidl/TestUtilClient"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import * as BuiltProcess from "@zxsim/process-builder/BuiltProcess"
import * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import { cpus } from "./cpus.js"
import { onKernel } from "./fixtures.js"
import { binLoader, image } from "./guests.js"

/** Text without NUL: printable ASCII, any code point, or nothing at all. */
const text = (minLength: number) =>
  FastCheck.oneof(
    FastCheck.string({ minLength, maxLength: 16 }),
    FastCheck.string({ unit: "grapheme", minLength, maxLength: 12 })
  ).map((s) => s.replaceAll("\0", "\u{1F600}"))

/** `KEY=VALUE` with a key that has no `=` (the program splits at the first `=` after the first byte). */
const envVar = FastCheck.tuple(text(1).map((k) => k.replaceAll("=", "-")), text(0)).map(([k, v]) => `${k}=${v}`)

const argsArbitrary = FastCheck.array(text(0), { maxLength: 24 })
const envArbitrary = FastCheck.array(envVar, { maxLength: 24 })

/** A directory tree of one to four entries per directory: names any directory may hold, files with text contents. */
const treeArbitrary: FastCheck.Arbitrary<PseudoDirectory.Tree> =
  FastCheck.letrec<{ tree: PseudoDirectory.Tree }>((tie) => ({
    tree: FastCheck.dictionary(
      FastCheck.string({ unit: "grapheme", minLength: 1, maxLength: 10 })
        .filter((s) => FuchsiaIo.invalidName(s) === undefined && s !== "." && s !== ".."),
      FastCheck.oneof({ depthSize: "small", withCrossShrink: true }, text(0), tie("tree")),
      { minKeys: 1, maxKeys: 4 }
    )
  })).tree

/** One to three trees mounted at distinct top-level paths. */
const mountsArbitrary = FastCheck.uniqueArray(
  FastCheck.tuple(FastCheck.stringMatching(/^\/[a-z]{1,6}$/), treeArbitrary),
  { minLength: 1, maxLength: 3, selector: ([path]) => path }
)

const utf8 = new TextEncoder()
const byBytes = (a: string, b: string) => Buffer.compare(utf8.encode(a), utf8.encode(b))

/** What the program's namespace walk should list, and every file with its contents. */
const expectedWalk = (mounts: ReadonlyArray<readonly [string, PseudoDirectory.Tree]>) => {
  const paths: Array<string> = []
  const files: Array<readonly [string, string]> = []
  const visit = (tree: PseudoDirectory.Tree, prefix: string) => {
    for (const name of Object.keys(tree).sort(byBytes)) {
      const entry = tree[name]
      paths.push(`${prefix}/${name}`)
      if (typeof entry === "string") files.push([`${prefix}/${name}`, entry])
      else if (!(entry instanceof Uint8Array) && !(entry instanceof PseudoDirectory.Directory)) {
        visit(entry, `${prefix}/${name}`)
      }
    }
  }
  for (const [path, tree] of [...mounts].sort(([a], [b]) => byBytes(a, b))) {
    paths.push(path)
    visit(tree, path)
  }
  return { dump: paths.join(", "), files }
}

/**
 * Builds and starts the test util with `args`, `env` and `mounts` served in its namespace, and
 * returns what it reports (with `ask` run while it serves).
 */
const reported = (
  args: ReadonlyArray<string>,
  env: ReadonlyArray<string>,
  mounts: ReadonlyArray<readonly [string, PseudoDirectory.Tree]> = [],
  ask: (util: TestUtilClient.Util) => Effect.Effect<void, unknown> = () => Effect.void
) =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const executable = yield* k.vmo.fromBytes(image("process_builder_test_util"), { executable: true })
    const builder = yield* ProcessBuilder.make({
      name: "test_util",
      job: yield* k.job.root(),
      executable,
      systemVdso: yield* k.systemVdso()
    })
    const loader = yield* binLoader
    const [dirClient, dirServer] = yield* k.channel.create()
    yield* ProcessBuilder.addHandles(builder, [
      { handle: loader, info: HandleInfo.fromType("LdsvcLoader") },
      { handle: dirServer, info: HandleInfo.fromType("DirectoryRequest") }
    ])
    const entries: Array<ProcessBuilder.NamespaceEntry> = []
    for (const [path, tree] of mounts) {
      const [server, client] = yield* k.channel.create()
      yield* Effect.forkScoped(PseudoDirectory.serve(server, tree))
      entries.push({ path, directory: client })
    }
    yield* ProcessBuilder.addNamespaceEntries(builder, entries)
    yield* ProcessBuilder.addArguments(builder, args)
    yield* ProcessBuilder.addEnvironmentVariables(builder, env)
    const util = yield* TestUtilClient.connect(dirClient)
    // The program serves until its last connection closes: the directory's goes now, the Util one
    // once the answers are in.
    yield* k.handle.close(dirClient)
    const process = yield* BuiltProcess.start(yield* ProcessBuilder.build(builder))
    const result = {
      args: yield* util.getArguments,
      argCount: yield* util.getArgumentCount,
      env: yield* util.getEnvironment,
      envCount: yield* util.getEnvironmentCount
    }
    yield* ask(util)
    yield* util.close
    yield* k.object.waitOne(process, Signals.PROCESS_TERMINATED)
    return { ...result, returnCode: (yield* k.process.info(process)).returnCode }
  })

for (const [cpuName, cpu] of cpus.slice(0, 2)) {
  describe(`round trips through the test util on the ${cpuName}`, () => {
    it.live.prop(
      "the program reads back exactly the arguments and environment it was built with",
      [argsArbitrary, envArbitrary],
      ([args, env]) =>
        onKernel(
          Effect.gen(function*() {
            const r = yield* reported(args, env)
            assert.deepStrictEqual(r.args, args)
            assert.strictEqual(r.argCount, BigInt(args.length))
            assert.deepStrictEqual(r.env.map((e) => `${e.key}=${e.value}`), env)
            assert.strictEqual(r.envCount, BigInt(env.length))
            assert.strictEqual(r.returnCode, 0n)
          }),
          cpu
        ),
      { timeout: 60_000, fastCheck: { numRuns: 100 } }
    )

    it.live.prop(
      "the program walks and reads exactly the directory trees mounted in its namespace",
      [mountsArbitrary],
      ([mounts]) =>
        onKernel(
          Effect.gen(function*() {
            const want = expectedWalk(mounts)
            const r = yield* reported([], [], mounts, (util) =>
              Effect.gen(function*() {
                assert.strictEqual(yield* util.dumpNamespace, want.dump)
                for (const [path, contents] of want.files) assert.strictEqual(yield* util.readFile(path), contents)
              }))
            assert.strictEqual(r.returnCode, 0n)
          }),
          cpu
        ),
      { timeout: 60_000, fastCheck: { numRuns: 50 } }
    )
  })
}
