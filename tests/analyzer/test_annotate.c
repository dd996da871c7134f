/* test_annotate.c — source annotations (include/ticketlint/annotate.h): an in-house API
 * declared in a header (tests/analyzer/data/annotate/jobs.h) is modelled without a model
 * file. Each test parses a snippet that includes it. */
#include "snippet.h"
#include "tl_errno.h"

TestSuite(annotate, .init = snippet_setup, .fini = snippet_teardown);

/* Parse src after `#include "jobs.h"` (tests/analyzer/data/annotate/jobs.h). */
static void parse(const char *src) {
  static const char *args[] = {"-I" TL_TEST_DATA_DIR "/annotate", "-I" TL_RUNTIME_INCLUDE_DIR};
  cr_assert_eq(snippet_parse("annotate_snippet.c", "#include \"jobs.h\"\n", args, 2, src), 0);
}

Test(annotate, starts_ret_on_a_prototype_is_a_start_into_an_annotated_typedef) {
  parse("void use(void) { job_ticket j = job_submit(1); (void)j; }\n");
  const struct tl_event *ev = call_of("use", "job_submit");
  cr_assert_eq(ev->kind, TL_EV_START);
  cr_assert_str_eq(slot_name("use", ev->ticket), "j");
  cr_assert(func("use")->slots[ev->ticket].flags & TL_SLOT_TICKET, "job_ticket is a ticket");
  cr_assert_str_eq(ev->model->model, "annotation");
  cr_assert(strstr(ev->model->file, "jobs.h"), "%s", ev->model->file);
  cr_assert_eq(ev->model->line, 12);
}

Test(annotate, a_pointer_to_an_annotated_struct_is_a_ticket) {
  parse("void use(void) { struct batch *b = batch_open(); (void)b; }\n");
  const struct tl_event *ev = call_of("use", "batch_open");
  cr_assert_eq(ev->kind, TL_EV_START);
  cr_assert(func("use")->slots[ev->ticket].flags & TL_SLOT_TICKET);
}

Test(annotate, each_macro_is_its_event) {
  parse("void use(job_ticket j, job_ticket k) {\n"
        "  int done = 0; void *v;\n"
        "  job_done(j, &done);\n"
        "  v = job_result(j);\n"
        "  job_join(j, &v);\n"
        "  job_cancel(k);\n"
        "  jobs_drain();\n"
        "}\n");
  const struct tl_event *poll = call_of("use", "job_done");
  cr_assert_eq(poll->kind, TL_EV_POLL);
  cr_assert_str_eq(slot_name("use", poll->dst), "done");
  cr_assert_eq(poll->model->done, TL_DONE_NONZERO);
  cr_assert_eq(call_of("use", "job_result")->kind, TL_EV_READ);
  const struct tl_event *aw = call_of("use", "job_join");
  cr_assert_eq(aw->kind, TL_EV_AWAIT);
  cr_assert_str_eq(slot_name("use", aw->ticket), "j");
  cr_assert(tl_model_fn_blocks(aw->model), "TL_AWAITS blocks the thread");
  cr_assert_eq(call_of("use", "job_cancel")->kind, TL_EV_DETACH);
  cr_assert_eq(call_of("use", "jobs_drain")->kind, TL_EV_BLOCKING);
}

Test(annotate, tl_model_takes_any_roles) {
  parse("int use(void) { job_ticket j; return job_submit_into(2, &j); }\n");
  const struct tl_event *ev = call_of("use", "job_submit_into");
  cr_assert_eq(ev->kind, TL_EV_START);
  cr_assert_str_eq(slot_name("use", ev->ticket), "j");
  cr_assert_eq(ev->model->status.index, TL_ARG_RET);
}

Test(annotate, tl_async_marks_a_definition) {
  parse("int job_body(void *arg, void **result) { (void)arg; *result = 0; return 0; }\n"
        "int plain(void) { return 0; }\n");
  cr_assert(func("job_body")->flags & TL_FN_ASYNC_MARKED, "annotated on the prototype");
  cr_assert_not(func("plain")->flags & TL_FN_ASYNC_MARKED);
}

Test(annotate, a_model_file_entry_wins) {
  parse("#include <unistd.h>\n"
        "int usleep(unsigned us) TL_AWAITS(0);\n"
        "void nap(void) { usleep(5); }\n");
  cr_assert_eq(call_of("nap", "usleep")->kind, TL_EV_BLOCKING, "libc.model says blocking");
}

Test(annotate, an_invalid_annotation_is_a_warning_and_no_model) {
  parse("void use(job_ticket j) { job_broken(j); }\n");
  cr_assert_eq(call_of("use", "job_broken")->kind, TL_EV_CALL);
  int found = 0;
  for (uint32_t i = 0; i < diags.size; i++)
    if (strcmp(diags.data[i].rule, "invalid-annotation") == 0) {
      found = 1;
      cr_assert(strstr(diags.data[i].message, "'job_broken'"), "%s", diags.data[i].message);
      cr_assert(strstr(diags.data[i].file, "jobs.h"));
    }
  cr_assert(found);
}

Test(annotate, the_macros_are_empty_for_other_compilers) {
  parse("#undef TICKETLINT_ANNOTATE_H\n#undef TL__ANNOTATE\n#undef __clang__\n"
        "#undef TL_STARTS\n#undef TL_AWAITS\n#undef TL_POLLS\n#undef TL_READS\n"
        "#undef TL_DETACHES\n#undef TL_BLOCKING\n#undef TL_MODEL\n#undef TL_ASYNC\n"
        "#undef TL_TICKET_TYPE\n#include \"ticketlint/annotate.h\"\n"
        "int mine(void) TL_STARTS(ret);\n"
        "void use(void) { mine(); }\n");
  cr_assert_eq(call_of("use", "mine")->kind, TL_EV_CALL);
}
