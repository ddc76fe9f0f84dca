/**
 * Builds the guest sysroot, the prebuilt runtime files (ld.so.1, libbar.so, libfoo.so, in that
 * order) and the prebuilt guest programs (static PIEs, and dynamically linked programs that link
 * against bin/'s libraries and the sysroot's libzircon.so), checking the structure of each output.
 *
 *   npm run build -w @zxsim/guest                      regenerate sysroot/, rebuild bin/
 *   npm run build -w @zxsim/guest -- --check           rebuild in a temporary copy; fail if any
 *                                                      generated file or binary differs from the
 *                                                      committed bytes
 *   npm run build -w @zxsim/guest -- --check --if-available
 *                                                      the same, but when the toolchain is missing,
 *                                                      check only the generated sysroot files, say
 *                                                      so and exit 0
 *
 *   npm run cc -- [options] FILE…  (or scripts/zxsim-cc)
 *                                                      a compiler driver for your own C programs:
 *                                                      a static PIE (default), or with --dynamic a
 *                                                      program started by ld.so.1; -c, -O, -g, -l,
 *                                                      -L, -Wl, -z, .o/.a/.S inputs (--help lists
 *                                                      them); paths are taken from where the
 *                                                      command was run
 *
 * Needs clang and ld.lld (Debian: clang lld), picolibc for rv64imafdc/lp64d (or rv64imac/lp64 for
 * `cc -mabi=lp64`)
 * (picolibc-riscv64-unknown-elf) and its libgcc (gcc-riscv64-unknown-elf). Compiles with clang,
 * links with ld.lld directly (clang's bare-metal driver ignores -pie). Output is byte-reproducible:
 * no build id, no timestamps, no compiler ident, and every path is relative to the package (the
 * compiler runs in the build root with relative source paths and -ffile-prefix-map).
 *
 * The sysroot files generated from @zxsim/kernel's tables and @zxsim/fidl's declarations come from
 * src/Sysroot.ts; the program and runtime file lists come from src/Guests.ts.
 */
import { Command as CliCommand, Options, ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync } from "node:fs"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import * as Guests from "../src/Guests.js"
import * as ElfChecks from "../src/internal/elfChecks.js"
import * as PieArchive from "../src/internal/pieArchive.js"
import * as Sysroot from "../src/Sysroot.js"

const run = promisify(execFile)

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const DEBIAN_PACKAGES = "clang lld llvm picolibc-riscv64-unknown-elf gcc-riscv64-unknown-elf"
const PICOLIBC = process.env.PICOLIBC ?? "/usr/lib/picolibc/riscv64-unknown-elf"
/**
 * The guests' target: RV64GC with the bit-manipulation extensions, double-precision float ABI (what
 * Linux distributions and Fuchsia's toolchain build for). `cc -march=... -mabi=...` may pick another.
 */
const DEFAULT_MARCH = "rv64gc_zba_zbb_zbs"
const DEFAULT_MABI = "lp64d"

/**
 * The prebuilt libraries for each float ABI: picolibc's multilib and the -march whose libgcc
 * multilib gcc-riscv64-unknown-elf ships (it has none for rv64imafdc/lp64d exactly; rv64iafd/lp64d
 * is ABI-compatible: M and C change no calling convention).
 */
const ABI_LIBRARIES: Readonly<Record<string, { readonly multilib: string; readonly libgccMarch: string }>> = {
  lp64: { multilib: "rv64imac/lp64", libgccMarch: "rv64imac" },
  lp64f: { multilib: "rv64imafc/lp64f", libgccMarch: "rv64iaf" },
  lp64d: { multilib: "rv64imafdc/lp64d", libgccMarch: "rv64iafd" }
}
/** Where the build writes a summary of what it built and with which tools. */
const MANIFEST = "bin/manifest.json"

/** The static start-up: _start, self-relocation, vDSO lookup, and the zx_* call table. */
const STATIC_START = ["sysroot/src/start.S", "sysroot/src/start.c", "sysroot/src/syscalls.gen.c"]
/** The start-up of dynamically linked programs (ld.so.1 relocated them and bound zx_* already). */
const DYNAMIC_START = ["sysroot/src/start-dynamic.S", "sysroot/src/start-dynamic.c"]
/** The runtime both kinds of program link: the shared start-up and the picolibc glue. */
const RUNTIME = [
  "sysroot/src/startup.c",
  "sysroot/src/stdio.c",
  "sysroot/src/heap.c",
  "sysroot/src/malloc.c",
  "sysroot/src/exit.c",
  "sysroot/src/posix.c",
  "sysroot/src/dirent.c",
  "sysroot/src/process.c",
  "sysroot/src/fuchsia-io.c",
  "sysroot/src/pthread.c",
  "sysroot/src/threads.c",
  "sysroot/src/libc-lock.c"
]
/** ld.so.1: a freestanding static PIE calling the vDSO through the same call table. */
const LDSO = ["sysroot/src/ldso/start.S", "sysroot/src/ldso/ldso.c", "sysroot/src/syscalls.gen.c"]
/** The vDSO image dynamically linked programs and libraries link against (DT_NEEDED libzircon.so). */
const LIBZIRCON = "sysroot/lib/libzircon.so"

/**
 * How a source is compiled: freestanding position-independent executable code (ld.so.1,
 * static_pie_test_util), executable code with picolibc's headers, or a shared library (-fPIC).
 */
type Flavour = "freestanding" | "hosted" | "library"

/** How one program is built. */
interface ProgramRecipe {
  readonly name: Guests.Name
  /** static: the sysroot's static start-up and picolibc; freestanding: its own _start and nothing else; dynamic: through ld.so.1. */
  readonly linking: "static" | "freestanding" | "dynamic"
  readonly sources: ReadonlyArray<string>
  /** The shared libraries in bin/ a dynamic program links against (its DT_NEEDED besides libzircon.so). */
  readonly libraries: ReadonlyArray<Guests.LibraryName>
  /** printf and scanf with floating point (picolibc's default, double) or integer-only. */
  readonly printf: Guests.Printf
}

