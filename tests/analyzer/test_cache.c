/* test_cache.c — the result cache (analyzer/cache.h): the hash, dependency files, diagnostics
 * through JSON and back, entries that hit, miss after an edit, and corrupt entries ignored
 * and rewritten; the job runner (jobs.h) with a crash, a failure and a timeout. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "jobs.h"
#include "rule.h"
#include "tl_errno.h"

static char dir[256];

static void make_dir(void) {
  snprintf(dir, sizeof dir, "%s/test_cache.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f, "cannot write %s", path);
  fputs(text, f);
  fclose(f);
}

static char *path_in(const char *name) {
  static char buf[4][512];
  static int k;
  char *p = buf[k++ % 4];
  snprintf(p, 512, "%s/%s", dir, name);
  return p;
}

static void hex_of(const char *s, char hex[TL_HASH_HEX]) {
  struct tl_hash h;
  tl_hash_init(&h);
  tl_hash_update(&h, s, strlen(s));
  tl_hash_hex(&h, hex);
}

/* ---- the hash --------------------------------------------------------------------------- */

Test(hash, same_bytes_same_digest_whatever_the_chunks) {
  const char *text = "int main(void) { return tk_await(t, NULL); }\n";
  char one[TL_HASH_HEX], pieces[TL_HASH_HEX];
  hex_of(text, one);
  struct tl_hash h;
  tl_hash_init(&h);
  for (size_t i = 0; text[i]; i += 3)
    tl_hash_update(&h, text + i, strlen(text + i) < 3 ? strlen(text + i) : 3);
  tl_hash_hex(&h, pieces);
  cr_assert_str_eq(one, pieces);
  cr_assert_eq(strlen(one), 32);
}

Test(hash, one_changed_byte_or_length_changes_the_digest) {
  char a[TL_HASH_HEX], b[TL_HASH_HEX], c[TL_HASH_HEX], e[TL_HASH_HEX], z[TL_HASH_HEX];
  hex_of("#define X 1\n", a);
  hex_of("#define X 2\n", b);
  hex_of("#define X 1\n\n", c);
  hex_of("", e);
  hex_of("\0", z);   /* strlen: empty too */
  cr_assert_str_neq(a, b);
  cr_assert_str_neq(a, c);
  cr_assert_str_neq(a, e);
  struct tl_hash h1, h2;
  tl_hash_init(&h1);
  tl_hash_init(&h2);
  tl_hash_str(&h1, "ab");
  tl_hash_str(&h1, "c");
  tl_hash_str(&h2, "a");
  tl_hash_str(&h2, "bc");
  tl_hash_hex(&h1, a);
  tl_hash_hex(&h2, b);
  cr_assert_str_neq(a, b, "string boundaries take part");
  cr_assert_str_eq(e, z);
}

/* ---- dependency files ------------------------------------------------------------------- */

Test(deps, make_syntax_with_escapes_and_continuations) {
  static const char d[] =
    "ticketlint-deps: src/a.c /usr/include/stdio.h \\\n"
    "  my\\ hdr.h /opt/x\\#y.h cost$$.h \\\n"
    "  /usr/include/stdio.h\n";
  tl_paths out = {0};
  cr_assert_eq(tl_deps_parse(d, strlen(d), "/work", &out), 0);
  cr_assert_eq(out.size, 5, "duplicates dropped: got %u", out.size);
  cr_assert_str_eq(out.data[0], "/work/src/a.c");
  cr_assert_str_eq(out.data[1], "/usr/include/stdio.h");
  cr_assert_str_eq(out.data[2], "/work/my hdr.h");
  cr_assert_str_eq(out.data[3], "/opt/x#y.h");
  cr_assert_str_eq(out.data[4], "/work/cost$.h");
  tl_paths_free(&out);
}

Test(deps, no_target_is_a_syntax_error_and_out_is_untouched) {
  tl_paths out = {0};
  cr_assert_eq(tl_deps_parse("a.c b.h\n", 8, "/w", &out), TL_ESYNTAX);
  cr_assert_eq(out.size, 0);
}

/* ---- diagnostics as JSON ---------------------------------------------------------------- */

