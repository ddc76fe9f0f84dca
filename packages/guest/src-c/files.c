// POSIX files over fuchsia.io, step by step: argv[1] is a read-write directory (default /data),
// argv[2] a read-only one (default /ro) holding hello.txt ("hello\n"). Each step prints one line;
// the first that misbehaves prints why and the program exits 1. The read-write directory is left
// as it was found.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char* rw;
static const char* ro;
static char path_buffer[8][600];
static int next_path;

// A path below `dir` (a few at a time in rotating buffers).
static const char* at(const char* dir, const char* name) {
  char* out = path_buffer[next_path++ % 8];
  snprintf(out, sizeof path_buffer[0], "%s/%s", dir, name);
  return out;
}

#define CHECK(what, cond)                                                           \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      printf("FAIL %s (line %d): errno %d %s\n", what, __LINE__, errno, strerror(errno)); \
      return 1;                                                                     \
    }                                                                               \
    printf("ok %s\n", what);                                                        \
  } while (0)

// A call that must fail with `expected`.
#define EXPECT_ERRNO(what, call, expected)                                                       \
  do {                                                                                           \
    errno = 0;                                                                                   \
    long result_ = (long)(call);                                                                 \
    if (result_ != -1 || errno != (expected)) {                                                  \
      printf("FAIL %s (line %d): result %ld errno %d %s, expected %s\n", what, __LINE__, result_, errno, \
             strerror(errno), #expected);                                                        \
      return 1;                                                                                  \
    }                                                                                            \
    printf("ok %s -> %s\n", what, #expected);                                                    \
  } while (0)

int main(int argc, char** argv) {
  rw = argc > 1 ? argv[1] : "/data";
  ro = argc > 2 ? argv[2] : "/ro";
  char buffer[256];

  CHECK("stdio descriptors", fileno(stdin) == 0 && fileno(stdout) == 1 && fileno(stderr) == 2);

  // Descriptors: create, write, seek, read, stat.
  int fd = open(at(rw, "a.txt"), O_RDWR | O_CREAT | O_EXCL, 0644);
  CHECK("open O_CREAT|O_EXCL", fd >= 0);
  CHECK("write", write(fd, "hello, files\n", 13) == 13);
  CHECK("lseek SEEK_CUR", lseek(fd, 0, SEEK_CUR) == 13);
  CHECK("lseek SEEK_SET", lseek(fd, 7, SEEK_SET) == 7);
  CHECK("read", read(fd, buffer, sizeof buffer) == 6 && memcmp(buffer, "files\n", 6) == 0);
  CHECK("read at end", read(fd, buffer, sizeof buffer) == 0);
  struct stat st;
  CHECK("fstat", fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 13);
  CHECK("lseek SEEK_END", lseek(fd, -1, SEEK_END) == 12);
  CHECK("ftruncate", ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
  CHECK("fsync", fsync(fd) == 0);
  int copy = dup(fd);
  CHECK("dup", copy >= 0 && copy != fd);
  CHECK("close dup", close(copy) == 0);
  CHECK("close", close(fd) == 0);
  CHECK("stat", stat(at(rw, "a.txt"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5);
  CHECK("stat directory", stat(rw, &st) == 0 && S_ISDIR(st.st_mode));
  CHECK("access", access(at(rw, "a.txt"), R_OK) == 0);

  // O_APPEND and O_TRUNC.
  fd = open(at(rw, "a.txt"), O_WRONLY | O_APPEND);
  CHECK("open O_APPEND", fd >= 0 && write(fd, "++", 2) == 2 && close(fd) == 0);
  CHECK("append landed", stat(at(rw, "a.txt"), &st) == 0 && st.st_size == 7);
  fd = open(at(rw, "a.txt"), O_WRONLY | O_TRUNC);
  CHECK("open O_TRUNC", fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0 && close(fd) == 0);

  // stdio streams over the same calls.
  FILE* f = fopen(at(rw, "b.txt"), "w");
  CHECK("fopen w", f != NULL);
  CHECK("fprintf", fprintf(f, "%d %s %.3f\n", 42, "answer", 2.5) > 0);
  CHECK("fclose", fclose(f) == 0);
  f = fopen(at(rw, "b.txt"), "r");
  int number = 0;
  double real = 0;
  char word[32];
  CHECK("fscanf", f != NULL && fscanf(f, "%d %31s %lf", &number, word, &real) == 3 && number == 42 &&
                      strcmp(word, "answer") == 0 && real == 2.5);
  CHECK("fclose r", fclose(f) == 0);
  f = fopen(at(rw, "b.txt"), "a+");
  CHECK("fopen a+ and fseek", f != NULL && fputs("more\n", f) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
                                  fgets(buffer, sizeof buffer, f) != NULL && strcmp(buffer, "42 answer 2.500\n") == 0 &&
                                  fclose(f) == 0);

  // Directories.
  CHECK("mkdir", mkdir(at(rw, "sub"), 0755) == 0);
  CHECK("mkdir nested", mkdir(at(rw, "sub/inner"), 0755) == 0);
  CHECK("rename into a directory", rename(at(rw, "b.txt"), at(rw, "sub/b.txt")) == 0);
  CHECK("renamed", stat(at(rw, "sub/b.txt"), &st) == 0 && stat(at(rw, "b.txt"), &st) != 0 && errno == ENOENT);
  DIR* dir = opendir(at(rw, "sub"));
  CHECK("opendir", dir != NULL);
  int seen = 0;
  for (struct dirent* e; (e = readdir(dir)) != NULL;) {
    if (strcmp(e->d_name, "b.txt") == 0 && e->d_type == DT_REG) seen |= 1;
    if (strcmp(e->d_name, "inner") == 0 && e->d_type == DT_DIR) seen |= 2;
  }
  CHECK("readdir", seen == 3);
  rewinddir(dir);
  CHECK("rewinddir", readdir(dir) != NULL);
  CHECK("closedir", closedir(dir) == 0);

  // The current directory and relative paths.
  char cwd[512];
  CHECK("chdir", chdir(at(rw, "sub")) == 0);
  CHECK("getcwd", getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, at(rw, "sub")) == 0);
  fd = open("inner/../b.txt", O_RDONLY);
  CHECK("relative open with ..", fd >= 0 && read(fd, buffer, 3) == 3 && memcmp(buffer, "42 ", 3) == 0 && close(fd) == 0);
  CHECK("remove", remove("b.txt") == 0);
  CHECK("rmdir", rmdir("inner") == 0);
  CHECK("chdir ..", chdir("..") == 0 && getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, rw) == 0);
  CHECK("chdir /", chdir("/") == 0 && getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, "/") == 0);
  CHECK("stat of a directory the namespace implies", stat("/", &st) == 0 && S_ISDIR(st.st_mode));

  // The errno of each failure.
  EXPECT_ERRNO("open missing", open(at(rw, "missing"), O_RDONLY), ENOENT);
  EXPECT_ERRNO("open O_EXCL existing", open(at(rw, "a.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
  EXPECT_ERRNO("open through a file", open(at(rw, "a.txt/x"), O_RDONLY), ENOTDIR);
  EXPECT_ERRNO("open O_DIRECTORY on a file", open(at(rw, "a.txt"), O_RDONLY | O_DIRECTORY), ENOTDIR);
  EXPECT_ERRNO("open a directory for writing", open(at(rw, "sub"), O_WRONLY), EISDIR);
  fd = open(at(rw, "sub"), O_RDONLY | O_DIRECTORY);
  CHECK("open a directory", fd >= 0);
  EXPECT_ERRNO("read a directory", read(fd, buffer, 1), EISDIR);
  CHECK("close a directory", close(fd) == 0);
  EXPECT_ERRNO("mkdir existing", mkdir(at(rw, "sub"), 0755), EEXIST);
  CHECK("file in sub", close(open(at(rw, "sub/x"), O_WRONLY | O_CREAT, 0644)) == 0);
  EXPECT_ERRNO("rmdir not empty", rmdir(at(rw, "sub")), ENOTEMPTY);
  EXPECT_ERRNO("rmdir a file", rmdir(at(rw, "sub/x")), ENOTDIR);
  EXPECT_ERRNO("unlink a directory", unlink(at(rw, "sub")), EISDIR);
  EXPECT_ERRNO("unlink missing", unlink(at(rw, "missing")), ENOENT);
  CHECK("unlink", unlink(at(rw, "sub/x")) == 0 && rmdir(at(rw, "sub")) == 0);
  EXPECT_ERRNO("read a closed descriptor", read(fd, buffer, 1), EBADF);
  EXPECT_ERRNO("close a closed descriptor", close(fd), EBADF);
  fd = open(at(rw, "a.txt"), O_RDONLY);
  EXPECT_ERRNO("write a read-only descriptor", write(fd, "x", 1), EBADF);
  EXPECT_ERRNO("lseek before the start", lseek(fd, -5, SEEK_SET), EINVAL);
  close(fd);
  EXPECT_ERRNO("lseek a socket", lseek(1, 0, SEEK_CUR), ESPIPE);
  EXPECT_ERRNO("rename across namespace entries", rename(at(rw, "a.txt"), at(ro, "a.txt")), EXDEV);
  char long_name[300];
  memset(long_name, 'n', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = 0;
  EXPECT_ERRNO("a name over 255 bytes", open(at(rw, long_name), O_RDONLY), ENAMETOOLONG);
  EXPECT_ERRNO("outside the namespace", open("/nowhere/file", O_RDONLY), ENOENT);
  EXPECT_ERRNO("chdir to a file", chdir(at(rw, "a.txt")), ENOTDIR);

  // The read-only directory: reading works, every change is refused.
  fd = open(at(ro, "hello.txt"), O_RDONLY);
  CHECK("read-only read", fd >= 0 && read(fd, buffer, sizeof buffer) == 6 && memcmp(buffer, "hello\n", 6) == 0 && close(fd) == 0);
  EXPECT_ERRNO("read-only open for writing", open(at(ro, "hello.txt"), O_WRONLY), EACCES);
  EXPECT_ERRNO("read-only create", open(at(ro, "new.txt"), O_WRONLY | O_CREAT, 0644), EACCES);
  EXPECT_ERRNO("read-only mkdir", mkdir(at(ro, "d"), 0755), EACCES);
  EXPECT_ERRNO("read-only unlink", unlink(at(ro, "hello.txt")), EACCES);
  EXPECT_ERRNO("read-only rename", rename(at(ro, "hello.txt"), at(ro, "moved.txt")), EACCES);

  CHECK("clean up", unlink(at(rw, "a.txt")) == 0);
  printf("files: all steps passed\n");
  return 0;
}
