// The pure parts of ld.so.1, the dynamic linker: checking an ELF image and planning how its
// segments are mapped, reading a loaded object's dynamic section, looking symbols up through
// DT_GNU_HASH (or DT_HASH), and applying RELA, REL and RELR relocations against a search scope.
//
// Like static-pie.h, everything here is `static inline`, calls no library function and touches no
// global variable, so ld.so.1 runs it before it has a C library (it never has one) and the host
// test harness (test/host/harness.c) runs the same code on synthetic images.
#ifndef ZXSIM_DYNLINK_H_
#define ZXSIM_DYNLINK_H_

#include <stddef.h>
#include <stdint.h>

#include "static-pie.h"

typedef struct {
  uint64_t r_offset;
  uint64_t r_info;
} zxs_elf64_rel_t;

#define ZXS_ELF_PAGE_SIZE 4096u
#define ZXS_EM_RISCV 243u
#define ZXS_ET_DYN 3u
#define ZXS_PT_LOAD 1u
#define ZXS_PT_INTERP 3u
#define ZXS_PF_X 1u
#define ZXS_PF_W 2u
#define ZXS_PF_R 4u
#define ZXS_SHN_ABS 0xfff1u
#define ZXS_STB_LOCAL 0u
#define ZXS_STB_GLOBAL 1u
#define ZXS_STB_WEAK 2u
#define ZXS_STB_GNU_UNIQUE 10u
#define ZXS_STT_TLS 6u

#define ZXS_DT_NEEDED 1
#define ZXS_DT_PLTRELSZ 2
#define ZXS_DT_STRSZ 10
#define ZXS_DT_SYMENT 11
#define ZXS_DT_INIT 12
#define ZXS_DT_SONAME 14
#define ZXS_DT_RELENT 19
#define ZXS_DT_PLTREL 20
#define ZXS_DT_TEXTREL 22
#define ZXS_DT_JMPREL 23
#define ZXS_DT_INIT_ARRAY 25
#define ZXS_DT_INIT_ARRAYSZ 27
#define ZXS_DT_FLAGS 30
#define ZXS_DT_RELRENT 37
#define ZXS_DF_TEXTREL 0x4u

#define ZXS_R_RISCV_64 2u
#define ZXS_R_RISCV_JUMP_SLOT 5u

// Why something was refused. ld.so.1 prints zxs_dl_error_text of the code.
#define ZXS_DL_OK 0
#define ZXS_DL_NOT_ELF (-1)          // not a little-endian ELF64 file
#define ZXS_DL_WRONG_MACHINE (-2)    // not RISC-V
#define ZXS_DL_NOT_DYN (-3)          // not ET_DYN (position-independent)
#define ZXS_DL_BAD_PHDRS (-4)        // program headers of the wrong size, none, or too many
#define ZXS_DL_BAD_SEGMENTS (-5)     // PT_LOAD out of order, overlapping, misaligned or filesz > memsz
#define ZXS_DL_NOTHING_TO_LOAD (-6)  // no PT_LOAD with memory
#define ZXS_DL_NO_DYNAMIC (-7)       // no PT_DYNAMIC, or no DT_SYMTAB/DT_STRTAB
#define ZXS_DL_BAD_DYNAMIC (-8)      // an entry size that is not the ELF64 one, or an unknown DT_PLTREL
#define ZXS_DL_TEXTREL (-9)          // relocations in read-only segments (DT_TEXTREL)
#define ZXS_DL_BAD_RELOCATION (-10)  // a relocation type this linker does not apply
#define ZXS_DL_BAD_SYMBOL (-11)      // a relocation names a symbol index past the symbol table
#define ZXS_DL_UNDEFINED (-12)       // a symbol no object of the scope defines
#define ZXS_DL_TLS (-13)             // a shared library with thread-local storage
#define ZXS_DL_FLOAT_ABI (-14)       // a library whose float ABI is not the executable's

// The float ABI bits of a RISC-V ELF header's e_flags (EF_RISCV_FLOAT_ABI: soft, single, double,
// quad), and their names.
#define ZXS_EF_RISCV_FLOAT_ABI 0x6u

