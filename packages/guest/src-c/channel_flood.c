// channel_flood (hostile): creates a channel and writes 16-byte messages to one end while nobody
// reads the other, until the kernel refuses with ZX_ERR_SHOULD_WAIT (it queues a bounded number of
// messages per endpoint: 3500 in this kernel). Then it tries to write a 65537-byte message, one byte
// over the 64 KiB limit, which must fail with ZX_ERR_OUT_OF_RANGE. It prints
// "channel_flood: N messages queued" on stdout.
//
// Return codes: 0 both limits held as expected; 1 the channel could not be created; 2 a write
// failed with another status before SHOULD_WAIT (printed on stderr); 3 a million writes went
// through without SHOULD_WAIT; 4 the oversized write did not fail with OUT_OF_RANGE (its status is
// printed on stderr).
#include <stdint.h>
#include <stdio.h>
#include <zircon/syscalls.h>

static char oversized[ZX_CHANNEL_MAX_MSG_BYTES + 1];

int main(void) {
  zx_handle_t writer = ZX_HANDLE_INVALID, reader = ZX_HANDLE_INVALID;
  if (zx_channel_create(0, &writer, &reader) != ZX_OK) return 1;
  uint64_t message[2] = {0, 0};
  uint32_t queued = 0;
  zx_status_t status = ZX_OK;
  for (; queued < 1000000; queued++) {
    message[0] = queued;
    status = zx_channel_write(writer, 0, message, sizeof(message), NULL, 0);
    if (status != ZX_OK) break;
  }
  if (status == ZX_OK) return 3;
  if (status != ZX_ERR_SHOULD_WAIT) {
    fprintf(stderr, "channel_flood: write %u returned %d\n", (unsigned)queued, (int)status);
    return 2;
  }
  printf("channel_flood: %u messages queued\n", (unsigned)queued);
  status = zx_channel_write(writer, 0, oversized, sizeof(oversized), NULL, 0);
  if (status != ZX_ERR_OUT_OF_RANGE) {
    fprintf(stderr, "channel_flood: a %u-byte write returned %d\n", (unsigned)sizeof(oversized), (int)status);
    return 4;
  }
  return 0;
}
