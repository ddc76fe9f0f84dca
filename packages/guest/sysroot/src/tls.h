// Thread-local storage of a program's initial thread: a copy of its PT_TLS segment in a frame that
// never returns, with tp pointing at it. picolibc keeps errno there.
//
// RISC-V uses TLS variant I with no TCB: the linker resolved each variable of the (local-exec)
// program to tp + its offset in the segment + (p_vaddr modulo p_align), so tp must be
// p_align-aligned and the image copied that far past it. Shared libraries may not have PT_TLS
// (ld.so.1 refuses them), so the program's segment is the only one.
//
//   unsigned char space[zxs_tls_space_size(base)];
//   zxs_tls_install(base, space);
#ifndef ZXSIM_TLS_H_
#define ZXSIM_TLS_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "static-pie.h"

static inline size_t zxs_tls_align(const zxs_elf64_phdr_t* tls) {
  size_t segment_align = tls != NULL && tls->p_align > 1 ? tls->p_align : 1;
  return segment_align > 16 ? segment_align : 16;
}

// The bytes of frame space zxs_tls_install needs for the image whose ELF header is at `base`.
static inline size_t zxs_tls_space_size(uintptr_t base) {
  const zxs_elf64_phdr_t* tls = zxs_find_segment(base, ZXS_PT_TLS);
  return (tls != NULL ? tls->p_memsz : 0) + 2 * zxs_tls_align(tls);
}

// Copies PT_TLS into `space` (zxs_tls_space_size bytes) and returns the thread pointer that
// addresses it: for the initial thread here, for a new thread (pthread.c) in its own mapping.
static inline uintptr_t zxs_tls_prepare(uintptr_t base, unsigned char* space) {
  const zxs_elf64_phdr_t* tls = zxs_find_segment(base, ZXS_PT_TLS);
  size_t align = zxs_tls_align(tls);
  uintptr_t tp = ((uintptr_t)space + align - 1) & ~(uintptr_t)(align - 1);
  if (tls != NULL) {
    size_t segment_align = tls->p_align > 1 ? tls->p_align : 1;
    unsigned char* block = (unsigned char*)tp + (tls->p_vaddr & (segment_align - 1));
    memcpy(block, (const void*)(base + tls->p_vaddr), tls->p_filesz);
    memset(block + tls->p_filesz, 0, tls->p_memsz - tls->p_filesz);
  }
  return tp;
}

// Copies PT_TLS into `space` (zxs_tls_space_size bytes) and points tp at it.
static inline void zxs_tls_install(uintptr_t base, unsigned char* space) {
  uintptr_t tp = zxs_tls_prepare(base, space);
  __asm__ volatile("mv tp, %0" : : "r"(tp) : "memory");
}

#endif  // ZXSIM_TLS_H_