const programRecipe = (guest: Guests.Guest): ProgramRecipe => {
  const source = guest.kind === "benchmark" ? `src-c/bench/${guest.name}.c` : `src-c/${guest.name}.c`
  if (guest.name === "static_pie_test_util") {
    return { name: guest.name, linking: "freestanding", sources: [source], libraries: [], printf: "integer" }
  }
  if (guest.kind === "dynamic") {
    return { name: guest.name, linking: "dynamic", sources: [source], libraries: ["libfoo.so"], printf: guest.printf }
  }
  return { name: guest.name, linking: "static", sources: [source], libraries: [], printf: guest.printf }
}

/** How one runtime file (the dynamic linker, a shared library) is built. */
interface LibraryRecipe {
  readonly name: Guests.LibraryName
  readonly sources: ReadonlyArray<string>
  readonly flavour: Flavour
  readonly linkFlags: ReadonlyArray<string>
  /** Shared objects it links against, relative to the build root. */
  readonly inputs: ReadonlyArray<string>
}

const sharedLibrary = (
  name: Guests.LibraryName,
  flags: ReadonlyArray<string>,
  inputs: ReadonlyArray<string>
): LibraryRecipe => ({
  name,
  sources: [`src-c/lib/${name.replace(/\.so$/, "")}.c`],
  flavour: "library",
  linkFlags: ["-shared", "-soname", name, "-z", "now", "-z", "relro", "--no-undefined", ...flags],
  inputs
})

/**
 * The runtime files, in an order where each comes after what it links against. ld.so.1 is a static
 * PIE. libbar.so uses REL relocations (its PLT too), RELR and DT_GNU_HASH only; libfoo.so RELA and DT_HASH only:
 * between them, ld.so.1's every relocation format and hash table is used at run time.
 */
const LIBRARIES: ReadonlyArray<LibraryRecipe> = [
  {
    name: "ld.so.1",
    sources: LDSO,
    flavour: "freestanding",
    linkFlags: ["-pie", "--no-dynamic-linker", "-z", "norelro", "-e", "_start"],
    inputs: []
  },
  sharedLibrary("libbar.so", ["-z", "rel", "--pack-dyn-relocs=relr", "--hash-style=gnu"], [LIBZIRCON]),
  sharedLibrary("libfoo.so", ["--hash-style=sysv"], ["bin/libbar.so", LIBZIRCON])
]

interface Toolchain {
  readonly clang: string
  readonly lld: string
  readonly resourceInclude: string
  /** picolibc's libc.a as Debian ships it; links use {@link pieLibc}'s copy. */
  readonly libc: string
  /** The target: -march and -mabi of every compile. */
  readonly march: string
  readonly mabi: string
  readonly objcopy: string
  readonly ar: string
  readonly libgcc: string
  readonly versions: Readonly<Record<string, string>>
}

const firstLine = (s: string) => s.split("\n")[0]!.trim()

/** Finds the toolchain, or says what is missing. */
const findToolchain = async (
  march: string = DEFAULT_MARCH,
  mabi: string = DEFAULT_MABI
): Promise<Toolchain | { readonly missing: ReadonlyArray<string> }> => {
  const abi = ABI_LIBRARIES[mabi]
  if (abi === undefined) {
    return { missing: [`libraries for -mabi=${mabi} (known: ${Object.keys(ABI_LIBRARIES).join(", ")})`] }
  }
  const missing: Array<string> = []
  const clang = process.env.CLANG ?? "clang"
  const lld = process.env.LD_LLD ?? "ld.lld"
  const version = async (cmd: string, args: ReadonlyArray<string>) => {
    try {
      return firstLine((await run(cmd, [...args])).stdout)
    } catch {
      missing.push(cmd)
      return ""
    }
  }
  const clangVersion = await version(clang, ["--version"])
  const lldVersion = await version(lld, ["--version"])
  const objcopy = process.env.LLVM_OBJCOPY ?? "llvm-objcopy"
  const ar = process.env.LLVM_AR ?? "llvm-ar"
  await version(objcopy, ["--version"])
  await version(ar, ["--version"])
  let resourceInclude = ""
  if (clangVersion !== "") {
    resourceInclude = path.join(firstLine((await run(clang, ["-print-resource-dir"])).stdout), "include")
  }
  const libc = path.join(PICOLIBC, "lib", abi.multilib, "libc.a")
  if (!existsSync(libc)) missing.push(libc)
  let libgcc = ""
  try {
    libgcc = firstLine(
      (await run("riscv64-unknown-elf-gcc", [`-march=${abi.libgccMarch}`, `-mabi=${mabi}`, "-print-libgcc-file-name"]))
        .stdout
    )
  } catch {
    // Fall through: checked below.
  }
  if (libgcc === "" || !existsSync(libgcc)) missing.push(`libgcc.a for riscv64-unknown-elf ${abi.libgccMarch}/${mabi}`)
  if (missing.length > 0) return { missing }
  let picolibc = "unknown"
  try {
    const header = await fs.readFile(path.join(PICOLIBC, "include", "picolibc.h"), "utf8")
    picolibc = /#define __PICOLIBC_VERSION__ "([^"]+)"/.exec(header)?.[1] ?? picolibc
  } catch {
    // Keep "unknown".
  }
  return {
    march,
    mabi,
    clang,
    lld,
    objcopy,
    ar,
    resourceInclude,
    libc,
    libgcc,
    versions: {
      clang: clangVersion,
      lld: lldVersion,
      picolibc,
      libgcc: path.basename(path.dirname(path.dirname(path.dirname(libgcc)))),
      target: `${march}/${mabi}`,
      multilib: abi.multilib,
      libgccMultilib: `${abi.libgccMarch}/${mabi}`
    }
  }
}

