/**
 * @zxsim/guest: the RISC-V guest side of zxsim: a sysroot for static PIEs (start-up, picolibc
 * glue, generated syscall wrappers and headers), C guest programs, and their prebuilt ELF files.
 *
 * @since 0.1.0
 */

/** The prebuilt guest programs: names, descriptions, expected endings, paths, and reading them. */
export * as Guests from "./Guests.js"
/** The sysroot files generated from the kernel's syscall table and the processargs constants. */
export * as Sysroot from "./Sysroot.js"