static inline const char* zxs_float_abi_name(uint32_t e_flags) {
  switch (e_flags & ZXS_EF_RISCV_FLOAT_ABI) {
    case 0x0: return "soft-float (lp64)";
    case 0x2: return "single-float (lp64f)";
    case 0x4: return "double-float (lp64d)";
    default: return "quad-float (lp64q)";
  }
}

static inline const char* zxs_dl_error_text(int code) {
  switch (code) {
    case ZXS_DL_NOT_ELF: return "not an ELF64 little-endian file";
    case ZXS_DL_WRONG_MACHINE: return "not a RISC-V file";
    case ZXS_DL_NOT_DYN: return "not position-independent (ET_DYN)";
    case ZXS_DL_BAD_PHDRS: return "bad program headers";
    case ZXS_DL_BAD_SEGMENTS: return "bad PT_LOAD segments";
    case ZXS_DL_NOTHING_TO_LOAD: return "nothing to load";
    case ZXS_DL_NO_DYNAMIC: return "no dynamic symbol table";
    case ZXS_DL_BAD_DYNAMIC: return "bad dynamic section";
    case ZXS_DL_TEXTREL: return "text relocations are not supported";
    case ZXS_DL_BAD_RELOCATION: return "unsupported relocation type";
    case ZXS_DL_BAD_SYMBOL: return "relocation symbol index out of range";
    case ZXS_DL_UNDEFINED: return "symbol not found";
    case ZXS_DL_TLS: return "thread-local storage in a shared library is not supported";
    case ZXS_DL_FLOAT_ABI: return "its float ABI (EF_RISCV_FLOAT_ABI) differs from the executable's";
    default: return "error";
  }
}

static inline uint64_t zxs_page_start(uint64_t x) { return x & ~(uint64_t)(ZXS_ELF_PAGE_SIZE - 1); }
static inline uint64_t zxs_page_end(uint64_t x) { return zxs_page_start(x + ZXS_ELF_PAGE_SIZE - 1); }

// ---------------------------------------------------------------------------------------------
// Images: checking the headers and planning the mappings (the process builder's algorithm)
// ---------------------------------------------------------------------------------------------

// What the program headers say about an image: the page-aligned span of its PT_LOAD segments,
// the union of their p_flags, and where PT_DYNAMIC, PT_INTERP and PT_TLS are.
typedef struct {
  uint64_t low, high;
  uint32_t max_flags;
  int has_dynamic, has_interp, has_tls;
  uint64_t dynamic_vaddr;
} zxs_image_t;

// Checks an ELF header and its program headers (`phdrs`, e_phnum of them) and computes the span.
static inline int zxs_image_check(const zxs_elf64_ehdr_t* ehdr, const zxs_elf64_phdr_t* phdrs, zxs_image_t* image) {
  const unsigned char* id = ehdr->e_ident;
  if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F' || id[4] != 2 /* ELFCLASS64 */ ||
      id[5] != 1 /* little-endian */) {
    return ZXS_DL_NOT_ELF;
  }
  if (ehdr->e_machine != ZXS_EM_RISCV) return ZXS_DL_WRONG_MACHINE;
  if (ehdr->e_type != ZXS_ET_DYN) return ZXS_DL_NOT_DYN;
  if (ehdr->e_phentsize != sizeof(zxs_elf64_phdr_t) || ehdr->e_phnum == 0) return ZXS_DL_BAD_PHDRS;
  image->low = 0;
  image->high = 0;
  image->max_flags = 0;
  image->has_dynamic = image->has_interp = image->has_tls = 0;
  image->dynamic_vaddr = 0;
  int loads = 0;
  uint64_t previous_end = 0;
  for (uint16_t i = 0; i < ehdr->e_phnum; i++) {
    const zxs_elf64_phdr_t* ph = &phdrs[i];
    if (ph->p_type == ZXS_PT_DYNAMIC && !image->has_dynamic) {
      image->has_dynamic = 1;
      image->dynamic_vaddr = ph->p_vaddr;
    }
    if (ph->p_type == ZXS_PT_INTERP) image->has_interp = 1;
    if (ph->p_type == ZXS_PT_TLS) image->has_tls = 1;
    if (ph->p_type != ZXS_PT_LOAD || ph->p_memsz == 0) continue;
    if (ph->p_filesz > ph->p_memsz || (ph->p_offset & (ZXS_ELF_PAGE_SIZE - 1)) != (ph->p_vaddr & (ZXS_ELF_PAGE_SIZE - 1)) ||
        ph->p_vaddr + ph->p_memsz < ph->p_vaddr || ph->p_offset + ph->p_filesz < ph->p_offset) {
      return ZXS_DL_BAD_SEGMENTS;
    }
    if (loads > 0 && zxs_page_start(ph->p_vaddr) < previous_end) return ZXS_DL_BAD_SEGMENTS;
    if (loads == 0) image->low = zxs_page_start(ph->p_vaddr);
    previous_end = zxs_page_end(ph->p_vaddr + ph->p_memsz);
    image->high = previous_end;
    image->max_flags |= ph->p_flags;
    loads++;
  }
  if (loads == 0 || image->high == image->low) return ZXS_DL_NOTHING_TO_LOAD;
  return ZXS_DL_OK;
}

