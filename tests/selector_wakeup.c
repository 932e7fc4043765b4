/* SPDX-License-Identifier: MIT */
/* Wakeups and threads on one backend (argv[1]): a wakeup from another
 * thread ends a wait forever; many wakeups coalesce into one early return
 * and leave nothing pending; the one-owner pattern (another thread asks
 * the owner, by a flag and a wakeup, to add a socket); and on POSIX a
 * wakeup from a signal handler, signals that interrupt a wait without
 * ending it, and no busy wait over a closed handle whose file lives on. */
#include "xtest.h"

#include <string.h>

#ifndef _WIN32
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

/* Flags shared between threads, through the compiler's atomics (C99 has
 * none): the __atomic builtins of GCC, Clang and MinGW's GCC, and for
 * MSVC the Interlocked calls, which are full barriers (LONG is 32 bits on
 * Windows, as int is). */
#if defined(_MSC_VER) && !defined(__clang__)
#include <winsock2.h> /* before windows.h, which it includes */
#define WK_LOAD(p) ((int)InterlockedOr((volatile LONG *)(p), 0))
#define WK_STORE(p, v)                                                         \
  ((void)InterlockedExchange((volatile LONG *)(p), (LONG)(v)))
#else
#define WK_LOAD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define WK_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#endif

typedef struct wk_shared {
  xsock_selector_t *sel;
  int flag;
  xsock_t sock;
  xsock_t peer;
} wk_shared_t;

static void wk_wake_later(void *arg) {
  wk_shared_t *sh = (wk_shared_t *)arg;
  xt_sleep_ms(20); /* most likely inside the wait by now; either way works */
  WK_STORE(&sh->flag, 1);
  xt_ok(xsock_selector_wakeup(sh->sel));
}

static void test_wakeup_from_thread(void **state) {
  wk_shared_t sh;
  xsock_event_t evs[4];
  xsock_t p[2];
  xt_thread_t *t;
  (void)state;
  memset(&sh, 0, sizeof sh);
  sh.sel = xt_selector();
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_selector_add(sh.sel, p[0], XSOCK_READ, NULL));
  t = xt_thread_start(wk_wake_later, &sh);
  /* Forever, and nothing registered becomes ready: only the wakeup ends
   * it, and it is never reported as an event. */
  assert_int_equal(xsock_selector_wait(sh.sel, evs, 4, -1), 0);
  assert_int_equal(WK_LOAD(&sh.flag), 1);
  xt_thread_join(t);
  xsock_selector_close(sh.sel);
  xt_close(&p[0]);
  xt_close(&p[1]);
}

static void test_wakeups_coalesce(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[4];
  xsock_t p[2];
  uint64_t before, after;
  int i;
  (void)state;
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_selector_add(sel, p[0], XSOCK_READ, NULL));
  for (i = 0; i < 1000; i++)
    xt_ok(xsock_selector_wakeup(sel));
  assert_int_equal(xsock_selector_wait(sel, evs, 4, -1), 0);
  /* Drained: nothing pending any more. */
  assert_int_equal(xsock_selector_wait(sel, evs, 4, 0), 0);
  before = xt_now_ns();
  assert_int_equal(xsock_selector_wait(sel, evs, 4, 30), 0);
  after = xt_now_ns();
  assert_true(after - before >= 30u * 1000000u); /* not cut short by a wakeup */
  /* A wakeup with a ready handle: the handle is reported, the wakeup is
   * consumed, and the next forever-wait would need a new one. */
  xt_ok(xsock_send(p[1], "x", 1));
  xt_ok(xsock_selector_wakeup(sel));
  assert_int_equal(xt_expect_events(sel, p[0], XSOCK_READ, 5000), XSOCK_READ);
  xt_ok(xsock_selector_remove(sel, p[0]));
  assert_int_equal(xsock_selector_wait(sel, evs, 4, 0), 0);
  xsock_selector_close(sel);
  xt_close(&p[0]);
  xt_close(&p[1]);
}

/* The other thread: makes a connected pair, writes to one end, and asks
 * the owner to register the other. It never touches the selector except
 * through xsock_selector_wakeup(). */
static void wk_requester(void *arg) {
  wk_shared_t *sh = (wk_shared_t *)arg;
  xsock_t p[2];
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_send(p[1], "hi", 2));
  sh->sock = p[0];
  sh->peer = p[1];
  WK_STORE(&sh->flag, 1); /* publishes sock and peer */
  xt_ok(xsock_selector_wakeup(sh->sel));
}

