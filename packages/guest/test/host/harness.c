// Host build of the sysroot's start-up helpers (sysroot/src/static-pie.h and
// processargs-parse.h), driven by test/Host.test.ts. The same inline functions run in every guest
// before main; here they run natively (under AddressSanitizer when the compiler has it) on inputs
// the test makes.
//
//   harness lookup FILE [--sysv] NAME...   loads FILE (the vDSO image, whose vaddrs equal its file
//                                           offsets) and prints "NAME OFFSET" per name, OFFSET in
//                                           hex, 0 when not found; --sysv hides DT_GNU_HASH so
//                                           DT_HASH is used
//   harness processargs FILE               FILE holds records (u32 num_bytes, u32 num_handles,
//                                           bytes); prints one line per record: "error CODE", or
//                                           "ok ARGS ENV NAMES INFOS" with each list as
//                                           comma-separated hex (strings hex-encoded), "-" if empty
//   harness relocate                       relocates a synthetic image and prints "ok"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "processargs-parse.h"
#include "static-pie.h"

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

static int lookup(int argc, char** argv) {
  size_t size;
  unsigned char* image = read_file(argv[2], &size);
  zxs_dso_t dso;
  if (zxs_dso_init(&dso, (uintptr_t)image) != 0) {
    printf("init failed\n");
    return 1;
  }
  int first = 3;
  if (argc > 3 && strcmp(argv[3], "--sysv") == 0) {
    dso.gnu_hash = NULL;
    first = 4;
  }
  for (int i = first; i < argc; i++) {
    uintptr_t address = zxs_dso_lookup(&dso, argv[i]);
    printf("%s %lx\n", argv[i], (unsigned long)(address == 0 ? 0 : address - (uintptr_t)image));
  }
  free(image);
  return 0;
}

static void print_strings(char** strings, uint32_t count) {
  if (count == 0) {
    printf(" -");
    return;
  }
  for (uint32_t i = 0; i < count; i++) {
    printf(i == 0 ? " " : ",");
    size_t length = strlen(strings[i]);
    if (length == 0) printf("~");  // an empty string
    for (size_t j = 0; j < length; j++) printf("%02x", (unsigned char)strings[i][j]);
  }
}

static void parse_one(const unsigned char* record, uint32_t num_bytes, uint32_t num_handles) {
  // An exact-size copy, so that any read past the end is caught by AddressSanitizer.
  unsigned char* bytes = malloc(num_bytes > 0 ? num_bytes : 1);
  memcpy(bytes, record, num_bytes);
  zx_proc_args_t header;
  int status = zxs_processargs_check(bytes, num_bytes, num_handles, &header);
  if (status != ZXS_PA_OK) {
    printf("error %d\n", status);
    free(bytes);
    return;
  }
  char** args = malloc((header.args_num + 1) * sizeof(char*));
  char** env = malloc((header.environ_num + 1) * sizeof(char*));
  char** names = malloc((header.names_num + 1) * sizeof(char*));
  zxs_processargs_strings(bytes, num_bytes, header.args_off, header.args_num, args);
  zxs_processargs_strings(bytes, num_bytes, header.environ_off, header.environ_num, env);
  zxs_processargs_strings(bytes, num_bytes, header.names_off, header.names_num, names);
  // zxs_processargs_string_at finds the same strings one at a time, and NULL past the end.
  for (uint32_t i = 0; i <= header.args_num; i++) {
    if (zxs_processargs_string_at(bytes, num_bytes, header.args_off, header.args_num, i) != args[i]) printf("string_at ");
  }
  for (uint32_t i = 0; i <= header.names_num; i++) {
    if (zxs_processargs_string_at(bytes, num_bytes, header.names_off, header.names_num, i) != names[i]) printf("string_at ");
  }
  printf("ok");
  print_strings(args, header.args_num);
  print_strings(env, header.environ_num);
  print_strings(names, header.names_num);
  if (num_handles == 0) printf(" -");
  for (uint32_t i = 0; i < num_handles; i++) printf("%s%x", i == 0 ? " " : ",", zxs_processargs_info(bytes, &header, i));
  printf("\n");
  free(args);
  free(env);
  free(names);
  free(bytes);
}

static int processargs(char** argv) {
  size_t size;
  unsigned char* file = read_file(argv[2], &size);
  size_t at = 0;
  while (at + 8 <= size) {
    uint32_t num_bytes = zxs_read_u32(file + at), num_handles = zxs_read_u32(file + at + 4);
    at += 8;
    if (at + num_bytes > size) {
      fprintf(stderr, "truncated record\n");
      return 2;
    }
    parse_one(file + at, num_bytes, num_handles);
    at += num_bytes;
  }
  free(file);
  return 0;
}

