import { assert, describe, it } from "@effect/vitest"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Rights from "@zxsim/kernel/Rights"
import { Status } from "@zxsim/kernel/Status"
import { align, USER_ASPACE_BASE, USER_ASPACE_SIZE, VmoOption, VmOption } from "@zxsim/kernel/VmOptions"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Random from "effect/Random"
import { propertyRuns } from "../../../test-support/propertyRuns.js"
import { attempt, expectStatus, kernel, live, PAGE, ramp, runCase, withKernel } from "./support.js"

const R = Rights.Rights
const {
  CAN_MAP_EXECUTE,
  CAN_MAP_READ,
  CAN_MAP_SPECIFIC,
  CAN_MAP_WRITE,
  PERM_EXECUTE,
  PERM_READ,
  PERM_WRITE,
  SPECIFIC
} = VmOption
const RW = PERM_READ | PERM_WRITE

/** A fresh process in the root job: its handle and root VMAR. */
const newProcess = (name = "vmar-test") =>
  Effect.gen(function*() {
    const k = yield* kernel
    const root = yield* k.job.root()
    return yield* k.process.create(root, name)
  })

describe("Vmar", () => {
  describe("root VMAR", () => {
    it.effect("covers the riscv64 user range: base 0x200000, length 2^38 - 0x200000", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const info = yield* k.vmar.info(rootVmar)
        assert.strictEqual(info.base, 0x200000)
        assert.strictEqual(info.len, 2 ** 38 - 0x200000)
        assert.strictEqual(USER_ASPACE_BASE, 0x200000)
        assert.strictEqual(USER_ASPACE_SIZE, 0x3f_ffe0_0000)
        assert.deepStrictEqual(yield* k.vmar.regions(rootVmar), [])
      })))

    it.effect("cannot be destroyed (NOT_SUPPORTED)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        yield* expectStatus(k.vmar.destroy(rootVmar), Status.NOT_SUPPORTED)
        assert.strictEqual((yield* k.vmar.info(rootVmar)).base, USER_ASPACE_BASE)
      })))

    it.effect("goes with its process: an unstarted process dies with its last handle", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, rootVmar } = yield* newProcess()
        const vmo = yield* k.vmo.create(PAGE)
        yield* k.vmar.map(rootVmar, RW, 0, vmo, 0, PAGE)
        const child = yield* k.vmar.allocate(rootVmar, CAN_MAP_READ, 0, 16 * PAGE)
        yield* k.handle.close(vmo)
        assert.strictEqual((yield* live).VMO, 1)
        yield* k.handle.close(process)
        assert.strictEqual((yield* live).PROCESS, 0)
        // The mapping's VMO reference went with the address space.
        assert.strictEqual((yield* live).VMO, 0)
        yield* expectStatus(k.vmar.info(rootVmar), Status.BAD_STATE)
        yield* expectStatus(k.vmar.map(rootVmar, RW, 0, yield* k.vmo.create(PAGE), 0, PAGE), Status.BAD_STATE)
        yield* expectStatus(k.vmar.allocate(child.vmar, 0, 0, PAGE), Status.BAD_STATE)
      })))
  })

  describe("allocate", () => {
    it.effect("SPECIFIC places the child at parent base + offset; overlaps fail ALREADY_EXISTS", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const a = yield* k.vmar.allocate(rootVmar, SPECIFIC | CAN_MAP_READ, 0x10000, 0x4000)
        assert.strictEqual(a.base, USER_ASPACE_BASE + 0x10000)
        assert.deepStrictEqual(yield* k.vmar.info(a.vmar), { base: USER_ASPACE_BASE + 0x10000, len: 0x4000 })
        yield* expectStatus(k.vmar.allocate(rootVmar, SPECIFIC, 0x13000, 0x2000), Status.ALREADY_EXISTS)
        yield* expectStatus(k.vmar.allocate(rootVmar, SPECIFIC, 0xf000, 0x2000), Status.ALREADY_EXISTS)
        yield* expectStatus(k.vmar.allocate(rootVmar, SPECIFIC, 0x10000, 0x4000), Status.ALREADY_EXISTS)
        // Adjacent is fine.
        const b = yield* k.vmar.allocate(rootVmar, SPECIFIC, 0x14000, 0x1000)
        const c = yield* k.vmar.allocate(rootVmar, SPECIFIC, 0xf000, 0x1000)
        assert.strictEqual(b.base, USER_ASPACE_BASE + 0x14000)
        assert.strictEqual(c.base, USER_ASPACE_BASE + 0xf000)
        // The very end of the user range.
        const last = yield* k.vmar.allocate(rootVmar, SPECIFIC, USER_ASPACE_SIZE - PAGE, PAGE)
        assert.strictEqual(last.base + PAGE, 2 ** 38)
        const regions = yield* k.vmar.regions(rootVmar)
        assert.deepStrictEqual(regions.map((r) => [r._tag, r.base, r.size, r.depth]), [
          ["Vmar", USER_ASPACE_BASE + 0xf000, 0x1000, 0],
          ["Vmar", USER_ASPACE_BASE + 0x10000, 0x4000, 0],
          ["Vmar", USER_ASPACE_BASE + 0x14000, 0x1000, 0],
          ["Vmar", 2 ** 38 - PAGE, PAGE, 0]
        ])
      })))

    it.effect("non-specific placement lands inside the parent, page aligned, and honours ALIGN", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const arena = yield* k.vmar.allocate(rootVmar, CAN_MAP_READ | CAN_MAP_SPECIFIC, 0, 0x400000)
        for (let i = 0; i < 20; i++) {
          const { base } = yield* k.vmar.allocate(arena.vmar, 0, 0, 0x3000)
          assert.strictEqual(base % PAGE, 0)
          assert.isAtLeast(base, arena.base)
          assert.isAtMost(base + 0x3000, arena.base + 0x400000)
        }
        for (const log2 of [13, 16, 20]) {
          const { base } = yield* k.vmar.allocate(arena.vmar, align(log2), 0, PAGE)
          assert.strictEqual(base % 2 ** log2, 0)
        }
        const big = yield* k.vmar.allocate(rootVmar, align(32), 0, PAGE)
        assert.strictEqual(big.base % 2 ** 32, 0)
        // SPECIFIC must satisfy the alignment too (of the absolute address: the arena's base is
        // random, so the offset is chosen to put the address one page past a 1 MiB boundary).
        const misaligned = (PAGE - (arena.base % 2 ** 20) + 2 ** 20) % 2 ** 20
        yield* expectStatus(k.vmar.allocate(arena.vmar, SPECIFIC | align(20), misaligned, PAGE), Status.INVALID_ARGS)
      })))

    it.effect("no room fails NO_MEMORY", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const arena = yield* k.vmar.allocate(rootVmar, CAN_MAP_SPECIFIC, 0, 4 * PAGE)
        yield* expectStatus(k.vmar.allocate(arena.vmar, 0, 0, 5 * PAGE), Status.NO_MEMORY)
        yield* k.vmar.allocate(arena.vmar, SPECIFIC, PAGE, PAGE)
        yield* expectStatus(k.vmar.allocate(arena.vmar, 0, 0, 3 * PAGE), Status.NO_MEMORY)
        yield* k.vmar.allocate(arena.vmar, 0, 0, 2 * PAGE)
        yield* k.vmar.allocate(arena.vmar, 0, 0, PAGE)
        yield* expectStatus(k.vmar.allocate(arena.vmar, 0, 0, PAGE), Status.NO_MEMORY)
        assert.strictEqual((yield* live).VMAR, 5)
      })))

    it.effect("bad sizes and offsets fail INVALID_ARGS", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        yield* expectStatus(k.vmar.allocate(rootVmar, 0, 0, 0), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.allocate(rootVmar, 0, 0, 100), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.allocate(rootVmar, 0, PAGE, PAGE), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.allocate(rootVmar, SPECIFIC, 100, PAGE), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.allocate(rootVmar, SPECIFIC, USER_ASPACE_SIZE, PAGE), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.allocate(rootVmar, SPECIFIC, USER_ASPACE_SIZE - PAGE, 2 * PAGE), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.allocate(rootVmar, SPECIFIC, 0, USER_ASPACE_SIZE + PAGE), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.allocate(rootVmar, 0, 0, 2 ** 40), Status.NO_MEMORY)
        // SPECIFIC and OFFSET_IS_UPPER_LIMIT together are refused.
        yield* expectStatus(
          k.vmar.allocate(rootVmar, SPECIFIC | VmOption.OFFSET_IS_UPPER_LIMIT, 0x10000, PAGE),
          Status.INVALID_ARGS
        )
        assert.strictEqual((yield* live).VMAR, 1)
      })))

    it.effect("OFFSET_IS_UPPER_LIMIT keeps the child below the limit", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        for (let i = 0; i < 10; i++) {
          const { base } = yield* k.vmar.allocate(rootVmar, VmOption.OFFSET_IS_UPPER_LIMIT, 0x100000, PAGE)
          assert.isAtMost(base + PAGE, USER_ASPACE_BASE + 0x100000)
        }
      })))

    it.effect("CAN_MAP bits: a child gets only what it asks for, and only what its parent allows (ACCESS_DENIED)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const readOnly = yield* k.vmar.allocate(rootVmar, CAN_MAP_READ, 0, 16 * PAGE)
        yield* expectStatus(k.vmar.allocate(readOnly.vmar, CAN_MAP_WRITE, 0, PAGE), Status.ACCESS_DENIED)
        yield* expectStatus(
          k.vmar.allocate(readOnly.vmar, CAN_MAP_READ | CAN_MAP_EXECUTE, 0, PAGE),
          Status.ACCESS_DENIED
        )
        // Without CAN_MAP_SPECIFIC nothing can be placed at a chosen offset in it.
        yield* expectStatus(k.vmar.allocate(readOnly.vmar, SPECIFIC, 0, PAGE), Status.ACCESS_DENIED)
        const vmo = yield* k.vmo.create(PAGE)
        yield* expectStatus(k.vmar.map(readOnly.vmar, PERM_READ | SPECIFIC, 0, vmo, 0, PAGE), Status.ACCESS_DENIED)
        yield* expectStatus(k.vmar.map(readOnly.vmar, RW, 0, vmo, 0, PAGE), Status.ACCESS_DENIED)
        const grandchild = yield* k.vmar.allocate(readOnly.vmar, CAN_MAP_READ, 0, PAGE)
        const regions = yield* k.vmar.regions(rootVmar)
        assert.deepStrictEqual(regions.map((r) => r._tag === "Vmar" ? r.canMap : -1), [CAN_MAP_READ, CAN_MAP_READ])
        yield* k.vmar.map(grandchild.vmar, PERM_READ, 0, vmo, 0, PAGE)
        // Asking for CAN_MAP_SPECIFIC is never an error, even when the parent lacks it.
        const specific = yield* k.vmar.allocate(readOnly.vmar, CAN_MAP_SPECIFIC | CAN_MAP_READ, 0, 2 * PAGE)
        yield* k.vmar.map(specific.vmar, PERM_READ | SPECIFIC, PAGE, vmo, 0, PAGE)
      })))

    it.effect("CAN_MAP_READ/WRITE/EXECUTE need READ/WRITE/EXECUTE on the parent handle (ACCESS_DENIED)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const noWrite = yield* k.handle.duplicate(rootVmar, Rights.ROOT_VMAR & ~R.WRITE)
        const noExec = yield* k.handle.duplicate(rootVmar, Rights.ROOT_VMAR & ~R.EXECUTE)
        yield* expectStatus(k.vmar.allocate(noWrite, CAN_MAP_READ | CAN_MAP_WRITE, 0, PAGE), Status.ACCESS_DENIED)
        yield* expectStatus(k.vmar.allocate(noExec, CAN_MAP_READ | CAN_MAP_EXECUTE, 0, PAGE), Status.ACCESS_DENIED)
        const ok = yield* k.vmar.allocate(noWrite, CAN_MAP_READ | CAN_MAP_EXECUTE, 0, PAGE)
        assert.strictEqual((yield* k.handle.info(ok.vmar)).rights & R.WRITE, 0)
        assert.strictEqual((yield* live).VMAR, 2)
      })))

    it.effect("a child VMAR keeps its range after its handle closes, until destroyed", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        yield* Effect.scoped(k.vmar.allocate(rootVmar, SPECIFIC, 0x100000, 0x10000))
        yield* expectStatus(k.vmar.allocate(rootVmar, SPECIFIC, 0x100000, PAGE), Status.ALREADY_EXISTS)
        assert.strictEqual((yield* k.vmar.regions(rootVmar)).length, 1)
        assert.strictEqual((yield* live).VMAR, 2)
        // unmap over it destroys it.
        yield* k.vmar.unmap(rootVmar, USER_ASPACE_BASE + 0x100000, 0x10000)
        assert.strictEqual((yield* live).VMAR, 1)
        yield* k.vmar.allocate(rootVmar, SPECIFIC, 0x100000, PAGE)
      })))
  })

  describe("map", () => {
    it.effect("maps a VMO: the process sees its bytes, and regions describes the mapping", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, rootVmar } = yield* newProcess()
        const vmo = yield* k.vmo.fromBytes(ramp(3 * PAGE), { name: "data" })
        const address = yield* k.vmar.map(rootVmar, PERM_READ, 0, vmo, PAGE, 2 * PAGE)
        assert.strictEqual(address % PAGE, 0)
        assert.isAtLeast(address, USER_ASPACE_BASE)
        assert.isAtMost(address + 2 * PAGE, 2 ** 38)
        assert.deepStrictEqual(yield* k.process.readMemory(process, address, 2 * PAGE), ramp(3 * PAGE).subarray(PAGE))
        const [region] = yield* k.vmar.regions(rootVmar)
        assert.deepStrictEqual(region, {
          _tag: "Mapping",
          base: address,
          size: 2 * PAGE,
          depth: 0,
          perms: PERM_READ,
          vmoKoid: (yield* k.handle.info(vmo)).koid,
          vmoName: "data",
          vmoOffset: PAGE,
          committedPages: 2
        })
        // Writes through the process land in the VMO.
        const rw = yield* k.vmo.create(PAGE)
        const at = yield* k.vmar.map(rootVmar, RW | SPECIFIC, 0x40000, rw, 0, PAGE)
        assert.strictEqual(at, USER_ASPACE_BASE + 0x40000)
        yield* k.process.writeMemory(process, at + 10, new Uint8Array([1, 2]))
        assert.deepStrictEqual(Array.from(yield* k.vmo.read(rw, 9, 4)), [0, 1, 2, 0])
      })))

    it.effect("the mapping holds its own reference to the VMO", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, rootVmar } = yield* newProcess()
        const address = yield* Effect.scoped(Effect.gen(function*() {
          const vmo = yield* k.vmo.fromBytes(new Uint8Array([42]))
          return yield* k.vmar.map(rootVmar, PERM_READ, 0, vmo, 0, PAGE)
        }))
        assert.strictEqual((yield* live).VMO, 1)
        assert.deepStrictEqual(Array.from(yield* k.process.readMemory(process, address, 1)), [42])
        yield* k.vmar.unmap(rootVmar, address, PAGE)
        assert.strictEqual((yield* live).VMO, 0)
        assert.strictEqual((yield* live).frames, 0)
      })))

    it.effect("PERM_READ/WRITE/EXECUTE need the VMAR's CAN_MAP bits and the rights on both handles", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const vmo = yield* k.vmo.create(PAGE)
        const exec = yield* k.vmo.replaceAsExecutable(yield* k.vmo.create(PAGE))
        // The VMO handle's rights.
        const noMap = yield* k.handle.duplicate(vmo, Rights.DEFAULT_VMO & ~R.MAP)
        yield* expectStatus(k.vmar.map(rootVmar, PERM_READ, 0, noMap, 0, PAGE), Status.ACCESS_DENIED)
        const noRead = yield* k.handle.duplicate(vmo, Rights.DEFAULT_VMO & ~R.READ)
        yield* expectStatus(k.vmar.map(rootVmar, PERM_READ, 0, noRead, 0, PAGE), Status.ACCESS_DENIED)
        const noWrite = yield* k.handle.duplicate(vmo, Rights.DEFAULT_VMO & ~R.WRITE)
        yield* expectStatus(k.vmar.map(rootVmar, RW, 0, noWrite, 0, PAGE), Status.ACCESS_DENIED)
        yield* k.vmar.map(rootVmar, PERM_READ, 0, noWrite, 0, PAGE)
        yield* expectStatus(k.vmar.map(rootVmar, PERM_READ | PERM_EXECUTE, 0, vmo, 0, PAGE), Status.ACCESS_DENIED)
        yield* k.vmar.map(rootVmar, PERM_READ | PERM_EXECUTE, 0, exec, 0, PAGE)
        // The VMAR handle's rights.
        const vmarNoWrite = yield* k.handle.duplicate(rootVmar, Rights.ROOT_VMAR & ~R.WRITE)
        yield* expectStatus(k.vmar.map(vmarNoWrite, RW, 0, vmo, 0, PAGE), Status.ACCESS_DENIED)
        const vmarNoExec = yield* k.handle.duplicate(rootVmar, Rights.ROOT_VMAR & ~R.EXECUTE)
        yield* expectStatus(k.vmar.map(vmarNoExec, PERM_READ | PERM_EXECUTE, 0, exec, 0, PAGE), Status.ACCESS_DENIED)
        const vmarNoRead = yield* k.handle.duplicate(rootVmar, Rights.ROOT_VMAR & ~R.READ)
        yield* expectStatus(k.vmar.map(vmarNoRead, PERM_READ, 0, vmo, 0, PAGE), Status.ACCESS_DENIED)
        // The VMAR's CAN_MAP bits.
        const rOnly = yield* k.vmar.allocate(rootVmar, CAN_MAP_READ, 0, 16 * PAGE)
        yield* expectStatus(k.vmar.map(rOnly.vmar, RW, 0, vmo, 0, PAGE), Status.ACCESS_DENIED)
        yield* expectStatus(k.vmar.map(rOnly.vmar, PERM_READ | PERM_EXECUTE, 0, exec, 0, PAGE), Status.ACCESS_DENIED)
        const none = yield* k.vmar.allocate(rootVmar, 0, 0, 16 * PAGE)
        yield* expectStatus(k.vmar.map(none.vmar, PERM_READ, 0, vmo, 0, PAGE), Status.ACCESS_DENIED)
        // Write or execute without read is not a valid protection; READ_IF_XOM_UNSUPPORTED adds read.
        yield* expectStatus(k.vmar.map(rootVmar, PERM_WRITE, 0, vmo, 0, PAGE), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.map(rootVmar, PERM_EXECUTE, 0, exec, 0, PAGE), Status.INVALID_ARGS)
        const xom = yield* k.vmar.map(rootVmar, PERM_EXECUTE | VmOption.PERM_READ_IF_XOM_UNSUPPORTED, 0, exec, 0, PAGE)
        const xomRegion = (yield* k.vmar.regions(rootVmar)).find((r) => r.base === xom)
        assert.strictEqual(xomRegion?._tag === "Mapping" ? xomRegion.perms : -1, PERM_READ | PERM_EXECUTE)
        assert.strictEqual((yield* k.vmar.regions(rootVmar)).filter((r) => r._tag === "Mapping").length, 3)
      })))

    it.effect("past a fixed-size VMO's end: BUFFER_TOO_SMALL unless ALLOW_FAULTS", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const vmo = yield* k.vmo.create(PAGE)
        yield* expectStatus(k.vmar.map(rootVmar, PERM_READ, 0, vmo, 0, 2 * PAGE), Status.BUFFER_TOO_SMALL)
        yield* expectStatus(k.vmar.map(rootVmar, PERM_READ, 0, vmo, PAGE, PAGE), Status.BUFFER_TOO_SMALL)
        yield* k.vmar.map(rootVmar, PERM_READ | VmOption.ALLOW_FAULTS, 0, vmo, 0, 2 * PAGE)
      })))

    it.effect("a resizable VMO: NOT_SUPPORTED unless ALLOW_FAULTS", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const vmo = yield* k.vmo.create(PAGE, VmoOption.RESIZABLE)
        yield* expectStatus(k.vmar.map(rootVmar, PERM_READ, 0, vmo, 0, PAGE), Status.NOT_SUPPORTED)
        yield* k.vmar.map(rootVmar, PERM_READ | VmOption.ALLOW_FAULTS, 0, vmo, 0, PAGE)
      })))

    it.effect("SPECIFIC overlap fails ALREADY_EXISTS; no room fails NO_RESOURCES; bad arguments INVALID_ARGS", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const vmo = yield* k.vmo.create(4 * PAGE)
        const arena = yield* k.vmar.allocate(rootVmar, CAN_MAP_READ | CAN_MAP_WRITE | CAN_MAP_SPECIFIC, 0, 4 * PAGE)
        yield* k.vmar.map(arena.vmar, RW | SPECIFIC, PAGE, vmo, 0, 2 * PAGE)
        yield* expectStatus(k.vmar.map(arena.vmar, RW | SPECIFIC, 2 * PAGE, vmo, 0, 2 * PAGE), Status.ALREADY_EXISTS)
        yield* expectStatus(k.vmar.map(arena.vmar, RW, 0, vmo, 0, 2 * PAGE), Status.NO_RESOURCES)
        yield* expectStatus(k.vmar.map(arena.vmar, RW, 0, vmo, 0, 0), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.map(arena.vmar, RW, 0, vmo, 0, 100), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.map(arena.vmar, RW, 0, vmo, 100, PAGE), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.map(arena.vmar, RW | SPECIFIC, 100, vmo, 0, PAGE), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.map(arena.vmar, RW, PAGE, vmo, 0, PAGE), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.map(arena.vmar, RW | SPECIFIC, 4 * PAGE, vmo, 0, PAGE), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.map(arena.vmar, RW | SPECIFIC, 3 * PAGE, vmo, 0, 2 * PAGE), Status.INVALID_ARGS)
        const mapped = yield* k.vmar.map(arena.vmar, RW, 0, vmo, 0, PAGE)
        assert.include([arena.base, arena.base + 3 * PAGE], mapped)
        assert.strictEqual((yield* k.vmar.regions(arena.vmar)).length, 2)
      })))

    it.effect("SPECIFIC_OVERWRITE replaces the mappings in its range", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, rootVmar } = yield* newProcess()
        const a = yield* k.vmo.fromBytes(new Uint8Array(3 * PAGE).fill(1))
        const b = yield* k.vmo.fromBytes(new Uint8Array(PAGE).fill(2))
        const base = yield* k.vmar.map(rootVmar, PERM_READ | SPECIFIC, 0x100000, a, 0, 3 * PAGE)
        yield* k.vmar.map(rootVmar, PERM_READ | VmOption.SPECIFIC_OVERWRITE, 0x100000 + PAGE, b, 0, PAGE)
        const bytes = yield* k.process.readMemory(process, base, 3 * PAGE)
        assert.deepStrictEqual([bytes[0], bytes[PAGE], bytes[2 * PAGE]], [1, 2, 1])
        assert.strictEqual((yield* k.vmar.regions(rootVmar)).length, 3)
      })))

    it.effect("mapping neither commits pages nor copies: reads see the VMO's later writes", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, rootVmar } = yield* newProcess()
        const vmo = yield* k.vmo.create(8 * PAGE)
        const address = yield* k.vmar.map(rootVmar, RW, 0, vmo, 0, 8 * PAGE)
        assert.strictEqual((yield* live).frames, 0)
        assert.deepStrictEqual(yield* k.process.readMemory(process, address, 8 * PAGE), new Uint8Array(8 * PAGE))
        assert.strictEqual((yield* live).frames, 0)
        yield* k.vmo.write(vmo, 3 * PAGE, new Uint8Array([7]))
        assert.deepStrictEqual(Array.from(yield* k.process.readMemory(process, address + 3 * PAGE, 1)), [7])
        const [region] = yield* k.vmar.regions(rootVmar)
        assert.strictEqual(region._tag === "Mapping" ? region.committedPages : -1, 1)
      })))
  })

  describe("unmap", () => {
    it.effect("unmapping the middle of a mapping splits it", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, rootVmar } = yield* newProcess()
        const bytes = ramp(4 * PAGE)
        const vmo = yield* k.vmo.fromBytes(bytes)
        const base = yield* k.vmar.map(rootVmar, PERM_READ, 0, vmo, 0, 4 * PAGE)
        yield* k.vmar.unmap(rootVmar, base + PAGE, 2 * PAGE)
        const regions = yield* k.vmar.regions(rootVmar)
        assert.deepStrictEqual(
          regions.map((r) => r._tag === "Mapping" ? [r.base, r.size, r.vmoOffset] : []),
          [[base, PAGE, 0], [base + 3 * PAGE, PAGE, 3 * PAGE]]
        )
        assert.deepStrictEqual(yield* k.process.readMemory(process, base, PAGE), bytes.subarray(0, PAGE))
        assert.deepStrictEqual(yield* k.process.readMemory(process, base + 3 * PAGE, PAGE), bytes.subarray(3 * PAGE))
        yield* expectStatus(k.process.readMemory(process, base + PAGE, 1), Status.INVALID_ARGS)
        // The head and the tail each hold the VMO.
        yield* k.handle.close(vmo)
        yield* k.vmar.unmap(rootVmar, base, PAGE)
        assert.strictEqual((yield* live).VMO, 1)
        yield* k.vmar.unmap(rootVmar, base + 3 * PAGE, PAGE)
        assert.strictEqual((yield* live).VMO, 0)
      })))

    it.effect("unmapping the head or tail trims it; one range may cover several mappings", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const vmo = yield* k.vmo.create(4 * PAGE)
        const base = USER_ASPACE_BASE + 0x100000
        yield* k.vmar.map(rootVmar, PERM_READ | SPECIFIC, 0x100000, vmo, 0, 4 * PAGE)
        yield* k.vmar.map(rootVmar, PERM_READ | SPECIFIC, 0x100000 + 4 * PAGE, vmo, 0, 4 * PAGE)
        yield* k.vmar.unmap(rootVmar, base, PAGE)
        yield* k.vmar.unmap(rootVmar, base + 7 * PAGE, PAGE)
        yield* k.vmar.unmap(rootVmar, base + 3 * PAGE, 2 * PAGE)
        const regions = yield* k.vmar.regions(rootVmar)
        assert.deepStrictEqual(
          regions.map((r) => r._tag === "Mapping" ? [r.base - base, r.size, r.vmoOffset] : []),
          [[PAGE, 2 * PAGE, PAGE], [5 * PAGE, 2 * PAGE, PAGE]]
        )
      })))

    it.effect("unmap destroys child VMARs wholly inside the range and refuses partial overlaps", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const child = yield* k.vmar.allocate(rootVmar, SPECIFIC | CAN_MAP_READ, 0x100000, 4 * PAGE)
        const vmo = yield* k.vmo.create(PAGE)
        yield* k.vmar.map(child.vmar, PERM_READ, 0, vmo, 0, PAGE)
        yield* expectStatus(k.vmar.unmap(rootVmar, child.base, 2 * PAGE), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.unmap(rootVmar, child.base - PAGE, 2 * PAGE), Status.INVALID_ARGS)
        assert.strictEqual((yield* k.vmar.regions(rootVmar)).length, 2)
        yield* k.vmar.unmap(rootVmar, child.base - PAGE, 6 * PAGE)
        assert.deepStrictEqual(yield* k.vmar.regions(rootVmar), [])
        yield* expectStatus(k.vmar.info(child.vmar), Status.BAD_STATE)
        yield* k.handle.close(vmo)
        assert.strictEqual((yield* live).VMO, 0)
      })))

    it.effect("bad ranges fail INVALID_ARGS", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const child = yield* k.vmar.allocate(rootVmar, SPECIFIC | CAN_MAP_READ, 0x100000, 4 * PAGE)
        yield* expectStatus(k.vmar.unmap(rootVmar, USER_ASPACE_BASE + 100, PAGE), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.unmap(rootVmar, USER_ASPACE_BASE, 0), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.unmap(rootVmar, USER_ASPACE_BASE, 100), Status.INVALID_ARGS)
        // Outside the VMAR the handle names.
        yield* expectStatus(k.vmar.unmap(child.vmar, child.base + 4 * PAGE, PAGE), Status.INVALID_ARGS)
        yield* expectStatus(k.vmar.unmap(child.vmar, child.base - PAGE, PAGE), Status.INVALID_ARGS)
      })))
  })

  describe("protect", () => {
    it.effect("changes permissions of part of a mapping, splitting it", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const vmo = yield* k.vmo.create(3 * PAGE)
        const base = yield* k.vmar.map(rootVmar, RW, 0, vmo, 0, 3 * PAGE)
        yield* k.vmar.protect(rootVmar, PERM_READ, base + PAGE, PAGE)
        const regions = yield* k.vmar.regions(rootVmar)
        assert.deepStrictEqual(
          regions.map((r) => r._tag === "Mapping" ? [r.base - base, r.size, r.perms, r.vmoOffset] : []),
          [[0, PAGE, RW, 0], [PAGE, PAGE, PERM_READ, PAGE], [2 * PAGE, PAGE, RW, 2 * PAGE]]
        )
        // Back to read-write: allowed, the handles allowed it when mapping.
        yield* k.vmar.protect(rootVmar, RW, base, 3 * PAGE)
        assert.isTrue((yield* k.vmar.regions(rootVmar)).every((r) => r._tag === "Mapping" && r.perms === RW))
      })))

    it.effect("a range that is not mapped throughout fails NOT_FOUND and changes nothing", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const vmo = yield* k.vmo.create(PAGE)
        const base = USER_ASPACE_BASE + 0x100000
        yield* k.vmar.map(rootVmar, RW | SPECIFIC, 0x100000, vmo, 0, PAGE)
        yield* k.vmar.map(rootVmar, RW | SPECIFIC, 0x100000 + 2 * PAGE, vmo, 0, PAGE)
        yield* expectStatus(k.vmar.protect(rootVmar, PERM_READ, base, 3 * PAGE), Status.NOT_FOUND)
        yield* expectStatus(k.vmar.protect(rootVmar, PERM_READ, base + 3 * PAGE, PAGE), Status.NOT_FOUND)
        assert.isTrue((yield* k.vmar.regions(rootVmar)).every((r) => r._tag === "Mapping" && r.perms === RW))
      })))

    it.effect("cannot exceed what the mapping's handles allowed, or the VMAR handle's rights (ACCESS_DENIED)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const vmo = yield* k.vmo.create(PAGE)
        const readOnlyVmo = yield* k.handle.duplicate(vmo, Rights.DEFAULT_VMO & ~R.WRITE)
        const a = yield* k.vmar.map(rootVmar, PERM_READ, 0, readOnlyVmo, 0, PAGE)
        yield* expectStatus(k.vmar.protect(rootVmar, RW, a, PAGE), Status.ACCESS_DENIED)
        yield* expectStatus(k.vmar.protect(rootVmar, PERM_READ | PERM_EXECUTE, a, PAGE), Status.ACCESS_DENIED)
        const b = yield* k.vmar.map(rootVmar, PERM_READ, 0, vmo, 0, PAGE)
        const vmarNoWrite = yield* k.handle.duplicate(rootVmar, Rights.ROOT_VMAR & ~R.WRITE)
        yield* expectStatus(k.vmar.protect(vmarNoWrite, RW, b, PAGE), Status.ACCESS_DENIED)
        yield* k.vmar.protect(rootVmar, RW, b, PAGE)
        yield* expectStatus(k.vmar.protect(rootVmar, PERM_WRITE, b, PAGE), Status.INVALID_ARGS)
        const exec = yield* k.vmo.replaceAsExecutable(yield* k.vmo.create(PAGE))
        const c = yield* k.vmar.map(rootVmar, PERM_READ | PERM_EXECUTE, 0, exec, 0, PAGE)
        yield* expectStatus(k.vmar.protect(rootVmar, PERM_EXECUTE, c, PAGE), Status.INVALID_ARGS)
        yield* k.vmar.protect(rootVmar, PERM_EXECUTE | VmOption.PERM_READ_IF_XOM_UNSUPPORTED, c, PAGE)
        yield* k.vmar.unmap(rootVmar, c, PAGE)
        const perms = (yield* k.vmar.regions(rootVmar)).map((r) => r._tag === "Mapping" ? [r.base, r.perms] : [])
        assert.deepStrictEqual(perms.sort((x, y) => x[0] - y[0]), [[a, PERM_READ], [b, RW]].sort((x, y) => x[0] - y[0]))
      })))
  })

  describe("protect in sub-regions", () => {
    it.effect("reaches mappings in child VMARs, which may lose permissions but never gain them (ACCESS_DENIED)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const all = CAN_MAP_READ | CAN_MAP_WRITE | CAN_MAP_SPECIFIC
        const child = yield* k.vmar.allocate(rootVmar, all | SPECIFIC, 0x100000, 4 * PAGE)
        const vmo = yield* k.vmo.create(4 * PAGE)
        const inner = yield* k.vmar.map(child.vmar, RW | SPECIFIC, PAGE, vmo, 0, 3 * PAGE)
        const outer = yield* k.vmar.map(rootVmar, RW | SPECIFIC, 0x100000 + 4 * PAGE, vmo, 0, PAGE)
        // Reducing through the parent reaches into the child.
        yield* k.vmar.protect(rootVmar, PERM_READ, inner, 5 * PAGE - PAGE)
        const perms = () =>
          Effect.map(
            k.vmar.regions(rootVmar),
            (rs) => rs.flatMap((r) => r._tag === "Mapping" ? [[r.base, r.perms]] : [])
          )
        assert.deepStrictEqual(yield* perms(), [[inner, PERM_READ], [outer, PERM_READ]])
        // Raising them again through the parent would raise a sub-region's mapping: refused.
        yield* expectStatus(k.vmar.protect(rootVmar, RW, inner, 5 * PAGE - PAGE), Status.ACCESS_DENIED)
        assert.deepStrictEqual(yield* perms(), [[inner, PERM_READ], [outer, PERM_READ]])
        // Through the child's own handle it is allowed, as is raising the parent's own mapping.
        yield* k.vmar.protect(child.vmar, RW, inner, 3 * PAGE)
        yield* k.vmar.protect(rootVmar, RW, outer, PAGE)
        assert.deepStrictEqual(yield* perms(), [[inner, RW], [outer, RW]])
      })))
  })

  describe("destroy", () => {
    it.effect("destroys recursively; every later use of the handles fails BAD_STATE", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const all = CAN_MAP_READ | CAN_MAP_WRITE | CAN_MAP_SPECIFIC
        const parent = yield* k.vmar.allocate(rootVmar, all | SPECIFIC, 0x100000, 64 * PAGE)
        const children: Array<Handle.Vmar> = []
        for (let i = 0; i < 5; i++) {
          children.push((yield* k.vmar.allocate(parent.vmar, all | SPECIFIC, i * 8 * PAGE, 4 * PAGE)).vmar)
        }
        const grandchild = yield* k.vmar.allocate(children[2], all | SPECIFIC, 2 * PAGE, PAGE)
        const vmo = yield* k.vmo.create(PAGE)
        yield* k.vmar.map(parent.vmar, RW | SPECIFIC, 60 * PAGE, vmo, 0, PAGE)
        for (const c of children) yield* k.vmar.map(c, RW | SPECIFIC, PAGE, vmo, 0, PAGE)
        yield* k.vmar.map(grandchild.vmar, RW, 0, vmo, 0, PAGE)
        yield* k.handle.close(vmo)
        assert.strictEqual((yield* live).VMO, 1)
        assert.strictEqual((yield* live).VMAR, 8)
        yield* k.vmar.destroy(parent.vmar)
        assert.deepStrictEqual(yield* k.vmar.regions(rootVmar), [])
        assert.strictEqual((yield* live).VMO, 0)
        for (const h of [parent.vmar, ...children, grandchild.vmar]) {
          yield* expectStatus(k.vmar.info(h), Status.BAD_STATE)
          yield* expectStatus(k.vmar.allocate(h, 0, 0, PAGE), Status.BAD_STATE)
          yield* expectStatus(k.vmar.map(h, PERM_READ, 0, yield* k.vmo.create(PAGE), 0, PAGE), Status.BAD_STATE)
          yield* expectStatus(k.vmar.destroy(h), Status.BAD_STATE)
        }
        yield* expectStatus(k.vmar.unmap(parent.vmar, parent.base, PAGE), Status.BAD_STATE)
        yield* expectStatus(k.vmar.protect(parent.vmar, PERM_READ, parent.base, PAGE), Status.BAD_STATE)
        // The range is free again.
        yield* k.vmar.allocate(rootVmar, SPECIFIC, 0x100000, 64 * PAGE)
      })))

    it.effect("a dying process destroys every child VMAR of its address space", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { process, rootVmar } = yield* newProcess()
        const children: Array<Handle.Vmar> = []
        for (let i = 0; i < 6; i++) children.push((yield* k.vmar.allocate(rootVmar, CAN_MAP_READ, 0, PAGE)).vmar)
        yield* k.handle.close(process)
        for (const c of children) yield* expectStatus(k.vmar.info(c), Status.BAD_STATE)
        yield* expectStatus(k.vmar.info(rootVmar), Status.BAD_STATE)
        for (const c of children) yield* k.handle.close(c)
        yield* k.handle.close(rootVmar)
        assert.strictEqual((yield* live).VMAR, 0)
      })))

    it.effect("needs OP_CHILDREN (ACCESS_DENIED)", () =>
      withKernel(Effect.gen(function*() {
        const k = yield* kernel
        const { rootVmar } = yield* newProcess()
        const child = yield* k.vmar.allocate(rootVmar, CAN_MAP_READ, 0, PAGE)
        const weak = yield* k.handle.duplicate(child.vmar, Rights.DEFAULT_VMAR & ~R.OP_CHILDREN)
        yield* expectStatus(k.vmar.destroy(weak), Status.ACCESS_DENIED)
        yield* k.vmar.info(child.vmar)
      })))
  })

  describe("placement", () => {
    const layout = Effect.gen(function*() {
      const k = yield* Kernel.Kernel
      const root = yield* k.job.root()
      const { rootVmar } = yield* k.process.create(root, "layout")
      const out: Array<number> = []
      const vmo = yield* k.vmo.create(PAGE)
      for (let i = 0; i < 8; i++) out.push((yield* k.vmar.allocate(rootVmar, CAN_MAP_READ, 0, 16 * PAGE)).base)
      for (let i = 0; i < 8; i++) out.push(yield* k.vmar.map(rootVmar, PERM_READ, 0, vmo, 0, PAGE))
      return out
    }).pipe(Effect.scoped)

    it.effect("is randomized, and reproducible under a seeded Random", () =>
      Effect.gen(function*() {
        const run = (seed: string) => layout.pipe(Effect.provide(Kernel.layer), Effect.withRandom(Random.make(seed)))
        const a = yield* run("zxsim")
        const b = yield* run("zxsim")
        const c = yield* run("another seed")
        assert.deepStrictEqual(a, b)
        assert.notDeepEqual(a, c)
        // Spread over the address space, not packed at the bottom.
        assert.isAbove(Math.max(...a) - Math.min(...a), 2 ** 30)
      }))
  })

  describe("properties", () => {
    type Op =
      | {
        readonly _tag: "allocate"
        readonly at: number
        readonly specific: boolean
        readonly offset: number
        readonly pages: number
        readonly alignLog: number
        readonly canMap: number
      }
      | {
        readonly _tag: "map"
        readonly at: number
        readonly specific: boolean
        readonly offset: number
        readonly vmoPage: number
        readonly pages: number
        readonly write: boolean
        readonly faults: boolean
        readonly overwrite: boolean
      }
      | { readonly _tag: "unmap"; readonly at: number; readonly offset: number; readonly pages: number }
      | {
        readonly _tag: "protect"
        readonly at: number
        readonly offset: number
        readonly pages: number
        readonly write: boolean
      }
      | { readonly _tag: "destroy"; readonly at: number }

    const ARENA_PAGES = 96
    const opArb: FastCheck.Arbitrary<Op> = FastCheck.oneof(
      {
        weight: 3,
        arbitrary: FastCheck.record({
          _tag: FastCheck.constant("allocate" as const),
          at: FastCheck.nat(),
          specific: FastCheck.boolean(),
          offset: FastCheck.nat(ARENA_PAGES),
          pages: FastCheck.integer({ min: 0, max: 40 }),
          alignLog: FastCheck.constantFrom(0, 12, 13, 14, 16),
          canMap: FastCheck.subarray([CAN_MAP_READ, CAN_MAP_WRITE, CAN_MAP_SPECIFIC, CAN_MAP_EXECUTE]).map((b) =>
            b.reduce((x, y) => x | y, 0)
          )
        })
      },
      {
        weight: 4,
        arbitrary: FastCheck.record({
          _tag: FastCheck.constant("map" as const),
          at: FastCheck.nat(),
          specific: FastCheck.boolean(),
          offset: FastCheck.nat(ARENA_PAGES),
          vmoPage: FastCheck.nat(8),
          pages: FastCheck.integer({ min: 0, max: 12 }),
          write: FastCheck.boolean(),
          faults: FastCheck.boolean(),
          overwrite: FastCheck.boolean()
        })
      },
      {
        weight: 2,
        arbitrary: FastCheck.record({
          _tag: FastCheck.constant("unmap" as const),
          at: FastCheck.nat(),
          offset: FastCheck.integer({ min: -4, max: ARENA_PAGES }),
          pages: FastCheck.integer({ min: 0, max: 40 })
        })
      },
      {
        weight: 1,
        arbitrary: FastCheck.record({
          _tag: FastCheck.constant("protect" as const),
          at: FastCheck.nat(),
          offset: FastCheck.integer({ min: -4, max: ARENA_PAGES }),
          pages: FastCheck.integer({ min: 0, max: 16 }),
          write: FastCheck.boolean()
        })
      },
      { weight: 1, arbitrary: FastCheck.record({ _tag: FastCheck.constant("destroy" as const), at: FastCheck.nat() }) }
    )

    /** Checks the address-space tree `regions` describes: in bounds, ordered, never overlapping. */
    const checkTree = (regions: ReadonlyArray<Kernel.RegionInfo>, base: number, end: number) => {
      // The enclosing VMAR of each depth, and the end of the last sibling seen at that depth.
      const parents: Array<{ base: number; end: number; cursor: number }> = [{ base, end, cursor: base }]
      for (const r of regions) {
        assert.isAtMost(r.depth, parents.length - 1, "depth jumps by more than one")
        parents.length = r.depth + 1
        const parent = parents[r.depth]
        assert.isAbove(r.size, 0)
        assert.strictEqual(r.base % PAGE, 0)
        assert.strictEqual(r.size % PAGE, 0)
        assert.isAtLeast(
          r.base,
          parent.cursor,
          `region at 0x${r.base.toString(16)} overlaps its predecessor or leaves its parent`
        )
        assert.isAtMost(r.base + r.size, parent.end, `region at 0x${r.base.toString(16)} ends past its parent`)
        parent.cursor = r.base + r.size
        if (r._tag === "Vmar") parents.push({ base: r.base, end: r.base + r.size, cursor: r.base })
      }
    }

    it.prop(
      "random allocate/map/unmap/protect/destroy sequences never overlap and stay in bounds",
      [FastCheck.array(opArb, { minLength: 1, maxLength: 30 }), FastCheck.integer()],
      ([ops, kernelSeed]) =>
        runCase(
          Effect.gen(function*() {
            const k = yield* kernel
            const { rootVmar } = yield* newProcess()
            const vmo = yield* k.vmo.create(8 * PAGE)
            const all = CAN_MAP_READ | CAN_MAP_WRITE | CAN_MAP_SPECIFIC
            const arena = yield* k.vmar.allocate(rootVmar, all, 0, ARENA_PAGES * PAGE)
            const vmars: Array<{ handle: Handle.Vmar; base: number; size: number }> = [
              { handle: rootVmar, base: USER_ASPACE_BASE, size: USER_ASPACE_SIZE },
              { handle: arena.vmar, base: arena.base, size: ARENA_PAGES * PAGE }
            ]
            for (const op of ops) {
              // Mostly the arena and what is in it; sometimes the root.
              const target = vmars[op.at % vmars.length]
              switch (op._tag) {
                case "allocate": {
                  const options = op.canMap | (op.specific ? SPECIFIC : 0) |
                    (op.alignLog === 0 ? 0 : align(op.alignLog))
                  const result = yield* attempt(
                    k.vmar.allocate(target.handle, options, op.specific ? op.offset * PAGE : 0, op.pages * PAGE)
                  )
                  if (result._tag === "Some") {
                    const { base, vmar } = result.value
                    assert.isAtLeast(base, target.base)
                    assert.isAtMost(base + op.pages * PAGE, target.base + target.size)
                    if (op.alignLog !== 0) assert.strictEqual(base % 2 ** op.alignLog, 0)
                    if (op.specific) assert.strictEqual(base, target.base + op.offset * PAGE)
                    vmars.push({ handle: vmar, base, size: op.pages * PAGE })
                  }
                  break
                }
                case "map": {
                  const placement = op.specific ? (op.overwrite ? VmOption.SPECIFIC_OVERWRITE : SPECIFIC) : 0
                  const options = PERM_READ | (op.write ? PERM_WRITE : 0) | placement |
                    (op.faults ? VmOption.ALLOW_FAULTS : 0)
                  const result = yield* attempt(
                    k.vmar.map(
                      target.handle,
                      options,
                      op.specific ? op.offset * PAGE : 0,
                      vmo,
                      op.vmoPage * PAGE,
                      op.pages * PAGE
                    )
                  )
                  if (result._tag === "Some") {
                    assert.isAtLeast(result.value, target.base)
                    assert.isAtMost(result.value + op.pages * PAGE, target.base + target.size)
                    if (op.specific) assert.strictEqual(result.value, target.base + op.offset * PAGE)
                    assert.isTrue(op.faults || (op.vmoPage + op.pages) <= 8)
                  }
                  break
                }
                case "unmap":
                  yield* attempt(k.vmar.unmap(target.handle, target.base + op.offset * PAGE, op.pages * PAGE))
                  break
                case "protect":
                  yield* attempt(
                    k.vmar.protect(
                      target.handle,
                      PERM_READ | (op.write ? PERM_WRITE : 0),
                      target.base + op.offset * PAGE,
                      op.pages * PAGE
                    )
                  )
                  break
                case "destroy": {
                  const status = yield* attempt(k.vmar.destroy(target.handle))
                  if (status._tag === "Some") yield* expectStatus(k.vmar.info(target.handle), Status.BAD_STATE)
                  break
                }
              }
              const regions = yield* k.vmar.regions(rootVmar)
              checkTree(regions, USER_ASPACE_BASE, USER_ASPACE_BASE + USER_ASPACE_SIZE)
            }
          }),
          kernelSeed
        ),
      { fastCheck: { numRuns: propertyRuns(1000) } }
    )
  })
})
