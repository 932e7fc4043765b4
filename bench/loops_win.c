/* SPDX-License-Identifier: MIT */
/* The loop implementations of loops.h on Windows (loops.c is the POSIX
 * twin): raw `wsapoll` and raw `select`, written the plain way SPEC 0.2
 * asks of the raw baselines, raw `afd` (AFD poll requests and a
 * completion port, loops_afd.c: the baseline of xsock's afd backend), and
 * xsock's selector on each compiled-in backend. run-wine.sh uses only the
 * non-one-shot mode, but loop_rearm works for every impl all the same. */
/* Winsock's select takes a count and an array; FD_SETSIZE, defined before
 * anything can include winsock2.h, sets the array's length. */
#define FD_SETSIZE 4096
#include <winsock2.h>

#include "loops.h"
#include "loops_afd.h"
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOOP_MAXEVENTS 1024

/* LOOP_IOCP is W5's other raw baseline (impl `iocp`): a completion port
 * woken by PostQueuedCompletionStatus, the cheapest cross-thread wakeup
 * Windows has. It watches no socket, so only wakeup.c uses it, and it is
 * not among the impls that loop_list_impls() prints for every program. */
enum { LOOP_WSAPOLL, LOOP_SELECT, LOOP_XSOCK, LOOP_IOCP, LOOP_AFD };

struct loop {
  int kind, oneshot;
  loop_handler_fn fn;
  void *ctx;
  /* wsapoll and select: registrations in order */
  WSAPOLLFD *pfds;
  uintptr_t *udata;
  int nregs, cap;
  fd_set master;
  /* xsock */
  xsock_selector_t *sel;
  xsock_event_t xevs[LOOP_MAXEVENTS];
  /* W4: the timeout of loop_iter_timed's waits */
  int timeout;
  /* W5: the raw impls' wake channel, a connected loopback pair (Windows
   * has no eventfd and WSAPoll watches only sockets); INVALID_SOCKET
   * when there is none */
  xsock_t wake[2];
  HANDLE port;     /* LOOP_IOCP */
  afd_loop_t *afd; /* LOOP_AFD */
};

/* The user data of the wake channel's registration (W5). */
#define LOOP_WAKE_UD UINTPTR_MAX

static int loop__xsock_backend(const char *impl) {
  int id;
  if (strncmp(impl, "xsock-", 6) != 0)
    return -1;
  for (id = 1; xsock_backend_name(id) != NULL; id++)
    if ((xsock_selector_supported() & (1u << id)) &&
        strcmp(impl + 6, xsock_backend_name(id)) == 0)
      return id;
  return -1;
}

void loop_list_impls(void) {
  int id;
  puts("wsapoll");
  puts("select");
  puts("afd");
  for (id = 1; xsock_backend_name(id) != NULL; id++)
    if (xsock_selector_supported() & (1u << id))
      printf("xsock-%s\n", xsock_backend_name(id));
}

int loop_impl_known(const char *impl) {
  return strcmp(impl, "wsapoll") == 0 || strcmp(impl, "select") == 0 ||
         strcmp(impl, "iocp") == 0 || strcmp(impl, "afd") == 0 ||
         loop__xsock_backend(impl) > 0;
}

loop_t *loop_open(const char *impl, int oneshot, loop_handler_fn fn,
                  void *ctx) {
  loop_t *l = (loop_t *)calloc(1, sizeof *l);
  int rc;
  if (l == NULL)
    bench_die("out of memory", 0);
  l->oneshot = oneshot;
  l->fn = fn;
  l->ctx = ctx;
  l->timeout = -1;
  l->wake[0] = l->wake[1] = XSOCK_INVALID;
  FD_ZERO(&l->master);
  if (strcmp(impl, "wsapoll") == 0) {
    l->kind = LOOP_WSAPOLL;
  } else if (strcmp(impl, "select") == 0) {
    l->kind = LOOP_SELECT;
  } else if (strcmp(impl, "afd") == 0) {
    l->kind = LOOP_AFD;
    l->afd = afd_loop_open(oneshot, fn, ctx);
  } else if (strcmp(impl, "iocp") == 0) {
    l->kind = LOOP_IOCP;
    l->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    if (l->port == NULL)
      bench_die("CreateIoCompletionPort", 0);
  } else if (loop__xsock_backend(impl) > 0) {
    l->kind = LOOP_XSOCK;
    rc = xsock_selector_open(&l->sel, loop__xsock_backend(impl));
    if (rc < 0)
      bench_die(xsock_strerror(rc), 0);
  } else {
    fprintf(stderr, "unknown impl %s; this build has:\n", impl);
    loop_list_impls();
    exit(2);
  }
  return l;
}

