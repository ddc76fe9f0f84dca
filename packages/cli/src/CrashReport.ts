/**
 * Crash reports, as Fuchsia's crash service prints them: when a guest takes an exception nobody
 * else handles, the report names the process and thread, the exception (type, status, the address
 * it touched), the pc and the fault address as `symbol+offset` in the module (executable, library,
 * vDSO) that holds them, the registers, and a backtrace by frame pointers for as long as the frame
 * chain holds. An `ecall` from outside the vDSO — what a Linux binary's first system call is — is
 * reported as a system call outside the vDSO.
 *
 * `watch` binds the exception channel of a job (the CLI's root job) like Fuchsia's crashsvc: it
 * reads each exception, writes the report, and passes the exception on (TRY_NEXT), so the process
 * is then killed as it would have been.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as ElfSymbols from "@zxsim/elf/ElfSymbols"
import {
  type ExceptionReport,
  ExceptionType,
  PolicyCode,
  policyCodeName,
  registerNames,
  RiscvCause,
  typeName
} from "@zxsim/kernel/Exception"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import type { RegionInfo } from "@zxsim/kernel/Kernel"
import { Signals } from "@zxsim/kernel/Signals"
import * as Status from "@zxsim/kernel/Status"
import * as Vdso from "@zxsim/kernel/Vdso"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"

/**
 * A loaded module: the name its file VMO carries, its load bias and extent, and its symbols.
 *
 * @since 0.1.0
 * @category models
 */
export interface Module {
  readonly name: string
  /** Load bias: run-time address minus link-time address. */
  readonly bias: number
  readonly start: number
  readonly end: number
  readonly symbols: ElfSymbols.SymbolTable | null
}

/**
 * One frame of a backtrace.
 *
 * @since 0.1.0
 * @category models
 */
export interface Frame {
  readonly pc: bigint
  /** How the frame was found: the faulting pc, the return address register, or a frame record. */
  readonly source: "pc" | "ra" | "fp"
}

/**
 * Most frames a backtrace follows.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_FRAMES = 64

/** VMO names of the mappings that are not module files (data and bss copies, stacks). */
const NOT_A_FILE = /^(data:|bss:|stack)/

/**
 * The modules mapped in an address space (from `vmar.regions`): each VMO mapped from its own file,
 * grouped by name, with `symbolsOf(name)` giving its symbol table (null when unknown).
 *
 * @since 0.1.0
 * @category utils
 */
export const modulesOf = (
  regions: ReadonlyArray<RegionInfo>,
  symbolsOf: (name: string) => ElfSymbols.SymbolTable | null
): Array<Module> => {
  const byName = new Map<string, { bias: number; start: number; end: number }>()
  for (const r of regions) {
    if (r._tag !== "Mapping" || r.vmoName === "" || NOT_A_FILE.test(r.vmoName)) continue
    const bias = r.base - r.vmoOffset
    const seen = byName.get(r.vmoName)
    if (seen === undefined) byName.set(r.vmoName, { bias, start: r.base, end: r.base + r.size })
    else {
      seen.start = Math.min(seen.start, r.base)
      seen.end = Math.max(seen.end, r.base + r.size)
      seen.bias = Math.min(seen.bias, bias)
    }
  }
  // A module's data and bss (copies named `data:<name>`, `bss:<name>`) belong to its extent.
  for (const r of regions) {
    if (r._tag !== "Mapping") continue
    const owner = /^(?:data|bss):(.*)$/.exec(r.vmoName)?.[1]
    const m = owner === undefined ? undefined : byName.get(owner)
    if (m === undefined) continue
    m.start = Math.min(m.start, r.base)
    m.end = Math.max(m.end, r.base + r.size)
  }
  return Array.from(byName, ([name, m]) => ({ name, ...m, symbols: symbolsOf(name) })).sort((a, b) => a.start - b.start)
}

/**
 * `module+0xoffset symbol+0xoff` for an address, or just the hex address outside every module.
 *
 * @since 0.1.0
 * @category utils
 */
export const describeAddress = (modules: ReadonlyArray<Module>, address: bigint): string => {
  const hex = `0x${address.toString(16)}`
  if (address > BigInt(Number.MAX_SAFE_INTEGER)) return hex
  const a = Number(address)
  const m = modules.find((x) => a >= x.start && a < x.end)
  if (m === undefined) return hex
  const where = `${hex} (${m.name}+0x${(a - m.bias).toString(16)})`
  const location = m.symbols === null ? undefined : ElfSymbols.lookup(m.symbols, a - m.bias)
  return location === undefined ? where : `${where} ${ElfSymbols.format(location)}`
}

