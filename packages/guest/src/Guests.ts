/**
 * The prebuilt guest programs: riscv64 static PIEs compiled from `src-c/` with the package's
 * sysroot and committed under `bin/`, so tests and tools can run real guests without a toolchain.
 *
 * Each program is described by what it does and what a test should expect when it runs: an exit
 * with a given return code, a kill by the kernel (Zircon's exception return code, -1028), or a run
 * that only ends when the test kills it (-1024). Arguments follow the C convention: the caller
 * passes the program name as the first processargs argument, so `argv[1]` is the first real one.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { PlatformError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"

/** Every prebuilt program, by name (`bin/<name>`). */
export const names = [
  "hello",
  "exit_code",
  "static_pie_test_util",
  "wild_jump",
  "write_code",
  "read_unmapped",
  "illegal_instruction",
  "ecall_outside_vdso",
  "endless_loop",
  "allocate_forever",
  "channel_flood",
  "double_close",
  "foreign_handle",
  "crc32",
  "sha256",
  "matmul",
  "sort",
  "pointer_chase"
] as const

/** The name of a prebuilt program. */
export type Name = (typeof names)[number]

/** What a program is for: an ordinary program, one that misbehaves on purpose, or a benchmark. */
export type Kind = "program" | "hostile" | "benchmark"

/**
 * How a program ends when run as its description says: it exits by itself with `returnCode`; the
 * kernel kills it (`returnCode` is the kill code recorded in its info); or it runs until the test
 * kills it with `task_kill`, after which its return code is `returnCode` (-1024).
 */
export type Ending =
  | { readonly _tag: "Exits"; readonly returnCode: number }
  | { readonly _tag: "Killed"; readonly returnCode: number }
  | { readonly _tag: "RunsUntilKilled"; readonly returnCode: number }

/** One prebuilt program. */
export interface Guest {
  readonly name: Name
  readonly kind: Kind
  /** What it does, what it needs from the test (arguments, handles) and what it prints. */
  readonly description: string
  /** How it ends with the inputs its description gives (other return codes mean a failure). */
  readonly ending: Ending
}

/** Zircon's return code of a process killed by an unhandled exception (`ZX_TASK_RETCODE_EXCEPTION_KILL`). */
export const EXCEPTION_KILL = -1028
/** Zircon's return code of a process killed with `task_kill` (`ZX_TASK_RETCODE_SYSCALL_KILL`). */
export const SYSCALL_KILL = -1024

const exits = (returnCode: number): Ending => ({ _tag: "Exits", returnCode })
const killed: Ending = { _tag: "Killed", returnCode: EXCEPTION_KILL }

