/* SPDX-License-Identifier: MIT */
/* Wakeup bursts on one backend (argv[1]), counted: four threads post
 * requests (a shared counter, then xsock_selector_wakeup()) as fast as
 * they can, while the owner waits and takes them; on POSIX a signal
 * handler does the same in a storm of signals. A wakeup is lost when a
 * request is posted and the owner's wait still runs to its bound. The
 * bound (10 s) is there only so that a lost wakeup is counted instead of
 * hanging the test: with requests flowing, no wait of a correct selector
 * comes near it, however slow the machine. ci/test.sh also runs this
 * suite under ThreadSanitizer. */
#include "xtest.h"
#include "xtest_thread.h"

#include <string.h>

#ifndef _WIN32
#include <pthread.h>
#include <signal.h>
#endif

/* The compiler's atomics, as in selector_wakeup.c (C99 has none). */
#if defined(_MSC_VER) && !defined(__clang__)
#include <winsock2.h>
#define ST_LOAD(p) ((int)InterlockedOr((volatile LONG *)(p), 0))
#define ST_ADD(p, v)                                                           \
  ((void)InterlockedExchangeAdd((volatile LONG *)(p), (LONG)(v)))
#else
#define ST_LOAD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define ST_ADD(p, v) ((void)__atomic_fetch_add((p), (v), __ATOMIC_SEQ_CST))
#endif

#define ST_THREADS 4
#define ST_BOUND_MS 10000

typedef struct st_shared {
  xsock_selector_t *sel;
  int per_thread; /* requests each poster makes */
  int posted;     /* requests made so far (atomic) */
} st_shared_t;

static void st_poster(void *arg) {
  st_shared_t *sh = (st_shared_t *)arg;
  int i;
  for (i = 0; i < sh->per_thread; i++) {
    ST_ADD(&sh->posted, 1); /* the request, then its wakeup */
    xt_ok(xsock_selector_wakeup(sh->sel));
  }
}

/* One wait of the owner, bounded; returns 1 when it ran to its bound
 * although requests were posted (a lost wakeup), 0 otherwise, and
 * advances *taken to every request posted so far. */
static int st_wait_once(st_shared_t *sh, int *taken) {
  xsock_event_t evs[4];
  uint64_t t0 = xt_now_ns(), spent;
  int n = (int)xt_ok(xsock_selector_wait(sh->sel, evs, 4, ST_BOUND_MS));
  int now = ST_LOAD(&sh->posted), lost;
  spent = xt_now_ns() - t0;
  assert_int_equal(n, 0); /* nothing is registered */
  lost = spent >= (uint64_t)ST_BOUND_MS * 1000000u && now != *taken;
  *taken = now;
  return lost;
}

/* The owner's side: waits until `total` requests have been taken;
 * returns the number of lost wakeups. */
static int st_serve(st_shared_t *sh, int total, int *waits) {
  int taken = 0, lost = 0;
  *waits = 0;
  while (taken < total && lost == 0) {
    lost += st_wait_once(sh, &taken);
    (*waits)++;
  }
  return lost;
}

static void test_wakeup_bursts_from_threads(void **state) {
  st_shared_t sh;
  xt_thread_t *t[ST_THREADS];
  int i, lost, waits;
  (void)state;
  memset(&sh, 0, sizeof sh);
  sh.sel = xt_selector();
  sh.per_thread = xt_is_wine() ? 2000 : 20000;
  for (i = 0; i < ST_THREADS; i++)
    t[i] = xt_thread_start(st_poster, &sh);
  lost = st_serve(&sh, ST_THREADS * sh.per_thread, &waits);
  for (i = 0; i < ST_THREADS; i++)
    xt_thread_join(t[i]);
  print_message("%d wakeups from %d threads ended %d waits; lost: %d\n",
                ST_THREADS * sh.per_thread, ST_THREADS, waits, lost);
  assert_int_equal(lost, 0);
  xsock_selector_close(sh.sel);
}

#ifndef _WIN32
/* A storm of signals at the owner, each handler posting a request. */
static st_shared_t *st_sig_shared;

static void st_on_signal(int sig) {
  (void)sig;
  ST_ADD(&st_sig_shared->posted, 1);
  xsock_selector_wakeup(st_sig_shared->sel); /* async-signal-safe */
}

typedef struct st_storm {
  pthread_t owner;
  int signals;
  int done; /* atomic: every signal has been sent */
} st_storm_t;

static void st_storm(void *arg) {
  st_storm_t *s = (st_storm_t *)arg;
  int i;
  for (i = 0; i < s->signals; i++) {
    assert_int_equal(pthread_kill(s->owner, SIGUSR1), 0);
    if (i % 64 == 63)
      xt_sleep_ms(1); /* let pending signals land: they do not queue */
  }
  ST_ADD(&s->done, 1);
}

static void test_wakeup_storm_from_signal_handler(void **state) {
  struct sigaction sa, old;
  st_shared_t sh;
  st_storm_t storm;
  xt_thread_t *t;
  int lost = 0, waits = 0, taken = 0;
  (void)state;
#ifdef XTEST_KQUEUE_LOCKED_WAKEUP
  if (xt_libkqueue())
    skip(); /* see test_wakeup_from_signal_handler in selector_wakeup.c */
#endif
  memset(&sh, 0, sizeof sh);
  sh.sel = xt_selector();
  st_sig_shared = &sh;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = st_on_signal;
  sigemptyset(&sa.sa_mask);
  assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
  memset(&storm, 0, sizeof storm);
  storm.owner = pthread_self();
  storm.signals = 2000;
  t = xt_thread_start(st_storm, &storm);
  /* Signals of one kind do not queue, so fewer handlers may run than
   * signals were sent; every handler that ran must end a wait. */
  while (!(ST_LOAD(&storm.done) && ST_LOAD(&sh.posted) == taken) && lost == 0) {
    lost += st_wait_once(&sh, &taken);
    waits++;
  }
  xt_thread_join(t);
  /* A signal still pending is discarded, not delivered to the default
   * action, which would end the process. */
  sa.sa_handler = SIG_IGN;
  assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
  assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
  print_message("%d signals sent, %d handled, %d waits; lost: %d\n",
                storm.signals, ST_LOAD(&sh.posted), waits, lost);
  assert_true(taken > 0);
  assert_int_equal(lost, 0);
  xsock_selector_close(sh.sel);
}
#endif

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wakeup_bursts_from_threads),
#ifndef _WIN32
      cmocka_unit_test(test_wakeup_storm_from_signal_handler),
#endif
  };
  return xt_selector_main(argc, argv, tests);
}
