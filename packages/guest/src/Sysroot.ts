/**
 * The generated part of the guest sysroot: the files derived from @zxsim/kernel's tables, so that
 * guest programs, the vDSO and the kernel agree on every syscall by construction.
 *
 * - `include/zircon/syscalls.h`: types, constants and prototypes (the kernel's `CHeader`).
 * - `include/zircon/processargs.h`: the processargs header struct and the `PA_*` handle types.
 * - `lib/libzircon.so`: the vDSO image (the kernel's `Vdso`), for linking dynamic programs.
 * - `src/syscalls.gen.c`: the `zx_*` functions of a static PIE, each calling through a table that
 *   the start-up fills by looking the `_zx_*` names up in the vDSO the process was given.
 * - `include/zxsim/fidl.h`: the FIDL constants the C side hand-encodes messages with (every
 *   ordinal of fuchsia.ldsvc/Loader, test.processbuilder/Util and the fuchsia.io subset, the header
 *   constants and the limits), taken from @zxsim/fidl's declarations, so C and TypeScript cannot
 *   disagree on them.
 * - `src/status-names.gen.h`: `zxs_status_name`, the name of every kernel status (`NOT_FOUND`),
 *   for the messages of ld.so.1 and the test util.
 *
 * The build script writes these files and its `--check` compares them with the committed ones.
 *
 * @since 0.1.0
 */
import * as FuchsiaIo from "@zxsim/fidl/FuchsiaIo"
import * as Ldsvc from "@zxsim/fidl/Ldsvc"
import * as Message from "@zxsim/fidl/Message"
import * as Ordinal from "@zxsim/fidl/Ordinal"
import type * as Protocol from "@zxsim/fidl/Protocol"
import * as TestUtil from "@zxsim/fidl/TestUtil"
import { syscallsHeader } from "@zxsim/kernel/CHeader"
import { Status } from "@zxsim/kernel/Status"
import { table } from "@zxsim/kernel/Syscalls"
import * as Vdso from "@zxsim/kernel/Vdso"

/**
 * One generated file: its path inside the sysroot and its bytes.
 *
 * @since 0.1.0
 * @category models
 */
export interface GeneratedFile {
  /** Relative to the sysroot directory, with `/` separators. */
  readonly path: string
  readonly bytes: Uint8Array
}

/**
 * `ZX_PROCARGS_PROTOCOL`: the first word of every processargs message.
 *
 * @since 0.1.0
 * @category constants
 */
export const PROCARGS_PROTOCOL = 0x4150585d
/**
 * `ZX_PROCARGS_VERSION`: the second word of every processargs message.
 *
 * @since 0.1.0
 * @category constants
 */
export const PROCARGS_VERSION = 0x00001000

/**
 * A startup handle type: its C name, `PA_*` value and meaning.
 *
 * @since 0.1.0
 * @category models
 */
export interface HandleTypeEntry {
  readonly name: string
  readonly value: number
  readonly doc: string
}

/**
 * The `PA_*` handle types, with Zircon's values (`zircon/processargs.h`).
 *
 * @since 0.1.0
 * @category utils
 */
