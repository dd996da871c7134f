/* test_front_clang.c — the libclang front-end: what each C construct lowers to.
 *
 * Each test parses an inline snippet (an unsaved file that includes the reference runtime)
 * and checks the IR structurally: events, slots, blocks, edges and conditions. Every
 * function produced is also checked with tl_func_verify(). */
#include "snippet.h"
#include "tl_errno.h"

TestSuite(front_clang, .init = snippet_setup, .fini = snippet_teardown);

/* Parse src after `#include "ticket.h"`; every function of the unit must verify. */
static int parse(const char *src) {
  static const char *args[] = {"-I" TL_RUNTIME_INCLUDE_DIR};
  int rc = snippet_parse("front_snippet.c", "#include <stddef.h>\n#include \"ticket.h\"\n",
                         args, 1, src);
  for (uint32_t i = 0; rc == 0 && i < unit.nfuncs; i++) {
    char msg[256];
    cr_assert_eq(tl_func_verify(&unit.funcs[i], msg, sizeof msg), 0, "%s", msg);
  }
  return rc;
}

static tl_slot_id slot_named(const struct tl_func *f, const char *name) {
  for (tl_slot_id s = 1; s < f->nslots; s++)
    if (strcmp(f->slots[s].name, name) == 0) return s;
  cr_assert_fail("no slot '%s' in %s", name, f->name);
  return 0;
}

/* The n-th event of kind (with callee, when given) in block order, or NULL. */
static const struct tl_event *event(const struct tl_func *f, enum tl_ev_kind kind,
                                    const char *callee, int n, uint32_t *block) {
  for (uint32_t b = 0; b < f->nblocks; b++)
    for (uint32_t e = 0; e < f->blocks[b].nevents; e++) {
      const struct tl_event *ev = &f->blocks[b].events[e];
      if (ev->kind != kind) continue;
      if (callee && (!ev->callee || strcmp(ev->callee, callee) != 0)) continue;
      if (n-- == 0) {
        if (block) *block = b;
        return ev;
      }
    }
  return NULL;
}

static int count(const struct tl_func *f, enum tl_ev_kind kind) {
  int c = 0;
  for (uint32_t b = 0; b < f->nblocks; b++)
    for (uint32_t e = 0; e < f->blocks[b].nevents; e++) c += f->blocks[b].events[e].kind == kind;
  return c;
}

static int has_use(const struct tl_event *ev, tl_slot_id s) {
  for (uint32_t i = 0; i < ev->nuses; i++)
    if (ev->uses[i] == s) return 1;
  return 0;
}

/* Blocks with a BRANCH terminator, in id order. */
static const struct tl_block *branch(const struct tl_func *f, int n) {
  for (uint32_t b = 0; b < f->nblocks; b++)
    if (f->blocks[b].term == TL_TERM_BRANCH && n-- == 0) return &f->blocks[b];
  return NULL;
}

static int nterm(const struct tl_func *f, enum tl_term t) {
  int c = 0;
  for (uint32_t b = 0; b < f->nblocks; b++) c += f->blocks[b].term == t;
  return c;
}

static int has_back_edge(const struct tl_func *f) {
  for (uint32_t b = 0; b < f->nblocks; b++)
    for (uint32_t s = 0; s < f->blocks[b].nsuccs; s++)
      if (f->blocks[b].succs[s] <= b) return 1;
  return 0;
}

#define LOOP_DECL "static tk_loop *loop;\nstatic int work(void *a, void **r) { (void)a; (void)r; return 0; }\n"

/* ---- calls ---------------------------------------------------------------------------- */

Test(front_clang, discarded_start) {
  cr_assert_eq(parse(LOOP_DECL "void f(void) { tk_async(loop, work, NULL); }"), 0);
  const struct tl_event *ev = event(func("f"), TL_EV_START, "tk_async", 0, NULL);
  cr_assert_not_null(ev);
  cr_assert_eq(ev->ticket, TL_SLOT_NONE);
  cr_assert(ev->flags & TL_F_DISCARDED);
  cr_assert_not(ev->flags & TL_F_MACRO, "the runtime's call-site wrapper is not a user macro");
  cr_assert_eq(ev->loc.line, 5);
  cr_assert_not_null(ev->model);
}

Test(front_clang, void_cast_start) {
  cr_assert_eq(parse(LOOP_DECL "void f(void) { (void)tk_async(loop, work, NULL); }"), 0);
  const struct tl_event *ev = event(func("f"), TL_EV_START, "tk_async", 0, NULL);
  cr_assert(ev->flags & TL_F_VOID_CAST);
  cr_assert_not(ev->flags & TL_F_DISCARDED);
}

