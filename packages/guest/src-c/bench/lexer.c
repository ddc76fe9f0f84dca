// lexer (benchmark): a switch-dispatched state machine over input bytes. Tokenizes a generated
// C-like source text (identifiers, keywords, decimal and hex numbers, strings with escapes,
// line and block comments, operators) byte by byte, one `switch` on the state and one on the
// byte's class per step, `rounds` times. Prints
// "lexer bytes=<n> rounds=<r> tokens=<t> checksum=0x<hash>" and exits 0.
//
// Usage: lexer [scale]  (argv[0] is the program name; scale, default 1, multiplies the rounds).
// Standard C only, so the same file builds natively, for riscv64 Linux and for zxsim.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_BYTES (192u * 1024u)
#define ROUNDS 4u

enum State { START, IDENT, NUMBER, HEX, ZERO, STRING, ESCAPE, SLASH, LINE_COMMENT, BLOCK_COMMENT, BLOCK_STAR, OPERATOR };
enum Class { C_SPACE, C_ALPHA, C_DIGIT, C_QUOTE, C_BACKSLASH, C_SLASH, C_STAR, C_NEWLINE, C_X, C_OP, C_OTHER };
enum Token { T_IDENT, T_NUMBER, T_STRING, T_COMMENT, T_OPERATOR, T_KINDS };

static unsigned char classes[256];

static void make_classes(void) {
  for (int c = 0; c < 256; c++) {
    unsigned char k = C_OTHER;
    if (c == ' ' || c == '\t' || c == '\r') k = C_SPACE;
    else if (c == '\n') k = C_NEWLINE;
    else if (c == 'x' || c == 'X') k = C_X;
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') k = C_ALPHA;
    else if (c >= '0' && c <= '9') k = C_DIGIT;
    else if (c == '"') k = C_QUOTE;
    else if (c == '\\') k = C_BACKSLASH;
    else if (c == '/') k = C_SLASH;
    else if (c == '*') k = C_STAR;
    else if (strchr("+-=<>!&|^%;,(){}[].~?:", c) != NULL && c != 0) k = C_OP;
    classes[c] = k;
  }
}

static uint32_t rng = 2463534242u;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static const char* const words[] = {"int", "return", "while", "for", "if", "else", "struct", "value", "count", "node_next", "x1", "buffer"};
static const char operators[] = "+-=<>!&|^%;,(){}[].~?:*";

static size_t generate(unsigned char* out, size_t size) {
  size_t n = 0;
  while (n + 64 < size) {
    uint32_t r = next();
    switch (r % 10u) {
    case 0: case 1: case 2: {
      const char* w = words[(r >> 8) % 12u];
      size_t len = strlen(w);
      memcpy(out + n, w, len);
      n += len;
      break;
    }
    case 3: n += (size_t)sprintf((char*)out + n, "%u", (unsigned)(r >> 12) % 100000u); break;
    case 4: n += (size_t)sprintf((char*)out + n, "0x%x", (unsigned)(r >> 4)); break;
    case 5: {
      out[n++] = '"';
      for (uint32_t i = 0; i < ((r >> 8) & 15u); i++) {
        uint32_t c = next();
        if ((c & 7u) == 0) {
          out[n++] = '\\';
          out[n++] = "n\"t\\"[(c >> 3) & 3u];
        } else out[n++] = (unsigned char)('a' + (c >> 4) % 26u);
      }
      out[n++] = '"';
      break;
    }
    case 6: n += (size_t)sprintf((char*)out + n, "// note %u\n", (unsigned)(r >> 16)); break;
    case 7: n += (size_t)sprintf((char*)out + n, "/* block * %u */", (unsigned)(r >> 20)); break;
    default: out[n++] = (unsigned char)operators[(r >> 8) % (sizeof operators - 1)]; break;
    }
    out[n++] = (r >> 28) == 0 ? '\n' : ' ';
  }
  out[n] = '\0';
  return n;
}

