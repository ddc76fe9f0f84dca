/**
 * ld.so.1's pure parts (sysroot/src/dynlink.h) compiled for the host and run on the committed
 * runtime files and programs: hash-table lookups, relocation of the whole set (every word of every
 * writable segment compared with what this test computes from its own reading of the files),
 * refusals of broken files, RELR decoding, the search order, and the segment plans against the
 * builder's algorithm.
 */
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll } from "vitest"
import { propertyRuns } from "../../../test-support/propertyRuns.js"
import * as Elf from "./elf.js"
import { buildHostProgram, packageDir, runHostProgram } from "./utils.js"

const workDir = mkdtempSync(path.join(os.tmpdir(), "zxsim-guest-dynlink-"))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))
const harness = buildHostProgram("dynlink", workDir)
const run = (...args: ReadonlyArray<string>) => runHostProgram(harness!, args).trimEnd().split("\n")
/**
 * Gives the event loop a turn: each host run is a synchronous spawn, and a worker that blocks for
 * a minute on a loaded machine misses Vitest's RPC deadline ("Timeout calling onTaskUpdate").
 */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve))

const bin = (name: string) => path.join(packageDir, "bin", name)
const VDSO = path.join(packageDir, "sysroot", "lib", "libzircon.so")
const fileBytes = (file: string) => new Uint8Array(readFileSync(file))
/** Writes `bytes` to a scratch file and returns its path. */
const scratch = (name: string, bytes: Uint8Array) => {
  const file = path.join(workDir, name)
  writeFileSync(file, bytes)
  return file
}
const hex = (n: bigint | number) => n.toString(16)

/** What `dynlink link` must print for `files` (the first is the executable) and the vDSO. */
const expectedLink = (files: ReadonlyArray<string>): Array<string> => {
  const elves = [...files, VDSO].map((f) => Elf.read(fileBytes(f)))
  const define = (name: string): string | undefined => {
    for (const [j, elf] of elves.entries()) {
      const symbol = elf.symbols.find((s) => s.name === name && Elf.isDefinition(s))
      if (symbol !== undefined) return `${j}+${hex(symbol.value)}`
    }
    return undefined
  }
  const lines: Array<string> = ["ok"]
  for (const [i, elf] of elves.slice(0, files.length).entries()) {
    const words = new Map<number, string>()
    for (const p of elf.phdrs.filter((p) => p.type === 1 && (p.flags & 2) !== 0)) {
      for (let at = Math.ceil(p.vaddr / 8) * 8; at + 8 <= p.vaddr + p.memsz; at += 8) {
        words.set(at, `=${hex(elf.wordAt(at))}`)
      }
    }
    for (const at of elf.relr) words.set(at, `${i}+${hex(elf.wordAt(at))}`)
    for (const r of elf.relocations) {
      if (r.type === 3) {
        words.set(r.offset, `${i}+${hex(r.addend)}`)
        continue
      }
      const symbol = elf.symbols[r.symbol]!
      const target = define(symbol.name)
      const addend = r.type === 5 && r.implicit ? 0n : r.addend
      if (target === undefined) {
        assert.strictEqual(symbol.bind, 2, `${symbol.name} is undefined and not weak`)
        words.set(r.offset, `=${hex(addend)}`)
      } else {
        const [j, value] = target.split("+")
        words.set(r.offset, `${j}+${hex(BigInt(`0x${value}`) + addend)}`)
      }
    }
    for (const [at, value] of [...words].sort((a, b) => a[0] - b[0])) lines.push(`${i} ${hex(at)} ${value}`)
  }
  return lines
}

/** A copy of `file` with `edit` applied to its bytes. */
const edited = (
  file: string,
  name: string,
  edit: (bytes: Uint8Array, elf: Elf.Elf, view: DataView) => void
): string => {
  const bytes = fileBytes(file).slice()
  edit(bytes, Elf.read(bytes), new DataView(bytes.buffer))
  return scratch(name, bytes)
}

/** The file offset of the dynamic entry with `tag`. */
const dynamicEntry = (elf: Elf.Elf, view: DataView, tag: number): number => {
  const dyn = elf.phdrs.find((p) => p.type === 2)!
  for (let at = dyn.offset;; at += 16) if (Number(view.getBigUint64(at, true)) === tag) return at
}

