/* test_trace.c — TK_TRACE writes a Chrome trace-event file: valid JSON, "X" events for
 * running slices, awaits (with their call site), then-callbacks and work. */
#include "helpers.h"

#include <stdint.h>

static int work(void *arg, void **result) {
  *result = arg;
  return 0;
}

static void ignore(int err, void *value, void *arg) {
  (void)err;
  (void)value;
  (void)arg;
}

static int traced(void *arg, void **result) {
  tk_loop *loop = arg;
  int rc = tk_await(tk_work(loop, work, (void *)1), result);
  tk_promise *p = tk_sleep(loop, 5);
  tk__site("odd \"name\"\\path\n.c", 77);  /* a file name that needs escaping */
  int rc2 = (tk_await)(p, NULL);
  if (rc == 0)
    rc = rc2;
  tk_then(tk_sleep(loop, 1), ignore, NULL);
  return rc;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "r");
  cr_assert(f);
  static char text[1 << 16];
  size_t n = fread(text, 1, sizeof text - 1, f);
  text[n] = '\0';
  fclose(f);
  return text;
}

Test(trace, chrome_trace_events_with_await_spans) {
  char path[] = "/tmp/tk_trace_XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  close(fd);
  setenv("TK_TRACE", path, 1);
  setenv("TK_CLOCK", "virtual", 1);
  unsetenv("TK_CHECK");
  test_count_allocations(0);
  tk_loop *loop = tk_loop_new();
  tk_detach(tk_async(loop, traced, loop));
  cr_assert_eq(tk_loop_run(loop), 0);
  test_loop_free(loop);
  const char *text = slurp(path);
  cr_assert(strncmp(text, "{\"traceEvents\":[", 16) == 0);
  cr_assert(strstr(text, "\"ph\":\"X\""));
  cr_assert(strstr(text, "{\"name\":\"await\",\"ph\":\"X\""));
  cr_assert(strstr(text, "{\"name\":\"run\",\"ph\":\"X\""));
  cr_assert(strstr(text, "{\"name\":\"work\",\"ph\":\"X\""));
  cr_assert(strstr(text, "{\"name\":\"then\",\"ph\":\"X\""));
  cr_assert(strstr(text, "\"name\":\"async #1 "));
  cr_assert(strstr(text, "odd \\\"name\\\"\\\\path\\u000a.c:77"));
  char site[512];
  snprintf(site, sizeof site, "\"site\":\"%s:", __FILE__);
  cr_assert(strstr(text, site));
  /* valid JSON, when python3 is there to say so */
  char cmd[512];
  snprintf(cmd, sizeof cmd,
           "command -v python3 >/dev/null || exit 0; "
           "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' %s", path);
  cr_assert_eq(system(cmd), 0, "not valid JSON:\n%s", text);
  unlink(path);
}
