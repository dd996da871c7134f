/* demo.h — found only through the project's include directories. */
#ifndef DEMO_H
#define DEMO_H
#include "ticket.h"
int demo_add(int a, int b);
void demo_fire(tk_loop *loop);
#endif
