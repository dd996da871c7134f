/* test_config.c — the .ticketlint file (config.h): every directive, every error with its
 * file:line:col, the rules it selects, its model text, and finding it upward. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "rule.h"
#include "rules_ir.h"
#include "tl_errno.h"

extern const struct tl_rule tl_rule_unawaited_ticket;

static struct tl_config load_ok(const char *text) {
  struct tl_config c;
  struct tl_srcerr err = {0};
  int rc = tl_config_load_buffer(&c, "t.cfg", TL_TEST_BINARY_DIR, text, strlen(text), &err);
  cr_assert_eq(rc, 0, "%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
  return c;
}

/* The text must fail with TL_ECONFIG at line:col with a message containing `part`. */
static void load_fails(const char *text, int line, int col, const char *part) {
  struct tl_config c;
  struct tl_srcerr err = {0};
  int rc = tl_config_load_buffer(&c, "t.cfg", TL_TEST_BINARY_DIR, text, strlen(text), &err);
  cr_assert_eq(rc, TL_ECONFIG, "expected an error for: %s", text);
  cr_assert_str_eq(err.file, "t.cfg");
  cr_assert_eq(err.line, line, "line of '%s': %d (%s)", text, err.line, err.msg);
  cr_assert_eq(err.col, col, "column of '%s': %d (%s)", text, err.col, err.msg);
  cr_assert(strstr(err.msg, part) != NULL, "message '%s' lacks '%s'", err.msg, part);
}

static size_t rule_index(const char *id) {
  for (size_t i = 0; i < tl_rules_count; i++)
    if (strcmp(tl_rules[i]->id, id) == 0) return i;
  cr_assert_fail("no rule %s", id);
  return 0;
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f, "cannot write %s", path);
  fputs(text, f);
  fclose(f);
}

Test(config, every_directive) {
  write_file(TL_TEST_BINARY_DIR "/cfg_shop.model", "model shop\n");
  struct tl_config c = load_ok("# a comment\n"
                               "enable perf correctness\n"
                               "disable ticket-reuse\n"
                               "severity unawaited-ticket error\n"
                               "model cfg_shop.model\n"
                               "fire-and-forget log_async audit_async   # by design\n"
                               "ticket-type struct shop_order *\n"
                               "blocking legacy_fetch\n");
  cr_assert_str_eq(c.path, "t.cfg");
  cr_assert_eq(c.select.size, 3);
  cr_assert_str_eq(c.select.data[0].what, "perf");
  cr_assert_eq(c.select.data[0].enable, 1);
  cr_assert_str_eq(c.select.data[2].what, "ticket-reuse");
  cr_assert_eq(c.select.data[2].enable, 0);
  cr_assert_eq(c.severity.size, 1);
  cr_assert_eq(c.severity.data[0].severity, TL_SEV_ERROR);
  cr_assert_eq(c.models.size, 1);
  cr_assert_str_eq(c.models.data[0], TL_TEST_BINARY_DIR "/cfg_shop.model",
                   "relative to the configuration's folder");
  cr_assert(tl_config_fire_and_forget(&c, "log_async"));
  cr_assert(tl_config_fire_and_forget(&c, "audit_async"));
  cr_assert_not(tl_config_fire_and_forget(&c, "tk_async"));
  cr_assert_not(tl_config_fire_and_forget(NULL, "log_async"), "no configuration");
  cr_assert_eq(c.ticket_types.size, 1);
  cr_assert_str_eq(c.ticket_types.data[0], "struct shop_order *");
  cr_assert_eq(c.blocking.size, 1);
  tl_config_close(&c);
}

Test(config, rules_and_severities_in_order) {
  struct tl_config c = load_ok("disable all\n"
                               "enable correctness\n"
                               "disable ticket-reuse\n"
                               "severity all note\n"
                               "severity double-await error\n");
  unsigned char on[64];
  enum tl_severity sev[64];
  cr_assert_lt(tl_rules_count, 64);
  tl_config_rules(&c, on, sev);
  cr_assert(on[rule_index("unawaited-ticket")]);
  cr_assert_not(on[rule_index("ticket-reuse")]);
  cr_assert_not(on[rule_index("serial-await-in-loop")], "perf was disabled by 'all'");
  cr_assert_eq(sev[rule_index("unawaited-ticket")], TL_SEV_NOTE);
  cr_assert_eq(sev[rule_index("double-await")], TL_SEV_ERROR);
  tl_config_close(&c);

  tl_config_rules(NULL, on, sev);
  for (size_t i = 0; i < tl_rules_count; i++) {
    cr_assert_eq(on[i], tl_rules[i]->enabled_by_default != 0, "defaults without a config");
    cr_assert_eq(sev[i], tl_rules[i]->severity);
  }
}

