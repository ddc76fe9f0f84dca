/**
 * A tracer that records every span (name, depth, start, end, outcome), so the `zxsim` command can
 * print the build's stages with their durations (`--trace`) and time per stage (`--stats`) from
 * the same spans a production tracer would export.
 *
 * @since 0.1.0
 */
import type * as Context from "effect/Context"
import type * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

/**
 * One finished (or still open) span.
 *
 * @since 0.1.0
 * @category models
 */
export interface Stage {
  readonly name: string
  /** Nesting depth: 0 for a root span. */
  readonly depth: number
  readonly startNanos: bigint
  endNanos: bigint | undefined
  ok: boolean
}

let nextId = 0

class RecordedSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId: string
  readonly traceId: string
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  links: Array<Tracer.SpanLink>

  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind,
    readonly stage: Stage
  ) {
    this.status = { _tag: "Started", startTime }
    this.spanId = `span${nextId++}`
    this.traceId = Option.isSome(parent) ? parent.value.traceId : `trace${nextId}`
    this.links = Array.from(links)
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    this.stage.endNanos = endTime
    this.stage.ok = exit._tag === "Success"
  }

  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }

  event(): void {}

  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    for (const link of links) this.links.push(link)
  }
}

const depthOf = (parent: Option.Option<Tracer.AnySpan>): number => {
  let depth = 0
  let current = parent
  while (Option.isSome(current) && current.value._tag === "Span") {
    depth++
    current = current.value.parent
  }
  return depth
}

/**
 * A tracer recording into `stages`, in start order.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (stages: Array<Stage>): Tracer.Tracer =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const stage: Stage = { name, depth: depthOf(parent), startNanos: startTime, endNanos: undefined, ok: true }
      stages.push(stage)
      return new RecordedSpan(name, parent, context, links, startTime, kind, stage)
    },
    context: (f) => f()
  })

/**
 * A stage's duration in milliseconds (0 while it is open).
 *
 * @since 0.1.0
 * @category utils
 */
export const millis = (stage: Stage): number =>
  stage.endNanos === undefined ? 0 : Number(stage.endNanos - stage.startNanos) / 1e6

/**
 * The stages as an indented list with durations, one per line.
 *
 * @since 0.1.0
 * @category utils
 */
export const format = (stages: ReadonlyArray<Stage>): string =>
  stages
    .map((s) => `${"  ".repeat(s.depth)}${s.name}  ${millis(s).toFixed(3)} ms${s.ok ? "" : "  (failed)"}`)
    .join("\n")