static void two_diags(struct tl_diags *ds) {
  struct tl_diag *d = NULL;
  struct tl_loc a = {5, 3, 5, 27}, n = {2, 1, 2, 9};
  tl_diags_init(ds);
  cr_assert_eq(tl_diags_add(ds, "src/a.c", a, tl_rules[0]->id, TL_SEV_WARNING,
                            "ticket from 'tk_async' is never awaited", &d), 0);
  cr_assert_eq(tl_diag_add_note(d, "src/a.c", n, "issued here"), 0);
  cr_assert_eq(tl_diags_add(ds, "inc/b.h", a, "clang-diagnostic", TL_SEV_ERROR,
                            "'x.h' file not found", NULL), 0);
}

Test(diags_json, round_trip_keeps_everything_and_static_rule_ids) {
  struct tl_diags in, out;
  void *j = NULL;
  two_diags(&in);
  tl_diags_init(&out);
  cr_assert_eq(tl_diags_encode(&in, &j), 0);
  char *text = json_dumps(j, JSON_COMPACT);
  json_t *back = json_loads(text, 0, NULL);
  cr_assert_eq(tl_diags_decode(back, &out), 0);
  cr_assert_eq(out.size, 2);
  cr_assert_str_eq(out.data[0].file, "src/a.c");
  cr_assert_eq(out.data[0].loc.line, 5);
  cr_assert_eq(out.data[0].loc.end_col, 27);
  cr_assert_eq(out.data[0].rule, tl_rules[0]->id, "the registered rule's own string");
  cr_assert_eq(out.data[0].severity, TL_SEV_WARNING);
  cr_assert_eq(out.data[0].nnotes, 1);
  cr_assert_str_eq(out.data[0].notes[0].message, "issued here");
  cr_assert_str_eq(out.data[1].rule, "clang-diagnostic");
  cr_assert_eq(out.data[1].severity, TL_SEV_ERROR);
  free(text);
  json_decref(back);
  json_decref(j);
  tl_diags_close(&in);
  tl_diags_close(&out);
}

Test(diags_json, unknown_rule_or_bad_shape_adds_nothing) {
  struct tl_diags out;
  struct tl_loc l = {1, 1, 1, 1};
  tl_diags_init(&out);
  cr_assert_eq(tl_diags_add(&out, "keep.c", l, "clang-diagnostic", TL_SEV_ERROR, "m", NULL), 0);
  static const char *bad[] = {
    "{}",
    "[{\"file\":\"a.c\",\"loc\":[1,1,1,1],\"rule\":\"no-such-rule\",\"severity\":1,"
    "\"message\":\"m\",\"notes\":[]}]",
    "[{\"file\":\"a.c\",\"loc\":[1,1],\"rule\":null,\"severity\":1,\"message\":\"m\","
    "\"notes\":[]}]",
    "[{\"file\":\"a.c\",\"loc\":[1,1,1,1],\"rule\":null,\"severity\":7,\"message\":\"m\","
    "\"notes\":[]}]",
    /* the first is fine, the second not: the first must be dropped again */
    "[{\"file\":\"a.c\",\"loc\":[1,1,1,1],\"rule\":null,\"severity\":1,\"message\":\"m\","
    "\"notes\":[{\"file\":\"a.c\",\"loc\":[1,1,1,1],\"message\":\"n\"}]},"
    "{\"file\":\"a.c\"}]",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    json_t *j = json_loads(bad[i], 0, NULL);
    cr_assert_not_null(j, "test JSON %zu", i);
    cr_assert_eq(tl_diags_decode(j, &out), TL_ESYNTAX, "case %zu", i);
    cr_assert_eq(out.size, 1, "case %zu left %u diagnostics", i, out.size);
    json_decref(j);
  }
  tl_diags_close(&out);
}

/* ---- entries ---------------------------------------------------------------------------- */

TestSuite(cache, .init = make_dir, .fini = remove_dir);

/* A unit: main.c including inc.h. */
static void store_unit(struct tl_cache *c, const char *key) {
  struct tl_diags ds;
  tl_paths deps = {0};
  two_diags(&ds);
  tl_array_push(&deps, strdup(path_in("main.c")));
  tl_array_push(&deps, strdup(path_in("inc.h")));
  cr_assert_eq(tl_cache_store(c, key, &deps, &ds), 0);
  tl_paths_free(&deps);
  tl_diags_close(&ds);
}

