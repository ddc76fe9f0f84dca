// pointer_chase (benchmark): links nodes into one random cycle (a shuffled order, Fisher-Yates with
// a fixed seed) and follows the next pointers `steps` times, summing the nodes' values: a
// dependent load per step, with little locality. Prints
// "pointer_chase nodes=<n> steps=<s> checksum=0x<sum>" and exits 0.
//
// Usage: pointer_chase [scale]  (argv[0] is the program name; scale, default 1, multiplies the
// steps). Standard C only, so the same file builds natively, for riscv64 Linux and for zxsim.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NODES 65536u
#define STEPS (1024u * 1024u)

struct node {
  struct node* next;
  uint32_t value;
};

int main(int argc, char** argv) {
  unsigned long scale = argc >= 2 ? strtoul(argv[1], NULL, 10) : 1;
  if (scale == 0) scale = 1;
  struct node* nodes = malloc(NODES * sizeof(struct node));
  uint32_t* order = malloc(NODES * sizeof(uint32_t));
  if (nodes == NULL || order == NULL) return 1;
  uint32_t x = 0x1234ABCDu;
  for (uint32_t i = 0; i < NODES; i++) order[i] = i;
  for (uint32_t i = NODES - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    uint32_t j = x % (i + 1);
    uint32_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (uint32_t i = 0; i < NODES; i++) {
    nodes[order[i]].next = &nodes[order[(i + 1) % NODES]];
    nodes[order[i]].value = order[i] * 2654435761u;
  }
  unsigned long steps = (unsigned long)STEPS * scale;
  uint64_t sum = 0;
  const struct node* p = &nodes[order[0]];
  for (unsigned long s = 0; s < steps; s++) {
    sum = sum * 3 + p->value;
    p = p->next;
  }
  printf("pointer_chase nodes=%u steps=%lu checksum=0x%016lx\n", NODES, steps, (unsigned long)sum);
  free(order);
  free(nodes);
  return 0;
}
