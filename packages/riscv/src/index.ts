/**
 * @zxsim/riscv: the RV64GC (+ Zba, Zbb, Zbs) CPU behind the kernel's `Cpu` port: decoder, disassembler, the
 * reference interpreter, and a small assembler for tests.
 *
 * @since 0.1.0
 */

/**
 * Encoders for every RV64GC and Zba/Zbb/Zbs instruction and a program layout with labels, for tests.
 *
 * @since 0.1.0
 */
export * as Assembler from "./Assembler.js"
/**
 * Instruction bits to operations, compressed instructions expanded.
 *
 * @since 0.1.0
 */
export * as Decoder from "./Decoder.js"
/**
 * Decoded instructions as LLVM-style canonical text.
 *
 * @since 0.1.0
 */
export * as Disassembler from "./Disassembler.js"
/**
 * The register file layout this package's CPUs share, and BigInt accessors for hosts.
 *
 * @since 0.1.0
 */
export * as RegisterFile from "./RegisterFile.js"
/**
 * The reference interpreter as the kernel's `Cpu`.
 *
 * @since 0.1.0
 */
export * as RiscvInterpreter from "./RiscvInterpreter.js"
