/* fileio.c — see fileio.h. */
#include "fileio.h"

#include <errno.h>
#include <stdlib.h>

#include "tl_errno.h"

int tl_file_read_stream(FILE *f, size_t max, char **out, size_t *len) {
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (cap - n < 4096 + 1) {          /* room for a good read and the NUL */
      size_t ncap = cap ? cap * 2 : 16384;
      char *nb = realloc(buf, ncap);
      if (!nb) {
        free(buf);
        return TL_ENOMEM;
      }
      buf = nb;
      cap = ncap;
    }
    size_t r = fread(buf + n, 1, cap - n - 1, f);
    n += r;
    if (max && n > max) {
      free(buf);
      return TL_ELIMIT;
    }
    if (r == 0) break;
  }
  if (ferror(f)) {
    int e = errno;
    free(buf);
    errno = e;
    return TL_EIO;
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return 0;
}

int tl_file_read(const char *path, size_t max, char **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return TL_EIO;
  int rc = tl_file_read_stream(f, max, out, len);
  int e = errno;
  fclose(f);
  errno = e;
  return rc;
}
