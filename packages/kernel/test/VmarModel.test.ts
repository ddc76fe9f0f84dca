/**
 * The address space against a reference model: random sequences of allocate, map, unmap, protect
 * and destroy run on the kernel and on a plain model (sorted arrays, every rule written out the
 * simple way); each call must answer the status the model predicts and leave the layout the model
 * holds. Placement the model cannot predict (randomized) is checked for validity, and compact
 * placement for being the lowest spot. One case builds tens of thousands of mappings.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import * as Scope from "effect/Scope"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Status from "@zxsim/kernel/Status"
import { align, VmOption } from "@zxsim/kernel/VmOptions"
import type { ZxError } from "@zxsim/kernel/ZxError"
import { type Baseline, failureOf, kernel, PAGE, runCase, withKernel } from "./support.js"

const { CAN_MAP_READ, CAN_MAP_SPECIFIC, CAN_MAP_WRITE, COMPACT, PERM_READ, PERM_WRITE, SPECIFIC, SPECIFIC_OVERWRITE } = VmOption
const S = Status.Status
const VMO_PAGES = 8

interface MMapping {
  readonly kind: "map"
  base: number
  size: number
  perms: number
  /** The permissions the mapping may ever have (its VMAR's CAN_MAP bits when it was made). */
  readonly maxPerms: number
  parent: MVmar
}

interface MVmar {
  readonly kind: "vmar"
  readonly base: number
  readonly size: number
  /** PERM_READ/PERM_WRITE bits its CAN_MAP_READ/WRITE allow. */
  readonly perms: number
  readonly children: Array<MNode>
  parent: MVmar | null
  destroyed: boolean
  readonly handle: Handle.Vmar
}

type MNode = MMapping | MVmar

const endOf = (n: { base: number; size: number }) => n.base + n.size

/** Index of the first child of `vmar` that ends above `address` (children are sorted and disjoint). */
const firstEndingAbove = (vmar: MVmar, address: number): number => {
  let lo = 0
  let hi = vmar.children.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (endOf(vmar.children[mid]) <= address) lo = mid + 1
    else hi = mid
  }
  return lo
}

const insertSorted = (vmar: MVmar, node: MNode) => {
  vmar.children.splice(firstEndingAbove(vmar, node.base), 0, node)
}

const overlapping = (vmar: MVmar, start: number, end: number): Array<MNode> => {
  const out: Array<MNode> = []
  for (let i = firstEndingAbove(vmar, start); i < vmar.children.length && vmar.children[i].base < end; i++) {
    out.push(vmar.children[i])
  }
  return out
}

const isFree = (vmar: MVmar, start: number, end: number) => overlapping(vmar, start, end).length === 0

/** The lowest aligned free spot of `size` in `vmar`, or -1: the gaps from the bottom up. */
const lowestSpot = (vmar: MVmar, size: number, alignment: number): number => {
  let cursor = vmar.base
  for (let i = 0; i <= vmar.children.length; i++) {
    const end = i < vmar.children.length ? vmar.children[i].base : endOf(vmar)
    const x = Math.ceil(cursor / alignment) * alignment
    if (x + size <= end) return x
    if (i < vmar.children.length) cursor = endOf(vmar.children[i])
  }
  return -1
}

const destroyModel = (vmar: MVmar) => {
  vmar.destroyed = true
  for (const c of vmar.children) if (c.kind === "vmar") destroyModel(c)
  vmar.children.length = 0
  if (vmar.parent !== null) {
    const siblings = vmar.parent.children
    siblings.splice(siblings.indexOf(vmar), 1)
    vmar.parent = null
  }
}

/** Removes mappings and whole child VMARs in `[start, end)` (already validated). */
const unmapModel = (vmar: MVmar, start: number, end: number) => {
  for (const c of overlapping(vmar, start, end)) {
    if (c.kind === "vmar") {
      destroyModel(c)
      continue
    }
    vmar.children.splice(vmar.children.indexOf(c), 1)
    if (c.base < start) insertSorted(vmar, { ...c, size: start - c.base })
    if (endOf(c) > end) insertSorted(vmar, { ...c, base: end, size: endOf(c) - end })
  }
}

