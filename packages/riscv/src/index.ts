/**
 * @zxsim/riscv: the RV64GC (+ Zba, Zbb, Zbs) CPU behind the kernel's `Cpu` port: decoder, disassembler, the
 * reference interpreter, and a small assembler for tests.
 *
 * @since 0.1.0
 */

/** Encoders for every RV64GC and Zba/Zbb/Zbs instruction and a program layout with labels, for tests. */
export * as Assembler from "./Assembler.js"
/** Instruction bits to operations, compressed instructions expanded. */
export * as Decoder from "./Decoder.js"
/** Decoded instructions as LLVM-style canonical text. */
export * as Disassembler from "./Disassembler.js"
/** The register file layout this package's CPUs share, and BigInt accessors for hosts. */
export * as RegisterFile from "./RegisterFile.js"
/** The reference interpreter as the kernel's `Cpu`. */
export * as RiscvInterpreter from "./RiscvInterpreter.js"
