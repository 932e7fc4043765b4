/* SPDX-License-Identifier: MIT */
/* S1 scale (bench/SPEC.md, "S1 scale"): N concurrent TCP connections over
 * loopback, each echoing checked messages through xsock's selector on one
 * backend. It answers three questions that the other workloads, which stop
 * at 1,000 connections, do not: does every byte still arrive intact at
 * 10,000 connections (the error count must be 0), what does a connection
 * cost in memory (the selector's own heap bytes, counted, and the
 * process's resident set), and how does the time per event grow from
 * 1,000 to 10,000 connections.
 *
 * Every socket call goes through xsock (not the raw OS calls of W2): this
 * is a test of the library at scale as much as a timing, and the same
 * code then runs on POSIX and, under Wine, on Windows.
 *
 * Topologies: 2proc (POSIX only, the default there) forks an echo server,
 * so each process holds N connected descriptors, which fits a hard
 * RLIMIT_NOFILE of 20,000 at N = 10,000; 1proc (the only one on Windows,
 * where sockets are not inherited) holds both ends in one selector. */
#include "bench.h"

#include <xsock.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
/* psapi.h after windows.h: it uses its types. */
#include <psapi.h>
#else
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#endif

#define SCALE_MAX_MSG 128
#define SCALE_MAX_EVENTS 1024
#define SCALE_MAX_REPS 64
/* Only the first few errors are printed: at 10,000 connections one cause
 * can repeat thousands of times, and the count says the rest. */
#define SCALE_PRINT_ERRORS 10
#define SCALE_EXIT_NOT_RUN 3

/* ---- The selector's allocations ------------------------------------- */

/* With GNU ld's --wrap (bench/CMakeLists.txt; Linux and MinGW with a
 * static xsock) every malloc, calloc, realloc and free of this program
 * and of libxsock.a comes through the wrappers below. They count only
 * while scale_alloc_on is set, which the program sets around its selector
 * calls, so that the bytes are the selector's own and not the
 * benchmark's; and around the whole timed phase, where the count of
 * allocation calls must stay 0 (a steady-state wait allocates nothing).
 * The bytes are the blocks' usable sizes: what the allocator set aside,
 * without its headers. Memory that libkqueue allocates is in its own
 * shared library, out of the wrappers' reach: the resident set shows it. */
#ifdef SCALE_WRAP_ALLOC
#include <malloc.h>
#ifdef _WIN32
#define SCALE_USABLE(p) _msize(p)
#else
#define SCALE_USABLE(p) malloc_usable_size(p)
#endif
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static int scale_alloc_on;
static long scale_alloc_calls;
static long long scale_alloc_live;

void *__wrap_malloc(size_t n) {
  void *p = __real_malloc(n);
  if (scale_alloc_on) {
    scale_alloc_calls++;
    if (p != NULL)
      scale_alloc_live += (long long)SCALE_USABLE(p);
  }
  return p;
}

void *__wrap_calloc(size_t n, size_t size) {
  void *p = __real_calloc(n, size);
  if (scale_alloc_on) {
    scale_alloc_calls++;
    if (p != NULL)
      scale_alloc_live += (long long)SCALE_USABLE(p);
  }
  return p;
}

void *__wrap_realloc(void *p, size_t n) {
  /* The old block's size must be read before realloc may free it. */
  long long old = (p != NULL) ? (long long)SCALE_USABLE(p) : 0;
  void *q = __real_realloc(p, n);
  if (scale_alloc_on) {
    scale_alloc_calls++;
    if (q != NULL)
      scale_alloc_live += (long long)SCALE_USABLE(q) - old;
  }
  return q;
}

void __wrap_free(void *p) {
  if (scale_alloc_on && p != NULL)
    scale_alloc_live -= (long long)SCALE_USABLE(p);
  __real_free(p);
}
#define SCALE_COUNTED(stmt)                                                    \
  do {                                                                         \
    int was_ = scale_alloc_on;                                                 \
    scale_alloc_on = 1;                                                        \
    stmt;                                                                      \
    scale_alloc_on = was_;                                                     \
  } while (0)
