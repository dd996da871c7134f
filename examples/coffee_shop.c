/* coffee_shop.c — the runtime used right: the story of "a promise is the ticket".
 *
 * Customers place orders and get tickets; the shop keeps serving while the coffee brews;
 * a table's orders are collected together with tk_await_all(); when the milk runs out, the
 * customer hears about it and takes plan B. Run it in checked mode to see that nothing is
 * reported:
 *
 *   TK_CHECK=1 TK_CLOCK=virtual ./coffee_shop
 */
#include <stdio.h>

#include "ticket.h"

struct order {
  tk_loop *loop;
  const char *drink;
  uint64_t brew_ms;
};

/* The machine: brewing takes a while; a flat white needs milk, which ran out today. */
TK_ASYNC static int brew(void *arg, void **result) {
  struct order *o = arg;
  int err = tk_await(tk_sleep(o->loop, o->brew_ms), NULL);
  if (err != 0)
    return err;
  if (o->drink[0] == 'f')
    return TK_EFAILED;
  *result = (void *)o->drink;
  return 0;
}

/* Placing an order returns at once, with a ticket. */
static tk_promise *place_order(struct order *o) {
  printf("[%5llu ms] order placed: %s\n", (unsigned long long)tk_loop_now(o->loop), o->drink);
  return tk_async(o->loop, brew, o);
}

/* Meanwhile the shop keeps running: the cashier serves a pastry right away. */
TK_ASYNC static int serve_pastry(void *arg, void **result) {
  tk_loop *loop = arg;
  (void)result;
  printf("[%5llu ms] shop keeps running: croissant served\n",
         (unsigned long long)tk_loop_now(loop));
  return 0;
}

/* One customer, one coffee, waiting for their own ticket only. */
TK_ASYNC static int customer(void *arg, void **result) {
  struct order *o = arg;
  void *coffee = NULL;
  int err = tk_await(place_order(o), &coffee);
  if (err != 0)
    return err;
  printf("[%5llu ms] got it: %s\n", (unsigned long long)tk_loop_now(o->loop),
         (const char *)coffee);
  *result = coffee;
  return 0;
}

/* A table of three: every order is placed first, then all are collected at once, so the
 * brews overlap (the slowest one sets the pace, not the sum). */
TK_ASYNC static int table(void *arg, void **result) {
  tk_loop *loop = arg;
  (void)result;
  struct order orders[3] = {
    { loop, "espresso", 60000 }, { loop, "latte", 180000 }, { loop, "mocha", 120000 } };
  tk_promise *tickets[3];
  for (int i = 0; i < 3; i++)
    tickets[i] = place_order(&orders[i]);
  void *drinks[3];
  uint64_t start = tk_loop_now(loop);
  int err = tk_await_all(tickets, 3, drinks);
  if (err != 0)
    return err;
  printf("[%5llu ms] table served: %s, %s, %s (all in %llu ms)\n",
         (unsigned long long)tk_loop_now(loop), (const char *)drinks[0],
         (const char *)drinks[1], (const char *)drinks[2],
         (unsigned long long)(tk_loop_now(loop) - start));
  return 0;
}

/* The error case: the flat white fails; the customer is told, and takes tea. */
TK_ASYNC static int picky_customer(void *arg, void **result) {
  tk_loop *loop = arg;
  struct order flat_white = { loop, "flat white", 90000 };
  struct order tea = { loop, "tea", 30000 };
  void *drink = NULL;
  int err = tk_await(place_order(&flat_white), &drink);
  if (err != 0) {
    printf("[%5llu ms] no flat white: %s\n", (unsigned long long)tk_loop_now(loop),
           tk_strerror(err));
    err = tk_await(place_order(&tea), &drink);
    if (err != 0)
      return err;
    printf("[%5llu ms] plan B: %s\n", (unsigned long long)tk_loop_now(loop),
           (const char *)drink);
  }
  *result = drink;
  return 0;
}

static void day_over(int err, void *value, void *arg) {
  (void)value;
  if (err != 0)
    printf("%s went home unhappy: %s\n", (const char *)arg, tk_strerror(err));
}

int main(void) {
  tk_loop *loop = tk_loop_new();
  if (loop == NULL) {
    fprintf(stderr, "coffee_shop: out of memory\n");
    return 1;
  }
  struct order ada = { loop, "cappuccino", 150000 };
  int err = 0;
  if (err == 0) err = tk_then(tk_async(loop, customer, &ada), day_over, "ada");
  if (err == 0) err = tk_then(tk_async(loop, serve_pastry, loop), day_over, "the cashier");
  if (err == 0) err = tk_then(tk_async(loop, table, loop), day_over, "the table");
  if (err == 0) err = tk_then(tk_async(loop, picky_customer, loop), day_over, "grace");
  if (err == 0)
    err = tk_loop_run(loop);
  printf("shop closed after %llu ms\n", (unsigned long long)tk_loop_now(loop));
  tk_loop_free(loop);
  if (err != 0) {
    fprintf(stderr, "coffee_shop: %s\n", tk_strerror(err));
    return 1;
  }
  return 0;
}
