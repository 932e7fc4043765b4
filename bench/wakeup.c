/* SPDX-License-Identifier: MIT */
/* W5 "wakeup" of bench/SPEC.md: two threads, each blocked in its own
 * loop's wait (timeout -1, or --timeout=MS as a loop with a timer
 * pending waits) with nothing registered but the loop's wake channel. Thread A
 * wakes thread B's loop; B's wait returns, and B wakes A back: one round trip,
 * two hops. Measures the round trip's median and 99th percentile, what an
 * application pays to hand work to a loop that sleeps in another thread. A
 * wakeup that is lost hangs both threads: the main thread watches their
 * progress and ends the run with an error. */
#include "bench.h"
#include "loops.h"

#include <xsock.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <pthread.h>
#include <time.h>
#endif

static const char wakeup__usage[] =
    "wakeup --impl=NAME [--rounds=10000] [--warmup=1000] [--reps=5] "
    "[--timeout=MS] [--callgrind] [--list-impls]";

/* A lost wakeup stops all progress: after this long without a completed
 * round trip the run fails (generous, for callgrind's serialised
 * threads on a loaded machine). */
#define WAKEUP_STALL_MS 20000

/* Counters that one thread writes and the main thread reads while the
 * run goes on. */
#if defined(_WIN32)
typedef volatile LONG wakeup_counter_t;
#define WAKEUP_ADD(c) InterlockedIncrement(&(c))
#define WAKEUP_GET(c) InterlockedCompareExchange(&(c), 0, 0)
#else
typedef long wakeup_counter_t;
#define WAKEUP_ADD(c) __atomic_add_fetch(&(c), 1, __ATOMIC_RELAXED)
#define WAKEUP_GET(c) __atomic_load_n(&(c), __ATOMIC_RELAXED)
#endif

typedef struct wakeup {
  bench_opts_t *o;
  loop_t *a, *b;
  uint64_t *rt; /* round-trip times of one repetition, ns */
  double med[64], p99[64];
  /* waits that returned without a wakeup, in A and in B: each written by
   * its thread, read after both are joined */
  long empty_a, empty_b;
  wakeup_counter_t progress, done;
} wakeup_t;

/* One blocking wait after another until one saw a wakeup; counts the
 * others (a peer loop may return for its own reasons). */
static long wakeup__wait(loop_t *l) {
  long empty = 0;
  while (!loop_iter_wake(l))
    empty++;
  return empty;
}

static int wakeup__cmp(const void *x, const void *y) {
  uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
  return (a > b) - (a < b);
}

/* Thread B: answers every wakeup with one. Under callgrind it collects
 * from its last warm-up answer on, as A does from its first timed round
 * trip, so that the two regions cover the same hops. */
static void wakeup__answer(wakeup_t *w) {
  long i, total = w->o->warmup + w->o->rounds * w->o->reps, empty = 0;
#ifndef _WIN32
  bench_pin("PEERS_SERVER_CPU", 0);
#endif
  if (w->o->callgrind && w->o->warmup == 0)
    BENCH_CG_TOGGLE();
  for (i = 0; i < total; i++) {
    empty += wakeup__wait(w->b);
    loop_wake(w->a);
    if (w->o->callgrind && i + 1 == w->o->warmup)
      BENCH_CG_TOGGLE();
  }
  if (w->o->callgrind)
    BENCH_CG_TOGGLE();
  w->empty_b = empty;
}

/* Thread A: the round trips, the warm-up first. Under callgrind the clock
 * is not read: only the instructions count there, and the benchmark's
 * own clock reads are no part of the wakeup. */
static void wakeup__ask(wakeup_t *w) {
  const bench_opts_t *o = w->o;
  long i, rep, empty = 0;
#ifndef _WIN32
  bench_pin("PEERS_CPU", 1);
#endif
  for (i = 0; i < o->warmup; i++) {
    loop_wake(w->b);
    empty += wakeup__wait(w->a);
    WAKEUP_ADD(w->progress);
  }
  if (o->callgrind)
    BENCH_CG_TOGGLE();
  for (rep = 0; rep < o->reps; rep++) {
    for (i = 0; i < o->rounds; i++) {
      uint64_t t0 = o->callgrind ? 0 : bench_now_ns();
      loop_wake(w->b);
      empty += wakeup__wait(w->a);
      w->rt[i] = o->callgrind ? 0 : bench_now_ns() - t0;
      WAKEUP_ADD(w->progress);
    }
    if (o->callgrind)
      continue; /* no times to sort, and no sort to count */
    /* The median and the 99th percentile of this repetition. */
    qsort(w->rt, (size_t)o->rounds, sizeof *w->rt, wakeup__cmp);
    w->med[rep] = o->rounds % 2 ? (double)w->rt[o->rounds / 2]
                                : ((double)w->rt[o->rounds / 2 - 1] +
                                   (double)w->rt[o->rounds / 2]) /
                                      2;
    w->p99[rep] = (double)w->rt[(o->rounds * 99 + 99) / 100 - 1];
  }
  if (o->callgrind)
    BENCH_CG_TOGGLE();
  w->empty_a = empty;
  WAKEUP_ADD(w->done);
}

