/* SPDX-License-Identifier: MIT */
/* W2 "pingpong" of bench/SPEC.md: C TCP connections over 127.0.0.1,
 * at most one 64-byte message in flight on each, R round trips per
 * repetition. 1proc: client and server ends in one loop of one process
 * (the CPU cost of a round trip); 2proc: an echo server in a second
 * process with its own loop (forked on POSIX; on Windows this program
 * started again with --serve, see pp_net.h). The sockets are plain calls
 * of the OS (pp_net.h): the loop is what is measured. */
#include "bench.h"
#include "loops.h"
#include "pp_net.h"

#include <xsock.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PP_MSG 64

static const char pingpong__usage[] =
    "pingpong --impl=NAME [--conns=1] [--rounds=20000] [--warmup=W] "
    "[--reps=5] [--topo=1proc|2proc] [--callgrind] [--list-impls]";

/* One end of a connection. Client ends have udata 2i, server ends 2i+1. */
typedef struct pp_end {
  xsock_t fd;
  size_t got;
  unsigned char buf[PP_MSG];
  unsigned char sent[PP_MSG]; /* client: the message in flight */
} pp_end_t;

typedef struct pingpong {
  pp_end_t *ends; /* ends[2i] client i, ends[2i+1] server i */
  long conns;
  uint64_t started, completed, target;
  long open_servers;
  loop_t *loop;
} pingpong_t;

static void pingpong__send(pingpong_t *p, pp_end_t *c) {
  uint64_t counter = p->started++;
  memcpy(c->sent, &counter, sizeof counter);
  if (pp_write(c->fd, c->sent, PP_MSG) != PP_MSG)
    bench_die("client write did not return 64", pp_errno());
}

static void pingpong__server_close(pingpong_t *p, pp_end_t *s) {
  loop_del(p->loop, s->fd);
  pp_close(s->fd);
  s->fd = XSOCK_INVALID;
  p->open_servers--;
}

/* The handler: exactly one read per READ event, then echo (server) or
 * check, count and send the next message (client). */
static void pingpong__handler(void *ctx, uintptr_t ud) {
  pingpong_t *p = (pingpong_t *)ctx;
  pp_end_t *e = &p->ends[ud];
  long n = pp_read(e->fd, e->buf + e->got, PP_MSG - e->got);
  if (n <= 0) {
    if (n == PP_AGAIN)
      return;
    if ((ud & 1u) && (n == 0 || n == PP_RESET)) {
      pingpong__server_close(p, e);
      return;
    }
    bench_die("client read failed or saw EOF", n < 0 ? pp_errno() : 0);
  }
  e->got += (size_t)n;
  if (e->got < PP_MSG)
    return;
  e->got = 0;
  if (ud & 1u) {
    if (pp_write(e->fd, e->buf, PP_MSG) != PP_MSG)
      bench_die("server write did not return 64", pp_errno());
    return;
  }
  if (memcmp(e->buf, e->sent, PP_MSG) != 0)
    bench_die("echoed message differs from the one sent", 0);
  p->completed++;
  if (p->started < p->target)
    pingpong__send(p, e);
}

/* One repetition of r round trips (also the warm-up): returns its ns. */
static uint64_t pingpong__rep(pingpong_t *p, uint64_t r, int cg) {
  uint64_t t0, t1;
  long i;
  p->started = p->completed = 0;
  p->target = r;
  if (cg)
    BENCH_CG_TOGGLE();
  t0 = bench_now_ns();
  for (i = 0; i < p->conns && p->started < r; i++)
    pingpong__send(p, &p->ends[2 * i]);
  while (p->completed < r)
    loop_iter(p->loop, 1);
  t1 = bench_now_ns();
  if (cg)
    BENCH_CG_TOGGLE();
  return t1 - t0;
}

/* The 2proc echo server: accepts every connection, serves until all are
 * closed by the client, then ends its process. */
static void pingpong__server(pingpong_t *p, const char *impl, xsock_t lfd) {
  long i;
  bench_pin("PEERS_SERVER_CPU", 0);
  for (i = 0; i < p->conns; i++)
    p->ends[2 * i + 1].fd = pp_accept(lfd);
  pp_close(lfd);
  p->loop = loop_open(impl, 0, pingpong__handler, p);
  for (i = 0; i < p->conns; i++)
    if (loop_add(p->loop, p->ends[2 * i + 1].fd, (uintptr_t)(2 * i + 1)) < 0)
      bench_die("impl cannot hold this fd", 0);
  p->open_servers = p->conns;
  while (p->open_servers > 0)
    loop_iter(p->loop, 1);
  loop_close(p->loop);
  pp_server_exit();
}

static pp_end_t *pingpong__ends(long conns) {
  pp_end_t *ends = (pp_end_t *)calloc((size_t)(2 * conns), sizeof *ends);
  long i;
  int k;
  if (ends == NULL)
    bench_die("out of memory", 0);
  /* Bytes 8..63 are the same in every message; 0..7 carry the counter. */
  for (i = 0; i < 2 * conns; i++)
    for (k = 8; k < PP_MSG; k++)
      ends[i].sent[k] = (unsigned char)('a' + k % 26);
  return ends;
}