#define CHECK(c)                                   \
  do {                                             \
    if (!(c)) {                                    \
      printf("failed: %s (line %d)\n", #c, __LINE__); \
      return 1;                                    \
    }                                              \
  } while (0)

// A synthetic image: ELF header, one PT_DYNAMIC program header, a dynamic section, RELA entries,
// and the words they patch.
static int relocate(void) {
  static uint64_t image[256];
  memset(image, 0, sizeof(image));
  uintptr_t base = (uintptr_t)image;
  zxs_elf64_ehdr_t* ehdr = (zxs_elf64_ehdr_t*)image;
  ehdr->e_phoff = 64;
  ehdr->e_phnum = 1;
  zxs_elf64_phdr_t* phdr = (zxs_elf64_phdr_t*)(base + 64);
  phdr->p_type = ZXS_PT_DYNAMIC;
  phdr->p_vaddr = 128;
  zxs_elf64_dyn_t* dyn = (zxs_elf64_dyn_t*)(base + 128);
  zxs_elf64_rela_t* rela = (zxs_elf64_rela_t*)(base + 512);
  uint64_t* targets = (uint64_t*)(base + 1024);
  for (int i = 0; i < 4; i++) {
    rela[i].r_offset = 1024 + 8 * (uint64_t)i;
    rela[i].r_info = i == 2 ? ZXS_R_RISCV_NONE : ZXS_R_RISCV_RELATIVE;
    rela[i].r_addend = 0x100 * (i + 1);
    targets[i] = 0xdead;
  }
  dyn[0] = (zxs_elf64_dyn_t){ZXS_DT_RELA, 512};
  dyn[1] = (zxs_elf64_dyn_t){ZXS_DT_RELASZ, 4 * sizeof(zxs_elf64_rela_t)};
  dyn[2] = (zxs_elf64_dyn_t){ZXS_DT_RELAENT, sizeof(zxs_elf64_rela_t)};
  dyn[3] = (zxs_elf64_dyn_t){ZXS_DT_NULL, 0};
  CHECK(zxs_find_dynamic(base) == dyn);
  CHECK(zxs_relocate_self(base, dyn) == 0);
  CHECK(targets[0] == base + 0x100);
  CHECK(targets[1] == base + 0x200);
  CHECK(targets[2] == 0xdead);  // R_RISCV_NONE is skipped
  CHECK(targets[3] == base + 0x400);
  CHECK(zxs_relocate_self(base, NULL) == 0);
  // Another relocation type, a symbol index, a REL table, a RELR table, a bad entry size: refused.
  rela[1].r_info = 2;  // R_RISCV_64
  CHECK(zxs_relocate_self(base, dyn) == -1);
  rela[1].r_info = ((uint64_t)1 << 32) | ZXS_R_RISCV_RELATIVE;
  CHECK(zxs_relocate_self(base, dyn) == -1);
  rela[1].r_info = ZXS_R_RISCV_RELATIVE;
  dyn[3] = (zxs_elf64_dyn_t){ZXS_DT_REL, 512};
  dyn[4] = (zxs_elf64_dyn_t){ZXS_DT_NULL, 0};
  CHECK(zxs_relocate_self(base, dyn) == -1);
  dyn[3] = (zxs_elf64_dyn_t){ZXS_DT_RELR, 512};
  CHECK(zxs_relocate_self(base, dyn) == -1);
  dyn[3] = (zxs_elf64_dyn_t){ZXS_DT_NULL, 0};
  dyn[2].d_val = 16;
  CHECK(zxs_relocate_self(base, dyn) == -1);
  // No PT_DYNAMIC: nothing to find.
  phdr->p_type = 1;
  CHECK(zxs_find_dynamic(base) == NULL);
  printf("ok\n");
  return 0;
}

int main(int argc, char** argv) {
  if (argc >= 3 && strcmp(argv[1], "lookup") == 0) return lookup(argc, argv);
  if (argc == 3 && strcmp(argv[1], "processargs") == 0) return processargs(argv);
  if (argc == 2 && strcmp(argv[1], "relocate") == 0) return relocate();
  fprintf(stderr, "usage: harness lookup FILE [--sysv] NAME... | processargs FILE | relocate\n");
  return 2;
}