/** The status `unmap` answers, or OK (then applied). */
const unmapStatus = (vmar: MVmar, start: number, len: number, mappingsOnly: boolean): number => {
  if (vmar.destroyed) return S.BAD_STATE
  const end = start + len
  if (len <= 0 || start < vmar.base || end > endOf(vmar)) return S.INVALID_ARGS
  for (const c of overlapping(vmar, start, end)) {
    if (c.kind === "vmar" && (mappingsOnly || c.base < start || endOf(c) > end)) return S.INVALID_ARGS
  }
  return S.OK
}

const collectMappings = (vmar: MVmar, start: number, end: number, out: Array<MMapping>) => {
  for (const c of overlapping(vmar, start, end)) {
    if (c.kind === "vmar") collectMappings(c, start, end, out)
    else out.push(c)
  }
}

/** The status `protect` answers, or OK after applying it. */
const protectModel = (vmar: MVmar, perms: number, start: number, len: number): number => {
  if ((perms & ~vmar.perms) !== 0) return S.ACCESS_DENIED
  if (vmar.destroyed) return S.BAD_STATE
  const end = start + len
  if (len <= 0 || start < vmar.base || end > endOf(vmar)) return S.INVALID_ARGS
  const covered: Array<MMapping> = []
  collectMappings(vmar, start, end, covered)
  covered.sort((a, b) => a.base - b.base)
  let cursor = start
  for (const m of covered) {
    if (m.base > cursor) return S.NOT_FOUND
    if ((perms & ~m.maxPerms) !== 0 || (perms & ~m.parent.perms) !== 0) return S.ACCESS_DENIED
    if (m.parent !== vmar && (perms & ~m.perms) !== 0) return S.ACCESS_DENIED
    cursor = endOf(m)
  }
  if (cursor < end) return S.NOT_FOUND
  for (const m of covered) {
    const parent = m.parent
    parent.children.splice(parent.children.indexOf(m), 1)
    if (m.base < start) insertSorted(parent, { ...m, size: start - m.base })
    if (endOf(m) > end) insertSorted(parent, { ...m, base: end, size: endOf(m) - end })
    const lo = Math.max(m.base, start)
    insertSorted(parent, { ...m, base: lo, size: Math.min(endOf(m), end) - lo, perms })
  }
  return S.OK
}

/** The layout as `regions` describes it, from the model. */
const describe_ = (vmar: MVmar, depth = 0, out: Array<string> = []): Array<string> => {
  for (const c of vmar.children) {
    if (c.kind === "vmar") {
      out.push(`${depth} vmar ${c.base.toString(16)}+${c.size.toString(16)}`)
      describe_(c, depth + 1, out)
    } else {
      out.push(`${depth} map ${c.base.toString(16)}+${c.size.toString(16)} perms ${c.perms}`)
    }
  }
  return out
}

const describeKernel = (regions: ReadonlyArray<Kernel.RegionInfo>): Array<string> =>
  regions.map((r) =>
    r._tag === "Vmar"
      ? `${r.depth} vmar ${r.base.toString(16)}+${r.size.toString(16)}`
      : `${r.depth} map ${r.base.toString(16)}+${r.size.toString(16)} perms ${r.perms}`
  )

/** Runs a kernel call and returns its value or failure status (a defect fails the test). */
const outcome = <A, R>(self: Effect.Effect<A, ZxError, R>): Effect.Effect<{ readonly status: number; readonly value?: A }, never, R> =>
  Effect.map(Effect.exit(self), (exit) => Exit.isSuccess(exit) ? { status: S.OK, value: exit.value } : { status: failureOf(exit.cause).status })

const expect = (got: number, want: number, what: string) =>
  assert.strictEqual(Status.toString(got), Status.toString(want), what)