/* Counting starts again from 0 (the steady state's count). */
#define SCALE_ALLOC_RESTART() (scale_alloc_calls = 0)
#else
static int scale_alloc_on;
static const long scale_alloc_calls = -1;
static const long long scale_alloc_live = -1;
/* Nothing is counted: the count stays -1, "not measured". */
#define SCALE_ALLOC_RESTART() ((void)0)
#define SCALE_COUNTED(stmt)                                                    \
  do {                                                                         \
    stmt;                                                                      \
  } while (0)
#endif

/* ---- Process memory and CPU time ------------------------------------- */

/* Resident bytes of this process, or -1 where not known. */
static long long scale_rss(void) {
#ifdef _WIN32
  PROCESS_MEMORY_COUNTERS pmc;
  if (!GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc))
    return -1;
  return (long long)pmc.WorkingSetSize;
#elif defined(__linux__)
  long pages_total = 0, pages_res = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  int ok = f != NULL && fscanf(f, "%ld %ld", &pages_total, &pages_res) == 2;
  if (f != NULL)
    fclose(f);
  return ok ? (long long)pages_res * sysconf(_SC_PAGESIZE) : -1;
#else
  return -1;
#endif
}

/* CPU time of this process (user + system) in nanoseconds. */
static uint64_t scale_cpu_ns(void) {
#ifdef _WIN32
  FILETIME c, e, k, u;
  ULARGE_INTEGER kk, uu;
  if (!GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u))
    return 0;
  kk.LowPart = k.dwLowDateTime;
  kk.HighPart = k.dwHighDateTime;
  uu.LowPart = u.dwLowDateTime;
  uu.HighPart = u.dwHighDateTime;
  return (kk.QuadPart + uu.QuadPart) * 100u; /* 100 ns units */
#else
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}

/* ---- State ----------------------------------------------------------- */

enum { ROLE_CLIENT = 0, ROLE_SERVER = 1 };

/* One end of a connection. One message is in flight on a connection at a
 * time, so pend (bytes a send did not take) never holds more than one. */
typedef struct conn {
  xsock_t s;
  uint32_t id;  /* the client's index; the server learns it from message 0 */
  uint32_t msg; /* messages completed: verified (client), echoed (server) */
  uint32_t pos; /* bytes of the current message received so far */
  uint16_t pend_off, pend_len;
  unsigned char role, open;
  unsigned char pend[SCALE_MAX_MSG];
} conn_t;

typedef struct scale {
  /* options */
  int backend;
  long conns, msgs, reps, msg_bytes, timeout_s;
  int two_proc;
  /* this process */
  int is_server; /* the forked echo server of 2proc */
  xsock_selector_t *sel;
  xsock_event_t evs[SCALE_MAX_EVENTS];
  xsock_t listener;
  conn_t *cli, *srv; /* N each; only the ones this process holds */
  long accepted, closed;
  uint32_t target;   /* messages per connection the client runs up to */
  uint32_t expected; /* messages per connection in the whole run */
  uint64_t done;     /* client messages verified */
  long active;       /* client ends that have not reached target yet */
  uint64_t events, waits;
  uint64_t checked; /* bytes verified against their expected value */
  long errors;
  uint64_t deadline;
  int stop; /* a fatal error (a full descriptor table): end the loops */
} scale_t;

static scale_t S;

static void scale_error(const char *what, long id, int code) {
  S.errors++;
  if (S.errors <= SCALE_PRINT_ERRORS)
    fprintf(stderr, "scale%s: error: %s (connection %ld, %s)\n",
            S.is_server ? " server" : "", what, id,
            code != 0 ? xsock_strerror(code) : "-");
  if (S.errors == SCALE_PRINT_ERRORS + 1)
    fprintf(stderr, "scale%s: more errors follow, counted only\n",
            S.is_server ? " server" : "");
}

/* Byte k of message msg on connection id: the connection's index and the
 * message's number in the first 8 bytes (little-endian), then a pattern of
 * all three. A byte delivered to the wrong connection, out of order, from
 * an earlier message or shifted by one differs from what is expected. */
static unsigned char scale_byte(uint32_t id, uint32_t msg, uint32_t k) {
  if (k < 4)
    return (unsigned char)(id >> (8 * k));
  if (k < 8)
    return (unsigned char)(msg >> (8 * (k - 4)));
  return (unsigned char)(id * 131u + msg * 31u + k * 7u + 1u);
}