/* The index of s among the registrations (teardown and re-arm only, so a
 * scan is fine). */
static int loop__find(const loop_t *l, xsock_t s) {
  int i;
  for (i = 0; i < l->nregs; i++)
    if (l->pfds[i].fd == (SOCKET)s)
      return i;
  bench_die("not registered", 0);
  return -1;
}

int loop_add(loop_t *l, xsock_t s, uintptr_t udata) {
  int rc;
  if (l->kind == LOOP_IOCP)
    bench_die("impl iocp watches no socket: it runs W5 (wakeup) only", 0);
  if (l->kind == LOOP_AFD)
    return afd_loop_add(l->afd, (SOCKET)s, udata);
  if (l->kind == LOOP_XSOCK) {
    rc = xsock_selector_add(l->sel, s,
                            XSOCK_READ | (l->oneshot ? XSOCK_ONESHOT : 0u),
                            (void *)udata);
    if (rc == XSOCK_ERANGE)
      return -1;
    if (rc < 0)
      bench_die(xsock_strerror(rc), 0);
    return 0;
  }
  if (l->kind == LOOP_SELECT && l->nregs >= FD_SETSIZE)
    return -1;
  if (l->nregs == l->cap) {
    int cap = l->cap ? l->cap * 2 : 256;
    l->pfds = (WSAPOLLFD *)realloc(l->pfds, (size_t)cap * sizeof *l->pfds);
    l->udata = (uintptr_t *)realloc(l->udata, (size_t)cap * sizeof *l->udata);
    if (l->pfds == NULL || l->udata == NULL)
      bench_die("out of memory", 0);
    l->cap = cap;
  }
  l->pfds[l->nregs].fd = (SOCKET)s;
  l->pfds[l->nregs].events = POLLRDNORM;
  l->pfds[l->nregs].revents = 0;
  l->udata[l->nregs] = udata;
  l->nregs++;
  if (l->kind == LOOP_SELECT)
    FD_SET((SOCKET)s, &l->master);
  return 0;
}

void loop_del(loop_t *l, xsock_t s) {
  int i, rc;
  if (l->kind == LOOP_AFD) {
    afd_loop_del(l->afd, (SOCKET)s);
    return;
  }
  if (l->kind == LOOP_XSOCK) {
    if ((rc = xsock_selector_remove(l->sel, s)) < 0)
      bench_die(xsock_strerror(rc), 0);
    return;
  }
  /* The entry leaves the array (WSAPoll reports POLLNVAL for an
   * INVALID_SOCKET entry instead of skipping it); the last one fills the
   * hole. */
  i = loop__find(l, s);
  if (l->kind == LOOP_SELECT)
    FD_CLR((SOCKET)s, &l->master);
  l->nregs--;
  l->pfds[i] = l->pfds[l->nregs];
  l->udata[i] = l->udata[l->nregs];
}

void loop_rearm(loop_t *l, xsock_t s, uintptr_t udata) {
  int rc;
  switch (l->kind) {
  case LOOP_WSAPOLL:
    l->pfds[loop__find(l, s)].events = POLLRDNORM;
    return;
  case LOOP_SELECT:
    FD_SET((SOCKET)s, &l->master);
    return;
  case LOOP_AFD:
    afd_loop_rearm(l->afd, (SOCKET)s);
    return;
  default:
    rc = xsock_selector_modify(l->sel, s, XSOCK_READ | XSOCK_ONESHOT,
                               (void *)udata);
    if (rc < 0)
      bench_die(xsock_strerror(rc), 0);
  }
}