export const handleTypes: ReadonlyArray<HandleTypeEntry> = [
  { name: "PA_PROC_SELF", value: 0x01, doc: "the process itself" },
  { name: "PA_THREAD_SELF", value: 0x02, doc: "its initial thread" },
  { name: "PA_JOB_DEFAULT", value: 0x03, doc: "a job to create child processes in" },
  { name: "PA_VMAR_ROOT", value: 0x04, doc: "the root VMAR of the address space" },
  { name: "PA_VMAR_LOADED", value: 0x05, doc: "the VMAR holding the loaded ELF image" },
  { name: "PA_LDSVC_LOADER", value: 0x10, doc: "a fuchsia.ldsvc.Loader client channel" },
  { name: "PA_VMO_VDSO", value: 0x11, doc: "a vDSO ELF image (arg 0: the system vDSO)" },
  { name: "PA_VMO_STACK", value: 0x13, doc: "the VMO of the initial thread's stack" },
  { name: "PA_VMO_EXECUTABLE", value: 0x14, doc: "the main executable (for the dynamic linker)" },
  { name: "PA_VMO_BOOTDATA", value: 0x1a, doc: "boot data (userboot only)" },
  { name: "PA_VMO_BOOTFS", value: 0x1b, doc: "the boot filesystem (userboot only)" },
  { name: "PA_VMO_KERNEL_FILE", value: 0x1c, doc: "a kernel debug file" },
  { name: "PA_VMO_COMPONENT_CONFIG", value: 0x1d, doc: "structured configuration" },
  { name: "PA_NS_DIR", value: 0x20, doc: "a namespace directory; arg indexes the namespace paths" },
  { name: "PA_FD", value: 0x30, doc: "a file descriptor; arg is the fd number" },
  { name: "PA_LIFECYCLE", value: 0x3a, doc: "the server end of fuchsia.process.Lifecycle" },
  { name: "PA_DIRECTORY_REQUEST", value: 0x3b, doc: "the server end of the outgoing directory" },
  { name: "PA_ESCROWED_DICTIONARY", value: 0x3c, doc: "an escrowed dictionary" },
  { name: "PA_LOG_SINK", value: 0x3d, doc: "a log sink" },
  { name: "PA_RESOURCE", value: 0x3f, doc: "a resource" },
  { name: "PA_CLOCK_UTC", value: 0x40, doc: "the UTC clock" },
  { name: "PA_MMIO_RESOURCE", value: 0x50, doc: "an MMIO resource" },
  { name: "PA_IRQ_RESOURCE", value: 0x51, doc: "an IRQ resource" },
  { name: "PA_IOPORT_RESOURCE", value: 0x52, doc: "an I/O port resource" },
  { name: "PA_SMC_RESOURCE", value: 0x53, doc: "an SMC resource" },
  { name: "PA_SYSTEM_RESOURCE", value: 0x54, doc: "the system resource" },
  {
    name: "PA_VMEX_RESOURCE",
    value: 0x55,
    doc: "the vmex resource (zxsim's own type), for zx_vmo_replace_as_executable"
  },
  { name: "PA_USER0", value: 0xf0, doc: "user-defined" },
  { name: "PA_USER1", value: 0xf1, doc: "user-defined" },
  { name: "PA_USER2", value: 0xf2, doc: "user-defined" }
]

const hex = (n: number, width = 2) => `0x${n.toString(16).padStart(width, "0")}u`

/**
 * The text of `<zircon/processargs.h>`.
 *
 * @since 0.1.0
 * @category utils
 */
export const processargsHeader = (): string => {
  const width = Math.max(...handleTypes.map((t) => t.name.length))
  return [
    "// Generated by @zxsim/guest (src/Sysroot.ts). Do not edit.",
    "// The processargs bootstrap message: a header, one handle-info word per handle that came with the",
    "// message, then the argument, environment and namespace-path strings, each NUL-terminated, back to",
    "// back, at the offsets the header gives (from the start of the message, no alignment).",
    "#ifndef ZIRCON_PROCESSARGS_H_",
    "#define ZIRCON_PROCESSARGS_H_",
    "",
    "#include <stdint.h>",
    "",
    `#define ZX_PROCARGS_PROTOCOL ((uint32_t)${hex(PROCARGS_PROTOCOL, 8)})`,
    `#define ZX_PROCARGS_VERSION ((uint32_t)${hex(PROCARGS_VERSION, 8)})`,
    "",
    "typedef struct zx_proc_args {",
    "  uint32_t protocol;         // ZX_PROCARGS_PROTOCOL",
    "  uint32_t version;          // ZX_PROCARGS_VERSION",
    "  uint32_t handle_info_off;  // offset of the handle-info words",
    "  uint32_t args_off;         // offset of the first argument string",
    "  uint32_t args_num;",
    "  uint32_t environ_off;      // offset of the first environment string",
    "  uint32_t environ_num;",
    "  uint32_t names_off;        // offset of the first namespace path",
    "  uint32_t names_num;",
    "} zx_proc_args_t;",
    "",
    "// A handle-info word: the type in bits 0-7, an argument in bits 16-31.",
    "#define PA_HND(type, arg) (((uint32_t)(type) & 0xFFu) | (((uint32_t)(arg) & 0xFFFFu) << 16))",
    "#define PA_HND_TYPE(n) ((uint32_t)(n) & 0xFFu)",
    "#define PA_HND_ARG(n) (((uint32_t)(n) >> 16) & 0xFFFFu)",
    "",
    ...handleTypes.map((t) => `#define ${t.name.padEnd(width)} ${hex(t.value)}  // ${t.doc}`),
    "",
    "#endif  // ZIRCON_PROCESSARGS_H_",
    ""
  ].join("\n")
}

const cType = (params: ReadonlyArray<{ readonly type: string }>) =>
  params.length === 0 ? "void" : params.map((p) => p.type).join(", ")

