/* errors.c — names of the analyzer's error codes, from the one TL_ERRNO_MAP (tl_errno.h). */
#include "tl_errno.h"

const char *tl_strerror(int err) {
  switch (err) {
  case 0:
    return "success";
#define XX(name, code, msg) \
  case TL_##name:           \
    return msg;
    TL_ERRNO_MAP(XX)
#undef XX
  }
  return "unknown error";
}
