/**
 * The guest C header, `<zircon/syscalls.h>`, generated from the syscall table and the kernel's
 * constants, so guest programs, the vDSO and the kernel cannot disagree about a prototype or a
 * number. The guest build writes it into the sysroot; a test checks it against the table.
 *
 * @since 0.1.0
 */
import * as Exception from "./Exception.js"
import { ObjectType } from "./ObjectType.js"
import { Rights } from "./Rights.js"
import * as RightsMod from "./Rights.js"
import { Signals } from "./Signals.js"
import { Status } from "./Status.js"
import { InfoTopic, Property, table } from "./Syscalls.js"
import {
  PolicyAction,
  PolicyCondition,
  PolicyMode,
  PolicyOverride,
  PolicyTopic,
  ProcessInfoFlags,
  TaskReturnCode
} from "./Task.js"
import { VmoChildOption, VmoOption, VmOption } from "./VmOptions.js"

const hex = (n: number) => `0x${(n >>> 0).toString(16).toUpperCase()}u`

/**
 * The C prototype of a syscall, as declared in the header (`zx_status_t zx_vmo_create(...)`).
 *
 * @since 0.1.0
 * @category utils
 */
export const prototype = (name: string, prefix = "zx_"): string => {
  const s = table.find((e) => e.name === name)
  if (s === undefined) throw new Error(`unknown syscall ${name}`)
  const params = s.params.length === 0 ? "void" : s.params.map((p) => `${p.type} ${p.name}`).join(", ")
  return `${s.noreturn ? "__attribute__((noreturn)) " : ""}${s.result} ${prefix}${s.name}(${params})`
}

/**
 * The text of `<zircon/syscalls.h>`.
 *
 * @since 0.1.0
 * @category utils
 */
