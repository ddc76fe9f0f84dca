/**
 * process_builder_test_util end to end, on the interpreter CPU, through the TypeScript client of
 * test.processbuilder/Util and pseudo-directories for its namespace: what the seed's tests ask of
 * it, and the edges of its directory and connections.
 */
import { assert, describe, it } from "@effect/vitest"
import * as FuchsiaIo from "@zxsim/fidl/FuchsiaIo"
import * as Message from "@zxsim/fidl/Message"
import * as PseudoDirectory from "@zxsim/fidl/PseudoDirectory"
import * as TestUtilClient from "@zxsim/fidl/TestUtilClient"
import * as Transport from "@zxsim/fidl/Transport"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import { Status } from "@zxsim/kernel/Status"
import type * as ProcessBuilder from "@zxsim/process-builder/ProcessBuilder"
import * as HandleInfo from "@zxsim/processargs/HandleInfo"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { cpus, loaderFiles, onKernel, type Outcome, runGuest } from "./run.js"

/** What a session with the running test util gives its body. */
interface Session {
  readonly util: TestUtilClient.Util
  readonly directory: Handle.Channel
  readonly process: Handle.Process
}

/**
 * Starts the test util with a DirectoryRequest handle, connects a Util client through the
 * directory (keeping the directory client open only when asked), runs `body`, closes the client,
 * and returns how the program ended.
 */
const withUtil = (
  options: {
    readonly args?: ReadonlyArray<string>
    readonly env?: ReadonlyArray<string>
    readonly lifecycle?: Handle.Channel
    readonly namespace?: ReadonlyArray<ProcessBuilder.NamespaceEntry>
    readonly keepDirectory?: boolean
  },
  body: (session: Session) => Effect.Effect<void, unknown, Kernel.Kernel | Scope.Scope>
): Effect.Effect<Outcome, unknown, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const k = yield* Kernel.Kernel
    const [directory, directoryRequest] = yield* k.channel.create()
    const handles = [{ handle: directoryRequest, info: HandleInfo.fromType("DirectoryRequest") }]
    if (options.lifecycle !== undefined) {
      handles.push({ handle: options.lifecycle, info: HandleInfo.fromType("Lifecycle") })
    }
    return yield* runGuest("process_builder_test_util", {
      args: options.args ?? [],
      env: options.env ?? [],
      handles,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      loader: loaderFiles(),
      whileRunning: (process) =>
        Effect.gen(function*() {
          const util = yield* TestUtilClient.connect(directory)
          if (options.keepDirectory !== true) {
            yield* k.handle.close(directory)
          }
          yield* body({ util, directory, process })
          yield* util.close
          if (options.keepDirectory === true) yield* Effect.ignore(k.handle.close(directory))
        })
    })
  })

const exitedCleanly = (outcome: Outcome) => {
  assert.strictEqual(outcome.returnCode, 0n, outcome.stderr)
  assert.strictEqual(outcome.stderr, "")
}

