/* Tests of fileio.c: the one way the analyzer reads a whole file. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "tl_errno.h"

static const char *write_tmp(const char *text, size_t n) {
  static char path[64];
  snprintf(path, sizeof path, "%s/fileio_XXXXXX", TL_TEST_BINARY_DIR);
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  FILE *f = fdopen(fd, "wb");
  cr_assert_eq(fwrite(text, 1, n, f), n);
  fclose(f);
  return path;
}

Test(fileio, whole_file_is_read_and_nul_terminated) {
  size_t n = 100000;                       /* past several buffer growths */
  char *text = malloc(n);
  for (size_t i = 0; i < n; i++) text[i] = (char)('a' + i % 26);
  const char *path = write_tmp(text, n);
  char *buf = NULL;
  size_t len = 0;
  cr_assert_eq(tl_file_read(path, 0, &buf, &len), 0);
  cr_expect_eq(len, n);
  cr_expect_eq(memcmp(buf, text, n), 0);
  cr_expect_eq(buf[n], '\0');
  free(buf);
  free(text);
  remove(path);
}

Test(fileio, more_than_max_is_refused_and_max_itself_is_not) {
  const char *path = write_tmp("0123456789", 10);
  char *buf = (char *)"untouched";
  size_t len = 7;
  cr_expect_eq(tl_file_read(path, 9, &buf, &len), TL_ELIMIT);
  cr_expect_str_eq(buf, "untouched");
  cr_expect_eq(len, 7);
  cr_assert_eq(tl_file_read(path, 10, &buf, &len), 0);
  cr_expect_str_eq(buf, "0123456789");
  free(buf);
  remove(path);
}

Test(fileio, missing_file_is_eio) {
  char *buf = NULL;
  size_t len = 0;
  cr_expect_eq(tl_file_read(TL_TEST_BINARY_DIR "/no/such/file", 0, &buf, &len), TL_EIO);
  cr_expect_null(buf);
}
