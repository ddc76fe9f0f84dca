// What a static PIE must do for itself before it can run C code normally: apply its own
// R_RISCV_RELATIVE relocations (there is no dynamic linker), and find functions in the vDSO, an ELF
// shared object the kernel mapped into the process and whose base address arrives in a1.
//
// Everything here is `static inline`, reads memory only through the pointers it is given, calls no
// library function and touches no global variable, so it can run before relocation and can be
// compiled for the host to be tested there (test/host/harness.c). The start-up (start.c) and the
// freestanding static_pie_test_util both include it.
#ifndef ZXSIM_STATIC_PIE_H_
#define ZXSIM_STATIC_PIE_H_

#include <stddef.h>
#include <stdint.h>

// The few ELF64 structures and constants needed, under our own names so that this header does not
// depend on any C library's <elf.h>.
typedef struct {
  unsigned char e_ident[16];
  uint16_t e_type;
  uint16_t e_machine;
  uint32_t e_version;
  uint64_t e_entry;
  uint64_t e_phoff;
  uint64_t e_shoff;
  uint32_t e_flags;
  uint16_t e_ehsize;
  uint16_t e_phentsize;
  uint16_t e_phnum;
  uint16_t e_shentsize;
  uint16_t e_shnum;
  uint16_t e_shstrndx;
} zxs_elf64_ehdr_t;

typedef struct {
  uint32_t p_type;
  uint32_t p_flags;
  uint64_t p_offset;
  uint64_t p_vaddr;
  uint64_t p_paddr;
  uint64_t p_filesz;
  uint64_t p_memsz;
  uint64_t p_align;
} zxs_elf64_phdr_t;

typedef struct {
  int64_t d_tag;
  uint64_t d_val;
} zxs_elf64_dyn_t;

typedef struct {
  uint32_t st_name;
  unsigned char st_info;
  unsigned char st_other;
  uint16_t st_shndx;
  uint64_t st_value;
  uint64_t st_size;
} zxs_elf64_sym_t;

typedef struct {
  uint64_t r_offset;
  uint64_t r_info;
  int64_t r_addend;
} zxs_elf64_rela_t;

#define ZXS_PT_DYNAMIC 2u
#define ZXS_PT_TLS 7u
#define ZXS_PT_GNU_RELRO 0x6474e552u
#define ZXS_DT_NULL 0
#define ZXS_DT_HASH 4
#define ZXS_DT_STRTAB 5
#define ZXS_DT_SYMTAB 6
#define ZXS_DT_RELA 7
#define ZXS_DT_RELASZ 8
#define ZXS_DT_RELAENT 9
#define ZXS_DT_REL 17
#define ZXS_DT_RELSZ 18
#define ZXS_DT_RELR 36
#define ZXS_DT_RELRSZ 35
#define ZXS_DT_GNU_HASH 0x6ffffef5
#define ZXS_STT_FUNC 2u
#define ZXS_SHN_UNDEF 0u
#define ZXS_R_RISCV_NONE 0u
#define ZXS_R_RISCV_RELATIVE 3u

// The program headers of the ELF image whose header is at `base`.
static inline const zxs_elf64_phdr_t* zxs_program_headers(uintptr_t base, size_t* count) {
  const zxs_elf64_ehdr_t* ehdr = (const zxs_elf64_ehdr_t*)base;
  *count = ehdr->e_phnum;
  return (const zxs_elf64_phdr_t*)(base + ehdr->e_phoff);
}

// The first program header of `type` of the image at `base`, or NULL.
static inline const zxs_elf64_phdr_t* zxs_find_segment(uintptr_t base, uint32_t type) {
  size_t count;
  const zxs_elf64_phdr_t* phdrs = zxs_program_headers(base, &count);
  for (size_t i = 0; i < count; i++) {
    if (phdrs[i].p_type == type) return &phdrs[i];
  }
  return NULL;
}

