// lists (benchmark): singly linked lists of nodes scattered over a heap block (taken in a
// pseudo-random order, so consecutive nodes are far apart): build, reverse in place, find values,
// merge-sort, and check the order, `rounds` times. Prints "lists nodes=<n> rounds=<r> checksum=0x<hash>" and exits 0 (2 if a
// sorted list is out of order).
//
// Usage: lists [scale]  (argv[0] is the program name; scale, default 1, multiplies the rounds).
// Standard C only, so the same file builds natively, for riscv64 Linux and for zxsim.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NODES 50000u
#define ROUNDS 4u

struct node {
  struct node* next;
  uint32_t key;
  uint32_t payload;
};

static uint32_t rng = 88172645u;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

// Builds a list of `count` nodes of `pool`, taken in the order of `order` (a permutation).
static struct node* build(struct node* pool, const uint32_t* order, uint32_t count) {
  struct node* head = NULL;
  for (uint32_t i = 0; i < count; i++) {
    struct node* n = &pool[order[i]];
    n->key = next() % 100000u;
    n->payload = i;
    n->next = head;
    head = n;
  }
  return head;
}

static struct node* reverse(struct node* list) {
  struct node* out = NULL;
  while (list != NULL) {
    struct node* n = list->next;
    list->next = out;
    out = list;
    list = n;
  }
  return out;
}

static uint32_t find(const struct node* list, uint32_t key) {
  uint32_t position = 0;
  for (; list != NULL; list = list->next, position++)
    if (list->key == key) return position;
  return position;
}

static struct node* merge(struct node* a, struct node* b) {
  struct node head;
  struct node* tail = &head;
  while (a != NULL && b != NULL) {
    if (a->key <= b->key) {
      tail->next = a;
      a = a->next;
    } else {
      tail->next = b;
      b = b->next;
    }
    tail = tail->next;
  }
  tail->next = a != NULL ? a : b;
  return head.next;
}

// Top-down merge sort: split by slow/fast pointers, sort the halves, merge (stable).
static struct node* sort(struct node* list) {
  if (list == NULL || list->next == NULL) return list;
  struct node* slow = list;
  struct node* fast = list->next;
  while (fast != NULL && fast->next != NULL) {
    slow = slow->next;
    fast = fast->next->next;
  }
  struct node* second = slow->next;
  slow->next = NULL;
  return merge(sort(list), sort(second));
}

int main(int argc, char** argv) {
  unsigned long scale = argc >= 2 ? strtoul(argv[1], NULL, 10) : 1;
  if (scale == 0) scale = 1;
  struct node* pool = malloc(NODES * sizeof *pool);
  uint32_t* order = malloc(NODES * sizeof *order);
  if (pool == NULL || order == NULL) return 1;
  for (uint32_t i = 0; i < NODES; i++) order[i] = i;
  uint64_t h = 0xcbf29ce484222325u;
  unsigned long rounds = ROUNDS * scale;
  for (unsigned long r = 0; r < rounds; r++) {
    // A fresh scattering each round (Fisher-Yates).
    for (uint32_t i = NODES - 1; i > 0; i--) {
      uint32_t j = next() % (i + 1u);
      uint32_t t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    struct node* list = build(pool, order, NODES);
    for (int k = 0; k < 4; k++) list = reverse(list);
    for (int k = 0; k < 100; k++) h = (h ^ find(list, next() % 100000u)) * 0x100000001b3u;
    list = sort(list);
    uint32_t previous = 0;
    uint32_t position = 0;
    for (struct node* n = list; n != NULL; n = n->next, position++) {
      if (n->key < previous) {
        printf("lists: out of order\n");
        return 2;
      }
      previous = n->key;
      h = (h ^ n->key ^ ((uint64_t)n->payload << 20) ^ position) * 0x100000001b3u;
    }
  }
  printf("lists nodes=%u rounds=%lu checksum=0x%016llx\n", NODES, rounds, (unsigned long long)h);
  free(order);
  free(pool);
  return 0;
}
