// bytecode (benchmark): a stack-machine interpreter with a `switch` dispatch loop running a
// bytecode program: for n in 1..limit it runs the Collatz iteration of n (counting steps), calls a
// bytecode subroutine that sums the digits of n, and keeps a table of step counts in VM memory.
// Prints "bytecode limit=<n> rounds=<r> checksum=0x<hash>" and exits 0 (2 on a VM error).
//
// Usage: bytecode [scale]  (argv[0] is the program name; scale, default 1, multiplies the rounds).
// Standard C only, so the same file builds natively, for riscv64 Linux and for zxsim.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define LIMIT 5000
#define ROUNDS 1u

enum Op {
  PUSH, LOAD, STORE, ADD, SUB, MUL, DIVI, MOD, AND, SHR, LT, EQ, DUP, DROP, SWAP, JMP, JZ, JNZ,
  CALL, RET, LOADM, STOREM, HALT
};

typedef struct {
  int64_t stack[256];
  int64_t vars[16];
  int64_t memory[1024];
  int32_t returns[64];
} Vm;

// Runs code from pc 0; returns vars[0] at HALT, or -1 on a bad instruction or stack error.
static int64_t run(const int32_t* code, Vm* vm) {
  int64_t* sp = vm->stack;
  int32_t* rp = vm->returns;
  int32_t pc = 0;
  for (;;) {
    int32_t op = code[pc++];
    switch (op) {
    case PUSH: *sp++ = code[pc++]; break;
    case LOAD: *sp++ = vm->vars[code[pc++]]; break;
    case STORE: vm->vars[code[pc++]] = *--sp; break;
    case ADD: sp--; sp[-1] += sp[0]; break;
    case SUB: sp--; sp[-1] -= sp[0]; break;
    case MUL: sp--; sp[-1] *= sp[0]; break;
    case DIVI: sp--; sp[-1] = sp[0] == 0 ? 0 : sp[-1] / sp[0]; break;
    case MOD: sp--; sp[-1] = sp[0] == 0 ? 0 : sp[-1] % sp[0]; break;
    case AND: sp--; sp[-1] &= sp[0]; break;
    case SHR: sp--; sp[-1] >>= sp[0] & 63; break;
    case LT: sp--; sp[-1] = sp[-1] < sp[0]; break;
    case EQ: sp--; sp[-1] = sp[-1] == sp[0]; break;
    case DUP: sp[0] = sp[-1]; sp++; break;
    case DROP: sp--; break;
    case SWAP: { int64_t t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = t; break; }
    case JMP: pc = code[pc]; break;
    case JZ: pc = *--sp == 0 ? code[pc] : pc + 1; break;
    case JNZ: pc = *--sp != 0 ? code[pc] : pc + 1; break;
    case CALL: *rp++ = pc + 1; pc = code[pc]; break;
    case RET: pc = *--rp; break;
    case LOADM: sp[-1] = vm->memory[sp[-1] & 1023]; break;
    case STOREM: sp -= 2; vm->memory[sp[1] & 1023] = sp[0]; break;
    case HALT: return vm->vars[0];
    default: return -1;
    }
    if (sp < vm->stack || sp >= vm->stack + 250 || rp < vm->returns || rp >= vm->returns + 60) return -1;
  }
}

// A tiny assembler: labels are resolved in a second pass.
static int32_t code[512];
static int32_t length;
static int32_t labels[32];
static int32_t fixups[64][2];
static int32_t fixup_count;

static void emit(int32_t v) { code[length++] = v; }
static void emit_jump(int32_t op, int32_t label) {
  emit(op);
  fixups[fixup_count][0] = length;
  fixups[fixup_count++][1] = label;
  emit(0);
}
static void mark(int32_t label) { labels[label] = length; }