/** The file offset of the dynamic symbol called `name`. */
const symbolEntry = (bytes: Uint8Array, view: DataView, name: string): number => {
  const shoff = Number(view.getBigUint64(40, true))
  for (let i = 0; i < view.getUint16(60, true); i++) {
    const sh = shoff + i * 64
    if (view.getUint32(sh + 4, true) !== 11) continue
    const strings = Number(view.getBigUint64(shoff + view.getUint32(sh + 40, true) * 64 + 24, true))
    const start = Number(view.getBigUint64(sh + 24, true))
    for (let at = start; at < start + Number(view.getBigUint64(sh + 32, true)); at += 24) {
      const nameAt = strings + view.getUint32(at, true)
      if (new TextDecoder().decode(bytes.subarray(nameAt, nameAt + name.length + 1)) === `${name}\0`) return at
    }
  }
  throw new Error(`no symbol ${name}`)
}

const PAGE = 4096
const pageStart = (x: number) => x - (x % PAGE)
const pageEnd = (x: number) => pageStart(x + PAGE - 1)

/** The builder's per-segment algorithm (fuchsia-spec.md §4.3), as `dynlink plan` prints it. */
const expectedPlan = (
  p: { offset: number; vaddr: number; filesz: number; memsz: number; flags: number },
  low: number
): string => {
  const adjust = p.offset % PAGE
  const fileOffset = p.offset - adjust
  const fileSize = p.filesz + adjust
  const virtOffset = p.vaddr - adjust - low
  const virtSize = p.memsz + adjust
  const mustWrite = virtSize > fileSize && fileSize % PAGE !== 0
  const copy = mustWrite || (fileSize > 0 && (p.flags & 2) !== 0)
  const zero = copy && virtSize > fileSize ? pageEnd(fileSize) - fileSize : 0
  const bss = virtSize > fileSize ? Math.max(0, pageEnd(virtSize) - pageEnd(fileSize)) : 0
  return `vmo_offset=${hex(fileOffset)} map_size=${hex(fileSize === 0 ? 0 : pageEnd(fileSize))} vmar_offset=${
    hex(virtOffset)
  } copy=${copy ? 1 : 0} zero=${hex(fileSize)}+${hex(zero)} bss=${hex(virtOffset + pageEnd(fileSize))}+${
    hex(bss)
  } flags=${p.flags}`
}