/* ---- One connection -------------------------------------------------- */

static void scale_close(conn_t *c, int reset) {
  if (!c->open)
    return;
  SCALE_COUNTED(xsock_selector_remove(S.sel, c->s));
  /* A zero linger time ends the connection with a reset, so that runs
   * one after the other leave no socket in TIME_WAIT. */
  if (reset)
    xsock_set_option(c->s, XSOCK_OPT_LINGER, 0);
  xsock_close(c->s);
  c->open = 0;
  S.closed++;
  /* A client end lost before its last message: the phase must not wait
   * for it (the error is counted where it was lost). */
  if (c->role == ROLE_CLIENT && c->msg < S.target)
    S.active--;
}

static void scale_interest(conn_t *c, unsigned events) {
  int r;
  SCALE_COUNTED(r = xsock_selector_modify(S.sel, c->s, events, c));
  if (r != 0) {
    scale_error("selector modify", (long)c->id, r);
    scale_close(c, 1);
  }
}

/* Sends len bytes; what the socket does not take waits in pend, and the
 * registration asks for WRITE instead of READ until it has gone. */
static void scale_send(conn_t *c, const unsigned char *data, size_t len) {
  xsock_ssize_t n = xsock_send(c->s, data, len);
  if (n == (xsock_ssize_t)len)
    return;
  if (n == XSOCK_EAGAIN)
    n = 0;
  if (n < 0) {
    scale_error("send", (long)c->id, (int)n);
    scale_close(c, 1);
    return;
  }
  memcpy(c->pend, data + n, len - (size_t)n);
  c->pend_off = 0;
  c->pend_len = (uint16_t)(len - (size_t)n);
  scale_interest(c, XSOCK_WRITE);
}

static void scale_flush(conn_t *c) {
  xsock_ssize_t n =
      xsock_send(c->s, c->pend + c->pend_off, (size_t)c->pend_len);
  if (n == XSOCK_EAGAIN)
    return;
  if (n < 0) {
    scale_error("send", (long)c->id, (int)n);
    scale_close(c, 1);
    return;
  }
  c->pend_off = (uint16_t)(c->pend_off + n);
  c->pend_len = (uint16_t)(c->pend_len - n);
  if (c->pend_len == 0)
    scale_interest(c, XSOCK_READ);
}

/* The client's next message on c: message number c->msg. */
static void scale_client_send(conn_t *c) {
  unsigned char m[SCALE_MAX_MSG];
  uint32_t k;
  for (k = 0; k < (uint32_t)S.msg_bytes; k++)
    m[k] = scale_byte(c->id, c->msg, k);
  scale_send(c, m, (size_t)S.msg_bytes);
}

/* Checks n received bytes against the expected ones. Returns 0, or -1 on
 * a wrong byte (the connection is then closed). The server learns the
 * connection's index from the first 4 bytes of message 0, and checks
 * everything else (the client checks every byte). */
static int scale_check(conn_t *c, const unsigned char *b, long n) {
  long i;
  for (i = 0; i < n; i++) {
    if (c->role == ROLE_SERVER && c->msg == 0 && c->pos < 4)
      c->id |= (uint32_t)b[i] << (8 * c->pos);
    else if (b[i] != scale_byte(c->id, c->msg, c->pos)) {
      scale_error("wrong byte", (long)c->id, 0);
      scale_close(c, 1);
      return -1;
    }
    S.checked++;
    if (++c->pos == (uint32_t)S.msg_bytes) {
      c->pos = 0;
      c->msg++;
      if (c->role == ROLE_CLIENT)
        S.done++;
      if (c->msg > S.expected) {
        scale_error("more messages than the run sends", (long)c->id, 0);
        scale_close(c, 1);
        return -1;
      }
    }
  }
  return 0;
}

/* One read per READ event (level-triggered: what is left is reported
 * again), of at most what the current message still lacks: one message
 * is in flight, so more would be a protocol error. */
