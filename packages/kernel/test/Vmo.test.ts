import { assert, describe, it } from "@effect/vitest"
import * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Rights from "@zxsim/kernel/Rights"
import { Status } from "@zxsim/kernel/Status"
import { VmoChildOption, VmoOption, VmOption } from "@zxsim/kernel/VmOptions"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import { assertBytes, expectStatus, kernel, live, PAGE, ramp, runCase, withKernel } from "./support.js"

const R = Rights.Rights

describe("Vmo", () => {
  describe("create, read, write", () => {
    it.effect("rounds the size up to pages and reads zeros before any write", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(10_000)
        assert.strictEqual(yield* k.vmo.getSize(vmo), 3 * PAGE)
        assert.strictEqual(yield* k.vmo.getContentSize(vmo), 10_000)
        assert.deepStrictEqual(yield* k.vmo.read(vmo, 0, 3 * PAGE), new Uint8Array(3 * PAGE))
        const empty = yield* k.vmo.create(0)
        assert.strictEqual(yield* k.vmo.getSize(empty), 0)
        assert.deepStrictEqual(yield* k.vmo.read(empty, 0, 0), new Uint8Array(0))
        assert.strictEqual(yield* k.vmo.getSize(yield* k.vmo.create(PAGE)), PAGE)
        assert.strictEqual(yield* k.vmo.getSize(yield* k.vmo.create(PAGE + 1)), 2 * PAGE)
      })))

    it.effect("reads back what was written, across page boundaries, zeros elsewhere", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(10_000)
        yield* k.vmo.write(vmo, 4095, new Uint8Array([1, 2, 3]))
        assert.deepStrictEqual(Array.from(yield* k.vmo.read(vmo, 4094, 5)), [0, 1, 2, 3, 0])
        const big = ramp(2 * PAGE + 100, 7)
        yield* k.vmo.write(vmo, 50, big)
        assert.deepStrictEqual(yield* k.vmo.read(vmo, 50, big.length), big)
        // The write may go up to the page-rounded size, past the content size.
        yield* k.vmo.write(vmo, 3 * PAGE - 1, new Uint8Array([0xee]))
        assert.deepStrictEqual(Array.from(yield* k.vmo.read(vmo, 3 * PAGE - 1, 1)), [0xee])
      })))

    it.effect("a read returns a copy: changing it does not change the VMO", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(PAGE)
        const data = new Uint8Array([1, 2, 3])
        yield* k.vmo.write(vmo, 0, data)
        data[0] = 99
        const got = yield* k.vmo.read(vmo, 0, 3)
        got[1] = 99
        assert.deepStrictEqual(Array.from(yield* k.vmo.read(vmo, 0, 3)), [1, 2, 3])
      })))

    it.effect("reads and writes past the size fail OUT_OF_RANGE and change nothing", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(PAGE)
        yield* expectStatus(k.vmo.read(vmo, 4000, 200), Status.OUT_OF_RANGE)
        yield* expectStatus(k.vmo.read(vmo, PAGE + 1, 0), Status.OUT_OF_RANGE)
        yield* expectStatus(k.vmo.read(vmo, 0, PAGE + 1), Status.OUT_OF_RANGE)
        yield* expectStatus(k.vmo.write(vmo, 4090, ramp(7)), Status.OUT_OF_RANGE)
        yield* expectStatus(k.vmo.write(vmo, PAGE, new Uint8Array(1)), Status.OUT_OF_RANGE)
        assert.deepStrictEqual(yield* k.vmo.read(vmo, 0, PAGE), new Uint8Array(PAGE))
        assert.strictEqual((yield* live).frames, 0)
        // Exactly at the end is fine.
        assert.strictEqual((yield* k.vmo.read(vmo, PAGE, 0)).length, 0)
        yield* k.vmo.write(vmo, PAGE, new Uint8Array(0))
      })))

    it.effect("read needs READ, write needs WRITE (ACCESS_DENIED)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(PAGE)
        const writeOnly = yield* k.handle.duplicate(vmo, R.WRITE)
        const readOnly = yield* k.handle.duplicate(vmo, R.READ)
        yield* expectStatus(k.vmo.read(writeOnly, 0, 1), Status.ACCESS_DENIED)
        yield* expectStatus(k.vmo.write(readOnly, 0, new Uint8Array(1)), Status.ACCESS_DENIED)
        yield* k.vmo.write(writeOnly, 0, new Uint8Array([4]))
        assert.deepStrictEqual(Array.from(yield* k.vmo.read(readOnly, 0, 1)), [4])
      })))

    it.effect("fromBytes makes a VMO holding the bytes, with a name and optionally EXECUTE", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const bytes = ramp(5000)
        const vmo = yield* k.vmo.fromBytes(bytes, { name: "blob" })
        assert.deepStrictEqual(yield* k.vmo.read(vmo, 0, 5000), bytes)
        assert.strictEqual(yield* k.vmo.getSize(vmo), 2 * PAGE)
        assert.strictEqual(yield* k.object.getName(vmo), "blob")
        assert.strictEqual((yield* k.handle.info(vmo)).rights & R.EXECUTE, 0)
        const exec = yield* k.vmo.fromBytes(bytes, { executable: true })
        assert.strictEqual((yield* k.handle.info(exec)).rights, (Rights.DEFAULT_VMO | R.EXECUTE) >>> 0)
      })))
  })

  describe("committed pages", () => {
    it.effect("pages are committed lazily: only writes commit frames", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(16 * PAGE)
        assert.strictEqual((yield* live).frames, 0)
        yield* k.vmo.read(vmo, 0, 16 * PAGE)
        assert.strictEqual((yield* live).frames, 0)
        yield* k.vmo.write(vmo, 5, new Uint8Array([1]))
        assert.strictEqual((yield* live).frames, 1)
        yield* k.vmo.write(vmo, 100, new Uint8Array([1]))
        assert.strictEqual((yield* live).frames, 1)
        yield* k.vmo.write(vmo, 3 * PAGE - 1, new Uint8Array([1, 2]))
        assert.strictEqual((yield* live).frames, 3)
        yield* k.vmo.write(vmo, 10 * PAGE, new Uint8Array(0))
        assert.strictEqual((yield* live).frames, 3)
        yield* k.handle.close(vmo)
        assert.strictEqual((yield* live).frames, 0)
      })))

    it.effect("physical memory grows on demand and frames return to the pool", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const pages = 300
        const bytes = ramp(pages * PAGE, 11)
        for (let round = 0; round < 3; round++) {
          yield* Effect.scoped(Effect.gen(function*() {
            const vmo = yield* k.vmo.create(pages * PAGE)
            yield* k.vmo.write(vmo, 0, bytes)
            assert.strictEqual((yield* live).frames, pages)
            assertBytes(yield* k.vmo.read(vmo, 0, pages * PAGE), bytes)
          }))
          assert.strictEqual((yield* live).frames, 0)
        }
        // A recycled frame is handed out zero-filled.
        const fresh = yield* k.vmo.create(pages * PAGE)
        yield* k.vmo.write(fresh, 0, new Uint8Array([1]))
        yield* k.vmo.write(fresh, (pages - 1) * PAGE, new Uint8Array([1]))
        const got = yield* k.vmo.read(fresh, 0, pages * PAGE)
        assert.strictEqual(got.reduce((n, b) => n + b, 0), 2)
      })))

    it.effect("when memory runs out, a copy-on-write break fails NO_MEMORY and changes nothing", () =>
      Effect.gen(function*() {
        const k = yield* kernel
        const before = yield* k.stats
        yield* Effect.scoped(Effect.gen(function*() {
          const parent = yield* k.vmo.create(4 * PAGE)
          yield* k.vmo.write(parent, 0, ramp(4 * PAGE))
          const child = yield* k.vmo.createChild(parent, VmoChildOption.SNAPSHOT, 0, 4 * PAGE)
          // Use up what is left.
          const filler = yield* k.vmo.create(64 * PAGE)
          const exit = yield* Effect.exit(k.vmo.write(filler, 0, new Uint8Array(64 * PAGE).fill(1)))
          assert.strictEqual(exit._tag, "Failure")
          yield* expectStatus(k.vmo.write(child, 0, new Uint8Array([0xff])), Status.NO_MEMORY)
          yield* expectStatus(k.vmo.write(parent, PAGE, new Uint8Array([0xff])), Status.NO_MEMORY)
          assertBytes(yield* k.vmo.read(child, 0, 4 * PAGE), ramp(4 * PAGE))
          assertBytes(yield* k.vmo.read(parent, 0, 4 * PAGE), ramp(4 * PAGE))
          // Freeing memory makes the writes possible again.
          yield* k.handle.close(filler)
          yield* k.vmo.write(child, 0, new Uint8Array([0xff]))
          assert.strictEqual((yield* k.vmo.read(parent, 0, 1))[0], ramp(1)[0])
        }))
        assert.deepStrictEqual(yield* k.stats, before)
      }).pipe(Effect.provide(Kernel.layerWith({ memoryBytes: 32 * PAGE }))))

    it.effect("a snapshot shares frames until one side writes", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const parent = yield* k.vmo.create(4 * PAGE)
        yield* k.vmo.write(parent, 0, ramp(4 * PAGE))
        assert.strictEqual((yield* live).frames, 4)
        const child = yield* k.vmo.createChild(parent, VmoChildOption.SNAPSHOT, 0, 4 * PAGE)
        assert.strictEqual((yield* live).frames, 4)
        yield* k.vmo.read(child, 0, 4 * PAGE)
        assert.strictEqual((yield* live).frames, 4)
        yield* k.vmo.write(child, 0, new Uint8Array([0]))
        assert.strictEqual((yield* live).frames, 5)
        yield* k.vmo.write(parent, PAGE, new Uint8Array([0]))
        assert.strictEqual((yield* live).frames, 6)
        yield* k.handle.close(parent)
        assert.strictEqual((yield* live).frames, 4)
        assert.deepStrictEqual(yield* k.vmo.read(child, PAGE, PAGE), ramp(2 * PAGE).subarray(PAGE))
      })))
  })

  describe("size", () => {
    it.effect("setSize resizes a resizable VMO, rounding up and zeroing past the new size", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(2 * PAGE, VmoOption.RESIZABLE)
        yield* k.vmo.write(vmo, 0, ramp(2 * PAGE))
        yield* k.vmo.setSize(vmo, 100)
        assert.strictEqual(yield* k.vmo.getSize(vmo), PAGE)
        assert.strictEqual(yield* k.vmo.getContentSize(vmo), 100)
        assert.strictEqual((yield* live).frames, 1)
        yield* expectStatus(k.vmo.read(vmo, PAGE, 1), Status.OUT_OF_RANGE)
        yield* k.vmo.setSize(vmo, 3 * PAGE)
        assert.strictEqual(yield* k.vmo.getSize(vmo), 3 * PAGE)
        const bytes = yield* k.vmo.read(vmo, 0, 3 * PAGE)
        assert.deepStrictEqual(bytes.subarray(0, 100), ramp(100))
        assert.deepStrictEqual(bytes.subarray(100), new Uint8Array(3 * PAGE - 100))
        yield* k.vmo.setSize(vmo, 0)
        assert.strictEqual(yield* k.vmo.getSize(vmo), 0)
        assert.strictEqual((yield* live).frames, 0)
      })))

    it.effect("a fixed-size VMO refuses setSize with UNAVAILABLE", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(PAGE)
        yield* expectStatus(k.vmo.setSize(vmo, 2 * PAGE), Status.UNAVAILABLE)
        assert.strictEqual(yield* k.vmo.getSize(vmo), PAGE)
      })))

    it.effect("setSize needs WRITE and RESIZE (ACCESS_DENIED)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(PAGE, VmoOption.RESIZABLE)
        const noResize = yield* k.handle.duplicate(vmo, Rights.DEFAULT_VMO)
        const noWrite = yield* k.handle.duplicate(vmo, (Rights.DEFAULT_VMO & ~R.WRITE) | R.RESIZE)
        yield* expectStatus(k.vmo.setSize(noResize, 2 * PAGE), Status.ACCESS_DENIED)
        yield* expectStatus(k.vmo.setSize(noWrite, 2 * PAGE), Status.ACCESS_DENIED)
        assert.strictEqual(yield* k.vmo.getSize(vmo), PAGE)
      })))
  })

  describe("names", () => {
    it.effect("names are truncated to 31 bytes; setName needs SET_PROPERTY", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(PAGE)
        assert.strictEqual(yield* k.object.getName(vmo), "")
        yield* k.object.setName(vmo, "short")
        assert.strictEqual(yield* k.object.getName(vmo), "short")
        yield* k.object.setName(vmo, "x".repeat(31))
        assert.strictEqual(yield* k.object.getName(vmo), "x".repeat(31))
        yield* k.object.setName(vmo, "abcdefghijklmnopqrstuvwxyz0123456789")
        assert.strictEqual(yield* k.object.getName(vmo), "abcdefghijklmnopqrstuvwxyz01234")
        // Multi-byte characters are not split: 10 × 3 bytes fit, the 11th would not.
        yield* k.object.setName(vmo, "€".repeat(12))
        const name = yield* k.object.getName(vmo)
        assert.strictEqual(name, "€".repeat(10))
        assert.isAtMost(new TextEncoder().encode(name).length, 31)
        const fixed = yield* k.handle.duplicate(vmo, Rights.DEFAULT_VMO & ~R.SET_PROPERTY)
        yield* expectStatus(k.object.setName(fixed, "nope"), Status.ACCESS_DENIED)
        const blind = yield* k.handle.duplicate(vmo, Rights.DEFAULT_VMO & ~R.GET_PROPERTY)
        yield* expectStatus(k.object.getName(blind), Status.ACCESS_DENIED)
        const fromBytes = yield* k.vmo.fromBytes(new Uint8Array(1), { name: "n".repeat(40) })
        assert.strictEqual(yield* k.object.getName(fromBytes), "n".repeat(31))
      })))
  })

  describe("children", () => {
    it.effect("a snapshot child sees the parent as it was; neither sees the other's later writes", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const parent = yield* k.vmo.create(2 * PAGE)
        yield* k.vmo.write(parent, 0, new Uint8Array([1, 2, 3]))
        const child = yield* k.vmo.createChild(parent, VmoChildOption.SNAPSHOT, 0, 2 * PAGE)
        assert.deepStrictEqual(Array.from(yield* k.vmo.read(child, 0, 3)), [1, 2, 3])
        yield* k.vmo.write(parent, 0, new Uint8Array([9]))
        yield* k.vmo.write(parent, PAGE, new Uint8Array([9]))
        yield* k.vmo.write(child, 1, new Uint8Array([8]))
        assert.deepStrictEqual(Array.from(yield* k.vmo.read(child, 0, 3)), [1, 8, 3])
        assert.deepStrictEqual(Array.from(yield* k.vmo.read(child, PAGE, 1)), [0])
        assert.deepStrictEqual(Array.from(yield* k.vmo.read(parent, 0, 3)), [9, 2, 3])
      })))

    it.effect("offset and size select the range; the size is rounded up; past the parent reads zero", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const parent = yield* k.vmo.create(2 * PAGE)
        yield* k.vmo.write(parent, 0, ramp(2 * PAGE))
        const child = yield* k.vmo.createChild(parent, VmoChildOption.SNAPSHOT_AT_LEAST_ON_WRITE, PAGE, PAGE + 1)
        assert.strictEqual(yield* k.vmo.getSize(child), 2 * PAGE)
        assert.deepStrictEqual(yield* k.vmo.read(child, 0, PAGE), ramp(2 * PAGE).subarray(PAGE))
        assert.deepStrictEqual(yield* k.vmo.read(child, PAGE, PAGE), new Uint8Array(PAGE))
        const beyond = yield* k.vmo.createChild(parent, VmoChildOption.SNAPSHOT, 4 * PAGE, PAGE)
        assert.deepStrictEqual(yield* k.vmo.read(beyond, 0, PAGE), new Uint8Array(PAGE))
        yield* expectStatus(k.vmo.createChild(parent, VmoChildOption.SNAPSHOT, 100, PAGE), Status.INVALID_ARGS)
      })))

    it.effect("child rights: the parent's, plus WRITE, minus EXECUTE; RESIZE only if resizable", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const parent = yield* k.vmo.fromBytes(ramp(PAGE), { executable: true })
        const readOnly = yield* k.handle.duplicate(parent, R.DUPLICATE | R.READ | R.MAP | R.EXECUTE | R.TRANSFER)
        const child = yield* k.vmo.createChild(readOnly, VmoChildOption.SNAPSHOT_AT_LEAST_ON_WRITE, 0, PAGE)
        assert.strictEqual((yield* k.handle.info(child)).rights, R.DUPLICATE | R.READ | R.MAP | R.TRANSFER | R.WRITE)
        yield* k.vmo.write(child, 0, new Uint8Array([1]))
        const snap = yield* k.vmo.createChild(parent, VmoChildOption.SNAPSHOT, 0, PAGE)
        assert.strictEqual((yield* k.handle.info(snap)).rights, Rights.DEFAULT_VMO)
        const resizable = yield* k.vmo.createChild(parent, VmoChildOption.SNAPSHOT | VmoChildOption.RESIZABLE, 0, PAGE)
        assert.strictEqual((yield* k.handle.info(resizable)).rights, (Rights.DEFAULT_VMO | R.RESIZE) >>> 0)
        yield* k.vmo.setSize(resizable, 2 * PAGE)
        yield* expectStatus(k.vmo.setSize(snap, 2 * PAGE), Status.UNAVAILABLE)
        const noWrite = yield* k.vmo.createChild(
          parent,
          VmoChildOption.SNAPSHOT_AT_LEAST_ON_WRITE | VmoChildOption.NO_WRITE,
          0,
          PAGE
        )
        assert.strictEqual((yield* k.handle.info(noWrite)).rights & R.WRITE, 0)
        yield* expectStatus(k.vmo.write(noWrite, 0, new Uint8Array(1)), Status.ACCESS_DENIED)
      })))

    it.effect("createChild needs DUPLICATE and READ (ACCESS_DENIED)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(PAGE)
        const noDup = yield* k.handle.duplicate(vmo, R.READ | R.WRITE)
        const noRead = yield* k.handle.duplicate(vmo, R.DUPLICATE | R.WRITE)
        yield* expectStatus(k.vmo.createChild(noDup, VmoChildOption.SNAPSHOT, 0, PAGE), Status.ACCESS_DENIED)
        yield* expectStatus(k.vmo.createChild(noRead, VmoChildOption.SNAPSHOT, 0, PAGE), Status.ACCESS_DENIED)
        assert.strictEqual((yield* live).VMO, 1)
      })))

    it.effect("a child outlives its parent and keeps its contents", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const child = yield* Effect.gen(function*() {
          const parent = yield* k.vmo.create(PAGE)
          yield* k.vmo.write(parent, 0, new Uint8Array([5, 6]))
          const c = yield* k.vmo.createChild(parent, VmoChildOption.SNAPSHOT, 0, PAGE)
          yield* k.handle.close(parent)
          return c
        })
        assert.strictEqual((yield* live).VMO, 1)
        assert.deepStrictEqual(Array.from(yield* k.vmo.read(child, 0, 2)), [5, 6])
      })))
  })

  describe("replaceAsExecutable", () => {
    it.effect("consumes the handle and returns one with EXECUTE added", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const vmo = yield* k.vmo.create(PAGE)
        const koid = (yield* k.handle.info(vmo)).koid
        const exec = yield* k.vmo.replaceAsExecutable(vmo)
        assert.isFalse(Handle.isLive(vmo))
        yield* expectStatus(k.vmo.getSize(vmo), Status.BAD_HANDLE)
        const info = yield* k.handle.info(exec)
        assert.strictEqual(info.koid, koid)
        assert.strictEqual(info.rights, (Rights.DEFAULT_VMO | R.EXECUTE) >>> 0)
        assert.strictEqual((yield* live).handles, 1)
        // Now it can be mapped executable.
        const root = yield* k.job.root()
        const { rootVmar } = yield* k.process.create(root, "exec")
        yield* k.vmar.map(rootVmar, VmOption.PERM_READ | VmOption.PERM_EXECUTE, 0, exec, 0, PAGE)
        const plain = yield* k.vmo.create(PAGE)
        yield* expectStatus(
          k.vmar.map(rootVmar, VmOption.PERM_READ | VmOption.PERM_EXECUTE, 0, plain, 0, PAGE),
          Status.ACCESS_DENIED
        )
      })))
  })

  describe("properties", () => {
    type Op =
      | {
        readonly _tag: "write"
        readonly target: number
        readonly offset: number
        readonly length: number
        readonly seed: number
      }
      | {
        readonly _tag: "snapshot"
        readonly target: number
        readonly page: number
        readonly pages: number
        readonly atLeastOnWrite: boolean
      }
      | { readonly _tag: "close"; readonly target: number }
      | { readonly _tag: "resize"; readonly target: number; readonly size: number }

    const opArb: FastCheck.Arbitrary<Op> = FastCheck.oneof(
      {
        weight: 6,
        arbitrary: FastCheck.record({
          _tag: FastCheck.constant("write" as const),
          target: FastCheck.nat(),
          offset: FastCheck.nat(6 * PAGE),
          length: FastCheck.nat(2 * PAGE),
          seed: FastCheck.nat(255)
        })
      },
      {
        weight: 2,
        arbitrary: FastCheck.record({
          _tag: FastCheck.constant("snapshot" as const),
          target: FastCheck.nat(),
          page: FastCheck.nat(4),
          pages: FastCheck.nat(5),
          atLeastOnWrite: FastCheck.boolean()
        })
      },
      {
        weight: 1,
        arbitrary: FastCheck.record({ _tag: FastCheck.constant("close" as const), target: FastCheck.nat() })
      },
      {
        weight: 1,
        arbitrary: FastCheck.record({
          _tag: FastCheck.constant("resize" as const),
          target: FastCheck.nat(),
          size: FastCheck.nat(7 * PAGE)
        })
      }
    )

    it.prop(
      "copy-on-write: after a snapshot, parent and child never see each other's writes",
      [FastCheck.integer({ min: 0, max: 6 }), FastCheck.array(opArb, { maxLength: 24 }), FastCheck.integer()],
      ([initialPages, ops, kernelSeed]) =>
        runCase(
          Effect.gen(function*() {
            const k = yield* kernel
            // The model: each live VMO's expected bytes.
            // `known` marks the bytes the model is sure of: a SNAPSHOT_AT_LEAST_ON_WRITE child may
            // still show its parent's later writes in pages it has not written itself.
            const vmos: Array<{ readonly handle: Handle.Vmo; model: Uint8Array; known: Uint8Array }> = []
            // Every VMO is resizable, so the sequences can shrink and grow them too.
            const first = yield* k.vmo.create(initialPages * PAGE, VmoOption.RESIZABLE)
            vmos.push({
              handle: first,
              model: new Uint8Array(initialPages * PAGE),
              known: new Uint8Array(initialPages * PAGE).fill(1)
            })
            for (const op of ops) {
              if (vmos.length === 0) break
              const entry = vmos[op.target % vmos.length]
              switch (op._tag) {
                case "write": {
                  const size = entry.model.length
                  const offset = size === 0 ? 0 : op.offset % (size + 1)
                  const length = Math.min(op.length, size - offset)
                  const bytes = ramp(length, op.seed)
                  yield* k.vmo.write(entry.handle, offset, bytes)
                  entry.model.set(bytes, offset)
                  entry.known.fill(1, offset, offset + length)
                  break
                }
                case "snapshot": {
                  const options =
                    (op.atLeastOnWrite ? VmoChildOption.SNAPSHOT_AT_LEAST_ON_WRITE : VmoChildOption.SNAPSHOT) |
                    VmoChildOption.RESIZABLE
                  const child = yield* k.vmo.createChild(entry.handle, options, op.page * PAGE, op.pages * PAGE)
                  const from = Math.min(op.page * PAGE, entry.model.length)
                  const to = Math.min((op.page + op.pages) * PAGE, entry.model.length)
                  const model = new Uint8Array(op.pages * PAGE)
                  model.set(entry.model.subarray(from, to))
                  // Past the parent's end the child reads zeros either way.
                  const known = new Uint8Array(op.pages * PAGE).fill(1)
                  if (op.atLeastOnWrite) known.fill(0)
                  else known.set(entry.known.subarray(from, to))
                  vmos.push({ handle: child, model, known })
                  break
                }
                case "resize": {
                  yield* k.vmo.setSize(entry.handle, op.size)
                  // The size rounds up to pages; from the new size to the page end reads zero.
                  const size = Math.ceil(op.size / PAGE) * PAGE
                  const model = new Uint8Array(size)
                  const known = new Uint8Array(size).fill(1)
                  model.set(entry.model.subarray(0, Math.min(op.size, entry.model.length)))
                  known.set(entry.known.subarray(0, Math.min(op.size, entry.known.length)))
                  entry.model = model
                  entry.known = known
                  break
                }
                case "close": {
                  yield* k.handle.close(entry.handle)
                  vmos.splice(op.target % vmos.length, 1)
                  break
                }
              }
            }
            for (const { handle, known, model } of vmos) {
              const bytes = yield* k.vmo.read(handle, 0, model.length)
              for (let i = 0; i < model.length; i++) {
                if (known[i] !== 0 && bytes[i] !== model[i]) assert.fail(`byte ${i}: ${bytes[i]} !== ${model[i]}`)
              }
            }
            // Frames in use never exceed the pages the live VMOs could hold.
            const pages = vmos.reduce((n, v) => n + v.model.length / PAGE, 0)
            assert.isAtMost((yield* live).frames, pages)
          }),
          kernelSeed
        ),
      { fastCheck: { numRuns: 1000 } }
    )
  })
})