// How one PT_LOAD segment is mapped, relative to the start of the image's VMAR (its `low`):
// `map_size` bytes of the source VMO from `vmo_offset` at `vmar_offset` (none when 0), either
// directly or, when `copy`, from a copy-on-write child of that range whose [zero_offset,
// zero_offset + zero_size) is zeroed first; then `bss_size` bytes of a fresh VMO at
// `bss_vmar_offset` (none when 0).
typedef struct {
  uint64_t vmo_offset, map_size, vmar_offset;
  int copy;
  uint64_t zero_offset, zero_size;
  uint64_t bss_vmar_offset, bss_size;
  uint32_t flags;
} zxs_segment_plan_t;

// Plans one PT_LOAD of an image whose span starts at `low`: file pages shared when read-only,
// copied when writable or when the last file page holds bss, and whole bss pages anonymous.
static inline void zxs_plan_segment(const zxs_elf64_phdr_t* ph, uint64_t low, zxs_segment_plan_t* plan) {
  uint64_t adjust = ph->p_offset & (ZXS_ELF_PAGE_SIZE - 1);
  uint64_t file_offset = ph->p_offset - adjust;
  uint64_t file_size = ph->p_filesz + adjust;
  uint64_t virt_offset = ph->p_vaddr - adjust - low;
  uint64_t virt_size = ph->p_memsz + adjust;
  int partial_page = virt_size > file_size && (file_size & (ZXS_ELF_PAGE_SIZE - 1)) != 0;
  plan->flags = ph->p_flags;
  plan->vmo_offset = file_offset;
  plan->map_size = file_size != 0 ? zxs_page_end(file_size) : 0;
  plan->vmar_offset = virt_offset;
  plan->copy = partial_page || (file_size > 0 && (ph->p_flags & ZXS_PF_W) != 0);
  plan->zero_offset = file_size;
  plan->zero_size = plan->copy && virt_size > file_size ? zxs_page_end(file_size) - file_size : 0;
  uint64_t bss_start = zxs_page_end(file_size);
  uint64_t bss_end = zxs_page_end(virt_size);
  plan->bss_vmar_offset = virt_offset + bss_start;
  plan->bss_size = virt_size > file_size && bss_end > bss_start ? bss_end - bss_start : 0;
}

// ---------------------------------------------------------------------------------------------
// Loaded objects: the dynamic section
// ---------------------------------------------------------------------------------------------

// A loaded object as the linker sees it: where it is and what its dynamic section says. Every
// address is already biased (`base` + the d_ptr value), except that nothing is relocated yet.
typedef struct zxs_object {
  const char* name;
  uintptr_t base;  // the load bias: the address of vaddr 0
  const zxs_elf64_dyn_t* dynamic;
  const zxs_elf64_sym_t* symtab;
  const char* strtab;
  uint64_t strsz;
  const uint32_t* gnu_hash;   // or NULL
  const uint32_t* sysv_hash;  // or NULL
  uint64_t symbol_count;      // from the hash tables; UINT64_MAX when there are none
  uintptr_t rela, rel, relr, jmprel;
  uint64_t relasz, relsz, relrsz, pltrelsz;
  int64_t pltrel;  // ZXS_DT_RELA or ZXS_DT_REL
  uintptr_t init, init_array;
  uint64_t init_arraysz;
} zxs_object_t;

