/**
 * Spans on the builder's stages only where someone can see them.
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as Tracer from "effect/Tracer"

/** The tracer Effect runs with when none is installed: its native in-memory one. */
const defaultTracer: Tracer.Tracer = Effect.runSync(Effect.tracer)

/**
 * `Effect.withSpan(name, options)` when a tracer is installed (an OpenTelemetry exporter, the
 * `zxsim` command's stage tracer behind `--trace` and `--stats`), and the effect unchanged under
 * Effect's default tracer, whose spans nothing records: a span costs microseconds (a clock read,
 * the span object, a context provide), a sizeable share of a spawn that runs a dozen stages.
 */
export const stage =
  (name: string, options?: Tracer.SpanOptions) => <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(Effect.tracer, (tracer) => (tracer === defaultTracer ? self : Effect.withSpan(self, name, options)))
