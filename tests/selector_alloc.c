/* SPDX-License-Identifier: MIT */
/* The steady-state wait on one backend (argv[1]): a thousand waits over
 * a fixed set of ready and idle handles (plus wakeups) report the same
 * events every time, and make no heap allocation at all.
 *
 * How allocations are observed: the test is linked with GNU ld's --wrap
 * for malloc, calloc and realloc (tests/CMakeLists.txt), so every such call
 * made by the statically linked library goes through the counting
 * wrappers below, on Linux and in the MinGW build alike, sanitizers
 * included. Where that link option is not available (a shared xsock,
 * Apple's or Microsoft's linker) XTEST_WRAP_ALLOC is not defined and only
 * the event assertions run. */
#include "xtest.h"

#include <stdlib.h>
#include <string.h>

#ifdef XTEST_WRAP_ALLOC
#define ALLOC_COUNTING 1
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static volatile int alloc_on;
static volatile long alloc_calls;

void *__wrap_malloc(size_t n) {
  if (alloc_on)
    alloc_calls++;
  return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size) {
  if (alloc_on)
    alloc_calls++;
  return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n) {
  if (alloc_on)
    alloc_calls++;
  return __real_realloc(p, n);
}
#endif

#define ALLOC_PAIRS 64

static void test_steady_state_wait(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[ALLOC_PAIRS * 2];
  xsock_t p[ALLOC_PAIRS][2];
  int i, k, n, ready = 0;
  (void)state;
  for (i = 0; i < ALLOC_PAIRS; i++) {
    xt_ok(xsock_socketpair(XSOCK_STREAM, p[i]));
    /* Every 4th pair readable; the rest registered and idle. */
    if (i % 4 == 0) {
      xt_ok(xsock_send(p[i][1], "a", 1));
      ready++;
    }
    xt_ok(xsock_selector_add(sel, p[i][0], XSOCK_READ, &p[i][0]));
  }
  for (i = 0; i < ALLOC_PAIRS; i += 4)
    assert_true(xt_expect_events(sel, p[i][0], XSOCK_READ, 5000) & XSOCK_READ);
  /* Warm up once: any lazy first-use allocation happens before counting. */
  xt_ok(xsock_selector_wakeup(sel));
  xt_ok(xsock_selector_wait(sel, evs, ALLOC_PAIRS * 2, 0));
#ifdef ALLOC_COUNTING
  alloc_calls = 0;
  alloc_on = 1;
#endif
  for (k = 0; k < 1000; k++) {
    if (k % 10 == 0)
      xsock_selector_wakeup(sel);
    n = xsock_selector_wait(sel, evs, ALLOC_PAIRS * 2, k % 2 ? 0 : 5);
    if (n != ready)
      break;
    /* Checked without cmocka calls, which may allocate: break on the
     * first wrong event and assert after the counting stops. */
    for (i = 0; i < n; i++) {
      const xsock_t *sp = (const xsock_t *)evs[i].udata;
      if (evs[i].events != XSOCK_READ || *sp != evs[i].sock ||
          ((sp - &p[0][0]) / 2) % 4 != 0)
        break;
    }
    if (i != n)
      break;
  }
#ifdef ALLOC_COUNTING
  alloc_on = 0;
  assert_int_equal(alloc_calls, 0);
#endif
  assert_int_equal(k, 1000);
  xsock_selector_close(sel);
  for (i = 0; i < ALLOC_PAIRS; i++) {
    xt_close(&p[i][0]);
    xt_close(&p[i][1]);
  }
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_steady_state_wait),
  };
  return xt_selector_main(argc, argv, tests);
}