// The number of symbols a DT_GNU_HASH table covers: past the highest bucket start, follow that
// chain to its end.
static inline uint64_t zxs_gnu_hash_symbol_count(const uint32_t* table) {
  uint32_t nbuckets = table[0], symoffset = table[1], bloom_size = table[2];
  const uint32_t* buckets = (const uint32_t*)((const uint64_t*)(table + 4) + bloom_size);
  const uint32_t* chain = buckets + nbuckets;
  uint32_t last = 0;
  for (uint32_t i = 0; i < nbuckets; i++) {
    if (buckets[i] > last) last = buckets[i];
  }
  if (last < symoffset) return symoffset;
  while ((chain[last - symoffset] & 1u) == 0) last++;
  return (uint64_t)last + 1;
}

// Reads the dynamic section `dynamic` of an object loaded with bias `base`.
static inline int zxs_object_init(zxs_object_t* obj, const char* name, uintptr_t base, const zxs_elf64_dyn_t* dynamic) {
  zxs_object_t o = {0};
  o.name = name;
  o.base = base;
  o.dynamic = dynamic;
  o.pltrel = ZXS_DT_RELA;
  if (dynamic == NULL) return ZXS_DL_NO_DYNAMIC;
  uint64_t syment = sizeof(zxs_elf64_sym_t), relaent = sizeof(zxs_elf64_rela_t), relent = sizeof(zxs_elf64_rel_t);
  uint64_t relrent = 8;
  int textrel = 0;
  for (const zxs_elf64_dyn_t* d = dynamic; d->d_tag != ZXS_DT_NULL; d++) {
    uintptr_t address = base + d->d_val;
    switch (d->d_tag) {
      case ZXS_DT_SYMTAB: o.symtab = (const zxs_elf64_sym_t*)address; break;
      case ZXS_DT_STRTAB: o.strtab = (const char*)address; break;
      case ZXS_DT_STRSZ: o.strsz = d->d_val; break;
      case ZXS_DT_SYMENT: syment = d->d_val; break;
      case ZXS_DT_GNU_HASH: o.gnu_hash = (const uint32_t*)address; break;
      case ZXS_DT_HASH: o.sysv_hash = (const uint32_t*)address; break;
      case ZXS_DT_RELA: o.rela = address; break;
      case ZXS_DT_RELASZ: o.relasz = d->d_val; break;
      case ZXS_DT_RELAENT: relaent = d->d_val; break;
      case ZXS_DT_REL: o.rel = address; break;
      case ZXS_DT_RELSZ: o.relsz = d->d_val; break;
      case ZXS_DT_RELENT: relent = d->d_val; break;
      case ZXS_DT_RELR: o.relr = address; break;
      case ZXS_DT_RELRSZ: o.relrsz = d->d_val; break;
      case ZXS_DT_RELRENT: relrent = d->d_val; break;
      case ZXS_DT_JMPREL: o.jmprel = address; break;
      case ZXS_DT_PLTRELSZ: o.pltrelsz = d->d_val; break;
      case ZXS_DT_PLTREL: o.pltrel = (int64_t)d->d_val; break;
      case ZXS_DT_INIT: o.init = address; break;
      case ZXS_DT_INIT_ARRAY: o.init_array = address; break;
      case ZXS_DT_INIT_ARRAYSZ: o.init_arraysz = d->d_val; break;
      case ZXS_DT_TEXTREL: textrel = 1; break;
      case ZXS_DT_FLAGS:
        if ((d->d_val & ZXS_DF_TEXTREL) != 0) textrel = 1;
        break;
      default: break;
    }
  }
  *obj = o;
  if (o.symtab == NULL || o.strtab == NULL) return ZXS_DL_NO_DYNAMIC;
  if (syment != sizeof(zxs_elf64_sym_t) || relaent != sizeof(zxs_elf64_rela_t) || relent != sizeof(zxs_elf64_rel_t) ||
      relrent != 8 || (o.pltrel != ZXS_DT_RELA && o.pltrel != ZXS_DT_REL)) {
    return ZXS_DL_BAD_DYNAMIC;
  }
  if (textrel) return ZXS_DL_TEXTREL;
  obj->symbol_count = o.gnu_hash != NULL ? zxs_gnu_hash_symbol_count(o.gnu_hash)
                      : o.sysv_hash != NULL ? o.sysv_hash[1]
                                            : UINT64_MAX;
  return ZXS_DL_OK;
}