static int loop__wsapoll(loop_t *l, int timeout) {
  int n = WSAPoll(l->pfds, (ULONG)l->nregs, timeout), i, hits = 0;
  if (n == SOCKET_ERROR)
    bench_die("WSAPoll failed", 0);
  for (i = 0; hits < n && i < l->nregs; i++) {
    if (l->pfds[i].revents == 0)
      continue;
    hits++;
    if (l->oneshot)
      l->pfds[i].events = 0;
    l->fn(l->ctx, l->udata[i]);
  }
  return hits;
}

static int loop__select(loop_t *l, int block) {
  fd_set rd = l->master;
  struct timeval zero = {0, 0};
  int n = select(0, &rd, NULL, NULL, block ? NULL : &zero), i, hits = 0;
  if (n == SOCKET_ERROR)
    bench_die("select failed", 0);
  for (i = 0; hits < n && i < l->nregs; i++) {
    SOCKET s = l->pfds[i].fd;
    if (!FD_ISSET(s, &rd))
      continue;
    hits++;
    if (l->oneshot)
      FD_CLR(s, &l->master);
    l->fn(l->ctx, l->udata[i]);
  }
  return hits;
}

static int loop__xsock(loop_t *l, int timeout) {
  int n = xsock_selector_wait(l->sel, l->xevs, LOOP_MAXEVENTS, timeout), k;
  if (n < 0)
    bench_die(xsock_strerror(n), 0);
  /* In rearm mode the wait disarmed each of them (XSOCK_ONESHOT). */
  for (k = 0; k < n; k++)
    l->fn(l->ctx, (uintptr_t)l->xevs[k].udata);
  return n;
}

int loop_iter(loop_t *l, int block) {
  switch (l->kind) {
  case LOOP_WSAPOLL:
    return loop__wsapoll(l, block ? -1 : 0);
  case LOOP_SELECT:
    return loop__select(l, block);
  case LOOP_AFD:
    return afd_loop_iter(l->afd, block ? INFINITE : 0);
  default:
    return loop__xsock(l, block ? -1 : 0);
  }
}

void loop_set_timeout(loop_t *l, int ms) { l->timeout = ms; }

/* loop_set_timeout's timeout as select()'s bound, filled into tv (NULL
 * for none), and as a completion port's (INFINITE for none). */
static struct timeval *loop__timeval(const loop_t *l, struct timeval *tv) {
  if (l->timeout < 0)
    return NULL;
  tv->tv_sec = l->timeout / 1000;
  tv->tv_usec = l->timeout % 1000 * 1000;
  return tv;
}

static DWORD loop__port_ms(const loop_t *l) {
  return l->timeout < 0 ? INFINITE : (DWORD)l->timeout;
}

int loop_iter_timed(loop_t *l) {
  switch (l->kind) {
  case LOOP_WSAPOLL:
    return loop__wsapoll(l, l->timeout);
  case LOOP_SELECT: {
    /* loop__select only blocks or polls: its timed twin, inline. */
    fd_set rd = l->master;
    struct timeval tv;
    int n, i, hits = 0;
    n = select(0, &rd, NULL, NULL, loop__timeval(l, &tv));
    if (n == SOCKET_ERROR)
      bench_die("select failed", 0);
    for (i = 0; hits < n && i < l->nregs; i++) {
      if (!FD_ISSET(l->pfds[i].fd, &rd))
        continue;
      hits++;
      l->fn(l->ctx, l->udata[i]);
    }
    return hits;
  }
  case LOOP_AFD:
    return afd_loop_iter(l->afd, loop__port_ms(l));
  default:
    return loop__xsock(l, l->timeout);
  }
}

void loop_threads_init(void) {}

