// Host build of the sysroot's hand-written FIDL wire format (sysroot/src/fidl-wire.h), driven by
// test/HostFidl.test.ts, which compares what it prints with @zxsim/fidl's encoders and decoders.
//
//   fidl FILE   runs one command per line of FILE and prints one line per command. Byte strings are
//               hex ("-" for none), lists of byte strings comma-separated hex ("-" for an empty
//               list, "~" for an empty string in a list), numbers decimal unless said otherwise.
//
// Commands (encoders print the message in hex; decoders print "ok ..." or "error CODE"):
//   ldsvc-request NAME                    LoadObject(NAME), txid 1
//   ldsvc-response MSG NHANDLES           -> ok RV HAS_OBJECT
//   open-request FLAGS MODE PATH          Open (txid 0)
//   open-decode MSG NHANDLES              -> ok FLAGS MODE PATH
//   u64-message TXID ORDINAL_HEX VALUE    a header and one uint64
//   empty-message TXID ORDINAL_HEX        a header alone
//   dirents-response MSG NHANDLES         -> ok S DIRENTS
//   rewind-response MSG NHANDLES          -> ok S
//   read-response MSG NHANDLES            -> ok ERR DATA
//   close-response MSG NHANDLES           -> ok ERR
//   close-encode TXID                     the successful Close reply
//   epitaph-encode STATUS
//   epitaph-decode MSG                    -> ok STATUS
//   dirents DIRENTS                       -> ok INO:TYPE:NAME,... or error
//   strings-response TXID ORDINAL_HEX LIST
//   env-response TXID ORDINAL_HEX LIST
//   env-count LIST                        -> the number of entries kept
//   string-response TXID ORDINAL_HEX TEXT
//   read-file-decode MSG NHANDLES         -> ok PATH
//   util-empty NBYTES NHANDLES            -> ok or error
//   utf8 BYTES                            -> 1 or 0
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fidl-wire.h"

static unsigned char* from_hex(const char* hex, size_t* size) {
  if (strcmp(hex, "-") == 0) {
    *size = 0;
    return calloc(1, 1);
  }
  size_t n = strlen(hex) / 2;
  // Exactly n bytes, so that AddressSanitizer catches a read past the end.
  unsigned char* out = malloc(n > 0 ? n : 1);
  for (size_t i = 0; i < n; i++) sscanf(hex + 2 * i, "%2hhx", &out[i]);
  *size = n;
  return out;
}

static void print_hex(const unsigned char* bytes, uint64_t size) {
  if (size == 0) printf("-");
  for (uint64_t i = 0; i < size; i++) printf("%02x", bytes[i]);
}

// A list of NUL-terminated strings from comma-separated hex.
static char** from_list(const char* list, uint64_t* count) {
  *count = 0;
  char** out = malloc(sizeof(char*) * (strlen(list) + 1));
  if (strcmp(list, "-") == 0) return out;
  const char* at = list;
  for (;;) {
    size_t length = strcspn(at, ",");
    char* item = malloc(length / 2 + 1);
    if (!(length == 1 && at[0] == '~')) {
      for (size_t i = 0; i < length / 2; i++) sscanf(at + 2 * i, "%2hhx", (unsigned char*)&item[i]);
      item[length / 2] = 0;
    } else {
      item[0] = 0;
    }
    out[(*count)++] = item;
    if (at[length] == 0) break;
    at += length + 1;
  }
  return out;
}

static void free_list(char** list, uint64_t count) {
  for (uint64_t i = 0; i < count; i++) free(list[i]);
  free(list);
}

// Encodes with `encode` twice: once to size it (out NULL), once into a buffer of exactly that size
// filled with 0xAA, so that a padding byte left unwritten shows.
#define ENCODE(call_with_out)                       \
  do {                                              \
    unsigned char* out = NULL;                      \
    uint64_t size = (call_with_out);                \
    out = malloc(size > 0 ? size : 1);              \
    memset(out, 0xaa, size);                        \
    uint64_t written = (call_with_out);             \
    if (written != size) printf("size mismatch ");  \
    print_hex(out, written);                        \
    free(out);                                      \
  } while (0)

