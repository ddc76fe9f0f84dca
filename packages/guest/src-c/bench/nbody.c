// nbody (benchmark): double-precision simulation of the Sun and the four outer planets
// (symplectic Euler steps, the classic n-body kernel), 100,000 x argv[1] steps. Prints
// "nbody steps=<s> checksum=0x<bits>", the bits of the final energy XOR the positions' bits, and
// exits 0.
//
// Usage: nbody [scale]  (argv[0] is the program name; scale, default 1, multiplies the steps).
// Standard C only (with sqrt from <math.h>), so the same file builds natively, for riscv64 Linux
// and for zxsim; only + - * / and sqrt, which IEEE 754 rounds exactly, so the checksum is the same
// everywhere. Fused multiply-add changes the rounding, so contraction is off.
#pragma STDC FP_CONTRACT OFF
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODIES 5
#define STEPS 100000ul

struct body {
  double x, y, z, vx, vy, vz, mass;
};

static struct body bodies[BODIES] = {
  {0, 0, 0, 0, 0, 0, 1.0},
  {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03,
   7.69901118419740425e-03, -6.90460016972063023e-05, 9.54791938424326609e-04},
  {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03,
   4.99852801234917238e-03, 2.30417297573763929e-05, 2.85885980666130812e-04},
  {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03,
   2.37847173959480950e-03, -2.96589568540237556e-05, 4.36624404335156298e-05},
  {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03,
   1.62824170038242295e-03, -9.51592254519715870e-05, 5.15138902046611451e-05}};

static double energy(void) {
  double e = 0.0;
  for (int i = 0; i < BODIES; i++) {
    struct body* b = &bodies[i];
    e += 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
    for (int j = i + 1; j < BODIES; j++) {
      struct body* c = &bodies[j];
      double dx = b->x - c->x, dy = b->y - c->y, dz = b->z - c->z;
      e -= b->mass * c->mass / sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

static void advance(double dt) {
  for (int i = 0; i < BODIES; i++) {
    struct body* b = &bodies[i];
    for (int j = i + 1; j < BODIES; j++) {
      struct body* c = &bodies[j];
      double dx = b->x - c->x, dy = b->y - c->y, dz = b->z - c->z;
      double d2 = dx * dx + dy * dy + dz * dz;
      double mag = dt / (d2 * sqrt(d2));
      b->vx -= dx * c->mass * mag;
      b->vy -= dy * c->mass * mag;
      b->vz -= dz * c->mass * mag;
      c->vx += dx * b->mass * mag;
      c->vy += dy * b->mass * mag;
      c->vz += dz * b->mass * mag;
    }
  }
  for (int i = 0; i < BODIES; i++) {
    struct body* b = &bodies[i];
    b->x += dt * b->vx;
    b->y += dt * b->vy;
    b->z += dt * b->vz;
  }
}

static uint64_t bits(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

int main(int argc, char** argv) {
  unsigned long scale = argc >= 2 ? strtoul(argv[1], NULL, 10) : 1;
  if (scale == 0) scale = 1;
  const double pi = 3.141592653589793, days_per_year = 365.24, solar = 4.0 * pi * pi;
  double px = 0.0, py = 0.0, pz = 0.0;
  for (int i = 0; i < BODIES; i++) {
    struct body* b = &bodies[i];
    b->mass *= solar;
    b->vx *= days_per_year;
    b->vy *= days_per_year;
    b->vz *= days_per_year;
    px += b->vx * b->mass;
    py += b->vy * b->mass;
    pz += b->vz * b->mass;
  }
  bodies[0].vx = -px / solar;
  bodies[0].vy = -py / solar;
  bodies[0].vz = -pz / solar;
  unsigned long steps = STEPS * scale;
  for (unsigned long s = 0; s < steps; s++) advance(0.01);
  uint64_t sum = bits(energy());
  for (int i = 0; i < BODIES; i++) sum = sum * 31u ^ bits(bodies[i].x) ^ bits(bodies[i].y) ^ bits(bodies[i].z);
  printf("nbody steps=%lu checksum=0x%016llx\n", steps, (unsigned long long)sum);
  return 0;
}
