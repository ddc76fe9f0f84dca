/** Guest runs the pool's tests share: ordinary programs, crashes, dynamic linking, bad input. */
import * as Guests from "@zxsim/guest/Guests"
import * as GuestRun from "@zxsim/pool/GuestRun"
import * as Effect from "effect/Effect"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const text = (s: string) => new TextEncoder().encode(s)

/** A test case: a request and what its result must show. */
export interface Case {
  readonly title: string
  readonly request: GuestRun.RunGuest
  /** The outcome's tag. */
  readonly outcome: GuestRun.Outcome["_tag"]
  /** The return code, for Exited and Killed. */
  readonly returnCode?: bigint
  readonly stdout?: string
  readonly stderrIncludes?: string
  /**
   * Threads that spin on locks retire as many instructions as their interleaving makes them: the
   * kernel gives the host its turn by host time, so the count is not the same from run to run.
   */
  readonly instructionsVary?: boolean
}

const hello = new Uint8Array(readFileSync(Guests.path("hello")))
const helloDynamic = new Uint8Array(readFileSync(Guests.path("hello_dynamic")))
const libraries = Object.fromEntries(
  Guests.libraryNames.map((name) => [name, new Uint8Array(readFileSync(Guests.libraryPath(name)))])
)

/** The cases on one CPU. */
export const cases = (cpu: GuestRun.CpuKind): ReadonlyArray<Case> => [
  {
    title: "hello prints its arguments and environment",
    request: GuestRun.named("hello", { cpu, args: ["a", "b c"], env: ["K=V"] }),
    outcome: "Exited",
    returnCode: 0n,
    stdout: "hello\na\nb c\nK=V\n"
  },
  {
    title: "exit_code exits with its argument",
    request: GuestRun.named("exit_code", { cpu, args: ["42"] }),
    outcome: "Exited",
    returnCode: 42n
  },
  {
    title: "exit_code refuses a non-number on stderr",
    request: GuestRun.named("exit_code", { cpu, args: ["forty-two"] }),
    outcome: "Exited",
    returnCode: 127n,
    stderrIncludes: "exit_code"
  },
  {
    title: "cat copies stdin to stdout",
    request: GuestRun.named("cat", { cpu, stdin: text("one\ntwo\n".repeat(500)) }),
    outcome: "Exited",
    returnCode: 0n,
    stdout: "one\ntwo\n".repeat(500)
  },
  {
    title: "cat without stdin (no PA_FD 0) is at end of file at once",
    request: GuestRun.named("cat", { cpu }),
    outcome: "Exited",
    returnCode: 0n,
    stdout: ""
  },
  {
    title: "wild_jump is killed by a fetch fault",
    request: GuestRun.named("wild_jump", { cpu }),
    outcome: "Killed",
    returnCode: -1028n
  },
  {
    title: "read_unmapped is killed by a load fault",
    request: GuestRun.named("read_unmapped", { cpu }),
    outcome: "Killed",
    returnCode: -1028n
  },
  {
    title: "write_code is killed by a store fault",
    request: GuestRun.named("write_code", { cpu }),
    outcome: "Killed",
    returnCode: -1028n
  },
  {
    title: "illegal_instruction is killed",
    request: GuestRun.named("illegal_instruction", { cpu }),
    outcome: "Killed",
    returnCode: -1028n
  },
  {
    title: "ecall_outside_vdso is killed",
    request: GuestRun.named("ecall_outside_vdso", { cpu }),
    outcome: "Killed",
    returnCode: -1028n
  },
  {
    title: "double_close sees BAD_HANDLE",
    request: GuestRun.named("double_close", { cpu }),
    outcome: "Exited",
    returnCode: 0n
  },
  {
    title: "threads count together",
    request: GuestRun.named("threads", { cpu, args: ["300"] }),
    outcome: "Exited",
    returnCode: 0n,
    instructionsVary: true
  },
  {
    title: "hello_dynamic runs through ld.so.1 with the bin/ libraries",
    request: GuestRun.named("hello_dynamic", { cpu, args: ["d"] }),
    outcome: "Exited",
    returnCode: 0n,
    stdout: "hello_dynamic\nd\n"
  },
  {
    title: "write_relro is killed",
    request: GuestRun.named("write_relro", { cpu }),
    outcome: "Killed",
    returnCode: -1028n
  },
  {
    title: "an ELF given as bytes runs under its own name",
    request: new GuestRun.RunGuest({
      cpu,
      program: new GuestRun.ElfProgram({ name: "greeter", bytes: hello }),
      args: ["x"]
    }),
    outcome: "Exited",
    returnCode: 0n,
    stdout: "greeter\nx\n"
  },
  {
    title: "a dynamic ELF given as bytes with its libraries",
    request: new GuestRun.RunGuest({
      cpu,
      program: new GuestRun.ElfProgram({ name: "dyn", bytes: helloDynamic, libraries })
    }),
    outcome: "Exited",
    returnCode: 0n,
    stdout: "dyn\n"
  },
  {
    title: "a dynamic ELF without libraries is not started",
    request: new GuestRun.RunGuest({ cpu, program: new GuestRun.ElfProgram({ name: "dyn", bytes: helloDynamic }) }),
    outcome: "NotStarted"
  },
  {
    title: "bytes that are not an ELF file are not started",
    request: new GuestRun.RunGuest({
      cpu,
      program: new GuestRun.ElfProgram({ name: "junk", bytes: text("#!/bin/sh\necho hi\n") })
    }),
    outcome: "NotStarted"
  }
]

/** A temporary host directory holding `files` (name to text), removed with the scope. */
export const tempDir = (files: Readonly<Record<string, string>>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const dir = mkdtempSync(join(tmpdir(), "zxsim-pool-"))
      for (const [name, contents] of Object.entries(files)) writeFileSync(join(dir, name), contents)
      return dir
    }),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
  )
