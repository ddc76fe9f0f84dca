// Recurses argv[1] calls deep (default 10000), each frame holding a 256-byte buffer the next call
// reads, and prints `depth=<n> sum=<s>`. With the default 256 KiB stack 10,000 frames do not fit
// (the stack's guard page stops it: killed, -1028); with 4 MiB (`zxsim run --stack 4M`, the
// builder's setMinStackSize, or linking with -z stack-size=4194304) they do.
#include <stdio.h>
#include <stdlib.h>

static unsigned long deep(long n, const volatile unsigned char* above) {
  volatile unsigned char frame[256];
  for (int i = 0; i < 256; i++) frame[i] = (unsigned char)(n + i + (above != NULL ? above[i] : 0));
  if (n == 0) return frame[0];
  return deep(n - 1, frame) + frame[255];
}

int main(int argc, char** argv) {
  long depth = argc > 1 ? atol(argv[1]) : 10000;
  printf("depth=%ld sum=%lu\n", depth, deep(depth, NULL));
  return 0;
}