/**
 * Runs `jobs` with at most `limit` at a time. Every job runs to its end even when one fails (so no
 * job is still writing into a directory the caller removes next); then the first failure is thrown.
 */
const pool = async <A>(limit: number, jobs: ReadonlyArray<() => Promise<A>>): Promise<Array<A>> => {
  const results: Array<A> = new Array(jobs.length)
  const failures: Array<unknown> = []
  let next = 0
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++
      try {
        results[i] = await jobs[i]!()
      } catch (error) {
        failures.push(error)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker))
  if (failures.length > 0) throw failures[0]
  return results
}

/**
 * The POSIX options the runtime provides, which picolibc's <sys/features.h> leaves undefined on a
 * bare-metal target: without them <time.h> hides CLOCK_MONOTONIC and the CPU-time clocks, and
 * <sched.h> sched_yield (the runtime has threads: <pthread.h>, <threads.h>).
 */
const POSIX_OPTIONS = [
  "-D_POSIX_MONOTONIC_CLOCK=200809L",
  "-D_POSIX_TIMERS=200809L",
  "-D_POSIX_CPUTIME=200809L",
  "-D_POSIX_THREAD_CPUTIME=200809L",
  "-D_POSIX_THREADS=200809L"
]

const compileFlags = (root: string, tools: Toolchain, flavour: Flavour, warningsAreErrors = true): Array<string> => [
  "--target=riscv64-unknown-elf",
  `-march=${tools.march}`,
  `-mabi=${tools.mabi}`,
  "-mcmodel=medany",
  "-mno-relax",
  "-O2",
  "-std=gnu11",
  flavour === "library" ? "-fPIC" : "-fPIE",
  "-ffunction-sections",
  "-fdata-sections",
  "-fno-stack-protector",
  // Frame records on every function, so a crash report can walk the stack.
  "-fno-omit-frame-pointer",
  "-fno-asynchronous-unwind-tables",
  "-fno-unwind-tables",
  "-fno-ident",
  "-ftls-model=local-exec",
  `-ffile-prefix-map=${root}/=`,
  "-Wall",
  "-Wextra",
  ...(warningsAreErrors ? ["-Werror"] : []),
  "-nostdinc",
  // The sysroot's headers first: its <sys/dirent.h> and <sys/random.h> fill what picolibc leaves
  // to the system.
  "-isystem",
  "sysroot/include",
  ...(flavour === "hosted" ? ["-isystem", path.join(PICOLIBC, "include"), ...POSIX_OPTIONS] : ["-ffreestanding"]),
  "-isystem",
  tools.resourceInclude,
  "-iquote",
  "sysroot/src",
  "-iquote",
  "src-c/lib"
]

/** The object file of `source` compiled as `flavour`. */
const objectName = (source: string, flavour: Flavour) => `${flavour}-${source.replace(/[/.]/g, "_")}.o`

/**
 * The flags every link shares: reproducible, no text relocations, 4 KiB pages, no dead code.
 * Programs and libraries add RELRO (`-z relro`: the GOT and .data.rel.ro in pages of their own,
 * made read-only after relocation by ld.so.1, or by a static PIE's own start-up); ld.so.1 and the
 * freestanding static_pie_test_util keep `-z norelro`.
 */
const LINK_FLAGS = [
  "--build-id=none",
  "-z",
  "text",
  "-z",
  "max-page-size=4096",
  "--gc-sections",
  // picolibc's archive carries debug information; the symbol table stays.
  "--strip-debug",
  "--discard-locals"
]

/**
 * What a program linked with picolibc adds to the link before its objects. picolibc's printf and
 * scanf handle doubles by default; `integer` picks its integer-only variants (no soft-float
 * formatting code: a smaller program), as picolibc's own `PICOLIBC_INTEGER_PRINTF_SCANF` does.
 */
const picolibcFlags = (printf: Guests.Printf) => [
  ...(printf === "integer" ? ["--defsym=vfprintf=__i_vfprintf", "--defsym=vfscanf=__i_vfscanf"] : []),
  // exit() calls __call_exitprocs through a weak reference, which must not stay undefined.
  "--undefined=__call_exitprocs"
]

/**
 * picolibc's libc.a made fit for position-independent programs, written into `dir` (reused when
 * it is there already): a copy in which every member's read-only sections that hold absolute
 * `R_RISCV_64` relocations (pointer tables: strftime's, the locale tables, iconv's, ...) are
 * renamed to `.data.rel.ro` sections, writable at link time, so the linker puts them under RELRO
 * where start-up (or ld.so.1) relocates them and then makes them read-only, just as if picolibc had
 * been compiled with -fPIC. Debian builds picolibc without -fPIC and its source is not reachable
 * here; without this, such a member fails the link ("relocation R_RISCV_64 cannot be used against
 * symbol ...; recompile with -fPIC"). The other members are byte for byte Debian's.
 */
const pieLibc = async (tools: Toolchain, dir: string): Promise<string> => {
  const output = path.join(
    dir,
    `libc-pie-${path.basename(path.dirname(path.dirname(tools.libc)))}-${path.basename(path.dirname(tools.libc))}.a`
  )
  if (existsSync(output)) return output
  const members = PieArchive.archiveMembers(new Uint8Array(await fs.readFile(tools.libc)))
  if (typeof members === "string") throw new Error(`${tools.libc}: ${members}`)
  const work = await fs.mkdtemp(path.join(dir, "libc-pie-"))
  try {
    const fixed: Array<string> = []
    for (const member of members) {
      const sections = PieArchive.readOnlyAbsoluteSections(member.data)
      if (sections.length === 0) continue
      await fs.writeFile(path.join(work, member.name), member.data)
      await run(
        tools.objcopy,
        [
          ...sections.flatMap((name) => [
            "--rename-section",
            `${name}=${PieArchive.relroName(name)},alloc,load,contents,data`
          ]),
          member.name
        ],
        { cwd: work }
      )
      fixed.push(member.name)
    }
    const partial = path.join(work, "libc.a")
    await fs.copyFile(tools.libc, partial)
    // Replaced in place, in archive order; D: no timestamps, owners or modes.
    if (fixed.length > 0) await run(tools.ar, ["rD", partial, ...fixed], { cwd: work })
    await fs.rename(partial, output).catch(() => fs.copyFile(partial, output))
  } finally {
    await fs.rm(work, { recursive: true, force: true })
  }
  return output
}

