import { assert, describe, it } from "@effect/vitest"
import * as FuchsiaIo from "@zxsim/fidl/FuchsiaIo"
import * as Ordinal from "@zxsim/fidl/Ordinal"
import { Status } from "@zxsim/kernel/Status"
import { table } from "@zxsim/kernel/Syscalls"
import * as Vdso from "@zxsim/kernel/Vdso"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import * as Sysroot from "../src/Sysroot.js"
import { packageDir } from "./utils.js"

describe("Sysroot", () => {
  it("the committed generated files are what the kernel's tables generate", () => {
    const files = Sysroot.generatedFiles()
    assert.deepStrictEqual(
      files.map((f) => f.path),
      [
        "include/zircon/syscalls.h",
        "include/zircon/processargs.h",
        "lib/libzircon.so",
        "src/syscalls.gen.c",
        "include/zxsim/fidl.h",
        "src/status-names.gen.h"
      ]
    )
    for (const file of files) {
      const committed = new Uint8Array(readFileSync(path.join(packageDir, "sysroot", file.path)))
      assert.deepStrictEqual(committed, file.bytes, file.path)
    }
    assert.deepStrictEqual(files[2]!.bytes, Vdso.image())
  })

  it("processargs.h carries Zircon's protocol words and handle types", () => {
    const header = Sysroot.processargsHeader()
    assert.include(header, "#define ZX_PROCARGS_PROTOCOL ((uint32_t)0x4150585du)")
    assert.include(header, "#define ZX_PROCARGS_VERSION ((uint32_t)0x00001000u)")
    const defined = new Map(
      [...header.matchAll(/^#define (PA_[A-Z0-9_]+) +0x([0-9a-f]+)u/gm)].map((m) => [m[1]!, parseInt(m[2]!, 16)])
    )
    assert.strictEqual(defined.size, Sysroot.handleTypes.length)
    // Spot checks against Zircon's processargs.h.
    assert.strictEqual(defined.get("PA_PROC_SELF"), 0x01)
    assert.strictEqual(defined.get("PA_VMAR_LOADED"), 0x05)
    assert.strictEqual(defined.get("PA_VMO_VDSO"), 0x11)
    assert.strictEqual(defined.get("PA_VMO_STACK"), 0x13)
    assert.strictEqual(defined.get("PA_NS_DIR"), 0x20)
    assert.strictEqual(defined.get("PA_FD"), 0x30)
    assert.strictEqual(defined.get("PA_DIRECTORY_REQUEST"), 0x3b)
    assert.strictEqual(defined.get("PA_USER0"), 0xf0)
    assert.strictEqual(defined.get("PA_USER2"), 0xf2)
    assert.isFalse([...defined.values()].includes(0x12))
  })

  it("fidl.h carries every ordinal the C side uses, as @zxsim/fidl computes them", () => {
    const header = Sysroot.fidlHeader()
    const defined = new Map(
      [...header.matchAll(/^#define (ZXS_ORDINAL_\w+) +UINT64_C\(0x([0-9A-F]{16})\) {2}\/\/ (\S+)$/gm)].map((
        m
      ) => [m[1]!, { value: BigInt(`0x${m[2]}`), selector: m[3]! }])
    )
    assert.strictEqual(defined.size, Sysroot.ordinals().length)
    for (const entry of Sysroot.ordinals()) {
      assert.deepStrictEqual(defined.get(entry.name), { value: entry.ordinal, selector: entry.selector }, entry.name)
      assert.strictEqual(Ordinal.fromSelector(entry.selector), entry.ordinal, entry.name)
    }
    // The values fuchsia-spec.md §6 and §9.1 derive.
    assert.strictEqual(defined.get("ZXS_ORDINAL_LDSVC_LOADER_LOAD_OBJECT")!.value, 0x48c5a151d6df2853n)
    assert.strictEqual(defined.get("ZXS_ORDINAL_LDSVC_LOADER_DONE")!.value, 0x63ba6b76d3671001n)
    assert.strictEqual(defined.get("ZXS_ORDINAL_UTIL_GET_ARGUMENTS")!.value, 0x50ff7f790c425519n)
    assert.strictEqual(defined.get("ZXS_ORDINAL_UTIL_GET_LIFECYCLE_KOID")!.value, 0x0daecfc0fe4c8f60n)
    assert.strictEqual(defined.get("ZXS_ORDINAL_IO_OPEN")!.value, FuchsiaIo.Directory.methods.Open.ordinal)
    assert.strictEqual(defined.get("ZXS_ORDINAL_IO_READ")!.value, FuchsiaIo.File.methods.Read.ordinal)
    assert.include(header, "#define ZXS_UTIL_DISCOVERABLE_NAME \"test.processbuilder.Util\"")
    assert.match(header, /#define ZXS_IO_OPEN_NOT_DIRECTORY +0x2000000u/)
    assert.match(header, /#define ZXS_IO_MAX_BUF +8192/)
  })

  it("status-names.gen.h names every kernel status", () => {
    const source = Sysroot.statusNamesSource()
    for (const [name, value] of Object.entries(Status)) assert.include(source, `case ${value}: return "${name}";`)
  })

  it("syscalls.gen.c has one wrapper and one weak alias per syscall, in table order", () => {
    const source = Sysroot.syscallsSource()
    const wrappers = [...source.matchAll(/^(?:__attribute__\(\(noreturn\)\) )?\S+ _zx_(\w+)\(/gm)].map((m) => m[1])
    assert.deepStrictEqual(wrappers, table.map((s) => s.name))
    const aliases = [...source.matchAll(/^extern __typeof__\(_zx_(\w+)\) zx_(\w+) __attribute__/gm)]
    assert.deepStrictEqual(aliases.map((m) => m[1]), table.map((s) => s.name))
    assert.isTrue(aliases.every((m) => m[1] === m[2]))
    for (const s of table) assert.include(source, `vdso_entry(${s.number}))(`)
    // Bound lazily: the name each entry is looked up by starts at its offset in the name list.
    const names = /const char __zx_vdso_names\[\] =\n((?: {4}"\w+\\0"\n)+)/.exec(source)?.[1] ?? ""
    const list = [...names.matchAll(/"(\w+)\\0"/g)].map((m) => m[1]).join("\0") + "\0"
    const offsets = (/vdso_name_offsets\[\d+\] = \{\n([^}]*)\}/.exec(source)?.[1] ?? "").split(/[,\s]+/).filter((x) =>
      x !== ""
    ).map(Number)
    assert.deepStrictEqual(offsets.map((o) => list.slice(o, list.indexOf("\0", o))), table.map((s) => `_zx_${s.name}`))
    assert.include(source, `const size_t __zx_vdso_count = ${table.length};`)
  })
})
