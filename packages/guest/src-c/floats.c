// printf and scanf with floating point (picolibc's default double variant): each value of a fixed
// list, then each value whose bits come from a seeded generator, is printed with %.17g and read
// back with sscanf("%lf"), which must give the same bits; a few fixed formats are printed to
// stdout for the test to compare. Exits 0; 1 with the failing value on a mismatch.
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state = 0x9e3779b97f4a7c15u;

static uint64_t next(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

static int round_trip(double value) {
  char text[64];
  snprintf(text, sizeof text, "%.17g", value);
  double back = 0;
  if (sscanf(text, "%lf", &back) != 1) {
    printf("sscanf failed on %s\n", text);
    return 1;
  }
  uint64_t a, b;
  memcpy(&a, &value, 8);
  memcpy(&b, &back, 8);
  if (a != b && !(isnan(value) && isnan(back))) {
    printf("round trip %s: %016" PRIx64 " -> %016" PRIx64 "\n", text, a, b);
    return 1;
  }
  return 0;
}

int main(int argc, char** argv) {
  int count = argc > 1 ? atoi(argv[1]) : 2000;
  printf("%.3f %e %g %a\n", 3.14159265358979, 6.02214076e23, 1e-300, 1.0);
  printf("%10.4f|%-8.2f|%+.0f\n", -2.5, 0.125, 2.5);
  float f = 0;
  sscanf("1.5e3", "%f", &f);
  printf("%.1f %s\n", f, f == 1500.0f ? "float ok" : "float wrong");
  const double fixed[] = {0.0, -0.0, 1.0, 0.1, 1.0 / 3.0, 1e308, 5e-324, 2.2250738585072014e-308, 123456789.125, INFINITY};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
    if (round_trip(fixed[i])) return 1;
  }
  for (int i = 0; i < count; i++) {
    uint64_t bits = next();
    double value;
    memcpy(&value, &bits, 8);
    if (isnan(value) || isinf(value)) continue;
    if (round_trip(value)) return 1;
  }
  printf("floats: %d round trips\n", count);
  return 0;
}