/** picolibc and libgcc, searched together. */
const libcArgs = (tools: Toolchain) => ["--start-group", tools.libc, tools.libgcc, "--end-group"]

/** The link of a static PIE: the start-up and runtime objects, the program's, picolibc. */
const staticLinkArgs = (
  output: string,
  runtime: ReadonlyArray<string>,
  program: ReadonlyArray<string>,
  tools: Toolchain,
  printf: Guests.Printf
) => [
  "-pie",
  "--no-dynamic-linker",
  "-z",
  "relro",
  "-e",
  "_start",
  "-o",
  output,
  ...picolibcFlags(printf),
  ...runtime,
  ...program,
  ...libcArgs(tools)
]

/** The link of a program started by ld.so.1, needing `libraries` and libzircon.so (the vDSO). */
const dynamicLinkArgs = (
  output: string,
  runtime: ReadonlyArray<string>,
  program: ReadonlyArray<string>,
  libraries: ReadonlyArray<string>,
  tools: Toolchain,
  printf: Guests.Printf
) => [
  "-pie",
  "-dynamic-linker",
  "ld.so.1",
  "-z",
  "now",
  "-z",
  "relro",
  "--hash-style=both",
  "-e",
  "_start",
  "-o",
  output,
  ...picolibcFlags(printf),
  ...runtime,
  ...program,
  ...libraries,
  LIBZIRCON,
  ...libcArgs(tools)
]

/** Writes the generated sysroot files under `root`. */
const writeGenerated = async (root: string) => {
  for (const file of Sysroot.generatedFiles()) {
    const target = path.join(root, "sysroot", file.path)
    await fs.mkdir(path.dirname(target), { recursive: true })
    await fs.writeFile(target, file.bytes)
  }
}

const check = (output: string, problems: ReadonlyArray<string>, what: string) => {
  if (problems.length > 0) throw new Error(`${output} is not a proper ${what}: ${problems.join("; ")}`)
}

/** Compiles and links every runtime file and program of `root` into `root/bin`, using `objects` for objects. */
const buildPrograms = async (root: string, objects: string, tools: Toolchain) => {
  const programs = Guests.guests.map(programRecipe)
  const compiles = new Map<string, { readonly source: string; readonly flavour: Flavour }>()
  const want = (source: string, flavour: Flavour) => compiles.set(objectName(source, flavour), { source, flavour })
  for (const library of LIBRARIES) for (const source of library.sources) want(source, library.flavour)
  for (const program of programs) {
    const flavour: Flavour = program.linking === "freestanding" ? "freestanding" : "hosted"
    for (const source of program.sources) want(source, flavour)
    if (program.linking === "static") { for (const source of [...STATIC_START, ...RUNTIME]) want(source, "hosted") }
    if (program.linking === "dynamic") { for (const source of [...DYNAMIC_START, ...RUNTIME]) want(source, "hosted") }
  }
  const jobs = os.availableParallelism?.() ?? os.cpus().length
  await pool(
    jobs,
    [...compiles].map(([object, { flavour, source }]) => async () => {
      await run(tools.clang, [...compileFlags(root, tools, flavour), "-c", source, "-o", path.join(objects, object)], {
        cwd: root
      })
    })
  )
  const objectsOf = (sources: ReadonlyArray<string>, flavour: Flavour) =>
    sources.map((s) => path.join(objects, objectName(s, flavour)))
  const link = (args: ReadonlyArray<string>) => run(tools.lld, [...LINK_FLAGS, ...args], { cwd: root })
  await fs.mkdir(path.join(root, "bin"), { recursive: true })

  // The runtime files first, in order: a library links against the ones before it.
  for (const library of LIBRARIES) {
    const output = path.join("bin", library.name)
    await link([...library.linkFlags, "-o", output, ...objectsOf(library.sources, library.flavour), ...library.inputs])
    const bytes = await fs.readFile(path.join(root, output))
    if (library.name === "ld.so.1") check(output, ElfChecks.staticPieProblems(bytes), "static PIE")
    else check(output, ElfChecks.sharedLibraryProblems(bytes, library.name), "shared library")
  }

  await pool(
    jobs,
    programs.map((p) => async () => {
      const output = path.join("bin", p.name)
      if (p.linking === "freestanding") {
        await link([
          "-pie",
          "--no-dynamic-linker",
          "-z",
          "norelro",
          "-e",
          "_start",
          "-o",
          output,
          ...objectsOf(p.sources, "freestanding")
        ])
      } else if (p.linking === "static") {
        await link(
          staticLinkArgs(
            output,
            objectsOf([...STATIC_START, ...RUNTIME], "hosted"),
            objectsOf(p.sources, "hosted"),
            tools,
            p.printf
          )
        )
      } else {
        await link(
          dynamicLinkArgs(
            output,
            objectsOf([...DYNAMIC_START, ...RUNTIME], "hosted"),
            objectsOf(p.sources, "hosted"),
            p.libraries.map((l) => path.join("bin", l)),
            tools,
            p.printf
          )
        )
      }
      const bytes = await fs.readFile(path.join(root, output))
      if (p.linking === "dynamic") {
        check(output, ElfChecks.dynamicProgramProblems(bytes, p.libraries), "dynamically linked program")
      } else check(output, ElfChecks.staticPieProblems(bytes), "static PIE")
    })
  )
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

/** Writes bin/manifest.json: the tools, and every program's and runtime file's size and SHA-256. */
const writeManifest = async (root: string, tools: Toolchain) => {
  const record = async (names: ReadonlyArray<string>) => {
    const out: Record<string, { size: number; sha256: string }> = {}
    for (const name of names) {
      const bytes = await fs.readFile(path.join(root, "bin", name))
      out[name] = { size: bytes.length, sha256: sha256(bytes) }
    }
    return out
  }
  const manifest = {
    toolchain: tools.versions,
    programs: await record(Guests.names),
    libraries: await record(Guests.libraryNames)
  }
  await fs.writeFile(path.join(root, MANIFEST), JSON.stringify(manifest, null, 2) + "\n")
}

/** Every file the build produces, relative to the build root. */
const outputs = (withPrograms: boolean): Array<string> => [
  ...Sysroot.generatedFiles().map((f) => `sysroot/${f.path}`),
  ...(withPrograms
    ? [...Guests.libraryNames.map((n) => `bin/${n}`), ...Guests.names.map((n) => `bin/${n}`), MANIFEST]
    : [])
]

/** A temporary copy of the build inputs (sysroot sources, C sources), with the same layout. */
const copyInputs = async (): Promise<string> => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "zxsim-guest-"))
  for (const dir of ["sysroot", "src-c"]) {
    await fs.cp(path.join(PACKAGE_DIR, dir), path.join(root, dir), { recursive: true })
  }
  return root
}

