/* SPDX-License-Identifier: MIT */
/* W1 "sockpairs" of bench/SPEC.md: N registered sockets (N/2
 * socketpairs, peer of socket i is i XOR 1), A of them made readable per
 * round by one byte each, chosen by a partial Fisher-Yates shuffle driven
 * by splitmix64. Measures setup (registration + one flush) per fd and the
 * dispatch cost per event, in persist or rearm mode.
 *
 * With --timeout=MS (MS > 0) the same program is W4 "serverwait": every
 * blocking wait is bounded by MS, as an event loop with timers waits
 * (loop_set_timeout: the wait's own timeout, or one repeating timer in
 * the peer libraries), and the line says workload=serverwait.
 * --timeout=-1 is W4's baseline: the same code with timeout -1 (and no
 * timer in the peers), so that the difference of the two callgrind
 * counts is what the timeout costs and nothing else. */
#include "bench.h"
#include "loops.h"

#include <xsock.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One byte in, one byte out, a pair, a close: the raw calls on POSIX, as
 * the SPEC measures them; on Windows, where a socket is no file, through
 * xsock (recv/send on the SOCKET, and its emulated loopback pair). */
#ifdef _WIN32
#define SP_READ1(s, c) xsock_recv((s), (c), 1)
#define SP_WRITE1(s) xsock_send((s), "x", 1)
#define SP_CLOSE(s) xsock_close(s)
static int sp_pair(xsock_t sv[2]) {
  return xsock_socketpair(XSOCK_STREAM, sv) == 0 &&
                 xsock_set_nonblocking(sv[0], 1) == 0 &&
                 xsock_set_nonblocking(sv[1], 1) == 0
             ? 0
             : -1;
}
#else
#include <sys/socket.h>
#include <unistd.h>
#define SP_READ1(s, c) read((s), (c), 1)
#define SP_WRITE1(s) write((s), "x", 1)
#define SP_CLOSE(s) close(s)
static int sp_pair(xsock_t sv[2]) {
  return socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv);
}
#endif

static const char sockpairs__usage[] =
    "sockpairs --impl=NAME [--n=1000] [--active=100] [--rounds=400] "
    "[--warmup=50] [--reps=5] [--seed=1] [--mode=persist|rearm] "
    "[--dump-targets=K] [--timeout=MS|-1 (W4)] [--callgrind] [--list-impls]";

typedef struct sockpairs {
  xsock_t *fd; /* fd[i] is socket i */
  long n, active;
  uint64_t rng;
  uint32_t *perm;
  uint32_t *target;
  loop_t *loop;
  int rearm;
  int timed; /* W4: waits through loop_iter_timed */
  long handled;
} sockpairs_t;

/* The SPEC's handler: exactly one 1-byte read, then re-arm in rearm mode. */
static void sockpairs__handler(void *ctx, uintptr_t i) {
  sockpairs_t *w = (sockpairs_t *)ctx;
  char c;
  if (SP_READ1(w->fd[i], &c) != 1)
    bench_die("handler read did not return 1", errno);
  w->handled++;
  if (w->rearm)
    loop_rearm(w->loop, w->fd[i], i);
}

static void sockpairs__reset_targets(sockpairs_t *w, uint64_t seed) {
  long i;
  w->rng = seed;
  for (i = 0; i < w->n; i++)
    w->perm[i] = (uint32_t)i;
}

/* Chooses the next round's A distinct targets, continuing on perm. */
static void sockpairs__choose(sockpairs_t *w) {
  long k;
  for (k = 0; k < w->active; k++) {
    uint64_t j = (uint64_t)k + bench_splitmix64(&w->rng) % (uint64_t)(w->n - k);
    uint32_t t = w->perm[k];
    w->perm[k] = w->perm[j];
    w->perm[j] = t;
    w->target[k] = w->perm[k];
  }
}

/* One round: A writes, then loop iterations until A reads were handled.
 * Adds the write and dispatch times; returns the iterations taken. With
 * cg set the dispatch (the timed region of ns_per_event) is collected. */
