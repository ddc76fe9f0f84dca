// numeric: floating-point work in double precision, every result printed exactly with %a.
//
// Lines starting "exact " come only from + - * / and sqrt, which IEEE 754 rounds correctly: every
// conforming CPU and C library gives the same bits. Lines starting "libm " come from the C
// library's transcendental functions (exp, log, sin, cos, atan2, pow), which libms compute to
// within an ulp or so, not identically. Sections:
//   exact arith  basic operations on fixed operands, sqrt across the exponent range;
//   exact nbody  energy and positions of the five outer-planet bodies after a few leapfrog steps;
//   exact lu     LU factorization with partial pivoting of an 8 x 8 pseudo-random matrix, the pivot
//                order, the factors' diagonal, and the solution of one system;
//   libm <fn>    the function sampled across its domain.
// Exits 0.
//
// Standard C only (with -lm), so the same file builds natively and for zxsim. Contraction of
// a * b + c into one fused multiply-add is off: it changes the rounding, and whether a compiler
// fuses depends on the target.
#pragma STDC FP_CONTRACT OFF
#include <math.h>
#include <stdint.h>
#include <stdio.h>

/** A deterministic generator of doubles in [-1, 1). */
static uint64_t state = 0x9E3779B97F4A7C15ull;
static double next(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return (double)(int64_t)(state >> 11) / 4503599627370496.0 - 1.0;
}

static void arith(void) {
  const double xs[] = {1.0, -2.5, 3.0, 0.1, 1e300, 1e-300, 7.0 / 3.0, -123456.789};
  const int n = (int)(sizeof xs / sizeof xs[0]);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      double a = xs[i], b = xs[j];
      printf("exact arith %d %d %a %a %a %a\n", i, j, a + b, a - b, a * b, a / b);
    }
  }
  for (int e = -1000; e <= 1000; e += 125) {
    double x = ldexp(1.0 + (e + 1000) / 4096.0, e);
    printf("exact sqrt %a %a\n", x, sqrt(x));
  }
}

#define BODIES 5
static const double PI = 3.141592653589793;
static const double DAYS_PER_YEAR = 365.24;

struct body {
  double x[3], v[3], mass;
};

static double energy(const struct body* b) {
  double e = 0.0;
  for (int i = 0; i < BODIES; i++) {
    e += 0.5 * b[i].mass * (b[i].v[0] * b[i].v[0] + b[i].v[1] * b[i].v[1] + b[i].v[2] * b[i].v[2]);
    for (int j = i + 1; j < BODIES; j++) {
      double d[3];
      for (int k = 0; k < 3; k++) d[k] = b[i].x[k] - b[j].x[k];
      e -= b[i].mass * b[j].mass / sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    }
  }
  return e;
}

static void nbody(void) {
  const double solar = 4.0 * PI * PI;
  struct body b[BODIES] = {
    {{0, 0, 0}, {0, 0, 0}, 1.0},
    {{4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01},
     {1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05},
     9.54791938424326609e-04},
    {{8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01},
     {-2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05},
     2.85885980666130812e-04},
    {{1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01},
     {2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05},
     4.36624404335156298e-05},
    {{1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01},
     {2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05},
     5.15138902046611451e-05}};
  double p[3] = {0, 0, 0};
  for (int i = 1; i < BODIES; i++) {
    b[i].mass *= solar;
    for (int k = 0; k < 3; k++) {
      b[i].v[k] *= DAYS_PER_YEAR;
      p[k] += b[i].v[k] * b[i].mass;
    }
  }
  b[0].mass = solar;
  for (int k = 0; k < 3; k++) b[0].v[k] = -p[k] / solar;
  printf("exact nbody energy %a\n", energy(b));
  const double dt = 0.01;
  for (int step = 1; step <= 200; step++) {
    for (int i = 0; i < BODIES; i++) {
      for (int j = i + 1; j < BODIES; j++) {
        double d[3];
        for (int k = 0; k < 3; k++) d[k] = b[i].x[k] - b[j].x[k];
        double d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        double mag = dt / (d2 * sqrt(d2));
        for (int k = 0; k < 3; k++) {
          b[i].v[k] -= d[k] * b[j].mass * mag;
          b[j].v[k] += d[k] * b[i].mass * mag;
        }
      }
    }
    for (int i = 0; i < BODIES; i++) {
      for (int k = 0; k < 3; k++) b[i].x[k] += dt * b[i].v[k];
    }
    if (step % 50 == 0) {
      printf("exact nbody step %d energy %a\n", step, energy(b));
      for (int i = 0; i < BODIES; i++) {
        printf("exact nbody step %d body %d %a %a %a\n", step, i, b[i].x[0], b[i].x[1], b[i].x[2]);
      }
    }
  }
}

