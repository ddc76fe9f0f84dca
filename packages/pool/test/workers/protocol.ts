/** The test worker's protocol. */
import * as Schema from "effect/Schema"

/** Answers with `text`. */
export class Echo extends Schema.TaggedRequest<Echo>()("Echo", {
  success: Schema.String,
  failure: Schema.Never,
  payload: { text: Schema.String }
}) {}

/** Never answers: spins without yielding to the event loop. */
export class Spin extends Schema.TaggedRequest<Spin>()("Spin", {
  success: Schema.Void,
  failure: Schema.Never,
  payload: {}
}) {}

/** Ends the worker thread. */
export class Die extends Schema.TaggedRequest<Die>()("Die", {
  success: Schema.Void,
  failure: Schema.Never,
  payload: {}
}) {}

/** Answers with the pool's `data` as JSON text ("undefined" when there is none). */
export class ReadData extends Schema.TaggedRequest<ReadData>()("ReadData", {
  success: Schema.String,
  failure: Schema.Never,
  payload: {}
}) {}

/** Every request of the test worker. */
export const TestRequest = Schema.Union(Echo, Spin, Die, ReadData)

/** The type of {@link TestRequest}. */
export type TestRequest = typeof TestRequest.Type
