/* SPDX-License-Identifier: MIT */
/* W2 "pingpong" of bench/SPEC.md: C TCP connections over 127.0.0.1,
 * at most one 64-byte message in flight on each, R round trips per
 * repetition. 1proc: client and server ends in one loop of one process
 * (the CPU cost of a round trip); 2proc: a forked echo server with its own
 * loop. The sockets are plain POSIX calls: the loop is what is measured. */
#include "bench.h"
#include "loops.h"

#include <xsock.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define PP_MSG 64

static const char pingpong__usage[] =
    "pingpong --impl=NAME [--conns=1] [--rounds=20000] [--warmup=W] "
    "[--reps=5] [--topo=1proc|2proc] [--callgrind] [--list-impls]";

/* One end of a connection. Client ends have udata 2i, server ends 2i+1. */
typedef struct pp_end {
  int fd;
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
  if (write(c->fd, c->sent, PP_MSG) != PP_MSG)
    bench_die("client write did not return 64", errno);
}

static void pingpong__server_close(pingpong_t *p, pp_end_t *s) {
  loop_del(p->loop, s->fd);
  close(s->fd);
  s->fd = -1;
  p->open_servers--;
}

/* The handler: exactly one read per READ event, then echo (server) or
 * check, count and send the next message (client). */
static void pingpong__handler(void *ctx, uintptr_t ud) {
  pingpong_t *p = (pingpong_t *)ctx;
  pp_end_t *e = &p->ends[ud];
  ssize_t n = read(e->fd, e->buf + e->got, PP_MSG - e->got);
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    if ((ud & 1u) && (n == 0 || errno == ECONNRESET)) {
      pingpong__server_close(p, e);
      return;
    }
    bench_die("client read failed or saw EOF", n < 0 ? errno : 0);
  }
  e->got += (size_t)n;
  if (e->got < PP_MSG)
    return;
  e->got = 0;
  if (ud & 1u) {
    if (write(e->fd, e->buf, PP_MSG) != PP_MSG)
      bench_die("server write did not return 64", errno);
    return;
  }
  if (memcmp(e->buf, e->sent, PP_MSG) != 0)
    bench_die("echoed message differs from the one sent", 0);
  p->completed++;
  if (p->started < p->target)
    pingpong__send(p, e);
}

/* TCP_NODELAY and O_NONBLOCK, as every connected socket gets. */
static void pingpong__prepare(int fd) {
  int one = 1, fl = fcntl(fd, F_GETFL);
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
    bench_die("setsockopt(TCP_NODELAY)", errno);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
    bench_die("fcntl(O_NONBLOCK)", errno);
}

static int pingpong__accept(int lfd) {
  int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0)
    bench_die("accept", errno);
  pingpong__prepare(fd);
  return fd;
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
 * closed by the client, then exits. */
static void pingpong__server(pingpong_t *p, const bench_opts_t *o, int lfd) {
  long i;
  bench_pin("PEERS_SERVER_CPU", 0);
  for (i = 0; i < p->conns; i++)
    p->ends[2 * i + 1].fd = pingpong__accept(lfd);
  close(lfd);
  p->loop = loop_open(o->impl, 0, pingpong__handler, p);
  for (i = 0; i < p->conns; i++)
    if (loop_add(p->loop, p->ends[2 * i + 1].fd, (uintptr_t)(2 * i + 1)) < 0)
      bench_die("impl cannot hold this fd", 0);
  p->open_servers = p->conns;
  while (p->open_servers > 0)
    loop_iter(p->loop, 1);
  loop_close(p->loop);
  _exit(0);
}

int main(int argc, char **argv) {
  bench_opts_t o;
  pingpong_t p;
  struct sockaddr_in sa;
  socklen_t salen = sizeof sa;
  double ns[64], rate;
  struct linger lg;
  pid_t child = -1;
  long i, rep;
  int lfd, status;
  memset(&o, 0, sizeof o);
  o.impl = "epoll";
  o.conns = 1;
  o.rounds = -1;
  o.warmup = -1;
  o.reps = 5;
  bench_parse(&o, argc, argv, pingpong__usage);
  if (o.list_impls) {
    loop_list_impls();
    return 0;
  }
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
  p.ends = (pp_end_t *)calloc((size_t)(2 * o.conns), sizeof *p.ends);
  if (p.ends == NULL)
    bench_die("out of memory", 0);
  /* Bytes 8..63 are the same in every message; 0..7 carry the counter. */
  for (i = 0; i < 2 * o.conns; i++) {
    int k;
    for (k = 8; k < PP_MSG; k++)
      p.ends[i].sent[k] = (unsigned char)('a' + k % 26);
  }

  lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      listen(lfd, (int)o.conns + 16) != 0 ||
      getsockname(lfd, (struct sockaddr *)&sa, &salen) != 0)
    bench_die("listening socket", errno);
  if (o.two_proc) {
    fflush(stdout);
    child = fork();
    if (child < 0)
      bench_die("fork", errno);
    if (child == 0)
      pingpong__server(&p, &o, lfd);
    close(lfd);
  }
  bench_pin("PEERS_CPU", 1);
  for (i = 0; i < o.conns; i++) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
      bench_die("connect", errno);
    pingpong__prepare(fd);
    p.ends[2 * i].fd = fd;
    if (!o.two_proc)
      p.ends[2 * i + 1].fd = pingpong__accept(lfd);
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
  lg.l_onoff = 1;
  lg.l_linger = 0;
  for (i = 0; i < o.conns; i++) {
    loop_del(p.loop, p.ends[2 * i].fd);
    setsockopt(p.ends[2 * i].fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(p.ends[2 * i].fd);
    if (!o.two_proc) {
      loop_del(p.loop, p.ends[2 * i + 1].fd);
      close(p.ends[2 * i + 1].fd);
    }
  }
  loop_close(p.loop);
  if (!o.two_proc)
    close(lfd);
  else if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
           WEXITSTATUS(status) != 0)
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
