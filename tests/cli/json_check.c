/* json_check — reads ticketlint --format=json output on stdin, checks its shape (an array of
 * objects with the documented keys and types) and prints one line per finding:
 * "<rule> <line>". Exit 0 when the shape is right, 1 (with a message) otherwise. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what, size_t i) {
  fprintf(stderr, "json_check: finding %zu: %s\n", i, what);
  return 1;
}

static int has(json_t *obj, const char *key, int (*is)(const json_t *)) {
  json_t *v = json_object_get(obj, key);
  return v && is(v);
}

static int is_string(const json_t *v) { return json_is_string(v); }
static int is_integer(const json_t *v) { return json_is_integer(v); }
static int is_array(const json_t *v) { return json_is_array(v); }

int main(void) {
  json_error_t err;
  json_t *root = json_loadf(stdin, 0, &err);
  if (!root) {
    fprintf(stderr, "json_check: invalid JSON at %d:%d: %s\n", err.line, err.column, err.text);
    return 1;
  }
  if (!json_is_array(root)) return fail("top level is not an array", 0);
  static const char *const strings[] = {"file", "rule", "severity", "message"};
  static const char *const ints[] = {"line", "column", "end_line", "end_column"};
  for (size_t i = 0; i < json_array_size(root); i++) {
    json_t *d = json_array_get(root, i);
    if (!json_is_object(d)) return fail("not an object", i);
    for (size_t k = 0; k < 4; k++)
      if (!has(d, strings[k], is_string)) return fail(strings[k], i);
    for (size_t k = 0; k < 4; k++)
      if (!has(d, ints[k], is_integer)) return fail(ints[k], i);
    if (!has(d, "notes", is_array)) return fail("notes", i);
    const char *sev = json_string_value(json_object_get(d, "severity"));
    if (strcmp(sev, "note") && strcmp(sev, "warning") && strcmp(sev, "error"))
      return fail("severity is not note, warning or error", i);
    json_t *notes = json_object_get(d, "notes");
    for (size_t n = 0; n < json_array_size(notes); n++) {
      json_t *note = json_array_get(notes, n);
      if (!has(note, "file", is_string) || !has(note, "line", is_integer) ||
          !has(note, "column", is_integer) || !has(note, "message", is_string))
        return fail("a note lacks file, line, column or message", i);
    }
    printf("%s %lld\n", json_string_value(json_object_get(d, "rule")),
           (long long)json_integer_value(json_object_get(d, "line")));
  }
  json_decref(root);
  return 0;
}