static void scale_read(conn_t *c) {
  unsigned char b[SCALE_MAX_MSG];
  uint32_t before = c->msg;
  xsock_ssize_t n = xsock_recv(c->s, b, (size_t)(S.msg_bytes - (long)c->pos));
  if (n == XSOCK_EAGAIN)
    return;
  if (n == 0 || n == XSOCK_ECONNRESET) {
    /* The client ends the run by resetting its connections: a server end
     * closed after the last message is the normal end, anything else is
     * an error. */
    if (c->role != ROLE_SERVER || c->msg != S.expected || c->pos != 0)
      scale_error(n == 0 ? "end of stream" : "reset", (long)c->id, (int)n);
    scale_close(c, 1);
    return;
  }
  if (n < 0) {
    scale_error("recv", (long)c->id, (int)n);
    scale_close(c, 1);
    return;
  }
  if (scale_check(c, b, (long)n) != 0)
    return;
  if (c->role == ROLE_SERVER)
    scale_send(c, b, (size_t)n);
  else if (c->msg != before) {
    if (c->msg < S.target)
      scale_client_send(c);
    else
      S.active--;
  }
}

/* Takes a connected socket into the selector as one end of connection i. */
static void scale_take(conn_t *c, xsock_t s, int role, uint32_t id) {
  int r;
  memset(c, 0, offsetof(conn_t, pend));
  c->s = s;
  c->role = (unsigned char)role;
  c->id = id;
  c->open = 1;
  if ((r = xsock_set_option(s, XSOCK_OPT_NODELAY, 1)) != 0 ||
      (r = xsock_set_nonblocking(s, 1)) != 0) {
    scale_error("TCP_NODELAY / non-blocking", (long)id, r);
    scale_close(c, 1);
    return;
  }
  SCALE_COUNTED(r = xsock_selector_add(S.sel, s, XSOCK_READ, c));
  if (r != 0) {
    scale_error("selector add", (long)id, r);
    xsock_close(s);
    c->open = 0;
    S.closed++;
    if (r == XSOCK_ENOMEM || r == XSOCK_EMFILE)
      S.stop = 1;
  }
}

/* The 2proc server's listener is readable: accept all that is pending. */
static void scale_accept_all(void) {
  for (;;) {
    xsock_t s;
    int r = xsock_accept(S.listener, &s, NULL, XSOCK_NONBLOCK);
    if (r == XSOCK_EAGAIN)
      return;
    if (r != 0) {
      /* Out of descriptors: the listener would stay readable and the loop
       * spin; the run has failed, so it ends. */
      scale_error("accept", S.accepted, r);
      S.stop = 1;
      return;
    }
    if (S.accepted >= S.conns) {
      scale_error("more connections than the run makes", S.accepted, 0);
      xsock_close(s);
      continue;
    }
    scale_take(&S.srv[S.accepted], s, ROLE_SERVER, 0);
    S.accepted++;
  }
}

/* ---- The loop -------------------------------------------------------- */

static int scale_expired(void) {
  if (bench_now_ns() < S.deadline)
    return 0;
  scale_error("the run's time limit passed", -1, 0);
  S.stop = 1;
  return 1;
}

/* One wait and its events. A one-second timeout lets the callers look at
 * the deadline even when nothing arrives. */
static void scale_step(void) {
  int i, n = xsock_selector_wait(S.sel, S.evs, SCALE_MAX_EVENTS, 1000);
  if (n < 0) {
    scale_error("selector wait", -1, n);
    S.stop = 1;
    return;
  }
  S.waits++;
  S.events += (uint64_t)n;
  for (i = 0; i < n; i++) {
    conn_t *c = (conn_t *)S.evs[i].udata;
    unsigned ev = S.evs[i].events;
    if (c == NULL) {
      scale_accept_all();
      continue;
    }
    if (!c->open)
      continue;
    if (c->pend_len != 0) {
      /* WRITE is the interest now; an error or hangup comes with it. */
      if (ev & (XSOCK_ERROR | XSOCK_HANGUP)) {
        scale_error("connection lost with a send pending", (long)c->id, 0);
        scale_close(c, 1);
      } else
        scale_flush(c);
    } else
      scale_read(c);
  }
}

/* One phase of the client: every open connection sends its next message
 * and goes on until it has completed target messages. */