const build = async (root: string, tools: Toolchain) => {
  await writeGenerated(root)
  const objects = await fs.mkdtemp(path.join(os.tmpdir(), "zxsim-guest-obj-"))
  try {
    await buildPrograms(root, objects, { ...tools, libc: await pieLibc(tools, objects) })
  } finally {
    await fs.rm(objects, { recursive: true, force: true })
  }
  await writeManifest(root, tools)
}

const readOrNull = async (file: string): Promise<Uint8Array | null> => {
  try {
    return await fs.readFile(file)
  } catch {
    return null
  }
}

const sameBytes = (a: Uint8Array | null, b: Uint8Array | null) =>
  a !== null && b !== null && a.length === b.length && a.every((x, i) => x === b[i])

/** Compares the files a rebuild in `root` produced with the committed ones; returns the differing ones. */
const compare = async (root: string, files: ReadonlyArray<string>): Promise<Array<string>> => {
  const differing: Array<string> = []
  for (const file of files) {
    const [committed, rebuilt] = await Promise.all([
      readOrNull(path.join(PACKAGE_DIR, file)),
      readOrNull(path.join(root, file))
    ])
    if (!sameBytes(committed, rebuilt)) differing.push(file)
  }
  return differing
}

const committedToolchain = async (): Promise<Record<string, string> | null> => {
  try {
    const manifest = JSON.parse(await fs.readFile(path.join(PACKAGE_DIR, MANIFEST), "utf8")) as {
      toolchain?: Record<string, string>
    }
    return manifest.toolchain ?? null
  } catch {
    return null
  }
}

/** What `cc` was asked to build. */
interface CcRequest {
  /** The output: the program, or with `-c` and one source the object file. */
  readonly output: string | undefined
  /** Sources to compile (.c, .S), in order. */
  readonly sources: ReadonlyArray<string>
  /** Linker inputs, in command-line order with the compiled sources: objects, archives, -l, -L. */
  readonly inputs: ReadonlyArray<
    { readonly _tag: "source"; readonly index: number } | {
      readonly _tag: "link"
      readonly args: ReadonlyArray<string>
    }
  >
  /** Only compile (`-c`). */
  readonly compileOnly: boolean
  readonly dynamic: boolean
  /** Flags for the compiler: -D, -U, -I, -O, -g, -W, -f, -std. */
  readonly compilerFlags: ReadonlyArray<string>
  /** Flags for the linker: -Wl, and -z. */
  readonly linkerFlags: ReadonlyArray<string>
  readonly printf: Guests.Printf
  /** The target (-march, -mabi): the runtime and libraries are those of its float ABI. */
  readonly march: string
  readonly mabi: string
}

/** Libraries whose contents are in picolibc and the runtime: `-lm`, `-lpthread` and the like link nothing more. */
const LIBC_PARTS: ReadonlySet<string> = new Set(["c", "m", "pthread", "rt", "dl", "util", "xnet"])

const CC_USAGE = [
  "usage: npm run cc -- [options] FILE...   (or zxsim-cc [options] FILE...)",
  "  FILE               .c or .S sources, .o objects, .a archives",
  "  -o OUT             the output (default a.out; with -c, each source's .o)",
  "  -c                 compile only",
  "  --static           a static PIE (the default);  --dynamic  a program started by ld.so.1",
  "  -O0..-O3 -Os -g    optimization and debug information",
  "  -D NAME[=VALUE] -U NAME -I DIR    the preprocessor",
  "  -l NAME -L DIR     libraries (-lm, -lpthread, -lrt, -ldl: in the C library already);",
  "  -Wl,ARG,...  -z KEYWORD   the linker (-z stack-size=N: the stack)",
  "  -W... -f... -std=  passed to the compiler",
  "  --integer-printf   picolibc's integer-only printf and scanf (smaller; also -DPICOLIBC_INTEGER_PRINTF_SCANF)",
  `  -march=ISA -mabi=ABI  the target (default ${DEFAULT_MARCH} / ${DEFAULT_MABI}; ABI lp64, lp64f or lp64d)`
].join("\n")

