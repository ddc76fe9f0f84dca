// strings (benchmark): string processing with the C library. Builds lines of "key=value" records
// (words and decimal numbers) with memcpy/strcpy, splits them with strchr, parses numbers with
// strtol and by hand, compares keys with strcmp, measures with strlen and sorts the keys with
// qsort and strcmp, `rounds` times. Prints "strings records=<n> rounds=<r> checksum=0x<hash>" and
// exits 0 (2 if a parse disagrees with the value written).
//
// Usage: strings [scale]  (argv[0] is the program name; scale, default 1, multiplies the rounds).
// Standard C only, so the same file builds natively, for riscv64 Linux and for zxsim.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORDS 4000u
#define ROUNDS 2u

static uint32_t rng = 1234567u;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static const char* const syllables[] = {"ka", "to", "ri", "sen", "mo", "lu", "vex", "an", "dor", "pi", "que", "zu"};

// Writes a pseudo-random word of 2 to 5 syllables into out.
static void word(char* out) {
  out[0] = '\0';
  uint32_t count = 2u + next() % 4u;
  for (uint32_t i = 0; i < count; i++) strcat(out, syllables[next() % 12u]);
}

// Writes v in decimal, as printf's %ld would, without printf.
static size_t format_long(char* out, long v) {
  char digits[24];
  size_t n = 0;
  unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
  do {
    digits[n++] = (char)('0' + u % 10u);
    u /= 10u;
  } while (u != 0);
  size_t len = 0;
  if (v < 0) out[len++] = '-';
  while (n > 0) out[len++] = digits[--n];
  out[len] = '\0';
  return len;
}

static long parse_long(const char* s) {
  long sign = 1;
  if (*s == '-') {
    sign = -1;
    s++;
  }
  long v = 0;
  while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
  return sign * v;
}

static int compare(const void* a, const void* b) { return strcmp(*(const char* const*)a, *(const char* const*)b); }

int main(int argc, char** argv) {
  unsigned long scale = argc >= 2 ? strtoul(argv[1], NULL, 10) : 1;
  if (scale == 0) scale = 1;
  char* text = malloc(RECORDS * 64u);
  char** lines = malloc(RECORDS * sizeof *lines);
  char** keys = malloc(RECORDS * sizeof *keys);
  long* values = malloc(RECORDS * sizeof *values);
  if (text == NULL || lines == NULL || keys == NULL || values == NULL) return 1;
  uint64_t h = 0xcbf29ce484222325u;
  unsigned long rounds = ROUNDS * scale;
  for (unsigned long r = 0; r < rounds; r++) {
    // Build the records.
    char* at = text;
    for (uint32_t i = 0; i < RECORDS; i++) {
      char key[32];
      char number[24];
      word(key);
      values[i] = (long)(next() % 2000001u) - 1000000;
      format_long(number, values[i]);
      size_t key_length = strlen(key);
      lines[i] = at;
      memcpy(at, key, key_length);
      at[key_length] = '=';
      strcpy(at + key_length + 1, number);
      at += strlen(at) + 1;
    }
    // Parse them back: split at '=', parse the number two ways, keep the key.
    for (uint32_t i = 0; i < RECORDS; i++) {
      char* line = lines[i];
      char* equals = strchr(line, '=');
      if (equals == NULL) return 2;
      *equals = '\0';
      long a = strtol(equals + 1, NULL, 10);
      long b = parse_long(equals + 1);
      if (a != values[i] || b != a) {
        printf("strings: parse mismatch at %u\n", (unsigned)i);
        return 2;
      }
      keys[i] = line;
      h = (h ^ (uint64_t)a ^ ((uint64_t)strlen(line) << 40)) * 0x100000001b3u;
    }
    // Count equal neighbours after sorting, and matches of a probe word.
    qsort(keys, RECORDS, sizeof *keys, compare);
    uint32_t equal = 0;
    for (uint32_t i = 1; i < RECORDS; i++) equal += strcmp(keys[i - 1], keys[i]) == 0;
    char probe[32];
    for (int k = 0; k < 50; k++) {
      word(probe);
      uint32_t hits = 0;
      size_t probe_length = strlen(probe);
      for (uint32_t i = 0; i < RECORDS; i++)
        hits += strncmp(keys[i], probe, probe_length) == 0;
      h = (h ^ hits) * 0x100000001b3u;
    }
    for (uint32_t i = 0; i < RECORDS; i += 97) h = (h ^ (uint64_t)(unsigned char)keys[i][0] ^ ((uint64_t)strlen(keys[i]) << 8)) * 0x100000001b3u;
    h = (h ^ equal) * 0x100000001b3u;
  }
  printf("strings records=%u rounds=%lu checksum=0x%016llx\n", RECORDS, rounds, (unsigned long long)h);
  free(values);
  free(keys);
  free(lines);
  free(text);
  return 0;
}