// The `index`-th DT_NEEDED name of the object (in dynamic-section order), or NULL past the last.
static inline const char* zxs_object_needed(const zxs_object_t* obj, size_t index) {
  for (const zxs_elf64_dyn_t* d = obj->dynamic; d->d_tag != ZXS_DT_NULL; d++) {
    if (d->d_tag == ZXS_DT_NEEDED && index-- == 0) return obj->strtab + d->d_val;
  }
  return NULL;
}

// ---------------------------------------------------------------------------------------------
// Symbols
// ---------------------------------------------------------------------------------------------

// Whether `sym` is a definition other objects can bind to: defined, global, weak or unique, and
// not thread-local.
static inline int zxs_symbol_is_definition(const zxs_elf64_sym_t* sym) {
  uint32_t bind = sym->st_info >> 4, type = sym->st_info & 0xf;
  return sym->st_shndx != ZXS_SHN_UNDEF && type != ZXS_STT_TLS &&
         (bind == ZXS_STB_GLOBAL || bind == ZXS_STB_WEAK || bind == ZXS_STB_GNU_UNIQUE);
}

// The run-time address of a symbol defined by `obj`.
static inline uintptr_t zxs_symbol_address(const zxs_object_t* obj, const zxs_elf64_sym_t* sym) {
  return sym->st_shndx == ZXS_SHN_ABS ? (uintptr_t)sym->st_value : obj->base + sym->st_value;
}

// The definition of `name` in `obj`, or NULL. `gnu` and `sysv` are the name's two hashes
// (zxs_gnu_hash, zxs_sysv_hash), computed once per lookup across a scope.
static inline const zxs_elf64_sym_t* zxs_object_lookup(const zxs_object_t* obj, const char* name, uint32_t gnu,
                                                       uint32_t sysv) {
  if (obj->gnu_hash != NULL) {
    const uint32_t* table = obj->gnu_hash;
    uint32_t nbuckets = table[0], symoffset = table[1], bloom_size = table[2], bloom_shift = table[3];
    if (nbuckets == 0 || bloom_size == 0) return NULL;
    const uint64_t* bloom = (const uint64_t*)(table + 4);
    const uint32_t* buckets = (const uint32_t*)(bloom + bloom_size);
    const uint32_t* chain = buckets + nbuckets;
    uint64_t word = bloom[(gnu / 64) % bloom_size];
    uint64_t mask = ((uint64_t)1 << (gnu % 64)) | ((uint64_t)1 << ((gnu >> bloom_shift) % 64));
    if ((word & mask) != mask) return NULL;
    uint32_t i = buckets[gnu % nbuckets];
    if (i < symoffset) return NULL;
    for (;; i++) {
      uint32_t entry = chain[i - symoffset];
      const zxs_elf64_sym_t* sym = &obj->symtab[i];
      if ((entry | 1u) == (gnu | 1u) && zxs_symbol_is_definition(sym) && zxs_streq(obj->strtab + sym->st_name, name)) {
        return sym;
      }
      if ((entry & 1u) != 0) return NULL;
    }
  }
  if (obj->sysv_hash != NULL) {
    const uint32_t* table = obj->sysv_hash;
    uint32_t nbucket = table[0], nchain = table[1];
    if (nbucket == 0) return NULL;
    const uint32_t* bucket = table + 2;
    const uint32_t* chain = bucket + nbucket;
    // At most nchain steps, so that a corrupt chain with a cycle cannot hang the linker.
    uint32_t steps = 0;
    for (uint32_t i = bucket[sysv % nbucket]; i != 0 && i < nchain && steps < nchain; i = chain[i], steps++) {
      const zxs_elf64_sym_t* sym = &obj->symtab[i];
      if (zxs_symbol_is_definition(sym) && zxs_streq(obj->strtab + sym->st_name, name)) return sym;
    }
  }
  return NULL;
}

