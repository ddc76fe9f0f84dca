// hello: prints each argument on its own line, then each environment variable on its own line, to
// stdout, and exits 0.
//
// Run with args ["hello", "a b"] and env ["X=1"], its stdout (the PA_FD 1 socket) reads
// "hello\na b\nX=1\n". There is no program name unless the caller passes one as the first argument:
// argv is exactly the processargs arguments.
#include <stdio.h>

int main(int argc, char** argv, char** envp) {
  for (int i = 0; i < argc; i++) puts(argv[i]);
  for (char** e = envp; *e != NULL; e++) puts(*e);
  return 0;
}
