/* SPDX-License-Identifier: MIT */
/* The selector's memory on one backend (argv[1]):
 *  - the steady-state wait: a thousand waits over a fixed set of ready and
 *    idle handles (plus wakeups) report the same events every time, and
 *    make no heap allocation at all;
 *  - bytes per registration: the live heap bytes a selector holds with N
 *    registrations (N = 100, 1000, 10000, or as many as the descriptor
 *    limit and the backend allow), divided by N, must stay under the
 *    backend's bound (ALLOC_BOUND below: 40 on epoll, the target of
 *    docs/benchmarks.md), and 1,000 waits at that size allocate nothing.
 *
 * How allocations are observed: the test is linked with GNU ld's --wrap
 * for malloc, calloc, realloc and free (tests/CMakeLists.txt), so every
 * such call made by the statically linked library goes through the
 * counting wrappers below, on Linux and in the MinGW build alike,
 * sanitizers included. Live bytes are the usable sizes of the blocks
 * (malloc_usable_size, or _msize on Windows): what the allocator set
 * aside for the caller, without its own headers. Where that link option
 * is not available (a shared xsock, Apple's or Microsoft's linker)
 * XTEST_WRAP_ALLOC is not defined and only the event assertions run. */
#include "xtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <malloc.h>
#define ALLOC_USABLE(p) _msize(p)
#else
#include <malloc.h>
#include <sys/resource.h>
#define ALLOC_USABLE(p) malloc_usable_size(p)
#endif
#ifdef __linux__
#include <sys/epoll.h>
#endif

#ifdef XTEST_WRAP_ALLOC
#define ALLOC_COUNTING 1
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static volatile int alloc_on;
static volatile long alloc_calls;
/* Live bytes of every block the wrappers saw, from the first call on. */
static volatile long long alloc_live;

void *__wrap_malloc(size_t n) {
  void *p;
  if (alloc_on)
    alloc_calls++;
  p = __real_malloc(n);
  if (p != NULL)
    alloc_live += (long long)ALLOC_USABLE(p);
  return p;
}

void *__wrap_calloc(size_t n, size_t size) {
  void *p;
  if (alloc_on)
    alloc_calls++;
  p = __real_calloc(n, size);
  if (p != NULL)
    alloc_live += (long long)ALLOC_USABLE(p);
  return p;
}

void *__wrap_realloc(void *p, size_t n) {
  size_t old = p != NULL ? ALLOC_USABLE(p) : 0;
  void *q;
  if (alloc_on)
    alloc_calls++;
  q = __real_realloc(p, n);
  if (q != NULL || n == 0)
    alloc_live += (long long)(q != NULL ? ALLOC_USABLE(q) : 0) - (long long)old;
  return q;
}