static void run(char** argv, int argc) {
  const char* command = argv[0];
  if (strcmp(command, "ldsvc-request") == 0 && argc == 2) {
    size_t n;
    unsigned char* name = from_hex(argv[1], &n);
    ENCODE(zxs_ldsvc_load_object_request(out, 1, (const char*)name, n));
    free(name);
  } else if (strcmp(command, "ldsvc-response") == 0 && argc == 3) {
    size_t n;
    unsigned char* msg = from_hex(argv[1], &n);
    int32_t rv;
    int has;
    int e = zxs_ldsvc_load_object_response(msg, (uint32_t)n, (uint32_t)atoi(argv[2]), &rv, &has);
    if (e == ZXS_FIDL_OK) printf("ok %d %d", rv, has);
    else printf("error %d", e);
    free(msg);
  } else if (strcmp(command, "open-request") == 0 && argc == 4) {
    size_t n;
    unsigned char* path = from_hex(argv[3], &n);
    ENCODE(zxs_io_open_request(out, (uint32_t)strtoul(argv[1], NULL, 10), (uint32_t)strtoul(argv[2], NULL, 10),
                               (const char*)path, n));
    free(path);
  } else if (strcmp(command, "open-decode") == 0 && argc == 3) {
    size_t n;
    unsigned char* msg = from_hex(argv[1], &n);
    uint32_t flags, mode;
    const char* path;
    uint64_t length;
    int e = zxs_io_open_request_decode(msg, (uint32_t)n, (uint32_t)atoi(argv[2]), &flags, &mode, &path, &length);
    if (e == ZXS_FIDL_OK) {
      printf("ok %" PRIu32 " %" PRIu32 " ", flags, mode);
      print_hex((const unsigned char*)path, length);
    } else {
      printf("error %d", e);
    }
    free(msg);
  } else if (strcmp(command, "u64-message") == 0 && argc == 4) {
    ENCODE(zxs_util_u64_response(out, (uint32_t)strtoul(argv[1], NULL, 10), strtoull(argv[2], NULL, 16),
                                 strtoull(argv[3], NULL, 10)));
  } else if (strcmp(command, "empty-message") == 0 && argc == 3) {
    ENCODE(zxs_fidl_empty_request(out, (uint32_t)strtoul(argv[1], NULL, 10), strtoull(argv[2], NULL, 16)));
  } else if (strcmp(command, "dirents-response") == 0 && argc == 3) {
    size_t n;
    unsigned char* msg = from_hex(argv[1], &n);
    int32_t s;
    const unsigned char* dirents;
    uint64_t size;
    int e = zxs_io_read_dirents_response(msg, (uint32_t)n, (uint32_t)atoi(argv[2]), &s, &dirents, &size);
    if (e == ZXS_FIDL_OK) {
      printf("ok %d ", s);
      print_hex(dirents, size);
    } else {
      printf("error %d", e);
    }
    free(msg);
  } else if (strcmp(command, "rewind-response") == 0 && argc == 3) {
    size_t n;
    unsigned char* msg = from_hex(argv[1], &n);
    int32_t s;
    int e = zxs_io_rewind_response(msg, (uint32_t)n, (uint32_t)atoi(argv[2]), &s);
    if (e == ZXS_FIDL_OK) printf("ok %d", s);
    else printf("error %d", e);
    free(msg);
  } else if (strcmp(command, "read-response") == 0 && argc == 3) {
    size_t n;
    unsigned char* msg = from_hex(argv[1], &n);
    int32_t err;
    const unsigned char* data = NULL;
    uint64_t size = 0;
    int e = zxs_io_read_response(msg, (uint32_t)n, (uint32_t)atoi(argv[2]), &err, &data, &size);
    if (e == ZXS_FIDL_OK) {
      printf("ok %d ", err);
      print_hex(data, err == 0 ? size : 0);
    } else {
      printf("error %d", e);
    }
    free(msg);
  } else if (strcmp(command, "close-response") == 0 && argc == 3) {
    size_t n;
    unsigned char* msg = from_hex(argv[1], &n);
    int32_t err;
    int e = zxs_io_close_response(msg, (uint32_t)n, (uint32_t)atoi(argv[2]), &err);
    if (e == ZXS_FIDL_OK) printf("ok %d", err);
    else printf("error %d", e);
    free(msg);
  } else if (strcmp(command, "close-encode") == 0 && argc == 2) {
    ENCODE(zxs_io_close_response_encode(out, (uint32_t)strtoul(argv[1], NULL, 10)));
  } else if (strcmp(command, "epitaph-encode") == 0 && argc == 2) {
    ENCODE(zxs_fidl_epitaph(out, (int32_t)atoi(argv[1])));
  } else if (strcmp(command, "epitaph-decode") == 0 && argc == 2) {
    size_t n;
    unsigned char* msg = from_hex(argv[1], &n);
    int32_t status;
    int e = zxs_fidl_read_epitaph(msg, (uint32_t)n, &status);
    if (e == ZXS_FIDL_OK) printf("ok %d", status);
    else printf("error %d", e);
    free(msg);
  } else if (strcmp(command, "dirents") == 0 && argc == 2) {
    size_t n;
    unsigned char* bytes = from_hex(argv[1], &n);
    uint64_t at = 0;
    zxs_dirent_t d;
    int r, first = 1;
    printf("ok ");
    while ((r = zxs_io_next_dirent(bytes, n, &at, &d)) == 1) {
      printf("%s%" PRIx64 ":%u:", first ? "" : ",", d.ino, d.type);
      print_hex((const unsigned char*)d.name, d.name_length);
      first = 0;
    }
    if (first) printf("-");
    if (r < 0) printf(" error");
    free(bytes);
  } else if ((strcmp(command, "strings-response") == 0 || strcmp(command, "env-response") == 0) && argc == 4) {
    uint64_t count;
    char** list = from_list(argv[3], &count);
    uint32_t txid = (uint32_t)strtoul(argv[1], NULL, 10);
    uint64_t ordinal = strtoull(argv[2], NULL, 16);
    if (command[0] == 's') ENCODE(zxs_util_strings_response(out, txid, ordinal, (const char* const*)list, count));
    else ENCODE(zxs_util_env_response(out, txid, ordinal, (const char* const*)list, count));
    free_list(list, count);
  } else if (strcmp(command, "env-count") == 0 && argc == 2) {
    uint64_t count;
    char** list = from_list(argv[1], &count);
    printf("%" PRIu64, zxs_util_env_count((const char* const*)list, count));
    free_list(list, count);
  } else if (strcmp(command, "string-response") == 0 && argc == 4) {
    size_t n;
    unsigned char* text = from_hex(argv[3], &n);
    ENCODE(zxs_util_string_response(out, (uint32_t)strtoul(argv[1], NULL, 10), strtoull(argv[2], NULL, 16),
                                    (const char*)text, n));
    free(text);
  } else if (strcmp(command, "read-file-decode") == 0 && argc == 3) {
    size_t n;
    unsigned char* msg = from_hex(argv[1], &n);
    const char* path;
    uint64_t length;
    int e = zxs_util_read_file_request(msg, (uint32_t)n, (uint32_t)atoi(argv[2]), &path, &length);
    if (e == ZXS_FIDL_OK) {
      printf("ok ");
      print_hex((const unsigned char*)path, length);
    } else {
      printf("error %d", e);
    }
    free(msg);
  } else if (strcmp(command, "util-empty") == 0 && argc == 3) {
    int e = zxs_util_empty_request((uint32_t)atoi(argv[1]), (uint32_t)atoi(argv[2]));
    if (e == ZXS_FIDL_OK) printf("ok");
    else printf("error %d", e);
  } else if (strcmp(command, "utf8") == 0 && argc == 2) {
    size_t n;
    unsigned char* bytes = from_hex(argv[1], &n);
    printf("%d", zxs_utf8_valid(bytes, n));
    free(bytes);
  } else {
    printf("unknown command %s", command);
  }
  printf("\n");
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: fidl FILE\n");
    return 2;
  }
  FILE* f = fopen(argv[1], "r");
  if (f == NULL) {
    perror(argv[1]);
    return 2;
  }
  static char line[1 << 20];
  while (fgets(line, sizeof(line), f) != NULL) {
    char* words[8];
    int count = 0;
    for (char* w = strtok(line, " \n"); w != NULL && count < 8; w = strtok(NULL, " \n")) words[count++] = w;
    if (count > 0) run(words, count);
  }
  fclose(f);
  return 0;
}
