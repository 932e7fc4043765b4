/* SPDX-License-Identifier: MIT */
/* Helpers shared by the benchmark programs; see bench.h. */
#include "bench.h"
#include "loops.h"
#ifdef BENCH_PEER_LIBS
#include "peers.h"
#endif

#include <xsock.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#endif
#ifdef __linux__
#include <sched.h>
#endif

static void bench__usage(const char *arg, const char *usage) {
  fprintf(stderr, "bad argument: %s\nusage: %s\n", arg, usage);
  exit(2);
}

/* Reads the number after "--name=" into *out; 1 when arg is that flag. */
static int bench__num(const char *arg, const char *name, long *out,
                      const char *usage) {
  size_t len = strlen(name);
  char *end;
  long v;
  if (strncmp(arg, name, len) != 0 || arg[len] != '=')
    return 0;
  errno = 0;
  v = strtol(arg + len + 1, &end, 10);
  if (errno != 0 || end == arg + len + 1 || *end != '\0' || v < 0)
    bench__usage(arg, usage);
  *out = v;
  return 1;
}

/* 1 when arg is "--name=" followed by one of the two words; *out is 1 for
 * the second word. */
static int bench__word(const char *arg, const char *name, const char *w0,
                       const char *w1, int *out, const char *usage) {
  size_t len = strlen(name);
  if (strncmp(arg, name, len) != 0 || arg[len] != '=')
    return 0;
  if (strcmp(arg + len + 1, w0) == 0)
    *out = 0;
  else if (strcmp(arg + len + 1, w1) == 0)
    *out = 1;
  else
    bench__usage(arg, usage);
  return 1;
}

void bench_parse(bench_opts_t *o, int argc, char **argv, const char *usage) {
  const char *env = getenv("BENCH_CALLGRIND");
  long seed;
  int i;
  if (env != NULL && strcmp(env, "1") == 0)
    o->callgrind = 1;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--impl=", 7) == 0) {
      o->impl = a + 7;
    } else if (strcmp(a, "--timeout=-1") == 0) {
      o->timeout = -1; /* the one negative number a flag takes */
    } else if (bench__num(a, "--n", &o->n, usage) ||
               bench__num(a, "--active", &o->active, usage) ||
               bench__num(a, "--rounds", &o->rounds, usage) ||
               bench__num(a, "--reps", &o->reps, usage) ||
               bench__num(a, "--warmup", &o->warmup, usage) ||
               bench__num(a, "--dump-targets", &o->dump_targets, usage) ||
               bench__num(a, "--conns", &o->conns, usage) ||
               bench__num(a, "--k", &o->k, usage) ||
               bench__num(a, "--timeout", &o->timeout, usage) ||
               bench__word(a, "--mode", "persist", "rearm", &o->rearm, usage) ||
               bench__word(a, "--topo", "1proc", "2proc", &o->two_proc,
                           usage) ||
               bench__word(a, "--active-pos", "last", "first", &o->active_first,
                           usage)) {
      continue;
    } else if (bench__num(a, "--seed", &seed, usage)) {
      o->seed = (uint64_t)seed;
    } else if (strcmp(a, "--callgrind") == 0) {
      o->callgrind = 1;
    } else if (strcmp(a, "--list-impls") == 0) {
      loop_list_impls();
      exit(0);
    } else {
      bench__usage(a, usage);
    }
  }
  if (o->reps < 1)
    bench__usage("--reps must be at least 1", usage);
}

#ifdef _WIN32
/* QueryPerformanceCounter: Windows' monotonic clock. The frequency is
 * fixed at boot; whole seconds and the remainder are converted apart so
 * that the product cannot overflow. */
uint64_t bench_now_ns(void) {
  LARGE_INTEGER c, f;
  uint64_t t, hz;
  QueryPerformanceCounter(&c);
  QueryPerformanceFrequency(&f);
  t = (uint64_t)c.QuadPart;
  hz = (uint64_t)f.QuadPart;
  return t / hz * 1000000000u + t % hz * 1000000000u / hz;
}
#else
uint64_t bench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#endif

static int bench__cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