/**
 * The text of `src/syscalls.gen.c`: the vDSO name list, the call table bound lazily (each entry is
 * looked up in the vDSO the first time its wrapper runs, as a PLT binds lazily), and one wrapper
 * per syscall. Binding on first use keeps a program's start-up from hashing the name of every
 * syscall it never makes: `exit_code`'s whole run took 17,741 guest instructions when start-up
 * looked up all 41 syscalls of the time, and about 3,600 now.
 *
 * @since 0.1.0
 * @category utils
 */
export const syscallsSource = (): string => {
  const numbers = table.map((s) => s.number)
  if (numbers.some((n, i) => n !== i)) {
    throw new Error("syscalls.gen.c: the syscall numbers must be 0..n-1 in table order")
  }
  const offsets: Array<number> = []
  let offset = 0
  for (const s of table) {
    offsets.push(offset)
    offset += `_zx_${s.name}`.length + 1
  }
  const lines: Array<string> = [
    "// Generated by @zxsim/guest (src/Sysroot.ts) from @zxsim/kernel's syscall table. Do not edit.",
    "// The zx_* functions of a static PIE. A static PIE is not linked against the vDSO, so each",
    "// _zx_<name> here calls the vDSO's own _zx_<name> through __zx_vdso_table, whose entry is looked",
    "// up by name (in the vDSO the start-up gave __zx_vdso_init) the first time the wrapper runs;",
    "// zx_<name> is a weak alias. Threads binding the same entry at once store the same address.",
    "#include <stdint.h>",
    "#include <zircon/syscalls.h>",
    "",
    "#include \"runtime.h\"",
    "#include \"static-pie.h\"",
    "",
    `const size_t __zx_vdso_count = ${table.length};`,
    "",
    "const char __zx_vdso_names[] =",
    ...table.map((s) => `    "_zx_${s.name}\\0"`),
    "    \"\";",
    "",
    "// Where each syscall's name starts in __zx_vdso_names, by syscall number.",
    `static const uint16_t vdso_name_offsets[${table.length}] = {`,
    ...chunk(offsets, 12).map((row) => `    ${row.join(", ")},`),
    "};",
    "",
    `void* __zx_vdso_table[${table.length}];`,
    "",
    "static zxs_dso_t vdso;",
    "",
    "// Where a syscall the vDSO does not export goes: it fails instead of jumping to address 0.",
    "static zx_status_t missing_syscall(void) { return ZX_ERR_NOT_SUPPORTED; }",
    "",
    "int __zx_vdso_init(uintptr_t base) { return zxs_dso_init(&vdso, base); }",
    "",
    "__attribute__((noinline)) void* __zx_vdso_bind(size_t number) {",
    "  uintptr_t address = zxs_dso_lookup(&vdso, __zx_vdso_names + vdso_name_offsets[number]);",
    "  void* entry = address != 0 ? (void*)address : (void*)missing_syscall;",
    "  __atomic_store_n(&__zx_vdso_table[number], entry, __ATOMIC_RELAXED);",
    "  return entry;",
    "}",
    "",
    "// The vDSO address of syscall `number`, bound on first use.",
    "static inline void* vdso_entry(size_t number) {",
    "  void* entry = __atomic_load_n(&__zx_vdso_table[number], __ATOMIC_RELAXED);",
    "  return __builtin_expect(entry != NULL, 1) ? entry : __zx_vdso_bind(number);",
    "}"
  ]
  for (const s of table) {
    const fn = `_zx_${s.name}`
    const params = s.params.length === 0 ? "void" : s.params.map((p) => `${p.type} ${p.name}`).join(", ")
    const args = s.params.map((p) => p.name).join(", ")
    const pointer = `(${s.result} (*)(${cType(s.params)}))vdso_entry(${s.number})`
    lines.push("")
    lines.push(`// ${s.doc}`)
    if (s.noreturn) {
      lines.push(`__attribute__((noreturn)) ${s.result} ${fn}(${params}) {`)
      lines.push(`  (${pointer})(${args});`)
      lines.push("  __builtin_unreachable();")
    } else if (s.result === "void") {
      lines.push(`${s.result} ${fn}(${params}) {`)
      lines.push(`  (${pointer})(${args});`)
    } else {
      lines.push(`${s.result} ${fn}(${params}) {`)
      lines.push(`  return (${pointer})(${args});`)
    }
    lines.push("}")
    lines.push(`extern __typeof__(${fn}) zx_${s.name} __attribute__((weak, alias("${fn}")));`)
  }
  lines.push("")
  return lines.join("\n")
}