/** Parses `cc`'s arguments, resolving paths against `cwd`; a string says what is wrong. */
const parseCc = (args: ReadonlyArray<string>, cwd: string): CcRequest | string => {
  let output: string | undefined
  let dynamic = false
  let compileOnly = false
  let printf: Guests.Printf = "double"
  let march = DEFAULT_MARCH
  let mabi = DEFAULT_MABI
  const sources: Array<string> = []
  const inputs: Array<CcRequest["inputs"][number]> = []
  const compilerFlags: Array<string> = []
  const linkerFlags: Array<string> = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    /** The value of a flag given as `-Xvalue` or `-X value`. */
    const value = (flag: string) => (arg.length > flag.length ? arg.slice(flag.length) : args[++i])
    if (arg === "--dynamic") dynamic = true
    else if (arg === "--static" || arg === "-static") dynamic = false
    else if (arg === "--integer-printf") printf = "integer"
    else if (arg.startsWith("-march=")) march = arg.slice("-march=".length)
    else if (arg.startsWith("-mabi=")) {
      mabi = arg.slice("-mabi=".length)
      if (ABI_LIBRARIES[mabi] === undefined) return `-mabi=${mabi}: not one of ${Object.keys(ABI_LIBRARIES).join(", ")}`
    } else if (arg === "-c") compileOnly = true
    else if (arg === "-o") {
      output = args[++i]
      if (output === undefined) return "-o needs a file"
    } else if (/^-O[0-3sz]?$/.test(arg) || arg === "-g" || /^-g[0-3]$/.test(arg)) compilerFlags.push(arg)
    else if (arg.startsWith("-I")) {
      const dir = value("-I")
      if (dir === undefined) return "-I needs a directory"
      compilerFlags.push("-I", path.resolve(cwd, dir))
    } else if (arg.startsWith("-D") || arg.startsWith("-U")) {
      const flag = arg.slice(0, 2)
      const name = value(flag)
      if (name === undefined) return `${flag} needs a name`
      compilerFlags.push(`${flag}${name}`)
      if (flag === "-D" && name === "PICOLIBC_INTEGER_PRINTF_SCANF") printf = "integer"
    } else if (arg.startsWith("-L")) {
      const dir = value("-L")
      if (dir === undefined) return "-L needs a directory"
      inputs.push({ _tag: "link", args: ["-L", path.resolve(cwd, dir)] })
    } else if (arg.startsWith("-l")) {
      const name = value("-l")
      if (name === undefined) return "-l needs a library name"
      // The C library is one archive with the runtime, as musl's: the math, thread, realtime and
      // dynamic-loading libraries other systems split off are in it, so their -l names ask for nothing.
      if (!LIBC_PARTS.has(name)) inputs.push({ _tag: "link", args: [`-l${name}`] })
    } else if (arg.startsWith("-Wl,")) {
      for (const flag of arg.slice(4).split(",")) if (flag !== "") linkerFlags.push(flag)
    } else if (arg === "-z") {
      const keyword = args[++i]
      if (keyword === undefined) return "-z needs a keyword"
      linkerFlags.push("-z", keyword)
    } else if (/^-(W[^l]|W$|f|std=)/.test(arg) || arg === "-w" || arg === "-pedantic") compilerFlags.push(arg)
    else if (arg.startsWith("-")) return `unknown option ${arg}`
    else if (/\.[cS]$/.test(arg)) {
      inputs.push({ _tag: "source", index: sources.length })
      sources.push(path.resolve(cwd, arg))
    } else if (/\.(o|a)$/.test(arg)) inputs.push({ _tag: "link", args: [path.resolve(cwd, arg)] })
    else return `${arg}: not a .c, .S, .o or .a file`
  }
  if (sources.length === 0 && (compileOnly || !inputs.some((i) => i._tag === "link"))) return "no input files"
  if (compileOnly && output !== undefined && sources.length > 1) return "-c with -o takes one source"
  return {
    output: output === undefined ? undefined : path.resolve(cwd, output),
    sources,
    inputs,
    compileOnly,
    dynamic,
    compilerFlags,
    linkerFlags,
    printf,
    march,
    mabi
  }
}

/**
 * The directory of compiled runtime objects for `cc`, keyed by the tools, the flags and every
 * sysroot file: the start-up and runtime are compiled once, not at every link.
 */
const runtimeCache = async (tools: Toolchain, flags: ReadonlyArray<string>): Promise<string> => {
  const hash = createHash("sha256")
  hash.update(JSON.stringify([tools.versions, flags]))
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) await walk(full)
      else hash.update(entry.name).update(await fs.readFile(full))
    }
  }
  await walk(path.join(PACKAGE_DIR, "sysroot"))
  const dir = path.join(os.tmpdir(), "zxsim-cc-runtime", hash.digest("hex").slice(0, 16))
  await fs.mkdir(dir, { recursive: true })
  return dir
}

/**
 * Compiles and links a program of the user's own against the sysroot: the same flags and start-up
 * as the prebuilt programs (warnings stay warnings; -O and -g given later win), checked the same
 * way afterwards. With `-c` only compiles. Temporary files are removed whatever happens.
 */