// The whole pages of the PT_GNU_RELRO segment of the image at `base` (relocated by `bias`):
// [*start, *end), empty when it has none. A partial last page shares data that stays writable.
static inline void zxs_relro_pages(const zxs_elf64_phdr_t* phdrs, size_t count, uintptr_t bias, uintptr_t* start,
                                   uintptr_t* end) {
  *start = *end = 0;
  for (size_t i = 0; i < count; i++) {
    if (phdrs[i].p_type != ZXS_PT_GNU_RELRO || phdrs[i].p_memsz == 0) continue;
    uintptr_t first = (bias + phdrs[i].p_vaddr) & ~(uintptr_t)4095;
    uintptr_t last = (bias + phdrs[i].p_vaddr + phdrs[i].p_memsz) & ~(uintptr_t)4095;
    if (last > first) {
      *start = first;
      *end = last;
    }
  }
}

// The dynamic section of the image at `base` (its PT_DYNAMIC segment), or NULL.
static inline const zxs_elf64_dyn_t* zxs_find_dynamic(uintptr_t base) {
  const zxs_elf64_phdr_t* phdr = zxs_find_segment(base, ZXS_PT_DYNAMIC);
  return phdr == NULL ? NULL : (const zxs_elf64_dyn_t*)(base + phdr->p_vaddr);
}

// Applies the dynamic relocations of the image loaded at `base`, whose only kind may be
// R_RISCV_RELATIVE in DT_RELA (`*where = base + addend`), which is all `ld.lld -pie` emits for a
// program without dynamic symbols. Returns 0, or -1 for anything else (another relocation type, a
// REL or RELR table, a bad entry size); entries before a bad one are already applied then, so
// callers treat -1 as fatal.
static inline int zxs_relocate_self(uintptr_t base, const zxs_elf64_dyn_t* dynamic) {
  if (dynamic == NULL) return 0;
  uint64_t rela = 0, relasz = 0, relaent = sizeof(zxs_elf64_rela_t);
  for (const zxs_elf64_dyn_t* d = dynamic; d->d_tag != ZXS_DT_NULL; d++) {
    switch (d->d_tag) {
      case ZXS_DT_RELA: rela = d->d_val; break;
      case ZXS_DT_RELASZ: relasz = d->d_val; break;
      case ZXS_DT_RELAENT: relaent = d->d_val; break;
      case ZXS_DT_REL:
      case ZXS_DT_RELR:
        return -1;
      default: break;
    }
  }
  if (relaent != sizeof(zxs_elf64_rela_t)) return -1;
  const zxs_elf64_rela_t* r = (const zxs_elf64_rela_t*)(base + rela);
  for (uint64_t i = 0; i < relasz / sizeof(zxs_elf64_rela_t); i++) {
    uint32_t type = (uint32_t)r[i].r_info;
    if (type == ZXS_R_RISCV_NONE) continue;
    if (type != ZXS_R_RISCV_RELATIVE || (r[i].r_info >> 32) != 0) return -1;
    *(uint64_t*)(base + r[i].r_offset) = base + (uint64_t)r[i].r_addend;
  }
  return 0;
}

// The symbol tables of a loaded shared object (the vDSO), as found through its dynamic section.
typedef struct {
  uintptr_t base;
  const uint32_t* gnu_hash;   // DT_GNU_HASH, or NULL
  const uint32_t* sysv_hash;  // DT_HASH, or NULL
  const zxs_elf64_sym_t* symtab;
  const char* strtab;
} zxs_dso_t;

// Finds the symbol tables of the shared object whose ELF header is at `base`. Returns 0, or -1 when
// it has no PT_DYNAMIC, no DT_SYMTAB/DT_STRTAB, or neither hash table.
static inline int zxs_dso_init(zxs_dso_t* dso, uintptr_t base) {
  dso->base = base;
  dso->gnu_hash = NULL;
  dso->sysv_hash = NULL;
  dso->symtab = NULL;
  dso->strtab = NULL;
  const zxs_elf64_ehdr_t* ehdr = (const zxs_elf64_ehdr_t*)base;
  if (base == 0 || ehdr->e_ident[0] != 0x7f || ehdr->e_ident[1] != 'E' || ehdr->e_ident[2] != 'L' ||
      ehdr->e_ident[3] != 'F' || ehdr->e_ident[4] != 2 /* ELFCLASS64 */) {
    return -1;
  }
  const zxs_elf64_dyn_t* d = zxs_find_dynamic(base);
  if (d == NULL) return -1;
  // The vDSO is not relocated: its dynamic entries hold addresses relative to its base.
  for (; d->d_tag != ZXS_DT_NULL; d++) {
    switch (d->d_tag) {
      case ZXS_DT_GNU_HASH: dso->gnu_hash = (const uint32_t*)(base + d->d_val); break;
      case ZXS_DT_HASH: dso->sysv_hash = (const uint32_t*)(base + d->d_val); break;
      case ZXS_DT_SYMTAB: dso->symtab = (const zxs_elf64_sym_t*)(base + d->d_val); break;
      case ZXS_DT_STRTAB: dso->strtab = (const char*)(base + d->d_val); break;
      default: break;
    }
  }
  if (dso->symtab == NULL || dso->strtab == NULL) return -1;
  if (dso->gnu_hash == NULL && dso->sysv_hash == NULL) return -1;
  return 0;
}