// The objects whose definitions a relocation may bind to, searched in order: the executable, its
// libraries in load order, then the vDSO.
typedef struct {
  const zxs_object_t* const* objects;
  size_t count;
} zxs_scope_t;

// The first definition of `name` in `scope`: returns its address in `*address` and its object in
// `*definer` (may be NULL), or ZXS_DL_UNDEFINED.
static inline int zxs_scope_lookup(const zxs_scope_t* scope, const char* name, uintptr_t* address,
                                   const zxs_object_t** definer) {
  uint32_t gnu = zxs_gnu_hash(name), sysv = zxs_sysv_hash(name);
  for (size_t i = 0; i < scope->count; i++) {
    const zxs_object_t* obj = scope->objects[i];
    const zxs_elf64_sym_t* sym = zxs_object_lookup(obj, name, gnu, sysv);
    if (sym != NULL) {
      *address = zxs_symbol_address(obj, sym);
      if (definer != NULL) *definer = obj;
      return ZXS_DL_OK;
    }
  }
  return ZXS_DL_UNDEFINED;
}

// ---------------------------------------------------------------------------------------------
// Relocations
// ---------------------------------------------------------------------------------------------

// The relocation that failed: its error code, type and (for symbol errors) the symbol's name.
typedef struct {
  int code;
  uint32_t type;
  const char* symbol;
} zxs_reloc_error_t;

static inline int zxs_reloc_fail(zxs_reloc_error_t* error, int code, uint32_t type, const char* symbol) {
  if (error != NULL) {
    error->code = code;
    error->type = type;
    error->symbol = symbol;
  }
  return code;
}

// The value S of symbol `index` of `obj`: the address of its definition found in `scope`, 0 for
// index 0 or an undefined weak symbol nobody defines, and the object's own address for a local.
static inline int zxs_symbol_value(const zxs_object_t* obj, const zxs_scope_t* scope, uint64_t index, uint32_t type,
                                   uintptr_t* value, zxs_reloc_error_t* error) {
  *value = 0;
  if (index == 0) return ZXS_DL_OK;
  if (index >= obj->symbol_count) return zxs_reloc_fail(error, ZXS_DL_BAD_SYMBOL, type, NULL);
  const zxs_elf64_sym_t* sym = &obj->symtab[index];
  const char* name = obj->strtab + sym->st_name;
  if ((sym->st_info >> 4) == ZXS_STB_LOCAL) {
    *value = sym->st_shndx == ZXS_SHN_UNDEF ? 0 : zxs_symbol_address(obj, sym);
    return ZXS_DL_OK;
  }
  if (zxs_scope_lookup(scope, name, value, NULL) == ZXS_DL_OK) return ZXS_DL_OK;
  if (sym->st_shndx == ZXS_SHN_UNDEF && (sym->st_info >> 4) == ZXS_STB_WEAK) return ZXS_DL_OK;
  return zxs_reloc_fail(error, ZXS_DL_UNDEFINED, type, name);
}

// Applies one relocation at `where` with addend `addend` (for REL, the implicit addend read from
// `where`). JUMP_SLOT ignores an implicit addend: in a REL table the slot holds the PLT's lazy
// entry, not an addend.
static inline int zxs_apply_one(const zxs_object_t* obj, const zxs_scope_t* scope, uint64_t offset, uint64_t info,
                                int64_t addend, int explicit_addend, zxs_reloc_error_t* error) {
  uint32_t type = (uint32_t)info;
  uint64_t* where = (uint64_t*)(obj->base + offset);
  uintptr_t value;
  int status;
  switch (type) {
    case ZXS_R_RISCV_NONE: return ZXS_DL_OK;
    case ZXS_R_RISCV_RELATIVE:
      *where = obj->base + (uint64_t)addend;
      return ZXS_DL_OK;
    case ZXS_R_RISCV_64:
      status = zxs_symbol_value(obj, scope, info >> 32, type, &value, error);
      if (status != ZXS_DL_OK) return status;
      *where = value + (uint64_t)addend;
      return ZXS_DL_OK;
    case ZXS_R_RISCV_JUMP_SLOT:
      status = zxs_symbol_value(obj, scope, info >> 32, type, &value, error);
      if (status != ZXS_DL_OK) return status;
      *where = value + (explicit_addend ? (uint64_t)addend : 0);
      return ZXS_DL_OK;
    default: return zxs_reloc_fail(error, ZXS_DL_BAD_RELOCATION, type, NULL);
  }
}

