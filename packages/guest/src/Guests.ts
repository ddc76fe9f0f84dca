/**
 * The prebuilt guest programs: riscv64 executables compiled from `src-c/` with the package's
 * sysroot and committed under `bin/`, so tests and tools can run real guests without a toolchain.
 * Most are static PIEs; the `dynamic` ones have PT_INTERP `ld.so.1` and need a loader that serves
 * the {@link libraries} (bin/ holds them all, so a loader over {@link binDirectory} does).
 *
 * Each program is described by what it does and what a test should expect when it runs: an exit
 * with a given return code, a kill by the kernel (Zircon's exception return code, -1028), or a run
 * that only ends when the test kills it (-1024). Arguments follow the C convention: the caller
 * passes the program name as the first processargs argument, so `argv[1]` is the first real one.
 *
 * @since 0.1.0
 */
import type { PlatformError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"

/**
 * Every prebuilt program, by name (`bin/<name>`).
 *
 * @since 0.1.0
 * @category utils
 */
export const names = [
  "hello",
  "exit_code",
  "cat",
  "threads",
  "static_pie_test_util",
  "wild_jump",
  "write_code",
  "read_unmapped",
  "illegal_instruction",
  "ecall_outside_vdso",
  "guest_jit",
  "exception_handler",
  "endless_loop",
  "allocate_forever",
  "channel_flood",
  "double_close",
  "foreign_handle",
  "write_relro_static",
  "spin_syscall",
  "stdout_flood",
  "vmo_flood",
  "thread_flood",
  "fork_bomb",
  "crc32",
  "sha256",
  "matmul",
  "sort",
  "pointer_chase",
  "calls",
  "lexer",
  "lists",
  "bytecode",
  "strings",
  "hashtable",
  "malloc_churn",
  "nbody",
  "hello_dynamic",
  "process_builder_test_util",
  "write_relro",
  "files",
  "write_tree",
  "floats",
  "crash",
  "clocks",
  "recurse",
  "pthreads",
  "exit_flush",
  "numeric",
  "allocator"
] as const

/**
 * The name of a prebuilt program.
 *
 * @since 0.1.0
 * @category models
 */
export type Name = (typeof names)[number]

/**
 * What a program is for: an ordinary program, one that misbehaves on purpose, a benchmark, or a
 * dynamically linked program (started through `ld.so.1`; build it with a loader).
 *
 * @since 0.1.0
 * @category models
 */
export type Kind = "program" | "hostile" | "benchmark" | "dynamic"

/**
 * How a program ends when run as its description says: it exits by itself with `returnCode`; the
 * kernel kills it (`returnCode` is the kill code recorded in its info); or it runs until the test
 * kills it with `task_kill`, after which its return code is `returnCode` (-1024).
 *
 * @since 0.1.0
 * @category models
 */
export type Ending =
  | { readonly _tag: "Exits"; readonly returnCode: number }
  | { readonly _tag: "Killed"; readonly returnCode: number }
  | { readonly _tag: "RunsUntilKilled"; readonly returnCode: number }

/**
 * Which printf and scanf a program links: picolibc's default, with floating point (`double`), or
 * its integer-only variants (`integer`: smaller, and what the programs that print no number with a
 * fraction use).
 *
 * @since 0.1.0
 * @category models
 */
export type Printf = "double" | "integer"

/**
 * One prebuilt program.
 *
 * @since 0.1.0
 * @category models
 */
export interface Guest {
  readonly name: Name
  readonly kind: Kind
  /** Its printf and scanf. */
  readonly printf: Printf
  /** What it does, what it needs from the test (arguments, handles) and what it prints. */
  readonly description: string
  /** How it ends with the inputs its description gives (other return codes mean a failure). */
  readonly ending: Ending
}

/**
 * Zircon's return code of a process killed by an unhandled exception (`ZX_TASK_RETCODE_EXCEPTION_KILL`).
 *
 * @since 0.1.0
 * @category constants
 */
export const EXCEPTION_KILL = -1028
/**
 * Zircon's return code of a process killed with `task_kill` (`ZX_TASK_RETCODE_SYSCALL_KILL`).
 *
 * @since 0.1.0
 * @category constants
 */
export const SYSCALL_KILL = -1024

const exits = (returnCode: number): Ending => ({ _tag: "Exits", returnCode })
const killed: Ending = { _tag: "Killed", returnCode: EXCEPTION_KILL }

const entries: ReadonlyArray<Omit<Guest, "printf"> & { readonly printf?: Printf }> = [
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
    name: "cat",
    kind: "program",
    description:
      "Copies stdin (PA_FD 0) to stdout until end of file (its peer closed, or no PA_FD 0 at all), in blocks through read(2); with -c as argv[1], a character at a time through getchar/putchar. Exits 0, or 1 when reading or writing fails.",
    ending: exits(0)
  },
  {
    name: "threads",
    kind: "program",
    description:
      "Starts 4 threads of its own process (zx_thread_create/zx_thread_start) that each add 1 to an atomic counter (AMOADD), to a counter under an LR/SC spinlock and to one under a futex mutex argv[1] times (default 100000); each sets its own user signal on a shared event when done; waits for the event's four signals and each THREAD_TERMINATED, checks both totals, prints \"threads=4 rounds=<r> total=<t>\". Exits 0; 1-7 on a failure.",
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
    name: "guest_jit",
    kind: "program",
    description:
      "A tiny JIT: writes code into a VMO, makes it executable (argv[1]: 'vmex' with its PA_VMEX_RESOURCE handle, 'ambient' with ZX_HANDLE_INVALID under the job's AMBIENT_MARK_VMO_EXEC policy, 'none' not at all), maps it read+execute and calls it, then patches it through a writable mapping and calls it again; prints 'guest_jit: f(20) = 41, then 60' and exits 0. A refused replace exits 2, a refused mapping 3 (printing the step and status), no vmex handle 4.",
    ending: exits(0)
  },
  {
    name: "exception_handler",
    kind: "program",
    description:
      "Handles its own threads' exceptions from main through its process's exception channel: an ebreak stepped over, a page fault answered with a value, an undefined instruction ending the thread (THREAD_EXIT); checks the info, the report and the registers; prints a line per case and 'exception_handler: ok', exits 0 (or the number of the failed check).",
    ending: exits(0)
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
    name: "write_relro_static",
    kind: "hostile",
    description:
      "Writes into its own RELRO (a pointer in .data.rel.ro that its start-up relocated and then made read-only through its LoadedVmar handle): killed by the kernel; exits 1 if the write went through.",
    ending: killed
  },
  {
    name: "spin_syscall",
    kind: "hostile",
    description:
      "Loops on a syscall that completes at once: zx_clock_get_monotonic() (argv[1] \"clock\", the default) or zx_handle_close(ZX_HANDLE_INVALID) (\"close\"). With a count in argv[2] it exits 0 after that many calls; without one it runs until the test kills it. 1 when a call misbehaves, 2 for an unknown argv[1].",
    ending: { _tag: "RunsUntilKilled", returnCode: SYSCALL_KILL }
  },
  {
    name: "stdout_flood",
    kind: "hostile",
    description:
      "Writes argv[1] bytes (default 512 KiB) to stdout in 64 KiB blocks of a repeating 63-byte line (the digits, a-z, A-Z and a newline). Exits 0; 1 when a write fails.",
    ending: exits(0)
  },
  {
    name: "vmo_flood",
    kind: "hostile",
    description:
      "Creates argv[1] one-page VMOs (default 10000) in one burst, keeping every handle, prints 'vmo_flood: N VMOs' and exits 0 (the kernel closes them). When one is refused it prints 'vmo_flood: N VMOs, then <status>' and exits 2 for NO_MEMORY or NO_RESOURCES, 1 otherwise.",
    ending: exits(0)
  },
  {
    name: "thread_flood",
    kind: "hostile",
    description:
      "Creates argv[1] threads (default 1000) in its own process in one burst, never starting them and keeping every handle, prints 'thread_flood: N threads' and exits 0. When one is refused it prints 'thread_flood: N threads, then <status>' and exits 2 for NO_MEMORY or NO_RESOURCES, 1 otherwise.",
    ending: exits(0)
  },
  {
    name: "fork_bomb",
    kind: "hostile",
    description:
      "Starts child processes in a job of its own (a child of its PA_JOB_DEFAULT job, which it needs), each spinning forever on a `j .` it mapped read+execute from a VMO made executable with zx_vmo_replace_as_executable, until argv[1] children (default 20; 0: until the kernel refuses one). Prints 'fork_bomb: N children[, then <status>]', kills its job with every child (with argv[2] \"keep\" it leaves them running: kill a job above it) and exits 0 (all started), 2 (refused with NO_MEMORY or NO_RESOURCES), 3 (another status), 4 (the kill failed) or 1 (set-up failed).",
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
  },
  {
    name: "calls",
    kind: "benchmark",
    description:
      "Call-heavy code: recursive Fibonacci and Ackermann, a recursive-descent expression evaluator and small functions called through pointers, 4 x argv[1] rounds; prints 'calls … checksum=0x…'.",
    ending: exits(0)
  },
  {
    name: "lexer",
    kind: "benchmark",
    description:
      "A switch-dispatched state machine tokenizing 192 KiB of generated C-like text, 4 x argv[1] rounds; prints 'lexer … checksum=0x…'.",
    ending: exits(0)
  },
  {
    name: "lists",
    kind: "benchmark",
    description:
      "Linked lists of 20,000 scattered heap nodes: build, reverse, find, merge-sort, free, 4 x argv[1] rounds; prints 'lists … checksum=0x…'.",
    ending: exits(0)
  },
  {
    name: "bytecode",
    kind: "benchmark",
    description:
      "A stack-machine bytecode interpreter (switch dispatch) running Collatz and digit sums for 1..5,000, argv[1] rounds; prints 'bytecode … checksum=0x…'.",
    ending: exits(0)
  },
  {
    name: "strings",
    kind: "benchmark",
    description:
      "String processing with the C library (memcpy, strcpy, strlen, strchr, strtol, strcmp, qsort) over 4,000 key=value records, 2 x argv[1] rounds; prints 'strings … checksum=0x…'.",
    ending: exits(0)
  },
  {
    name: "hashtable",
    kind: "benchmark",
    description:
      "A chained hash table with 10,000 string keys: insert, look up, delete, reinsert, grow, 2 x argv[1] rounds; prints 'hashtable … checksum=0x…'.",
    ending: exits(0)
  },
  {
    name: "malloc_churn",
    kind: "benchmark",
    description:
      "malloc/free/realloc churn over a window of 4,096 live blocks, 100,000 steps, 2 x argv[1] rounds; prints 'malloc_churn … checksum=0x…'.",
    ending: exits(0)
  },
  {
    name: "nbody",
    kind: "benchmark",
    description:
      "Double-precision n-body simulation of five bodies (+ - * / and sqrt only), 100,000 x argv[1] steps; prints 'nbody … checksum=0x…' (the bits of the final energy and positions).",
    ending: exits(0)
  },
  {
    name: "hello_dynamic",
    kind: "dynamic",
    description:
      "hello, dynamically linked (PT_INTERP ld.so.1; needs libfoo.so, which needs libbar.so, from the loader): checks libfoo with foo_self_test, then prints exactly what hello prints. 1 and a message on stderr when the self-test fails; ld.so.1's 127 when a library or symbol is missing.",
    ending: exits(0)
  },
  {
    name: "process_builder_test_util",
    kind: "dynamic",
    description:
      "The seed's test util (PT_INTERP ld.so.1; needs libfoo.so): serves test.processbuilder.Util in the fuchsia.io directory it serves on its DirectoryRequest handle (GetArguments, GetArgumentCount, GetEnvironment, GetEnvironmentCount, DumpNamespace, ReadFile, GetLifecycleKoid), at most 10 connections at once, and exits 0 once the directory channel and every connection are closed. 2 without a DirectoryRequest handle, 3 when libfoo's self-test fails.",
    ending: exits(0)
  },
  {
    name: "write_relro",
    kind: "dynamic",
    description:
      "Writes into its own RELRO (a pointer in .data.rel.ro that ld.so.1 filled in by relocation and then made read-only; PT_INTERP ld.so.1, needs libfoo.so): killed by the kernel; exits 1 if the write went through.",
    ending: killed
  },
  {
    name: "files",
    kind: "program",
    printf: "double",
    description:
      "POSIX files over fuchsia.io: with a read-write directory at argv[1] (default /data) and a read-only one at argv[2] (default /ro, holding a file `hello.txt` with `hello\\n`), runs open/read/write/lseek/fstat/stat/rename/unlink/mkdir/rmdir/opendir/readdir/getcwd/chdir, stdio's fopen/fprintf/fscanf/fclose/remove, and one call per errno it checks (ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EACCES, EBADF, ESPIPE, EXDEV, ENAMETOOLONG, EINVAL), printing one line per step and leaving argv[1] as it found it. Exits 0; 1 on the first step that does not behave (the line says which).",
    ending: exits(0)
  },
  {
    name: "write_tree",
    kind: "program",
    description:
      "Reads lines from stdin and creates what they say below the directory argv[1]: `d PATH` a directory (mkdir), `f PATH HEX` a file holding the bytes HEX (open O_CREAT|O_EXCL, write, close). Exits 0; 1 (and the failing line with strerror on stderr) on a failure.",
    ending: exits(0)
  },
  {
    name: "floats",
    kind: "program",
    printf: "double",
    description:
      "printf and scanf with doubles: prints `3.142 6.022141e+23 1e-300 0x1p+0`, `   -2.5000|0.12    |+2`, `1500.0 float ok`, then prints with %.17g and reads back with sscanf(\"%lf\") ten fixed values and argv[1] (default 2000) values of random bits, each of which must come back bit for bit, and prints `floats: <n> round trips`. Exits 0; 1 on a mismatch.",
    ending: exits(0)
  },
  {
    name: "crash",
    kind: "program",
    description:
      "Ends as argv[1] says: `abort` (the default) calls abort(), `assert` fails an assert (picolibc prints the assertion on stderr first), `segv` raises SIGSEGV: each ends the process as an unhandled exception does (-1028); `raise` raises SIGTERM, ended as by task_kill (-1024); `handled` raises SIGUSR1 with a handler installed, prints `handled <SIGUSR1>` and exits 0.",
    ending: killed
  },
  {
    name: "clocks",
    kind: "program",
    description:
      "Prints `time S`, `gettimeofday S US`, `realtime NS`, `monotonic NS` (time, gettimeofday, clock_gettime REALTIME and MONOTONIC), sleeps argv[1] milliseconds (default 0; sleep, usleep and nanosleep), then prints `slept NS` (the monotonic time that passed) and `clock TICKS` (clock(): the thread's CPU time). Exits 0; 1 when a clock call fails.",
    ending: exits(0)
  },
  {
    name: "recurse",
    kind: "program",
    description:
      "Recurses argv[1] calls deep (default 10000), each frame holding a 256-byte buffer, and prints `depth=<n> sum=<s>`. 10,000 frames need more than the default 256 KiB stack: with it the guard page stops the program (killed, -1028); with a 4 MiB minimum stack (ProcessBuilder.setMinStackSize, `zxsim run --stack 4M`) it exits 0.",
    ending: killed
  },
  {
    name: "pthreads",
    kind: "program",
    description:
      "POSIX and C11 threads, one line per check: producers and consumers (argv[1] items per producer, default 2000) through a bounded queue under a mutex and two condition variables, recursive and error-checking mutexes, pthread_once, keys with destructors, a timed wait that times out, detached threads, pthread_exit's value, errno per thread, C11 thrd/mtx/cnd/call_once/tss, and threads printing whole lines (flockfile). Prints `pthreads: ok` and exits 0; 1 when a check fails.",
    ending: exits(0)
  },
  {
    name: "exit_flush",
    kind: "program",
    description:
      "Writes `fopen <argv[2]>` into the file argv[2] opened with fopen, and `fdopen` into a stream fdopen'd over a duplicate of descriptor 1, neither ending in a newline nor flushed nor closed, then calls exit(3): from main (argv[1] `main`, the default) or from a second thread while main waits in pthread_join (`thread`). exit must write both out. Exits 3; 1 when a call fails.",
    ending: exits(3)
  },
  {
    name: "numeric",
    kind: "program",
    printf: "double",
    description:
      "Floating-point work printed exactly with %a: `exact …` lines from + - * / and sqrt only (arithmetic on fixed operands, sqrt across the exponents, five-body leapfrog steps, an 8 x 8 LU factorization with partial pivoting and a solve), which every IEEE 754 machine computes bit for bit, then `libm …` lines sampling exp, log, sin, cos, atan2 and pow across their domains. Exits 0.",
    ending: exits(0)
  },
  {
    name: "allocator",
    kind: "program",
    description:
      "Checks the C library's allocator, one `ok …`/`FAILED …` line per check: calloc zeroes blocks used and freed before (small and large), live blocks never overlap and keep their contents through argv[1] random malloc/calloc/realloc/free steps (default 20000), realloc keeps contents while growing and shrinking, memalign/aligned_alloc/posix_memalign align, malloc_usable_size covers the request, impossible sizes give NULL with ENOMEM. Prints `allocator: ok` and exits 0; 1 when a check fails.",
    ending: exits(0)
  }
]

