/**
 * The difftest's worker protocol: a batch of random programs to run on both engines, by seed and
 * count, and what the batch found.
 */
import * as Schema from "effect/Schema"

/** One difference between the engines. */
export class Divergence extends Schema.Class<Divergence>("Divergence")({
  seed: Schema.Number,
  pass: Schema.Number,
  what: Schema.String
}) {}

/** What a batch did (the fields of `BatchResult`). */
export class BatchSummary extends Schema.Class<BatchSummary>("BatchSummary")({
  programs: Schema.Number,
  divergences: Schema.Array(Divergence),
  compiled: Schema.Number,
  total: Schema.Number,
  modules: Schema.Number,
  regions: Schema.Number
}) {}

/** Runs `count` programs drawn from `seed` on the interpreter and the JIT and compares them. */
export class DiffBatch extends Schema.TaggedRequest<DiffBatch>()("DiffBatch", {
  success: BatchSummary,
  failure: Schema.Never,
  payload: { seed: Schema.Number, count: Schema.Number }
}) {}
