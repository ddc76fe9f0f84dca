/**
 * The register file as this package's CPUs use it: the kernel's layout (`x0`–`x31` at 0, `pc` at
 * 256, `f0`–`f31` at 512, `fcsr` at 768, every value little-endian) plus the CPU-private words
 * from 776 (the retired-instruction count the kernel reads, then private words) that the
 * interpreter and the JIT share, so a thread can move between them. Accessors
 * here use BigInt and are meant for hosts and tests, never for an instruction loop.
 *
 * @since 0.1.0
 */
import * as CpuPort from "@zxsim/kernel/Cpu"
import { PC_OFFSET, X_REGISTERS_OFFSET } from "@zxsim/kernel/Cpu"
import * as Exception from "@zxsim/kernel/Exception"

/**
 * Offset of the 64-bit retired-instruction count (`instret`, which `cycle` and `time` also read):
 * the kernel's `Cpu.INSTRET_OFFSET`, which it reads to charge time slices. It persists across
 * `run` calls, so a thread's counters only grow.
 *
 * @since 0.1.0
 * @category constants
 */
export const INSTRET_OFFSET = CpuPort.INSTRET_OFFSET

/**
 * ABI names of `x0`–`x31`, for messages and traces (the kernel's list, which its crash reports use).
 *
 * @since 0.1.0
 * @category utils
 */
export const abiNames: ReadonlyArray<string> = Exception.registerNames

const view = (memory: WebAssembly.Memory) => new DataView(memory.buffer)

/**
 * Reads `x<index>` as an unsigned 64-bit value.
 *
 * @since 0.1.0
 * @category utils
 */
export const readX = (memory: WebAssembly.Memory, registers: number, index: number): bigint =>
  view(memory).getBigUint64(registers + X_REGISTERS_OFFSET + 8 * index, true)

/**
 * Writes `x<index>` (any bigint; reduced modulo 2^64). Writes to `x0` are ignored, as the ISA says.
 *
 * @since 0.1.0
 * @category utils
 */
export const writeX = (memory: WebAssembly.Memory, registers: number, index: number, value: bigint): void => {
  if (index === 0) return
  view(memory).setBigUint64(registers + X_REGISTERS_OFFSET + 8 * index, BigInt.asUintN(64, value), true)
}

/**
 * Reads the program counter.
 *
 * @since 0.1.0
 * @category utils
 */
export const readPc = (memory: WebAssembly.Memory, registers: number): bigint =>
  view(memory).getBigUint64(registers + PC_OFFSET, true)

/**
 * Writes the program counter (reduced modulo 2^64).
 *
 * @since 0.1.0
 * @category utils
 */
export const writePc = (memory: WebAssembly.Memory, registers: number, value: bigint): void =>
  view(memory).setBigUint64(registers + PC_OFFSET, BigInt.asUintN(64, value), true)

/**
 * Reads the retired-instruction count.
 *
 * @since 0.1.0
 * @category utils
 */
export const readInstret = (memory: WebAssembly.Memory, registers: number): bigint =>
  view(memory).getBigUint64(registers + INSTRET_OFFSET, true)
