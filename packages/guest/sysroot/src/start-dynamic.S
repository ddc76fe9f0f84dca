// _start of a dynamically linked zxsim program, and the stack switch its start-up uses.
//
// ld.so.1 has loaded and relocated the program and its libraries and bound every zx_* call to the
// vDSO before it jumps here with sp = the top of the (small) initial stack, a0 = the bootstrap
// channel carrying the main processargs message, and a1 = the vDSO's base address. So unlike a
// static PIE's _start (start.S) there is nothing to relocate: the C start-up runs at once.
	.section .text._start, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined ra
	call __zx_dynamic_start_main
	unimp
	.cfi_endproc
	.size _start, . - _start

// void __zx_switch_stack(void* arg, void (*fn)(void*), uintptr_t top): continues in fn(arg) with
// sp = top. fn must not return; the caller's frame stays where it was, never to be returned to.
	.section .text.__zx_switch_stack, "ax", @progbits
	.globl __zx_switch_stack
	.hidden __zx_switch_stack
	.type __zx_switch_stack, @function
__zx_switch_stack:
	.cfi_startproc
	mv sp, a2
	jalr a1
	unimp
	.cfi_endproc
	.size __zx_switch_stack, . - __zx_switch_stack

	.section .note.GNU-stack, "", @progbits
