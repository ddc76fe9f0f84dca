// Generated from @zxsim/kernel's syscall table and constants. Do not edit.
#ifndef ZIRCON_SYSCALLS_H_
#define ZIRCON_SYSCALLS_H_

#include <stddef.h>
#include <stdint.h>

typedef int32_t zx_status_t;
typedef uint32_t zx_handle_t;
typedef uint32_t zx_rights_t;
typedef uint32_t zx_signals_t;
typedef uint32_t zx_vm_option_t;
typedef uint32_t zx_obj_type_t;
typedef int64_t zx_time_t;
typedef int64_t zx_duration_t;
typedef uint64_t zx_koid_t;
typedef uintptr_t zx_vaddr_t;
typedef uint64_t zx_off_t;
typedef int32_t zx_futex_t;

typedef struct zx_channel_call_args {
  const void* wr_bytes;
  const zx_handle_t* wr_handles;
  void* rd_bytes;
  zx_handle_t* rd_handles;
  uint32_t wr_num_bytes;
  uint32_t wr_num_handles;
  uint32_t rd_num_bytes;
  uint32_t rd_num_handles;
} zx_channel_call_args_t;

typedef struct zx_wait_item {
  zx_handle_t handle;
  zx_signals_t waitfor;
  zx_signals_t pending;
} zx_wait_item_t;

typedef struct zx_info_handle_basic {
  zx_koid_t koid;
  zx_rights_t rights;
  zx_obj_type_t type;
  zx_koid_t related_koid;
  uint32_t reserved;
  uint8_t padding1[4];
} zx_info_handle_basic_t;

typedef struct zx_info_process {
  int64_t return_code;
  zx_time_t start_time;
  uint32_t flags;
  uint8_t padding1[4];
} zx_info_process_t;

typedef struct zx_info_vmar {
  uintptr_t base;
  size_t len;
} zx_info_vmar_t;

typedef struct zx_info_thread_stats {
  zx_duration_t total_runtime;
  uint32_t last_scheduled_cpu;
  uint8_t padding1[4];
} zx_info_thread_stats_t;

typedef struct zx_info_task_runtime_v1 {
  zx_duration_t cpu_time;
  zx_duration_t queue_time;
} zx_info_task_runtime_v1_t;

typedef struct zx_info_task_runtime {
  zx_duration_t cpu_time;
  zx_duration_t queue_time;
  zx_duration_t page_fault_time;
  zx_duration_t lock_contention_time;
} zx_info_task_runtime_t;

typedef uint32_t zx_excp_type_t;

typedef struct zx_exception_info {
  zx_koid_t pid;
  zx_koid_t tid;
  zx_excp_type_t type;
  uint8_t padding1[4];
} zx_exception_info_t;

typedef struct zx_riscv64_exc_data {
  uint64_t cause;
  uint64_t tval;
  uint8_t padding1[8];
} zx_riscv64_exc_data_t;

typedef struct zx_exception_context {
  struct {
    union {
      zx_riscv64_exc_data_t riscv_64;
    } u;
  } arch;
  uint32_t synth_code;
  uint32_t synth_data;
} zx_exception_context_t;

typedef struct zx_exception_header {
  uint32_t size;
  zx_excp_type_t type;
} zx_exception_header_t;

typedef struct zx_exception_report {
  zx_exception_header_t header;
  zx_exception_context_t context;
} zx_exception_report_t;

typedef struct zx_riscv64_thread_state_general_regs {
  uint64_t pc, ra, sp, gp, tp, t0, t1, t2, s0, s1;
  uint64_t a0, a1, a2, a3, a4, a5, a6, a7;
  uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
  uint64_t t3, t4, t5, t6;
} zx_riscv64_thread_state_general_regs_t;
typedef zx_riscv64_thread_state_general_regs_t zx_thread_state_general_regs_t;

typedef struct zx_riscv64_thread_state_fp_regs {
  uint64_t q[32][2];
  uint32_t fcsr;
  uint8_t padding1[12];
} zx_riscv64_thread_state_fp_regs_t;
typedef zx_riscv64_thread_state_fp_regs_t zx_thread_state_fp_regs_t;

typedef struct zx_policy_basic_v1 {
  uint32_t condition;
  uint32_t policy;
} zx_policy_basic_v1_t;

typedef struct zx_policy_basic_v2 {
  uint32_t condition;
  uint32_t action;
  uint32_t flags;
} zx_policy_basic_v2_t;

