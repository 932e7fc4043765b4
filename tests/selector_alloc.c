/* SPDX-License-Identifier: MIT */
/* The steady-state wait on one backend (argv[1]): a thousand waits over
 * a fixed set of ready and idle handles (plus wakeups) report the same
 * events every time, and, where the allocator can be observed, make no
 * heap allocation at all.
 *
 * How allocations are observed: on glibc, this file defines malloc,
 * calloc and realloc itself (a program's own definitions win over libc's)
 * and forwards them to glibc's __libc_malloc family, counting the calls
 * made while a flag is set. Under AddressSanitizer that would take the
 * allocator away from ASan, so the count is left out there (the plain
 * build runs it); elsewhere (macOS, BSD, Windows) there is no such hook
 * and only the event assertions run. */
#include "xtest.h"

#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ALLOC_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ALLOC_ASAN 1
#endif

#if defined(__GLIBC__) && !defined(ALLOC_ASAN)
#define ALLOC_COUNTING 1
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);

static volatile int alloc_on;
static volatile long alloc_calls;

void *malloc(size_t n) {
  if (alloc_on)
    alloc_calls++;
  return __libc_malloc(n);
}

void *calloc(size_t n, size_t size) {
  if (alloc_on)
    alloc_calls++;
  return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n) {
  if (alloc_on)
    alloc_calls++;
  return __libc_realloc(p, n);
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
