/**
 * The symbol-table reader the crash reports use, over the prebuilt guests (here, where every package
 * is at hand): names, order, lookups, and malformed files giving a ParseError, never a throw.
 */
import { assert, describe, it } from "@effect/vitest"
import * as ElfSymbols from "@zxsim/elf/ElfSymbols"
import * as Guests from "@zxsim/guest/Guests"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import { readFileSync } from "node:fs"

const bytesOf = (name: Guests.Name) => new Uint8Array(readFileSync(Guests.path(name)))

describe("ElfSymbols", () => {
  it.effect("reads a guest's .symtab: functions sorted by address, main among them", () =>
    Effect.gen(function*() {
      const table = yield* ElfSymbols.read(bytesOf("hello"))
      const main = table.symbols.find((s) => s.name === "main")
      assert.isDefined(main)
      assert.strictEqual(main!.type, ElfSymbols.SymbolType.FUNC)
      assert.isAbove(main!.size, 0)
      for (let i = 1; i < table.symbols.length; i++) assert.isAtMost(table.symbols[i - 1].value, table.symbols[i].value)
      assert.isFalse(table.symbols.some((s) => s.name.startsWith(".L") || s.value === 0))
    }))

  it.effect("lookup: inside a sized symbol gives symbol+offset; past its end or below the first, nothing", () =>
    Effect.gen(function*() {
      const table = yield* ElfSymbols.read(bytesOf("hello"))
      const main = table.symbols.find((s) => s.name === "main")!
      assert.strictEqual(ElfSymbols.format(ElfSymbols.lookup(table, main.value)!), "main")
      assert.strictEqual(ElfSymbols.format(ElfSymbols.lookup(table, main.value + 6)!), "main+0x6")
      assert.isUndefined(ElfSymbols.lookup(table, 0))
      const sized: ElfSymbols.SymbolTable = {
        symbols: [{ name: "f", value: 0x100, size: 0x10, type: 2, bind: 1 }, {
          name: "g",
          value: 0x200,
          size: 0,
          type: 2,
          bind: 1
        }]
      }
      assert.isUndefined(ElfSymbols.lookup(sized, 0x110))
      assert.strictEqual(ElfSymbols.format(ElfSymbols.lookup(sized, 0x10f)!), "f+0xf")
      // An unsized symbol covers up to the next one.
      assert.strictEqual(ElfSymbols.format(ElfSymbols.lookup(sized, 0x5000)!), "g+0x4e00")
    }))

  it.effect("a library's symbols and the vDSO's .dynsym-only image", () =>
    Effect.gen(function*() {
      const foo = yield* ElfSymbols.read(new Uint8Array(readFileSync(Guests.libraryPath("libfoo.so"))))
      assert.isTrue(foo.symbols.some((s) => s.name === "foo_version"))
    }))

  it.effect("truncated and mutated files fail with a ParseError or read, never throw", () =>
    Effect.gen(function*() {
      const hello = bytesOf("hello")
      const outcomes = fc.sample(
        fc.tuple(
          fc.integer({ min: 0, max: hello.length }),
          fc.array(fc.tuple(fc.nat(hello.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
        ),
        { numRuns: 200, seed: 15 }
      )
      for (const [cut, edits] of outcomes) {
        const bytes = hello.slice(0, cut)
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value
        const result = yield* Effect.either(ElfSymbols.read(bytes))
        if (result._tag === "Left") assert.strictEqual(result.left._tag, "ParseError")
      }
      const sectionsCut = hello.slice()
      new DataView(sectionsCut.buffer).setBigUint64(0x28, BigInt(hello.length), true)
      assert.strictEqual((yield* Effect.flip(ElfSymbols.read(sectionsCut)))._tag, "ParseError")
      assert.strictEqual((yield* Effect.flip(ElfSymbols.read(new Uint8Array(10))))._tag, "ParseError")
    }))
})
