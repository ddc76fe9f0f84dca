// calls (benchmark): call-heavy code. Recursive Fibonacci and Ackermann, a recursive-descent
// evaluator of generated arithmetic expressions, and a chain of small functions that call each
// other (none inlined, several through function pointers), `rounds` times. Prints
// "calls rounds=<r> checksum=0x<hash>" and exits 0 (2 if a self-check fails).
//
// Usage: calls [scale]  (argv[0] is the program name; scale, default 1, multiplies the rounds).
// Standard C (NOINLINE is an attribute of GCC and clang, empty elsewhere), so the same file builds
// natively, for riscv64 Linux and for zxsim.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

#define ROUNDS 4u

NOINLINE static uint64_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

NOINLINE static uint64_t ackermann(uint64_t m, uint64_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

// Small leaf and near-leaf functions, called through a table as a program's callbacks are.
NOINLINE static uint32_t mix_add(uint32_t a, uint32_t b) { return a + b * 3u; }
NOINLINE static uint32_t mix_xor(uint32_t a, uint32_t b) { return (a ^ b) * 0x9E3779B1u; }
NOINLINE static uint32_t mix_rot(uint32_t a, uint32_t b) { return ((a << 7) | (a >> 25)) + b; }
NOINLINE static uint32_t mix_sub(uint32_t a, uint32_t b) { return a - (b >> 3); }
NOINLINE static uint32_t clamp(uint32_t v, uint32_t lo, uint32_t hi) { return v < lo ? lo : v > hi ? hi : v; }
NOINLINE static uint32_t step(uint32_t (*f)(uint32_t, uint32_t), uint32_t a, uint32_t b) {
  return clamp(f(a, b), 16u, 0xFFFFFFF0u);
}

typedef uint32_t (*Mixer)(uint32_t, uint32_t);
static Mixer const mixers[4] = {mix_add, mix_xor, mix_rot, mix_sub};

NOINLINE static uint32_t callbacks(uint32_t seed, uint32_t count) {
  uint32_t h = seed;
  for (uint32_t i = 0; i < count; i++) h = step(mixers[(h >> 11) & 3u], h, i);
  return h;
}

// A recursive-descent evaluator over a generated expression string: expr, term and factor call
// each other for every operator and operand.
static const char* cursor;

NOINLINE static int64_t expr(void);

NOINLINE static int64_t number(void) {
  int64_t v = 0;
  while (*cursor >= '0' && *cursor <= '9') v = v * 10 + (*cursor++ - '0');
  return v;
}

NOINLINE static int64_t factor(void) {
  if (*cursor == '(') {
    cursor++;
    int64_t v = expr();
    cursor++; // ')'
    return v;
  }
  if (*cursor == '-') {
    cursor++;
    return -factor();
  }
  return number();
}

NOINLINE static int64_t term(void) {
  int64_t v = factor();
  while (*cursor == '*' || *cursor == '%') {
    char op = *cursor++;
    int64_t r = factor();
    if (op == '*') v = (int64_t)((uint64_t)v * (uint64_t)r);
    else v = r == 0 ? v : v % r;
  }
  return v;
}

NOINLINE static int64_t expr(void) {
  int64_t v = term();
  while (*cursor == '+' || *cursor == '-') {
    char op = *cursor++;
    int64_t r = term();
    v = op == '+' ? (int64_t)((uint64_t)v + (uint64_t)r) : (int64_t)((uint64_t)v - (uint64_t)r);
  }
  return v;
}

static uint32_t rng = 12345u;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

// Writes a random expression of the given depth into out; returns the end.
static char* generate(char* out, int depth) {
  uint32_t r = next();
  if (depth == 0 || (depth < 6 && r % 5u == 0)) {
    uint32_t n = next() % 1000u;
    out += sprintf(out, "%u", (unsigned)n);
    return out;
  }
  if (r % 7u == 0) {
    *out++ = '-';
    return generate(out, depth - 1);
  }
  *out++ = '(';
  out = generate(out, depth - 1);
  *out++ = "+-*%"[(r >> 8) & 3u];
  out = generate(out, depth - 1);
  *out++ = ')';
  return out;
}

int main(int argc, char** argv) {
  unsigned long scale = argc >= 2 ? strtoul(argv[1], NULL, 10) : 1;
  if (scale == 0) scale = 1;
  if (fib(20) != 6765u || ackermann(2, 3) != 9u) {
    printf("calls: self-test failed\n");
    return 2;
  }
  static char text[1 << 16];
  char* end = generate(text, 12);
  *end = '\0';
  uint64_t h = 0xcbf29ce484222325u;
  unsigned long rounds = ROUNDS * scale;
  for (unsigned long r = 0; r < rounds; r++) {
    h = (h ^ fib(24 + (uint32_t)(r & 1u))) * 0x100000001b3u;
    h = (h ^ ackermann(2, 300 + (r & 7u))) * 0x100000001b3u;
    h = (h ^ callbacks((uint32_t)h, 200000u)) * 0x100000001b3u;
    for (int k = 0; k < 20; k++) {
      cursor = text;
      h = (h ^ (uint64_t)expr()) * 0x100000001b3u;
    }
  }
  printf("calls rounds=%lu length=%lu checksum=0x%016llx\n", rounds, (unsigned long)(end - text), (unsigned long long)h);
  return 0;
}