/** Every prebuilt program with its description and expected ending (sources: `src-c/<name>.c`). */
export const guests: ReadonlyArray<Guest> = [
  {
    name: "hello",
    kind: "program",
    description: "Prints each argument, then each environment variable, one per line on stdout (PA_FD 1).",
    ending: exits(0)
  },
  {
    name: "exit_code",
    kind: "program",
    description:
      "Exits with the decimal number in argv[1] (any 64-bit value), 0 without one; 127 (and a message on stderr) when argv[1] is not a number.",
    ending: exits(0)
  },
  {
    name: "static_pie_test_util",
    kind: "program",
    description:
      "The start_static_pie_binary echo, without libc: reads one message from its PA_USER0 channel without waiting (write it before starting) and writes the same bytes and handles back. Failures exit 1-6 (see the source).",
    ending: exits(0)
  },
  {
    name: "wild_jump",
    kind: "hostile",
    description: "Calls address 0x1000, where nothing can be mapped: an instruction fetch fault.",
    ending: killed
  },
  {
    name: "write_code",
    kind: "hostile",
    description: "Stores over its own main, which is mapped read+execute: a store fault.",
    ending: killed
  },
  {
    name: "read_unmapped",
    kind: "hostile",
    description: "Loads from address 0x1000, where nothing can be mapped: a load fault.",
    ending: killed
  },
  {
    name: "illegal_instruction",
    kind: "hostile",
    description: "Executes the all-zero instruction word, which is illegal.",
    ending: killed
  },
  {
    name: "ecall_outside_vdso",
    kind: "hostile",
    description: "Executes ecall (t0 = 0, a0 = 0) from its own code instead of a vDSO stub.",
    ending: killed
  },
  {
    name: "endless_loop",
    kind: "hostile",
    description: "Counts forever without a syscall; the test kills it.",
    ending: { _tag: "RunsUntilKilled", returnCode: SYSCALL_KILL }
  },
  {
    name: "allocate_forever",
    kind: "hostile",
    description:
      "Creates and fills 1 MiB VMOs until zx_vmo_create or zx_vmo_write fails with NO_MEMORY, prints 'allocate_forever: NO_MEMORY after N MiB' and exits 3 (use a kernel with little memory). Other failures exit 4-7.",
    ending: exits(3)
  },
  {
    name: "channel_flood",
    kind: "hostile",
    description:
      "Writes 16-byte messages to a channel nobody reads until SHOULD_WAIT (prints 'channel_flood: N messages queued'), then a 65537-byte message, which must fail OUT_OF_RANGE. Exits 0 when both limits held, 1-4 otherwise.",
    ending: exits(0)
  },
  {
    name: "double_close",
    kind: "hostile",
    description: "Closes a channel handle twice; exits 0 when the second close fails BAD_HANDLE, 1-4 otherwise.",
    ending: exits(0)
  },
  {
    name: "foreign_handle",
    kind: "hostile",
    description:
      "Closes, writes to and reads a VMO size through a handle value it was never given (argv[1], default 0x12345673); exits 0 when all three fail BAD_HANDLE, 1-3 otherwise.",
    ending: exits(0)
  },
  {
    name: "crc32",
    kind: "benchmark",
    description: "CRC-32 of a 256 KiB pseudo-random buffer, 8 x argv[1] rounds; prints 'crc32 … checksum=0x…'.",
    ending: exits(0)
  },
  {
    name: "sha256",
    kind: "benchmark",
    description: "SHA-256 of a 64 KiB pseudo-random buffer, 8 x argv[1] rounds; prints 'sha256 … checksum=<digest>'.",
    ending: exits(0)
  },
  {
    name: "matmul",
    kind: "benchmark",
    description: "96 x 96 integer matrix products, 4 x argv[1] rounds; prints 'matmul … checksum=0x…'.",
    ending: exits(0)
  },
  {
    name: "sort",
    kind: "benchmark",
    description: "Quicksort of 50,000 pseudo-random integers, 2 x argv[1] rounds; prints 'sort … checksum=0x…'.",
    ending: exits(0)
  },
  {
    name: "pointer_chase",
    kind: "benchmark",
    description:
      "Follows a random cycle of 65,536 linked nodes for 2^20 x argv[1] steps; prints 'pointer_chase … checksum=0x…'.",
    ending: exits(0)
  }
]

/** The description of one program. */
export const guest = (name: Name): Guest => guests.find((g) => g.name === name)!

/** The directory holding the prebuilt programs, as a `file:` URL. */
export const binUrl: URL = new URL("../bin/", import.meta.url)

/** The `file:` URL of a prebuilt program. */
export const url = (name: Name): URL => new URL(name, binUrl)

/**
 * The file-system path of a `file:` URL, without Node's `url` module (this module stays
 * platform-free): percent-decoded, and without the leading `/` before a Windows drive letter.
 */
const pathOfFileUrl = (fileUrl: URL): string => {
  const decoded = decodeURIComponent(fileUrl.pathname)
  return /^\/[A-Za-z]:\//.test(decoded) ? decoded.slice(1) : decoded
}

/** The directory holding the prebuilt programs. */
export const binDirectory: string = pathOfFileUrl(binUrl)

/** The file-system path of a prebuilt program. */
export const path = (name: Name): string => pathOfFileUrl(url(name))

/** Every prebuilt program's path, by name. */
export const paths: Readonly<Record<Name, string>> = Object.fromEntries(names.map((n) => [n, path(n)])) as Record<
  Name,
  string
>

/** Whether a string is the name of a prebuilt program. */
export const isName = (name: string): name is Name => (names as ReadonlyArray<string>).includes(name)

/** Reads a prebuilt program's ELF file. */
export const read = (name: Name): Effect.Effect<Uint8Array, PlatformError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFile(path(name))).pipe(
    Effect.withSpan("Guests.read", { attributes: { name } })
  )