const cc = async (request: CcRequest, tools: Toolchain, cwd: string) => {
  const objects = await fs.mkdtemp(path.join(os.tmpdir(), "zxsim-cc-"))
  try {
    const flags = compileFlags(PACKAGE_DIR, tools, "hosted", false)
    const compile = (source: string, object: string, extra: ReadonlyArray<string>) =>
      run(tools.clang, [...flags, ...extra, "-c", source, "-o", object], { cwd: PACKAGE_DIR })
    const jobs = os.availableParallelism?.() ?? os.cpus().length
    if (request.compileOnly) {
      const outputs = request.sources.map((source) =>
        request.output ?? path.join(cwd, `${path.basename(source).replace(/\.[cS]$/, "")}.o`)
      )
      await pool(jobs, request.sources.map((source, i) => () => compile(source, outputs[i]!, request.compilerFlags)))
      return
    }
    const output = request.output ?? path.join(cwd, "a.out")
    const runtimeSources = [...(request.dynamic ? DYNAMIC_START : STATIC_START), ...RUNTIME]
    const cache = await runtimeCache(tools, flags)
    const linkTools = { ...tools, libc: await pieLibc(tools, cache) }
    const runtime = runtimeSources.map((source) => path.join(cache, objectName(source, "hosted")))
    const program = request.sources.map((source, i) => path.join(objects, `user-${i}-${path.basename(source)}.o`))
    await pool(jobs, [
      ...runtimeSources.map((source, i) => async () => {
        if (existsSync(runtime[i]!)) return
        // Compiled beside, then renamed: a concurrent cc never links a half-written object.
        const partial = path.join(objects, `runtime-${i}.o`)
        await compile(source, partial, [])
        await fs.rename(partial, runtime[i]!).catch(() => fs.copyFile(partial, runtime[i]!))
      }),
      ...request.sources.map((source, i) => async () =>
        void (await compile(source, program[i]!, request.compilerFlags))
      )
    ])
    const linkInputs = request.inputs.flatMap((
      input
    ) => (input._tag === "source" ? [program[input.index]!] : input.args))
    const args = request.dynamic
      ? dynamicLinkArgs(output, runtime, linkInputs, [], linkTools, request.printf)
      : staticLinkArgs(output, runtime, linkInputs, linkTools, request.printf)
    await run(tools.lld, [...LINK_FLAGS, ...request.linkerFlags, ...args], { cwd: PACKAGE_DIR })
    const bytes = await fs.readFile(output)
    if (request.dynamic) check(output, ElfChecks.dynamicProgramProblems(bytes, []), "dynamically linked program")
    else check(output, ElfChecks.staticPieProblems(bytes), "static PIE")
  } finally {
    await fs.rm(objects, { recursive: true, force: true })
  }
}

/** A failed compiler or linker run: its diagnostics, else the error itself. */
const toolOutput = (error: unknown): string => {
  if (
    typeof error === "object" && error !== null && "stderr" in error && typeof error.stderr === "string" &&
    error.stderr !== ""
  ) {
    return error.stderr.trimEnd()
  }
  return error instanceof Error ? error.message : String(error)
}

const mainCc = async (args: ReadonlyArray<string>) => {
  const cwd = process.env.INIT_CWD ?? process.cwd()
  if (args.includes("--help")) {
    console.log(CC_USAGE)
    return
  }
  const request = parseCc(args, cwd)
  if (typeof request === "string") {
    console.error(`cc: ${request}\n${CC_USAGE}`)
    process.exit(2)
  }
  const tools = await findToolchain(request.march, request.mabi)
  if ("missing" in tools) {
    console.error(
      `cc: guest toolchain not found (missing: ${
        tools.missing.join(", ")
      }); on Debian: apt-get install ${DEBIAN_PACKAGES}`
    )
    process.exit(1)
  }
  try {
    await cc(request, tools, cwd)
  } catch (error) {
    console.error(toolOutput(error))
    process.exit(1)
  }
}

/**
 * `build.ts libc-check`: links every member of picolibc's archive (as {@link pieLibc} makes it) into
 * one static PIE and one dynamically linked program with the runtime, each member forced in by
 * one of the symbols it defines (`--undefined`), without --gc-sections (so nothing escapes the
 * linker's relocation checks); a member defining a symbol the runtime defines (its locks, sbrk,
 * malloc, clocks, TLS set-up) is replaced by it and counted apart. Both outputs get the usual structure checks.
 */
const libcCheck = async (tools: Toolchain) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "zxsim-libc-check-"))
  try {
    const libc = await pieLibc(tools, dir)
    const flags = compileFlags(PACKAGE_DIR, tools, "hosted")
    const sources = [...new Set([...STATIC_START, ...DYNAMIC_START, ...RUNTIME])]
    const objectOf = (source: string) => path.join(dir, objectName(source, "hosted"))
    const main = path.join(dir, "main.c")
    await fs.writeFile(main, "int main(void) { return 0; }\n")
    await pool(os.availableParallelism?.() ?? os.cpus().length, [
      ...sources.map((source) => () =>
        run(tools.clang, [...flags, "-c", source, "-o", objectOf(source)], { cwd: PACKAGE_DIR })
      ),
      () => run(tools.clang, [...flags, "-c", main, "-o", path.join(dir, "main.o")], { cwd: PACKAGE_DIR })
    ])
    const defined = async (files: ReadonlyArray<string>) =>
      (await run("llvm-nm", ["-A", "-g", "--defined-only", ...files], { maxBuffer: 64 << 20 })).stdout.split("\n")
    const runtimeSymbols = new Set(
      (await defined(sources.map(objectOf))).map((line) => line.split(" ").at(-1)!).filter((n) => n !== "")
    )
    const byMember = new Map<string, Array<string>>()
    for (const line of await defined([libc])) {
      const match = /^[^:]+:([^:]+): \S+ ([A-Za-z]) (\S+)$/.exec(line)
      if (match === null) continue
      const list = byMember.get(match[1]!) ?? []
      list.push(match[3]!)
      byMember.set(match[1]!, list)
    }
    const members = PieArchive.archiveMembers(new Uint8Array(await fs.readFile(libc)))
    if (typeof members === "string") throw new Error(members)
    const roots: Array<string> = []
    const replaced: Array<string> = []
    const empty: Array<string> = []
    for (const member of members) {
      const symbols = byMember.get(member.name)
      if (symbols === undefined) empty.push(member.name)
      else if (symbols.some((name) => runtimeSymbols.has(name))) replaced.push(member.name)
      else roots.push(symbols[0]!)
    }
    const linkTools = { ...tools, libc }
    const undefinedFlags = roots.map((name) => `--undefined=${name}`)
    const linkFlags = LINK_FLAGS.filter((flag) => flag !== "--gc-sections")
    const staticOutput = path.join(dir, "static")
    await run(tools.lld, [
      ...linkFlags,
      ...undefinedFlags,
      ...staticLinkArgs(
        staticOutput,
        [...STATIC_START, ...RUNTIME].map(objectOf),
        [path.join(dir, "main.o")],
        linkTools,
        "double"
      )
    ], { cwd: PACKAGE_DIR, maxBuffer: 64 << 20 })
    check("static", ElfChecks.staticPieProblems(await fs.readFile(staticOutput)), "static PIE")
    const dynamicOutput = path.join(dir, "dynamic")
    await run(tools.lld, [
      ...linkFlags,
      ...undefinedFlags,
      ...dynamicLinkArgs(
        dynamicOutput,
        [...DYNAMIC_START, ...RUNTIME].map(objectOf),
        [path.join(dir, "main.o")],
        [],
        linkTools,
        "double"
      )
    ], { cwd: PACKAGE_DIR, maxBuffer: 64 << 20 })
    check(
      "dynamic",
      ElfChecks.dynamicProgramProblems(await fs.readFile(dynamicOutput), []),
      "dynamically linked program"
    )
    console.log(
      `libc check: ${roots.length} of ${members.length} members of libc.a linked into a static PIE and a dynamically linked program; ${replaced.length} replaced by the runtime (${
        replaced.join(", ")
      }); ${empty.length} define no symbol`
    )
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}

