// cat: copies stdin (its PA_FD 0 socket) to stdout until end of file and exits 0; 1 when reading
// or writing fails. With `-c` as argv[1] it copies a character at a time through stdio
// (getchar/putchar) instead of in blocks through read(2) and fwrite.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc >= 2 && strcmp(argv[1], "-c") == 0) {
    int c;
    while ((c = getchar()) != EOF) {
      if (putchar(c) == EOF) return 1;
    }
    return ferror(stdin) ? 1 : 0;
  }
  char buffer[4096];
  for (;;) {
    ssize_t n = read(0, buffer, sizeof buffer);
    if (n == 0) return 0;
    if (n < 0) return 1;
    if (fwrite(buffer, 1, (size_t)n, stdout) != (size_t)n) return 1;
  }
}
