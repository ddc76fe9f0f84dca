// stdin, stdout and stderr for picolibc's stdio, over the PA_FD sockets a process is given.
//
// stdout and stderr are line-buffered streams: a stream collects characters and writes them to its
// socket with zx_socket_write at each newline, when its buffer is full, on fflush, and at exit
// (_exit flushes both). A full socket (SHOULD_WAIT) makes the writer wait until it is writable
// again; a closed peer, or no socket at all, makes the stream drop its output. write(2) on
// descriptors 1 and 2 goes through the same buffers, so output interleaves in program order.
//
// stdin reads its socket (PA_FD 0) through a buffer: a read takes what the socket holds, waiting
// while it is empty; a closed peer with nothing left is end of file, as is having no socket at
// all. read(2) on descriptor 0 takes what the buffer holds first.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <zircon/syscalls.h>

#include "runtime.h"

#define STREAM_BUFFER 1024

struct zx_stream {
  FILE file;  // first, so a FILE* is a struct zx_stream*
  zx_handle_t socket;
  size_t length;
  char buffer[STREAM_BUFFER];
};

// Writes all of `data` to `socket`; returns 0, or -1 when the socket cannot take it.
static int socket_write_all(zx_handle_t socket, const char* data, size_t size) {
  while (size > 0) {
    size_t actual = 0;
    zx_status_t status = zx_socket_write(socket, 0, data, size, &actual);
    if (status == ZX_OK) {
      data += actual;
      size -= actual;
    } else if (status == ZX_ERR_SHOULD_WAIT) {
      zx_signals_t observed = 0;
      status = zx_object_wait_one(socket, ZX_SOCKET_WRITABLE | ZX_SOCKET_PEER_CLOSED, ZX_TIME_INFINITE, &observed);
      if (status != ZX_OK || (observed & ZX_SOCKET_WRITABLE) == 0) return -1;
    } else {
      return -1;
    }
  }
  return 0;
}

static int stream_flush(FILE* file) {
  struct zx_stream* stream = (struct zx_stream*)file;
  size_t length = stream->length;
  stream->length = 0;
  if (length == 0 || stream->socket == ZX_HANDLE_INVALID) return 0;
  return socket_write_all(stream->socket, stream->buffer, length) == 0 ? 0 : EOF;
}

static int stream_put(char c, FILE* file) {
  struct zx_stream* stream = (struct zx_stream*)file;
  stream->buffer[stream->length++] = c;
  if (c == '\n' || stream->length == STREAM_BUFFER) return stream_flush(file) == 0 ? (unsigned char)c : EOF;
  return (unsigned char)c;
}

struct zx_input {
  FILE file;  // first, so a FILE* is a struct zx_input*
  zx_handle_t socket;
  size_t start, end;
  unsigned char buffer[STREAM_BUFFER];
};

// Refills an empty input buffer from its socket, waiting until the socket has bytes or its peer
// closes. Returns 1 when there are bytes, 0 at end of file, -1 on any other failure.
static int input_fill(struct zx_input* input) {
  if (input->socket == ZX_HANDLE_INVALID) return 0;
  for (;;) {
    size_t actual = 0;
    zx_status_t status = zx_socket_read(input->socket, 0, input->buffer, sizeof input->buffer, &actual);
    if (status == ZX_OK && actual > 0) {
      input->start = 0;
      input->end = actual;
      return 1;
    }
    if (status == ZX_ERR_PEER_CLOSED) return 0;
    if (status != ZX_OK && status != ZX_ERR_SHOULD_WAIT) return -1;
    zx_signals_t observed = 0;
    status = zx_object_wait_one(input->socket, ZX_SOCKET_READABLE | ZX_SOCKET_PEER_CLOSED, ZX_TIME_INFINITE, &observed);
    if (status != ZX_OK) return -1;
  }
}

static int stream_get(FILE* file) {
  struct zx_input* input = (struct zx_input*)file;
  if (input->start == input->end) {
    int filled = input_fill(input);
    if (filled <= 0) return filled == 0 ? _FDEV_EOF : _FDEV_ERR;
  }
  return input->buffer[input->start++];
}

static struct zx_stream zx_stdout = {
    .file = FDEV_SETUP_STREAM(stream_put, NULL, stream_flush, _FDEV_SETUP_WRITE),
    .socket = ZX_HANDLE_INVALID,
};
static struct zx_stream zx_stderr = {
    .file = FDEV_SETUP_STREAM(stream_put, NULL, stream_flush, _FDEV_SETUP_WRITE),
    .socket = ZX_HANDLE_INVALID,
};
static struct zx_input zx_stdin = {
    .file = FDEV_SETUP_STREAM(NULL, stream_get, NULL, _FDEV_SETUP_READ),
    .socket = ZX_HANDLE_INVALID,
};

FILE* const stdin = &zx_stdin.file;
FILE* const stdout = &zx_stdout.file;
FILE* const stderr = &zx_stderr.file;

void __zx_stdio_init(zx_handle_t in, zx_handle_t out, zx_handle_t err) {
  zx_stdin.socket = in;
  zx_stdout.socket = out;
  zx_stderr.socket = err;
}

void __zx_stdio_flush(void) {
  stream_flush(stdout);
  stream_flush(stderr);
}

ssize_t write(int fd, const void* data, size_t size) {
  FILE* file = fd == 1 ? stdout : fd == 2 ? stderr : NULL;
  if (file == NULL) {
    errno = EBADF;
    return -1;
  }
  const char* bytes = data;
  for (size_t i = 0; i < size; i++) {
    if (stream_put(bytes[i], file) == EOF) {
      errno = EIO;
      return -1;
    }
  }
  return (ssize_t)size;
}

ssize_t read(int fd, void* data, size_t size) {
  if (fd != 0) {
    errno = EBADF;
    return -1;
  }
  if (size == 0) return 0;
  if (zx_stdin.start == zx_stdin.end) {
    int filled = input_fill(&zx_stdin);
    if (filled <= 0) {
      if (filled < 0) errno = EIO;
      return filled;
    }
  }
  size_t n = zx_stdin.end - zx_stdin.start;
  if (n > size) n = size;
  memcpy(data, zx_stdin.buffer + zx_stdin.start, n);
  zx_stdin.start += n;
  return (ssize_t)n;
}