int main(int argc, char **argv) {
  bench_opts_t o;
  pingpong_t p;
  pp_addr_t sa;
  pp_child_t child;
  double ns[64], rate;
  long i, rep;
  xsock_t lfd;
  /* Windows' 2proc server: this program again (pp_net.h). */
  if (argc == 5 && strcmp(argv[1], "--serve") == 0) {
    memset(&p, 0, sizeof p);
    if (xsock_init() < 0)
      bench_die("xsock_init", 0);
    p.conns = atol(argv[4]);
    p.ends = pingpong__ends(p.conns);
    lfd = pp_listen(&sa, (int)p.conns + 16);
    pp_publish_port(argv[2], &sa);
    pingpong__server(&p, argv[3], lfd);
  }
  memset(&o, 0, sizeof o);
  memset(&child, 0, sizeof child);
  o.impl = "epoll";
  o.conns = 1;
  o.rounds = -1;
  o.warmup = -1;
  o.reps = 5;
  bench_parse(&o, argc, argv, pingpong__usage);
  if (o.rounds < 0)
    o.rounds = (o.two_proc && o.conns == 1) ? 2000 : 20000;
  if (o.warmup < 0)
    o.warmup = o.conns > o.rounds / 5 ? o.conns : o.rounds / 5;
  if (o.conns < 1 || o.rounds < 1 || o.reps > 64)
    bench_die("need conns >= 1, rounds >= 1, reps <= 64", 0);
  if (!loop_impl_known(o.impl))
    loop_open(o.impl, 0, NULL, NULL); /* prints the impls and exits */
  bench_need_fds(2 * o.conns + 64);
  if (xsock_init() < 0)
    bench_die("xsock_init", 0);
  memset(&p, 0, sizeof p);
  p.conns = o.conns;
  p.ends = pingpong__ends(o.conns);

  if (o.two_proc) {
    fflush(stdout);
    /* POSIX: a fork that serves on lfd; Windows: this program started
     * with --serve, which listens itself and publishes its port. */
    lfd = pp_start_server(&child, argv[0], o.impl, o.conns, &sa);
    if (lfd != XSOCK_INVALID && pp_is_server(&child))
      pingpong__server(&p, o.impl, lfd);
    if (lfd != XSOCK_INVALID)
      pp_close(lfd);
  } else {
    lfd = pp_listen(&sa, (int)o.conns + 16);
  }
  bench_pin("PEERS_CPU", 1);
  for (i = 0; i < o.conns; i++) {
    p.ends[2 * i].fd = pp_connect(&sa);
    if (!o.two_proc)
      p.ends[2 * i + 1].fd = pp_accept(lfd);
  }
  p.loop = loop_open(o.impl, 0, pingpong__handler, &p);
  for (i = 0; i < o.conns; i++) {
    if (loop_add(p.loop, p.ends[2 * i].fd, (uintptr_t)(2 * i)) < 0 ||
        (!o.two_proc &&
         loop_add(p.loop, p.ends[2 * i + 1].fd, (uintptr_t)(2 * i + 1)) < 0))
      bench_die("impl cannot hold this fd (select: too many conns)", 0);
  }

  pingpong__rep(&p, (uint64_t)o.warmup, 0);
  for (rep = 0; rep < o.reps; rep++)
    ns[rep] = (double)pingpong__rep(&p, (uint64_t)o.rounds, o.callgrind) /
              (double)o.rounds;
  if (o.callgrind)
    BENCH_CG_DUMP("run");

  /* Teardown: RST on every client socket, so no TIME_WAIT is left. */
  for (i = 0; i < o.conns; i++) {
    loop_del(p.loop, p.ends[2 * i].fd);
    pp_close_reset(p.ends[2 * i].fd);
    if (!o.two_proc) {
      loop_del(p.loop, p.ends[2 * i + 1].fd);
      pp_close(p.ends[2 * i + 1].fd);
    }
  }
  loop_close(p.loop);
  if (!o.two_proc)
    pp_close(lfd);
  else if (!pp_wait_server(&child))
    bench_die("the echo server did not exit cleanly", 0);

  rate = 1e9 / bench_stat(ns, (int)o.reps).med;
  bench_result_begin(&o, "pingpong", o.impl);
  bench_result_param("topo", "%s", o.two_proc ? "2proc" : "1proc");
  bench_result_param("conns", "%ld", o.conns);
  bench_result_param("msg", "%d", PP_MSG);
  bench_result_param("rounds", "%ld", o.rounds);
  bench_result_param("warmup", "%ld", o.warmup);
  bench_result_param("reps", "%ld", o.reps);
  bench_result_metric("ns_per_rt", ns, (int)o.reps);
  bench_result_param("rt_per_sec", "%.0f", rate);
  bench_result_end();
  free(p.ends);
  xsock_cleanup();
  return 0;
}