#define ZX_EXCP_GENERAL ((zx_excp_type_t)0x8u)
#define ZX_EXCP_FATAL_PAGE_FAULT ((zx_excp_type_t)0x108u)
#define ZX_EXCP_UNDEFINED_INSTRUCTION ((zx_excp_type_t)0x208u)
#define ZX_EXCP_SW_BREAKPOINT ((zx_excp_type_t)0x308u)
#define ZX_EXCP_HW_BREAKPOINT ((zx_excp_type_t)0x408u)
#define ZX_EXCP_UNALIGNED_ACCESS ((zx_excp_type_t)0x508u)
#define ZX_EXCP_POLICY_ERROR ((zx_excp_type_t)0x8208u)
#define ZX_EXCP_SYNTH ((zx_excp_type_t)0x8000u)
#define ZX_EXCP_IS_ARCH(excp) (((excp) & ZX_EXCP_SYNTH) == 0)
#define ZX_EXCP_POLICY_CODE_BAD_HANDLE 0u
#define ZX_EXCP_POLICY_CODE_WRONG_OBJECT 1u
#define ZX_EXCP_POLICY_CODE_VMAR_WX 2u
#define ZX_EXCP_POLICY_CODE_NEW_ANY 3u
#define ZX_EXCP_POLICY_CODE_NEW_VMO 4u
#define ZX_EXCP_POLICY_CODE_NEW_CHANNEL 5u
#define ZX_EXCP_POLICY_CODE_NEW_EVENT 6u
#define ZX_EXCP_POLICY_CODE_NEW_EVENTPAIR 7u
#define ZX_EXCP_POLICY_CODE_NEW_PORT 8u
#define ZX_EXCP_POLICY_CODE_NEW_SOCKET 9u
#define ZX_EXCP_POLICY_CODE_NEW_FIFO 10u
#define ZX_EXCP_POLICY_CODE_NEW_TIMER 11u
#define ZX_EXCP_POLICY_CODE_NEW_PROCESS 12u
#define ZX_EXCP_POLICY_CODE_NEW_PROFILE 13u
#define ZX_EXCP_POLICY_CODE_NEW_PAGER 14u
#define ZX_EXCP_POLICY_CODE_AMBIENT_MARK_VMO_EXEC 15u
#define ZX_EXCP_POLICY_CODE_CHANNEL_FULL_WRITE 16u
#define ZX_EXCP_POLICY_CODE_PORT_TOO_MANY_PACKETS 17u
#define ZX_EXCP_POLICY_CODE_BAD_SYSCALL 18u
#define ZX_EXCEPTION_STATE_TRY_NEXT 0u
#define ZX_EXCEPTION_STATE_HANDLED 1u
#define ZX_EXCEPTION_STATE_THREAD_EXIT 2u
#define ZX_EXCEPTION_CHANNEL_DEBUGGER 1u
#define ZX_THREAD_STATE_GENERAL_REGS 0u
#define ZX_THREAD_STATE_FP_REGS 1u

#define ZX_HANDLE_INVALID ((zx_handle_t)0)
#define ZX_TIME_INFINITE INT64_MAX
#define ZX_KOID_INVALID ((zx_koid_t)0)
#define ZX_PAGE_SIZE 4096
#define ZX_CHANNEL_MAX_MSG_BYTES 65536u
#define ZX_CHANNEL_MAX_MSG_HANDLES 64u
#define ZX_CHANNEL_READ_MAY_DISCARD 1u
#define ZX_MAX_NAME_LEN 32
#define ZX_CPRNG_DRAW_MAX_LEN 256
#define ZX_WAIT_MANY_MAX_ITEMS 64
#define ZX_CLOCK_MONOTONIC 0u
#define ZX_CLOCK_UTC 1u
#define ZX_CLOCK_THREAD 2u