// vars: 0 checksum, 1 n, 2 x, 3 steps, 4 limit, 5 digit-sum argument/result
static void assemble(int32_t limit) {
  enum { OUTER, COLLATZ, EVEN, STEP_DONE, DONE, DIGITS, DIGITS_LOOP, DIGITS_END };
  emit(PUSH); emit(1); emit(STORE); emit(1);
  emit(PUSH); emit(limit); emit(STORE); emit(4);
  mark(OUTER);
  emit(LOAD); emit(1); emit(STORE); emit(2);
  emit(PUSH); emit(0); emit(STORE); emit(3);
  mark(COLLATZ);
  emit(LOAD); emit(2); emit(PUSH); emit(1); emit(EQ); emit_jump(JNZ, STEP_DONE);
  emit(LOAD); emit(2); emit(PUSH); emit(1); emit(AND); emit_jump(JZ, EVEN);
  emit(LOAD); emit(2); emit(PUSH); emit(3); emit(MUL); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(2);
  emit(LOAD); emit(3); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(3);
  emit_jump(JMP, COLLATZ);
  mark(EVEN);
  emit(LOAD); emit(2); emit(PUSH); emit(1); emit(SHR); emit(STORE); emit(2);
  emit(LOAD); emit(3); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(3);
  emit_jump(JMP, COLLATZ);
  mark(STEP_DONE);
  // memory[n & 1023] += steps; checksum = checksum * 31 + steps + digits(n)
  emit(LOAD); emit(1); emit(LOADM); emit(LOAD); emit(3); emit(ADD); emit(LOAD); emit(1); emit(STOREM);
  emit(LOAD); emit(1); emit(STORE); emit(5); emit_jump(CALL, DIGITS);
  emit(LOAD); emit(0); emit(PUSH); emit(31); emit(MUL); emit(LOAD); emit(3); emit(ADD); emit(LOAD); emit(5); emit(ADD);
  emit(PUSH); emit(0x7FFFFFFF); emit(AND); emit(STORE); emit(0);
  emit(LOAD); emit(1); emit(PUSH); emit(1); emit(ADD); emit(DUP); emit(STORE); emit(1);
  emit(LOAD); emit(4); emit(LT); emit_jump(JNZ, OUTER);
  emit_jump(JMP, DONE);
  // DIGITS: vars[5] = sum of the decimal digits of vars[5]
  mark(DIGITS);
  emit(LOAD); emit(5); emit(PUSH); emit(0); emit(STORE); emit(5);
  mark(DIGITS_LOOP);
  emit(DUP); emit_jump(JZ, DIGITS_END);
  emit(DUP); emit(PUSH); emit(10); emit(MOD); emit(LOAD); emit(5); emit(ADD); emit(STORE); emit(5);
  emit(PUSH); emit(10); emit(DIVI);
  emit_jump(JMP, DIGITS_LOOP);
  mark(DIGITS_END);
  emit(DROP); emit(RET);
  mark(DONE);
  emit(HALT);
  for (int32_t i = 0; i < fixup_count; i++) code[fixups[i][0]] = labels[fixups[i][1]];
}

int main(int argc, char** argv) {
  unsigned long scale = argc >= 2 ? strtoul(argv[1], NULL, 10) : 1;
  if (scale == 0) scale = 1;
  assemble(LIMIT);
  Vm* vm = calloc(1, sizeof *vm);
  if (vm == NULL) return 1;
  uint64_t h = 0;
  unsigned long rounds = ROUNDS * scale;
  for (unsigned long r = 0; r < rounds; r++) {
    vm->vars[0] = (int64_t)r;
    int64_t result = run(code, vm);
    if (result < 0) {
      printf("bytecode: VM error\n");
      return 2;
    }
    h = h * 1000003u ^ (uint64_t)result;
  }
  for (int i = 0; i < 1024; i++) h = h * 31u + (uint64_t)vm->memory[i];
  printf("bytecode limit=%d rounds=%lu code=%d checksum=0x%016llx\n", LIMIT, rounds, (int)length, (unsigned long long)h);
  free(vm);
  return 0;
}