static int lookup(struct tl_cache *c, const char *key, uint32_t *n) {
  struct tl_diags ds;
  int hit = -1;
  tl_diags_init(&ds);
  cr_assert_eq(tl_cache_lookup(c, key, &ds, &hit), 0);
  *n = ds.size;
  tl_diags_close(&ds);
  return hit;
}

static struct tl_cache open_cache(void) {
  struct tl_cache c;
  char err[256];
  cr_assert_eq(tl_cache_open(&c, path_in("cache"), err, sizeof err), 0, "%s", err);
  return c;
}

static const char key[] = "00112233445566778899aabbccddeeff";

Test(cache, open_creates_only_its_directory_with_a_tag) {
  struct tl_cache c = open_cache();
  struct stat st;
  cr_assert_eq(stat(path_in("cache/CACHEDIR.TAG"), &st), 0);
  cr_assert_eq(stat(path_in("cache/tmp"), &st), 0);
  tl_cache_close(&c);
  char err[256];
  cr_assert_eq(tl_cache_open(&c, path_in("no/such/parent"), err, sizeof err), TL_EIO);
  cr_assert(strstr(err, "no/such/parent"), "%s", err);
  cr_assert_neq(stat(path_in("no"), &st), 0, "parents are not created");
}

Test(cache, hit_after_store_in_a_later_run) {
  write_file(path_in("main.c"), "#include \"inc.h\"\nint f(void) { return X; }\n");
  write_file(path_in("inc.h"), "#define X 1\n");
  struct tl_cache c = open_cache();
  uint32_t n = 0;
  cr_assert_eq(lookup(&c, key, &n), 0, "empty cache: a miss");
  store_unit(&c, key);
  tl_cache_close(&c);

  c = open_cache();   /* a new run: nothing memoised */
  cr_assert_eq(lookup(&c, key, &n), 1);
  cr_assert_eq(n, 2);
  cr_assert_eq(c.hits, 1);
  cr_assert_eq(lookup(&c, "ffffffffffffffffffffffffffffffff", &n), 0, "another key misses");
  tl_cache_close(&c);
}

Test(cache, miss_after_editing_an_included_header) {
  write_file(path_in("main.c"), "#include \"inc.h\"\nint f(void) { return X; }\n");
  write_file(path_in("inc.h"), "#define X 1\n");
  struct tl_cache c = open_cache();
  store_unit(&c, key);
  tl_cache_close(&c);

  write_file(path_in("inc.h"), "#define X 2\n");   /* same size, other contents */
  c = open_cache();
  uint32_t n = 0;
  cr_assert_eq(lookup(&c, key, &n), 0, "an edited header must invalidate the entry");
  cr_assert_eq(n, 0);
  tl_cache_close(&c);

  unlink(path_in("inc.h"));
  c = open_cache();
  cr_assert_eq(lookup(&c, key, &n), 0, "a vanished header must invalidate the entry");
  tl_cache_close(&c);
}

Test(cache, corrupt_entry_is_a_miss_and_is_rewritten) {
  write_file(path_in("main.c"), "int f(void) { return 0; }\n");
  write_file(path_in("inc.h"), "\n");
  struct tl_cache c = open_cache();
  store_unit(&c, key);
  tl_cache_close(&c);
  char entry[600];
  snprintf(entry, sizeof entry, "%s/cache/%s.json", dir, key);
  static const char *garbage[] = {
    "{\"format\": 1, \"key\": \"00112233", "",
    "{\"format\":1,\"key\":\"00112233445566778899aabbccddeeff\",\"deps\":[],\"diags\":[]}",
    "{\"format\":1,\"key\":\"ffffffffffffffffffffffffffffffff\",\"deps\":[{\"path\":\"/\","
    "\"size\":0,\"hash\":\"x\"}],\"diags\":[]}",
  };
  for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
    write_file(entry, garbage[i]);
    c = open_cache();
    uint32_t n = 0;
    cr_assert_eq(lookup(&c, key, &n), 0, "garbage %zu is a miss", i);
    cr_assert_eq(c.corrupt, 1, "garbage %zu counted as corrupt", i);
    store_unit(&c, key);      /* what the driver does after analysing the unit */
    tl_cache_close(&c);
    c = open_cache();
    cr_assert_eq(lookup(&c, key, &n), 1, "rewritten after garbage %zu", i);
    cr_assert_eq(n, 2);
    tl_cache_close(&c);
  }
}