#define ZX_OK (0)
#define ZX_ERR_INTERNAL (-1)
#define ZX_ERR_NOT_SUPPORTED (-2)
#define ZX_ERR_NO_RESOURCES (-3)
#define ZX_ERR_NO_MEMORY (-4)
#define ZX_ERR_INTERRUPTED_RETRY (-6)
#define ZX_ERR_INVALID_ARGS (-10)
#define ZX_ERR_BAD_HANDLE (-11)
#define ZX_ERR_WRONG_TYPE (-12)
#define ZX_ERR_BAD_SYSCALL (-13)
#define ZX_ERR_OUT_OF_RANGE (-14)
#define ZX_ERR_BUFFER_TOO_SMALL (-15)
#define ZX_ERR_BAD_STATE (-20)
#define ZX_ERR_TIMED_OUT (-21)
#define ZX_ERR_SHOULD_WAIT (-22)
#define ZX_ERR_CANCELED (-23)
#define ZX_ERR_PEER_CLOSED (-24)
#define ZX_ERR_NOT_FOUND (-25)
#define ZX_ERR_ALREADY_EXISTS (-26)
#define ZX_ERR_ALREADY_BOUND (-27)
#define ZX_ERR_UNAVAILABLE (-28)
#define ZX_ERR_ACCESS_DENIED (-30)
#define ZX_ERR_IO (-40)
#define ZX_ERR_IO_REFUSED (-41)
#define ZX_ERR_IO_DATA_INTEGRITY (-42)
#define ZX_ERR_IO_DATA_LOSS (-43)
#define ZX_ERR_IO_NOT_PRESENT (-44)
#define ZX_ERR_IO_OVERRUN (-45)
#define ZX_ERR_IO_MISSED_DEADLINE (-46)
#define ZX_ERR_IO_INVALID (-47)
#define ZX_ERR_BAD_PATH (-50)
#define ZX_ERR_NOT_DIR (-51)
#define ZX_ERR_NOT_FILE (-52)
#define ZX_ERR_FILE_BIG (-53)
#define ZX_ERR_NO_SPACE (-54)
#define ZX_ERR_NOT_EMPTY (-55)
#define ZX_ERR_STOP (-60)
#define ZX_ERR_NEXT (-61)
#define ZX_ERR_ASYNC (-62)
#define ZX_ERR_PROTOCOL_NOT_SUPPORTED (-70)
#define ZX_ERR_ADDRESS_UNREACHABLE (-71)
#define ZX_ERR_ADDRESS_IN_USE (-72)
#define ZX_ERR_NOT_CONNECTED (-73)
#define ZX_ERR_CONNECTION_REFUSED (-74)
#define ZX_ERR_CONNECTION_RESET (-75)
#define ZX_ERR_CONNECTION_ABORTED (-76)

#define ZX_RIGHT_NONE ((zx_rights_t)0x0u)
#define ZX_RIGHT_DUPLICATE ((zx_rights_t)0x1u)
#define ZX_RIGHT_TRANSFER ((zx_rights_t)0x2u)
#define ZX_RIGHT_READ ((zx_rights_t)0x4u)
#define ZX_RIGHT_WRITE ((zx_rights_t)0x8u)
#define ZX_RIGHT_EXECUTE ((zx_rights_t)0x10u)
#define ZX_RIGHT_MAP ((zx_rights_t)0x20u)
#define ZX_RIGHT_GET_PROPERTY ((zx_rights_t)0x40u)
#define ZX_RIGHT_SET_PROPERTY ((zx_rights_t)0x80u)
#define ZX_RIGHT_ENUMERATE ((zx_rights_t)0x100u)
#define ZX_RIGHT_DESTROY ((zx_rights_t)0x200u)
#define ZX_RIGHT_SET_POLICY ((zx_rights_t)0x400u)
#define ZX_RIGHT_GET_POLICY ((zx_rights_t)0x800u)
#define ZX_RIGHT_SIGNAL ((zx_rights_t)0x1000u)
#define ZX_RIGHT_SIGNAL_PEER ((zx_rights_t)0x2000u)
#define ZX_RIGHT_WAIT ((zx_rights_t)0x4000u)
#define ZX_RIGHT_INSPECT ((zx_rights_t)0x8000u)
#define ZX_RIGHT_MANAGE_JOB ((zx_rights_t)0x10000u)
#define ZX_RIGHT_MANAGE_PROCESS ((zx_rights_t)0x20000u)
#define ZX_RIGHT_MANAGE_THREAD ((zx_rights_t)0x40000u)
#define ZX_RIGHT_APPLY_PROFILE ((zx_rights_t)0x80000u)
#define ZX_RIGHT_MANAGE_SOCKET ((zx_rights_t)0x100000u)
#define ZX_RIGHT_OP_CHILDREN ((zx_rights_t)0x200000u)
#define ZX_RIGHT_RESIZE ((zx_rights_t)0x400000u)
#define ZX_RIGHT_SAME_RIGHTS ((zx_rights_t)0x80000000u)
#define ZX_DEFAULT_CHANNEL_RIGHTS ((zx_rights_t)0xF00Eu)
#define ZX_DEFAULT_VMO_RIGHTS ((zx_rights_t)0xD0EFu)
#define ZX_DEFAULT_EVENT_RIGHTS ((zx_rights_t)0xD003u)
#define ZX_DEFAULT_EVENTPAIR_RIGHTS ((zx_rights_t)0xF003u)