const accessOf = (cause: number): string =>
  cause === RiscvCause.FETCH_PAGE_FAULT || cause === RiscvCause.FETCH_ACCESS || cause === RiscvCause.FETCH_MISALIGNED
    ? "executing"
    : cause === RiscvCause.STORE_PAGE_FAULT || cause === RiscvCause.STORE_ACCESS ||
        cause === RiscvCause.STORE_MISALIGNED
    ? "writing"
    : "reading"

/**
 * One line saying what the exception was.
 *
 * @since 0.1.0
 * @category utils
 */
export const describeException = (report: ExceptionReport, modules: ReadonlyArray<Module>): string => {
  const at = report.faultAddress === null ? "" : describeAddress(modules, report.faultAddress)
  switch (report.type) {
    case ExceptionType.FATAL_PAGE_FAULT:
      return `fatal page fault (${Status.toString(report.synthCode | 0)}) ${accessOf(report.cause)} address ${at}`
    case ExceptionType.UNDEFINED_INSTRUCTION:
      return `undefined instruction 0x${report.tval.toString(16).padStart(8, "0")}`
    case ExceptionType.SW_BREAKPOINT:
      return "software breakpoint"
    case ExceptionType.UNALIGNED_ACCESS:
      return `unaligned access: ${accessOf(report.cause)} address ${at}`
    case ExceptionType.GENERAL:
      return `general exception (RISC-V cause ${report.cause}${
        report.synthCode === 0 ? "" : `, ${Status.toString(report.synthCode | 0)}`
      }) ${accessOf(report.cause)} address ${at}`
    case ExceptionType.POLICY_ERROR:
      return report.synthCode === PolicyCode.BAD_SYSCALL
        ? `policy error: system call outside the vDSO (ecall with t0 = ${report.synthData}; as a Linux system call it would be number a7 = ${
          report.registers[17]
        })`
        : `policy error: job policy ${policyCodeName(report.synthCode)} raised an exception`
    default:
      return `exception ${typeName(report.type)}`
  }
}

/**
 * The frames of the stopped thread: its pc; then, when `pcInCode` is false (a jump to where no
 * module is: the target never made a frame), the return address in ra; then each frame record
 * (`[fp-8]` = return address, `[fp-16]` = the caller's fp) while fp is aligned, readable and rising.
 *
 * @since 0.1.0
 * @category utils
 */
export const backtrace = (
  report: ExceptionReport,
  read: (address: number, length: number) => Effect.Effect<Uint8Array | null>,
  pcInCode = true
): Effect.Effect<Array<Frame>> =>
  Effect.gen(function*() {
    const frames: Array<Frame> = [{ pc: report.pc, source: "pc" }]
    if (!pcInCode && report.registers[1] !== 0n) frames.push({ pc: report.registers[1], source: "ra" })
    let fp = report.registers[8]
    const seen = new Set<bigint>()
    while (frames.length < MAX_FRAMES) {
      if (fp === 0n || fp % 8n !== 0n || fp < 16n || fp > BigInt(Number.MAX_SAFE_INTEGER) || seen.has(fp)) break
      seen.add(fp)
      const bytes = yield* read(Number(fp) - 16, 16)
      if (bytes === null) break
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      const callerFp = view.getBigUint64(0, true)
      const ra = view.getBigUint64(8, true)
      if (ra === 0n) break
      frames.push({ pc: ra, source: "fp" })
      // The stack grows down: a caller's frame lies above its callee's.
      if (callerFp <= fp) break
      fp = callerFp
    }
    // No frame record at all: the return address register is the best guess of the caller.
    if (frames.length === 1 && report.registers[1] !== 0n) frames.push({ pc: report.registers[1], source: "ra" })
    return frames
  })

const hex16 = (v: bigint) => `0x${v.toString(16).padStart(16, "0")}`

/**
 * The whole report as text (lines end with a newline).
 *
 * @since 0.1.0
 * @category utils
 */
export const format = (
  report: ExceptionReport,
  modules: ReadonlyArray<Module>,
  frames: ReadonlyArray<Frame>
): string => {
  const lines: Array<string> = []
  lines.push(`<== CRASH: process ${report.processName}[${report.pid}] thread ${report.threadName}[${report.tid}]`)
  lines.push(`<== ${typeName(report.type)}: ${describeException(report, modules)}`)
  lines.push(`<== pc ${describeAddress(modules, report.pc)}`)
  for (let i = 0; i < 32; i += 4) {
    const cells: Array<string> = []
    for (let j = i; j < i + 4; j++) {
      cells.push(`${`x${j}/${registerNames[j]}`.padStart(8)} ${hex16(report.registers[j])}`)
    }
    lines.push(cells.join("  "))
  }
  lines.push("backtrace:")
  frames.forEach((f, i) =>
    lines.push(
      `  bt#${String(i).padStart(2, "0")}: pc ${describeAddress(modules, f.pc)}${f.source === "ra" ? " (from ra)" : ""}`
    )
  )
  lines.push("modules:")
  for (const m of modules) {
    lines.push(`  0x${m.start.toString(16)}-0x${m.end.toString(16)} ${m.name} (load bias 0x${m.bias.toString(16)})`)
  }
  return lines.join("\n") + "\n"
}

