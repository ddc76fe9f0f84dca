/**
 * `npm run test:pack`: the packages as a user gets them. Builds every publishable package, packs
 * each with `npm pack`, installs the tarballs into a fresh application in the system's temporary
 * directory (outside the workspace, so nothing resolves to the repository), then:
 *
 * - type-checks the README's library example and the examples under scripts/pack-test/ against
 *   the installed declarations with the strictest common options (`strict`,
 *   `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess`, and `skipLibCheck: false`, so every
 *   shipped .d.ts is checked too), compiling them to JavaScript;
 * - runs the compiled examples under plain `node` and checks their output;
 * - runs the installed `zxsim` command.
 *
 * The install prefers npm's cache (filled by `npm ci`), so it needs the network only for a package
 * the cache lacks. Plain JavaScript: it runs before and without any TypeScript tooling.
 * `KEEP=1` keeps the application directory for inspection.
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const started = Date.now()
const step = (what) => process.stdout.write(`pack-test: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`)
const run = (command, args, options = {}) =>
  execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options })
const npm = process.platform === "win32" ? "npm.cmd" : "npm"

const expectEqual = (what, actual, expected) => {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
  }
}

// 1. Build and pack.
step("building")
run(npm, ["run", "build"], { cwd: root, stdio: "inherit" })
const packages = readdirSync(join(root, "packages"))
  .map((name) => ({
    dir: join(root, "packages", name),
    manifest: JSON.parse(readFileSync(join(root, "packages", name, "package.json"), "utf8"))
  }))
  .filter((p) => p.manifest.private !== true)
const app = mkdtempSync(join(tmpdir(), "zxsim-pack-test-"))
const tarballs = join(app, "tarballs")
mkdirSync(tarballs)
step(`packing ${packages.length} packages`)
const packed = JSON.parse(
  run(npm, ["pack", "--json", "--pack-destination", tarballs, ...packages.map((p) => p.dir)], { cwd: root })
)
for (const p of packed) {
  const bytes = statSync(join(tarballs, p.filename)).size
  process.stdout.write(
    `  ${p.name.padEnd(24)} ${(bytes / 1024).toFixed(1).padStart(7)} kB packed, ${
      (p.unpackedSize / 1024).toFixed(1).padStart(7)
    } kB unpacked, ${p.entryCount} files\n`
  )
  for (const f of p.files) {
    if (
      /(^|\/)(test|tests|fixtures)\//.test(f.path) || /\.test\.ts$/.test(f.path) ||
      /tsconfig|vitest\.config/.test(f.path)
    ) {
      throw new Error(`${p.name}: the tarball carries ${f.path}`)
    }
  }
  if (!p.files.some((f) => f.path === "LICENSE")) throw new Error(`${p.name}: the tarball has no LICENSE`)
}

// 2. A fresh application depending on the tarballs and on the peers at the workspace's versions.
const installed = (name) => JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version
const peers = new Set(packages.flatMap((p) => Object.keys(p.manifest.peerDependencies ?? {})))
const dependencies = Object.fromEntries([
  ...packed.map((p) => [p.name, `file:./tarballs/${p.filename}`]),
  ...[...peers].map((name) => [name, installed(name)]),
  ["@types/node", installed("@types/node")]
])
writeFileSync(
  join(app, "package.json"),
  JSON.stringify({ name: "zxsim-consumer", private: true, type: "module", dependencies }, null, 2)
)
step(`installing into ${app}`)
run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: app, stdio: "inherit" })

// 3. The examples: the README's first TypeScript block, and this script's own examples.
const readme = readFileSync(join(root, "README.md"), "utf8")
const readmeBlocks = Array.from(readme.matchAll(/```ts\n([\s\S]*?)```/g), (m) => m[1])
const examples = join(app, "src")
mkdirSync(examples)
writeFileSync(join(examples, "readme.ts"), readmeBlocks[0])
const ownExamples = join(root, "scripts", "pack-test")
for (const file of readdirSync(ownExamples)) writeFileSync(join(examples, file), readFileSync(join(ownExamples, file)))
// Every module the packages export, imported for its types, so that every shipped declaration
// file is checked under the strict options. The declarations of @effect/rpc (a peer of packages
// built on @effect/cluster) use the DOM library's `Transferable`, so their modules are checked in
// a project of their own that has the DOM library, as their consumers' projects must.
const modulesOf = (p) =>
  readdirSync(join(p.dir, "dist", "dts")).filter((f) => f.endsWith(".d.ts")).map((f) =>
    `${p.manifest.name}/${f.slice(0, -5)}`
  )
const needsDom = (p) => Object.keys(p.manifest.peerDependencies ?? {}).includes("@effect/rpc")
const modules = packages.filter((p) => !needsDom(p)).flatMap(modulesOf)
const domModules = packages.filter(needsDom).flatMap(modulesOf)
const importsOf = (list) =>
  list.map((m, i) => `import type * as M${i} from "${m}"\nexport type T${i} = typeof M${i}\n`).join("")
writeFileSync(join(examples, "declarations.ts"), importsOf(modules))
writeFileSync(join(examples, "declarations-dom.ts"), importsOf(domModules))
const compilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noEmitOnError: true,
  module: "NodeNext",
  moduleResolution: "NodeNext",
  target: "ES2022",
  lib: ["ES2022"],
  types: ["node"],
  rootDir: "src",
  outDir: "out"
}
// Every declaration file checked (skipLibCheck false) for the README example and every module of
// ours. The Command example imports @effect/platform-node, whose own declarations need the DOM
// library and @types/ws, so it is compiled with skipLibCheck (its own code still strict).
writeFileSync(
  join(app, "tsconfig.strict.json"),
  JSON.stringify(
    {
      compilerOptions: { ...compilerOptions, skipLibCheck: false, noEmit: true },
      files: ["src/readme.ts", "src/declarations.ts"]
    },
    null,
    2
  )
)
writeFileSync(
  join(app, "tsconfig.dom.json"),
  JSON.stringify(
    {
      compilerOptions: { ...compilerOptions, lib: ["ES2022", "DOM"], skipLibCheck: false, noEmit: true },
      files: ["src/declarations-dom.ts"]
    },
    null,
    2
  )
)
writeFileSync(
  join(app, "tsconfig.json"),
  JSON.stringify({ compilerOptions: { ...compilerOptions, skipLibCheck: true }, include: ["src"] }, null, 2)
)
step(
  `type-checking the examples and ${
    modules.length + domModules.length
  } modules' declarations (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, skipLibCheck false)`
)
for (const project of ["tsconfig.strict.json", "tsconfig.dom.json", "tsconfig.json"]) {
  try {
    run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", project], { cwd: app })
  } catch (e) {
    process.stderr.write(e.stdout ?? "")
    throw new Error(`the examples do not type-check against the installed packages (${project})`)
  }
}

// 4. Run them under plain node, from a directory unrelated to the application's.
step("running the examples under node")
const elsewhere = tmpdir()
expectEqual(
  "README example",
  run(process.execPath, [join(app, "out", "readme.js")], { cwd: elsewhere }),
  "hello\nfrom\nzxsim\n 0\n"
)
for (const file of readdirSync(ownExamples)) {
  const script = join(app, "out", file.replace(/\.ts$/, ".js"))
  const expected = readFileSync(join(ownExamples, file), "utf8").match(/^\/\/ Prints: (.*)$/m)
  if (expected === null) throw new Error(`${file}: no "// Prints: <JSON string>" line`)
  expectEqual(file, run(process.execPath, [script], { cwd: elsewhere }), JSON.parse(expected[1]))
}

// 5. The installed command.
step("running the installed zxsim")
const zxsim = join(app, "node_modules", ".bin", process.platform === "win32" ? "zxsim.cmd" : "zxsim")
// A packaged guest by its bare name, from a directory unrelated to the application.
expectEqual("zxsim run hello a b", run(zxsim, ["run", "hello", "a", "b"], { cwd: elsewhere }), "hello\na\nb\n")

if (process.env.KEEP === "1") step(`kept ${app}`)
else rmSync(app, { recursive: true, force: true })
step("passed")
