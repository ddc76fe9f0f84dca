/**
 * The syscall table: the one source of truth for every syscall a guest can make — its name,
 * number, C parameters and result. The vDSO (`libzircon.so`, one stub per entry that loads the
 * number into t0 and executes `ecall`), the guest C header (`<zircon/syscalls.h>`) and the
 * kernel's dispatcher are all generated from or checked against this table.
 *
 * Syscall numbers are private to this kernel and its vDSO (Zircon's are generated per build too);
 * guests reach syscalls only through the vDSO's `zx_*` functions.
 *
 * @since 0.1.0
 */

/**
 * A C parameter of a syscall.
 *
 * @since 0.1.0
 * @category models
 */
export interface Param {
  readonly name: string
  /** The parameter's C type, as written in the generated header. */
  readonly type: string
}

/**
 * One syscall.
 *
 * @since 0.1.0
 * @category models
 */
export interface Syscall {
  /** The name without prefix: the vDSO exports `_zx_<name>` and `zx_<name>`. */
  readonly name: string
  /** The number the stub puts in t0 (the index in {@link table}). */
  readonly number: number
  readonly params: ReadonlyArray<Param>
  /** The C result type: `zx_status_t` for most, a value for a few, `void` for those that never return. */
  readonly result: string
  /** Whether the call never returns to the caller. */
  readonly noreturn: boolean
  /** What the call does, one line, for the generated header. */
  readonly doc: string
}

const p = (name: string, type: string): Param => ({ name, type })

type Entry = Omit<Syscall, "number" | "noreturn"> & { readonly noreturn?: boolean }