void __wrap_free(void *p) {
  if (p != NULL)
    alloc_live -= (long long)ALLOC_USABLE(p);
  __real_free(p);
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

/* The bound on bytes per registration of each backend at N >= 100. epoll
 * has the target (docs/benchmarks.md): a 24-byte record in a table
 * indexed by descriptor that grows by half, and no other per-registration
 * memory where the kernel's events fit in the caller's array. Where they
 * do not (a 16-byte struct epoll_event against a 12-byte xsock_event_t:
 * 32-bit ARM, PowerPC), epoll keeps a kernel event per registration in
 * an array that grows by doubling: at most two more. The others keep arrays of
 * their own beside it, which grow by doubling, so their bounds allow a table
 * just doubled:
 *  - poll: record + pollfd (8) + slot (4): at most 36 + 24;
 *  - select: record + the classifying poll's scratch pollfd (8): 36 + 16,
 *    and its four fd_sets (512 bytes; 5 a registration at N = 100): 60;
 *  - kqueue: record + two kevents (2 x 32) and two slots (2 x 4) for the
 *    two filters of each registration: 36 + 144;
 *  - Windows: a 40-byte record, the map (8 to 16), and per backend: afd's
 *    request (about 96 with the allocator's rounding), arm list (4 to 8)
 *    and its fixed 4 KiB completion batch (41 at N = 100); wsapoll's
 *    WSAPOLLFD, slot and scratch (28 to 56); select's sets and scratch
 *    (about 48 to 96). */
static double alloc_bound(void) {
  switch (xt_backend) {
  case XSOCK_BACKEND_EPOLL:
#ifdef __linux__
    if (sizeof(struct epoll_event) > sizeof(xsock_event_t))
      return 40 + 2 * (double)sizeof(struct epoll_event);
#endif
    return 40;
  case XSOCK_BACKEND_POLL:
    return 60;
  case XSOCK_BACKEND_SELECT:
#ifdef _WIN32
    return 180;
#else
    return 60;
#endif
  case XSOCK_BACKEND_KQUEUE:
    return 180;
  case XSOCK_BACKEND_WSAPOLL:
    return 140;
  case XSOCK_BACKEND_AFD:
    return 240;
  default:
    return 0;
  }
}

/* How many registrations this process can hold: its descriptor limit
 * (raised to the hard limit as far as 10,000 need), less a margin for
 * the descriptors open already; below FD_SETSIZE for POSIX select.
 * Windows has no such limit; 1,000 keeps the run short under Wine. */
static int alloc_room(void) {
#ifdef _WIN32
  return 1000;
#else
  struct rlimit rl;
  int room;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    return 100;
  if (rl.rlim_cur < 10100 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max < 10100 ? rl.rlim_max : 10100;
    (void)setrlimit(RLIMIT_NOFILE, &rl);
    (void)getrlimit(RLIMIT_NOFILE, &rl);
  }
  room = rl.rlim_cur > 10100 ? 10100 : (int)rl.rlim_cur;
  if (xt_backend == XSOCK_BACKEND_SELECT && room > FD_SETSIZE)
    room = FD_SETSIZE;
  return (room - 64) & ~1;
#endif
}

/* n registrations (both ends of n / 2 socket pairs, every 16th readable):
 * the live bytes the selector holds, and 1,000 waits that allocate
 * nothing. Returns the bytes per registration, or 0 when allocations
 * cannot be observed. */
static double alloc_measure(int n) {
  xsock_t *fds = (xsock_t *)calloc((size_t)n, sizeof *fds);
  xsock_event_t evs[64];
  xsock_selector_t *sel;
  double per = 0;
  int i, k;
  assert_non_null(fds);
  for (i = 0; i < n; i += 2) {
    xt_ok(xsock_socketpair(XSOCK_STREAM, &fds[i]));
    if (i % 32 == 0)
      xt_ok(xsock_send(fds[i + 1], "a", 1));
  }
#ifdef ALLOC_COUNTING
  {
    long long before = alloc_live;
#endif
    sel = xt_selector();
    for (i = 0; i < n; i++)
      xt_ok(xsock_selector_add(sel, fds[i], XSOCK_READ, &fds[i]));
#ifdef ALLOC_COUNTING
    per = (double)(alloc_live - before) / n;
  }
  alloc_calls = 0;
  alloc_on = 1;
#endif
  for (k = 0; k < 1000; k++)
    if (xsock_selector_wait(sel, evs, 64, 0) <= 0)
      break;
#ifdef ALLOC_COUNTING
  alloc_on = 0;
  assert_int_equal(alloc_calls, 0);
#endif
  assert_int_equal(k, 1000);
  xsock_selector_close(sel);
  for (i = 0; i < n; i++)
    xt_close(&fds[i]);
  free(fds);
  return per;
}

static void test_bytes_per_registration(void **state) {
  static const int sizes[] = {100, 1000, 10000};
  int room = alloc_room(), i, n;
  (void)state;
  assert_true(room >= 100);
  for (i = 0; i < 3; i++) {
    double per;
    n = sizes[i] < room ? sizes[i] : room;
    per = alloc_measure(n);
    printf("bytes per registration: %s, N = %d: %.1f (bound %.0f)\n",
           xsock_backend_name(xt_backend), n, per, alloc_bound());
    assert_true(per <= alloc_bound());
    if (n == room)
      break;
  }
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_steady_state_wait),
      cmocka_unit_test(test_bytes_per_registration),
  };
  return xt_selector_main(argc, argv, tests);
}
