/**
 * `GuestCluster`: guest runs spread over a fleet of runner processes with `@effect/cluster`.
 *
 * A guest run is a `GuestRun` entity whose one message is the {@link GuestRun.RunGuest} request
 * itself (an RPC made from the `Schema.TaggedRequest`), persisted: the client writes each request
 * to the cluster's SQL storage before any runner sees it, a runner answers by writing the
 * {@link GuestRun.RunResult} beside it, and the client reads that reply. Each run is its own
 * entity (its id a cluster-wide snowflake), so runs hash evenly over the shards and the shards
 * over the runners. When a runner dies, its shard locks expire, live runners take its shards,
 * and the runs it had not answered are delivered again from storage: every submitted run gets
 * exactly one reply (a run cut short is run again from its start; guest runs are deterministic
 * and have no effects outside their kernel, so running one twice is harmless), or its caller
 * a `RunFailed` when the cluster could not take the request.
 *
 * Storage is whatever `SqlClient` the layers get: `@effect/sql-sqlite-node`'s `SqliteClient` for
 * runners on one machine, `@effect/sql-pg`'s `PgClient` (one database every runner reaches) for
 * runners on many. Runners talk to each other over TCP (`NodeClusterSocket`).
 *
 * @since 0.1.0
 */
import * as ClusterSchema from "@effect/cluster/ClusterSchema"
import * as Entity from "@effect/cluster/Entity"
import { RunnerAddress } from "@effect/cluster/RunnerAddress"
import * as Sharding from "@effect/cluster/Sharding"
import type * as ShardingConfig from "@effect/cluster/ShardingConfig"
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket"
import type * as SocketServer from "@effect/platform/SocketServer"
import * as Rpc from "@effect/rpc/Rpc"
import type * as SqlClient from "@effect/sql/SqlClient"
import type { ConfigError } from "effect/ConfigError"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as GuestRun from "./GuestRun.js"
import { GuestRunner, type GuestRunnerShape } from "./GuestRunner.js"

/** The entity's message: the guest-run request as an RPC, its reply the result. */
export const RunGuestRpc = Rpc.fromTaggedRequest(GuestRun.RunGuest)

/** The guest-run entity: one per run, its message persisted in the cluster's storage. */
export const GuestRunEntity = Entity.make("GuestRun", [RunGuestRpc]).annotateRpcs(ClusterSchema.Persisted, true)

/**
 * Sharding settings for a small fleet that should notice a dead runner within seconds rather
 * than the library's default of about a minute: shard locks refreshed every second and expiring
 * after five, assignments and unprocessed messages looked at every second, replies every 100 ms.
 */
export const quickFailover: Partial<ShardingConfig.ShardingConfig["Type"]> = {
  shardsPerGroup: 60,
  shardLockRefreshInterval: "1 second",
  shardLockExpiration: "5 seconds",
  refreshAssignmentsInterval: "1 second",
  entityMessagePollInterval: "1 second",
  entityReplyPollInterval: "100 millis",
  runnerHealthCheckInterval: "2 seconds",
  sendRetryInterval: "100 millis",
  entityMaxIdleTime: "5 seconds"
}

/** How a runner joins the fleet. */
export interface RunnerOptions {
  /** The host other runners and clients reach this runner at. */
  readonly host: string
  /** Its TCP port. */
  readonly port: number
  /** Sharding settings besides the address ({@link quickFailover}, or the library's defaults). */
  readonly sharding?: Partial<ShardingConfig.ShardingConfig["Type"]>
  /** Runs a runner carries out at once (the guest runner in its context may queue them further). */
  readonly concurrency?: number
}

/**
 * The entity's handler on this runner: each request goes to the {@link GuestRunner} in context
 * (the in-process runner, or a `GuestPool` to use every core of the runner's machine).
 */
export const layerEntity = (
  options: { readonly concurrency?: number; readonly maxIdleTime?: Duration.DurationInput } = {}
) =>
  GuestRunEntity.toLayer(
    Effect.map(GuestRunner, (runner) =>
      GuestRunEntity.of({
        RunGuest: (envelope) => runner.run(envelope.payload)
      })),
    {
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.maxIdleTime === undefined ? {} : { maxIdleTime: options.maxIdleTime })
    }
  )

/**
 * A runner process's part of the fleet: it registers with the others through the storage, serves
 * the entity on the shards it holds, and leaves (releasing its shards) when the layer is released.
 */
export const layerRunner = (
  options: RunnerOptions
): Layer.Layer<never, SocketServer.SocketServerError | ConfigError, GuestRunner | SqlClient.SqlClient> =>
  layerEntity(options.concurrency === undefined ? {} : { concurrency: options.concurrency }).pipe(
    Layer.provide(NodeClusterSocket.layer({
      storage: "sql",
      shardingConfig: {
        ...options.sharding,
        runnerAddress: Option.some(RunnerAddress.make({ host: options.host, port: options.port }))
      }
    }))
  )

/** How a client reaches the fleet. */
export interface ClientOptions {
  /** Sharding settings; they must agree with the runners' (shards per group, intervals). */
  readonly sharding?: Partial<ShardingConfig.ShardingConfig["Type"]>
}

/**
 * Makes the {@link GuestRunner} of a cluster client: each run becomes a new entity whose one
 * message is the request; the answer is its reply. Needs the cluster's `Sharding`.
 */
export const makeClient: Effect.Effect<GuestRunnerShape, never, Sharding.Sharding> = Effect.gen(function*() {
  const sharding = yield* Sharding.Sharding
  const client = yield* GuestRunEntity.client
  return {
    run: (request: GuestRun.RunGuest) =>
      Effect.flatMap(sharding.getSnowflake, (id) => client(String(id)).RunGuest(request)).pipe(
        Effect.catchAll((error) =>
          error._tag === "RunFailed"
            ? Effect.fail(error)
            : Effect.fail(new GuestRun.RunFailed({ reason: "Cluster", message: `${error._tag}: ${describe(error)}` }))
        ),
        Effect.withSpan("GuestCluster.run", {
          attributes: { program: GuestRun.programName(request.program), cpu: request.cpu }
        })
      )
  }
})

const describe = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error && typeof error.message === "string"
    ? error.message
    : String(error)

/**
 * The fleet as the {@link GuestRunner} of a client process: runs go to whichever runner holds
 * their shard. The client serves no shards itself.
 */
export const layerClient = (options: ClientOptions = {}): Layer.Layer<GuestRunner, ConfigError, SqlClient.SqlClient> =>
  Layer.effect(GuestRunner, makeClient).pipe(
    Layer.provide(NodeClusterSocket.layer({
      clientOnly: true,
      storage: "sql",
      ...(options.sharding === undefined ? {} : { shardingConfig: options.sharding })
    }))
  )