/** The toolchain, or a message naming what is missing and how to install it. */
const toolchainOrMessage = async (): Promise<Toolchain | string> => {
  const tools = await findToolchain()
  return "missing" in tools
    ? `guest toolchain not found (missing: ${tools.missing.join(", ")}); on Debian: apt-get install ${DEBIAN_PACKAGES}`
    : tools
}

/** Fails the command with `message` on stderr and exit status 1. */
const failWith = (message: string) => Effect.zipRight(Effect.sync(() => console.error(message)), Effect.succeed(1))

/** `build.ts [--check [--if-available]]`: rebuild into the package, or check a rebuild in a copy. */
const buildOrCheck = async (check: boolean, ifAvailable: boolean): Promise<number> => {
  const tools = await toolchainOrMessage()
  if (typeof tools === "string") {
    if (!(check && ifAvailable)) {
      console.error(tools)
      return 1
    }
    // Without a toolchain the generated sysroot files can still be checked.
    const root = await copyInputs()
    try {
      await writeGenerated(root)
      const differing = await compare(root, outputs(false))
      if (differing.length > 0) {
        console.error(`generated sysroot files differ from the committed ones: ${differing.join(", ")}`)
        return 1
      }
      console.log(
        `${tools}\nchecked the ${outputs(false).length} generated sysroot files only (identical); binaries not rebuilt`
      )
      return 0
    } finally {
      await fs.rm(root, { recursive: true, force: true })
    }
  }
  if (!check) {
    await build(PACKAGE_DIR, tools)
    console.log(
      `built ${Guests.names.length} programs and ${Guests.libraryNames.length} runtime files into bin/ and ${Sysroot.generatedFiles().length} generated sysroot files`
    )
    return 0
  }
  const root = await copyInputs()
  try {
    await build(root, tools)
    const files = outputs(true)
    const differing = await compare(root, files)
    if (differing.length > 0) {
      console.error(`rebuild differs from the committed files: ${differing.join(", ")}`)
      const committed = await committedToolchain()
      if (committed !== null && JSON.stringify(committed) !== JSON.stringify(tools.versions)) {
        console.error(
          `the committed files were built with ${JSON.stringify(committed)}; this toolchain is ${
            JSON.stringify(tools.versions)
          }`
        )
      }
      return 1
    }
    console.log(`rebuild is byte-identical: ${files.length} files`)
    return 0
  } finally {
    await fs.rm(root, { recursive: true, force: true })
  }
}

/** The script's exit status from an asynchronous step: its own, or 1 with the error's message. */
const step = (run: () => Promise<number>) =>
  Effect.catchAll(
    Effect.tryPromise(run),
    (error) => failWith(error.cause instanceof Error ? error.cause.message : String(error.cause))
  )

const libcCheckCommand = CliCommand.make("libc-check", {}, () =>
  step(async () => {
    const tools = await toolchainOrMessage()
    if (typeof tools === "string") {
      console.error(tools)
      return 1
    }
    await libcCheck(tools)
    return 0
  })).pipe(
    CliCommand.withDescription(
      "link every member of picolibc's archive into a static PIE and a dynamically linked program with the runtime"
    )
  )

const buildCommand = CliCommand.make(
  "build.ts",
  {
    check: Options.boolean("check").pipe(
      Options.withDescription("rebuild in a temporary copy and fail if any file differs from the committed bytes")
    ),
    ifAvailable: Options.boolean("if-available").pipe(
      Options.withDescription("with --check and no toolchain: check only the generated sysroot files, and say so")
    )
  },
  ({ check, ifAvailable }) =>
    ifAvailable && !check
      ? failWith("build.ts: --if-available goes with --check").pipe(Effect.as(2))
      : step(() => buildOrCheck(check, ifAvailable))
).pipe(
  CliCommand.withDescription("regenerate the guest sysroot and rebuild the prebuilt programs and runtime files"),
  CliCommand.withSubcommands([libcCheckCommand])
)

// `cc` is a compiler driver with a C compiler's option syntax (-O2, -lm, -Wl,..., -c, -o), which
// @effect/cli's GNU-style options do not express; it keeps its own parser (parseCc).
if (process.argv[2] === "cc") {
  mainCc(process.argv.slice(3)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
} else {
  CliCommand.run(buildCommand, { name: "build.ts", version: "0.1.0" })(process.argv).pipe(
    Effect.map((code) => (typeof code === "number" ? code : 0)),
    // A command line that does not parse: @effect/cli has printed why; the usage follows.
    Effect.catchIf(ValidationError.isValidationError, () =>
      Effect.as(
        Effect.sync(() =>
          console.error("usage: build.ts [--check [--if-available]] | build.ts libc-check | build.ts cc --help")
        ),
        2
      )),
    Effect.flatMap((code) => Effect.sync(() => process.exit(code))),
    Effect.provide(NodeContext.layer),
    NodeRuntime.runMain
  )
}