/**
 * Every prebuilt program with its description and expected ending (sources: `src-c/<name>.c`).
 *
 * @since 0.1.0
 * @category utils
 */
export const guests: ReadonlyArray<Guest> = entries.map((g) => ({ ...g, printf: g.printf ?? "integer" }))

/**
 * The name of a prebuilt runtime file: the dynamic linker or a shared library.
 *
 * @since 0.1.0
 * @category models
 */
export type LibraryName = "ld.so.1" | "libfoo.so" | "libbar.so"

/**
 * One prebuilt runtime file of the dynamically linked programs, served to them by a loader.
 *
 * @since 0.1.0
 * @category models
 */
export interface Library {
  readonly name: LibraryName
  /** The dynamic linker (the builder fetches it for PT_INTERP) or a shared library (ld.so.1 fetches it for DT_NEEDED). */
  readonly kind: "dynamic-linker" | "shared-library"
  readonly description: string
}

/**
 * The runtime files in bin/, every one a loader must serve for the `dynamic` programs to run
 * (`libzircon.so` is not among them: ld.so.1 binds it to the vDSO the process already has).
 *
 * @since 0.1.0
 * @category utils
 */
export const libraries: ReadonlyArray<Library> = [
  {
    name: "ld.so.1",
    kind: "dynamic-linker",
    description:
      "The dynamic linker: maps the executable and its DT_NEEDED libraries (fetched through fuchsia.ldsvc.Loader; libzircon.so is the vDSO), applies RELA, REL, RELR and JUMP_SLOT relocations, runs the libraries' initializers and starts the program. Exits 127 with a message on stderr when a library or symbol is missing; LD_DEBUG lists what it loads."
  },
  {
    name: "libfoo.so",
    kind: "shared-library",
    description:
      "An ordinary shared library (RELA, DT_HASH only; needs libbar.so and libzircon.so): foo_self_test, foo_length, foo_version."
  },
  {
    name: "libbar.so",
    kind: "shared-library",
    description:
      "libfoo's dependency (REL with implicit addends, for its PLT too; RELR; DT_GNU_HASH only; needs libzircon.so; a constructor calling the vDSO): bar_word, bar_text, bar_initialized."
  }
]

