// The Linux side of the qemu-riscv64 peer of the CPU benchmark: the few things picolibc needs from
// its platform (stdout, stderr, sbrk, _exit, thread-local storage for errno) over Linux system
// calls, so that the benchmark programs run under qemu-riscv64 with the same C library code, built
// by the same compiler with the same flags, as on zxsim. Only the start-up and these calls differ.
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { SYS_WRITE = 64, SYS_EXIT_GROUP = 94, SYS_BRK = 214 };

static long syscall3(long number, long a, long b, long c) {
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a7 __asm__("a7") = number;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

// Line-buffered output streams over write(2).
struct linux_stream {
  FILE file;
  int fd;
  size_t length;
  char buffer[1024];
};

static int stream_flush(FILE* file) {
  struct linux_stream* s = (struct linux_stream*)file;
  size_t done = 0;
  while (done < s->length) {
    long n = syscall3(SYS_WRITE, s->fd, (long)(s->buffer + done), (long)(s->length - done));
    if (n <= 0) break;
    done += (size_t)n;
  }
  s->length = 0;
  return 0;
}

static int stream_put(char c, FILE* file) {
  struct linux_stream* s = (struct linux_stream*)file;
  s->buffer[s->length++] = c;
  if (c == '\n' || s->length == sizeof s->buffer) stream_flush(file);
  return (unsigned char)c;
}

static struct linux_stream out = {.file = FDEV_SETUP_STREAM(stream_put, NULL, stream_flush, _FDEV_SETUP_WRITE), .fd = 1};
static struct linux_stream err = {.file = FDEV_SETUP_STREAM(stream_put, NULL, stream_flush, _FDEV_SETUP_WRITE), .fd = 2};
FILE* const stdout = &out.file;
FILE* const stderr = &err.file;
FILE* const stdin = NULL;

void* sbrk(ptrdiff_t increment) {
  static uintptr_t current;
  if (current == 0) current = (uintptr_t)syscall3(SYS_BRK, 0, 0, 0);
  uintptr_t wanted = current + (uintptr_t)increment;
  if ((uintptr_t)syscall3(SYS_BRK, (long)wanted, 0, 0) != wanted) return (void*)-1;
  uintptr_t old = current;
  current = wanted;
  return (void*)old;
}

void _exit(int status) {
  stream_flush(stdout);
  stream_flush(stderr);
  for (;;) syscall3(SYS_EXIT_GROUP, status, 0, 0);
}

int main(int argc, char** argv);
void exit(int status);

// The ELF header of this executable (defined by the linker) and the TLS image in it.
extern const unsigned char __ehdr_start[];
static _Alignas(64) unsigned char tls_space[4096];

struct phdr {
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

// Called by _start with the initial stack: argc, then argv.
void __linux_start(long* stack) {
  uint64_t phoff;
  uint16_t phnum;
  memcpy(&phoff, __ehdr_start + 32, 8);
  memcpy(&phnum, __ehdr_start + 56, 2);
  const struct phdr* ph = (const struct phdr*)(__ehdr_start + phoff);
  for (uint16_t i = 0; i < phnum; i++) {
    if (ph[i].type != 7 /* PT_TLS */) continue;
    size_t align = ph[i].align > 1 ? ph[i].align : 1;
    if (ph[i].memsz + align > sizeof tls_space || align > 64) _exit(127);
    unsigned char* block = tls_space + (ph[i].vaddr & (align - 1));
    memcpy(block, (const void*)(uintptr_t)ph[i].vaddr, ph[i].filesz);
  }
  __asm__ volatile("mv tp, %0" : : "r"(tls_space) : "memory");
  exit(main((int)stack[0], (char**)(stack + 1)));
}

__asm__(".globl _start\n_start:\n  mv a0, sp\n  andi sp, sp, -16\n  call __linux_start\n");
