/* SPDX-License-Identifier: MIT */
/* Helpers shared by the benchmark programs (bench/SPEC.md, section
 * 0): command-line flags, the monotonic clock, median/min/max of the
 * repetitions, splitmix64, CPU pinning, the fd limit, the RESULT line and
 * the callgrind brackets. Benchmarks may print and exit: bench_die() ends
 * the run on any check that fails, since a wrong count makes the timing
 * meaningless. */
#ifndef XSOCK_BENCH_H
#define XSOCK_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* Callgrind's client requests when the header exists; otherwise no-ops, so
 * that the programs build everywhere and run natively the same way. */
#ifdef BENCH_HAVE_CALLGRIND_H
#include <valgrind/callgrind.h>
#define BENCH_CG_TOGGLE() CALLGRIND_TOGGLE_COLLECT
#define BENCH_CG_DUMP(what) CALLGRIND_DUMP_STATS_AT(what)
#else
#define BENCH_CG_TOGGLE() ((void)0)
#define BENCH_CG_DUMP(what) ((void)(what))
#endif

/* Every flag the SPEC names (a program uses the ones of its workload), plus
 * --warmup, --k (W3's fixed iteration count for callgrind) and --callgrind.
 * --timeout=MS (W4; MS > 0, or -1 for W4's baseline: the same waits with
 * timeout -1) is left as the program set it when not given. */
typedef struct bench_opts {
  const char *impl;
  long n, active, rounds, reps, warmup, dump_targets, conns, k, timeout;
  uint64_t seed;
  int rearm;        /* --mode=rearm (else persist) */
  int two_proc;     /* --topo=2proc (else 1proc) */
  int active_first; /* --active-pos=first (else last) */
  int callgrind;    /* --callgrind or BENCH_CALLGRIND=1 in the environment */
} bench_opts_t;

/* Parses argv into o (which holds the program's defaults). Exits with a
 * usage message on an unknown flag or a bad number, and after printing
 * the program's impls (loop_list_impls) on --list-impls. */
void bench_parse(bench_opts_t *o, int argc, char **argv, const char *usage);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);

/* Median, minimum and maximum of v[0..n-1] (n >= 1); v is not changed. */
typedef struct bench_stat {
  double med, min, max;
} bench_stat_t;
bench_stat_t bench_stat(const double *v, int n);

/* The SPEC's splitmix64 step. */
uint64_t bench_splitmix64(uint64_t *state);

/* Pins the process to the CPU named by environment variable env, or to
 * def_cpu when it is unset; -1 (either way) leaves it unpinned. A pin that
 * fails is reported on stderr and the run goes on. */
void bench_pin(const char *env, int def_cpu);

/* Raises the soft RLIMIT_NOFILE to at least need (never above the hard
 * limit); exits if the hard limit is too low. */
void bench_need_fds(long need);

/* Prints msg (and errno's text when err != 0) on stderr and exits 1. */
void bench_die(const char *msg, int err);

/* The RESULT line: begin, any number of params and metrics, end. The line
 * is built in memory and written with one call, so that it is exactly one
 * line on stdout even with a forked child. */
void bench_result_begin(const bench_opts_t *o, const char *workload,
                        const char *impl);
#if defined(__GNUC__)
#define BENCH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define BENCH_PRINTF(f, a)
#endif
void bench_result_param(const char *name, const char *fmt, ...)
    BENCH_PRINTF(2, 3);
void bench_result_metric(const char *name, const double *v, int n);
void bench_result_end(void);

/* "xsock-<version>" for xsock's impls, "<os>-<release>" (the kernel) for
 * the raw system-call baselines, and "<library>-<version>" for the peer
 * libraries (peers.h). */
const char *bench_lib_name(const char *impl);

#endif /* XSOCK_BENCH_H */