static long sockpairs__round(sockpairs_t *w, uint64_t *write_ns,
                             uint64_t *disp_ns, int cg) {
  uint64_t w0, w1, w2;
  long k, iters = 0;
  sockpairs__choose(w);
  w0 = bench_now_ns();
  for (k = 0; k < w->active; k++)
    if (SP_WRITE1(w->fd[w->target[k] ^ 1u]) != 1)
      bench_die("write did not return 1", errno);
  w1 = bench_now_ns();
  w->handled = 0;
  /* W4's loop apart from W1's, and the choice made before collection
   * starts, so that what callgrind counts of W1 stays what it was. */
  if (w->timed) {
    if (cg)
      BENCH_CG_TOGGLE();
    while (w->handled < w->active) {
      loop_iter_timed(w->loop);
      iters++;
    }
  } else {
    if (cg)
      BENCH_CG_TOGGLE();
    while (w->handled < w->active) {
      loop_iter(w->loop, 1);
      iters++;
    }
  }
  if (cg)
    BENCH_CG_TOGGLE();
  w2 = bench_now_ns();
  if (w->handled != w->active)
    bench_die("handled != active (spurious or lost events)", 0);
  *write_ns += w1 - w0;
  *disp_ns += w2 - w1;
  return iters;
}

int main(int argc, char **argv) {
  bench_opts_t o;
  sockpairs_t w;
  double setup[64], ev[64], round[64], wr[64], iters_pr[64];
  long i, rep, r, waits = 0;
  memset(&o, 0, sizeof o);
  o.impl = "epoll";
  o.n = 1000;
  o.active = 100;
  o.rounds = 400;
  o.warmup = 50;
  o.reps = 5;
  o.seed = 1;
  o.timeout = -2; /* not given: W1 */
  bench_parse(&o, argc, argv, sockpairs__usage);
  if (o.n < 2 || o.n % 2 != 0 || o.active < 1 || o.active > o.n || o.reps > 64)
    bench_die("need an even n >= 2, 1 <= active <= n, reps <= 64", 0);
  memset(&w, 0, sizeof w);
  w.n = o.n;
  w.active = o.active;
  w.rearm = o.rearm;
  if (o.timeout == 0)
    bench_die("W4 needs --timeout=MS with MS > 0, or -1", 0);
  w.timed = o.timeout != -2;
  w.perm = (uint32_t *)malloc((size_t)o.n * sizeof *w.perm);
  w.target = (uint32_t *)malloc((size_t)o.active * sizeof *w.target);
  w.fd = (xsock_t *)malloc((size_t)o.n * sizeof *w.fd);
  if (w.perm == NULL || w.target == NULL || w.fd == NULL)
    bench_die("out of memory", 0);

  if (o.dump_targets > 0) {
    long printed = 0;
    sockpairs__reset_targets(&w, o.seed);
    while (printed < o.dump_targets) {
      sockpairs__choose(&w);
      for (i = 0; i < o.active && printed < o.dump_targets; i++, printed++)
        printf("%s%u", printed ? " " : "", (unsigned)w.target[i]);
    }
    printf("\n");
    free(w.fd);
    free(w.perm);
    free(w.target);
    return 0;
  }
  if (!loop_impl_known(o.impl))
    loop_open(o.impl, 0, NULL, NULL); /* prints the impls and exits */

  /* The sockets come first, before anything else opens an fd, so that
   * they are dense and low (N = 1000 fits select's FD_SETSIZE). */
  bench_need_fds(o.n + 64);
#ifdef _WIN32
  if (xsock_init() < 0) /* Winsock first: the pairs are xsock's */
    bench_die("xsock_init", 0);
#endif
  for (i = 0; i < o.n; i += 2) {
    xsock_t sv[2];
    if (sp_pair(sv) != 0)
      bench_die("socketpair", errno);
    w.fd[i] = sv[0];
    w.fd[i + 1] = sv[1];
  }
#ifndef _WIN32
  if (xsock_init() < 0)
    bench_die("xsock_init", 0);
#endif
  bench_pin("PEERS_CPU", 1);

  /* Repetition 0 is the untimed warm-up repetition. */
  for (rep = 0; rep <= o.reps; rep++) {
    uint64_t t0, t1, write_ns = 0, disp_ns = 0;
    long iters = 0;
    int cg = o.callgrind && rep > 0;
    w.loop = loop_open(o.impl, o.rearm, sockpairs__handler, &w);
    if (w.timed)
      loop_set_timeout(w.loop, (int)o.timeout);
    if (cg)
      BENCH_CG_TOGGLE();
    t0 = bench_now_ns();
    for (i = 0; i < o.n; i++)
      if (loop_add(w.loop, w.fd[i], (uintptr_t)i) < 0)
        bench_die("impl cannot hold this fd (select: n too large)", 0);
    if (loop_iter(w.loop, 0) != 0)
      bench_die("the setup flush reported events", 0);
    t1 = bench_now_ns();
    if (cg) {
      BENCH_CG_TOGGLE();
      BENCH_CG_DUMP("setup");
    }
    sockpairs__reset_targets(&w, o.seed);
    for (r = 0; r < o.warmup; r++)
      sockpairs__round(&w, &write_ns, &disp_ns, 0);
    write_ns = disp_ns = 0;
    for (r = 0; r < o.rounds; r++)
      iters += sockpairs__round(&w, &write_ns, &disp_ns, cg);
    if (rep > 0)
      waits += iters;
    if (cg)
      BENCH_CG_DUMP("run");
    for (i = 0; i < o.n; i++)
      loop_del(w.loop, w.fd[i]);
    loop_close(w.loop);
    if (rep > 0) {
      double events = (double)o.rounds * (double)o.active;
      setup[rep - 1] = (double)(t1 - t0) / (double)o.n;
      ev[rep - 1] = o.rounds ? (double)disp_ns / events : 0;
      round[rep - 1] = o.rounds ? (double)(disp_ns + write_ns) / events : 0;
      wr[rep - 1] = o.rounds ? (double)write_ns / events : 0;
      iters_pr[rep - 1] = o.rounds ? (double)iters / (double)o.rounds : 0;
    }
  }

  /* W4 under callgrind: 1000 clock reads of the benchmark's own, dumped
   * as "clock1000", tell bench/run.sh what one clock_gettime() call costs
   * in Ir, so that it can count the clock reads of the "run" part from
   * their Ir (callgrind's call counts also count calls made while
   * collection is off). */
  if (o.callgrind && w.timed) {
    uint64_t sink = 0;
    BENCH_CG_TOGGLE();
    for (i = 0; i < 1000; i++)
      sink += bench_now_ns();
    BENCH_CG_TOGGLE();
    BENCH_CG_DUMP("clock1000");
    if (sink == 0)
      bench_die("the clock did not move", 0);
  }

  bench_result_begin(&o, w.timed ? "serverwait" : "sockpairs", o.impl);
  bench_result_param("n", "%ld", o.n);
  bench_result_param("active", "%ld", o.active);
  bench_result_param("rounds", "%ld", o.rounds);
  bench_result_param("warmup", "%ld", o.warmup);
  bench_result_param("reps", "%ld", o.reps);
  bench_result_param("seed", "%llu", (unsigned long long)o.seed);
  bench_result_param("mode", "%s", o.rearm ? "rearm" : "persist");
  if (w.timed)
    bench_result_param("timeout_ms", "%ld", o.timeout);
  /* The timed rounds' waits over every timed repetition: what callgrind
   * counted covers exactly these (Ir and clock reads per wait). */
  bench_result_param("waits", "%ld", waits);
  bench_result_metric("setup_ns_per_fd", setup, (int)o.reps);
  bench_result_metric("ns_per_event", ev, (int)o.reps);
  bench_result_metric("round_ns_per_event", round, (int)o.reps);
  bench_result_metric("write_ns_per_event", wr, (int)o.reps);
  bench_result_metric("iters_per_round", iters_pr, (int)o.reps);
  bench_result_end();
  for (i = 0; i < o.n; i++)
    SP_CLOSE(w.fd[i]);
  free(w.fd);
  free(w.perm);
  free(w.target);
  xsock_cleanup();
  return 0;
}