Test(cache, unreadable_dependency_is_not_stored) {
  write_file(path_in("main.c"), "int f(void) { return 0; }\n");
  struct tl_cache c = open_cache();   /* inc.h does not exist */
  store_unit(&c, key);
  cr_assert_eq(c.stores, 0);
  uint32_t n;
  cr_assert_eq(lookup(&c, key, &n), 0);
  tl_cache_close(&c);
}

Test(cache, temporary_files_stay_inside_the_cache) {
  struct tl_cache c = open_cache();
  char *p = NULL, *q = NULL;
  cr_assert_eq(tl_cache_tmp_path(&c, ".d", &p), 0);
  cr_assert_eq(tl_cache_tmp_path(&c, ".d", &q), 0);
  cr_assert_eq(strncmp(p, c.dir, strlen(c.dir)), 0, "%s", p);
  cr_assert_str_neq(p, q);
  free(p);
  free(q);
  tl_cache_close(&c);
}

/* ---- jobs ------------------------------------------------------------------------------- */

struct seen {
  enum tl_job_status status[4];
  int signal[4], exit_code[4];
  char data[4][32];
  int calls;
};

static int work(void *ctx, uint32_t job, int fd) {
  (void)ctx;
  char buf[32];
  switch (job) {
  case 0:
    snprintf(buf, sizeof buf, "result %u", job);
    tl_jobs_write_all(fd, buf, strlen(buf));
    return 0;
  case 1: raise(SIGKILL); return 0;
  case 2: return 7;
  default: for (;;) pause();
  }
}

static int done(void *ctx, uint32_t job, const struct tl_job_result *res) {
  struct seen *s = ctx;
  s->status[job] = res->status;
  s->signal[job] = res->signal;
  s->exit_code[job] = res->exit_code;
  snprintf(s->data[job], sizeof s->data[job], "%s", res->data);
  s->calls++;
  return 0;
}

Test(jobs, each_job_reports_once_with_its_own_fate) {
  struct seen s = {0};
  struct tl_jobs j = {.max_workers = 2, .timeout_s = 1, .work = work, .done = done, .ctx = &s};
  cr_assert_eq(tl_jobs_run(&j, 4), 0);
  cr_assert_eq(s.calls, 4);
  cr_assert_eq(s.status[0], TL_JOB_DONE);
  cr_assert_str_eq(s.data[0], "result 0");
  cr_assert_eq(s.status[1], TL_JOB_CRASHED);
  cr_assert_eq(s.signal[1], SIGKILL);
  cr_assert_eq(s.status[2], TL_JOB_FAILED);
  cr_assert_eq(s.exit_code[2], 7);
  cr_assert_eq(s.status[3], TL_JOB_TIMED_OUT);
}

/* A worker's findings come back through tl_diags_encode/decode: every diagnostic the driver
 * or the front-end can produce must survive it (analysis-limit once did not, and the whole
 * file's result was lost as "unreadable"). */
Test(diags_json, round_trip_keeps_every_driver_diagnostic) {
  static const char *const ids[] = {
#define XX(id, sev, text) id,
    TL_DRIVER_DIAGS(XX)
#undef XX
  };
  struct tl_loc a = {1, 1, 1, 1};
  struct tl_diags in, out;
  void *j = NULL;
  tl_diags_init(&in);
  tl_diags_init(&out);
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    cr_assert_eq(tl_diags_add(&in, "a.c", a, ids[i], TL_SEV_NOTE, "m", NULL), 0);
  cr_assert_eq(tl_diags_encode(&in, &j), 0);
  cr_assert_eq(tl_diags_decode(j, &out), 0);
  cr_assert_eq(out.size, in.size);
  for (size_t i = 0; i < out.size; i++)
    cr_expect_eq(out.data[i].rule, tl_driver_diag_id(ids[i]), "%s", ids[i]);
  json_decref(j);
  tl_diags_close(&in);
  tl_diags_close(&out);
}
