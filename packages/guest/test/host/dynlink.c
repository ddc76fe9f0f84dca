// Host build of ld.so.1's pure parts (sysroot/src/dynlink.h), driven by test/HostDynlink.test.ts,
// which checks what it prints against its own reading of the same ELF files. Images are "loaded"
// the simple way: each PT_LOAD's file bytes copied to its vaddr in one zeroed block.
//
//   dynlink lookup FILE gnu|sysv NAME...     prints "NAME OFFSET" (hex, from vaddr 0) or "NAME -",
//                                            looking up through that hash table only
//   dynlink link FILE... [--vdso FILE]        loads the files (the first is the executable), relocates
//                                            each against the scope (the files in order, then the
//                                            vDSO); prints "error init I CODE" or
//                                            "error relocate I CODE TYPE SYMBOL", or "ok" and then
//                                            "I OFFSET VALUE" for every 8-byte word of each file's
//                                            writable segments, VALUE as "J+OFFSET" when it points
//                                            into file J (the vDSO is J = the number of files) and
//                                            "=HEX" otherwise
//   dynlink scope FILE... -- NAME...          prints the index of the first file defining each NAME, or -
//   dynlink image FILE                        prints "error CODE", or the span and then one line per
//                                            PT_LOAD: its plan (zxs_plan_segment)
//   dynlink plan OFFSET VADDR FILESZ MEMSZ FLAGS LOW   one plan
//   dynlink relr FILE                         FILE: u64 word count N, then RELR entries; applies
//                                            them with base 0x1000 to N words holding 8*i and prints
//                                            the indices of the words that changed by exactly the base
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynlink.h"