Test(config, model_text_from_ticket_type_and_blocking) {
  struct tl_config c = load_ok("ticket-type shop_order *\nblocking a b a\n");
  char *text;
  size_t len;
  cr_assert_eq(tl_config_model_text(&c, &text, &len), 0);
  cr_assert_str_eq(text, "model config\ntype shop_order *\nfn a blocking\nfn b blocking\n",
                   "a function listed twice is one model line");
  cr_assert_eq(len, strlen(text));
  free(text);
  tl_config_close(&c);

  c = load_ok("failure-counter errs nerrs\n");
  cr_assert_eq(tl_config_model_text(&c, &text, &len), 0);
  cr_assert_str_eq(text, "model config\nfailure-counter errs\nfailure-counter nerrs\n");
  free(text);
  tl_config_close(&c);

  c = load_ok("enable perf\n");
  cr_assert_eq(tl_config_model_text(&c, &text, &len), 0);
  cr_assert_null(text, "nothing to add");
  tl_config_close(&c);
}

Test(config, empty_file_changes_nothing) {
  struct tl_config c = load_ok("");
  cr_assert_eq(c.select.size + c.severity.size + c.models.size, 0);
  tl_config_close(&c);
}

Test(config, malformed_files_report_file_line_col) {
  load_fails("enable perf\nfrobnicate x\n", 2, 1, "unknown directive 'frobnicate'");
  load_fails("enable unawaited-tickets\n", 1, 8, "unknown rule or group 'unawaited-tickets'");
  load_fails("enable unawaited-tickets\n", 1, 8, "did you mean 'unawaited-ticket'");
  load_fails("disable perf MPI_Wait\n", 1, 14, "unknown rule or group 'MPI_Wait'");
  load_fails("enable\n", 1, 1, "'enable' needs");
  load_fails("severity unawaited-ticket loud\n", 1, 27, "unknown severity 'loud'");
  load_fails("severity unawaited-ticket\n", 1, 1, "'severity' needs");
  load_fails("severity unawaited-ticket error now\n", 1, 33, "unexpected 'now'");
  load_fails("severity nope error\n", 1, 10, "unknown rule or group 'nope'");
  load_fails("enable rule=perf\n", 1, 8, "unknown key 'rule'");
  load_fails("\"enable\" perf\n", 1, 1, "bare word");
  load_fails("model /bin/sh\n", 1, 7, "not a model file");
  load_fails("model libevil.so\n", 1, 7, "not a model file");
  load_fails("model missing.model\n", 1, 7, "cannot open model file 'missing.model'");
  load_fails("fire-and-forget log-async\n", 1, 17, "'log-async' is not a function name");
  load_fails("blocking 9lives\n", 1, 10, "not a function name");
  load_fails("failure-counter errs.n\n", 1, 17, "'errs.n' is not a variable name");
  load_fails("failure-counter\n", 1, 1, "one or more variable names");
  load_fails("ticket-type shop_order&\n", 1, 23, "unexpected '&'");
  load_fails("enable perf\n  disable \"perf\n", 2, 11, "unterminated string");
}

Test(config, load_file_missing_is_an_io_error) {
  struct tl_config c;
  struct tl_srcerr err = {0};
  cr_assert_eq(tl_config_load_file(&c, TL_TEST_BINARY_DIR "/no-such.ticketlint", &err),
               TL_EIO);
  cr_assert(strstr(err.msg, "cannot open configuration file"), "%s", err.msg);
}