const entries: ReadonlyArray<Entry> = [
  { name: "handle_close", params: [p("handle", "zx_handle_t")], result: "zx_status_t", doc: "Closes a handle." },
  {
    name: "handle_close_many",
    params: [p("handles", "const zx_handle_t*"), p("num_handles", "size_t")],
    result: "zx_status_t",
    doc: "Closes several handles."
  },
  {
    name: "handle_duplicate",
    params: [p("handle", "zx_handle_t"), p("rights", "zx_rights_t"), p("out", "zx_handle_t*")],
    result: "zx_status_t",
    doc: "Duplicates a handle with the same or fewer rights."
  },
  {
    name: "handle_replace",
    params: [p("handle", "zx_handle_t"), p("rights", "zx_rights_t"), p("out", "zx_handle_t*")],
    result: "zx_status_t",
    doc: "Replaces a handle by one with the same or fewer rights."
  },
  {
    name: "object_wait_one",
    params: [
      p("handle", "zx_handle_t"),
      p("signals", "zx_signals_t"),
      p("deadline", "zx_time_t"),
      p("observed", "zx_signals_t*")
    ],
    result: "zx_status_t",
    doc: "Waits for any of the signals on an object, until the deadline."
  },
  {
    name: "object_signal",
    params: [p("handle", "zx_handle_t"), p("clear_mask", "uint32_t"), p("set_mask", "uint32_t")],
    result: "zx_status_t",
    doc: "Clears and sets user signals on an object."
  },
  {
    name: "object_get_info",
    params: [
      p("handle", "zx_handle_t"),
      p("topic", "uint32_t"),
      p("buffer", "void*"),
      p("buffer_size", "size_t"),
      p("actual", "size_t*"),
      p("avail", "size_t*")
    ],
    result: "zx_status_t",
    doc: "Reads information about an object (HANDLE_VALID, HANDLE_BASIC, PROCESS, VMAR)."
  },
  {
    name: "object_get_property",
    params: [p("handle", "zx_handle_t"), p("property", "uint32_t"), p("value", "void*"), p("value_size", "size_t")],
    result: "zx_status_t",
    doc: "Reads a property of an object (NAME, VMO_CONTENT_SIZE)."
  },
  {
    name: "object_set_property",
    params: [
      p("handle", "zx_handle_t"),
      p("property", "uint32_t"),
      p("value", "const void*"),
      p("value_size", "size_t")
    ],
    result: "zx_status_t",
    doc: "Sets a property of an object (NAME)."
  },
  {
    name: "channel_create",
    params: [p("options", "uint32_t"), p("out0", "zx_handle_t*"), p("out1", "zx_handle_t*")],
    result: "zx_status_t",
    doc: "Creates a channel."
  },
  {
    name: "channel_read",
    params: [
      p("handle", "zx_handle_t"),
      p("options", "uint32_t"),
      p("bytes", "void*"),
      p("handles", "zx_handle_t*"),
      p("num_bytes", "uint32_t"),
      p("num_handles", "uint32_t"),
      p("actual_bytes", "uint32_t*"),
      p("actual_handles", "uint32_t*")
    ],
    result: "zx_status_t",
    doc: "Reads a message from a channel."
  },
  {
    name: "channel_write",
    params: [
      p("handle", "zx_handle_t"),
      p("options", "uint32_t"),
      p("bytes", "const void*"),
      p("num_bytes", "uint32_t"),
      p("handles", "const zx_handle_t*"),
      p("num_handles", "uint32_t")
    ],
    result: "zx_status_t",
    doc: "Writes a message to a channel; the handles are consumed."
  },
  {
    name: "channel_call",
    params: [
      p("handle", "zx_handle_t"),
      p("options", "uint32_t"),
      p("deadline", "zx_time_t"),
      p("args", "const zx_channel_call_args_t*"),
      p("actual_bytes", "uint32_t*"),
      p("actual_handles", "uint32_t*")
    ],
    result: "zx_status_t",
    doc: "Writes a request and waits for the reply with the same transaction id."
  },
  {
    name: "socket_create",
    params: [p("options", "uint32_t"), p("out0", "zx_handle_t*"), p("out1", "zx_handle_t*")],
    result: "zx_status_t",
    doc: "Creates a stream socket."
  },
  {
    name: "socket_write",
    params: [
      p("handle", "zx_handle_t"),
      p("options", "uint32_t"),
      p("buffer", "const void*"),
      p("buffer_size", "size_t"),
      p("actual", "size_t*")
    ],
    result: "zx_status_t",
    doc: "Writes to a socket as much as fits."
  },
  {
    name: "socket_read",
    params: [
      p("handle", "zx_handle_t"),
      p("options", "uint32_t"),
      p("buffer", "void*"),
      p("buffer_size", "size_t"),
      p("actual", "size_t*")
    ],
    result: "zx_status_t",
    doc: "Reads from a socket."
  },
  {
    name: "vmo_create",
    params: [p("size", "uint64_t"), p("options", "uint32_t"), p("out", "zx_handle_t*")],
    result: "zx_status_t",
    doc: "Creates a VMO."
  },
  {
    name: "vmo_read",
    params: [p("handle", "zx_handle_t"), p("buffer", "void*"), p("offset", "uint64_t"), p("buffer_size", "size_t")],
    result: "zx_status_t",
    doc: "Reads bytes from a VMO."
  },
  {
    name: "vmo_write",
    params: [
      p("handle", "zx_handle_t"),
      p("buffer", "const void*"),
      p("offset", "uint64_t"),
      p("buffer_size", "size_t")
    ],
    result: "zx_status_t",
    doc: "Writes bytes to a VMO."
  },
  {
    name: "vmo_get_size",
    params: [p("handle", "zx_handle_t"), p("size", "uint64_t*")],
    result: "zx_status_t",
    doc: "Reads a VMO's size."
  },
  {
    name: "vmo_set_size",
    params: [p("handle", "zx_handle_t"), p("size", "uint64_t")],
    result: "zx_status_t",
    doc: "Resizes a resizable VMO."
  },
  {
    name: "vmo_create_child",
    params: [
      p("handle", "zx_handle_t"),
      p("options", "uint32_t"),
      p("offset", "uint64_t"),
      p("size", "uint64_t"),
      p("out", "zx_handle_t*")
    ],
    result: "zx_status_t",
    doc: "Creates a copy-on-write child of a VMO."
  },
  {
    name: "vmo_replace_as_executable",
    params: [p("handle", "zx_handle_t"), p("vmex", "zx_handle_t"), p("out", "zx_handle_t*")],
    result: "zx_status_t",
    doc: "Replaces a VMO handle by one that also has the EXECUTE right."
  },
  {
    name: "vmar_allocate",
    params: [
      p("parent_vmar", "zx_handle_t"),
      p("options", "zx_vm_option_t"),
      p("offset", "size_t"),
      p("size", "size_t"),
      p("child_vmar", "zx_handle_t*"),
      p("child_addr", "zx_vaddr_t*")
    ],
    result: "zx_status_t",
    doc: "Allocates a child VMAR."
  },
  {
    name: "vmar_map",
    params: [
      p("handle", "zx_handle_t"),
      p("options", "zx_vm_option_t"),
      p("vmar_offset", "size_t"),
      p("vmo", "zx_handle_t"),
      p("vmo_offset", "uint64_t"),
      p("len", "size_t"),
      p("mapped_addr", "zx_vaddr_t*")
    ],
    result: "zx_status_t",
    doc: "Maps a VMO into a VMAR."
  },
  {
    name: "vmar_unmap",
    params: [p("handle", "zx_handle_t"), p("addr", "zx_vaddr_t"), p("len", "size_t")],
    result: "zx_status_t",
    doc: "Unmaps a range of a VMAR."
  },
  {
    name: "vmar_protect",
    params: [p("handle", "zx_handle_t"), p("options", "zx_vm_option_t"), p("addr", "zx_vaddr_t"), p("len", "size_t")],
    result: "zx_status_t",
    doc: "Changes the permissions of a mapped range."
  },
  {
    name: "vmar_destroy",
    params: [p("handle", "zx_handle_t")],
    result: "zx_status_t",
    doc: "Destroys a VMAR and everything in it."
  },
  {
    name: "process_create",
    params: [
      p("job", "zx_handle_t"),
      p("name", "const char*"),
      p("name_size", "size_t"),
      p("options", "uint32_t"),
      p("proc_handle", "zx_handle_t*"),
      p("vmar_handle", "zx_handle_t*")
    ],
    result: "zx_status_t",
    doc: "Creates a process and its root VMAR."
  },
  {
    name: "process_start",
    params: [
      p("handle", "zx_handle_t"),
      p("thread", "zx_handle_t"),
      p("entry", "zx_vaddr_t"),
      p("stack", "zx_vaddr_t"),
      p("arg1", "zx_handle_t"),
      p("arg2", "uintptr_t")
    ],
    result: "zx_status_t",
    doc: "Starts a process's first thread; arg1 moves into the process."
  },
  {
    name: "process_exit",
    params: [p("retcode", "int64_t")],
    result: "void",
    noreturn: true,
    doc: "Exits the calling process with a return code."
  },
  {
    name: "thread_create",
    params: [
      p("process", "zx_handle_t"),
      p("name", "const char*"),
      p("name_size", "size_t"),
      p("options", "uint32_t"),
      p("out", "zx_handle_t*")
    ],
    result: "zx_status_t",
    doc: "Creates a thread in a process."
  },
  {
    name: "thread_start",
    params: [
      p("handle", "zx_handle_t"),
      p("thread_entry", "zx_vaddr_t"),
      p("stack", "zx_vaddr_t"),
      p("arg1", "uintptr_t"),
      p("arg2", "uintptr_t")
    ],
    result: "zx_status_t",
    doc: "Starts a thread of a running process."
  },
  { name: "thread_exit", params: [], result: "void", noreturn: true, doc: "Exits the calling thread." },
  {
    name: "task_kill",
    params: [p("handle", "zx_handle_t")],
    result: "zx_status_t",
    doc: "Kills a process, thread or job."
  },
  {
    name: "job_create",
    params: [p("parent_job", "zx_handle_t"), p("options", "uint32_t"), p("out", "zx_handle_t*")],
    result: "zx_status_t",
    doc: "Creates a child job."
  },
  { name: "clock_get_monotonic", params: [], result: "zx_time_t", doc: "Reads the monotonic clock (ns)." },
  {
    name: "nanosleep",
    params: [p("deadline", "zx_time_t")],
    result: "zx_status_t",
    doc: "Sleeps until the monotonic deadline."
  },
  {
    name: "cprng_draw",
    params: [p("buffer", "void*"), p("buffer_size", "size_t")],
    result: "void",
    doc: "Fills a buffer with random bytes."
  },
  { name: "system_get_page_size", params: [], result: "uint32_t", doc: "The page size." },
  {
    name: "object_wait_many",
    params: [p("items", "zx_wait_item_t*"), p("num_items", "size_t"), p("deadline", "zx_time_t")],
    result: "zx_status_t",
    doc: "Waits until any item's signals are pending, until the deadline; writes every item's pending signals."
  },
  {
    name: "event_create",
    params: [p("options", "uint32_t"), p("out", "zx_handle_t*")],
    result: "zx_status_t",
    doc: "Creates an event: an object that is only signals (SIGNALED and the user signals)."
  },
  {
    name: "eventpair_create",
    params: [p("options", "uint32_t"), p("out0", "zx_handle_t*"), p("out1", "zx_handle_t*")],
    result: "zx_status_t",
    doc: "Creates an event pair: two ends that signal each other and see PEER_CLOSED."
  },
  {
    name: "object_signal_peer",
    params: [p("handle", "zx_handle_t"), p("clear_mask", "uint32_t"), p("set_mask", "uint32_t")],
    result: "zx_status_t",
    doc: "Clears and sets signals on the other end of a channel, socket or event pair."
  },
  {
    name: "futex_wait",
    params: [
      p("value_ptr", "const zx_futex_t*"),
      p("current_value", "zx_futex_t"),
      p("new_futex_owner", "zx_handle_t"),
      p("deadline", "zx_time_t")
    ],
    result: "zx_status_t",
    doc: "Waits on the futex at value_ptr while it holds current_value, until woken or the deadline."
  },
  {
    name: "futex_wake",
    params: [p("value_ptr", "const zx_futex_t*"), p("wake_count", "uint32_t")],
    result: "zx_status_t",
    doc: "Wakes up to wake_count threads waiting on the futex at value_ptr, in the order they began waiting."
  },
  {
    name: "task_create_exception_channel",
    params: [p("handle", "zx_handle_t"), p("options", "uint32_t"), p("out", "zx_handle_t*")],
    result: "zx_status_t",
    doc:
      "Binds an exception channel to a thread, process or job; exceptions arrive as zx_exception_info_t plus an exception handle."
  },
  {
    name: "exception_get_thread",
    params: [p("handle", "zx_handle_t"), p("out", "zx_handle_t*")],
    result: "zx_status_t",
    doc: "A handle to the thread stopped in an exception."
  },
  {
    name: "exception_get_process",
    params: [p("handle", "zx_handle_t"), p("out", "zx_handle_t*")],
    result: "zx_status_t",
    doc: "A handle to the process of the thread stopped in an exception (not through a thread's channel)."
  },
  {
    name: "thread_read_state",
    params: [p("handle", "zx_handle_t"), p("kind", "uint32_t"), p("buffer", "void*"), p("buffer_size", "size_t")],
    result: "zx_status_t",
    doc: "Reads the registers (GENERAL_REGS or FP_REGS) of a thread stopped in an exception."
  },
  {
    name: "thread_write_state",
    params: [p("handle", "zx_handle_t"), p("kind", "uint32_t"), p("buffer", "const void*"), p("buffer_size", "size_t")],
    result: "zx_status_t",
    doc: "Writes the registers (GENERAL_REGS or FP_REGS) of a thread stopped in an exception."
  },
  {
    name: "job_set_policy",
    params: [
      p("handle", "zx_handle_t"),
      p("options", "uint32_t"),
      p("topic", "uint32_t"),
      p("policy", "const void*"),
      p("count", "uint32_t")
    ],
    result: "zx_status_t",
    doc:
      "Adds job policy entries (BASIC_V1 or BASIC_V2), RELATIVE or ABSOLUTE; only on a job with no children or processes."
  },
  {
    name: "clock_get",
    params: [p("clock_id", "uint32_t"), p("out", "zx_time_t*")],
    result: "zx_status_t",
    doc:
      "Reads a clock (ns): ZX_CLOCK_MONOTONIC, ZX_CLOCK_UTC (since the Unix epoch) or ZX_CLOCK_THREAD (the caller's CPU time)."
  }
]