static void scale_phase(uint32_t target) {
  long i;
  S.target = target;
  S.active = 0;
  for (i = 0; i < S.conns; i++)
    S.active += S.cli[i].open;
  for (i = 0; i < S.conns && !S.stop; i++)
    if (S.cli[i].open)
      scale_client_send(&S.cli[i]);
  while (!S.stop && S.active > 0 && !scale_expired())
    scale_step();
}

/* ---- Processes, limits ----------------------------------------------- */

/* Raises the soft descriptor limit to need, within the hard limit; says
 * so plainly, and exits with "not run", when the hard limit is lower. */
static void scale_fd_limit(long need) {
#ifdef _WIN32
  (void)need; /* no such limit on Windows (Wine's are its own) */
#else
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    bench_die("getrlimit", errno);
  if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= (rlim_t)need)
    return;
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < (rlim_t)need) {
    fprintf(stderr,
            "scale: not run: %ld connections in topology %s need %ld "
            "descriptors in one process, and the hard RLIMIT_NOFILE is "
            "%llu (ulimit -Hn); raise it, or use fewer connections%s\n",
            S.conns, S.two_proc ? "2proc" : "1proc", need,
            (unsigned long long)rl.rlim_max,
            S.two_proc ? "" : " or --topo=2proc");
    exit(SCALE_EXIT_NOT_RUN);
  }
  rl.rlim_cur = (rlim_t)need;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
    bench_die("setrlimit(RLIMIT_NOFILE)", errno);
#endif
}

/* The 2proc echo server: accepts the N connections, echoes until the
 * client has reset all of them, then tells the parent its figures on one
 * line through the pipe wfd. */
#ifndef _WIN32
static void scale_server(int wfd) {
  char line[256];
  long long rss0, rss1 = -1, lib_bytes = -1;
  long steady_allocs = -1, lib_allocs = -1, warm = 0;
  int r, len;
  S.is_server = 1;
  bench_pin("PEERS_SERVER_CPU", 0);
  rss0 = scale_rss();
  SCALE_COUNTED(r = xsock_selector_open(&S.sel, S.backend));
  if (r != 0)
    bench_die("server: selector open", 0);
  SCALE_COUNTED(r = xsock_selector_add(S.sel, S.listener, XSOCK_READ, NULL));
  if (r != 0)
    bench_die("server: selector add (listener)", 0);
  while (!S.stop && S.closed < S.conns && !scale_expired()) {
    scale_step();
    if (!warm && S.accepted == S.conns) {
      long i, all = 1;
      for (i = 0; i < S.conns && all; i++)
        all = S.srv[i].msg >= 1 || !S.srv[i].open;
      if (all) {
        /* Every connection has echoed its first message: the selector
         * holds all N and every socket has carried data. From here on the
         * allocation calls are counted (the steady state). */
        warm = 1;
        rss1 = scale_rss();
        lib_bytes = scale_alloc_live;
        lib_allocs = scale_alloc_calls;
        SCALE_ALLOC_RESTART();
        scale_alloc_on = 1;
      }
    }
  }
  if (warm) {
    scale_alloc_on = 0;
    steady_allocs = scale_alloc_calls;
  } else
    scale_error("the server never saw every connection's first message", -1, 0);
  if (S.accepted != S.conns)
    scale_error("connections accepted short of the run's", S.accepted, 0);
  len = snprintf(line, sizeof line, "%ld %llu %llu %lld %ld %lld %ld %llu\n",
                 S.errors, (unsigned long long)S.events,
                 (unsigned long long)S.waits, lib_bytes, lib_allocs,
                 (rss0 >= 0 && rss1 >= 0) ? rss1 - rss0 : -1, steady_allocs,
                 (unsigned long long)S.checked);
  if (write(wfd, line, (size_t)len) != len)
    _exit(1);
  _exit(S.errors == 0 ? 0 : 1);
}
#endif

/* ---- Main ------------------------------------------------------------ */

static const char *usage =
    "bench_scale --backend=NAME [--conns=N] [--msgs=K] [--reps=R] "
    "[--msg-bytes=M] [--topo=1proc|2proc] [--timeout=S] | --list-backends";