type Op =
  | { readonly _tag: "allocate"; readonly at: number; readonly pages: number; readonly specific: boolean; readonly offset: number; readonly alignLog: number; readonly compact: boolean; readonly write: boolean }
  | { readonly _tag: "map"; readonly at: number; readonly pages: number; readonly specific: boolean; readonly overwrite: boolean; readonly offset: number; readonly write: boolean; readonly compact: boolean }
  | { readonly _tag: "unmap"; readonly at: number; readonly offset: number; readonly pages: number }
  | { readonly _tag: "protect"; readonly at: number; readonly offset: number; readonly pages: number; readonly write: boolean }
  | { readonly _tag: "destroy"; readonly at: number }

const ARENA_PAGES = 64
/**
 * One kernel for every case of the property (making a kernel costs more than a case): each case
 * runs in its own scope, with its own process, and must leave the kernel's statistics as it found
 * them. The model accepts any valid randomized placement, so a case's verdict does not depend on
 * the placements earlier cases drew.
 */
const sharedKernel = Effect.runSync(Scope.make().pipe(Effect.flatMap((scope) => Scope.extend(Kernel.make(), scope))))
const runShared = <A, E>(body: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope | Baseline>, seed: number): A =>
  Effect.runSync(
    withKernel(body, Layer.succeed(Kernel.Kernel, sharedKernel)).pipe(Effect.withRandom(Random.make(seed)))
  )

const opArb = (arenaPages: number, maxPages: number): FastCheck.Arbitrary<Op> =>
  FastCheck.oneof(
    {
      weight: 2,
      arbitrary: FastCheck.record({
        _tag: FastCheck.constant("allocate" as const),
        at: FastCheck.nat(),
        pages: FastCheck.integer({ min: 0, max: maxPages * 2 }),
        specific: FastCheck.boolean(),
        offset: FastCheck.nat(arenaPages),
        alignLog: FastCheck.constantFrom(0, 13, 14),
        compact: FastCheck.boolean(),
        write: FastCheck.boolean()
      })
    },
    {
      weight: 5,
      arbitrary: FastCheck.record({
        _tag: FastCheck.constant("map" as const),
        at: FastCheck.nat(),
        pages: FastCheck.integer({ min: 0, max: VMO_PAGES + 1 }),
        specific: FastCheck.boolean(),
        overwrite: FastCheck.boolean(),
        offset: FastCheck.nat(arenaPages),
        write: FastCheck.boolean(),
        compact: FastCheck.boolean()
      })
    },
    {
      weight: 3,
      arbitrary: FastCheck.record({
        _tag: FastCheck.constant("unmap" as const),
        at: FastCheck.nat(),
        offset: FastCheck.integer({ min: -2, max: arenaPages }),
        pages: FastCheck.integer({ min: 0, max: maxPages })
      })
    },
    {
      weight: 2,
      arbitrary: FastCheck.record({
        _tag: FastCheck.constant("protect" as const),
        at: FastCheck.nat(),
        offset: FastCheck.integer({ min: -2, max: arenaPages }),
        pages: FastCheck.integer({ min: 0, max: maxPages }),
        write: FastCheck.boolean()
      })
    },
    { weight: 1, arbitrary: FastCheck.record({ _tag: FastCheck.constant("destroy" as const), at: FastCheck.nat() }) }
  )