static void test_owner_pattern(void **state) {
  wk_shared_t sh;
  xsock_event_t evs[4];
  xt_thread_t *t;
  int rounds, got = 0, added = 0;
  char buf[4];
  (void)state;
  memset(&sh, 0, sizeof sh);
  sh.sel = xt_selector();
  t = xt_thread_start(wk_requester, &sh);
  for (rounds = 0; rounds < 100 && !got; rounds++) {
    int i, n = (int)xt_ok(xsock_selector_wait(sh.sel, evs, 4, -1));
    if (!added && WK_LOAD(&sh.flag)) {
      xt_ok(xsock_selector_add(sh.sel, sh.sock, XSOCK_READ, &sh));
      added = 1;
    }
    for (i = 0; i < n; i++) {
      assert_ptr_equal(evs[i].udata, &sh);
      assert_int_equal(evs[i].events, XSOCK_READ);
      got = 1;
    }
  }
  assert_true(got);
  xt_thread_join(t);
  assert_int_equal(xsock_recv_exact(sh.sock, buf, 2), 2);
  assert_memory_equal(buf, "hi", 2);
  xsock_selector_close(sh.sel);
  xt_close(&sh.sock);
  xt_close(&sh.peer);
}

#ifndef _WIN32
/* POSIX only: signals. The handlers are the test's own; the library never
 * installs one. */
static xsock_selector_t *wk_sig_sel;

static void wk_on_usr1(int sig) {
  (void)sig;
  xsock_selector_wakeup(wk_sig_sel); /* async-signal-safe */
}

static void wk_on_usr2(int sig) { (void)sig; }

typedef struct wk_sig_job {
  pthread_t target;
  int signo, times;
  int flag;
  xsock_selector_t *sel;
} wk_sig_job_t;

static void wk_signaller(void *arg) {
  wk_sig_job_t *job = (wk_sig_job_t *)arg;
  int i;
  for (i = 0; i < job->times; i++) {
    xt_sleep_ms(10);
    assert_int_equal(pthread_kill(job->target, job->signo), 0);
  }
  if (job->sel != NULL) {
    xt_sleep_ms(10);
    WK_STORE(&job->flag, 1);
    xt_ok(xsock_selector_wakeup(job->sel));
  }
}

static void wk_handle(int signo, void (*fn)(int), struct sigaction *old) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: the wait sees EINTR */
  assert_int_equal(sigaction(signo, &sa, old), 0);
}

static void test_wakeup_from_signal_handler(void **state) {
  struct sigaction old;
  xsock_event_t evs[4];
  wk_sig_job_t job;
  xt_thread_t *t;
  (void)state;
#ifdef XTEST_KQUEUE_LOCKED_WAKEUP
  /* A build that forces EVFILT_USER on against libkqueue, to test that
   * path (ci/kqueue.sh): libkqueue's kevent() takes locks, so a handler
   * that interrupted one would deadlock. The default builds, libkqueue's
   * included, run this test; this one proves the other wakeup rules. */
  if (xt_libkqueue())
    skip();
#endif
  wk_sig_sel = xt_selector();
  wk_handle(SIGUSR1, wk_on_usr1, &old);
  memset(&job, 0, sizeof job);
  job.target = pthread_self();
  job.signo = SIGUSR1;
  job.times = 1;
  t = xt_thread_start(wk_signaller, &job);
  assert_int_equal(xsock_selector_wait(wk_sig_sel, evs, 4, -1), 0);
  xt_thread_join(t);
  assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
  xsock_selector_close(wk_sig_sel);
}

static void test_signal_does_not_end_wait(void **state) {
  struct sigaction old;
  xsock_event_t evs[4];
  wk_sig_job_t job;
  xt_thread_t *t;
  (void)state;
  wk_handle(SIGUSR2, wk_on_usr2, &old);
  memset(&job, 0, sizeof job);
  job.target = pthread_self();
  job.signo = SIGUSR2;
  job.times = 5;
  job.sel = xt_selector();
  t = xt_thread_start(wk_signaller, &job);
  /* Five interruptions are resumed; only the wakeup after them ends it. */
  assert_int_equal(xsock_selector_wait(job.sel, evs, 4, -1), 0);
  assert_int_equal(WK_LOAD(&job.flag), 1);
  xt_thread_join(t);
  assert_int_equal(sigaction(SIGUSR2, &old, NULL), 0);
  xsock_selector_close(job.sel);
}
#endif

#ifndef _WIN32
/* The CPU time this process has used (user and system), in ns. */
static uint64_t wk_cpu_ns(void) {
  struct rusage ru;
  assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
  return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) *
             1000000000u +
         ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) *
             1000u;
}

/* A forever-wait that only the wakeup of a thread started now ends: the
 * thread sets the flag first, so a wait that ends sooner is caught. */