static long scale_num(const char *arg, const char *name, long lo, long hi) {
  char *end;
  long v = strtol(arg + strlen(name), &end, 10);
  if (end == arg + strlen(name) || *end != '\0' || v < lo || v > hi) {
    fprintf(stderr, "bad argument: %s\nusage: %s\n", arg, usage);
    exit(2);
  }
  return v;
}

static void scale_parse(int argc, char **argv) {
  int i, id;
  S.conns = 1000;
  S.msgs = 10;
  S.reps = 3;
  S.msg_bytes = 64;
  S.timeout_s = 120;
#ifndef _WIN32
  S.two_proc = 1;
#endif
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--backend=", 10) == 0) {
      for (id = 1; xsock_backend_name(id) != NULL; id++)
        if (strcmp(xsock_backend_name(id), a + 10) == 0)
          S.backend = id;
      if (S.backend == 0 || !(xsock_selector_supported() & (1u << S.backend)))
        S.backend = -1;
    } else if (strncmp(a, "--conns=", 8) == 0)
      S.conns = scale_num(a, "--conns=", 1, 1000000);
    else if (strncmp(a, "--msgs=", 7) == 0)
      S.msgs = scale_num(a, "--msgs=", 1, 100000);
    else if (strncmp(a, "--reps=", 7) == 0)
      S.reps = scale_num(a, "--reps=", 0, SCALE_MAX_REPS);
    else if (strncmp(a, "--msg-bytes=", 12) == 0)
      S.msg_bytes = scale_num(a, "--msg-bytes=", 8, SCALE_MAX_MSG);
    else if (strncmp(a, "--timeout=", 10) == 0)
      S.timeout_s = scale_num(a, "--timeout=", 1, 3600);
    else if (strcmp(a, "--topo=1proc") == 0)
      S.two_proc = 0;
    else if (strcmp(a, "--topo=2proc") == 0) {
#ifdef _WIN32
      fprintf(stderr, "--topo=2proc: POSIX only (a fork)\n");
      exit(2);
#else
      S.two_proc = 1;
#endif
    } else if (strcmp(a, "--list-backends") == 0) {
      for (id = 1; xsock_backend_name(id) != NULL; id++)
        if (xsock_selector_supported() & (1u << id))
          printf("%s\n", xsock_backend_name(id));
      exit(0);
    } else {
      fprintf(stderr, "bad argument: %s\nusage: %s\n", a, usage);
      exit(2);
    }
  }
  if (S.backend <= 0) {
    fprintf(stderr, "--backend: missing, or not compiled in\nusage: %s\n",
            usage);
    exit(2);
  }
}