Test(front_clang, start_into_var_then_await) {
  cr_assert_eq(parse(LOOP_DECL
                     "int f(void) {\n"
                     "  tk_promise *t = tk_async(loop, work, NULL);\n"
                     "  void *v;\n"
                     "  int rc = tk_await(t, &v);\n"
                     "  return rc;\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  tl_slot_id t = slot_named(f, "t"), v = slot_named(f, "v"), rc = slot_named(f, "rc");
  cr_assert(f->slots[t].flags & TL_SLOT_TICKET);
  cr_assert(f->slots[t].flags & TL_SLOT_POINTER);
  cr_assert(f->slots[v].flags & TL_SLOT_ADDR);
  const struct tl_event *st = event(f, TL_EV_START, NULL, 0, NULL);
  cr_assert_eq(st->ticket, t);
  cr_assert_not(st->flags & TL_F_DISCARDED);
  const struct tl_event *aw = event(f, TL_EV_AWAIT, NULL, 0, NULL);
  cr_assert_eq(aw->ticket, t);
  cr_assert_eq(aw->dst, v, "value= out-parameter");
  cr_assert_eq(aw->aux, rc, "status into rc");
  cr_assert_not(aw->flags & TL_F_STATUS_DISCARDED);
  cr_assert_null(event(f, TL_EV_ASSIGN, NULL, 0, NULL), "a call into a variable is no ASSIGN");
  const struct tl_event *ret = event(f, TL_EV_RETURN, NULL, 0, NULL);
  cr_assert(has_use(ret, rc));
}

Test(front_clang, nested_await_of_start) {
  cr_assert_eq(parse(LOOP_DECL "void f(void) { tk_await(tk_async(loop, work, NULL), NULL); }"),
               0);
  const struct tl_func *f = func("f");
  const struct tl_event *st = event(f, TL_EV_START, NULL, 0, NULL);
  const struct tl_event *aw = event(f, TL_EV_AWAIT, NULL, 0, NULL);
  cr_assert_neq(st->ticket, TL_SLOT_NONE);
  cr_assert_eq(f->slots[st->ticket].kind, TL_SLOT_TEMP);
  cr_assert(f->slots[st->ticket].flags & TL_SLOT_TICKET);
  cr_assert_eq(aw->ticket, st->ticket);
  cr_assert_eq(aw->dst, TL_SLOT_NONE);
  cr_assert(aw->flags & TL_F_STATUS_DISCARDED);
}

Test(front_clang, await_status_tested_in_condition) {
  cr_assert_eq(parse("int f(tk_promise *t) {\n"
                     "  void *r;\n"
                     "  if (tk_await(t, &r) < 0) return -1;\n"
                     "  return 0;\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  uint32_t b;
  const struct tl_event *aw = event(f, TL_EV_AWAIT, NULL, 0, &b);
  cr_assert_eq(aw->dst, slot_named(f, "r"));
  cr_assert_eq(f->slots[aw->aux].kind, TL_SLOT_TEMP);
  const struct tl_block *blk = &f->blocks[b];
  cr_assert_eq(blk->term, TL_TERM_BRANCH);
  cr_assert_eq(blk->cond.cmp, TL_CMP_LT);
  cr_assert_eq(blk->cond.slot, aw->aux);
  cr_assert_eq(blk->cond.value, 0);
  cr_assert_str_eq(blk->cond.constant, "0");
}

Test(front_clang, poll_condition_is_normalised) {
  cr_assert_eq(parse("void f(tk_promise *t) {\n"
                     "  if (tk_state(t) != TK_PENDING) tk_detach(t);\n"
                     "  if (TK_PENDING == tk_state(t)) tk_detach(t);\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  uint32_t b;
  const struct tl_event *p = event(f, TL_EV_POLL, "tk_state", 0, &b);
  cr_assert_eq(p->ticket, slot_named(f, "t"));
  cr_assert_eq(f->slots[p->dst].kind, TL_SLOT_TEMP);
  const struct tl_cond *c = &f->blocks[b].cond;
  cr_assert_eq(c->cmp, TL_CMP_NE);
  cr_assert_eq(c->slot, p->dst);
  cr_assert_str_eq(c->constant, "TK_PENDING");
  cr_assert_eq(c->value, 0, "TK_PENDING is 0");
  const struct tl_event *p2 = event(f, TL_EV_POLL, "tk_state", 1, &b);
  cr_assert_eq(f->blocks[b].cond.cmp, TL_CMP_EQ, "constant on the left: swapped");
  cr_assert_eq(f->blocks[b].cond.slot, p2->dst);
}

Test(front_clang, swapped_relational_comparison) {
  cr_assert_eq(parse("int g(void);\nvoid f(void) { if (0 > g()) g(); }"), 0);
  const struct tl_block *b = branch(func("f"), 0);
  cr_assert_eq(b->cond.cmp, TL_CMP_LT, "0 > x is x < 0");
}

Test(front_clang, unmodelled_call_reads_args_and_escapes_tickets) {
  cr_assert_eq(parse("void keep(void *p);\nint g(int);\n"
                     "void f(tk_promise *t, int n) { int x = g(n); keep(t); keep(&t); (void)x; }"),
               0);
  const struct tl_func *f = func("f");
  const struct tl_event *c = event(f, TL_EV_CALL, "g", 0, NULL);
  cr_assert_eq(c->dst, slot_named(f, "x"));
  cr_assert(has_use(c, slot_named(f, "n")));
  cr_assert_null(c->model);
  cr_assert_eq(count(f, TL_EV_ESCAPE), 2);
  cr_assert_eq(event(f, TL_EV_ESCAPE, NULL, 0, NULL)->ticket, slot_named(f, "t"));
  cr_assert_eq(event(f, TL_EV_ESCAPE, NULL, 1, NULL)->ticket, slot_named(f, "t"));
}

Test(front_clang, callee_through_pointer_has_no_name) {
  cr_assert_eq(parse("void f(void (*fp)(int)) { fp(1); }"), 0);
  const struct tl_event *c = event(func("f"), TL_EV_CALL, NULL, 0, NULL);
  cr_assert_null(c->callee);
  cr_assert(has_use(c, slot_named(func("f"), "fp")));
}

Test(front_clang, user_macro_wrapping_the_api) {
  cr_assert_eq(parse(LOOP_DECL "#define ORDER(x) tk_async(loop, x, NULL)\n"
                     "void f(void) { tk_promise *t = ORDER(work); tk_detach(t); }"), 0);
  const struct tl_func *f = func("f");
  const struct tl_event *st = event(f, TL_EV_START, NULL, 0, NULL);
  cr_assert_eq(st->ticket, slot_named(f, "t"));
  cr_assert(st->flags & TL_F_MACRO);
  cr_assert_eq(st->loc.line, 6);
  cr_assert(func("work")->flags & TL_FN_ASYNC_PASSED);
}

Test(front_clang, noreturn_call_ends_the_path) {
  cr_assert_eq(parse("#include <stdlib.h>\n"
                     "_Noreturn void die(void);\n"
                     "int f(int x) { if (x) exit(1); if (x > 2) die(); return x; }"), 0);
  const struct tl_func *f = func("f");
  uint32_t b;
  const struct tl_event *ex = event(f, TL_EV_CALL, "exit", 0, &b);
  cr_assert(ex->flags & TL_F_NORETURN);
  cr_assert_eq(f->blocks[b].nsuccs, 1);
  cr_assert_eq(f->blocks[b].succs[0], f->exit);
  cr_assert_neq(f->blocks[b].term, TL_TERM_RETURN, "no RETURN event on a noreturn path");
  cr_assert(event(f, TL_EV_CALL, "die", 0, NULL)->flags & TL_F_NORETURN);
  cr_assert_eq(count(f, TL_EV_RETURN), 1);
}

/* A model `failure-counter`: its increment by a positive constant is a call that never
 * returns (no callee), also spelled in a macro body; a decrement, an addition of a value or
 * another variable's increment is not. */
Test(front_clang, failure_counter_increment_ends_the_path) {
  static const char counters[] = "model counters\nfailure-counter errs\n";
  struct tl_srcerr err;
  cr_assert_eq(tl_models_load_buffer(models, "counters.model", counters, strlen(counters),
                                     &err), 0, "%s", err.msg);
  cr_assert_eq(parse("static int errs;\n"
                     "#define check(x) do { if (!(x)) { ++errs; } } while (0)\n"
                     "#define uncheck(x) do { if (!(x)) { errs--; } } while (0)\n"
                     "int f(int x) { if (x) errs++; return x; }\n"
                     "int g(int x) { if (x) errs += 2; return x; }\n"
                     "int h(int x) { check(x); return x; }\n"
                     "int quiet(int x, int other) { errs--; errs -= 1; errs += x; other++;\n"
                     "  uncheck(x); errs += 0; return x; }"), 0);
  const char *const ends[] = {"f", "g", "h"};
  for (size_t i = 0; i < 3; i++) {
    const struct tl_func *fn = func(ends[i]);
    uint32_t b;
    const struct tl_event *ev = event(fn, TL_EV_CALL, NULL, 0, &b);
    cr_assert_not_null(ev, "%s: an increment is a call", ends[i]);
    cr_assert(ev->flags & TL_F_NORETURN, "%s", ends[i]);
    cr_assert_null(ev->callee);
    cr_assert_eq(fn->blocks[b].succs[0], fn->exit, "%s: the path ends", ends[i]);
  }
  cr_assert_eq(count(func("quiet"), TL_EV_CALL), 0);
}

Test(front_clang, blocking_and_lock_calls) {
  cr_assert_eq(parse("#include <pthread.h>\n#include <unistd.h>\n"
                     "static pthread_mutex_t m;\n"
                     "void f(void) { pthread_mutex_lock(&m); usleep(10); pthread_mutex_unlock(&m); }"),
               0);
  const struct tl_func *f = func("f");
  cr_assert_eq(event(f, TL_EV_LOCK, NULL, 0, NULL)->aux, slot_named(f, "m"));
  cr_assert_eq(event(f, TL_EV_UNLOCK, NULL, 0, NULL)->aux, slot_named(f, "m"));
  cr_assert(event(f, TL_EV_BLOCKING, "usleep", 0, NULL)->flags & TL_F_TIMER);
}

Test(front_clang, thread_start_through_out_parameter) {
  cr_assert_eq(parse("#include <pthread.h>\n"
                     "static void *run(void *a) { return a; }\n"
                     "void f(void) { pthread_t th; pthread_create(&th, NULL, run, NULL); "
                     "pthread_join(th, NULL); }"), 0);
  const struct tl_func *f = func("f");
  tl_slot_id th = slot_named(f, "th");
  cr_assert(f->slots[th].flags & TL_SLOT_TICKET);
  const struct tl_event *st = event(f, TL_EV_START, NULL, 0, NULL);
  cr_assert_eq(st->ticket, th);
  cr_assert_not(st->flags & TL_F_DISCARDED, "the ticket is not the return value");
  cr_assert(st->flags & TL_F_OFFLOAD);
  cr_assert_eq(event(f, TL_EV_AWAIT, NULL, 0, NULL)->ticket, th);
  cr_assert(func("run")->flags & TL_FN_OFFLOADED);
}

Test(front_clang, await_all_on_array) {
  cr_assert_eq(parse(LOOP_DECL
                     "void f(void) {\n"
                     "  tk_promise *ps[4];\n"
                     "  for (int i = 0; i < 4; i++) ps[i] = tk_async(loop, work, NULL);\n"
                     "  if (tk_await_all(ps, 4, NULL)) return;\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  tl_slot_id elem = slot_named(f, "ps[]");
  cr_assert(f->slots[elem].flags & TL_SLOT_TICKET);
  cr_assert(f->slots[slot_named(f, "ps")].flags & TL_SLOT_ARRAY);
  cr_assert_eq(event(f, TL_EV_START, NULL, 0, NULL)->ticket, elem);
  const struct tl_event *aw = event(f, TL_EV_AWAIT_ALL, NULL, 0, NULL);
  cr_assert_eq(aw->ticket, elem);
  cr_assert_eq(f->slots[aw->aux].kind, TL_SLOT_TEMP, "status");
}

/* ---- slots ---------------------------------------------------------------------------- */

Test(front_clang, field_and_array_slots) {
  cr_assert_eq(parse(LOOP_DECL
                     "struct job { tk_promise *p; int n; };\n"
                     "void f(struct job *out) {\n"
                     "  struct job j;\n"
                     "  j.p = tk_async(loop, work, NULL);\n"
                     "  tk_detach(j.p);\n"
                     "  out->n = j.n;\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  tl_slot_id jp = slot_named(f, "j.p"), outn = slot_named(f, "out->n");
  cr_assert_eq(f->slots[jp].kind, TL_SLOT_FIELD);
  cr_assert_eq(f->slots[jp].parent, slot_named(f, "j"));
  cr_assert(f->slots[jp].flags & TL_SLOT_TICKET);
  cr_assert_not(f->slots[jp].flags & TL_SLOT_LONGLIVED);
  cr_assert(f->slots[outn].flags & TL_SLOT_LONGLIVED, "reached through a pointer parameter");
  cr_assert_eq(event(f, TL_EV_START, NULL, 0, NULL)->ticket, jp);
  cr_assert_eq(event(f, TL_EV_DETACH, NULL, 0, NULL)->ticket, jp);
  const struct tl_event *as = event(f, TL_EV_ASSIGN, NULL, 0, NULL);
  cr_assert_eq(as->dst, outn);
  cr_assert(has_use(as, slot_named(f, "j.n")));
}

Test(front_clang, initialiser_lists_write_fields) {
  cr_assert_eq(parse(LOOP_DECL
                     "struct table { tk_loop *l; tk_promise *p; int n; };\n"
                     "void f(void) {\n"
                     "  struct table t = { loop, tk_async(loop, work, NULL) };\n"
                     "  struct table u = { .n = 2, .p = NULL };\n"
                     "  tk_promise *ps[2] = { tk_async(loop, work, NULL), NULL };\n"
                     "  tk_detach(t.p); (void)u; (void)ps;\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  cr_assert_eq(event(f, TL_EV_START, NULL, 0, NULL)->ticket, slot_named(f, "t.p"));
  cr_assert_eq(event(f, TL_EV_ASSIGN, NULL, 0, NULL)->dst, slot_named(f, "t.l"));
  cr_assert_eq(event(f, TL_EV_ASSIGN, NULL, 1, NULL)->dst, slot_named(f, "u.n"));
  cr_assert(event(f, TL_EV_ASSIGN, NULL, 2, NULL)->flags & TL_F_NULL);
  cr_assert_eq(event(f, TL_EV_ASSIGN, NULL, 2, NULL)->dst, slot_named(f, "u.p"));
  cr_assert_eq(event(f, TL_EV_START, NULL, 1, NULL)->ticket, slot_named(f, "ps[]"));
  cr_assert_eq(event(f, TL_EV_DETACH, NULL, 0, NULL)->ticket, slot_named(f, "t.p"));
}

Test(front_clang, tickets_inside_an_aggregate_escape_with_it) {
  cr_assert_eq(parse(LOOP_DECL
                     "struct table { tk_promise *p; };\n"
                     "void keep(struct table *);\n"
                     "void f(void) { struct table t = { tk_async(loop, work, NULL) }; keep(&t); }"),
               0);
  const struct tl_func *f = func("f");
  cr_assert_eq(event(f, TL_EV_ESCAPE, NULL, 0, NULL)->ticket, slot_named(f, "t.p"));
}

Test(front_clang, deref_slot_of_out_parameter) {
  cr_assert_eq(parse("void f(tk_promise *t, void **res) { tk_await(t, res); *res = 0; }"), 0);
  const struct tl_func *f = func("f");
  tl_slot_id d = slot_named(f, "*res");
  cr_assert_eq(f->slots[d].kind, TL_SLOT_DEREF);
  cr_assert(f->slots[d].flags & TL_SLOT_LONGLIVED);
  cr_assert_eq(event(f, TL_EV_AWAIT, NULL, 0, NULL)->dst, d);
  const struct tl_event *as = event(f, TL_EV_ASSIGN, NULL, 0, NULL);
  cr_assert_eq(as->dst, d);
  cr_assert(as->flags & TL_F_NULL);
}

Test(front_clang, ticket_escapes_to_global) {
  cr_assert_eq(parse(LOOP_DECL
                     "static tk_promise *pending;\n"
                     "void f(void) { tk_promise *t = tk_async(loop, work, NULL); pending = t; }\n"
                     "void g(void) { pending = tk_async(loop, work, NULL); }\n"
                     "void h(tk_promise **out) { *out = tk_async(loop, work, NULL); }"), 0);
  const struct tl_func *f = func("f");
  tl_slot_id pend = slot_named(f, "pending");
  cr_assert_eq(f->slots[pend].kind, TL_SLOT_GLOBAL);
  cr_assert(f->slots[pend].flags & TL_SLOT_LONGLIVED);
  const struct tl_event *as = event(f, TL_EV_ASSIGN, NULL, 0, NULL);
  cr_assert_eq(as->dst, pend);
  cr_assert(has_use(as, slot_named(f, "t")));
  cr_assert_eq(event(f, TL_EV_ESCAPE, NULL, 0, NULL)->ticket, slot_named(f, "t"));
  const struct tl_func *g = func("g");
  cr_assert_eq(event(g, TL_EV_ESCAPE, NULL, 0, NULL)->ticket, slot_named(g, "pending"));
  const struct tl_func *h = func("h");
  cr_assert_eq(event(h, TL_EV_ESCAPE, NULL, 0, NULL)->ticket, slot_named(h, "*out"));
}

Test(front_clang, ticket_copy_and_return) {
  cr_assert_eq(parse(LOOP_DECL
                     "tk_promise *f(void) { tk_promise *t = tk_async(loop, work, NULL); "
                     "tk_promise *t2 = t; return t2; }"), 0);
  const struct tl_func *f = func("f");
  const struct tl_event *as = event(f, TL_EV_ASSIGN, NULL, 0, NULL);
  cr_assert_eq(as->dst, slot_named(f, "t2"));
  cr_assert_eq(as->nuses, 1);
  cr_assert_eq(as->uses[0], slot_named(f, "t"));
  cr_assert_eq(event(f, TL_EV_RETURN, NULL, 0, NULL)->ticket, slot_named(f, "t2"));
}

Test(front_clang, compound_assignment_and_increment_read_their_target) {
  cr_assert_eq(parse("int f(int a) { int x = 1; x += a; x++; return x; }"), 0);
  const struct tl_func *f = func("f");
  tl_slot_id x = slot_named(f, "x");
  cr_assert(event(f, TL_EV_ASSIGN, NULL, 0, NULL)->flags & TL_F_CONST);
  const struct tl_event *plus = event(f, TL_EV_ASSIGN, NULL, 1, NULL);
  cr_assert(has_use(plus, x) && has_use(plus, slot_named(f, "a")));
  const struct tl_event *inc = event(f, TL_EV_ASSIGN, NULL, 2, NULL);
  cr_assert_eq(inc->dst, x);
  cr_assert(has_use(inc, x));
}

/* ---- value uses ----------------------------------------------------------------------- */

Test(front_clang, ticket_used_as_value) {
  cr_assert_eq(parse("void f(tk_promise *t, tk_promise *u) {\n"
                     "  long a = (long)t;\n"        /* cast */
                     "  void *v = t;\n"             /* into a non-ticket variable */
                     "  if (t == (void *)a) {}\n"   /* compared with a value */
                     "  (void)v;\n"
                     "  (void)u;\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  cr_assert_eq(count(f, TL_EV_VALUE_USE), 3);
  cr_assert(event(f, TL_EV_VALUE_USE, NULL, 0, NULL)->flags & TL_F_CAST);
  cr_assert(event(f, TL_EV_VALUE_USE, NULL, 1, NULL)->flags & TL_F_CAST);
  cr_assert(event(f, TL_EV_VALUE_USE, NULL, 2, NULL)->flags & TL_F_COMPARE);
  cr_assert_eq(event(f, TL_EV_VALUE_USE, NULL, 0, NULL)->ticket, slot_named(f, "t"));
}

Test(front_clang, identity_test_with_an_object_pointer_is_not_a_value_use) {
  cr_assert_eq(parse("void f(tk_promise *t, void **weak, void *p, long n) {\n"
                     "  if (*weak == t) {}\n"      /* the same object? */
                     "  if (t != p) {}\n"
                     "  if (t == (void *)(char *)p) {}\n"
                     "  if (t == (void *)n) {}\n"  /* a number made into a pointer */
                     "  if (t < p) {}\n"           /* an order, not an identity */
                     "}"), 0);
  const struct tl_func *f = func("f");
  cr_assert_eq(count(f, TL_EV_VALUE_USE), 2);
  cr_assert_eq(event(f, TL_EV_VALUE_USE, NULL, 0, NULL)->loc.line, 7);
  cr_assert_eq(event(f, TL_EV_VALUE_USE, NULL, 1, NULL)->loc.line, 8);
}

Test(front_clang, negation_spelled_in_a_macro_body) {
  cr_assert_eq(parse("#define CHECK(e) do { if (!(e)) return; } while (0)\n"
                     "int g(void);\n"
                     "void f(void) { int r = g(); CHECK(r == 3); CHECK(r != 0 && r > 1); }"), 0);
  const struct tl_func *f = func("f");
  const struct tl_block *b = branch(f, 0);
  cr_assert_not_null(b);
  cr_assert_eq(b->cond.cmp, TL_CMP_EQ, "!(r == 3) is the branch of r == 3, swapped");
  cr_assert_eq(b->cond.value, 3);
  const struct tl_block *t = &f->blocks[b->succs[0]];
  cr_assert_eq(t->nevents == 0 || t->events[0].kind != TL_EV_RETURN, 1,
               "r == 3 holds: the check passes");
  cr_assert_eq(branch(f, 1)->cond.cmp, TL_CMP_NE);
}

Test(front_clang, pointer_assignment_spelled_in_a_macro_body) {
  cr_assert_eq(parse("struct u { int n; };\n"
                     "#define ITER(q, u, i) for (i = 0; i < 2 && (u = (q)[i]); i++)\n"
                     "#define SUM(a, b) ((a) + (b))\n"
                     "int f(struct u **q) {\n"
                     "  struct u *p; int i, t = 0;\n"
                     "  ITER(q, p, i) t = SUM(t, p->n);\n"
                     "  return t;\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  tl_slot_id p = slot_named(f, "p"), t = slot_named(f, "t");
  int assigns_p = 0, assigns_t = 0;
  for (int n = 0; event(f, TL_EV_ASSIGN, NULL, n, NULL); n++) {
    const struct tl_event *ev = event(f, TL_EV_ASSIGN, NULL, n, NULL);
    assigns_p += ev->dst == p;
    assigns_t += ev->dst == t;
  }
  cr_assert_eq(assigns_p, 1, "u = (q)[i] in the macro body assigns p: pointers both sides");
  cr_assert_eq(assigns_t, 2, "t = 0 and t = SUM(...); the int + in the body is no assignment");
}

Test(front_clang, null_callback_makes_a_start_blocking) {
  cr_assert_eq(parse("#include <uv.h>\n"
                     "static void done(uv_fs_t *r) { (void)r; }\n"
                     "void f(uv_loop_t *loop) {\n"
                     "  uv_fs_t now, later;\n"
                     "  uv_fs_close(loop, &now, 0, NULL);\n"
                     "  uv_fs_close(loop, &later, 0, done);\n"
                     "  uv_run(loop, UV_RUN_DEFAULT);\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  const struct tl_event *sync = event(f, TL_EV_BLOCKING, "uv_fs_close", 0, NULL);
  cr_assert_not_null(sync);
  cr_assert_not_null(sync->model);
  cr_assert_eq(sync->ticket, TL_SLOT_NONE);
  const struct tl_event *w = event(f, TL_EV_ASSIGN, NULL, 0, NULL);
  cr_assert_not_null(w);
  cr_assert_eq(w->dst, slot_named(f, "now"), "the request holds the result");
  const struct tl_event *st = event(f, TL_EV_START, "uv_fs_close", 0, NULL);
  cr_assert_not_null(st);
  cr_assert_eq(st->ticket, slot_named(f, "later"));
  const struct tl_event *run = event(f, TL_EV_BLOCKING, "uv_run", 0, NULL);
  cr_assert_not_null(run);
  cr_assert(run->flags & TL_F_RUNS_LOOP);
  cr_assert_not(sync->flags & TL_F_RUNS_LOOP);
}

Test(front_clang, null_checks_are_not_value_uses) {
  cr_assert_eq(parse("void keep(void *);\n"
                     "void f(tk_promise *t, tk_promise *u) {\n"
                     "  if (t) {}\n"
                     "  if (!t) {}\n"
                     "  if (t == NULL) {}\n"
                     "  if (t != NULL && u != 0) {}\n"
                     "  if (t == u) {}\n"
                     "  keep((void *)t);\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  cr_assert_eq(count(f, TL_EV_VALUE_USE), 0);
  const struct tl_block *b0 = branch(f, 0), *b1 = branch(f, 1), *b2 = branch(f, 2);
  cr_assert_eq(b0->cond.cmp, TL_CMP_NONZERO);
  cr_assert_eq(b0->cond.slot, slot_named(f, "t"));
  /* `!t` is `t` with the targets swapped: the same condition, the same key */
  cr_assert_eq(b1->cond.cmp, TL_CMP_NONZERO);
  cr_assert_eq(b1->cond.key, b0->cond.key);
  cr_assert_eq(b2->cond.cmp, TL_CMP_EQ);
  cr_assert_str_eq(b2->cond.constant, "NULL");
}

Test(front_clang, non_pointer_ticket_as_condition) {
  cr_assert_eq(parse("#include <pthread.h>\n"
                     "void f(pthread_t th) { if (th) {} if (th + 1 > 2) {} }"), 0);
  const struct tl_func *f = func("f");
  cr_assert(event(f, TL_EV_VALUE_USE, NULL, 0, NULL)->flags & TL_F_IN_COND);
  cr_assert(event(f, TL_EV_VALUE_USE, NULL, 1, NULL)->flags & TL_F_ARITH);
}

/* ---- control flow --------------------------------------------------------------------- */

Test(front_clang, if_else_diamond) {
  cr_assert_eq(parse("int g(int);\n"
                     "int f(int x) { int y; if (x == 3) y = g(1); else y = g(2); return y; }"), 0);
  const struct tl_func *f = func("f");
  const struct tl_block *b = branch(f, 0);
  cr_assert_not_null(b);
  cr_assert_eq(b->cond.cmp, TL_CMP_EQ);
  cr_assert_eq(b->cond.slot, slot_named(f, "x"));
  cr_assert_eq(b->cond.value, 3);
  const struct tl_block *t = &f->blocks[b->succs[0]], *e = &f->blocks[b->succs[1]];
  cr_assert_eq(t->events[0].kind, TL_EV_CALL);
  cr_assert_eq(e->events[0].kind, TL_EV_CALL);
  cr_assert_eq(t->succs[0], e->succs[0], "both arms join");
  cr_assert_eq(f->blocks[t->succs[0]].npreds, 2);
}

Test(front_clang, loops_have_back_edges) {
  cr_assert_eq(parse("int g(void);\n"
                     "void w(void) { while (g()) g(); }\n"
                     "void d(void) { do g(); while (g() > 0); }\n"
                     "void fo(void) { for (int i = 0; i < 3; i++) g(); }\n"
                     "void forever(void) { for (;;) { if (g()) break; } }\n"
                     "void cont(void) { for (int i = 0; i < 3; i++) { if (g()) continue; g(); } }"),
               0);
  const char *names[] = {"w", "d", "fo", "forever", "cont"};
  for (size_t i = 0; i < 5; i++) {
    const struct tl_func *f = func(names[i]);
    cr_assert(has_back_edge(f), "%s has no back edge", names[i]);
    cr_assert_geq(f->nloops, 1, "%s: no loop found", names[i]);
  }
  cr_assert_eq(nterm(func("forever"), TL_TERM_BRANCH), 1, "for (;;) has no condition");
}

Test(front_clang, do_while_zero_is_not_a_loop) {
  cr_assert_eq(parse("int g(void);\nvoid f(void) { do { g(); } while (0); }"), 0);
  const struct tl_func *f = func("f");
  cr_assert_eq(f->nloops, 0);
  cr_assert_eq(nterm(f, TL_TERM_BRANCH), 0);
}

Test(front_clang, for_header_parts_are_placed) {
  cr_assert_eq(parse("int g(int);\nvoid f(int n) { int i = 0; for (; i < n;) i = g(i); "
                     "for (i = 0;; i++) if (g(i)) break; }"), 0);
  const struct tl_func *f = func("f");
  const struct tl_block *b = branch(f, 0);
  cr_assert_eq(b->cond.cmp, TL_CMP_NONE, "i < n: no constant");
  cr_assert(has_back_edge(f));
  cr_assert_eq(f->nloops, 2);
}

Test(front_clang, switch_fall_through) {
  cr_assert_eq(parse("int g(int);\n"
                     "void f(int x) {\n"
                     "  switch (x) {\n"
                     "  case 1: g(1);\n"
                     "  case 2: g(2); break;\n"
                     "  default: g(3);\n"
                     "  }\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  const struct tl_block *sw = NULL;
  for (uint32_t b = 0; b < f->nblocks; b++)
    if (f->blocks[b].term == TL_TERM_SWITCH) sw = &f->blocks[b];
  cr_assert_not_null(sw);
  cr_assert_eq(sw->nsuccs, 3);
  cr_assert_eq(sw->cond.slot, slot_named(f, "x"));
  const struct tl_block *c1 = &f->blocks[sw->succs[0]], *c2 = &f->blocks[sw->succs[1]];
  cr_assert_eq(c1->nsuccs, 1);
  cr_assert_eq(c1->succs[0], c2->id, "case 1 falls through into case 2");
  cr_assert_eq(c2->npreds, 2);
}

Test(front_clang, goto_cleanup_ladder) {
  cr_assert_eq(parse("int g(int);\n"
                     "int f(void) {\n"
                     "  int rc = -1;\n"
                     "  if (g(1)) goto out;\n"
                     "  if (g(2)) goto undo1;\n"
                     "  rc = 0;\n"
                     "undo1:\n"
                     "  g(3);\n"
                     "out:\n"
                     "  return rc;\n"
                     "again:\n"
                     "  if (g(4)) goto again;\n"
                     "  return 1;\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  uint32_t b3, bret;
  event(f, TL_EV_CALL, "g", 2, &b3);
  cr_assert_geq(f->blocks[b3].npreds, 2, "undo1 reached by goto and fall-through");
  event(f, TL_EV_RETURN, NULL, 0, &bret);
  cr_assert_geq(f->blocks[bret].npreds, 2, "out reached by goto and fall-through");
  cr_assert_eq(count(f, TL_EV_RETURN), 1, "the code after the first return is unreachable");
}

Test(front_clang, early_return_and_implicit_return) {
  cr_assert_eq(parse("int g(int);\n"
                     "void f(int x) {\n"
                     "  if (x) return;\n"
                     "  g(x);\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  cr_assert_eq(count(f, TL_EV_RETURN), 2);
  cr_assert_eq(nterm(f, TL_TERM_RETURN), 2);
  cr_assert_eq(f->blocks[f->exit].npreds, 2);
  const struct tl_event *last = event(f, TL_EV_RETURN, NULL, 1, NULL);
  cr_assert_eq(last->loc.line, 7, "implicit return at the closing brace");
  cr_assert_eq(last->loc.col, 1);
}

Test(front_clang, short_circuit_blocks) {
  cr_assert_eq(parse("int g(int);\n"
                     "void and_(int a, int b) { if (a && b) g(0); }\n"
                     "void or_(int a, int b) { if (a || b) g(0); }\n"
                     "void not_and(int a, int b) { if (!(a && b)) g(0); }\n"
                     "int ternary(int a) { return a ? g(1) : g(2); }\n"
                     "void cond_ternary(int a, int b) { if (a ? b : 0) g(0); }\n"
                     "int value(int a, int b) { int x = a && b; return x; }"), 0);
  const struct tl_func *f = func("and_");
  cr_assert_eq(nterm(f, TL_TERM_BRANCH), 2);
  const struct tl_block *ba = branch(f, 0), *bb = branch(f, 1);
  cr_assert_eq(ba->cond.slot, slot_named(f, "a"));
  cr_assert_eq(bb->cond.slot, slot_named(f, "b"));
  cr_assert_eq(ba->succs[0], bb->id, "a true: test b");
  cr_assert_eq(ba->succs[1], bb->succs[1], "a false: skip like b false");
  const struct tl_func *o = func("or_");
  const struct tl_block *oa = branch(o, 0), *ob = branch(o, 1);
  cr_assert_eq(oa->succs[1], ob->id, "a false: test b");
  cr_assert_eq(oa->succs[0], ob->succs[0]);
  const struct tl_func *n = func("not_and");
  const struct tl_block *na = branch(n, 0), *nb = branch(n, 1);
  cr_assert_eq(na->cond.cmp, TL_CMP_NONZERO);
  cr_assert_eq(na->succs[1], nb->succs[1], "!(a && b): a false goes to the then-block");
  const struct tl_func *t = func("ternary");
  cr_assert_eq(nterm(t, TL_TERM_BRANCH), 1);
  cr_assert_eq(count(t, TL_EV_CALL), 2);
  cr_assert_eq(event(t, TL_EV_CALL, NULL, 0, NULL)->dst, event(t, TL_EV_CALL, NULL, 1, NULL)->dst,
               "both arms write the same temporary");
  cr_assert_eq(nterm(func("cond_ternary"), TL_TERM_BRANCH), 2, "a, then b; the 0 arm folds");
  const struct tl_func *v = func("value");
  cr_assert_eq(nterm(v, TL_TERM_BRANCH), 2);
  const struct tl_event *as = event(v, TL_EV_ASSIGN, NULL, 0, NULL);
  cr_assert(has_use(as, slot_named(v, "a")) && has_use(as, slot_named(v, "b")));
}

Test(front_clang, statement_expression) {
  cr_assert_eq(parse(LOOP_DECL
                     "void f(void) {\n"
                     "  tk_promise *t = ({ int q = 3; q += 1; tk_sleep(loop, q); });\n"
                     "  tk_detach(t);\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  cr_assert_eq(event(f, TL_EV_START, "tk_sleep", 0, NULL)->ticket, slot_named(f, "t"));
  cr_assert(event(f, TL_EV_START, "tk_sleep", 0, NULL)->flags & TL_F_TIMER);
  cr_assert_eq(event(f, TL_EV_ASSIGN, NULL, 0, NULL)->dst, slot_named(f, "q"));
}

Test(front_clang, comma_operator) {
  cr_assert_eq(parse("int g(int);\nint f(int a) { int x = (g(1), a); return x; }"), 0);
  const struct tl_func *f = func("f");
  cr_assert_eq(event(f, TL_EV_CALL, "g", 0, NULL)->dst, TL_SLOT_NONE);
  const struct tl_event *as = event(f, TL_EV_ASSIGN, NULL, 0, NULL);
  cr_assert_eq(as->nuses, 1);
  cr_assert_eq(as->uses[0], slot_named(f, "a"));
}

Test(front_clang, correlated_conditions_share_a_key) {
  cr_assert_eq(parse(LOOP_DECL
                     "void f(int rank) {\n"
                     "  tk_promise *t = NULL;\n"
                     "  if (rank == 0) t = tk_async(loop, work, NULL);\n"
                     "  if (rank == 0) tk_await(t, NULL);\n"
                     "  if (rank == 1) tk_await(t, NULL);\n"
                     "}"), 0);
  const struct tl_func *f = func("f");
  const struct tl_block *a = branch(f, 0), *b = branch(f, 1), *c = branch(f, 2);
  cr_assert_neq(a->cond.key, 0);
  cr_assert_eq(a->cond.key, b->cond.key);
  cr_assert_neq(a->cond.key, c->cond.key);
  cr_assert_eq(event(f, TL_EV_ASSIGN, NULL, 0, NULL)->flags & (TL_F_NULL | TL_F_CONST),
               TL_F_NULL | TL_F_CONST);
}

Test(front_clang, comparison_inside_a_macro_argument) {
  cr_assert_eq(parse("#include <assert.h>\n"
                     "void f(tk_promise *t) { assert(tk_state(t) == TK_FULFILLED); tk_detach(t); }"),
               0);
  const struct tl_func *f = func("f");
  uint32_t b;
  const struct tl_event *p = event(f, TL_EV_POLL, NULL, 0, &b);
  cr_assert_eq(f->blocks[b].cond.cmp, TL_CMP_EQ);
  cr_assert_eq(f->blocks[b].cond.slot, p->dst);
  cr_assert_str_eq(f->blocks[b].cond.constant, "TK_FULFILLED");
  cr_assert(event(f, TL_EV_CALL, "__assert_fail", 0, NULL)->flags & TL_F_NORETURN);
}

Test(front_clang, computed_goto_reaches_every_label) {
  cr_assert_eq(parse("int g(int);\n"
                     "int f(void) { static void *tbl[] = {&&a, &&b}; goto *tbl[g(0)];\n"
                     "a: return 1;\n"
                     "b: return 2; }"), 0);
  const struct tl_func *f = func("f");
  cr_assert_eq(nterm(f, TL_TERM_SWITCH), 1);
  cr_assert_eq(count(f, TL_EV_RETURN), 2);
  cr_assert_eq(f->blocks[f->exit].npreds, 2);
}

/* ---- function flags ------------------------------------------------------------------- */

Test(front_clang, function_flags) {
  cr_assert_eq(parse(LOOP_DECL
                     "static void done(int err, void *v, void *a) { (void)err; (void)v; (void)a; }\n"
                     "TK_ASYNC static int marked(void *a, void **r) { (void)a; (void)r; return 0; }\n"
                     "static TK_ASYNC int marked2(void *a, void **r) { (void)a; (void)r; return 0; }\n"
                     "int plain(void *a, void **r) { (void)a; (void)r; return 0; }\n"
                     "void f(void) {\n"
                     "  tk_promise *t = tk_async(loop, marked, NULL);\n"
                     "  tk_then(t, done, NULL);\n"
                     "  tk_detach(tk_work(loop, &plain, NULL));\n"
                     "}"), 0);
  cr_assert(func("marked")->flags & TL_FN_ASYNC_MARKED);
  cr_assert(func("marked")->flags & TL_FN_ASYNC_PASSED);
  cr_assert(func("marked")->flags & TL_FN_STATIC);
  cr_assert(func("marked2")->flags & TL_FN_ASYNC_MARKED);
  cr_assert_not(func("marked2")->flags & TL_FN_ASYNC_PASSED);
  cr_assert(func("done")->flags & TL_FN_CALLBACK);
  cr_assert(func("plain")->flags & TL_FN_OFFLOADED);
  cr_assert_not(func("plain")->flags & (TL_FN_STATIC | TL_FN_ASYNC_MARKED));
  cr_assert_not(func("f")->flags & TL_FN_ASYNC_MARKED);
  cr_assert(event(func("f"), TL_EV_START, "tk_work", 0, NULL)->flags & TL_F_OFFLOAD);
  cr_assert_eq(event(func("f"), TL_EV_CONSUME, NULL, 0, NULL)->ticket, slot_named(func("f"), "t"));
}

Test(front_clang, header_functions_are_not_lowered) {
  cr_assert_eq(parse("#include <stdlib.h>\nint f(void) { return abs(-1); }"), 0);
  cr_assert_eq(unit.nfuncs, 1);
  cr_assert_str_eq(unit.funcs[0].name, "f");
}

/* ---- errors --------------------------------------------------------------------------- */

Test(front_clang, syntax_error_gives_clang_diagnostic) {
  cr_assert_eq(parse("int g(int);\nvoid f(void) { g(1) }\nvoid h(void) { undeclared(); }"), 0);
  cr_assert_geq(diags.size, 1);
  cr_assert_str_eq(diags.data[0].rule, "clang-diagnostic");
  cr_assert_eq(diags.data[0].severity, TL_SEV_ERROR);
  cr_assert_eq(diags.data[0].loc.line, 4);
  func("f");
}

Test(front_clang, nonexistent_file_is_a_parse_error) {
  struct tl_front_opts opts = {.keep_going = 1};
  unit_open = 1;
  cr_assert_eq(tl_front_clang_parse(TL_TEST_BINARY_DIR "/no/such/file.c", &opts, models, &unit,
                                    &diags), TL_EPARSE);
}

Test(front_clang, builtin_headers_are_found) {
  cr_assert_eq(parse("#include <stdarg.h>\n#include <stdbool.h>\n"
                     "size_t f(bool b) { return b ? sizeof(va_list) : 0; }"), 0);
  cr_assert_eq(diags.size, 0, "%s", diags.size ? diags.data[0].message : "");
}

Test(front_clang, data_file_lowers) {
  static const char *args[] = {"-I" TL_RUNTIME_INCLUDE_DIR};
  struct tl_front_opts opts = {.args = args, .nargs = 1, .keep_going = 1};
  unit_open = 1;
  cr_assert_eq(tl_front_clang_parse(TL_TEST_DATA_DIR "/front/mixed.c", &opts, models, &unit,
                                    &diags), 0);
  cr_assert_eq(diags.size, 0);
  for (uint32_t i = 0; i < unit.nfuncs; i++) {
    char msg[256];
    cr_assert_eq(tl_func_verify(&unit.funcs[i], msg, sizeof msg), 0, "%s", msg);
  }
  cr_assert_geq(unit.nfuncs, 3);
}

/* A start's buffer at a fixed place of a variable (constant indices and offsets only) gets
 * TL_F_FIXED_BUFFER; one picked by a variable index or offset does not, and names that
 * variable as its `offset` when it is the only one and a plain read (docs/ir.md). */
Test(front_clang, buffer_at_a_fixed_place) {
  cr_assert_eq(parse("TK_ASYNC static int job(void *a, void **r) { *r = a; return 0; }\n"
                     "struct rows { int r[4][4]; };\n"
                     "void f(tk_loop *l, int *p, int i, long off, struct rows *s) {\n"
                     "  int buf[8], t[4][4];\n"
                     "  tk_detach(tk_async(l, job, buf));\n"
                     "  tk_detach(tk_async(l, job, &buf[0]));\n"
                     "  tk_detach(tk_async(l, job, &t[0][1]));\n"
                     "  tk_detach(tk_async(l, job, p + 2));\n"
                     "  tk_detach(tk_async(l, job, (char *)p + 16));\n"
                     "  tk_detach(tk_async(l, job, &s->r[1][0]));\n"
                     "  tk_detach(tk_async(l, job, &buf[i]));\n"
                     "  tk_detach(tk_async(l, job, (char *)p + off));\n"
                     "  tk_detach(tk_async(l, job, &t[i][0]));\n"
                     "  tk_detach(tk_async(l, job, p + i * 2));\n"
                     "  tk_detach(tk_async(l, job, &t[i][off]));\n"
                     "}\n"), 0);
  const struct tl_func *f = func("f");
  const char *offset[11] = {[6] = "i", [7] = "off", [8] = "i"};
  for (int n = 0; n < 11; n++) {
    const struct tl_event *ev = event(f, TL_EV_START, "tk_async", n, NULL);
    cr_assert(ev, "start %d", n);
    cr_assert(ev->flags & TL_F_LENDS, "start %d lends", n);
    cr_assert_eq(!!(ev->flags & TL_F_FIXED_BUFFER), n < 6, "start %d", n);
    if (offset[n]) cr_assert(ev->offset && strcmp(f->slots[ev->offset].name, offset[n]) == 0,
                             "start %d", n);
    else cr_assert_eq(ev->offset, TL_SLOT_NONE, "start %d", n);
  }
}

/* A return of an arithmetic or enum value is TL_F_SCALAR; of a pointer or a struct, or with
 * no value, it is not (docs/ir.md). */
Test(front_clang, return_scalar) {
  cr_assert_eq(parse("struct s { int res; double d; };\n"
                     "enum e { A, B };\n"
                     "static struct s g;\n"
                     "static int f1(struct s *p) { return p->res; }\n"
                     "static double f2(struct s *p) { return p->d; }\n"
                     "static enum e f3(int k) { return k ? A : B; }\n"
                     "static struct s *f4(struct s *p) { return p; }\n"
                     "static struct s f5(void) { return g; }\n"
                     "static void f6(void) { return; }\n"
                     "int use(void) { f6(); return f1(&g) + (int)f2(&g) + f3(1) + !!f4(&g) + f5().res; }\n"),
               0);
  const char *const names[] = {"f1", "f2", "f3", "f4", "f5", "f6"};
  for (int i = 0; i < 6; i++) {
    const struct tl_event *ev = event(func(names[i]), TL_EV_RETURN, NULL, 0, NULL);
    cr_assert(ev, "%s", names[i]);
    cr_assert_eq(!!(ev->flags & TL_F_SCALAR), i < 3, "%s", names[i]);
  }
}

/* A return whose value is 0 whenever the one variable it reads is 0 gets TL_F_ZERO_IF_ZERO:
 * the variable, or its comparison with a constant 0 fails; not a comparison 0 satisfies, a
 * negation, arithmetic or a constant (docs/ir.md). */
Test(front_clang, return_zero_if_zero) {
  cr_assert_eq(parse("enum { AGAIN = 11 };\n"
                     "int f(int ret, int k) {\n"
                     "  if (k == 1) return ret == -AGAIN;\n"
                     "  if (k == 2) return ret < 0;\n"
                     "  if (k == 3) return (ret);\n"
                     "  if (k == 4) return -1 == ret;\n"
                     "  if (k == 5) return ret > 2;\n"
                     "  if (k == 6) return ret == 0;\n"
                     "  if (k == 7) return !ret;\n"
                     "  if (k == 8) return ret + 1;\n"
                     "  if (k == 9) return ret <= 3;\n"
                     "  return 0;\n"
                     "}\n"), 0);
  const struct tl_func *f = func("f");
  for (int n = 0; n < 10; n++) {
    const struct tl_event *ev = event(f, TL_EV_RETURN, NULL, n, NULL);
    cr_assert(ev, "return %d", n);
    cr_assert_eq(!!(ev->flags & TL_F_ZERO_IF_ZERO), n < 5, "return %d", n);
  }
}

/* An assignment of a variable's address (`d.p = &x`) is marked TL_F_ADDR_OF, its one use
 * the variable; a copy of a pointer or an element picked by an index is not (docs/ir.md). */
Test(front_clang, assignment_of_an_address) {
  cr_assert_eq(parse("struct d { int *p; };\n"
                     "void f(int *q, int i) {\n"
                     "  int x, a[4];\n"
                     "  struct d d;\n"
                     "  d.p = &x;\n"
                     "  d.p = q;\n"
                     "  d.p = &a[i];\n"
                     "}\n"), 0);
  const struct tl_func *f = func("f");
  const struct tl_event *ev = event(f, TL_EV_ASSIGN, NULL, 0, NULL);
  cr_assert(ev && (ev->flags & TL_F_ADDR_OF));
  cr_assert(ev->nuses == 1 && ev->uses[0] == slot_named(f, "x"));
  for (int n = 1; n < 3; n++) {
    ev = event(f, TL_EV_ASSIGN, NULL, n, NULL);
    cr_assert(ev, "assignment %d", n);
    cr_assert_not(ev->flags & TL_F_ADDR_OF, "assignment %d", n);
  }
}
