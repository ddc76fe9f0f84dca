/**
 * The startup handle types of the processargs protocol (`PA_*` in Zircon's `processargs.h`): the
 * low byte of a handle-info word, telling the new process what each handle it received is for.
 *
 * Types are named as Fuchsia's Rust `HandleType` names them (`"ProcessSelf"`, `"NamespaceDirectory"`,
 * …) and carry the C value (`PA_PROC_SELF = 0x01`, `PA_NS_DIR = 0x20`, …). The name is what code
 * and printed values use; the value is what goes on the wire.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Every handle type by name, with its `PA_*` value. `LogSink` (`PA_LOG_SINK`) is defined by the C
 * header but is not in the Rust enum; it is kept here so messages carrying it decode.
 *
 * @since 0.1.0
 * @category utils
 */
export const values = {
  /** `PA_PROC_SELF`: the new process itself. */
  ProcessSelf: 0x01,
  /** `PA_THREAD_SELF`: the process's initial thread. */
  ThreadSelf: 0x02,
  /** `PA_JOB_DEFAULT`: a job the process may create children in. */
  DefaultJob: 0x03,
  /** `PA_VMAR_ROOT`: the root VMAR of the process's address space. */
  RootVmar: 0x04,
  /** `PA_VMAR_LOADED`: the VMAR holding the loaded ELF image. */
  LoadedVmar: 0x05,
  /** `PA_LDSVC_LOADER`: a client channel of `fuchsia.ldsvc.Loader`. */
  LdsvcLoader: 0x10,
  /** `PA_VMO_VDSO`: a vDSO ELF image (argument 0 is the system vDSO). */
  VdsoVmo: 0x11,
  /** `PA_VMO_STACK`: the VMO of the initial thread's stack. */
  StackVmo: 0x13,
  /** `PA_VMO_EXECUTABLE`: the main executable, handed to the dynamic linker. */
  ExecutableVmo: 0x14,
  /** `PA_VMO_BOOTDATA`: boot data (userboot only). */
  BootdataVmo: 0x1a,
  /** `PA_VMO_BOOTFS`: the boot filesystem image (userboot only). */
  BootfsVmo: 0x1b,
  /** `PA_VMO_KERNEL_FILE`: a kernel debug file. */
  KernelFileVmo: 0x1c,
  /** `PA_VMO_COMPONENT_CONFIG`: structured configuration. */
  ComponentConfigVmo: 0x1d,
  /** `PA_NS_DIR`: a namespace directory; the argument indexes the namespace paths. */
  NamespaceDirectory: 0x20,
  /** `PA_FD`: a file descriptor; the argument is the fd number. */
  FileDescriptor: 0x30,
  /** `PA_LIFECYCLE`: the server end of `fuchsia.process.Lifecycle`. */
  Lifecycle: 0x3a,
  /** `PA_DIRECTORY_REQUEST`: the server end of the outgoing directory. */
  DirectoryRequest: 0x3b,
  /** `PA_ESCROWED_DICTIONARY`: an escrowed dictionary (experimental). */
  EscrowedDictionary: 0x3c,
  /** `PA_LOG_SINK`: a log sink (C header only, API level NEXT). */
  LogSink: 0x3d,
  /** `PA_RESOURCE`: a resource. */
  Resource: 0x3f,
  /** `PA_CLOCK_UTC`: the UTC clock. */
  ClockUtc: 0x40,
  /** `PA_MMIO_RESOURCE`: an MMIO resource. */
  MmioResource: 0x50,
  /** `PA_IRQ_RESOURCE`: an interrupt resource. */
  IrqResource: 0x51,
  /** `PA_IOPORT_RESOURCE`: an I/O port resource. */
  IoportResource: 0x52,
  /** `PA_SMC_RESOURCE`: a secure monitor call resource. */
  SmcResource: 0x53,
  /** `PA_SYSTEM_RESOURCE`: the system resource. */
  SystemResource: 0x54,
  /**
   * `PA_VMEX_RESOURCE`: the vmex resource, for `zx_vmo_replace_as_executable` (zxsim's own type:
   * Fuchsia hands it out through `fuchsia.kernel.VmexResource` instead). ld.so.1 uses it for
   * library VMOs that lack EXECUTE, a JIT for the code it writes.
   */
  VmexResource: 0x55,
  /** `PA_USER0`: user-defined. */
  User0: 0xf0,
  /** `PA_USER1`: user-defined. */
  User1: 0xf1,
  /** `PA_USER2`: user-defined. */
  User2: 0xf2
} as const