export const syscallsHeader = (): string => {
  const lines: Array<string> = []
  const define = (name: string, value: string) => lines.push(`#define ${name} ${value}`)
  lines.push(
    "// Generated from @zxsim/kernel's syscall table and constants. Do not edit.",
    "#ifndef ZIRCON_SYSCALLS_H_",
    "#define ZIRCON_SYSCALLS_H_",
    "",
    "#include <stddef.h>",
    "#include <stdint.h>",
    "",
    "typedef int32_t zx_status_t;",
    "typedef uint32_t zx_handle_t;",
    "typedef uint32_t zx_rights_t;",
    "typedef uint32_t zx_signals_t;",
    "typedef uint32_t zx_vm_option_t;",
    "typedef uint32_t zx_obj_type_t;",
    "typedef int64_t zx_time_t;",
    "typedef int64_t zx_duration_t;",
    "typedef uint64_t zx_koid_t;",
    "typedef uintptr_t zx_vaddr_t;",
    "typedef uint64_t zx_off_t;",
    "typedef int32_t zx_futex_t;",
    "",
    "typedef struct zx_channel_call_args {",
    "  const void* wr_bytes;",
    "  const zx_handle_t* wr_handles;",
    "  void* rd_bytes;",
    "  zx_handle_t* rd_handles;",
    "  uint32_t wr_num_bytes;",
    "  uint32_t wr_num_handles;",
    "  uint32_t rd_num_bytes;",
    "  uint32_t rd_num_handles;",
    "} zx_channel_call_args_t;",
    "",
    "typedef struct zx_wait_item {",
    "  zx_handle_t handle;",
    "  zx_signals_t waitfor;",
    "  zx_signals_t pending;",
    "} zx_wait_item_t;",
    "",
    "typedef struct zx_info_handle_basic {",
    "  zx_koid_t koid;",
    "  zx_rights_t rights;",
    "  zx_obj_type_t type;",
    "  zx_koid_t related_koid;",
    "  uint32_t reserved;",
    "  uint8_t padding1[4];",
    "} zx_info_handle_basic_t;",
    "",
    "typedef struct zx_info_process {",
    "  int64_t return_code;",
    "  zx_time_t start_time;",
    "  uint32_t flags;",
    "  uint8_t padding1[4];",
    "} zx_info_process_t;",
    "",
    "typedef struct zx_info_vmar {",
    "  uintptr_t base;",
    "  size_t len;",
    "} zx_info_vmar_t;",
    "",
    "typedef struct zx_info_thread_stats {",
    "  zx_duration_t total_runtime;",
    "  uint32_t last_scheduled_cpu;",
    "  uint8_t padding1[4];",
    "} zx_info_thread_stats_t;",
    "",
    "typedef struct zx_info_task_runtime_v1 {",
    "  zx_duration_t cpu_time;",
    "  zx_duration_t queue_time;",
    "} zx_info_task_runtime_v1_t;",
    "",
    "typedef struct zx_info_task_runtime {",
    "  zx_duration_t cpu_time;",
    "  zx_duration_t queue_time;",
    "  zx_duration_t page_fault_time;",
    "  zx_duration_t lock_contention_time;",
    "} zx_info_task_runtime_t;",
    ""
  )
  for (const l of Exception.cHeaderLines()) lines.push(l)
  lines.push("")
  define("ZX_HANDLE_INVALID", "((zx_handle_t)0)")
  define("ZX_TIME_INFINITE", "INT64_MAX")
  define("ZX_KOID_INVALID", "((zx_koid_t)0)")
  define("ZX_PAGE_SIZE", "4096")
  define("ZX_CHANNEL_MAX_MSG_BYTES", "65536u")
  define("ZX_CHANNEL_MAX_MSG_HANDLES", "64u")
  define("ZX_CHANNEL_READ_MAY_DISCARD", "1u")
  define("ZX_MAX_NAME_LEN", "32")
  define("ZX_CPRNG_DRAW_MAX_LEN", "256")
  define("ZX_WAIT_MANY_MAX_ITEMS", "64")
  define("ZX_CLOCK_MONOTONIC", "0u")
  define("ZX_CLOCK_UTC", "1u")
  define("ZX_CLOCK_THREAD", "2u")
  lines.push("")
  for (const [name, value] of Object.entries(Status)) define(name === "OK" ? "ZX_OK" : `ZX_ERR_${name}`, `(${value})`)
  lines.push("")
  for (const [name, value] of Object.entries(Rights)) define(`ZX_RIGHT_${name}`, `((zx_rights_t)${hex(value)})`)
  define("ZX_DEFAULT_CHANNEL_RIGHTS", `((zx_rights_t)${hex(RightsMod.DEFAULT_CHANNEL)})`)
  define("ZX_DEFAULT_VMO_RIGHTS", `((zx_rights_t)${hex(RightsMod.DEFAULT_VMO)})`)
  define("ZX_DEFAULT_EVENT_RIGHTS", `((zx_rights_t)${hex(RightsMod.DEFAULT_EVENT)})`)
  define("ZX_DEFAULT_EVENTPAIR_RIGHTS", `((zx_rights_t)${hex(RightsMod.DEFAULT_EVENTPAIR)})`)
  lines.push("")
  for (const [name, value] of Object.entries(Signals)) {
    // The user signals under Zircon's names (ZX_USER_SIGNAL_0 … _7, ZX_USER_SIGNAL_ALL).
    if (name !== "NONE") {
      define(
        name.startsWith("USER_") ? `ZX_USER_SIGNAL_${name.slice(5)}` : `ZX_${name}`,
        `((zx_signals_t)${hex(value)})`
      )
    }
  }
  define("ZX_EVENTPAIR_PEER_CLOSED", "ZX_OBJECT_PEER_CLOSED")
  lines.push("")
  for (const [name, value] of Object.entries(VmOption)) define(`ZX_VM_${name}`, `((zx_vm_option_t)${hex(value)})`)
  define("ZX_VM_ALIGN_BASE", "24")
  for (const [name, value] of Object.entries(VmoOption)) define(`ZX_VMO_${name}`, hex(value))
  for (const [name, value] of Object.entries(VmoChildOption)) define(`ZX_VMO_CHILD_${name}`, hex(value))
  lines.push("")
  for (const [name, value] of Object.entries(ObjectType)) define(`ZX_OBJ_TYPE_${name}`, `((zx_obj_type_t)${value}u)`)
  for (const [name, value] of Object.entries(InfoTopic)) define(`ZX_INFO_${name}`, hex(value))
  for (const [name, value] of Object.entries(Property)) define(`ZX_PROP_${name}`, `${value}u`)
  for (const [name, value] of Object.entries(ProcessInfoFlags)) define(`ZX_INFO_PROCESS_FLAG_${name}`, hex(value))
  for (const [name, value] of Object.entries(TaskReturnCode)) define(`ZX_TASK_RETCODE_${name}`, `(${value})`)
  for (const [name, value] of Object.entries(PolicyCondition)) define(`ZX_POL_${name}`, `${value}u`)
  for (const [name, value] of Object.entries(PolicyAction)) define(`ZX_POL_ACTION_${name}`, `${value}u`)
  for (const [name, value] of Object.entries(PolicyMode)) define(`ZX_JOB_POL_${name}`, `${value}u`)
  for (const [name, value] of Object.entries(PolicyTopic)) define(`ZX_JOB_POL_${name}`, hex(value))
  for (const [name, value] of Object.entries(PolicyOverride)) define(`ZX_POL_OVERRIDE_${name}`, `${value}u`)
  lines.push("", "#ifdef __cplusplus", "extern \"C\" {", "#endif", "")
  for (const s of table) {
    lines.push(`// ${s.doc}`)
    lines.push(`${prototype(s.name, "zx_")};`)
    lines.push(`${prototype(s.name, "_zx_")};`)
  }
  lines.push("", "#ifdef __cplusplus", "}", "#endif", "", "#endif  // ZIRCON_SYSCALLS_H_", "")
  return lines.join("\n")
}