/** Applies one op to the kernel and the model and checks they agree on the status. */
const step = (vmars: Array<MVmar>, vmo: Handle.Vmo, op: Op) =>
  Effect.gen(function*() {
    const k = yield* kernel
    const target = vmars[op.at % vmars.length]
    switch (op._tag) {
      case "allocate": {
        const canMap = CAN_MAP_READ | (op.write ? CAN_MAP_WRITE : 0) | CAN_MAP_SPECIFIC
        const alignment = op.alignLog === 0 ? PAGE : 2 ** op.alignLog
        const options = canMap | (op.specific ? SPECIFIC : 0) | (op.compact && !op.specific ? COMPACT : 0) |
          (op.alignLog === 0 ? 0 : align(op.alignLog))
        const size = op.pages * PAGE
        const got = yield* outcome(k.vmar.allocate(target.handle, options, op.specific ? op.offset * PAGE : 0, size))
        const perms = PERM_READ | (op.write ? PERM_WRITE : 0)
        let want: number = S.OK
        let base = -1
        if ((perms & ~target.perms) !== 0) want = S.ACCESS_DENIED
        else if (target.destroyed) want = S.BAD_STATE
        else if (size === 0) want = S.INVALID_ARGS
        else if (op.specific) {
          base = target.base + op.offset * PAGE
          if (base % alignment !== 0 || op.offset * PAGE + size > target.size) want = S.INVALID_ARGS
          else if (!isFree(target, base, base + size)) want = S.ALREADY_EXISTS
        } else {
          const lowest = lowestSpot(target, size, alignment)
          if (lowest < 0) want = S.NO_MEMORY
          else if (op.compact) base = lowest
        }
        expect(got.status, want, `allocate ${JSON.stringify(op)}`)
        if (got.status !== S.OK) return
        const placed = got.value!
        if (base >= 0) assert.strictEqual(placed.base, base, "allocate: base")
        assert.strictEqual(placed.base % alignment, 0)
        assert.isTrue(placed.base >= target.base && placed.base + size <= endOf(target) && isFree(target, placed.base, placed.base + size))
        const child: MVmar = {
          kind: "vmar",
          base: placed.base,
          size,
          perms,
          children: [],
          parent: target,
          destroyed: false,
          handle: placed.vmar
        }
        insertSorted(target, child)
        vmars.push(child)
        return
      }
      case "map": {
        const perms = PERM_READ | (op.write ? PERM_WRITE : 0)
        const placement = op.specific ? (op.overwrite ? SPECIFIC_OVERWRITE : SPECIFIC) : (op.compact ? COMPACT : 0)
        const size = op.pages * PAGE
        const got = yield* outcome(k.vmar.map(target.handle, perms | placement, op.specific ? op.offset * PAGE : 0, vmo, 0, size))
        let want: number = S.OK
        let base = -1
        if (target.destroyed) want = S.BAD_STATE
        else if (size === 0) want = S.INVALID_ARGS
        else if ((perms & ~target.perms) !== 0) want = S.ACCESS_DENIED
        else if (op.pages > VMO_PAGES) want = S.BUFFER_TOO_SMALL
        else if (op.specific) {
          base = target.base + op.offset * PAGE
          if (op.offset * PAGE + size > target.size) want = S.INVALID_ARGS
          else if (!op.overwrite && !isFree(target, base, base + size)) want = S.ALREADY_EXISTS
          else if (op.overwrite) want = unmapStatus(target, base, size, true)
        } else {
          const lowest = lowestSpot(target, size, PAGE)
          if (lowest < 0) want = S.NO_RESOURCES
          else if (op.compact) base = lowest
        }
        expect(got.status, want, `map ${JSON.stringify(op)}`)
        if (got.status !== S.OK) return
        const placed = got.value!
        if (base >= 0) assert.strictEqual(placed, base, "map: base")
        if (op.specific && op.overwrite) unmapModel(target, placed, placed + size)
        assert.isTrue(placed >= target.base && placed + size <= endOf(target) && isFree(target, placed, placed + size))
        insertSorted(target, { kind: "map", base: placed, size, perms, maxPerms: target.perms, parent: target })
        return
      }
      case "unmap": {
        const start = target.base + op.offset * PAGE
        const got = yield* outcome(k.vmar.unmap(target.handle, start, op.pages * PAGE))
        const want = unmapStatus(target, start, op.pages * PAGE, false)
        expect(got.status, want, `unmap ${JSON.stringify(op)}`)
        if (want === S.OK) unmapModel(target, start, start + op.pages * PAGE)
        return
      }
      case "protect": {
        const start = target.base + op.offset * PAGE
        const perms = PERM_READ | (op.write ? PERM_WRITE : 0)
        const got = yield* outcome(k.vmar.protect(target.handle, perms, start, op.pages * PAGE))
        expect(got.status, protectModel(target, perms, start, op.pages * PAGE), `protect ${JSON.stringify(op)}`)
        return
      }
      case "destroy": {
        // Never the arena itself (index 0): the layout is compared below it.
        const victim = vmars.length > 1 ? vmars[1 + (op.at % (vmars.length - 1))] : undefined
        if (victim === undefined) return
        const got = yield* outcome(k.vmar.destroy(victim.handle))
        expect(got.status, victim.destroyed ? S.BAD_STATE : S.OK, "destroy")
        if (!victim.destroyed) destroyModel(victim)
        return
      }
    }
  })

