/* tl_errno.h — the analyzer's error map. Errors are not diagnostics: a function that can fail
 * returns 0 or one of these negative codes; tl_strerror() names it. */
#ifndef TL_ERRNO_H
#define TL_ERRNO_H

#define TL_ERRNO_MAP(XX)                                        \
  XX(ENOMEM,  -1, "out of memory")                              \
  XX(EINVAL,  -2, "invalid argument")                           \
  XX(EIO,     -3, "cannot read file")                           \
  XX(ESYNTAX, -4, "syntax error")                               \
  XX(EMODEL,  -5, "invalid model")                              \
  XX(ECONFIG, -6, "invalid configuration")                      \
  XX(EPARSE,  -7, "cannot parse translation unit")              \
  XX(ECOMPDB, -8, "cannot read compilation database")           \
  XX(ELIMIT,  -9, "analysis limit reached")                     \
  XX(EUSAGE, -10, "invalid usage")

typedef enum {
#define XX(name, code, msg) TL_##name = (code),
  TL_ERRNO_MAP(XX)
#undef XX
} tl_errno;

const char *tl_strerror(int err);

#endif /* TL_ERRNO_H */
