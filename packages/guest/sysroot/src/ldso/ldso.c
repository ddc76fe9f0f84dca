// ld.so.1: zxsim's dynamic linker.
//
// A self-relocating static PIE without a C library that the process builder loads for every
// executable whose PT_INTERP names it, and starts instead of the executable. What it does:
//
// 1. Applies its own R_RISCV_RELATIVE relocations (start.S calls __ldso_relocate first) and looks
//    its syscalls up in the vDSO by name, as a static PIE's start-up does.
// 2. Reads the linker message from the bootstrap channel: argv[0] (for messages), LD_DEBUG= and
//    LD_TRACE= entries, and the handles LdsvcLoader, ExecutableVmo, LoadedVmar (its own), ProcessSelf
//    and RootVmar.
// 3. Reads the main message (its size first, then into a scratch VMO mapping, since the initial
//    stack is only about the message's size), keeps a duplicate of its PA_FD 2 socket (or the
//    stdio one) for its own messages, and writes the message, bytes and handles in order, into a
//    fresh channel whose other end becomes the program's bootstrap channel.
// 4. Maps the executable from ExecutableVmo the way the builder maps an image (one VMAR placed by
//    the kernel; read-only segments from the VMO, writable ones from a copy-on-write child with the
//    partial page zeroed, whole bss pages from a fresh VMO; see dynlink.h).
// 5. Walks DT_NEEDED breadth first: `libzircon.so` is the vDSO already mapped at a1 (never
//    loaded); every other name is fetched with fuchsia.ldsvc.Loader LoadObject (zx_channel_call on
//    the loader channel) and mapped the same way. The loader channel is closed after the last one.
// 6. Relocates every object (RELR, REL, RELA, JUMP_SLOT, all bound now) against the scope: the
//    executable, the libraries in load order, then the vDSO. Then makes each object's PT_GNU_RELRO
//    pages read-only (the GOT, .data.rel.ro: written by relocation, never after), and runs each
//    library's DT_INIT and DT_INIT_ARRAY, the deepest dependencies first (the executable's own
//    start-up runs its own).
// 7. Jumps to the executable's entry with sp as it was at ld.so.1's entry, a0 = the new bootstrap
//    channel and a1 = the vDSO base.
//
// LD_DEBUG=<anything> prints each object with its base address to stderr; LD_TRACE=<anything>
// prints the objects to stderr and exits 0 without running the program. A library that cannot be
// loaded, a symbol nobody defines or a relocation it does not apply is reported on stderr
// ("ld.so.1: <argv0>: cannot load libx.so: NOT_FOUND") and the process exits with
// ZX_DYNAMIC_LINK_FAILED (127). A linker message that cannot be read exits with
// ZX_STARTUP_BOOTSTRAP_READ_FAILED or ZX_STARTUP_BAD_MESSAGE, as a program's start-up would.
#include <stddef.h>
#include <stdint.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>

#include "dynlink.h"
#include "fidl-wire.h"
#include "processargs-parse.h"
#include "runtime.h"
#include "static-pie.h"
#include "status-names.gen.h"

// Defined by ld.lld: ld.so.1's own ELF header (its load address).
ZXS_HIDDEN extern const char __ehdr_start[];

// start.S: starts the program.
ZXS_HIDDEN __attribute__((noreturn)) void __ldso_enter(uintptr_t entry, uintptr_t sp, zx_handle_t bootstrap,
                                                       uintptr_t vdso_base);

// The compiler may emit calls to these even in freestanding code.
void* memcpy(void* dst, const void* src, size_t n) {
  unsigned char* d = dst;
  const unsigned char* s = src;
  for (size_t i = 0; i < n; i++) d[i] = s[i];
  return dst;
}

void* memset(void* dst, int c, size_t n) {
  unsigned char* d = dst;
  for (size_t i = 0; i < n; i++) d[i] = (unsigned char)c;
  return dst;
}

ZXS_HIDDEN __attribute__((noinline)) void __ldso_relocate(void) {
  uintptr_t base = (uintptr_t)__ehdr_start;
  if (zxs_relocate_self(base, zxs_find_dynamic(base)) != 0) __builtin_trap();
}