const chunk = <A>(items: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * One ordinal of `<zxsim/fidl.h>`: its C name, the method's selector and its value.
 *
 * @since 0.1.0
 * @category models
 */
export interface OrdinalEntry {
  readonly name: string
  readonly selector: string
  readonly ordinal: bigint
}

/** `GetArguments` → `GET_ARGUMENTS`. */
const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()

const ordinalsOf = (
  prefix: string,
  protocol: Protocol.Protocol<Readonly<Record<string, Protocol.Method<unknown, unknown>>>>,
  selectors?: Readonly<Record<string, string>>
): Array<OrdinalEntry> =>
  Object.values(protocol.methods).map((m) => ({
    name: `ZXS_ORDINAL_${prefix}_${snake(m.name)}`,
    selector: selectors?.[m.name] ?? `${protocol.qualifiedName}.${m.name}`,
    ordinal: m.ordinal
  }))

/**
 * Every ordinal the C side uses, from @zxsim/fidl's protocol declarations: fuchsia.ldsvc/Loader
 * (ld.so.1), test.processbuilder/Util (the test util's server) and the fuchsia.io subset (its
 * namespace client; Directory's Open, ReadDirents, Rewind and Close, File's Read).
 *
 * @since 0.1.0
 * @category utils
 */
export const ordinals = (): ReadonlyArray<OrdinalEntry> => {
  const io = FuchsiaIo.Directory.methods
  const ioEntry = (name: string, method: Protocol.Method<unknown, unknown>, selector: string): OrdinalEntry => ({
    name: `ZXS_ORDINAL_IO_${name}`,
    selector,
    ordinal: method.ordinal
  })
  return [
    ...ordinalsOf("LDSVC_LOADER", Ldsvc.Loader),
    ...ordinalsOf("UTIL", TestUtil.Util),
    ioEntry("OPEN", io.Open, FuchsiaIo.Selectors.Open),
    ioEntry("READ_DIRENTS", io.ReadDirents, FuchsiaIo.Selectors.ReadDirents),
    ioEntry("REWIND", io.Rewind, FuchsiaIo.Selectors.Rewind),
    ioEntry("READ", FuchsiaIo.File.methods.Read, FuchsiaIo.Selectors.Read),
    ioEntry("CLOSE", io.Close, FuchsiaIo.Selectors.Close),
    ioEntry("ON_OPEN", FuchsiaIo.NodeEvents.methods.OnOpen, FuchsiaIo.Selectors.OnOpen),
    ioEntry("GET_ATTR", io.GetAttr, FuchsiaIo.Selectors.GetAttr),
    ioEntry("SET_ATTR", io.SetAttr, FuchsiaIo.Selectors.SetAttr),
    ioEntry("SYNC", io.Sync, FuchsiaIo.Selectors.Sync),
    ioEntry("WRITE", FuchsiaIo.File.methods.Write, FuchsiaIo.Selectors.Write),
    ioEntry("READ_AT", FuchsiaIo.File.methods.ReadAt, FuchsiaIo.Selectors.ReadAt),
    ioEntry("WRITE_AT", FuchsiaIo.File.methods.WriteAt, FuchsiaIo.Selectors.WriteAt),
    ioEntry("SEEK", FuchsiaIo.File.methods.Seek, FuchsiaIo.Selectors.Seek),
    ioEntry("RESIZE", FuchsiaIo.File.methods.Resize, FuchsiaIo.Selectors.Resize),
    ioEntry("UNLINK", io.Unlink, FuchsiaIo.Selectors.Unlink),
    ioEntry("GET_TOKEN", io.GetToken, FuchsiaIo.Selectors.GetToken),
    ioEntry("RENAME", io.Rename, FuchsiaIo.Selectors.Rename)
  ]
}

const u64 = (n: bigint) => `UINT64_C(${Ordinal.format(n)})`

/**
 * The text of `<zxsim/fidl.h>`.
 *
 * @since 0.1.0
 * @category utils
 */
export const fidlHeader = (): string => {
  const entries = ordinals()
  const width = Math.max(...entries.map((e) => e.name.length))
  const define = (name: string, value: string, comment?: string) =>
    `#define ${name.padEnd(width)} ${value}${comment === undefined ? "" : `  // ${comment}`}`
  const flags = Object.entries(FuchsiaIo.OpenFlags).map(([name, value]) =>
    define(`ZXS_IO_OPEN_${name}`, `0x${value.toString(16)}u`)
  )
  const direntTypes = Object.entries(FuchsiaIo.DirentType).map(([name, value]) =>
    define(`ZXS_IO_DIRENT_${name}`, `${value}`)
  )
  const modeTypes = Object.entries(FuchsiaIo.ModeType).map(([name, value]) =>
    define(`ZXS_IO_MODE_TYPE_${name}`, `0${value.toString(8)}`)
  )
  const seekOrigins = Object.entries(FuchsiaIo.SeekOrigin).map(([name, value]) =>
    define(`ZXS_IO_SEEK_${name}`, `${value}`)
  )
  const attributeFlags = Object.entries(FuchsiaIo.NodeAttributeFlags).map(([name, value]) =>
    define(`ZXS_IO_ATTRIBUTE_${name}`, `0x${value.toString(16)}u`)
  )
  const unlinkFlags = Object.entries(FuchsiaIo.UnlinkFlags).map(([name, value]) =>
    define(`ZXS_IO_UNLINK_${name}`, `UINT64_C(${value})`)
  )
  return [
    "// Generated by @zxsim/guest (src/Sysroot.ts) from @zxsim/fidl's protocol declarations. Do not edit.",
    "// The FIDL constants zxsim's C code encodes messages with: the transactional header's constants,",
    "// every method ordinal it uses (the FIDL rule: the first 8 bytes of the SHA-256 of the selector,",
    "// little-endian, top bit cleared), and the limits and flags of the protocols.",
    "#ifndef ZXSIM_FIDL_H_",
    "#define ZXSIM_FIDL_H_",
    "",
    "#include <stdint.h>",
    "",
    define("ZXS_FIDL_MAGIC_NUMBER", `${Message.MAGIC_NUMBER}`),
    define("ZXS_FIDL_AT_REST_FLAG_V2", `0x${Message.AT_REST_FLAG_V2.toString(16).padStart(4, "0")}u`),
    define("ZXS_FIDL_EPITAPH_ORDINAL", u64(Message.EPITAPH_ORDINAL)),
    "",
    ...entries.map((e) => define(e.name, u64(e.ordinal), e.selector)),
    "",
    define("ZXS_LDSVC_MAX_NAME_LENGTH", `${Ldsvc.MAX_NAME_LENGTH}`, "LoadObject's string:1024"),
    `#define ZXS_UTIL_DISCOVERABLE_NAME "${TestUtil.DISCOVERABLE_NAME}"`,
    define("ZXS_IO_MAX_PATH_LENGTH", `${FuchsiaIo.MAX_PATH_LENGTH}`),
    define("ZXS_IO_MAX_NAME_LENGTH", `${FuchsiaIo.MAX_NAME_LENGTH}`),
    define("ZXS_IO_MAX_BUF", `${FuchsiaIo.MAX_BUF}`, "the most bytes one Read or ReadDirents reply carries"),
    ...flags,
    ...direntTypes,
    ...modeTypes,
    ...seekOrigins,
    ...attributeFlags,
    ...unlinkFlags,
    "",
    "#endif  // ZXSIM_FIDL_H_",
    ""
  ].join("\n")
}

/**
 * The text of `src/status-names.gen.h`: the name of each of the kernel's status values.
 *
 * @since 0.1.0
 * @category utils
 */
export const statusNamesSource = (): string =>
  [
    "// Generated by @zxsim/guest (src/Sysroot.ts) from @zxsim/kernel's status table. Do not edit.",
    "#ifndef ZXSIM_STATUS_NAMES_GEN_H_",
    "#define ZXSIM_STATUS_NAMES_GEN_H_",
    "",
    "#include <stdint.h>",
    "",
    "// The name of a status (\"NOT_FOUND\" for ZX_ERR_NOT_FOUND, \"OK\"), or NULL for an unknown value.",
    "static inline const char* zxs_status_name(int32_t status) {",
    "  switch (status) {",
    ...Object.entries(Status).map(([name, value]) => `    case ${value}: return "${name}";`),
    "    default: return (const char*)0;",
    "  }",
    "}",
    "",
    "#endif  // ZXSIM_STATUS_NAMES_GEN_H_",
    ""
  ].join("\n")

const text = (s: string) => new TextEncoder().encode(s)

/**
 * Every generated file of the sysroot, in a fixed order.
 *
 * @since 0.1.0
 * @category utils
 */
export const generatedFiles = (): ReadonlyArray<GeneratedFile> => [
  { path: "include/zircon/syscalls.h", bytes: text(syscallsHeader()) },
  { path: "include/zircon/processargs.h", bytes: text(processargsHeader()) },
  { path: "lib/libzircon.so", bytes: Vdso.image() },
  { path: "src/syscalls.gen.c", bytes: text(syscallsSource()) },
  { path: "include/zxsim/fidl.h", bytes: text(fidlHeader()) },
  { path: "src/status-names.gen.h", bytes: text(statusNamesSource()) }
]
