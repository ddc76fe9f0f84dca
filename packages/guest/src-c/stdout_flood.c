// stdout_flood (hostile): writes argv[1] bytes (default 512 KiB, twice what a socket holds) to
// stdout as fast as it can, in 64 KiB blocks of the repeating line "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\n"
// (63 bytes), the last block cut short. A reader that drains stdout can check every byte; one that
// does not makes it wait on a full socket.
//
// Return codes: 0 everything was written; 1 a write failed.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define BLOCK 65536
static const char line[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\n";
static char block[BLOCK + sizeof(line)];

int main(int argc, char** argv) {
  uint64_t total = argc >= 2 ? strtoull(argv[1], NULL, 10) : (uint64_t)512 << 10;
  const uint64_t period = sizeof(line) - 1;
  for (size_t i = 0; i < sizeof(block); i++) block[i] = line[i % period];
  uint64_t written = 0;
  while (written < total) {
    uint64_t n = total - written < BLOCK ? total - written : BLOCK;
    // Each block starts where the pattern left off.
    const char* from = block + written % period;
    size_t done = 0;
    while (done < n) {
      ssize_t w = write(1, from + done, (size_t)(n - done));
      if (w <= 0) return 1;
      done += (size_t)w;
    }
    written += n;
  }
  return 0;
}