#define MAX_OBJECTS 64
#define MAX_PHDRS 32
#define PAGE_END(x) (((x) + ZX_PAGE_SIZE - 1) & ~(uint64_t)(ZX_PAGE_SIZE - 1))
#define LIBZIRCON "libzircon.so"

// The loaded objects: [0] the executable, then the libraries in load order.
static zxs_object_t objects[MAX_OBJECTS];
static size_t object_count;
// Each object's VMAR (kept until its RELRO pages are protected) and its RELRO pages [start, end).
static zx_handle_t object_vmars[MAX_OBJECTS];
static uintptr_t relro_start[MAX_OBJECTS], relro_end[MAX_OBJECTS];
static uintptr_t entry;  // the executable's
// The vDSO as an object of the scope (always its last member).
static zxs_object_t vdso;
static const zxs_object_t* scope_objects[MAX_OBJECTS + 1];

static zx_handle_t root_vmar = ZX_HANDLE_INVALID;
static zx_handle_t loader = ZX_HANDLE_INVALID;
// The vmex resource, when a startup message carried one (PA_VMEX_RESOURCE): it makes a VMO the
// loader handed over without ZX_RIGHT_EXECUTE executable. Fuchsia's loaders hand out executable
// VMOs, so it is rarely needed.
static zx_handle_t vmex = ZX_HANDLE_INVALID;
static zx_handle_t log_socket = ZX_HANDLE_INVALID;
static const char* program_name;
static int debug, trace;

static size_t length_of(const char* s) {
  size_t n = 0;
  while (s[n] != 0) n++;
  return n;
}

static int starts_with(const char* s, const char* prefix) {
  while (*prefix != 0) {
    if (*s++ != *prefix++) return 0;
  }
  return 1;
}

// ---------------------------------------------------------------------------------------------
// Messages on stderr
// ---------------------------------------------------------------------------------------------

static char line[512];
static size_t line_length;

static void flush(void) {
  const char* data = line;
  size_t size = line_length;
  line_length = 0;
  while (size > 0 && log_socket != ZX_HANDLE_INVALID) {
    size_t actual = 0;
    zx_status_t status = zx_socket_write(log_socket, 0, data, size, &actual);
    if (status == ZX_OK) {
      data += actual;
      size -= actual;
    } else if (status == ZX_ERR_SHOULD_WAIT) {
      zx_signals_t observed = 0;
      if (zx_object_wait_one(log_socket, ZX_SOCKET_WRITABLE | ZX_SOCKET_PEER_CLOSED, ZX_TIME_INFINITE, &observed) != ZX_OK ||
          (observed & ZX_SOCKET_WRITABLE) == 0) {
        return;
      }
    } else {
      return;
    }
  }
}

static void put_char(char c) {
  if (line_length == sizeof(line)) flush();
  line[line_length++] = c;
}

static void put(const char* s) {
  while (*s != 0) put_char(*s++);
}

static void put_hex(uint64_t value) {
  put("0x");
  int started = 0;
  for (int shift = 60; shift >= 0; shift -= 4) {
    unsigned digit = (value >> shift) & 0xf;
    if (digit != 0 || started || shift == 0) {
      put_char("0123456789abcdef"[digit]);
      started = 1;
    }
  }
}

