/*
 * The FP result oracle's reference program (written by scripts/generate-fp-oracle.ts; do not
 * edit). Reads records {u32 code = op * 8 + rm, u32 pad, u64 a, b, c} from stdin and writes
 * {u64 result, u64 fflags} to stdout for each, running the instruction with its static rounding
 * mode after clearing fflags. Built with riscv64-linux-gnu-gcc -static -march=rv64gc and run
 * under qemu-riscv64.
 */
#include <stdint.h>
#include <stdio.h>

struct input { uint32_t code, pad; uint64_t a, b, c; };
struct output { uint64_t result, flags; };

static struct output run(uint32_t code, uint64_t a, uint64_t b, uint64_t c) {
  uint64_t r = 0, f = 0;
  switch (code) {
    case 0: /* fadd.s rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fadd.s f3, f0, f1, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 1: /* fadd.s rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fadd.s f3, f0, f1, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 2: /* fadd.s rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fadd.s f3, f0, f1, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 3: /* fadd.s rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fadd.s f3, f0, f1, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 4: /* fadd.s rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fadd.s f3, f0, f1, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 8: /* fsub.s rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsub.s f3, f0, f1, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 9: /* fsub.s rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsub.s f3, f0, f1, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 10: /* fsub.s rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsub.s f3, f0, f1, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 11: /* fsub.s rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsub.s f3, f0, f1, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 12: /* fsub.s rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsub.s f3, f0, f1, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 16: /* fmul.s rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmul.s f3, f0, f1, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 17: /* fmul.s rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmul.s f3, f0, f1, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 18: /* fmul.s rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmul.s f3, f0, f1, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 19: /* fmul.s rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmul.s f3, f0, f1, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 20: /* fmul.s rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmul.s f3, f0, f1, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 24: /* fdiv.s rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fdiv.s f3, f0, f1, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 25: /* fdiv.s rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fdiv.s f3, f0, f1, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 26: /* fdiv.s rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fdiv.s f3, f0, f1, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 27: /* fdiv.s rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fdiv.s f3, f0, f1, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 28: /* fdiv.s rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fdiv.s f3, f0, f1, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 32: /* fsqrt.s rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsqrt.s f3, f0, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 33: /* fsqrt.s rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsqrt.s f3, f0, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 34: /* fsqrt.s rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsqrt.s f3, f0, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 35: /* fsqrt.s rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsqrt.s f3, f0, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 36: /* fsqrt.s rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsqrt.s f3, f0, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 40: /* fmadd.s rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmadd.s f3, f0, f1, f2, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 41: /* fmadd.s rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmadd.s f3, f0, f1, f2, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 42: /* fmadd.s rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmadd.s f3, f0, f1, f2, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 43: /* fmadd.s rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmadd.s f3, f0, f1, f2, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 44: /* fmadd.s rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmadd.s f3, f0, f1, f2, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 48: /* fmsub.s rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmsub.s f3, f0, f1, f2, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 49: /* fmsub.s rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmsub.s f3, f0, f1, f2, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 50: /* fmsub.s rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmsub.s f3, f0, f1, f2, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 51: /* fmsub.s rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmsub.s f3, f0, f1, f2, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 52: /* fmsub.s rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmsub.s f3, f0, f1, f2, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 56: /* fnmsub.s rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmsub.s f3, f0, f1, f2, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 57: /* fnmsub.s rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmsub.s f3, f0, f1, f2, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 58: /* fnmsub.s rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmsub.s f3, f0, f1, f2, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 59: /* fnmsub.s rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmsub.s f3, f0, f1, f2, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 60: /* fnmsub.s rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmsub.s f3, f0, f1, f2, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 64: /* fnmadd.s rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmadd.s f3, f0, f1, f2, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 65: /* fnmadd.s rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmadd.s f3, f0, f1, f2, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 66: /* fnmadd.s rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmadd.s f3, f0, f1, f2, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 67: /* fnmadd.s rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmadd.s f3, f0, f1, f2, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 68: /* fnmadd.s rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmadd.s f3, f0, f1, f2, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 72: /* fsgnj.s  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsgnj.s f3, f0, f1\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 80: /* fsgnjn.s  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsgnjn.s f3, f0, f1\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 88: /* fsgnjx.s  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsgnjx.s f3, f0, f1\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 96: /* fmin.s  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmin.s f3, f0, f1\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 104: /* fmax.s  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmax.s f3, f0, f1\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 112: /* feq.s  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "feq.s %[r], f0, f1\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 120: /* flt.s  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "flt.s %[r], f0, f1\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 128: /* fle.s  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fle.s %[r], f0, f1\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 136: /* fclass.s  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fclass.s %[r], f0\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 144: /* fcvt.w.s rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.w.s %[r], f0, rne\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 145: /* fcvt.w.s rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.w.s %[r], f0, rtz\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 146: /* fcvt.w.s rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.w.s %[r], f0, rdn\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 147: /* fcvt.w.s rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.w.s %[r], f0, rup\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 148: /* fcvt.w.s rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.w.s %[r], f0, rmm\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 152: /* fcvt.s.w rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.w f3, %[a], rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 153: /* fcvt.s.w rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.w f3, %[a], rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 154: /* fcvt.s.w rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.w f3, %[a], rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 155: /* fcvt.s.w rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.w f3, %[a], rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 156: /* fcvt.s.w rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.w f3, %[a], rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 160: /* fcvt.wu.s rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.wu.s %[r], f0, rne\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 161: /* fcvt.wu.s rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.wu.s %[r], f0, rtz\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 162: /* fcvt.wu.s rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.wu.s %[r], f0, rdn\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 163: /* fcvt.wu.s rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.wu.s %[r], f0, rup\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 164: /* fcvt.wu.s rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.wu.s %[r], f0, rmm\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 168: /* fcvt.s.wu rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.wu f3, %[a], rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 169: /* fcvt.s.wu rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.wu f3, %[a], rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 170: /* fcvt.s.wu rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.wu f3, %[a], rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 171: /* fcvt.s.wu rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.wu f3, %[a], rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 172: /* fcvt.s.wu rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.wu f3, %[a], rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 176: /* fcvt.l.s rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.l.s %[r], f0, rne\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 177: /* fcvt.l.s rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.l.s %[r], f0, rtz\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 178: /* fcvt.l.s rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.l.s %[r], f0, rdn\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 179: /* fcvt.l.s rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.l.s %[r], f0, rup\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 180: /* fcvt.l.s rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.l.s %[r], f0, rmm\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 184: /* fcvt.s.l rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.l f3, %[a], rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 185: /* fcvt.s.l rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.l f3, %[a], rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 186: /* fcvt.s.l rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.l f3, %[a], rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 187: /* fcvt.s.l rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.l f3, %[a], rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 188: /* fcvt.s.l rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.l f3, %[a], rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 192: /* fcvt.lu.s rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.lu.s %[r], f0, rne\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 193: /* fcvt.lu.s rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.lu.s %[r], f0, rtz\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 194: /* fcvt.lu.s rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.lu.s %[r], f0, rdn\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 195: /* fcvt.lu.s rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.lu.s %[r], f0, rup\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 196: /* fcvt.lu.s rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.lu.s %[r], f0, rmm\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 200: /* fcvt.s.lu rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.lu f3, %[a], rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 201: /* fcvt.s.lu rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.lu f3, %[a], rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 202: /* fcvt.s.lu rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.lu f3, %[a], rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 203: /* fcvt.s.lu rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.lu f3, %[a], rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 204: /* fcvt.s.lu rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.lu f3, %[a], rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 208: /* fadd.d rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fadd.d f3, f0, f1, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 209: /* fadd.d rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fadd.d f3, f0, f1, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 210: /* fadd.d rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fadd.d f3, f0, f1, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 211: /* fadd.d rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fadd.d f3, f0, f1, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 212: /* fadd.d rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fadd.d f3, f0, f1, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 216: /* fsub.d rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsub.d f3, f0, f1, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 217: /* fsub.d rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsub.d f3, f0, f1, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 218: /* fsub.d rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsub.d f3, f0, f1, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 219: /* fsub.d rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsub.d f3, f0, f1, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 220: /* fsub.d rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsub.d f3, f0, f1, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 224: /* fmul.d rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmul.d f3, f0, f1, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 225: /* fmul.d rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmul.d f3, f0, f1, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 226: /* fmul.d rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmul.d f3, f0, f1, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 227: /* fmul.d rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmul.d f3, f0, f1, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 228: /* fmul.d rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmul.d f3, f0, f1, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 232: /* fdiv.d rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fdiv.d f3, f0, f1, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 233: /* fdiv.d rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fdiv.d f3, f0, f1, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 234: /* fdiv.d rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fdiv.d f3, f0, f1, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 235: /* fdiv.d rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fdiv.d f3, f0, f1, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 236: /* fdiv.d rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fdiv.d f3, f0, f1, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 240: /* fsqrt.d rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsqrt.d f3, f0, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 241: /* fsqrt.d rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsqrt.d f3, f0, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 242: /* fsqrt.d rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsqrt.d f3, f0, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 243: /* fsqrt.d rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsqrt.d f3, f0, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 244: /* fsqrt.d rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsqrt.d f3, f0, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 248: /* fmadd.d rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmadd.d f3, f0, f1, f2, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 249: /* fmadd.d rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmadd.d f3, f0, f1, f2, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 250: /* fmadd.d rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmadd.d f3, f0, f1, f2, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 251: /* fmadd.d rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmadd.d f3, f0, f1, f2, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 252: /* fmadd.d rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmadd.d f3, f0, f1, f2, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 256: /* fmsub.d rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmsub.d f3, f0, f1, f2, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 257: /* fmsub.d rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmsub.d f3, f0, f1, f2, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 258: /* fmsub.d rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmsub.d f3, f0, f1, f2, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 259: /* fmsub.d rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmsub.d f3, f0, f1, f2, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 260: /* fmsub.d rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmsub.d f3, f0, f1, f2, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 264: /* fnmsub.d rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmsub.d f3, f0, f1, f2, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 265: /* fnmsub.d rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmsub.d f3, f0, f1, f2, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 266: /* fnmsub.d rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmsub.d f3, f0, f1, f2, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 267: /* fnmsub.d rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmsub.d f3, f0, f1, f2, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 268: /* fnmsub.d rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmsub.d f3, f0, f1, f2, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 272: /* fnmadd.d rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmadd.d f3, f0, f1, f2, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 273: /* fnmadd.d rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmadd.d f3, f0, f1, f2, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 274: /* fnmadd.d rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmadd.d f3, f0, f1, f2, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 275: /* fnmadd.d rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmadd.d f3, f0, f1, f2, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 276: /* fnmadd.d rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fnmadd.d f3, f0, f1, f2, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 280: /* fsgnj.d  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsgnj.d f3, f0, f1\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 288: /* fsgnjn.d  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsgnjn.d f3, f0, f1\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 296: /* fsgnjx.d  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fsgnjx.d f3, f0, f1\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 304: /* fmin.d  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmin.d f3, f0, f1\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 312: /* fmax.d  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fmax.d f3, f0, f1\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 320: /* feq.d  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "feq.d %[r], f0, f1\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 328: /* flt.d  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "flt.d %[r], f0, f1\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 336: /* fle.d  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fle.d %[r], f0, f1\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 344: /* fclass.d  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fclass.d %[r], f0\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 352: /* fcvt.w.d rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.w.d %[r], f0, rne\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 353: /* fcvt.w.d rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.w.d %[r], f0, rtz\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 354: /* fcvt.w.d rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.w.d %[r], f0, rdn\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 355: /* fcvt.w.d rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.w.d %[r], f0, rup\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 356: /* fcvt.w.d rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.w.d %[r], f0, rmm\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 360: /* fcvt.d.w  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.d.w f3, %[a]\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 368: /* fcvt.wu.d rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.wu.d %[r], f0, rne\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 369: /* fcvt.wu.d rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.wu.d %[r], f0, rtz\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 370: /* fcvt.wu.d rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.wu.d %[r], f0, rdn\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 371: /* fcvt.wu.d rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.wu.d %[r], f0, rup\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 372: /* fcvt.wu.d rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.wu.d %[r], f0, rmm\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 376: /* fcvt.d.wu  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.d.wu f3, %[a]\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 384: /* fcvt.l.d rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.l.d %[r], f0, rne\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 385: /* fcvt.l.d rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.l.d %[r], f0, rtz\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 386: /* fcvt.l.d rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.l.d %[r], f0, rdn\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 387: /* fcvt.l.d rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.l.d %[r], f0, rup\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 388: /* fcvt.l.d rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.l.d %[r], f0, rmm\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 392: /* fcvt.d.l rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.d.l f3, %[a], rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 393: /* fcvt.d.l rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.d.l f3, %[a], rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 394: /* fcvt.d.l rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.d.l f3, %[a], rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 395: /* fcvt.d.l rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.d.l f3, %[a], rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 396: /* fcvt.d.l rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.d.l f3, %[a], rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 400: /* fcvt.lu.d rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.lu.d %[r], f0, rne\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 401: /* fcvt.lu.d rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.lu.d %[r], f0, rtz\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 402: /* fcvt.lu.d rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.lu.d %[r], f0, rdn\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 403: /* fcvt.lu.d rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.lu.d %[r], f0, rup\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 404: /* fcvt.lu.d rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.lu.d %[r], f0, rmm\n\t" "frflags %[f]\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 408: /* fcvt.d.lu rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.d.lu f3, %[a], rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 409: /* fcvt.d.lu rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.d.lu f3, %[a], rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 410: /* fcvt.d.lu rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.d.lu f3, %[a], rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 411: /* fcvt.d.lu rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.d.lu f3, %[a], rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 412: /* fcvt.d.lu rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.d.lu f3, %[a], rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 416: /* fcvt.s.d rne */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.d f3, f0, rne\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 417: /* fcvt.s.d rtz */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.d f3, f0, rtz\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 418: /* fcvt.s.d rdn */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.d f3, f0, rdn\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 419: /* fcvt.s.d rup */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.d f3, f0, rup\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 420: /* fcvt.s.d rmm */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.s.d f3, f0, rmm\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    case 424: /* fcvt.d.s  */
      __asm__ volatile("fmv.d.x f0, %[a]\n\t" "fmv.d.x f1, %[b]\n\t" "fmv.d.x f2, %[c]\n\t" "fsflags zero\n\t" "fcvt.d.s f3, f0\n\t" "frflags %[f]\n\t" "fmv.x.d %[r], f3\n\t"
        : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) : "f0", "f1", "f2", "f3");
      break;
    default:
      f = ~0ull;
  }
  struct output o = { r, f };
  return o;
}

int main(void) {
  struct input in;
  while (fread(&in, sizeof in, 1, stdin) == 1) {
    struct output o = run(in.code, in.a, in.b, in.c);
    fwrite(&o, sizeof o, 1, stdout);
  }
  return 0;
}
