/* SPDX-License-Identifier: MIT */
/* W3 "idle" of bench/SPEC.md: N idle registered sockets (N/2 pairs,
 * both ends registered, never written) plus one socket that stays readable
 * forever; every iteration dispatches exactly that one event. Measures how
 * the cost of one wait grows with the idle registrations, with the active
 * socket last (the worst case for poll/select) or first. */
#include "bench.h"
#include "loops.h"

#include <xsock.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <winsock2.h>
#else
#include <sys/socket.h>
#include <unistd.h>
#endif

static const char idle__usage[] =
    "idle --impl=NAME [--n=1000] [--active-pos=last|first] [--reps=5] "
    "[--warmup=100] [--k=K (fixed; default calibrated)] [--callgrind] "
    "[--list-impls]";

typedef struct idle {
  uintptr_t active_ud;
  long calls;
} idle_t;

static void idle__handler(void *ctx, uintptr_t ud) {
  idle_t *w = (idle_t *)ctx;
  if (ud != w->active_ud)
    bench_die("an idle socket was reported", 0);
  w->calls++;
}

#ifdef _WIN32
/* Windows has no socketpair(): xsock's (a connected loopback TCP pair) is
 * the only library call of the set-up, which is never timed. */
static void idle__pair(xsock_t sv[2]) {
  int rc = xsock_socketpair(XSOCK_STREAM, sv);
  if (rc < 0)
    bench_die(xsock_strerror(rc), 0);
}

static void idle__poke(xsock_t s) {
  if (send((SOCKET)s, "x", 1, 0) != 1)
    bench_die("send", 0);
}

static void idle__close(xsock_t s) { closesocket((SOCKET)s); }
#else
static void idle__pair(xsock_t sv[2]) {
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) !=
      0)
    bench_die("socketpair", errno);
}

static void idle__poke(xsock_t s) {
  if (write(s, "x", 1) != 1)
    bench_die("write", errno);
}

static void idle__close(xsock_t s) { close(s); }
#endif

/* Runs k iterations, each of which must dispatch exactly one event. */
static uint64_t idle__run(loop_t *l, long k) {
  uint64_t t0 = bench_now_ns();
  long i;
  for (i = 0; i < k; i++)
    if (loop_iter(l, 1) != 1)
      bench_die("an iteration did not dispatch exactly one event", 0);
  return bench_now_ns() - t0;
}

int main(int argc, char **argv) {
  bench_opts_t o;
  idle_t w;
  xsock_t *fds, active[2];
  double ns[64];
  loop_t *l;
  long i, k, rep, nfd = 0;
  uint64_t t;
  memset(&o, 0, sizeof o);
  o.impl = "epoll";
  o.n = 1000;
  o.reps = 5;
  o.warmup = 100;
  bench_parse(&o, argc, argv, idle__usage);
  if (o.n % 2 != 0 || o.warmup < 1 || o.reps > 64)
    bench_die("need an even n, warmup >= 1, reps <= 64", 0);
  if (!loop_impl_known(o.impl))
    loop_open(o.impl, 0, NULL, NULL); /* prints the impls and exits */
  bench_need_fds(o.n + 64);
  fds = (xsock_t *)malloc((size_t)(o.n + 1) * sizeof *fds);
  if (fds == NULL)
    bench_die("out of memory", 0);
  memset(&w, 0, sizeof w);

  /* Creation and registration order are the same: the active pair first
   * or last, the idle pairs (both ends) in between. */
  /* xsock_init() first: on Windows it starts Winsock, which the pairs
   * need. */
  if (xsock_init() < 0)
    bench_die("xsock_init", 0);
  if (o.active_first)
    idle__pair(active);
  for (i = 0; i < o.n; i += 2)
    idle__pair(&fds[i]);
  if (!o.active_first)
    idle__pair(active);
  bench_pin("PEERS_CPU", 1);
  l = loop_open(o.impl, 0, idle__handler, &w);
  if (o.active_first) {
    w.active_ud = (uintptr_t)nfd++;
    if (loop_add(l, active[0], w.active_ud) < 0)
      bench_die("impl cannot hold this fd", 0);
  }
  for (i = 0; i < o.n; i++)
    if (loop_add(l, fds[i], (uintptr_t)nfd++) < 0)
      bench_die("impl cannot hold this fd (select: n too large)", 0);
  if (!o.active_first) {
    w.active_ud = (uintptr_t)nfd++;
    if (loop_add(l, active[0], w.active_ud) < 0)
      bench_die("impl cannot hold this fd (select: n too large)", 0);
  }
  idle__poke(active[1]);

  /* Warm-up; its mean sets K for about 50 ms per repetition. */
  t = idle__run(l, o.warmup);
  k = o.k;
  if (k <= 0) {
    double per = (double)t / (double)o.warmup;
    k = per > 0 ? (long)(5e7 / per) : 200000;
    k = k < 50 ? 50 : k > 200000 ? 200000 : k;
  }
  if (o.callgrind)
    BENCH_CG_TOGGLE();
  for (rep = 0; rep < o.reps; rep++)
    ns[rep] = (double)idle__run(l, k) / (double)k;
  if (o.callgrind) {
    BENCH_CG_TOGGLE();
    BENCH_CG_DUMP("run");
  }
  if (w.calls != o.warmup + k * o.reps)
    bench_die("handler calls do not match the iterations", 0);

  for (i = 0; i < o.n; i++)
    loop_del(l, fds[i]);
  loop_del(l, active[0]);
  loop_close(l);

  bench_result_begin(&o, "idle", o.impl);
  bench_result_param("n", "%ld", o.n);
  bench_result_param("active_pos", "%s", o.active_first ? "first" : "last");
  bench_result_param("warmup", "%ld", o.warmup);
  bench_result_param("k", "%ld", k);
  bench_result_param("reps", "%ld", o.reps);
  bench_result_metric("ns_per_call", ns, (int)o.reps);
  bench_result_end();
  for (i = 0; i < o.n; i++)
    idle__close(fds[i]);
  idle__close(active[0]);
  idle__close(active[1]);
  free(fds);
  xsock_cleanup();
  return 0;
}