// Runs the state machine over text; counts tokens per kind and hashes each token's length and kind.
static uint64_t lex(const unsigned char* text, size_t size, uint32_t counts[T_KINDS]) {
  uint64_t h = 1469598103934665603u;
  enum State state = START;
  size_t begin = 0;
#define EMIT(kind, end)                                                   \
  do {                                                                    \
    counts[kind]++;                                                       \
    h = (h ^ (uint64_t)((end) - begin) ^ ((uint64_t)(kind) << 32)) * 1099511628211u; \
  } while (0)
  for (size_t i = 0; i <= size; i++) {
    unsigned c = text[i];
    enum Class k = (enum Class)classes[c];
  again:
    switch (state) {
    case START:
      begin = i;
      switch (k) {
      case C_ALPHA: case C_X: state = IDENT; break;
      case C_DIGIT: state = c == '0' ? ZERO : NUMBER; break;
      case C_QUOTE: state = STRING; break;
      case C_SLASH: state = SLASH; break;
      case C_OP: case C_STAR: state = OPERATOR; break;
      default: break;
      }
      break;
    case IDENT:
      if (k == C_ALPHA || k == C_DIGIT || k == C_X) break;
      EMIT(T_IDENT, i);
      state = START;
      goto again;
    case ZERO:
      if (k == C_X) { state = HEX; break; }
      state = NUMBER;
      goto again;
    case NUMBER:
      if (k == C_DIGIT) break;
      EMIT(T_NUMBER, i);
      state = START;
      goto again;
    case HEX:
      if (k == C_DIGIT || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) break;
      EMIT(T_NUMBER, i);
      state = START;
      goto again;
    case STRING:
      if (k == C_BACKSLASH) state = ESCAPE;
      else if (k == C_QUOTE) { EMIT(T_STRING, i + 1); state = START; }
      break;
    case ESCAPE: state = STRING; break;
    case SLASH:
      if (k == C_SLASH) { state = LINE_COMMENT; break; }
      if (k == C_STAR) { state = BLOCK_COMMENT; break; }
      EMIT(T_OPERATOR, i);
      state = START;
      goto again;
    case LINE_COMMENT:
      if (k == C_NEWLINE) { EMIT(T_COMMENT, i); state = START; }
      break;
    case BLOCK_COMMENT:
      if (k == C_STAR) state = BLOCK_STAR;
      break;
    case BLOCK_STAR:
      if (k == C_SLASH) { EMIT(T_COMMENT, i + 1); state = START; }
      else if (k != C_STAR) state = BLOCK_COMMENT;
      break;
    case OPERATOR:
      if (k == C_OP && (c == '=' || c == '&' || c == '|')) { EMIT(T_OPERATOR, i + 1); state = START; break; }
      EMIT(T_OPERATOR, i);
      state = START;
      goto again;
    }
  }
#undef EMIT
  return h;
}

int main(int argc, char** argv) {
  unsigned long scale = argc >= 2 ? strtoul(argv[1], NULL, 10) : 1;
  if (scale == 0) scale = 1;
  make_classes();
  unsigned char* text = malloc(TEXT_BYTES + 1);
  if (text == NULL) return 1;
  size_t size = generate(text, TEXT_BYTES);
  uint32_t counts[T_KINDS] = {0};
  uint64_t h = 0;
  unsigned long rounds = ROUNDS * scale;
  for (unsigned long r = 0; r < rounds; r++) {
    text[r % size] ^= 0x20u; // a different text each round
    h = (h * 31u) ^ lex(text, size, counts);
  }
  uint32_t tokens = 0;
  for (int k = 0; k < T_KINDS; k++) tokens += counts[k];
  printf("lexer bytes=%lu rounds=%lu tokens=%lu checksum=0x%016llx\n", (unsigned long)size, rounds, (unsigned long)tokens, (unsigned long long)h);
  free(text);
  return 0;
}
