/**
 * Serving a directory with HostDirectory in a test and asking it things, on whatever `FileSystem`
 * and `Path` the test provides (the host's, or an in-memory one).
 */
import * as HostDirectory from "@zxsim/fidl/HostDirectory"
import * as IoClient from "@zxsim/fidl/IoClient"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Status } from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"

/** `root` served on a fresh channel (read-only if asked): its client end; the server ends with the scope. */
export const serveDirectory = (root: string, readOnly = false) =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const [client, server] = yield* kernel.channel.create()
    const fiber = yield* Effect.fork(HostDirectory.serve(server, root, { readOnly }))
    yield* Effect.addFinalizer(() => Effect.zipRight(Effect.ignore(kernel.handle.close(client)), Fiber.join(fiber)))
    return client
  })

/** The status an Open of `p` with `flags` ends with (OK, or the server's). */
export const openStatus = (dir: Handle.Channel, p: string, flags: number) =>
  Effect.gen(function*() {
    const opened = yield* Effect.either(IoClient.openDescribed(dir, p, flags))
    if (Either.isLeft(opened)) return opened.left._tag === "IoError" ? opened.left.status : Status.INTERNAL
    yield* IoClient.close(opened.right.channel)
    return Status.OK
  })