void loop_wake_init(loop_t *l) {
  int rc;
  if (l->kind == LOOP_XSOCK || l->kind == LOOP_IOCP || l->kind == LOOP_AFD)
    return; /* the selector's own wakeup; the port itself */
  rc = xsock_socketpair(XSOCK_STREAM, l->wake);
  if (rc < 0 || xsock_set_nonblocking(l->wake[0], 1) < 0 ||
      xsock_set_nonblocking(l->wake[1], 1) < 0)
    bench_die("wake channel: xsock_socketpair", 0);
  if (loop_add(l, l->wake[0], LOOP_WAKE_UD) != 0)
    bench_die("cannot register the wake channel", 0);
}

void loop_wake(loop_t *l) {
  if (l->kind == LOOP_IOCP) {
    if (!PostQueuedCompletionStatus(l->port, 0, 0, NULL))
      bench_die("PostQueuedCompletionStatus", 0);
    return;
  }
  if (l->kind == LOOP_AFD) {
    afd_loop_wake(l->afd);
    return;
  }
  if (l->kind == LOOP_XSOCK) {
    int rc = xsock_selector_wakeup(l->sel);
    if (rc < 0)
      bench_die(xsock_strerror(rc), 0);
    return;
  }
  /* A full buffer is readable already: the wakeup is not lost. */
  if (send((SOCKET)l->wake[1], "w", 1, 0) != 1 &&
      WSAGetLastError() != WSAEWOULDBLOCK)
    bench_die("send (wake)", 0);
}

/* Empties the wake channel once its readiness was seen; returns 1. */
static int loop__drain(loop_t *l) {
  char buf[64];
  if (recv((SOCKET)l->wake[0], buf, (int)sizeof buf, 0) < 1)
    bench_die("recv (wake)", 0);
  return 1;
}

int loop_iter_wake(loop_t *l) {
  int n, i, woke = 0;
  switch (l->kind) {
  case LOOP_IOCP: {
    /* Only wakeups are ever posted: each completion is one. */
    DWORD bytes;
    ULONG_PTR key;
    OVERLAPPED *ov;
    if (!GetQueuedCompletionStatus(l->port, &bytes, &key, &ov,
                                   loop__port_ms(l)))
      bench_die("GetQueuedCompletionStatus", 0);
    return 1;
  }
  case LOOP_AFD:
    return afd_loop_iter_wake(l->afd, loop__port_ms(l));
  case LOOP_WSAPOLL:
    if (WSAPoll(l->pfds, (ULONG)l->nregs, l->timeout) == SOCKET_ERROR)
      bench_die("WSAPoll failed", 0);
    for (i = 0; i < l->nregs; i++)
      if (l->pfds[i].revents != 0 && l->udata[i] == LOOP_WAKE_UD)
        woke = loop__drain(l);
    return woke;
  case LOOP_SELECT: {
    fd_set rd = l->master;
    struct timeval tv;
    if (select(0, &rd, NULL, NULL, loop__timeval(l, &tv)) == SOCKET_ERROR)
      bench_die("select failed", 0);
    return FD_ISSET((SOCKET)l->wake[0], &rd) ? loop__drain(l) : 0;
  }
  default:
    /* Nothing else is registered: a wait that returns 0 events before
     * its timeout (which no run reaches) returns because of a wakeup. */
    n = xsock_selector_wait(l->sel, l->xevs, LOOP_MAXEVENTS, l->timeout);
    if (n < 0)
      bench_die(xsock_strerror(n), 0);
    return n == 0;
  }
}

void loop_close(loop_t *l) {
  if (l->wake[0] != XSOCK_INVALID) {
    loop_del(l, l->wake[0]);
    xsock_close(l->wake[0]);
    xsock_close(l->wake[1]);
  }
  if (l->port != NULL)
    CloseHandle(l->port);
  if (l->afd != NULL)
    afd_loop_close(l->afd);
  xsock_selector_close(l->sel);
  free(l->pfds);
  free(l->udata);
  free(l);
}