/* The two threads, each on its own thread of the OS. */
#ifdef _WIN32
typedef HANDLE wakeup_thread_t;
static DWORD WINAPI wakeup__ask_main(LPVOID w) {
  wakeup__ask((wakeup_t *)w);
  return 0;
}
static DWORD WINAPI wakeup__answer_main(LPVOID w) {
  wakeup__answer((wakeup_t *)w);
  return 0;
}
static void wakeup__start(wakeup_thread_t *t, int asker, wakeup_t *w) {
  *t = CreateThread(NULL, 0, asker ? wakeup__ask_main : wakeup__answer_main, w,
                    0, NULL);
  if (*t == NULL)
    bench_die("CreateThread", 0);
}
static void wakeup__join(wakeup_thread_t t) {
  WaitForSingleObject(t, INFINITE);
  CloseHandle(t);
}
static void wakeup__sleep_ms(int ms) { Sleep((DWORD)ms); }
#else
typedef pthread_t wakeup_thread_t;
static void *wakeup__ask_main(void *w) {
  wakeup__ask((wakeup_t *)w);
  return NULL;
}
static void *wakeup__answer_main(void *w) {
  wakeup__answer((wakeup_t *)w);
  return NULL;
}
static void wakeup__start(wakeup_thread_t *t, int asker, wakeup_t *w) {
  int rc = pthread_create(t, NULL,
                          asker ? wakeup__ask_main : wakeup__answer_main, w);
  if (rc != 0)
    bench_die("pthread_create", rc);
}
static void wakeup__join(wakeup_thread_t t) {
  int rc = pthread_join(t, NULL);
  if (rc != 0)
    bench_die("pthread_join", rc);
}
static void wakeup__sleep_ms(int ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (long)(ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
}
#endif

int main(int argc, char **argv) {
  bench_opts_t o;
  wakeup_t w;
  wakeup_thread_t ta, tb;
  long last = -1, still = 0;
  double hop[64], p99hop[64];
  int rep;
  memset(&o, 0, sizeof o);
  o.impl = "epoll";
  o.rounds = 10000;
  o.warmup = 1000;
  o.reps = 5;
  o.timeout = -2; /* not given: every wait has timeout -1 */
  bench_parse(&o, argc, argv, wakeup__usage);
  if (o.rounds < 1 || o.reps > 64)
    bench_die("need rounds >= 1, reps <= 64", 0);
  if (o.timeout == 0)
    bench_die("--timeout=MS needs MS > 0, or -1", 0);
  if (!loop_impl_known(o.impl))
    loop_open(o.impl, 0, NULL, NULL); /* prints the impls and exits */
  if (xsock_init() < 0)
    bench_die("xsock_init", 0);
  memset(&w, 0, sizeof w);
  w.o = &o;
  w.rt = (uint64_t *)malloc((size_t)o.rounds * sizeof *w.rt);
  if (w.rt == NULL)
    bench_die("out of memory", 0);

  /* Both loops and their wake channels exist before either thread runs:
   * a wakeup sent before its target waits is kept for that wait. */
  loop_threads_init();
  w.a = loop_open(o.impl, 0, NULL, NULL);
  w.b = loop_open(o.impl, 0, NULL, NULL);
  if (o.timeout != -2) {
    loop_set_timeout(w.a, (int)o.timeout);
    loop_set_timeout(w.b, (int)o.timeout);
  }
  loop_wake_init(w.a);
  loop_wake_init(w.b);
  wakeup__start(&tb, 0, &w);
  wakeup__start(&ta, 1, &w);
  /* The watchdog: both threads wait forever, so a lost wakeup would hang
   * the run; no round trip for WAKEUP_STALL_MS ends it instead. */
  while (!WAKEUP_GET(w.done)) {
    long now = (long)WAKEUP_GET(w.progress);
    wakeup__sleep_ms(100);
    still = now == last ? still + 100 : 0;
    last = now;
    if (still >= WAKEUP_STALL_MS) {
      fprintf(stderr,
              "bench: no round trip for %d ms after %ld: a wakeup "
              "was lost\n",
              WAKEUP_STALL_MS, now);
      exit(1);
    }
  }
  wakeup__join(ta);
  wakeup__join(tb);
  if (o.callgrind)
    BENCH_CG_DUMP("run");
  loop_close(w.a);
  loop_close(w.b);

  for (rep = 0; rep < o.reps; rep++) {
    hop[rep] = w.med[rep] / 2;
    p99hop[rep] = w.p99[rep] / 2;
  }
  bench_result_begin(&o, "wakeup", o.impl);
  bench_result_param("rounds", "%ld", o.rounds);
  bench_result_param("warmup", "%ld", o.warmup);
  bench_result_param("reps", "%ld", o.reps);
  if (o.timeout != -2)
    bench_result_param("timeout_ms", "%ld", o.timeout);
  bench_result_param("empty_waits", "%ld", w.empty_a + w.empty_b);
  bench_result_metric("rt_ns", w.med, (int)o.reps);
  bench_result_metric("rt_p99_ns", w.p99, (int)o.reps);
  bench_result_metric("hop_ns", hop, (int)o.reps);
  bench_result_metric("hop_p99_ns", p99hop, (int)o.reps);
  bench_result_end();
  free(w.rt);
  xsock_cleanup();
  return 0;
}