/**
 * The names of the runtime files in bin/.
 *
 * @since 0.1.0
 * @category utils
 */
export const libraryNames: ReadonlyArray<LibraryName> = libraries.map((l) => l.name)

/**
 * The description of one program.
 *
 * @since 0.1.0
 * @category utils
 */
export const guest = (name: Name): Guest => guests.find((g) => g.name === name)!

/**
 * The directory holding the prebuilt programs, as a `file:` URL: the package's `bin/`, found from
 * this module's place in the package (`src/Guests.ts` in the repository, `dist/esm/Guests.js` in
 * the published build), so it holds from any working directory.
 *
 * @since 0.1.0
 * @category utils
 */
export const binUrl: URL = new URL(
  new URL(".", import.meta.url).pathname.endsWith("/dist/esm/") ? "../../bin/" : "../bin/",
  import.meta.url
)

/**
 * The `file:` URL of a prebuilt program.
 *
 * @since 0.1.0
 * @category utils
 */
export const url = (name: Name): URL => new URL(name, binUrl)

/**
 * The file-system path of a `file:` URL, without Node's `url` module (this module stays
 * platform-free): percent-decoded, and without the leading `/` before a Windows drive letter.
 */
const pathOfFileUrl = (fileUrl: URL): string => {
  const decoded = decodeURIComponent(fileUrl.pathname)
  return /^\/[A-Za-z]:\//.test(decoded) ? decoded.slice(1) : decoded
}

