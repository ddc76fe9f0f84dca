// ld.so.1's entry and its jump into the program.
//
// The builder starts the first thread here, in ld.so.1, with sp = the top of the initial stack,
// a0 = the bootstrap channel (the linker message first, then the main one) and a1 = the vDSO's
// base. Like a static PIE, ld.so.1 first applies its own R_RISCV_RELATIVE relocations, in a
// function of its own, then runs the linker, which ends in __ldso_enter.
	.section .text._start, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined ra
	mv s0, a0
	mv s1, a1
	mv s2, sp
	call __ldso_relocate
	mv a0, s0
	mv a1, s1
	mv a2, s2
	call __ldso_main
	unimp
	.cfi_endproc
	.size _start, . - _start

// void __ldso_enter(uintptr_t entry, uintptr_t sp, zx_handle_t bootstrap, uintptr_t vdso_base):
// starts the program at `entry` as the kernel would have started it: sp as it was when ld.so.1
// began (so the program gets the whole initial stack), a0 = its bootstrap channel, a1 = the vDSO's
// base, and no return address.
	.section .text.__ldso_enter, "ax", @progbits
	.globl __ldso_enter
	.hidden __ldso_enter
	.type __ldso_enter, @function
__ldso_enter:
	.cfi_startproc
	mv t1, a0
	mv sp, a1
	mv a0, a2
	mv a1, a3
	li a2, 0
	li a3, 0
	li ra, 0
	li s0, 0
	li s1, 0
	li s2, 0
	jr t1
	.cfi_endproc
	.size __ldso_enter, . - __ldso_enter

	.section .note.GNU-stack, "", @progbits
