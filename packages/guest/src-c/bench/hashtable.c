// hashtable (benchmark): a chained hash table with string keys (FNV-1a, power-of-two buckets,
// growing at load 1): inserts generated keys with counts, looks up present and absent keys,
// deletes a share of them and reinserts, `rounds` times on fresh tables. Prints
// "hashtable keys=<n> rounds=<r> checksum=0x<hash>" and exits 0 (2 if a lookup answers wrong).
//
// Usage: hashtable [scale]  (argv[0] is the program name; scale, default 1, multiplies the rounds).
// Standard C only, so the same file builds natively, for riscv64 Linux and for zxsim.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEYS 20000u
#define ROUNDS 2u

struct entry {
  struct entry* next;
  uint32_t hash;
  uint32_t count;
  char key[];
};

struct table {
  struct entry** buckets;
  uint32_t mask;
  uint32_t size;
};

static uint32_t fnv1a(const char* s) {
  uint32_t h = 2166136261u;
  while (*s != '\0') h = (h ^ (unsigned char)*s++) * 16777619u;
  return h;
}

static void init(struct table* t, uint32_t buckets) {
  t->buckets = calloc(buckets, sizeof *t->buckets);
  if (t->buckets == NULL) exit(1);
  t->mask = buckets - 1u;
  t->size = 0;
}

static void grow(struct table* t) {
  uint32_t buckets = (t->mask + 1u) * 2u;
  struct entry** fresh = calloc(buckets, sizeof *fresh);
  if (fresh == NULL) exit(1);
  for (uint32_t i = 0; i <= t->mask; i++) {
    struct entry* e = t->buckets[i];
    while (e != NULL) {
      struct entry* n = e->next;
      e->next = fresh[e->hash & (buckets - 1u)];
      fresh[e->hash & (buckets - 1u)] = e;
      e = n;
    }
  }
  free(t->buckets);
  t->buckets = fresh;
  t->mask = buckets - 1u;
}

static struct entry* lookup(const struct table* t, const char* key) {
  uint32_t h = fnv1a(key);
  for (struct entry* e = t->buckets[h & t->mask]; e != NULL; e = e->next)
    if (e->hash == h && strcmp(e->key, key) == 0) return e;
  return NULL;
}

static void add(struct table* t, const char* key) {
  uint32_t h = fnv1a(key);
  for (struct entry* e = t->buckets[h & t->mask]; e != NULL; e = e->next)
    if (e->hash == h && strcmp(e->key, key) == 0) {
      e->count++;
      return;
    }
  size_t length = strlen(key);
  struct entry* e = malloc(sizeof *e + length + 1);
  if (e == NULL) exit(1);
  memcpy(e->key, key, length + 1);
  e->hash = h;
  e->count = 1;
  e->next = t->buckets[h & t->mask];
  t->buckets[h & t->mask] = e;
  if (++t->size > t->mask) grow(t);
}

static int remove_key(struct table* t, const char* key) {
  uint32_t h = fnv1a(key);
  for (struct entry** link = &t->buckets[h & t->mask]; *link != NULL; link = &(*link)->next) {
    struct entry* e = *link;
    if (e->hash == h && strcmp(e->key, key) == 0) {
      *link = e->next;
      free(e);
      t->size--;
      return 1;
    }
  }
  return 0;
}

static void destroy(struct table* t) {
  for (uint32_t i = 0; i <= t->mask; i++) {
    struct entry* e = t->buckets[i];
    while (e != NULL) {
      struct entry* n = e->next;
      free(e);
      e = n;
    }
  }
  free(t->buckets);
}

// Key i: a word-like prefix and the number, so keys share prefixes as identifiers do.
static void make_key(char* out, uint32_t i) {
  static const char* const prefixes[] = {"user_", "session:", "cfg.network.", "item-", "k", "/usr/lib/"};
  strcpy(out, prefixes[i % 6u]);
  size_t n = strlen(out);
  uint32_t v = i * 2654435761u;
  do {
    out[n++] = (char)('a' + v % 26u);
    v /= 26u;
  } while (v != 0);
  out[n] = '\0';
}

int main(int argc, char** argv) {
  unsigned long scale = argc >= 2 ? strtoul(argv[1], NULL, 10) : 1;
  if (scale == 0) scale = 1;
  uint64_t h = 0xcbf29ce484222325u;
  char key[64];
  unsigned long rounds = ROUNDS * scale;
  for (unsigned long r = 0; r < rounds; r++) {
    struct table t;
    init(&t, 16);
    // Insert with repeats: key i % (KEYS / 2) twice on average.
    for (uint32_t i = 0; i < KEYS; i++) {
      make_key(key, (i * 7919u + (uint32_t)r) % (KEYS / 2u));
      add(&t, key);
    }
    // Look up present and absent keys.
    uint32_t found = 0;
    uint64_t counts = 0;
    for (uint32_t i = 0; i < KEYS; i++) {
      make_key(key, i);
      struct entry* e = lookup(&t, key);
      if ((e != NULL) != (i < KEYS / 2u)) {
        printf("hashtable: wrong lookup of %s\n", key);
        return 2;
      }
      if (e != NULL) {
        found++;
        counts += e->count;
      }
    }
    // Delete every third key, reinsert every sixth.
    uint32_t removed = 0;
    for (uint32_t i = 0; i < KEYS / 2u; i += 3) {
      make_key(key, i);
      removed += (uint32_t)remove_key(&t, key);
    }
    for (uint32_t i = 0; i < KEYS / 2u; i += 6) {
      make_key(key, i);
      add(&t, key);
    }
    h = (h ^ found ^ ((uint64_t)counts << 20) ^ ((uint64_t)removed << 40) ^ t.size) * 0x100000001b3u;
    for (uint32_t i = 0; i <= t.mask; i += 61)
      for (struct entry* e = t.buckets[i]; e != NULL; e = e->next) h = (h ^ e->hash ^ e->count) * 0x100000001b3u;
    destroy(&t);
  }
  printf("hashtable keys=%u rounds=%lu checksum=0x%016llx\n", KEYS, rounds, (unsigned long long)h);
  return 0;
}