static void put_decimal(int64_t value) {
  char digits[24];
  int n = 0;
  uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
  do {
    digits[n++] = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (value < 0) put_char('-');
  while (n > 0) put_char(digits[--n]);
}

static void put_status(zx_status_t status) {
  const char* name = zxs_status_name(status);
  if (name != NULL) {
    put(name);
  } else {
    put("status ");
    put_decimal(status);
  }
}

// "ld.so.1: <argv0>: " — every message starts so.
static void begin(void) {
  put("ld.so.1: ");
  if (program_name != NULL) {
    put(program_name);
    put(": ");
  }
}

static void end(void) {
  put_char('\n');
  flush();
}

static __attribute__((noreturn)) void exit_failed(void) {
  if (log_socket != ZX_HANDLE_INVALID) zx_handle_close(log_socket);
  zx_process_exit(ZX_DYNAMIC_LINK_FAILED);
}

// How loading an object failed: a status from the kernel or the loader, or a dynlink.h code.
typedef struct {
  zx_status_t status;
  int code;
  uint32_t flags;  // ZXS_DL_FLOAT_ABI: the library's e_flags
} load_error_t;

// The executable's e_flags: every library must have its float ABI (EF_RISCV_FLOAT_ABI), or values
// would be passed in registers the other side does not read.
static uint32_t executable_flags;

static __attribute__((noreturn)) void fail_load(const char* name, load_error_t error) {
  begin();
  put("cannot load ");
  put(name);
  put(": ");
  if (error.code == ZXS_DL_FLOAT_ABI) {
    // Which ABIs: "its float ABI is double-float (lp64d), the executable's soft-float (lp64)".
    put("its float ABI is ");
    put(zxs_float_abi_name(error.flags));
    put(", the executable's ");
    put(zxs_float_abi_name(executable_flags));
  } else if (error.code != ZXS_DL_OK) {
    put(zxs_dl_error_text(error.code));
  } else {
    put_status(error.status);
  }
  end();
  exit_failed();
}

static __attribute__((noreturn)) void fail(const char* what, zx_status_t status) {
  begin();
  put(what);
  put(": ");
  put_status(status);
  end();
  exit_failed();
}

// ---------------------------------------------------------------------------------------------
// The vDSO and the bootstrap messages
// ---------------------------------------------------------------------------------------------

// Waits for the next message on `channel` and returns its size (a read with no room fails
// BUFFER_TOO_SMALL and reports it).
static zx_status_t message_size(zx_handle_t channel, uint32_t* num_bytes, uint32_t* num_handles) {
  for (;;) {
    zx_status_t status = zx_channel_read(channel, 0, NULL, NULL, 0, 0, num_bytes, num_handles);
    if (status == ZX_ERR_BUFFER_TOO_SMALL) {
      return *num_bytes <= ZX_CHANNEL_MAX_MSG_BYTES && *num_handles <= ZX_CHANNEL_MAX_MSG_HANDLES ? ZX_OK
                                                                                                  : ZX_ERR_OUT_OF_RANGE;
    }
    if (status == ZX_OK) return ZX_ERR_INVALID_ARGS;  // an empty message was read: not processargs
    if (status != ZX_ERR_SHOULD_WAIT) return status;
    zx_signals_t observed = 0;
    status = zx_object_wait_one(channel, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, &observed);
    if (status != ZX_OK) return status;
  }
}

// The PA_FD socket a program would write stderr to: PA_FD 2, else one marked for all of stdio.
static zx_handle_t find_stderr(const unsigned char* bytes, uint32_t num_bytes, const zx_handle_t* handles,
                               uint32_t num_handles) {
  zx_proc_args_t header;
  if (zxs_processargs_header(bytes, num_bytes, num_handles, &header) != ZXS_PA_OK) return ZX_HANDLE_INVALID;
  zx_handle_t stdio = ZX_HANDLE_INVALID;
  for (uint32_t i = 0; i < num_handles; i++) {
    uint32_t info = zxs_processargs_info(bytes, &header, i);
    if (PA_HND_TYPE(info) != PA_FD) continue;
    if (PA_HND_ARG(info) == 2) return handles[i];
    if ((PA_HND_ARG(info) & ZX_STARTUP_FD_USE_FOR_STDIO) != 0 && stdio == ZX_HANDLE_INVALID) stdio = handles[i];
  }
  return stdio;
}

// The handle whose info word is `wanted`, or ZX_HANDLE_INVALID.
static zx_handle_t find_handle(const unsigned char* bytes, uint32_t num_bytes, const zx_handle_t* handles,
                               uint32_t num_handles, uint32_t wanted) {
  zx_proc_args_t header;
  if (zxs_processargs_header(bytes, num_bytes, num_handles, &header) != ZXS_PA_OK) return ZX_HANDLE_INVALID;
  for (uint32_t i = 0; i < num_handles; i++) {
    if (zxs_processargs_info(bytes, &header, i) == wanted) return handles[i];
  }
  return ZX_HANDLE_INVALID;
}

// Reads the main message into a scratch mapping, duplicates its stderr socket into log_socket, and
// writes it unchanged into a fresh channel; returns that channel's other end in `*program`.
static zx_status_t forward_main_message(zx_handle_t bootstrap, zx_handle_t* program) {
  uint32_t num_bytes = 0, num_handles = 0;
  zx_status_t status = message_size(bootstrap, &num_bytes, &num_handles);
  if (status != ZX_OK) return status;
  uint64_t handles_at = (num_bytes + 7) & ~(uint64_t)7;
  uint64_t size = PAGE_END(handles_at + 4 * (uint64_t)num_handles + 1);
  zx_handle_t vmo;
  status = zx_vmo_create(size, 0, &vmo);
  if (status != ZX_OK) return status;
  zx_vaddr_t scratch = 0;
  status = zx_vmar_map(root_vmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, size, &scratch);
  zx_handle_close(vmo);
  if (status != ZX_OK) return status;
  unsigned char* bytes = (unsigned char*)scratch;
  zx_handle_t* handles = (zx_handle_t*)(scratch + handles_at);
  status = zx_channel_read(bootstrap, 0, bytes, handles, num_bytes, num_handles, &num_bytes, &num_handles);
  if (status == ZX_OK) {
    // A vmex resource meant for the program serves ld.so.1 too, unless its own message had one.
    zx_handle_t program_vmex = find_handle(bytes, num_bytes, handles, num_handles, PA_HND(PA_VMEX_RESOURCE, 0));
    if (vmex == ZX_HANDLE_INVALID && program_vmex != ZX_HANDLE_INVALID &&
        zx_handle_duplicate(program_vmex, ZX_RIGHT_SAME_RIGHTS, &vmex) != ZX_OK) {
      vmex = ZX_HANDLE_INVALID;
    }
    zx_handle_t err = find_stderr(bytes, num_bytes, handles, num_handles);
    if (err != ZX_HANDLE_INVALID && zx_handle_duplicate(err, ZX_RIGHT_SAME_RIGHTS, &log_socket) != ZX_OK) {
      log_socket = ZX_HANDLE_INVALID;
    }
    zx_handle_t write_end;
    status = zx_channel_create(0, program, &write_end);
    if (status == ZX_OK) {
      status = zx_channel_write(write_end, 0, bytes, num_bytes, handles, num_handles);
      zx_handle_close(write_end);
    } else {
      zx_handle_close_many(handles, num_handles);
    }
  }
  zx_vmar_unmap(root_vmar, scratch, size);
  return status;
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

static const load_error_t LOAD_OK = {ZX_OK, ZXS_DL_OK, 0};

static load_error_t status_error(zx_status_t status) {
  load_error_t e = {status, ZXS_DL_OK, 0};
  return e;
}

static load_error_t code_error(int code) {
  load_error_t e = {ZX_OK, code, 0};
  return e;
}

// Names a data or bss VMO "<prefix><source name>", truncated to 31 bytes as Zircon names are.
static void name_vmo(zx_handle_t vmo, const char* prefix, const char* source) {
  char name[ZX_MAX_NAME_LEN];
  size_t n = 0;
  while (*prefix != 0 && n < ZX_MAX_NAME_LEN - 1) name[n++] = *prefix++;
  while (*source != 0 && n < ZX_MAX_NAME_LEN - 1) name[n++] = *source++;
  zx_object_set_property(vmo, ZX_PROP_NAME, name, n);
}

static zx_vm_option_t mapping_permissions(uint32_t flags) {
  zx_vm_option_t perms = 0;
  if ((flags & ZXS_PF_R) != 0) perms |= ZX_VM_PERM_READ;
  if ((flags & ZXS_PF_W) != 0) perms |= ZX_VM_PERM_WRITE;
  if ((flags & ZXS_PF_X) != 0) perms |= ZX_VM_PERM_EXECUTE | ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED;
  return perms;
}

static zx_vm_option_t vmar_capabilities(uint32_t flags) {
  zx_vm_option_t can = 0;
  if ((flags & ZXS_PF_R) != 0) can |= ZX_VM_CAN_MAP_READ;
  if ((flags & ZXS_PF_W) != 0) can |= ZX_VM_CAN_MAP_WRITE;
  if ((flags & ZXS_PF_X) != 0) can |= ZX_VM_CAN_MAP_EXECUTE | ZX_VM_CAN_MAP_READ;
  return can;
}

static const unsigned char zero_page[ZX_PAGE_SIZE];

// Maps one segment of `vmo` into `vmar` as `plan` says.
static zx_status_t map_segment(zx_handle_t vmar, zx_handle_t vmo, const char* vmo_name, const zxs_segment_plan_t* plan) {
  zx_vm_option_t options = ZX_VM_SPECIFIC | ZX_VM_ALLOW_FAULTS | mapping_permissions(plan->flags);
  zx_status_t status = ZX_OK;
  zx_vaddr_t mapped;
  if (plan->map_size != 0) {
    zx_handle_t source = vmo;
    uint64_t offset = plan->vmo_offset;
    if (plan->copy) {
      status = zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, plan->vmo_offset, plan->map_size, &source);
      if (status != ZX_OK) return status;
      name_vmo(source, "data:", vmo_name);
      offset = 0;
      if (plan->zero_size != 0) status = zx_vmo_write(source, zero_page, plan->zero_offset, plan->zero_size);
    }
    if (status == ZX_OK) status = zx_vmar_map(vmar, options, plan->vmar_offset, source, offset, plan->map_size, &mapped);
    if (plan->copy) zx_handle_close(source);
    if (status != ZX_OK) return status;
  }
  if (plan->bss_size != 0) {
    zx_handle_t bss;
    status = zx_vmo_create(plan->bss_size, 0, &bss);
    if (status != ZX_OK) return status;
    name_vmo(bss, "bss:", vmo_name);
    status = zx_vmar_map(vmar, options, plan->bss_vmar_offset, bss, 0, plan->bss_size, &mapped);
    zx_handle_close(bss);
  }
  return status;
}

static zxs_elf64_phdr_t phdrs[MAX_PHDRS];

// Maps the ELF image in `vmo` into a VMAR of its own that the kernel places in the root VMAR, and
// reads its dynamic section into objects[index]; keeps the VMAR and the object's RELRO pages for
// protect_relro. Libraries may not have thread-local storage.
static load_error_t load_object(zx_handle_t vmo, const char* name, int is_library, size_t index, uintptr_t* entry_out) {
  zxs_object_t* obj = &objects[index];
  zxs_elf64_ehdr_t ehdr;
  zx_status_t status = zx_vmo_read(vmo, &ehdr, 0, sizeof(ehdr));
  if (status != ZX_OK) return status_error(status);
  if (ehdr.e_phnum > MAX_PHDRS) return code_error(ZXS_DL_BAD_PHDRS);
  if (ehdr.e_phentsize == sizeof(zxs_elf64_phdr_t)) {
    status = zx_vmo_read(vmo, phdrs, ehdr.e_phoff, ehdr.e_phnum * sizeof(zxs_elf64_phdr_t));
    if (status != ZX_OK) return status_error(status);
  }
  zxs_image_t image;
  int code = zxs_image_check(&ehdr, phdrs, &image);
  if (code != ZXS_DL_OK) return code_error(code);
  if (is_library && image.has_tls) return code_error(ZXS_DL_TLS);
  if (!is_library) executable_flags = ehdr.e_flags;
  if (is_library && (ehdr.e_flags & ZXS_EF_RISCV_FLOAT_ABI) != (executable_flags & ZXS_EF_RISCV_FLOAT_ABI)) {
    load_error_t error = code_error(ZXS_DL_FLOAT_ABI);
    error.flags = ehdr.e_flags;
    return error;
  }
  if (!image.has_dynamic) return code_error(ZXS_DL_NO_DYNAMIC);

  char vmo_name[ZX_MAX_NAME_LEN] = {0};
  if (zx_object_get_property(vmo, ZX_PROP_NAME, vmo_name, sizeof(vmo_name)) != ZX_OK || vmo_name[0] == 0) {
    const char* unknown = "<unknown ELF>";
    for (size_t i = 0; unknown[i] != 0; i++) vmo_name[i] = unknown[i];
  }
  vmo_name[ZX_MAX_NAME_LEN - 1] = 0;

  zx_handle_t vmar;
  zx_vaddr_t vmar_base;
  status = zx_vmar_allocate(root_vmar, ZX_VM_CAN_MAP_SPECIFIC | vmar_capabilities(image.max_flags), 0,
                            image.high - image.low, &vmar, &vmar_base);
  if (status != ZX_OK) return status_error(status);
  for (uint16_t i = 0; i < ehdr.e_phnum && status == ZX_OK; i++) {
    if (phdrs[i].p_type != ZXS_PT_LOAD || phdrs[i].p_memsz == 0) continue;
    zxs_segment_plan_t plan;
    zxs_plan_segment(&phdrs[i], image.low, &plan);
    status = map_segment(vmar, vmo, vmo_name, &plan);
  }
  if (status != ZX_OK) {
    zx_vmar_destroy(vmar);
    zx_handle_close(vmar);
    return status_error(status);
  }

  uintptr_t bias = vmar_base - image.low;
  object_vmars[index] = vmar;
  zxs_relro_pages(phdrs, ehdr.e_phnum, bias, &relro_start[index], &relro_end[index]);
  code = zxs_object_init(obj, name, bias, (const zxs_elf64_dyn_t*)(bias + image.dynamic_vaddr));
  if (code != ZXS_DL_OK) return code_error(code);
  if (entry_out != NULL) *entry_out = bias + ehdr.e_entry;
  return LOAD_OK;
}

// Makes `*vmo` executable with the vmex resource when it lacks ZX_RIGHT_EXECUTE and ld.so.1 has
// one; without one such a VMO stays as it is (mapping its code then fails ACCESS_DENIED). On
// failure the handle is gone (replace consumes it).
static zx_status_t ensure_executable(zx_handle_t* vmo) {
  zx_info_handle_basic_t info;
  zx_status_t status = zx_object_get_info(*vmo, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL);
  if (status != ZX_OK) return status;
  if ((info.rights & ZX_RIGHT_EXECUTE) != 0 || vmex == ZX_HANDLE_INVALID) return ZX_OK;
  return zx_vmo_replace_as_executable(*vmo, vmex, vmo);
}

// Asks the loader for `name`: the VMO, or the status (the loader's rv, or the call's).
static unsigned char request[32 + ZXS_LDSVC_MAX_NAME_LENGTH];
static unsigned char reply[64];

static zx_status_t fetch(const char* name, zx_handle_t* vmo) {
  if (loader == ZX_HANDLE_INVALID) return ZX_ERR_BAD_HANDLE;
  size_t length = length_of(name);
  if (length > ZXS_LDSVC_MAX_NAME_LENGTH) return ZX_ERR_INVALID_ARGS;
  zx_handle_t received = ZX_HANDLE_INVALID;
  zx_channel_call_args_t args = {
      .wr_bytes = request,
      .wr_handles = NULL,
      .rd_bytes = reply,
      .rd_handles = &received,
      .wr_num_bytes = (uint32_t)zxs_ldsvc_load_object_request(request, 1, name, length),
      .wr_num_handles = 0,
      .rd_num_bytes = sizeof(reply),
      .rd_num_handles = 1,
  };
  uint32_t num_bytes = 0, num_handles = 0;
  zx_status_t status = zx_channel_call(loader, 0, ZX_TIME_INFINITE, &args, &num_bytes, &num_handles);
  if (status != ZX_OK) return status;
  int32_t rv;
  int has_object;
  if (zxs_ldsvc_load_object_response(reply, num_bytes, num_handles, &rv, &has_object) != ZXS_FIDL_OK) {
    if (num_handles > 0) zx_handle_close(received);
    return ZX_ERR_IO;
  }
  if (rv != ZX_OK || !has_object) {
    if (has_object) zx_handle_close(received);
    return rv != ZX_OK ? rv : ZX_ERR_INTERNAL;
  }
  *vmo = received;
  return ensure_executable(vmo);
}

static int loaded(const char* name) {
  for (size_t i = 1; i < object_count; i++) {
    if (zxs_streq(objects[i].name, name)) return 1;
  }
  return 0;
}

static void report_object(const char* what, const char* name, uintptr_t base) {
  begin();
  put(what);
  put(name);
  put(" at ");
  put_hex(base);
  end();
}

// Loads every DT_NEEDED library, breadth first from the executable.
static void load_dependencies(void) {
  for (size_t i = 0; i < object_count; i++) {
    const char* needed;
    for (size_t k = 0; (needed = zxs_object_needed(&objects[i], k)) != NULL; k++) {
      if (zxs_streq(needed, LIBZIRCON) || loaded(needed)) continue;
      if (object_count == MAX_OBJECTS) fail_load(needed, code_error(ZXS_DL_BAD_DYNAMIC));
      zx_handle_t vmo = ZX_HANDLE_INVALID;
      zx_status_t status = fetch(needed, &vmo);
      if (status != ZX_OK) fail_load(needed, status_error(status));
      load_error_t error = load_object(vmo, needed, 1, object_count, NULL);
      zx_handle_close(vmo);
      if (error.status != ZX_OK || error.code != ZXS_DL_OK) fail_load(needed, error);
      if (debug) report_object("loaded ", needed, objects[object_count].base);
      object_count++;
    }
  }
}

static void relocate_all(void) {
  for (size_t i = 0; i < object_count; i++) scope_objects[i] = &objects[i];
  scope_objects[object_count] = &vdso;
  zxs_scope_t scope = {scope_objects, object_count + 1};
  for (size_t i = 0; i < object_count; i++) {
    zxs_reloc_error_t error = {0, 0, NULL};
    if (zxs_relocate(&objects[i], &scope, &error) != ZXS_DL_OK) {
      begin();
      put(i == 0 ? "the executable" : objects[i].name);
      put(": ");
      put(zxs_dl_error_text(error.code));
      if (error.symbol != NULL) {
        put(": ");
        put(error.symbol);
      } else if (error.code == ZXS_DL_BAD_RELOCATION) {
        put(" ");
        put_decimal(error.type);
      }
      end();
      exit_failed();
    }
  }
}

// Makes every object's RELRO pages read-only, now that relocation has written them, and closes the
// objects' VMARs. A failure ends the process: the program must not run with them writable.
static void protect_relro(void) {
  for (size_t i = 0; i < object_count; i++) {
    if (relro_end[i] > relro_start[i]) {
      zx_status_t status = zx_vmar_protect(object_vmars[i], ZX_VM_PERM_READ, relro_start[i], relro_end[i] - relro_start[i]);
      if (status != ZX_OK) fail(i == 0 ? "cannot protect the executable's RELRO" : "cannot protect a library's RELRO", status);
    }
    zx_handle_close(object_vmars[i]);
    object_vmars[i] = ZX_HANDLE_INVALID;
  }
}

// Runs the libraries' initializers, the last loaded (the deepest dependencies) first.
static void initialize_libraries(void) {
  for (size_t i = object_count; i-- > 1;) {
    const zxs_object_t* obj = &objects[i];
    if (obj->init != 0) ((void (*)(void))obj->init)();
    const uintptr_t* array = (const uintptr_t*)obj->init_array;
    for (size_t k = 0; array != NULL && k < obj->init_arraysz / sizeof(uintptr_t); k++) {
      if (array[k] != 0 && array[k] != UINTPTR_MAX) ((void (*)(void))array[k])();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The linker
// ---------------------------------------------------------------------------------------------

// The handles of the linker message ld.so.1 uses; the rest are closed.
static zx_handle_t executable_vmo = ZX_HANDLE_INVALID;

static void take_linker_handles(const unsigned char* bytes, const zx_proc_args_t* header, const zx_handle_t* handles,
                                uint32_t num_handles) {
  for (uint32_t i = 0; i < num_handles; i++) {
    uint32_t info = zxs_processargs_info(bytes, header, i);
    zx_handle_t* slot = NULL;
    if (info == PA_HND(PA_LDSVC_LOADER, 0)) slot = &loader;
    if (info == PA_HND(PA_VMO_EXECUTABLE, 0)) slot = &executable_vmo;
    if (info == PA_HND(PA_VMAR_ROOT, 0)) slot = &root_vmar;
    if (info == PA_HND(PA_VMEX_RESOURCE, 0)) slot = &vmex;
    if (slot != NULL && *slot == ZX_HANDLE_INVALID) {
      *slot = handles[i];
    } else {
      zx_handle_close(handles[i]);
    }
  }
}

static void read_linker_environment(const unsigned char* bytes, uint32_t num_bytes, const zx_proc_args_t* header) {
  for (uint32_t i = 0; i < header->environ_num; i++) {
    const char* entry = zxs_processargs_string_at(bytes, num_bytes, header->environ_off, header->environ_num, i);
    if (entry == NULL) continue;
    if (starts_with(entry, "LD_DEBUG=")) debug = entry[9] != 0;
    if (starts_with(entry, "LD_TRACE=")) trace = entry[9] != 0;
  }
}

ZXS_HIDDEN __attribute__((noreturn)) void __ldso_main(zx_handle_t bootstrap, uintptr_t vdso_base,
                                                      uintptr_t initial_sp) {
  // The zx_* table (syscalls.gen.c) binds each syscall in the vDSO on first use, as a static
  // PIE's start-up does; without a usable vDSO nothing can be called, not even exit.
  if (__zx_vdso_init(vdso_base) != 0) __builtin_trap();

  // The linker message. It is never bigger than the main message (it has a subset of its strings
  // and fewer handles), so it fits the initial stack, which is sized for the main one.
  uint32_t num_bytes = 0, num_handles = 0;
  if (message_size(bootstrap, &num_bytes, &num_handles) != ZX_OK) zx_process_exit(ZX_STARTUP_BOOTSTRAP_READ_FAILED);
  uint64_t message[num_bytes / 8 + 1];
  zx_handle_t handles[num_handles + 1];
  if (zx_channel_read(bootstrap, 0, message, handles, num_bytes, num_handles, &num_bytes, &num_handles) != ZX_OK) {
    zx_process_exit(ZX_STARTUP_BOOTSTRAP_READ_FAILED);
  }
  const unsigned char* bytes = (const unsigned char*)message;
  zx_proc_args_t header;
  if (zxs_processargs_check(bytes, num_bytes, num_handles, &header) != ZXS_PA_OK) {
    zx_process_exit(ZX_STARTUP_BAD_MESSAGE);
  }
  program_name = zxs_processargs_string_at(bytes, num_bytes, header.args_off, header.args_num, 0);
  read_linker_environment(bytes, num_bytes, &header);
  take_linker_handles(bytes, &header, handles, num_handles);
  if (root_vmar == ZX_HANDLE_INVALID) zx_process_exit(ZX_STARTUP_BAD_MESSAGE);

  // The main message goes to the program on a channel of its own.
  zx_handle_t program_bootstrap = ZX_HANDLE_INVALID;
  zx_status_t status = forward_main_message(bootstrap, &program_bootstrap);
  zx_handle_close(bootstrap);
  if (status != ZX_OK) fail("cannot pass the bootstrap message on", status);

  if (executable_vmo == ZX_HANDLE_INVALID) fail("no executable in the linker message", ZX_ERR_BAD_HANDLE);
  status = ensure_executable(&executable_vmo);
  if (status != ZX_OK) fail("cannot make the executable executable", status);
  load_error_t error = load_object(executable_vmo, "executable", 0, 0, &entry);
  zx_handle_close(executable_vmo);
  if (error.status != ZX_OK || error.code != ZXS_DL_OK) fail_load("the executable", error);
  object_count = 1;
  if (debug) report_object("loaded ", "the executable", objects[0].base);

  load_dependencies();
  zx_handle_close(loader);
  loader = ZX_HANDLE_INVALID;
  zx_handle_close(vmex);
  vmex = ZX_HANDLE_INVALID;

  int code = zxs_object_init(&vdso, LIBZIRCON, vdso_base, zxs_find_dynamic(vdso_base));
  if (code != ZXS_DL_OK) fail_load(LIBZIRCON, code_error(code));
  if (trace) {
    for (size_t i = 0; i < object_count; i++) report_object("", i == 0 ? "the executable" : objects[i].name, objects[i].base);
    report_object("", LIBZIRCON " (the vDSO)", vdso_base);
    if (log_socket != ZX_HANDLE_INVALID) zx_handle_close(log_socket);
    zx_process_exit(0);
  }
  if (debug) report_object("", LIBZIRCON " (the vDSO)", vdso_base);

  relocate_all();
  protect_relro();
  initialize_libraries();
  if (debug) report_object("", "starting the executable", entry);

  zx_handle_close(root_vmar);
  if (log_socket != ZX_HANDLE_INVALID) zx_handle_close(log_socket);
  __ldso_enter(entry, initial_sp, program_bootstrap, vdso_base);
}