static inline int zxs_apply_rela(const zxs_object_t* obj, const zxs_scope_t* scope, uintptr_t table, uint64_t size,
                                 zxs_reloc_error_t* error) {
  const zxs_elf64_rela_t* r = (const zxs_elf64_rela_t*)table;
  for (uint64_t i = 0; i < size / sizeof(zxs_elf64_rela_t); i++) {
    int status = zxs_apply_one(obj, scope, r[i].r_offset, r[i].r_info, r[i].r_addend, 1, error);
    if (status != ZXS_DL_OK) return status;
  }
  return ZXS_DL_OK;
}

static inline int zxs_apply_rel(const zxs_object_t* obj, const zxs_scope_t* scope, uintptr_t table, uint64_t size,
                                zxs_reloc_error_t* error) {
  const zxs_elf64_rel_t* r = (const zxs_elf64_rel_t*)table;
  for (uint64_t i = 0; i < size / sizeof(zxs_elf64_rel_t); i++) {
    int64_t addend = *(const int64_t*)(obj->base + r[i].r_offset);
    int status = zxs_apply_one(obj, scope, r[i].r_offset, r[i].r_info, addend, 0, error);
    if (status != ZXS_DL_OK) return status;
  }
  return ZXS_DL_OK;
}

// Applies a DT_RELR table: an even entry is the offset of a relative relocation (the word there
// gets `base` added) and starts a run; an odd entry is a bitmap of the 63 words after the run's
// current position, bit i (from 1) meaning word i - 1, after which the position moves 63 words on.
static inline void zxs_apply_relr(uintptr_t base, uintptr_t table, uint64_t size) {
  const uint64_t* entries = (const uint64_t*)table;
  uint64_t* where = NULL;
  for (uint64_t i = 0; i < size / 8; i++) {
    uint64_t entry = entries[i];
    if ((entry & 1) == 0) {
      where = (uint64_t*)(base + entry);
      *where++ += base;
    } else {
      for (uint64_t bits = entry >> 1, j = 0; bits != 0; bits >>= 1, j++) {
        if ((bits & 1) != 0) where[j] += base;
      }
      where += 63;
    }
  }
}

// Applies every relocation of `obj`, binding symbols in `scope` now: RELR, then REL, then RELA,
// then the PLT's table (DT_JMPREL, REL or RELA as DT_PLTREL says). On failure, returns the code
// and describes the relocation in `error`; relocations before it are applied.
static inline int zxs_relocate(const zxs_object_t* obj, const zxs_scope_t* scope, zxs_reloc_error_t* error) {
  if (obj->relr != 0) zxs_apply_relr(obj->base, obj->relr, obj->relrsz);
  int status = ZXS_DL_OK;
  if (obj->rel != 0) status = zxs_apply_rel(obj, scope, obj->rel, obj->relsz, error);
  if (status == ZXS_DL_OK && obj->rela != 0) status = zxs_apply_rela(obj, scope, obj->rela, obj->relasz, error);
  if (status == ZXS_DL_OK && obj->jmprel != 0) {
    status = obj->pltrel == ZXS_DT_REL ? zxs_apply_rel(obj, scope, obj->jmprel, obj->pltrelsz, error)
                                       : zxs_apply_rela(obj, scope, obj->jmprel, obj->pltrelsz, error);
  }
  return status;
}

#endif  // ZXSIM_DYNLINK_H_