bench_stat_t bench_stat(const double *v, int n) {
  double s[64];
  bench_stat_t r;
  int m = n < 64 ? n : 64;
  memcpy(s, v, (size_t)m * sizeof *s);
  qsort(s, (size_t)m, sizeof *s, bench__cmp);
  r.min = s[0];
  r.max = s[m - 1];
  /* An even count (never with the SPEC's 5 repetitions) takes the mean of
   * the two middle values. */
  r.med = (m % 2) ? s[m / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
  return r;
}

uint64_t bench_splitmix64(uint64_t *state) {
  uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

void bench_pin(const char *env, int def_cpu) {
  const char *v = getenv(env);
  int cpu = def_cpu;
  if (v != NULL && *v != '\0')
    cpu = atoi(v);
  if (cpu < 0)
    return;
#ifdef __linux__
  {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
      fprintf(stderr, "note: cannot pin to CPU %d (%s); running unpinned\n",
              cpu, strerror(errno));
  }
#elif defined(_WIN32)
  if (cpu >= (int)(sizeof(DWORD_PTR) * 8) ||
      SetProcessAffinityMask(GetCurrentProcess(), (DWORD_PTR)1 << cpu) == 0)
    fprintf(stderr, "note: cannot pin to CPU %d; running unpinned\n", cpu);
#else
  fprintf(stderr, "note: CPU pinning is implemented for Linux and Windows "
                  "only\n");
#endif
}

#ifdef _WIN32
/* Windows has no per-process limit on sockets to raise. */
void bench_need_fds(long need) { (void)need; }
#else
void bench_need_fds(long need) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    bench_die("getrlimit", errno);
  if (rl.rlim_cur != RLIM_INFINITY && (rlim_t)need <= rl.rlim_cur)
    return;
  if (rl.rlim_cur == RLIM_INFINITY)
    return;
  if (rl.rlim_max != RLIM_INFINITY && (rlim_t)need > rl.rlim_max) {
    fprintf(stderr, "need %ld fds, hard limit is %llu\n", need,
            (unsigned long long)rl.rlim_max);
    exit(1);
  }
  rl.rlim_cur = (rlim_t)need;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
    bench_die("setrlimit(RLIMIT_NOFILE)", errno);
}
#endif

void bench_die(const char *msg, int err) {
  if (err != 0)
    fprintf(stderr, "bench: %s: %s\n", msg, strerror(err));
  else
    fprintf(stderr, "bench: %s\n", msg);
  exit(1);
}

#ifdef _WIN32
/* The raw baselines are Winsock's; under Wine, Wine's version names it. */
const char *bench_lib_name(const char *impl) {
  static char buf[64];
  typedef const char *(*wine_version_fn)(void);
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  wine_version_fn wine_version = NULL;
  if (strncmp(impl, "xsock-", 6) == 0) {
    snprintf(buf, sizeof buf, "xsock-%s", xsock_version());
    return buf;
  }
  if (ntdll != NULL)
    wine_version = (wine_version_fn)(void (*)(void))GetProcAddress(
        ntdll, "wine_get_version");
  if (wine_version != NULL)
    snprintf(buf, sizeof buf, "wine-%s", wine_version());
  else
    snprintf(buf, sizeof buf, "windows");
  return buf;
}
#else
const char *bench_lib_name(const char *impl) {
  static char buf[sizeof(struct utsname)];
  struct utsname u;
  size_t i;
#ifdef BENCH_PEER_LIBS
  /* A peer library's binary (peers.h) names the library it measured. */
  if (loop_peer_lib_name(impl) != NULL)
    return loop_peer_lib_name(impl);
#endif
  if (strncmp(impl, "xsock-", 6) == 0) {
    snprintf(buf, sizeof buf, "xsock-%s", xsock_version());
    return buf;
  }
  if (uname(&u) != 0)
    return "raw";
  snprintf(buf, sizeof buf, "%s-%s", u.sysname, u.release);
  for (i = 0; buf[i] != '\0'; i++) {
    buf[i] = (char)tolower((unsigned char)buf[i]);
    if (buf[i] == ' ' || buf[i] == '=')
      buf[i] = '_';
  }
  return buf;
}
#endif

static char bench__line[2048];
static size_t bench__len;

static void bench__append(const char *fmt, ...) BENCH_PRINTF(1, 2);
static void bench__append(const char *fmt, ...) {
  va_list ap;
  int w;
  if (bench__len >= sizeof bench__line)
    return;
  va_start(ap, fmt);
  w = vsnprintf(bench__line + bench__len, sizeof bench__line - bench__len, fmt,
                ap);
  va_end(ap);
  if (w > 0)
    bench__len += (size_t)w;
}

void bench_result_begin(const bench_opts_t *o, const char *workload,
                        const char *impl) {
  bench__len = 0;
  bench__append("%sRESULT workload=%s impl=%s lib=%s",
                o->callgrind ? "CALLGRIND " : "", workload, impl,
                bench_lib_name(impl));
}

void bench_result_param(const char *name, const char *fmt, ...) {
  va_list ap;
  int w;
  bench__append(" %s=", name);
  if (bench__len >= sizeof bench__line)
    return;
  va_start(ap, fmt);
  w = vsnprintf(bench__line + bench__len, sizeof bench__line - bench__len, fmt,
                ap);
  va_end(ap);
  if (w > 0)
    bench__len += (size_t)w;
}

void bench_result_metric(const char *name, const double *v, int n) {
  bench_stat_t s = bench_stat(v, n);
  bench__append(" %s=%.2f %s_min=%.2f %s_max=%.2f", name, s.med, name, s.min,
                name, s.max);
}

void bench_result_end(void) {
  bench__append("\n");
  fputs(bench__line, stdout);
  fflush(stdout);
}
