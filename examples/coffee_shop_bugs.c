/* coffee_shop_bugs.c — every mistake of "a promise is the ticket", once.
 *
 * Each async function below commits one mistake and is named after it. In checked mode
 * the runtime reports six of them as they happen (or when the day ends); the seventh,
 * waiting for independent orders one at a time, is no misuse but a cost, and the program
 * prints it. `make demo` runs this; ticketlint finds the same mistakes without running it.
 *
 *   TK_CHECK=1 TK_CLOCK=virtual ./coffee_shop_bugs
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <unistd.h>

#include "ticket.h"

struct order {
  tk_loop *loop;
  const char *drink;
};

TK_ASYNC static int brew(void *arg, void **result) {
  struct order *o = arg;
  int err = tk_await(tk_sleep(o->loop, 100), NULL);
  if (err != 0)
    return err;
  *result = (void *)o->drink;
  return 0;
}

TK_ASYNC static int brew_without_milk(void *arg, void **result) {
  (void)arg;
  (void)result;
  return TK_EFAILED;                                  /* the milk ran out */
}

/* 1. unawaited-ticket: the order is placed and the ticket thrown away. */
TK_ASYNC static int unawaited_ticket(void *arg, void **result) {
  static struct order o;
  (void)result;
  o = (struct order){ arg, "americano" };
  tk_async(o.loop, brew, &o);                         /* nobody will ever collect it */
  return 0;
}

/* 2. serial-await-in-loop: four independent orders, each awaited before the next. */
TK_ASYNC static int serial_await_in_loop(void *arg, void **result) {
  tk_loop *loop = arg;
  (void)result;
  struct order orders[4] = {
    { loop, "espresso" }, { loop, "latte" }, { loop, "mocha" }, { loop, "cortado" } };
  uint64_t start = tk_loop_now(loop);
  int failures = 0;
  for (int i = 0; i < 4; i++) {
    int err = tk_await(tk_async(loop, brew, &orders[i]), NULL);   /* one at a time */
    if (err != 0)
      failures++;
  }
  printf("serial-await-in-loop: 4 orders of 100 ms took %llu ms one at a time "
         "(tk_await_all: 100 ms)\n", (unsigned long long)(tk_loop_now(loop) - start));
  return failures == 0 ? 0 : TK_EFAILED;
}

/* 3. ticket-as-value: the ticket is read as if it were the coffee. */
TK_ASYNC static int ticket_as_value(void *arg, void **result) {
  static struct order o;
  o = (struct order){ arg, "flat white" };
  tk_promise *ticket = tk_async(o.loop, brew, &o);
  const char *coffee = tk_value(ticket);              /* still pending: NULL */
  printf("ticket-as-value: drinking %s\n", coffee ? coffee : "nothing");
  return tk_await(ticket, result);
}

/* 5. unhandled-rejection: a failing order is detached; its failure reaches nobody. */
TK_ASYNC static int unhandled_rejection(void *arg, void **result) {
  tk_loop *loop = arg;
  (void)result;
  tk_detach(tk_async(loop, brew_without_milk, NULL));
  return 0;
}

/* 6. double-await: the same ticket handed in twice. */
TK_ASYNC static int double_await(void *arg, void **result) {
  static struct order o;
  o = (struct order){ arg, "macchiato" };
  tk_promise *ticket = tk_async(o.loop, brew, &o);
  int err = tk_await(ticket, result);
  if (err != 0)
    return err;
  err = tk_await(ticket, result);                     /* already collected */
  if (err != 0)
    printf("double-await: second await refused: %s\n", tk_strerror(err));
  return 0;
}

/* 7. blocking-in-async: a real sleep on the loop thread freezes the whole shop. */
TK_ASYNC static int blocking_in_async(void *arg, void **result) {
  tk_loop *loop = arg;
  (void)result;
  int err = tk_await(tk_sleep(loop, 10), NULL);
  if (err != 0)
    return err;
  usleep(120000);                                     /* 120 ms, nobody else is served */
  return tk_await(tk_sleep(loop, 10), NULL);
}

static void day_over(int err, void *value, void *arg) {
  (void)value;
  if (err != 0)
    printf("%s: %s\n", (const char *)arg, tk_strerror(err));
}

int main(void) {
  tk_loop *loop = tk_loop_new();
  if (loop == NULL) {
    fprintf(stderr, "coffee_shop_bugs: out of memory\n");
    return 1;
  }
  static const struct {
    const char *name;
    tk_fn fn;
  } bugs[] = {
    { "unawaited-ticket", unawaited_ticket },
    { "serial-await-in-loop", serial_await_in_loop },
    { "ticket-as-value", ticket_as_value },
    { "unhandled-rejection", unhandled_rejection },
    { "double-await", double_await },
    { "blocking-in-async", blocking_in_async },
  };
  int err = 0;
  for (size_t i = 0; i < sizeof bugs / sizeof bugs[0] && err == 0; i++)
    err = tk_then(tk_async(loop, bugs[i].fn, loop), day_over, (void *)bugs[i].name);

  /* 4. await-outside-async: main() is no async function; the await fails at once. */
  struct order o = { loop, "cold brew" };
  tk_promise *ticket = tk_async(loop, brew, &o);
  int werr = tk_await(ticket, NULL);
  if (werr != 0) {
    printf("await-outside-async: %s\n", tk_strerror(werr));
    tk_detach(ticket);
  }

  if (err == 0)
    err = tk_loop_run(loop);
  tk_loop_free(loop);
  if (err != 0) {
    fprintf(stderr, "coffee_shop_bugs: %s\n", tk_strerror(err));
    return 1;
  }
  return 0;
}