int main(int argc, char **argv) {
  static const bench_opts_t no_opts;
  double ns_ev[SCALE_MAX_REPS], ns_msg[SCALE_MAX_REPS], cpu_ev[SCALE_MAX_REPS],
      ev_wait[SCALE_MAX_REPS];
  char impl[32];
  xsock_addr_t sa;
  long i, rep, srv_errors = 0;
  long long rss0, rss1, lib_bytes, srv_lib_bytes = -1, srv_rss = -1;
  long lib_allocs, steady_allocs, srv_lib_allocs = -1, srv_steady = -1;
  unsigned long long srv_events = 0, srv_waits = 0, srv_checked = 0;
  uint64_t t0, t1, connect_ns, expect_bytes;
  int r;
#ifndef _WIN32
  int pfd[2] = {-1, -1};
  pid_t child = -1;
#endif

  if (xsock_init() != 0)
    bench_die("xsock_init", 0);
  scale_parse(argc, argv);
  snprintf(impl, sizeof impl, "xsock-%s", xsock_backend_name(S.backend));
  /* Per process: N connected sockets (2N in 1proc), the listener, the
   * selector's own handles, stdio, and some slack. */
  scale_fd_limit((S.two_proc ? S.conns : 2 * S.conns) + 64);
  S.deadline = bench_now_ns() + (uint64_t)S.timeout_s * 1000000000u;
  S.expected = (uint32_t)(1 + S.msgs * S.reps);
  S.cli = (conn_t *)calloc((size_t)S.conns, sizeof(conn_t));
  S.srv = (conn_t *)calloc((size_t)S.conns, sizeof(conn_t));
  if (S.cli == NULL || S.srv == NULL)
    bench_die("out of memory", 0);

  if (xsock_socket(&S.listener, XSOCK_AF_INET, XSOCK_STREAM, 0) != 0 ||
      xsock_addr_loopback(&sa, XSOCK_AF_INET, 0) != 0 ||
      xsock_bind(S.listener, &sa) != 0 ||
      xsock_listen(S.listener, 0) != 0 || /* 0: the OS maximum */
      xsock_getsockname(S.listener, &sa) != 0)
    bench_die("listening socket", 0);

#ifndef _WIN32
  if (S.two_proc) {
    /* A backstop beside the deadline: neither process outlives the run
     * by much, even if a wait never returns. */
    alarm((unsigned)S.timeout_s + 30);
    if (xsock_set_nonblocking(S.listener, 1) != 0 || pipe(pfd) != 0)
      bench_die("pipe / non-blocking listener", errno);
    fflush(stdout);
    child = fork();
    if (child < 0)
      bench_die("fork", errno);
    if (child == 0) {
      close(pfd[0]);
      scale_server(pfd[1]);
    }
    close(pfd[1]);
    xsock_close(S.listener);
    S.listener = XSOCK_INVALID;
    bench_pin("PEERS_CPU", 1);
  } else
#endif
    bench_pin("PEERS_CPU", 1);

  rss0 = scale_rss();
  SCALE_COUNTED(r = xsock_selector_open(&S.sel, S.backend));
  if (r != 0)
    bench_die("selector open", 0);

  /* Connect (blocking, untimed by the per-event figures): in 1proc each
   * connection is accepted at once, in 2proc the server accepts them in
   * its own loop. */
  t0 = bench_now_ns();
  for (i = 0; i < S.conns && !S.stop; i++) {
    xsock_t s, a;
    if ((r = xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0)) != 0 ||
        (r = xsock_connect(s, &sa)) != 0) {
      if (s != XSOCK_INVALID)
        xsock_close(s);
      scale_error("socket / connect", i, r);
      S.stop = 1;
      break;
    }
    if (!S.two_proc) {
      if ((r = xsock_accept(S.listener, &a, NULL, 0)) != 0) {
        scale_error("accept", i, r);
        xsock_close(s);
        S.stop = 1;
        break;
      }
      scale_take(&S.srv[i], a, ROLE_SERVER, 0);
    }
    scale_take(&S.cli[i], s, ROLE_CLIENT, (uint32_t)i);
    if (i % 256 == 0 && scale_expired())
      break;
  }
  connect_ns = bench_now_ns() - t0;

  /* Warm-up: one message on every connection, untimed, so that every
   * socket has carried data before memory is read. */
  if (!S.stop)
    scale_phase(1);
  rss1 = scale_rss();
  lib_bytes = scale_alloc_live;
  lib_allocs = scale_alloc_calls;

  /* The timed repetitions: K more messages on every connection, all of
   * them in flight at once (one per connection). --reps=0 leaves only the
   * warm-up message: a check that N connections work, with no timing
   * (under Wine, where a round at 10,000 takes minutes). */
  SCALE_ALLOC_RESTART();
  scale_alloc_on = 1;
  for (rep = 0; rep < S.reps && !S.stop; rep++) {
    uint64_t ev0 = S.events, w0 = S.waits, c0 = scale_cpu_ns(), c1;
    t0 = bench_now_ns();
    scale_phase((uint32_t)(1 + S.msgs * (rep + 1)));
    t1 = bench_now_ns();
    c1 = scale_cpu_ns();
    ns_ev[rep] =
        (double)(t1 - t0) / (double)(S.events - ev0 + !(S.events - ev0));
    ns_msg[rep] = (double)(t1 - t0) / ((double)S.conns * (double)S.msgs);
    cpu_ev[rep] =
        (double)(c1 - c0) / (double)(S.events - ev0 + !(S.events - ev0));
    ev_wait[rep] =
        (double)(S.events - ev0) / (double)(S.waits - w0 + !(S.waits - w0));
  }
  scale_alloc_on = 0;
  steady_allocs = scale_alloc_calls;
  if (rep < S.reps)
    S.reps = rep; /* for the RESULT line: only the repetitions that ran */

  /* The end: reset every connection (the server takes that as the end of
   * a connection that carried all its messages). */
  for (i = 0; i < S.conns; i++) {
    scale_close(&S.cli[i], 1);
    scale_close(&S.srv[i], 1);
  }
  xsock_selector_close(S.sel);
  if (S.listener != XSOCK_INVALID)
    xsock_close(S.listener);

