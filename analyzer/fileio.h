/* fileio.h — reading a whole file, the one way every part of the analyzer does it. */
#ifndef TL_FILEIO_H
#define TL_FILEIO_H

#include <stddef.h>
#include <stdio.h>

/* Read the rest of stream f into a malloc'd buffer, NUL-terminated (*len excludes the NUL).
 * max > 0 refuses streams holding more than max bytes. Returns 0; TL_EIO on a read error
 * (errno as the read left it); TL_ELIMIT over max; TL_ENOMEM. *out and *len are untouched
 * on failure. f is not closed. */
int tl_file_read_stream(FILE *f, size_t max, char **out, size_t *len);

/* The same for the file at path (opened "rb" and closed); TL_EIO when it cannot be opened,
 * errno telling why. */
int tl_file_read(const char *path, size_t max, char **out, size_t *len);

#endif /* TL_FILEIO_H */