#define ZX_OBJECT_READABLE ((zx_signals_t)0x1u)
#define ZX_OBJECT_WRITABLE ((zx_signals_t)0x2u)
#define ZX_OBJECT_PEER_CLOSED ((zx_signals_t)0x4u)
#define ZX_OBJECT_SIGNALED ((zx_signals_t)0x8u)
#define ZX_CHANNEL_READABLE ((zx_signals_t)0x1u)
#define ZX_CHANNEL_WRITABLE ((zx_signals_t)0x2u)
#define ZX_CHANNEL_PEER_CLOSED ((zx_signals_t)0x4u)
#define ZX_SOCKET_READABLE ((zx_signals_t)0x1u)
#define ZX_SOCKET_WRITABLE ((zx_signals_t)0x2u)
#define ZX_SOCKET_PEER_CLOSED ((zx_signals_t)0x4u)
#define ZX_SOCKET_PEER_WRITE_DISABLED ((zx_signals_t)0x10u)
#define ZX_SOCKET_WRITE_DISABLED ((zx_signals_t)0x20u)
#define ZX_EVENT_SIGNALED ((zx_signals_t)0x8u)
#define ZX_TASK_TERMINATED ((zx_signals_t)0x8u)
#define ZX_PROCESS_TERMINATED ((zx_signals_t)0x8u)
#define ZX_THREAD_TERMINATED ((zx_signals_t)0x8u)
#define ZX_THREAD_RUNNING ((zx_signals_t)0x10u)
#define ZX_THREAD_SUSPENDED ((zx_signals_t)0x20u)
#define ZX_JOB_TERMINATED ((zx_signals_t)0x8u)
#define ZX_JOB_NO_PROCESSES ((zx_signals_t)0x20u)
#define ZX_JOB_NO_JOBS ((zx_signals_t)0x10u)
#define ZX_HANDLE_CLOSED ((zx_signals_t)0x800000u)
#define ZX_USER_SIGNAL_ALL ((zx_signals_t)0xFF000000u)
#define ZX_USER_SIGNAL_0 ((zx_signals_t)0x1000000u)
#define ZX_USER_SIGNAL_1 ((zx_signals_t)0x2000000u)
#define ZX_USER_SIGNAL_2 ((zx_signals_t)0x4000000u)
#define ZX_USER_SIGNAL_3 ((zx_signals_t)0x8000000u)
#define ZX_USER_SIGNAL_4 ((zx_signals_t)0x10000000u)
#define ZX_USER_SIGNAL_5 ((zx_signals_t)0x20000000u)
#define ZX_USER_SIGNAL_6 ((zx_signals_t)0x40000000u)
#define ZX_USER_SIGNAL_7 ((zx_signals_t)0x80000000u)
#define ZX_EVENTPAIR_PEER_CLOSED ZX_OBJECT_PEER_CLOSED

#define ZX_VM_PERM_READ ((zx_vm_option_t)0x1u)
#define ZX_VM_PERM_WRITE ((zx_vm_option_t)0x2u)
#define ZX_VM_PERM_EXECUTE ((zx_vm_option_t)0x4u)
#define ZX_VM_COMPACT ((zx_vm_option_t)0x8u)
#define ZX_VM_SPECIFIC ((zx_vm_option_t)0x10u)
#define ZX_VM_SPECIFIC_OVERWRITE ((zx_vm_option_t)0x20u)
#define ZX_VM_CAN_MAP_SPECIFIC ((zx_vm_option_t)0x40u)
#define ZX_VM_CAN_MAP_READ ((zx_vm_option_t)0x80u)
#define ZX_VM_CAN_MAP_WRITE ((zx_vm_option_t)0x100u)
#define ZX_VM_CAN_MAP_EXECUTE ((zx_vm_option_t)0x200u)
#define ZX_VM_MAP_RANGE ((zx_vm_option_t)0x400u)
#define ZX_VM_REQUIRE_NON_RESIZABLE ((zx_vm_option_t)0x800u)
#define ZX_VM_ALLOW_FAULTS ((zx_vm_option_t)0x1000u)
#define ZX_VM_OFFSET_IS_UPPER_LIMIT ((zx_vm_option_t)0x2000u)
#define ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED ((zx_vm_option_t)0x4000u)
#define ZX_VM_ALIGN_BASE 24
#define ZX_VMO_RESIZABLE 0x2u
#define ZX_VMO_DISCARDABLE 0x4u
#define ZX_VMO_CHILD_SNAPSHOT 0x1u
#define ZX_VMO_CHILD_RESIZABLE 0x4u
#define ZX_VMO_CHILD_SLICE 0x8u
#define ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE 0x10u
#define ZX_VMO_CHILD_NO_WRITE 0x20u
#define ZX_VMO_CHILD_REFERENCE 0x40u