static unsigned char* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char* bytes = malloc(n > 0 ? (size_t)n : 1);
  if (bytes == NULL || fread(bytes, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  fclose(f);
  *size = (size_t)n;
  return bytes;
}

typedef struct {
  unsigned char* memory;
  uintptr_t base;
  zxs_image_t image;
  const zxs_elf64_phdr_t* phdrs;
  uint16_t phnum;
  unsigned char* file;
} loaded_t;

static int load(const char* path, loaded_t* out) {
  size_t size;
  out->file = read_file(path, &size);
  const zxs_elf64_ehdr_t* ehdr = (const zxs_elf64_ehdr_t*)out->file;
  out->phdrs = (const zxs_elf64_phdr_t*)(out->file + ehdr->e_phoff);
  out->phnum = ehdr->e_phnum;
  int code = zxs_image_check(ehdr, out->phdrs, &out->image);
  if (code != ZXS_DL_OK) return code;
  uint64_t span = out->image.high - out->image.low;
  out->memory = aligned_alloc(ZXS_ELF_PAGE_SIZE, span);
  memset(out->memory, 0, span);
  for (uint16_t i = 0; i < out->phnum; i++) {
    const zxs_elf64_phdr_t* ph = &out->phdrs[i];
    if (ph->p_type != ZXS_PT_LOAD) continue;
    memcpy(out->memory + (ph->p_vaddr - out->image.low), out->file + ph->p_offset, ph->p_filesz);
  }
  out->base = (uintptr_t)out->memory - out->image.low;
  return ZXS_DL_OK;
}

static const zxs_elf64_dyn_t* dynamic_of(const loaded_t* l) {
  return l->image.has_dynamic ? (const zxs_elf64_dyn_t*)(l->base + l->image.dynamic_vaddr) : NULL;
}

static int lookup(int argc, char** argv) {
  loaded_t l;
  zxs_object_t obj;
  if (load(argv[2], &l) != ZXS_DL_OK || zxs_object_init(&obj, argv[2], l.base, dynamic_of(&l)) != ZXS_DL_OK) {
    printf("load failed\n");
    return 1;
  }
  if (strcmp(argv[3], "gnu") == 0) obj.sysv_hash = NULL;
  else obj.gnu_hash = NULL;
  for (int i = 4; i < argc; i++) {
    const zxs_elf64_sym_t* sym = zxs_object_lookup(&obj, argv[i], zxs_gnu_hash(argv[i]), zxs_sysv_hash(argv[i]));
    if (sym == NULL) printf("%s -\n", argv[i]);
    else printf("%s %" PRIx64 "\n", argv[i], (uint64_t)(zxs_symbol_address(&obj, sym) - obj.base));
  }
  return 0;
}

#define MAX_FILES 16

static void print_value(uint64_t value, const loaded_t* images, size_t count) {
  for (size_t j = 0; j < count; j++) {
    uint64_t start = (uint64_t)(uintptr_t)images[j].memory, end = start + images[j].image.high - images[j].image.low;
    if (value >= start && value < end) {
      printf("%zu+%" PRIx64, j, value - images[j].base);
      return;
    }
  }
  printf("=%" PRIx64, value);
}

static int link_files(int argc, char** argv) {
  loaded_t images[MAX_FILES + 1];
  zxs_object_t objects[MAX_FILES + 1];
  const zxs_object_t* scope_objects[MAX_FILES + 1];
  size_t count = 0;
  const char* vdso = NULL;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--vdso") == 0 && i + 1 < argc) {
      vdso = argv[++i];
      continue;
    }
    if (count == MAX_FILES) return 2;
    if (load(argv[i], &images[count]) != ZXS_DL_OK) return 2;
    count++;
  }
  size_t files = count;
  if (vdso != NULL && load(vdso, &images[count]) == ZXS_DL_OK) count++;
  for (size_t i = 0; i < count; i++) {
    int code = zxs_object_init(&objects[i], argv[2], images[i].base, dynamic_of(&images[i]));
    if (code != ZXS_DL_OK) {
      printf("error init %zu %d\n", i, code);
      return 0;
    }
    scope_objects[i] = &objects[i];
  }
  zxs_scope_t scope = {scope_objects, count};
  for (size_t i = 0; i < files; i++) {
    zxs_reloc_error_t error = {0, 0, NULL};
    int code = zxs_relocate(&objects[i], &scope, &error);
    if (code != ZXS_DL_OK) {
      printf("error relocate %zu %d %u %s\n", i, code, error.type, error.symbol != NULL ? error.symbol : "-");
      return 0;
    }
  }
  printf("ok\n");
  for (size_t i = 0; i < files; i++) {
    for (uint16_t p = 0; p < images[i].phnum; p++) {
      const zxs_elf64_phdr_t* ph = &images[i].phdrs[p];
      if (ph->p_type != ZXS_PT_LOAD || (ph->p_flags & ZXS_PF_W) == 0) continue;
      for (uint64_t at = (ph->p_vaddr + 7) & ~(uint64_t)7; at + 8 <= ph->p_vaddr + ph->p_memsz; at += 8) {
        uint64_t value;
        memcpy(&value, (const void*)(images[i].base + at), 8);
        printf("%zu %" PRIx64 " ", i, at);
        print_value(value, images, count);
        printf("\n");
      }
    }
  }
  return 0;
}

static int scope_lookup(int argc, char** argv) {
  loaded_t images[MAX_FILES];
  zxs_object_t objects[MAX_FILES];
  const zxs_object_t* scope_objects[MAX_FILES];
  size_t count = 0;
  int i = 2;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (count == MAX_FILES || load(argv[i], &images[count]) != ZXS_DL_OK ||
        zxs_object_init(&objects[count], argv[i], images[count].base, dynamic_of(&images[count])) != ZXS_DL_OK) {
      return 2;
    }
    scope_objects[count] = &objects[count];
    count++;
  }
  zxs_scope_t scope = {scope_objects, count};
  for (i++; i < argc; i++) {
    uintptr_t address;
    const zxs_object_t* definer;
    if (zxs_scope_lookup(&scope, argv[i], &address, &definer) != ZXS_DL_OK) {
      printf("%s -\n", argv[i]);
    } else {
      printf("%s %td %" PRIx64 "\n", argv[i], definer - objects, (uint64_t)(address - definer->base));
    }
  }
  return 0;
}