#ifndef _WIN32
  if (S.two_proc) {
    char line[256];
    ssize_t n = 0, got;
    int status = 0;
    /* A client that stopped early may leave the server waiting for
     * connections that never come: end it (it is this run's child). */
    if (S.stop)
      kill(child, SIGTERM);
    while ((got = read(pfd[0], line + n, sizeof line - 1 - (size_t)n)) > 0)
      n += got;
    line[n > 0 ? n : 0] = '\0';
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
      scale_error("the echo server did not exit", -1, 0);
    if (sscanf(line, "%ld %llu %llu %lld %ld %lld %ld %llu", &srv_errors,
               &srv_events, &srv_waits, &srv_lib_bytes, &srv_lib_allocs,
               &srv_rss, &srv_steady, &srv_checked) != 8) {
      scale_error("no figures from the echo server", -1, 0);
      srv_errors = 0;
    }
  }
#endif

  /* Every byte the run sends is checked once by the client (and, in
   * 2proc, once by the server): a shortfall is an error as well. */
  expect_bytes = (uint64_t)S.conns * S.expected * (uint64_t)S.msg_bytes;
  if (!S.stop && S.checked != (S.two_proc ? 1 : 2) * expect_bytes)
    scale_error("bytes checked differ from the bytes sent", -1, 0);
  if (S.two_proc && srv_checked != expect_bytes)
    scale_error("the server checked other than the bytes sent", -1, 0);

  bench_result_begin(&no_opts, "scale", impl);
  bench_result_param("backend", "%s", xsock_backend_name(S.backend));
  bench_result_param("topo", "%s", S.two_proc ? "2proc" : "1proc");
  bench_result_param("conns", "%ld", S.conns);
  bench_result_param("msgs", "%ld", S.msgs);
  bench_result_param("msg_bytes", "%ld", S.msg_bytes);
  bench_result_param("reps", "%ld", S.reps);
  if (S.reps > 0) {
    bench_result_metric("ns_per_event", ns_ev, (int)S.reps);
    bench_result_metric("ns_per_msg", ns_msg, (int)S.reps);
    bench_result_metric("cpu_ns_per_event", cpu_ev, (int)S.reps);
    bench_result_metric("events_per_wait", ev_wait, (int)S.reps);
  }
  bench_result_param("connect_ns_per_conn", "%.0f",
                     (double)connect_ns / (double)S.conns);
  /* Bytes per connection: a connection is two registered sockets, one in
   * each process in 2proc (the server's selector adds its listener). */
  bench_result_param(
      "lib_bytes_per_conn", "%.1f",
      lib_bytes < 0 ? -1.0
                    : (double)(lib_bytes + (S.two_proc ? srv_lib_bytes : 0)) /
                          (double)S.conns);
  bench_result_param(
      "lib_allocs", "%ld",
      lib_allocs < 0 ? -1 : lib_allocs + (S.two_proc ? srv_lib_allocs : 0));
  bench_result_param(
      "steady_allocs", "%ld",
      steady_allocs < 0 ? -1 : steady_allocs + (S.two_proc ? srv_steady : 0));
  bench_result_param("rss_bytes_per_conn", "%.1f",
                     (rss0 < 0 || rss1 < 0 || (S.two_proc && srv_rss < 0))
                         ? -1.0
                         : (double)(rss1 - rss0 + (S.two_proc ? srv_rss : 0)) /
                               (double)S.conns);
  bench_result_param("app_bytes_per_conn", "%u",
                     (unsigned)(2 * sizeof(conn_t)));
  bench_result_param("bytes_checked", "%llu",
                     (unsigned long long)(S.checked + srv_checked));
  bench_result_param("events", "%llu",
                     (unsigned long long)(S.events + srv_events));
  bench_result_param("errors", "%ld", S.errors + srv_errors);
  bench_result_end();
  (void)srv_waits;
  xsock_cleanup();
  return S.errors + srv_errors == 0 ? 0 : 1;
}