/**
 * Where `watch` finds what a report needs.
 *
 * @since 0.1.0
 * @category models
 */
export interface WatchOptions {
  /** The job whose exception channel to bind (the root job: every process of the kernel). */
  readonly job: Handle.Job
  /** The root VMAR of the process to symbolize (other processes are reported without modules). */
  readonly rootVmar: Handle.Vmar
  readonly process: Handle.Process
  /** The bytes of the file behind a module name (the executable, a library, the vDSO), if known. */
  readonly fileOf: (name: string) => Effect.Effect<Option.Option<Uint8Array>>
  /** Where the report goes. */
  readonly sink: (text: string) => Effect.Effect<void>
}

/**
 * Binds the job's exception channel and, until the scope closes, writes a crash report for every
 * exception that reaches it, then passes the exception on. Does nothing when the channel cannot be
 * bound (another handler holds it).
 *
 * @since 0.1.0
 * @category utils
 */
export const watch = (options: WatchOptions): Effect.Effect<void, never, Kernel.Kernel | Scope.Scope> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const channel = yield* Effect.option(kernel.task.createExceptionChannel(options.job))
    if (Option.isNone(channel)) return
    const ours = (yield* Effect.option(kernel.handle.info(options.process))).pipe(Option.map((i) => i.koid))
    const symbolCache = new Map<string, ElfSymbols.SymbolTable | null>()
    const loadSymbols = (names: ReadonlyArray<string>) =>
      Effect.forEach(names, (name) =>
        symbolCache.has(name) ? Effect.void : Effect.gen(function*() {
          const bytes = yield* options.fileOf(name)
          const table = Option.isNone(bytes)
            ? null
            : Option.getOrNull(yield* Effect.option(ElfSymbols.read(bytes.value)))
          symbolCache.set(name, table)
        }), { discard: true })
    const handleOne = Effect.gen(function*() {
      yield* kernel.object.waitOne(channel.value, Signals.CHANNEL_READABLE)
      const message = yield* kernel.channel.read(channel.value)
      // A report that cannot be made must not keep the exception: the scope closes its handle.
      yield* Effect.ignore(Effect.scoped(Effect.gen(function*() {
        const exception = message.handles[0] as Handle.Exception | undefined
        if (exception === undefined) return
        const report = yield* kernel.exception.report(exception)
        let modules: Array<Module> = []
        if (Option.isSome(ours) && ours.value === report.pid) {
          const regions = yield* Effect.orElseSucceed(kernel.vmar.regions(options.rootVmar), () => [])
          const names = Array.from(new Set(regions.flatMap((r) => (r._tag === "Mapping" ? [r.vmoName] : []))))
          yield* loadSymbols(names)
          modules = modulesOf(regions, (name) => symbolCache.get(name) ?? null)
        }
        const process = yield* Effect.option(kernel.exception.process(exception))
        const read = (address: number, length: number) =>
          Option.isNone(process)
            ? Effect.succeed(null)
            : Effect.orElseSucceed(kernel.process.readMemory(process.value, address, length), () => null)
        const inCode = modules.length === 0 ||
          modules.some((m) => report.pc >= BigInt(m.start) && report.pc < BigInt(m.end))
        const frames = yield* backtrace(report, read, inCode)
        yield* options.sink(format(report, modules, frames))
        // Not handled here: the next handler, or the kernel's kill, decides.
        yield* kernel.handle.close(exception)
      })))
    })
    // The loop ends when the channel can no longer be read (its handle closed with the scope).
    yield* Effect.forkScoped(Effect.forever(handleOne).pipe(Effect.ignore))
  })

/**
 * `WatchOptions.fileOf` for a program run from `elf` with libraries served from `loaderDir`: the
 * executable's VMO is named after its file, the libraries after theirs, the vDSO is the kernel's.
 *
 * @since 0.1.0
 * @category utils
 */
export const filesOfRun = (
  elf: string,
  loaderDir: Option.Option<string>
): Effect.Effect<
  (name: string) => Effect.Effect<Option.Option<Uint8Array>>,
  never,
  FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const readIt = (file: string) => Effect.option(fs.readFile(file))
    return (name: string) => {
      if (name.startsWith("vdso/")) return Effect.succeed(Option.some(Vdso.image()))
      if (name === path.basename(elf)) return readIt(elf)
      if (Option.isSome(loaderDir) && !name.includes("/") && name !== "." && name !== "..") {
        return readIt(path.join(loaderDir.value, name))
      }
      return Effect.succeed(Option.none())
    }
  })