static void print_plan(const zxs_segment_plan_t* p) {
  printf("vmo_offset=%" PRIx64 " map_size=%" PRIx64 " vmar_offset=%" PRIx64 " copy=%d zero=%" PRIx64 "+%" PRIx64
         " bss=%" PRIx64 "+%" PRIx64 " flags=%u\n",
         p->vmo_offset, p->map_size, p->vmar_offset, p->copy, p->zero_offset, p->zero_size, p->bss_vmar_offset,
         p->bss_size, p->flags);
}

static int image(char** argv) {
  size_t size;
  unsigned char* file = read_file(argv[2], &size);
  const zxs_elf64_ehdr_t* ehdr = (const zxs_elf64_ehdr_t*)file;
  const zxs_elf64_phdr_t* phdrs = (const zxs_elf64_phdr_t*)(file + (size >= 64 ? ehdr->e_phoff : 0));
  zxs_image_t im;
  int code = size >= 64 ? zxs_image_check(ehdr, phdrs, &im) : ZXS_DL_NOT_ELF;
  if (code != ZXS_DL_OK) {
    printf("error %d\n", code);
    return 0;
  }
  printf("span %" PRIx64 " %" PRIx64 " flags=%u dynamic=%d:%" PRIx64 " interp=%d tls=%d\n", im.low, im.high, im.max_flags,
         im.has_dynamic, im.dynamic_vaddr, im.has_interp, im.has_tls);
  for (uint16_t i = 0; i < ehdr->e_phnum; i++) {
    if (phdrs[i].p_type != ZXS_PT_LOAD || phdrs[i].p_memsz == 0) continue;
    zxs_segment_plan_t plan;
    zxs_plan_segment(&phdrs[i], im.low, &plan);
    print_plan(&plan);
  }
  free(file);
  return 0;
}

static int plan(char** argv) {
  zxs_elf64_phdr_t ph = {0};
  ph.p_type = ZXS_PT_LOAD;
  ph.p_offset = strtoull(argv[2], NULL, 16);
  ph.p_vaddr = strtoull(argv[3], NULL, 16);
  ph.p_filesz = strtoull(argv[4], NULL, 16);
  ph.p_memsz = strtoull(argv[5], NULL, 16);
  ph.p_flags = (uint32_t)strtoul(argv[6], NULL, 10);
  zxs_segment_plan_t p;
  zxs_plan_segment(&ph, strtoull(argv[7], NULL, 16), &p);
  print_plan(&p);
  return 0;
}

static int relr(char** argv) {
  size_t size;
  unsigned char* file = read_file(argv[2], &size);
  uint64_t words;
  memcpy(&words, file, 8);
  uint64_t* memory = malloc(words * 8);
  for (uint64_t i = 0; i < words; i++) memory[i] = 8 * i;
  // The table is read in place at its own address, so copy it to aligned memory first.
  uint64_t* table = malloc(size - 8 > 0 ? size - 8 : 8);
  memcpy(table, file + 8, size - 8);
  uintptr_t base = (uintptr_t)memory;
  // Entries are offsets from `base`.
  zxs_apply_relr(base, (uintptr_t)table, size - 8);
  int first = 1;
  for (uint64_t i = 0; i < words; i++) {
    if (memory[i] == 8 * i) continue;
    printf(first ? "%" PRIu64 : ",%" PRIu64, i);
    if (memory[i] != 8 * i + base) printf("!");
    first = 0;
  }
  printf(first ? "-\n" : "\n");
  free(memory);
  free(table);
  free(file);
  return 0;
}

int main(int argc, char** argv) {
  if (argc >= 5 && strcmp(argv[1], "lookup") == 0) return lookup(argc, argv);
  if (argc >= 3 && strcmp(argv[1], "link") == 0) return link_files(argc, argv);
  if (argc >= 3 && strcmp(argv[1], "scope") == 0) return scope_lookup(argc, argv);
  if (argc == 3 && strcmp(argv[1], "image") == 0) return image(argv);
  if (argc == 8 && strcmp(argv[1], "plan") == 0) return plan(argv);
  if (argc == 3 && strcmp(argv[1], "relr") == 0) return relr(argv);
  fprintf(stderr, "usage: dynlink lookup|link|scope|image|plan|relr ...\n");
  return 2;
}
