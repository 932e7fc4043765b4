/* SPDX-License-Identifier: MIT */
/* calib of bench/SPEC.md: machine anchors printed before the
 * workloads so that results from different machines can be related: a null
 * system call, a clock read, and a 1-byte write + read through an AF_UNIX
 * stream socketpair (no event loop). */
#include "bench.h"

#include <xsock.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char calib__usage[] =
    "calib [--rounds=200000 (iterations)] [--reps=5]";

/* Keeps the compiler from dropping the measured calls' results. */
static volatile long calib__sink;

static uint64_t calib__syscall(long iters) {
  uint64_t t0 = bench_now_ns();
  long i;
  for (i = 0; i < iters; i++)
    calib__sink += syscall(SYS_getppid);
  return bench_now_ns() - t0;
}

static uint64_t calib__clock(long iters) {
  struct timespec ts;
  uint64_t t0 = bench_now_ns();
  long i;
  for (i = 0; i < iters; i++) {
    clock_gettime(CLOCK_MONOTONIC, &ts);
    calib__sink += ts.tv_nsec;
  }
  return bench_now_ns() - t0;
}

static uint64_t calib__sockpair(long iters, const int sv[2]) {
  uint64_t t0 = bench_now_ns();
  char c = 'x';
  long i;
  for (i = 0; i < iters; i++)
    if (write(sv[1], &c, 1) != 1 || read(sv[0], &c, 1) != 1)
      bench_die("socketpair write/read", errno);
  return bench_now_ns() - t0;
}

int main(int argc, char **argv) {
  bench_opts_t o;
  double sys[64], clk[64], rw[64];
  long rep;
  int sv[2];
  memset(&o, 0, sizeof o);
  o.impl = "none";
  o.rounds = 200000;
  o.reps = 5;
  bench_parse(&o, argc, argv, calib__usage);
  if (o.rounds < 1 || o.reps > 64)
    bench_die("need rounds >= 1, reps <= 64", 0);
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    bench_die("socketpair", errno);
  bench_pin("PEERS_CPU", 1);
  /* Repetition 0 is the untimed warm-up. */
  for (rep = 0; rep <= o.reps; rep++) {
    double s = (double)calib__syscall(o.rounds) / (double)o.rounds;
    double c = (double)calib__clock(o.rounds) / (double)o.rounds;
    double r = (double)calib__sockpair(o.rounds, sv) / (double)o.rounds;
    if (rep > 0) {
      sys[rep - 1] = s;
      clk[rep - 1] = c;
      rw[rep - 1] = r;
    }
  }
  close(sv[0]);
  close(sv[1]);
  bench_result_begin(&o, "calib", "none");
  bench_result_param("iters", "%ld", o.rounds);
  bench_result_param("reps", "%ld", o.reps);
  bench_result_metric("getppid_ns", sys, (int)o.reps);
  bench_result_metric("clock_ns", clk, (int)o.reps);
  bench_result_metric("sockpair_rw_ns", rw, (int)o.reps);
  bench_result_end();
  return 0;
}