#define N 8

static void lu(void) {
  double a[N][N], rhs[N], x[N];
  int perm[N];
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) a[i][j] = next();
    rhs[i] = next();
    perm[i] = i;
  }
  // Doolittle elimination in place with partial pivoting: L below the diagonal (unit diagonal
  // implied), U on and above it.
  for (int k = 0; k < N; k++) {
    int pivot = k;
    for (int i = k + 1; i < N; i++) {
      if (fabs(a[i][k]) > fabs(a[pivot][k])) pivot = i;
    }
    if (pivot != k) {
      for (int j = 0; j < N; j++) {
        double t = a[k][j];
        a[k][j] = a[pivot][j];
        a[pivot][j] = t;
      }
      int t = perm[k];
      perm[k] = perm[pivot];
      perm[pivot] = t;
    }
    for (int i = k + 1; i < N; i++) {
      a[i][k] /= a[k][k];
      for (int j = k + 1; j < N; j++) a[i][j] -= a[i][k] * a[k][j];
    }
  }
  printf("exact lu perm");
  for (int i = 0; i < N; i++) printf(" %d", perm[i]);
  printf("\n");
  for (int i = 0; i < N; i++) printf("exact lu u %d %a l %a\n", i, a[i][i], a[N - 1][i]);
  // Solve L y = P rhs, then U x = y.
  for (int i = 0; i < N; i++) {
    double s = rhs[perm[i]];
    for (int j = 0; j < i; j++) s -= a[i][j] * x[j];
    x[i] = s;
  }
  for (int i = N - 1; i >= 0; i--) {
    double s = x[i];
    for (int j = i + 1; j < N; j++) s -= a[i][j] * x[j];
    x[i] = s / a[i][i];
  }
  for (int i = 0; i < N; i++) printf("exact lu x %d %a\n", i, x[i]);
}

static void libm(void) {
  for (int i = 0; i <= 16; i++) {
    double x = -700.0 + i * 87.5;
    printf("libm exp %a %a\n", x, exp(x));
  }
  for (int e = -1000; e <= 1000; e += 125) {
    double x = ldexp(1.0 + (e + 1000) / 3000.0, e);
    printf("libm log %a %a\n", x, log(x));
  }
  for (int i = -12; i <= 12; i++) {
    double x = i * 0.7853981633974483 + i * 1e-3;
    printf("libm sin %a %a\nlibm cos %a %a\n", x, sin(x), x, cos(x));
  }
  const double big[] = {1e3, 1e6, 1e10, 1e15};
  for (int i = 0; i < 4; i++) printf("libm sin %a %a\nlibm cos %a %a\n", big[i], sin(big[i]), big[i], cos(big[i]));
  for (int i = 0; i < 8; i++) {
    double y = -3.5 + i, xx = 2.0 - i * 0.75;
    printf("libm atan2 %a %a %a\n", y, xx, atan2(y, xx));
  }
  for (int i = 0; i < 10; i++) {
    double base = 0.25 + i * 0.9, p = -20.0 + i * 4.75;
    printf("libm pow %a %a %a\n", base, p, pow(base, p));
  }
}

int main(void) {
  arith();
  nbody();
  lu();
  libm();
  return 0;
}