describe.skipIf(harness === undefined)("ld.so.1's linking code on the host", () => {
  const files = ["hello_dynamic", "process_builder_test_util", "libfoo.so", "libbar.so"].map(bin)

  it("finds every definition through DT_GNU_HASH and through DT_HASH, and nothing else", () => {
    const cases: ReadonlyArray<readonly [string, ReadonlyArray<"gnu" | "sysv">]> = [
      [bin("hello_dynamic"), ["gnu", "sysv"]],
      [bin("libfoo.so"), ["sysv"]],
      [bin("libbar.so"), ["gnu"]],
      [VDSO, ["gnu", "sysv"]]
    ]
    for (const [file, modes] of cases) {
      const elf = Elf.read(fileBytes(file))
      const defined = elf.symbols.filter(Elf.isDefinition)
      const undefinedNames = elf.symbols.filter((s) => s.shndx === 0 && s.name !== "").map((s) => s.name)
      const misses = ["", "foo", "zx_", "_zx_handle_clos", "bar_word_", "FOO_SELF_TEST", ...undefinedNames]
      const names = [...defined.map((s) => s.name), ...misses]
      const expected = [...defined.map((s) => `${s.name} ${hex(s.value)}`), ...misses.map((m) => `${m} -`)]
      for (const mode of modes) assert.deepStrictEqual(run("lookup", file, mode, ...names), expected, `${file} ${mode}`)
      // The executable exports nothing (no library refers to it); the others export their API.
      assert.strictEqual(defined.length > 0, !file.endsWith("hello_dynamic"), file)
    }
  })

  it("a DT_HASH chain with a cycle ends the lookup instead of looping forever", () => {
    const sysvHash = (name: string) => {
      let h = 0
      for (const c of new TextEncoder().encode(name)) {
        h = ((h << 4) + c) >>> 0
        const g = h & 0xf0000000
        if (g !== 0) h ^= g >>> 24
        h = (h & ~g) >>> 0
      }
      return h
    }
    const looped = edited(bin("libfoo.so"), "looped", (_b, elf, view) => {
      const table = Number(elf.dynamic.get(4)!) // DT_HASH, in the first segment
      const nbucket = view.getUint32(table, true)
      const bucket = table + 8 + 4 * (sysvHash("no_such_symbol") % nbucket)
      const first = view.getUint32(bucket, true) || 1
      view.setUint32(bucket, first, true)
      view.setUint32(table + 8 + 4 * nbucket + 4 * first, first, true)
    })
    assert.deepStrictEqual(run("lookup", looped, "sysv", "no_such_symbol"), ["no_such_symbol -"])
  })

  it("relocates each program with its libraries exactly as the ELF files say (RELA, REL, RELR, JUMP_SLOT)", () => {
    for (const program of ["hello_dynamic", "process_builder_test_util"]) {
      const set = [bin(program), bin("libfoo.so"), bin("libbar.so")]
      const out = run("link", ...set, "--vdso", VDSO)
      assert.deepStrictEqual(out, expectedLink(set), program)
      // Every kind of relocation was in the set.
      const kinds = set.flatMap((f) =>
        Elf.read(fileBytes(f)).relocations.map((r) => `${r.type}${r.implicit ? "rel" : "rela"}`)
      )
      for (const kind of ["3rela", "2rela", "5rela", "2rel", "5rel"]) assert.include(kinds, kind)
      assert.isTrue(Elf.read(fileBytes(bin("libbar.so"))).relr.length > 0)
    }
  })

  it("the search order: the first object of the scope that defines a name wins", () => {
    const scope = (...names: ReadonlyArray<string>) => (...objects: ReadonlyArray<string>) =>
      run("scope", ...objects, "--", ...names)
    const lookup = scope("foo_length", "bar_word", "zx_channel_read", "main", "nothing")
    const libfoo = Elf.read(fileBytes(bin("libfoo.so"))).symbols.find((s) => s.name === "foo_length")!.value
    const barWord = Elf.read(fileBytes(bin("libbar.so"))).symbols.find((s) => s.name === "bar_word")!.value
    const channelRead = Elf.read(fileBytes(VDSO)).symbols.find((s) => s.name === "zx_channel_read")!.value
    assert.deepStrictEqual(lookup(bin("hello_dynamic"), bin("libfoo.so"), bin("libbar.so"), VDSO), [
      `foo_length 1 ${hex(libfoo)}`,
      `bar_word 2 ${hex(barWord)}`,
      `zx_channel_read 3 ${hex(channelRead)}`,
      "main -",
      "nothing -"
    ])
    // The same library twice: the first copy defines everything.
    assert.deepStrictEqual(scope("bar_word")(bin("libbar.so"), bin("libbar.so")), [`bar_word 0 ${hex(barWord)}`])
  })

  it("refuses what it cannot link: an unknown relocation, a missing symbol, text relocations, bad entry sizes, a symbol index past the table", () => {
    const set = (exe: string) => run("link", exe, bin("libfoo.so"), bin("libbar.so"), "--vdso", VDSO)
    const rela = Number(Elf.read(fileBytes(bin("hello_dynamic"))).dynamic.get(7)!)
    const copyReloc = edited(bin("hello_dynamic"), "copy", (_b, _e, view) => view.setUint32(rela + 8, 4, true))
    assert.deepStrictEqual(set(copyReloc), ["error relocate 0 -10 4 -"])
    const renamed = edited(bin("hello_dynamic"), "renamed", (bytes, _e, view) => {
      const at = symbolEntry(bytes, view, "foo_version")
      const strtab = Number(Elf.read(bytes).dynamic.get(5)!) // in the first segment: file offset = address
      bytes[strtab + view.getUint32(at, true) + 10] = "m".charCodeAt(0)
    })
    assert.deepStrictEqual(set(renamed), ["error relocate 0 -12 2 foo_versiom"])
    // The same missing symbol, but weak: it binds to 0.
    const weak = edited(renamed, "weak", (bytes, _e, view) => {
      const at = symbolEntry(bytes, view, "foo_versiom")
      bytes[at + 4] = (2 << 4) | (bytes[at + 4]! & 0xf)
    })
    const weakOut = set(weak)
    assert.strictEqual(weakOut[0], "ok")
    const got = Elf.read(fileBytes(weak)).relocations.find((r) => r.type === 2)!.offset
    assert.include(weakOut, `0 ${hex(got)} =0`)
    const textrel = edited(
      bin("hello_dynamic"),
      "textrel",
      (_b, elf, view) => view.setBigUint64(dynamicEntry(elf, view, 21), 22n, true)
    )
    assert.deepStrictEqual(set(textrel), ["error init 0 -9"])
    const relaent = edited(
      bin("hello_dynamic"),
      "relaent",
      (_b, elf, view) => view.setBigUint64(dynamicEntry(elf, view, 9) + 8, 16n, true)
    )
    assert.deepStrictEqual(set(relaent), ["error init 0 -8"])
    const jmprel = Number(Elf.read(fileBytes(bin("hello_dynamic"))).dynamic.get(23)!)
    const pastTable = edited(bin("hello_dynamic"), "past", (_b, _e, view) => view.setUint32(jmprel + 12, 0xffff, true))
    assert.deepStrictEqual(set(pastTable), ["error relocate 0 -11 5 -"])
  })

  it("decodes RELR: address entries and bitmaps, across bitmap windows (200 random sets)", async () => {
    const arbitrary = FastCheck.uniqueArray(FastCheck.integer({ min: 0, max: 499 }), { maxLength: 120 })
    const samples = FastCheck.sample(arbitrary, { numRuns: propertyRuns(200), seed: 12 })
    for (const [n, indices] of samples.entries()) {
      if (n % 16 === 0) await breathe()
      const sorted = [...indices].sort((a, b) => a - b)
      const entries = Elf.encodeRelr(sorted.map((i) => i * 8))
      const bytes = new Uint8Array(8 + entries.length * 8)
      const view = new DataView(bytes.buffer)
      view.setBigUint64(0, 500n, true)
      entries.forEach((e, k) => view.setBigUint64(8 + 8 * k, e, true))
      const out = run("relr", scratch(`relr-${n}`, bytes))
      assert.deepStrictEqual(out, [sorted.length === 0 ? "-" : sorted.join(",")])
    }
    // lld's own RELR table decodes to the addresses llvm-readelf lists.
    assert.deepStrictEqual(Elf.read(fileBytes(bin("libbar.so"))).relr.length, 5)
  })

  it("plans every segment of every runtime file and program as the builder maps an image", () => {
    for (const file of [...files, bin("ld.so.1"), bin("hello"), VDSO]) {
      const elf = Elf.read(fileBytes(file))
      const loads = elf.phdrs.filter((p) => p.type === 1 && p.memsz > 0)
      const low = pageStart(loads[0]!.vaddr)
      const high = pageEnd(loads.at(-1)!.vaddr + loads.at(-1)!.memsz)
      const out = run("image", file)
      const dyn = elf.phdrs.find((p) => p.type === 2)
      const flags = loads.reduce((f, p) => f | p.flags, 0)
      assert.strictEqual(
        out[0],
        `span ${hex(low)} ${hex(high)} flags=${flags} dynamic=${
          dyn === undefined ? "0:0" : `1:${hex(dyn.vaddr)}`
        } interp=${elf.phdrs.some((p) => p.type === 3) ? 1 : 0} tls=${elf.phdrs.some((p) => p.type === 7) ? 1 : 0}`
      )
      assert.deepStrictEqual(out.slice(1), loads.map((p) => expectedPlan(p, low)), file)
    }
  })

  it("plans the crate's unit-test segments, and random ones, as the builder would", async () => {
    // fuchsia-spec.md §4.7: (offset, vaddr, filesz, memsz, flags R=4 W=2 X=1).
    const cases = [
      { offset: 0x1000, vaddr: 0x10000, filesz: 8, memsz: 0x100, flags: 5 },
      { offset: 0x1000, vaddr: 0x10000, filesz: 0x1000, memsz: 0x2000, flags: 5 },
      { offset: 0x1000, vaddr: 0x10000, filesz: 0x1000, memsz: 0x1000, flags: 5 },
      { offset: 0x1000, vaddr: 0x10000, filesz: 0x1000, memsz: 0x1000, flags: 6 },
      { offset: 0x1000, vaddr: 0x10000, filesz: 0, memsz: 1, flags: 6 },
      { offset: 0x1000, vaddr: 0x10000, filesz: 0x1000, memsz: 0x1000, flags: 1 }
    ]
    const arbitrary = FastCheck.record({
      page: FastCheck.integer({ min: 0, max: 64 }),
      within: FastCheck.integer({ min: 0, max: PAGE - 1 }),
      vpage: FastCheck.integer({ min: 0, max: 64 }),
      filesz: FastCheck.integer({ min: 0, max: 5 * PAGE }),
      extra: FastCheck.integer({ min: 0, max: 5 * PAGE }),
      flags: FastCheck.integer({ min: 1, max: 7 })
    }).map((r) => ({
      offset: r.page * PAGE + r.within,
      vaddr: r.vpage * PAGE + r.within,
      filesz: r.filesz,
      memsz: r.filesz + r.extra,
      flags: r.flags
    }))
    const all = [
      ...cases,
      ...FastCheck.sample(arbitrary, { numRuns: propertyRuns(300), seed: 7 }).filter((p) => p.memsz > 0)
    ]
    for (const [n, p] of all.entries()) {
      if (n % 16 === 0) await breathe()
      const low = pageStart(p.vaddr)
      const out = run("plan", hex(p.offset), hex(p.vaddr), hex(p.filesz), hex(p.memsz), String(p.flags), hex(low))
      assert.deepStrictEqual(out, [expectedPlan(p, low)], JSON.stringify(p))
    }
    // The crate's expectations in words: no zero-length mapping; a partial bss page means a copy.
    assert.deepStrictEqual(run("plan", "1000", "10000", "0", "1", "6", "10000"), [
      "vmo_offset=1000 map_size=0 vmar_offset=0 copy=0 zero=0+0 bss=0+1000 flags=6"
    ])
    assert.deepStrictEqual(run("plan", "1000", "10000", "8", "100", "5", "10000"), [
      "vmo_offset=1000 map_size=1000 vmar_offset=0 copy=1 zero=8+ff8 bss=1000+0 flags=5"
    ])
  })

  it("refuses images that are not RISC-V ET_DYN files with sane segments", () => {
    const hello = bin("hello_dynamic")
    const image = (name: string, edit: (bytes: Uint8Array, elf: Elf.Elf, view: DataView) => void) =>
      run("image", edited(hello, name, edit))
    assert.deepStrictEqual(
      run("image", scratch("text", new TextEncoder().encode("#!/bin/sh\necho this is no ELF file at all\n"))),
      ["error -1"]
    )
    assert.deepStrictEqual(image("machine", (_b, _e, view) => view.setUint16(18, 62, true)), ["error -2"])
    assert.deepStrictEqual(image("exec", (_b, _e, view) => view.setUint16(16, 2, true)), ["error -3"])
    assert.deepStrictEqual(image("phentsize", (_b, _e, view) => view.setUint16(54, 32, true)), ["error -4"])
    const loads = (elf: Elf.Elf) => elf.phdrs.map((p, i) => ({ p, i })).filter(({ p }) => p.type === 1)
    const phdrAt = (view: DataView, i: number) => Number(view.getBigUint64(32, true)) + i * 56
    assert.deepStrictEqual(
      image("overlap", (_b, elf, view) => {
        const [first, second] = loads(elf)
        view.setBigUint64(phdrAt(view, second!.i) + 16, BigInt(first!.p.vaddr), true)
        view.setBigUint64(phdrAt(view, second!.i) + 8, BigInt(first!.p.vaddr % PAGE), true)
      }),
      ["error -5"]
    )
    assert.deepStrictEqual(
      image("filesz", (_b, elf, view) => {
        const [first] = loads(elf)
        view.setBigUint64(phdrAt(view, first!.i) + 32, BigInt(first!.p.memsz + 1), true)
      }),
      ["error -5"]
    )
    assert.deepStrictEqual(
      image("no-load", (_b, elf, view) => {
        for (const { i } of loads(elf)) view.setUint32(phdrAt(view, i), 0x6474e551, true)
      }),
      ["error -6"]
    )
  })
})