/** A process with an arena VMAR of `pages` pages, the model of the arena, and an 8-page VMO. */
const setUp = (pages: number) =>
  Effect.gen(function*() {
    const k = yield* kernel
    const { rootVmar } = yield* k.process.create(yield* k.job.root(), "model")
    const vmo = yield* k.vmo.create(VMO_PAGES * PAGE)
    const arena = yield* k.vmar.allocate(rootVmar, CAN_MAP_READ | CAN_MAP_WRITE | CAN_MAP_SPECIFIC, 0, pages * PAGE)
    const model: MVmar = {
      kind: "vmar",
      base: arena.base,
      size: pages * PAGE,
      perms: PERM_READ | PERM_WRITE,
      children: [],
      parent: null,
      destroyed: false,
      handle: arena.vmar
    }
    return { vmo, model, vmars: [model] }
  })

describe("Vmar against a reference model", () => {
  it.prop(
    "random allocate/map/unmap/protect/destroy: the statuses and the layout the model predicts",
    [FastCheck.array(opArb(ARENA_PAGES, 24), { minLength: 1, maxLength: 24 }), FastCheck.integer()],
    ([ops, seed]) =>
      runShared(
        Effect.gen(function*() {
          const k = yield* kernel
          const { model, vmars, vmo } = yield* setUp(ARENA_PAGES)
          for (const op of ops) {
            yield* step(vmars, vmo, op)
            assert.deepStrictEqual(describeKernel(yield* k.vmar.regions(model.handle)), describe_(model), `after ${JSON.stringify(op)}`)
          }
        }),
        seed
      ),
    { fastCheck: { numRuns: 1000 } }
  )

  it.effect("tens of thousands of mappings: 20,000 maps, then 3,000 random operations, agree with the model", () =>
    Effect.sync(() =>
      runCase(
        Effect.gen(function*() {
          const k = yield* kernel
          const pages = 65536
          const { model, vmars, vmo } = yield* setUp(pages)
          const ops = FastCheck.sample(
            FastCheck.record({
              _tag: FastCheck.constant("map" as const),
              at: FastCheck.constant(0),
              pages: FastCheck.integer({ min: 1, max: 2 }),
              specific: FastCheck.boolean(),
              overwrite: FastCheck.constant(false),
              offset: FastCheck.nat(pages - 1),
              write: FastCheck.boolean(),
              compact: FastCheck.boolean()
            }),
            { numRuns: 20_000, seed: 15 }
          )
          for (const op of ops) yield* step(vmars, vmo, op)
          assert.isAbove(model.children.length, 15_000)
          assert.deepStrictEqual(describeKernel(yield* k.vmar.regions(model.handle)), describe_(model))
          for (const op of FastCheck.sample(opArb(pages, 64), { numRuns: 3_000, seed: 16 })) yield* step(vmars, vmo, op)
          assert.deepStrictEqual(describeKernel(yield* k.vmar.regions(model.handle)), describe_(model))
        }),
        15
      )
    ), 120_000)
})
