// Creates the directories and files its stdin lists below the directory argv[1]:
//   d PATH        a directory (mkdir)
//   f PATH HEX    a file holding the bytes HEX (open O_CREAT|O_EXCL, write, close)
// Exits 0; 1 on a failure, with the line and strerror on stderr.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int main(int argc, char** argv) {
  const char* root = argc > 1 ? argv[1] : "/data";
  static char line[70000];
  static unsigned char data[35000];
  char path[4200];
  while (fgets(line, sizeof line, stdin) != NULL) {
    size_t n = strlen(line);
    if (n > 0 && line[n - 1] == '\n') line[--n] = 0;
    if (n < 3 || line[1] != ' ') continue;
    char* name = line + 2;
    char* contents = strchr(name, ' ');
    if (contents != NULL) *contents++ = 0;
    snprintf(path, sizeof path, "%s/%s", root, name);
    if (line[0] == 'd') {
      if (mkdir(path, 0755) != 0) {
        fprintf(stderr, "mkdir %s: %s\n", path, strerror(errno));
        return 1;
      }
    } else if (line[0] == 'f') {
      size_t length = 0;
      for (const char* p = contents != NULL ? contents : ""; p[0] != 0 && p[1] != 0; p += 2) {
        int hi = hex(p[0]), lo = hex(p[1]);
        if (hi < 0 || lo < 0 || length == sizeof data) {
          fprintf(stderr, "bad contents for %s\n", path);
          return 1;
        }
        data[length++] = (unsigned char)(hi << 4 | lo);
      }
      int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
      if (fd < 0) {
        fprintf(stderr, "open %s: %s\n", path, strerror(errno));
        return 1;
      }
      size_t done = 0;
      while (done < length) {
        ssize_t w = write(fd, data + done, length - done);
        if (w <= 0) {
          fprintf(stderr, "write %s: %s\n", path, strerror(errno));
          return 1;
        }
        done += (size_t)w;
      }
      if (close(fd) != 0) {
        fprintf(stderr, "close %s: %s\n", path, strerror(errno));
        return 1;
      }
    }
  }
  return 0;
}