/**
 * Every syscall, in number order.
 *
 * @since 0.1.0
 * @category utils
 */
export const table: ReadonlyArray<Syscall> = entries.map((e, number) => ({
  name: e.name,
  number,
  params: e.params,
  result: e.result,
  noreturn: e.noreturn ?? false,
  doc: e.doc
}))

/**
 * The syscall with this name.
 *
 * @since 0.1.0
 * @category utils
 */
export const byName = (name: string): Syscall | undefined => table.find((s) => s.name === name)

/**
 * The number of the syscall with this name; throws for an unknown name (a programming error).
 *
 * @since 0.1.0
 * @category utils
 */
export const numberOf = (name: string): number => {
  const s = byName(name)
  if (s === undefined) throw new Error(`unknown syscall ${name}`)
  return s.number
}

/**
 * Topics of `object_get_info`.
 *
 * @since 0.1.0
 * @category utils
 */
export const InfoTopic = {
  HANDLE_VALID: 1,
  HANDLE_BASIC: 2,
  PROCESS: 3 | (1 << 28),
  VMAR: 7,
  THREAD_EXCEPTION_REPORT: 11 | (1 << 28),
  /** A thread's CPU time: `zx_info_thread_stats_t`. */
  THREAD_STATS: 15,
  /** A thread's, process's or job's CPU time, with queue time: `zx_info_task_runtime_v1_t`. */
  TASK_RUNTIME_V1: 30,
  /** The same with page-fault and lock-contention time: `zx_info_task_runtime_t`. */
  TASK_RUNTIME: 30 | (1 << 28)
} as const

/**
 * Properties of `object_get_property` / `object_set_property`.
 *
 * @since 0.1.0
 * @category utils
 */
export const Property = {
  NAME: 3,
  EXCEPTION_STATE: 16,
  VMO_CONTENT_SIZE: 17
} as const