for (const [cpuName, cpu] of cpus) {
  describe(`process_builder_test_util on the ${cpuName}`, () => {
    it.live("answers GetArguments, GetArgumentCount, GetEnvironment and GetEnvironmentCount", () =>
      onKernel(
        cpu,
        Effect.gen(function*() {
          const outcome = yield* withUtil(
            { args: ["arg0", "arg1", "arg2"], env: ["VAR1=value2", "VAR2=value2", "=lead=x", "NOEQUALS", "", "E="] },
            ({ util }) =>
              Effect.gen(function*() {
                assert.deepStrictEqual(yield* util.getArguments, ["process_builder_test_util", "arg0", "arg1", "arg2"])
                assert.strictEqual(yield* util.getArgumentCount, 4n)
                assert.deepStrictEqual(yield* util.getEnvironment, [
                  { key: "VAR1", value: "value2" },
                  { key: "VAR2", value: "value2" },
                  { key: "=lead", value: "x" },
                  { key: "E", value: "" }
                ])
                assert.strictEqual(yield* util.getEnvironmentCount, 4n)
              })
          )
          exitedCleanly(outcome)
        })
      ))

    it.live("10,000 arguments and 10,000 environment variables: the counts; the arguments reply is too big and ends the connection", () =>
      onKernel(
        cpu,
        Effect.gen(function*() {
          const many = Array.from({ length: 10_000 }, () => "arg")
          const outcome = yield* withUtil({ args: many.slice(1) }, ({ util }) =>
            Effect.gen(function*() {
              assert.strictEqual(yield* util.getArgumentCount, 10_000n)
              const failure = yield* Effect.flip(util.getArguments)
              assert.strictEqual(failure._tag, "UtilConnectionClosed")
            }))
          exitedCleanly(outcome)
          const env = Array.from({ length: 10_000 }, () => "a=b")
          const envOutcome = yield* withUtil({ env }, ({ util }) =>
            Effect.gen(function*() {
              assert.strictEqual(yield* util.getEnvironmentCount, 10_000n)
            }))
          exitedCleanly(envOutcome)
        })
      ))

    it.live("GetLifecycleKoid: the Lifecycle handle's koid for the first connection, 0 for later ones and without one", () =>
      onKernel(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const [local, remote] = yield* k.channel.create()
          const koid = (yield* k.handle.info(remote)).koid
          const outcome = yield* withUtil(
            { lifecycle: remote, keepDirectory: true },
            ({ directory, util }) =>
              Effect.gen(function*() {
                assert.strictEqual(yield* util.getLifecycleKoid, BigInt(koid))
                const second = yield* TestUtilClient.connect(directory)
                assert.strictEqual(yield* second.getLifecycleKoid, 0n)
                yield* second.close
                // The program took the handle and closed it: the local end sees its peer gone.
                assert.isTrue(
                  ((yield* k.object.waitOne(local, Signals.CHANNEL_PEER_CLOSED)) & Signals.CHANNEL_PEER_CLOSED) !== 0
                )
              })
          )
          exitedCleanly(outcome)
          const without = yield* withUtil({}, ({ util }) =>
            Effect.gen(function*() {
              assert.strictEqual(yield* util.getLifecycleKoid, 0n)
            }))
          exitedCleanly(without)
        })
      ))

    it.live("DumpNamespace and ReadFile over pseudo-directories", () =>
      onKernel(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const serve = (tree: PseudoDirectory.Tree) =>
            Effect.gen(function*() {
              const [client, server] = yield* k.channel.create()
              yield* Effect.forkScoped(PseudoDirectory.serve(server, tree))
              return client
            })
          const content1 = "test content 1 12345678901234567890"
          const content2 = "test content 2 98765432109876543210"
          const big = "x".repeat(20_000)
          const namespace = [
            { path: "/dir2", directory: yield* serve({ test_file2: content2 }) },
            { path: "/dir1", directory: yield* serve({ test_file1: content1 }) },
            {
              path: "/deep/er",
              directory: yield* serve({
                sub: { leaf: "leaf", "b-file": "b" },
                big,
                binary: new Uint8Array([0xff, 0xfe])
              })
            }
          ]
          const outcome = yield* withUtil({ namespace }, ({ util }) =>
            Effect.gen(function*() {
              assert.strictEqual(
                yield* util.dumpNamespace,
                "/deep, /deep/er, /deep/er/big, /deep/er/binary, /deep/er/sub, /deep/er/sub/b-file, /deep/er/sub/leaf, /dir1, /dir1/test_file1, /dir2, /dir2/test_file2"
              )
              // Asked twice: each walk lists from the beginning.
              assert.include(yield* util.dumpNamespace, "/dir2/test_file2")
              assert.strictEqual(yield* util.readFile("/dir1/test_file1"), content1)
              assert.strictEqual(yield* util.readFile("/dir2/test_file2"), content2)
              assert.strictEqual(yield* util.readFile("/deep/er/sub/leaf"), "leaf")
              assert.strictEqual(yield* util.readFile("/deep/./er/sub/../big"), big)
              assert.strictEqual(yield* util.readFile("/dir1/missing"), "read_to_string failed: NOT_FOUND")
              assert.strictEqual(yield* util.readFile("/nowhere/file"), "read_to_string failed: NOT_FOUND")
              assert.strictEqual(yield* util.readFile("/dir1"), "read_to_string failed: NOT_FILE")
              assert.strictEqual(
                yield* util.readFile("/deep/er/binary"),
                "read_to_string failed: stream did not contain valid UTF-8"
              )
            }))
          exitedCleanly(outcome)
        })
      ))

    it.live("the directory: other paths get NOT_FOUND, other methods end it; connections past 10 wait their turn", () =>
      onKernel(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const outcome = yield* withUtil({ keepDirectory: true }, ({ directory, util }) =>
            Effect.gen(function*() {
              // An unknown path: the object channel is closed with the epitaph NOT_FOUND.
              const [object, objectServer] = yield* k.channel.create()
              yield* Transport.send(directory, FuchsiaIo.Directory.methods.Open, {
                flags: 1,
                mode: 0,
                path: "svc",
                object: objectServer
              })
              yield* k.object.waitOne(object, Signals.CHANNEL_PEER_CLOSED)
              const epitaph = yield* k.channel.read(object)
              assert.deepStrictEqual(epitaph.bytes, Message.encodeEpitaph(Status.NOT_FOUND))
              // Eleven more connections: with the first, ten are served at once; the others wait
              // until a connection closes.
              const clients = yield* Effect.forEach(Array.from({ length: 11 }), () => TestUtilClient.connect(directory))
              const count = (c: TestUtilClient.Util) =>
                Effect.flatMap(c.getArgumentCount, (n) => Effect.sync(() => assert.strictEqual(n, 1n)))
              yield* Effect.forEach(clients.slice(0, 9), count)
              const waiting = yield* Effect.fork(Effect.zip(count(clients[9]!), count(clients[10]!)))
              for (let i = 0; i < 3; i++) yield* count(clients[1]!)
              assert.isTrue(Option.isNone(yield* Fiber.poll(waiting)))
              yield* util.close
              yield* clients[0]!.close
              yield* Fiber.join(waiting)
              yield* Effect.forEach(clients, (c) => c.close)
              // Close on the directory: answered, then the directory channel ends.
              const reply = yield* Transport.call(directory, FuchsiaIo.Directory.methods.Close, undefined)
              assert.deepStrictEqual(reply, { _tag: "response", value: {} })
            }))
          exitedCleanly(outcome)
        })
      ))

    it.live("an unknown Util method ends its connection with NOT_SUPPORTED; other connections go on", () =>
      onKernel(
        cpu,
        Effect.gen(function*() {
          const k = yield* Kernel.Kernel
          const outcome = yield* withUtil({ keepDirectory: true }, ({ directory, util }) =>
            Effect.gen(function*() {
              const other = yield* TestUtilClient.connect(directory)
              yield* k.handle.close(directory)
              const request = new Uint8Array(16)
              const view = new DataView(request.buffer)
              view.setUint32(0, 7, true)
              view.setUint16(4, 2, true)
              request[7] = 1
              view.setBigUint64(8, 0x1234n, true)
              yield* k.channel.write(other.channel, request)
              yield* k.object.waitOne(other.channel, Signals.CHANNEL_PEER_CLOSED)
              assert.deepStrictEqual(
                (yield* k.channel.read(other.channel)).bytes,
                Message.encodeEpitaph(Status.NOT_SUPPORTED)
              )
              yield* other.close
              assert.strictEqual(yield* util.getArgumentCount, 1n)
            }))
          exitedCleanly(outcome)
        })
      ))

    it.live("without a DirectoryRequest handle it exits 2 with a message", () =>
      onKernel(
        cpu,
        Effect.gen(function*() {
          const outcome = yield* runGuest("process_builder_test_util", { loader: loaderFiles() })
          assert.strictEqual(outcome.returnCode, 2n)
          assert.strictEqual(outcome.stderr, "process_builder_test_util: no DirectoryRequest handle\n")
        })
      ))
  })
}
