// _start: the entry point of every zxsim static PIE built with this sysroot.
//
// The kernel starts the first thread with pc = _start, sp = the top of the stack (16-byte aligned),
// a0 = the bootstrap channel handle, a1 = the vDSO's base address, and every other register 0.
// Nothing may read a global pointer before the program's own R_RISCV_RELATIVE relocations are
// applied, so relocation runs first, in a function of its own (the compiler cannot move a GOT load
// of the start-up code above a call), and only then the C start-up, which never returns.
	.section .text._start, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined ra
	mv s0, a0
	mv s1, a1
	call __zx_static_pie_relocate
	mv a0, s0
	mv a1, s1
	call __zx_start_main
	unimp
	.cfi_endproc
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