// The GNU hash of a symbol name: h = h * 33 + c from 5381, modulo 2^32.
static inline uint32_t zxs_gnu_hash(const char* name) {
  uint32_t h = 5381;
  for (const unsigned char* s = (const unsigned char*)name; *s != 0; s++) h = h * 33u + *s;
  return h;
}

// The SysV ELF hash of a symbol name (DT_HASH).
static inline uint32_t zxs_sysv_hash(const char* name) {
  uint32_t h = 0;
  for (const unsigned char* s = (const unsigned char*)name; *s != 0; s++) {
    h = (h << 4) + *s;
    uint32_t g = h & 0xf0000000u;
    if (g != 0) h ^= g >> 24;
    h &= ~g;
  }
  return h;
}

static inline int zxs_streq(const char* a, const char* b) {
  while (*a != 0 && *a == *b) {
    a++;
    b++;
  }
  return *a == *b;
}

// Whether symbol `sym` is a defined function called `name`.
static inline int zxs_symbol_matches(const zxs_dso_t* dso, const zxs_elf64_sym_t* sym, const char* name) {
  return (sym->st_info & 0xf) == ZXS_STT_FUNC && sym->st_value != 0 && sym->st_shndx != ZXS_SHN_UNDEF &&
         zxs_streq(dso->strtab + sym->st_name, name);
}

// The address of the function `name` in the shared object, or 0. Uses DT_GNU_HASH (bloom filter,
// bucket, chain) when present and DT_HASH otherwise.
static inline uintptr_t zxs_dso_lookup(const zxs_dso_t* dso, const char* name) {
  if (dso->gnu_hash != NULL) {
    const uint32_t* table = dso->gnu_hash;
    uint32_t nbuckets = table[0], symoffset = table[1], bloom_size = table[2], bloom_shift = table[3];
    if (nbuckets == 0 || bloom_size == 0) return 0;
    const uint64_t* bloom = (const uint64_t*)(table + 4);
    const uint32_t* buckets = (const uint32_t*)(bloom + bloom_size);
    const uint32_t* chain = buckets + nbuckets;
    uint32_t h = zxs_gnu_hash(name);
    uint64_t word = bloom[(h / 64) % bloom_size];
    uint64_t mask = ((uint64_t)1 << (h % 64)) | ((uint64_t)1 << ((h >> bloom_shift) % 64));
    if ((word & mask) != mask) return 0;
    uint32_t i = buckets[h % nbuckets];
    if (i < symoffset) return 0;
    for (;; i++) {
      uint32_t entry = chain[i - symoffset];
      if ((entry | 1u) == (h | 1u) && zxs_symbol_matches(dso, &dso->symtab[i], name)) {
        return dso->base + dso->symtab[i].st_value;
      }
      if ((entry & 1u) != 0) return 0;
    }
  }
  const uint32_t* table = dso->sysv_hash;
  uint32_t nbucket = table[0];
  if (nbucket == 0) return 0;
  const uint32_t* bucket = table + 2;
  const uint32_t* chain = bucket + nbucket;
  for (uint32_t i = bucket[zxs_sysv_hash(name) % nbucket]; i != 0; i = chain[i]) {
    if (zxs_symbol_matches(dso, &dso->symtab[i], name)) return dso->base + dso->symtab[i].st_value;
  }
  return 0;
}

#endif  // ZXSIM_STATIC_PIE_H_