static void wk_wait_woken_later(wk_shared_t *sh) {
  xsock_event_t evs[4];
  xt_thread_t *t = xt_thread_start(wk_wake_later, sh);
  assert_int_equal(xsock_selector_wait(sh->sel, evs, 4, -1), 0);
  assert_int_equal(WK_LOAD(&sh->flag), 1);
  xt_thread_join(t);
}

/* POSIX only (dup). Regression: a readable socket closed while registered
 * whose file lives on in a dup; then removed (how_far 0) or modified to
 * interest 0 (how_far 1). epoll kept reporting the file under a token it
 * could no longer take out of its set, and the wait spun inside the
 * library: about 20,000 kernel waits in 500 ms, and a wait with no timeout
 * never blocked. A 500 ms wait must sleep (the CPU time stays far below
 * what a spin burns), and a forever-wait must end on a wakeup. */
static void wk_no_spin_on_closed_dup(int how_far) {
  static int tag;
  wk_shared_t sh;
  xsock_event_t evs[4];
  xsock_t p[2];
  uint64_t cpu;
  int d, old;
  memset(&sh, 0, sizeof sh);
  sh.sel = xt_selector();
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  d = dup(p[0]);
  assert_true(d >= 0);
  xt_ok(xsock_send(p[1], "x", 1));
  xt_ok(xsock_selector_add(sh.sel, p[0], XSOCK_READ, &tag));
  assert_int_equal(xt_expect_events(sh.sel, p[0], XSOCK_READ, 5000),
                   XSOCK_READ);
  old = p[0];
  xt_close(&p[0]);
  if (how_far == 0)
    xt_ok(xsock_selector_remove(sh.sel, old));
  else
    xt_ok(xsock_selector_modify(sh.sel, old, 0, &tag));
  cpu = wk_cpu_ns();
  assert_int_equal(xsock_selector_wait(sh.sel, evs, 4, 500), 0);
  assert_true(wk_cpu_ns() - cpu < 50u * 1000000u);
  wk_wait_woken_later(&sh);
  xsock_selector_close(sh.sel);
  close(d);
  xt_close(&p[1]);
}

/* POSIX only (dup). A wakeup taken stays taken when the backend meets its
 * channel again without a new signal: epoll, which watches its eventfd
 * edge-triggered and never empties it, rebuilds its set when it meets a
 * closed registered file that a dup keeps alive, and the rebuilt set finds
 * the old count. The forever-wait in which that happens must end only on
 * the next wakeup, whose thread sets the flag first (if the thread were
 * first into the wait, the test would pass without telling, never fail). */
static void test_taken_wakeup_stays_taken(void **state) {
  static int tag;
  wk_shared_t sh;
  xsock_event_t evs[4];
  xsock_t p[2];
  int d, old;
  (void)state;
  if (xt_libkqueue())
    skip(); /* the closed dup, as in test_no_spin_on_closed_dup */
  memset(&sh, 0, sizeof sh);
  sh.sel = xt_selector();
  xt_ok(xsock_selector_wakeup(sh.sel));
  assert_int_equal(xsock_selector_wait(sh.sel, evs, 4, -1), 0);
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  d = dup(p[0]);
  assert_true(d >= 0);
  xt_ok(xsock_send(p[1], "x", 1));
  xt_ok(xsock_selector_add(sh.sel, p[0], XSOCK_READ, &tag));
  old = p[0];
  xt_close(&p[0]);
  xt_ok(xsock_selector_remove(sh.sel, old));
  wk_wait_woken_later(&sh);
  xsock_selector_close(sh.sel);
  close(d);
  xt_close(&p[1]);
}

static void test_no_spin_on_closed_dup(void **state) {
  (void)state;
  /* libkqueue keeps the closed file in its own epoll set, where no
   * EV_DELETE can reach it, and the EV_DELETE frees the state that set
   * still points to: its next kevent() reads freed memory (valgrind).
   * A real kqueue drops a descriptor's knotes when it is closed. */
  if (xt_libkqueue())
    skip();
  wk_no_spin_on_closed_dup(0);
  wk_no_spin_on_closed_dup(1);
}
#endif

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wakeup_from_thread),
      cmocka_unit_test(test_wakeups_coalesce),
      cmocka_unit_test(test_owner_pattern),
#ifndef _WIN32
      cmocka_unit_test(test_wakeup_from_signal_handler),
      cmocka_unit_test(test_signal_does_not_end_wait),
      cmocka_unit_test(test_no_spin_on_closed_dup),
      cmocka_unit_test(test_taken_wakeup_stays_taken),
#endif
  };
  return xt_selector_main(argc, argv, tests);
}