/**
 * The name of a startup handle type, such as `"NamespaceDirectory"`.
 *
 * @since 0.1.0
 * @category models
 */
export type HandleType = keyof typeof values

/**
 * Every handle type name, in ascending order of value.
 *
 * @since 0.1.0
 * @category utils
 */
export const names: ReadonlyArray<HandleType> = Object.keys(values) as Array<HandleType>

/**
 * The handle types as a Schema: a union of the names, so values print readably, compare with `===`
 * and give an arbitrary that draws every type.
 *
 * @since 0.1.0
 * @category utils
 */
export const HandleType: Schema.Literal<[HandleType, ...Array<HandleType>]> = Schema.Literal(
  ...(names as [HandleType, ...Array<HandleType>])
).annotations({ identifier: "HandleType" })

/**
 * The C names (`PA_PROC_SELF`, …) by type name, for messages and tools that print raw values.
 *
 * @since 0.1.0
 * @category utils
 */
export const cNames: Readonly<Record<HandleType, string>> = {
  ProcessSelf: "PA_PROC_SELF",
  ThreadSelf: "PA_THREAD_SELF",
  DefaultJob: "PA_JOB_DEFAULT",
  RootVmar: "PA_VMAR_ROOT",
  LoadedVmar: "PA_VMAR_LOADED",
  LdsvcLoader: "PA_LDSVC_LOADER",
  VdsoVmo: "PA_VMO_VDSO",
  StackVmo: "PA_VMO_STACK",
  ExecutableVmo: "PA_VMO_EXECUTABLE",
  BootdataVmo: "PA_VMO_BOOTDATA",
  BootfsVmo: "PA_VMO_BOOTFS",
  KernelFileVmo: "PA_VMO_KERNEL_FILE",
  ComponentConfigVmo: "PA_VMO_COMPONENT_CONFIG",
  NamespaceDirectory: "PA_NS_DIR",
  FileDescriptor: "PA_FD",
  Lifecycle: "PA_LIFECYCLE",
  DirectoryRequest: "PA_DIRECTORY_REQUEST",
  EscrowedDictionary: "PA_ESCROWED_DICTIONARY",
  LogSink: "PA_LOG_SINK",
  Resource: "PA_RESOURCE",
  ClockUtc: "PA_CLOCK_UTC",
  MmioResource: "PA_MMIO_RESOURCE",
  IrqResource: "PA_IRQ_RESOURCE",
  IoportResource: "PA_IOPORT_RESOURCE",
  SmcResource: "PA_SMC_RESOURCE",
  SystemResource: "PA_SYSTEM_RESOURCE",
  VmexResource: "PA_VMEX_RESOURCE",
  User0: "PA_USER0",
  User1: "PA_USER1",
  User2: "PA_USER2"
}

// A 256-entry table from the low byte of a handle-info word to its name, so decoding is one load.
const byValue: ReadonlyArray<HandleType | undefined> = (() => {
  const table = new Array<HandleType | undefined>(256).fill(undefined)
  for (const name of names) table[values[name]] = name
  return table
})()

/**
 * The `PA_*` value of a handle type.
 *
 * @since 0.1.0
 * @category utils
 */
export const toValue = (type: HandleType): number => values[type]

/**
 * The handle type with the given `PA_*` value, or undefined when no type has it (0x12, 0x00, …).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromValue = (value: number): HandleType | undefined =>
  Number.isInteger(value) && value >= 0 && value <= 0xff ? byValue[value] : undefined

/**
 * Whether a value is a handle type name.
 *
 * @since 0.1.0
 * @category guards
 */
export const isHandleType = (u: unknown): u is HandleType =>
  typeof u === "string" && Object.prototype.hasOwnProperty.call(values, u)