#define ZX_OBJ_TYPE_NONE ((zx_obj_type_t)0u)
#define ZX_OBJ_TYPE_PROCESS ((zx_obj_type_t)1u)
#define ZX_OBJ_TYPE_THREAD ((zx_obj_type_t)2u)
#define ZX_OBJ_TYPE_VMO ((zx_obj_type_t)3u)
#define ZX_OBJ_TYPE_CHANNEL ((zx_obj_type_t)4u)
#define ZX_OBJ_TYPE_EVENT ((zx_obj_type_t)5u)
#define ZX_OBJ_TYPE_PORT ((zx_obj_type_t)6u)
#define ZX_OBJ_TYPE_SOCKET ((zx_obj_type_t)14u)
#define ZX_OBJ_TYPE_RESOURCE ((zx_obj_type_t)15u)
#define ZX_OBJ_TYPE_EVENTPAIR ((zx_obj_type_t)16u)
#define ZX_OBJ_TYPE_JOB ((zx_obj_type_t)17u)
#define ZX_OBJ_TYPE_VMAR ((zx_obj_type_t)18u)
#define ZX_OBJ_TYPE_EXCEPTION ((zx_obj_type_t)29u)
#define ZX_INFO_HANDLE_VALID 0x1u
#define ZX_INFO_HANDLE_BASIC 0x2u
#define ZX_INFO_PROCESS 0x10000003u
#define ZX_INFO_VMAR 0x7u
#define ZX_INFO_THREAD_EXCEPTION_REPORT 0x1000000Bu
#define ZX_INFO_THREAD_STATS 0xFu
#define ZX_INFO_TASK_RUNTIME_V1 0x1Eu
#define ZX_INFO_TASK_RUNTIME 0x1000001Eu
#define ZX_PROP_NAME 3u
#define ZX_PROP_EXCEPTION_STATE 16u
#define ZX_PROP_VMO_CONTENT_SIZE 17u
#define ZX_INFO_PROCESS_FLAG_STARTED 0x1u
#define ZX_INFO_PROCESS_FLAG_EXITED 0x2u
#define ZX_INFO_PROCESS_FLAG_DEBUGGER_ATTACHED 0x4u
#define ZX_TASK_RETCODE_SYSCALL_KILL (-1024)
#define ZX_TASK_RETCODE_OOM_KILL (-1025)
#define ZX_TASK_RETCODE_POLICY_KILL (-1026)
#define ZX_TASK_RETCODE_VDSO_KILL (-1027)
#define ZX_TASK_RETCODE_EXCEPTION_KILL (-1028)
#define ZX_TASK_RETCODE_CRITICAL_PROCESS_KILL (-1029)
#define ZX_POL_BAD_HANDLE 0u
#define ZX_POL_WRONG_OBJECT 1u
#define ZX_POL_VMAR_WX 2u
#define ZX_POL_NEW_ANY 3u
#define ZX_POL_NEW_VMO 4u
#define ZX_POL_NEW_CHANNEL 5u
#define ZX_POL_NEW_EVENT 6u
#define ZX_POL_NEW_EVENTPAIR 7u
#define ZX_POL_NEW_PORT 8u
#define ZX_POL_NEW_SOCKET 9u
#define ZX_POL_NEW_FIFO 10u
#define ZX_POL_NEW_TIMER 11u
#define ZX_POL_NEW_PROCESS 12u
#define ZX_POL_NEW_PROFILE 13u
#define ZX_POL_NEW_PAGER 14u
#define ZX_POL_AMBIENT_MARK_VMO_EXEC 15u
#define ZX_POL_ACTION_ALLOW 0u
#define ZX_POL_ACTION_DENY 1u
#define ZX_POL_ACTION_ALLOW_EXCEPTION 2u
#define ZX_POL_ACTION_DENY_EXCEPTION 3u
#define ZX_POL_ACTION_KILL 4u
#define ZX_JOB_POL_RELATIVE 0u
#define ZX_JOB_POL_ABSOLUTE 1u
#define ZX_JOB_POL_BASIC_V1 0x0u
#define ZX_JOB_POL_BASIC_V2 0x1000000u
#define ZX_POL_OVERRIDE_ALLOW 0u
#define ZX_POL_OVERRIDE_DENY 1u