Test(config, found_upward_and_stops_at_a_repository_root) {
  char root[512];
  snprintf(root, sizeof root, "%s/cfgfind.%d", TL_TEST_BINARY_DIR, (int)getpid());
  char a[600], b[600], c[600], git[600], path[700], outside[700], at_root[700], in_src[700];
  snprintf(a, sizeof a, "%s/repo", root);
  snprintf(b, sizeof b, "%s/repo/src", root);
  snprintf(c, sizeof c, "%s/repo/src/deep", root);
  snprintf(git, sizeof git, "%s/repo/.git", root);
  cr_assert_eq(mkdir(root, 0777), 0);
  cr_assert_eq(mkdir(a, 0777), 0);
  cr_assert_eq(mkdir(b, 0777), 0);
  cr_assert_eq(mkdir(c, 0777), 0);
  cr_assert_eq(mkdir(git, 0777), 0);

  char *found = NULL;
  snprintf(path, sizeof path, "%s/f.c", c);
  /* a configuration above the repository root is not used */
  snprintf(outside, sizeof outside, "%s/" TL_CONFIG_NAME, root);
  write_file(outside, "enable perf\n");
  cr_assert_eq(tl_config_find(path, &found), 0);
  cr_assert_null(found, "the search stops at the folder holding .git: %s", found);

  snprintf(at_root, sizeof at_root, "%s/" TL_CONFIG_NAME, a);
  write_file(at_root, "enable perf\n");
  cr_assert_eq(tl_config_find(path, &found), 0);
  cr_assert_not_null(found);
  cr_assert(strstr(found, "/repo/" TL_CONFIG_NAME) != NULL, "%s", found);
  cr_assert_eq(found[0], '/', "an absolute path");
  free(found);

  snprintf(in_src, sizeof in_src, "%s/" TL_CONFIG_NAME, b);
  write_file(in_src, "disable perf\n");
  cr_assert_eq(tl_config_find(path, &found), 0);
  cr_assert(strstr(found, "/repo/src/" TL_CONFIG_NAME) != NULL, "the nearest wins: %s", found);
  free(found);

  unlink(in_src);
  unlink(at_root);
  unlink(outside);
  rmdir(git);
  rmdir(c);
  rmdir(b);
  rmdir(a);
  rmdir(root);
}

/* unawaited-ticket honours `fire-and-forget`: a start through a listed function is never
 * reported, neither discarded at the call nor held and lost; other functions still are. */
static size_t run_unawaited(const struct tl_config *cfg) {
  const struct tl_rule *const rules[] = {&tl_rule_unawaited_ticket};
  struct tl_run run = {.rules = rules, .nrules = 1, .models = rt_models, .config = cfg,
                       .diags = &rt_diags};
  cr_assert_eq(tl_rules_run(&run, &rt_unit), 0);
  tl_diags_sort(&rt_diags);
  return rt_diags.size;
}

static void build_lost_tickets(void) {
  rt_func("log_and_leave");
  tl_slot_id t = rt_slot("t", TL_SLOT_TICKET);
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .callee = "tk_async",
                                .flags = TL_F_DISCARDED, .loc = RT_LINE(3)});
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .ticket = t,
                                .callee = "tk_promise_new", .loc = RT_LINE(4)});
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .callee = "job_start",
                                .flags = TL_F_DISCARDED, .loc = RT_LINE(5)});
  rt_return(0, 6);
  char msg[256];
  cr_assert_eq(tl_func_verify(rt_fn, msg, sizeof msg), 0, "%s", msg);
}

Test(config, unawaited_ticket_without_fire_and_forget_reports_all, .init = rt_setup,
     .fini = rt_teardown) {
  build_lost_tickets();
  cr_assert_eq(run_unawaited(NULL), 3, "discarded, held and lost, discarded");
}

Test(config, unawaited_ticket_quiet_for_fire_and_forget_functions, .init = rt_setup,
     .fini = rt_teardown) {
  build_lost_tickets();
  struct tl_config c = load_ok("fire-and-forget tk_async tk_promise_new\n");
  cr_assert_eq(run_unawaited(&c), 1, "only job_start's ticket is reported");
  cr_assert_eq(rt_diags.data[0].loc.line, 5);
  cr_assert(strstr(rt_diags.data[0].message, "'job_start'"), "%s", rt_diags.data[0].message);
  tl_config_close(&c);
}
