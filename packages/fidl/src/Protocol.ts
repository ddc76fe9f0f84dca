/**
 * Protocol declarations: a protocol is a library name, a protocol name and its methods, each
 * with a request payload, a response payload (two-way methods only) and an ordinal computed from
 * its fully qualified name. Clients and servers (see `Transport`) work from these declarations.
 *
 * @since 0.1.0
 */
import * as Ordinal from "./Ordinal.js"
import type * as Wire from "./Wire.js"

/**
 * A declared method with request payload `Req` and response payload `Res`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Method<Req, Res> {
  /** The protocol's fully qualified name, `library/Protocol`. */
  readonly protocol: string
  /** The method's name. */
  readonly name: string
  /** The method's ordinal. */
  readonly ordinal: bigint
  /** Strict (dynamic flags 0) or flexible. */
  readonly strict: boolean
  /** The request payload (`Wire.empty` for none). */
  readonly request: Wire.Type<Req>
  /** The response payload; undefined for a one-way method. */
  readonly response: Wire.Type<Res> | undefined
}

/**
 * A method before it belongs to a protocol.
 *
 * @since 0.1.0
 * @category models
 */
export interface MethodSpec<Req, Res> {
  readonly request: Wire.Type<Req>
  readonly response: Wire.Type<Res> | undefined
  readonly strict: boolean
  /** Overrides the name hashed into the ordinal (FIDL's `@selector`). */
  readonly selector?: string
}

/**
 * A one-way method (no response).
 *
 * @since 0.1.0
 * @category utils
 */
export const oneWay = <Req>(
  request: Wire.Type<Req>,
  options?: { readonly strict?: boolean; readonly selector?: string }
): MethodSpec<Req, never> => ({
  request,
  response: undefined,
  strict: options?.strict ?? true,
  ...(options?.selector === undefined ? {} : { selector: options.selector })
})

/**
 * A two-way method.
 *
 * @since 0.1.0
 * @category utils
 */
export const twoWay = <Req, Res>(
  request: Wire.Type<Req>,
  response: Wire.Type<Res>,
  options?: { readonly strict?: boolean; readonly selector?: string }
): MethodSpec<Req, Res> => ({
  request,
  response,
  strict: options?.strict ?? true,
  ...(options?.selector === undefined ? {} : { selector: options.selector })
})

/**
 * The methods of a protocol declared with specs `S`.
 *
 * @since 0.1.0
 * @category models
 */
export type Methods<S extends Readonly<Record<string, MethodSpec<unknown, unknown>>>> = {
  readonly [K in keyof S]: S[K] extends MethodSpec<infer Req, infer Res> ? Method<Req, Res> : never
}

/**
 * A declared protocol.
 *
 * @since 0.1.0
 * @category models
 */
export interface Protocol<M extends Readonly<Record<string, Method<unknown, unknown>>>> {
  /** The library, `fuchsia.ldsvc`. */
  readonly library: string
  /** The protocol's name, `Loader`. */
  readonly name: string
  /** `library/Name`, as it appears in messages. */
  readonly qualifiedName: string
  /** The methods by name. */
  readonly methods: M
  /** The methods by ordinal, to dispatch requests. */
  readonly byOrdinal: ReadonlyMap<bigint, Method<unknown, unknown>>
}

/**
 * Declares protocol `library/name` with `specs`, computing every method's ordinal.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <const S extends Readonly<Record<string, MethodSpec<unknown, unknown>>>>(
  library: string,
  name: string,
  specs: S
): Protocol<Methods<S>> => {
  const qualifiedName = `${library}/${name}`
  const methods: Record<string, Method<unknown, unknown>> = {}
  const byOrdinal = new Map<bigint, Method<unknown, unknown>>()
  for (const [methodName, spec] of Object.entries(specs)) {
    const ordinal = spec.selector === undefined
      ? Ordinal.compute(library, name, methodName)
      : Ordinal.fromSelector(spec.selector.includes("/") ? spec.selector : `${library}/${name}.${spec.selector}`)
    const method: Method<unknown, unknown> = {
      protocol: qualifiedName,
      name: methodName,
      ordinal,
      strict: spec.strict,
      request: spec.request,
      response: spec.response
    }
    if (byOrdinal.has(ordinal)) throw new Error(`${qualifiedName}: two methods with ordinal ${Ordinal.format(ordinal)}`)
    methods[methodName] = method
    byOrdinal.set(ordinal, method)
  }
  return {
    library,
    name,
    qualifiedName,
    methods: methods as Methods<S>,
    byOrdinal
  }
}