#ifdef __cplusplus
extern "C" {
#endif

// Closes a handle.
zx_status_t zx_handle_close(zx_handle_t handle);
zx_status_t _zx_handle_close(zx_handle_t handle);
// Closes several handles.
zx_status_t zx_handle_close_many(const zx_handle_t* handles, size_t num_handles);
zx_status_t _zx_handle_close_many(const zx_handle_t* handles, size_t num_handles);
// Duplicates a handle with the same or fewer rights.
zx_status_t zx_handle_duplicate(zx_handle_t handle, zx_rights_t rights, zx_handle_t* out);
zx_status_t _zx_handle_duplicate(zx_handle_t handle, zx_rights_t rights, zx_handle_t* out);
// Replaces a handle by one with the same or fewer rights.
zx_status_t zx_handle_replace(zx_handle_t handle, zx_rights_t rights, zx_handle_t* out);
zx_status_t _zx_handle_replace(zx_handle_t handle, zx_rights_t rights, zx_handle_t* out);
// Waits for any of the signals on an object, until the deadline.
zx_status_t zx_object_wait_one(zx_handle_t handle, zx_signals_t signals, zx_time_t deadline, zx_signals_t* observed);
zx_status_t _zx_object_wait_one(zx_handle_t handle, zx_signals_t signals, zx_time_t deadline, zx_signals_t* observed);
// Clears and sets user signals on an object.
zx_status_t zx_object_signal(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask);
zx_status_t _zx_object_signal(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask);
// Reads information about an object (HANDLE_VALID, HANDLE_BASIC, PROCESS, VMAR).
zx_status_t zx_object_get_info(zx_handle_t handle, uint32_t topic, void* buffer, size_t buffer_size, size_t* actual, size_t* avail);
zx_status_t _zx_object_get_info(zx_handle_t handle, uint32_t topic, void* buffer, size_t buffer_size, size_t* actual, size_t* avail);
// Reads a property of an object (NAME, VMO_CONTENT_SIZE).
zx_status_t zx_object_get_property(zx_handle_t handle, uint32_t property, void* value, size_t value_size);
zx_status_t _zx_object_get_property(zx_handle_t handle, uint32_t property, void* value, size_t value_size);
// Sets a property of an object (NAME).
zx_status_t zx_object_set_property(zx_handle_t handle, uint32_t property, const void* value, size_t value_size);
zx_status_t _zx_object_set_property(zx_handle_t handle, uint32_t property, const void* value, size_t value_size);
// Creates a channel.
zx_status_t zx_channel_create(uint32_t options, zx_handle_t* out0, zx_handle_t* out1);
zx_status_t _zx_channel_create(uint32_t options, zx_handle_t* out0, zx_handle_t* out1);
// Reads a message from a channel.
zx_status_t zx_channel_read(zx_handle_t handle, uint32_t options, void* bytes, zx_handle_t* handles, uint32_t num_bytes, uint32_t num_handles, uint32_t* actual_bytes, uint32_t* actual_handles);
zx_status_t _zx_channel_read(zx_handle_t handle, uint32_t options, void* bytes, zx_handle_t* handles, uint32_t num_bytes, uint32_t num_handles, uint32_t* actual_bytes, uint32_t* actual_handles);
// Writes a message to a channel; the handles are consumed.
zx_status_t zx_channel_write(zx_handle_t handle, uint32_t options, const void* bytes, uint32_t num_bytes, const zx_handle_t* handles, uint32_t num_handles);
zx_status_t _zx_channel_write(zx_handle_t handle, uint32_t options, const void* bytes, uint32_t num_bytes, const zx_handle_t* handles, uint32_t num_handles);
// Writes a request and waits for the reply with the same transaction id.
zx_status_t zx_channel_call(zx_handle_t handle, uint32_t options, zx_time_t deadline, const zx_channel_call_args_t* args, uint32_t* actual_bytes, uint32_t* actual_handles);
zx_status_t _zx_channel_call(zx_handle_t handle, uint32_t options, zx_time_t deadline, const zx_channel_call_args_t* args, uint32_t* actual_bytes, uint32_t* actual_handles);
// Creates a stream socket.
zx_status_t zx_socket_create(uint32_t options, zx_handle_t* out0, zx_handle_t* out1);
zx_status_t _zx_socket_create(uint32_t options, zx_handle_t* out0, zx_handle_t* out1);
// Writes to a socket as much as fits.
zx_status_t zx_socket_write(zx_handle_t handle, uint32_t options, const void* buffer, size_t buffer_size, size_t* actual);
zx_status_t _zx_socket_write(zx_handle_t handle, uint32_t options, const void* buffer, size_t buffer_size, size_t* actual);
// Reads from a socket.
zx_status_t zx_socket_read(zx_handle_t handle, uint32_t options, void* buffer, size_t buffer_size, size_t* actual);
zx_status_t _zx_socket_read(zx_handle_t handle, uint32_t options, void* buffer, size_t buffer_size, size_t* actual);
// Creates a VMO.
zx_status_t zx_vmo_create(uint64_t size, uint32_t options, zx_handle_t* out);
zx_status_t _zx_vmo_create(uint64_t size, uint32_t options, zx_handle_t* out);
// Reads bytes from a VMO.
zx_status_t zx_vmo_read(zx_handle_t handle, void* buffer, uint64_t offset, size_t buffer_size);
zx_status_t _zx_vmo_read(zx_handle_t handle, void* buffer, uint64_t offset, size_t buffer_size);
// Writes bytes to a VMO.
zx_status_t zx_vmo_write(zx_handle_t handle, const void* buffer, uint64_t offset, size_t buffer_size);
zx_status_t _zx_vmo_write(zx_handle_t handle, const void* buffer, uint64_t offset, size_t buffer_size);
// Reads a VMO's size.
zx_status_t zx_vmo_get_size(zx_handle_t handle, uint64_t* size);
zx_status_t _zx_vmo_get_size(zx_handle_t handle, uint64_t* size);
// Resizes a resizable VMO.
zx_status_t zx_vmo_set_size(zx_handle_t handle, uint64_t size);
zx_status_t _zx_vmo_set_size(zx_handle_t handle, uint64_t size);
// Creates a copy-on-write child of a VMO.
zx_status_t zx_vmo_create_child(zx_handle_t handle, uint32_t options, uint64_t offset, uint64_t size, zx_handle_t* out);
zx_status_t _zx_vmo_create_child(zx_handle_t handle, uint32_t options, uint64_t offset, uint64_t size, zx_handle_t* out);
// Replaces a VMO handle by one that also has the EXECUTE right.
zx_status_t zx_vmo_replace_as_executable(zx_handle_t handle, zx_handle_t vmex, zx_handle_t* out);
zx_status_t _zx_vmo_replace_as_executable(zx_handle_t handle, zx_handle_t vmex, zx_handle_t* out);
// Allocates a child VMAR.
zx_status_t zx_vmar_allocate(zx_handle_t parent_vmar, zx_vm_option_t options, size_t offset, size_t size, zx_handle_t* child_vmar, zx_vaddr_t* child_addr);
zx_status_t _zx_vmar_allocate(zx_handle_t parent_vmar, zx_vm_option_t options, size_t offset, size_t size, zx_handle_t* child_vmar, zx_vaddr_t* child_addr);
// Maps a VMO into a VMAR.
zx_status_t zx_vmar_map(zx_handle_t handle, zx_vm_option_t options, size_t vmar_offset, zx_handle_t vmo, uint64_t vmo_offset, size_t len, zx_vaddr_t* mapped_addr);
zx_status_t _zx_vmar_map(zx_handle_t handle, zx_vm_option_t options, size_t vmar_offset, zx_handle_t vmo, uint64_t vmo_offset, size_t len, zx_vaddr_t* mapped_addr);
// Unmaps a range of a VMAR.
zx_status_t zx_vmar_unmap(zx_handle_t handle, zx_vaddr_t addr, size_t len);
zx_status_t _zx_vmar_unmap(zx_handle_t handle, zx_vaddr_t addr, size_t len);
// Changes the permissions of a mapped range.
zx_status_t zx_vmar_protect(zx_handle_t handle, zx_vm_option_t options, zx_vaddr_t addr, size_t len);
zx_status_t _zx_vmar_protect(zx_handle_t handle, zx_vm_option_t options, zx_vaddr_t addr, size_t len);
// Destroys a VMAR and everything in it.
zx_status_t zx_vmar_destroy(zx_handle_t handle);
zx_status_t _zx_vmar_destroy(zx_handle_t handle);
// Creates a process and its root VMAR.
zx_status_t zx_process_create(zx_handle_t job, const char* name, size_t name_size, uint32_t options, zx_handle_t* proc_handle, zx_handle_t* vmar_handle);
zx_status_t _zx_process_create(zx_handle_t job, const char* name, size_t name_size, uint32_t options, zx_handle_t* proc_handle, zx_handle_t* vmar_handle);
// Starts a process's first thread; arg1 moves into the process.
zx_status_t zx_process_start(zx_handle_t handle, zx_handle_t thread, zx_vaddr_t entry, zx_vaddr_t stack, zx_handle_t arg1, uintptr_t arg2);
zx_status_t _zx_process_start(zx_handle_t handle, zx_handle_t thread, zx_vaddr_t entry, zx_vaddr_t stack, zx_handle_t arg1, uintptr_t arg2);
// Exits the calling process with a return code.
__attribute__((noreturn)) void zx_process_exit(int64_t retcode);
__attribute__((noreturn)) void _zx_process_exit(int64_t retcode);
// Creates a thread in a process.
zx_status_t zx_thread_create(zx_handle_t process, const char* name, size_t name_size, uint32_t options, zx_handle_t* out);
zx_status_t _zx_thread_create(zx_handle_t process, const char* name, size_t name_size, uint32_t options, zx_handle_t* out);
// Starts a thread of a running process.
zx_status_t zx_thread_start(zx_handle_t handle, zx_vaddr_t thread_entry, zx_vaddr_t stack, uintptr_t arg1, uintptr_t arg2);
zx_status_t _zx_thread_start(zx_handle_t handle, zx_vaddr_t thread_entry, zx_vaddr_t stack, uintptr_t arg1, uintptr_t arg2);
// Exits the calling thread.
__attribute__((noreturn)) void zx_thread_exit(void);
__attribute__((noreturn)) void _zx_thread_exit(void);
// Kills a process, thread or job.
zx_status_t zx_task_kill(zx_handle_t handle);
zx_status_t _zx_task_kill(zx_handle_t handle);
// Creates a child job.
zx_status_t zx_job_create(zx_handle_t parent_job, uint32_t options, zx_handle_t* out);
zx_status_t _zx_job_create(zx_handle_t parent_job, uint32_t options, zx_handle_t* out);
// Reads the monotonic clock (ns).
zx_time_t zx_clock_get_monotonic(void);
zx_time_t _zx_clock_get_monotonic(void);
// Sleeps until the monotonic deadline.
zx_status_t zx_nanosleep(zx_time_t deadline);
zx_status_t _zx_nanosleep(zx_time_t deadline);
// Fills a buffer with random bytes.
void zx_cprng_draw(void* buffer, size_t buffer_size);
void _zx_cprng_draw(void* buffer, size_t buffer_size);
// The page size.
uint32_t zx_system_get_page_size(void);
uint32_t _zx_system_get_page_size(void);
// Waits until any item's signals are pending, until the deadline; writes every item's pending signals.
zx_status_t zx_object_wait_many(zx_wait_item_t* items, size_t num_items, zx_time_t deadline);
zx_status_t _zx_object_wait_many(zx_wait_item_t* items, size_t num_items, zx_time_t deadline);
// Creates an event: an object that is only signals (SIGNALED and the user signals).
zx_status_t zx_event_create(uint32_t options, zx_handle_t* out);
zx_status_t _zx_event_create(uint32_t options, zx_handle_t* out);
// Creates an event pair: two ends that signal each other and see PEER_CLOSED.
zx_status_t zx_eventpair_create(uint32_t options, zx_handle_t* out0, zx_handle_t* out1);
zx_status_t _zx_eventpair_create(uint32_t options, zx_handle_t* out0, zx_handle_t* out1);
// Clears and sets signals on the other end of a channel, socket or event pair.
zx_status_t zx_object_signal_peer(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask);
zx_status_t _zx_object_signal_peer(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask);
// Waits on the futex at value_ptr while it holds current_value, until woken or the deadline.
zx_status_t zx_futex_wait(const zx_futex_t* value_ptr, zx_futex_t current_value, zx_handle_t new_futex_owner, zx_time_t deadline);
zx_status_t _zx_futex_wait(const zx_futex_t* value_ptr, zx_futex_t current_value, zx_handle_t new_futex_owner, zx_time_t deadline);
// Wakes up to wake_count threads waiting on the futex at value_ptr, in the order they began waiting.
zx_status_t zx_futex_wake(const zx_futex_t* value_ptr, uint32_t wake_count);
zx_status_t _zx_futex_wake(const zx_futex_t* value_ptr, uint32_t wake_count);
// Binds an exception channel to a thread, process or job; exceptions arrive as zx_exception_info_t plus an exception handle.
zx_status_t zx_task_create_exception_channel(zx_handle_t handle, uint32_t options, zx_handle_t* out);
zx_status_t _zx_task_create_exception_channel(zx_handle_t handle, uint32_t options, zx_handle_t* out);
// A handle to the thread stopped in an exception.
zx_status_t zx_exception_get_thread(zx_handle_t handle, zx_handle_t* out);
zx_status_t _zx_exception_get_thread(zx_handle_t handle, zx_handle_t* out);
// A handle to the process of the thread stopped in an exception (not through a thread's channel).
zx_status_t zx_exception_get_process(zx_handle_t handle, zx_handle_t* out);
zx_status_t _zx_exception_get_process(zx_handle_t handle, zx_handle_t* out);
// Reads the registers (GENERAL_REGS or FP_REGS) of a thread stopped in an exception.
zx_status_t zx_thread_read_state(zx_handle_t handle, uint32_t kind, void* buffer, size_t buffer_size);
zx_status_t _zx_thread_read_state(zx_handle_t handle, uint32_t kind, void* buffer, size_t buffer_size);
// Writes the registers (GENERAL_REGS or FP_REGS) of a thread stopped in an exception.
zx_status_t zx_thread_write_state(zx_handle_t handle, uint32_t kind, const void* buffer, size_t buffer_size);
zx_status_t _zx_thread_write_state(zx_handle_t handle, uint32_t kind, const void* buffer, size_t buffer_size);
// Adds job policy entries (BASIC_V1 or BASIC_V2), RELATIVE or ABSOLUTE; only on a job with no children or processes.
zx_status_t zx_job_set_policy(zx_handle_t handle, uint32_t options, uint32_t topic, const void* policy, uint32_t count);
zx_status_t _zx_job_set_policy(zx_handle_t handle, uint32_t options, uint32_t topic, const void* policy, uint32_t count);
// Reads a clock (ns): ZX_CLOCK_MONOTONIC, ZX_CLOCK_UTC (since the Unix epoch) or ZX_CLOCK_THREAD (the caller's CPU time).
zx_status_t zx_clock_get(uint32_t clock_id, zx_time_t* out);
zx_status_t _zx_clock_get(uint32_t clock_id, zx_time_t* out);

#ifdef __cplusplus
}
#endif

#endif  // ZIRCON_SYSCALLS_H_