/**
 * The directory holding the prebuilt programs.
 *
 * @since 0.1.0
 * @category utils
 */
export const binDirectory: string = pathOfFileUrl(binUrl)

/**
 * The file-system path of a prebuilt program.
 *
 * @since 0.1.0
 * @category utils
 */
export const path = (name: Name): string => pathOfFileUrl(url(name))

/**
 * Every prebuilt program's path, by name.
 *
 * @since 0.1.0
 * @category utils
 */
export const paths: Readonly<Record<Name, string>> = Object.fromEntries(names.map((n) => [n, path(n)])) as Record<
  Name,
  string
>

/**
 * The file-system path of a prebuilt runtime file (the dynamic linker or a shared library).
 *
 * @since 0.1.0
 * @category utils
 */
export const libraryPath = (name: LibraryName): string => pathOfFileUrl(new URL(name, binUrl))

/**
 * Reads a prebuilt runtime file.
 *
 * @since 0.1.0
 * @category utils
 */
export const readLibrary = (name: LibraryName): Effect.Effect<Uint8Array, PlatformError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFile(libraryPath(name))).pipe(
    Effect.withSpan("Guests.readLibrary", { attributes: { name } })
  )

/**
 * Whether a string is the name of a prebuilt program.
 *
 * @since 0.1.0
 * @category guards
 */
export const isName = (name: string): name is Name => (names as ReadonlyArray<string>).includes(name)

/**
 * Reads a prebuilt program's ELF file.
 *
 * @since 0.1.0
 * @category utils
 */
export const read = (name: Name): Effect.Effect<Uint8Array, PlatformError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFile(path(name))).pipe(
    Effect.withSpan("Guests.read", { attributes: { name } })
  )
