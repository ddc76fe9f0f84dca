// exit_flush: exit() writes out every stream still open, whichever thread calls it.
//
// Writes "fopen <path>" into the file argv[2] (fopen) and "fdopen" into a stream over a duplicate
// of descriptor 1 (fdopen), without a newline, a flush or a close, then calls exit(3): from main
// (argv[1] "main", the default) or from a second thread while main waits to join it ("thread").
// Exits 3 (with both written); 1 when a call fails.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void* exit_from_thread(void* arg) {
  (void)arg;
  exit(3);
}

int main(int argc, char** argv) {
  const char* mode = argc >= 2 ? argv[1] : "main";
  const char* path = argc >= 3 ? argv[2] : "/data/exit_flush.txt";
  FILE* file = fopen(path, "w");
  if (file == NULL) return 1;
  fprintf(file, "fopen %s", path);
  int fd = dup(1);
  FILE* out = fd < 0 ? NULL : fdopen(fd, "w");
  if (out == NULL) return 1;
  fprintf(out, "fdopen");
  if (strcmp(mode, "thread") == 0) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, exit_from_thread, NULL) != 0) return 1;
    pthread_join(thread, NULL);
    return 1;  // not reached: the thread's exit ends the process
  }
  exit(3);
}
