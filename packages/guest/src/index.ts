/**
 * @zxsim/guest: the RISC-V guest side of zxsim: a sysroot for static PIEs and dynamically linked
 * programs (start-ups, picolibc glue, generated syscall wrappers and headers, the dynamic linker
 * ld.so.1, a fuchsia.io client), C guest programs and shared libraries, and their prebuilt ELF
 * files.
 *
 * @since 0.1.0
 */

/**
 * The prebuilt guest programs: names, descriptions, expected endings, paths, and reading them.
 *
 * @since 0.1.0
 */
export * as Guests from "./Guests.js"
/**
 * The sysroot files generated from the kernel's tables, the processargs constants and the FIDL declarations.
 *
 * @since 0.1.0
 */
export * as Sysroot from "./Sysroot.js"
