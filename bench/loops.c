/* SPDX-License-Identifier: MIT */
/* The loop implementations of loops.h. The raw ones follow SPEC 0.2 to the
 * letter (maxevents 1024, registration-order scans that stop after n hits)
 * so that they are the cheapest correct use of each system call; xsock's
 * impl is the selector used the way an application uses it. */
#include "loops.h"
#include "bench.h"

#include <xsock.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#define LOOP_HAVE_EPOLL 1
#endif

#define LOOP_MAXEVENTS 1024
/* The dispatch helpers below have two callers, loop_iter and W4's
 * loop_iter_timed: forced inline into both, each caller gets the code
 * that loop_iter had when it was their only one. */
#if defined(__GNUC__)
#define LOOP_INLINE inline __attribute__((always_inline))
#else
#define LOOP_INLINE inline
#endif
/* The user data of the wake channel's registration (W5): no socket of a
 * workload has it. */
#define LOOP_WAKE_UD UINTPTR_MAX

enum { LOOP_EPOLL, LOOP_POLL, LOOP_SELECT, LOOP_XSOCK };

/* A registration of the poll and select impls, in registration order. */
typedef struct loop_reg {
  int fd;
  uintptr_t udata;
} loop_reg_t;

struct loop {
  int kind, oneshot;
  loop_handler_fn fn;
  void *ctx;
  /* epoll */
  int epfd;
#ifdef LOOP_HAVE_EPOLL
  struct epoll_event evs[LOOP_MAXEVENTS];
#endif
  /* poll and select: registrations in order, and fd -> index */
  struct pollfd *pfds;
  loop_reg_t *regs;
  int nregs, cap;
  int *index; /* index[fd] for fd < index_cap */
  int index_cap;
  fd_set master;
  int maxfd;
  /* xsock */
  xsock_selector_t *sel;
  xsock_event_t xevs[LOOP_MAXEVENTS];
  /* W4: the timeout of loop_iter_timed's waits */
  int timeout;
  /* W5: the wake channel of the raw impls, an eventfd (both ends the same
   * descriptor) or a pipe; -1 when there is none */
  int wake_rd, wake_wr;
};

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
#ifdef LOOP_HAVE_EPOLL
  puts("epoll");
#endif
  puts("poll");
  puts("select");
  for (id = 1; xsock_backend_name(id) != NULL; id++)
    if (xsock_selector_supported() & (1u << id))
      printf("xsock-%s\n", xsock_backend_name(id));
}

int loop_impl_known(const char *impl) {
#ifdef LOOP_HAVE_EPOLL
  if (strcmp(impl, "epoll") == 0)
    return 1;
#endif
  return strcmp(impl, "poll") == 0 || strcmp(impl, "select") == 0 ||
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
  l->epfd = -1;
  l->maxfd = -1;
  l->timeout = -1;
  l->wake_rd = l->wake_wr = -1;
  FD_ZERO(&l->master);
  if (strcmp(impl, "poll") == 0) {
    l->kind = LOOP_POLL;
  } else if (strcmp(impl, "select") == 0) {
    l->kind = LOOP_SELECT;
#ifdef LOOP_HAVE_EPOLL
  } else if (strcmp(impl, "epoll") == 0) {
    l->kind = LOOP_EPOLL;
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (l->epfd < 0)
      bench_die("epoll_create1", errno);
#endif
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

/* Appends a registration for the poll and select impls. */
static void loop__push(loop_t *l, int fd, uintptr_t udata) {
  if (l->nregs == l->cap) {
    int cap = l->cap ? l->cap * 2 : 256;
    l->regs = (loop_reg_t *)realloc(l->regs, (size_t)cap * sizeof *l->regs);
    l->pfds = (struct pollfd *)realloc(l->pfds, (size_t)cap * sizeof *l->pfds);
    if (l->regs == NULL || l->pfds == NULL)
      bench_die("out of memory", 0);
    l->cap = cap;
  }
  if (fd >= l->index_cap) {
    int cap = l->index_cap ? l->index_cap : 256;
    while (cap <= fd)
      cap *= 2;
    l->index = (int *)realloc(l->index, (size_t)cap * sizeof *l->index);
    if (l->index == NULL)
      bench_die("out of memory", 0);
    l->index_cap = cap;
  }
  l->index[fd] = l->nregs;
  l->regs[l->nregs].fd = fd;
  l->regs[l->nregs].udata = udata;
  l->pfds[l->nregs].fd = fd;
  l->pfds[l->nregs].events = POLLIN;
  l->pfds[l->nregs].revents = 0;
  l->nregs++;
}

int loop_add(loop_t *l, xsock_t fd, uintptr_t udata) {
  int rc;
  switch (l->kind) {
#ifdef LOOP_HAVE_EPOLL
  case LOOP_EPOLL: {
    struct epoll_event ev;
    ev.events = EPOLLIN | (l->oneshot ? EPOLLONESHOT : 0u);
    ev.data.u64 = udata;
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
      bench_die("epoll_ctl(ADD)", errno);
    return 0;
  }
#endif
  case LOOP_POLL:
    loop__push(l, fd, udata);
    return 0;
  case LOOP_SELECT:
    if (fd >= FD_SETSIZE)
      return -1;
    loop__push(l, fd, udata);
    FD_SET(fd, &l->master);
    if (fd > l->maxfd)
      l->maxfd = fd;
    return 0;
  default:
    rc = xsock_selector_add(l->sel, fd,
                            XSOCK_READ | (l->oneshot ? XSOCK_ONESHOT : 0u),
                            (void *)udata);
    if (rc == XSOCK_ERANGE)
      return -1;
    if (rc < 0)
      bench_die(xsock_strerror(rc), 0);
    return 0;
  }
}

void loop_del(loop_t *l, xsock_t fd) {
  int i, rc;
  switch (l->kind) {
#ifdef LOOP_HAVE_EPOLL
  case LOOP_EPOLL:
    if (epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL) != 0)
      bench_die("epoll_ctl(DEL)", errno);
    return;
#endif
  case LOOP_POLL:
  case LOOP_SELECT:
    /* The entry stays, dead (poll skips a negative fd), so that the order
     * of the others and a scan in progress are not disturbed. */
    i = l->index[fd];
    l->regs[i].fd = -1;
    l->pfds[i].fd = -1;
    l->pfds[i].revents = 0;
    if (l->kind == LOOP_SELECT)
      FD_CLR(fd, &l->master);
    return;
  default:
    if ((rc = xsock_selector_remove(l->sel, fd)) < 0)
      bench_die(xsock_strerror(rc), 0);
  }
}

void loop_rearm(loop_t *l, xsock_t fd, uintptr_t udata) {
  int rc;
  switch (l->kind) {
#ifdef LOOP_HAVE_EPOLL
  case LOOP_EPOLL: {
    struct epoll_event ev;
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u64 = udata;
    if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) != 0)
      bench_die("epoll_ctl(MOD)", errno);
    return;
  }
#endif
  case LOOP_POLL:
    l->pfds[l->index[fd]].events = POLLIN;
    return;
  case LOOP_SELECT:
    FD_SET(fd, &l->master);
    return;
  default:
    rc = xsock_selector_modify(l->sel, fd, XSOCK_READ | XSOCK_ONESHOT,
                               (void *)udata);
    if (rc < 0)
      bench_die(xsock_strerror(rc), 0);
  }
}

#ifdef LOOP_HAVE_EPOLL
static LOOP_INLINE int loop__epoll(loop_t *l, int timeout) {
  int n = epoll_wait(l->epfd, l->evs, LOOP_MAXEVENTS, timeout), k;
  if (n < 0)
    bench_die("epoll_wait", errno);
  for (k = 0; k < n; k++)
    l->fn(l->ctx, (uintptr_t)l->evs[k].data.u64);
  return n;
}
#endif

static LOOP_INLINE int loop__poll(loop_t *l, int timeout) {
  int n = poll(l->pfds, (nfds_t)l->nregs, timeout), i, hits = 0;
  if (n < 0)
    bench_die("poll", errno);
  for (i = 0; hits < n && i < l->nregs; i++) {
    if (l->pfds[i].revents == 0)
      continue;
    hits++;
    if (l->oneshot)
      l->pfds[i].events = 0;
    l->fn(l->ctx, l->regs[i].udata);
  }
  return hits;
}

/* tv NULL blocks. */
static LOOP_INLINE int loop__select(loop_t *l, struct timeval *tv) {
  fd_set rd = l->master;
  int n = select(l->maxfd + 1, &rd, NULL, NULL, tv), i, hits = 0;
  if (n < 0)
    bench_die("select", errno);
  for (i = 0; hits < n && i < l->nregs; i++) {
    int fd = l->regs[i].fd;
    if (fd < 0 || !FD_ISSET(fd, &rd))
      continue;
    hits++;
    if (l->oneshot)
      FD_CLR(fd, &l->master);
    l->fn(l->ctx, l->regs[i].udata);
  }
  return hits;
}

static LOOP_INLINE int loop__xsock(loop_t *l, int timeout) {
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
#ifdef LOOP_HAVE_EPOLL
  case LOOP_EPOLL:
    return loop__epoll(l, block ? -1 : 0);
#endif
  case LOOP_POLL:
    return loop__poll(l, block ? -1 : 0);
  case LOOP_SELECT: {
    struct timeval zero = {0, 0};
    return loop__select(l, block ? NULL : &zero);
  }
  default:
    return loop__xsock(l, block ? -1 : 0);
  }
}

void loop_set_timeout(loop_t *l, int ms) { l->timeout = ms; }

/* select()'s bound for loop_set_timeout's timeout, filled into tv, or
 * NULL for none. Linux's select() may change the timeval, so each
 * call gets a fresh one. */
static struct timeval *loop__timeval(const loop_t *l, struct timeval *tv) {
  if (l->timeout < 0)
    return NULL;
  tv->tv_sec = l->timeout / 1000;
  tv->tv_usec = l->timeout % 1000 * 1000;
  return tv;
}

/* W4's iteration: loop_iter's dispatch with the timeout of
 * loop_set_timeout. The helpers are forced inline into both callers, so
 * that W4's dispatch is W1's to the instruction and W1 to W3 keep the
 * code they always ran. */
int loop_iter_timed(loop_t *l) {
  switch (l->kind) {
#ifdef LOOP_HAVE_EPOLL
  case LOOP_EPOLL:
    return loop__epoll(l, l->timeout);
#endif
  case LOOP_POLL:
    return loop__poll(l, l->timeout);
  case LOOP_SELECT: {
    struct timeval tv;
    return loop__select(l, loop__timeval(l, &tv));
  }
  default:
    return loop__xsock(l, l->timeout);
  }
}

/* Nothing to do: only libevent must be told about threads. */
void loop_threads_init(void) {}

void loop_wake_init(loop_t *l) {
  if (l->kind == LOOP_XSOCK)
    return; /* the selector's own wakeup */
#ifdef LOOP_HAVE_EPOLL
  /* Linux: an eventfd, the cheapest wake channel the kernel has. */
  l->wake_rd = l->wake_wr = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (l->wake_rd < 0)
    bench_die("eventfd", errno);
#else
  {
    int p[2];
    if (pipe(p) != 0)
      bench_die("pipe", errno);
    l->wake_rd = p[0];
    l->wake_wr = p[1];
    if (fcntl(p[0], F_SETFL, O_NONBLOCK) != 0 ||
        fcntl(p[1], F_SETFL, O_NONBLOCK) != 0)
      bench_die("fcntl(O_NONBLOCK)", errno);
  }
#endif
  if (loop_add(l, l->wake_rd, LOOP_WAKE_UD) != 0)
    bench_die("cannot register the wake channel", 0);
}

void loop_wake(loop_t *l) {
  if (l->kind == LOOP_XSOCK) {
    int rc = xsock_selector_wakeup(l->sel);
    if (rc < 0)
      bench_die(xsock_strerror(rc), 0);
    return;
  }
#ifdef LOOP_HAVE_EPOLL
  {
    uint64_t one = 1;
    if (write(l->wake_wr, &one, sizeof one) != (ssize_t)sizeof one)
      bench_die("write(eventfd)", errno);
  }
#else
  /* A full pipe is already readable: the wakeup is not lost. */
  if (write(l->wake_wr, "w", 1) != 1 && errno != EAGAIN)
    bench_die("write(pipe)", errno);
#endif
}

/* Resets the wake channel once its readiness was seen; returns 1. */
static int loop__drain(loop_t *l) {
#ifdef LOOP_HAVE_EPOLL
  uint64_t v;
  if (read(l->wake_rd, &v, sizeof v) != (ssize_t)sizeof v)
    bench_die("read(eventfd)", errno);
#else
  char buf[64];
  if (read(l->wake_rd, buf, sizeof buf) < 1)
    bench_die("read(pipe)", errno);
#endif
  return 1;
}

int loop_iter_wake(loop_t *l) {
  int n, i, woke = 0;
  switch (l->kind) {
#ifdef LOOP_HAVE_EPOLL
  case LOOP_EPOLL:
    n = epoll_wait(l->epfd, l->evs, LOOP_MAXEVENTS, l->timeout);
    if (n < 0)
      bench_die("epoll_wait", errno);
    for (i = 0; i < n; i++)
      if (l->evs[i].data.u64 == LOOP_WAKE_UD)
        woke = loop__drain(l);
    return woke;
#endif
  case LOOP_POLL:
    if (poll(l->pfds, (nfds_t)l->nregs, l->timeout) < 0)
      bench_die("poll", errno);
    for (i = 0; i < l->nregs; i++)
      if (l->pfds[i].revents != 0 && l->regs[i].udata == LOOP_WAKE_UD)
        woke = loop__drain(l);
    return woke;
  case LOOP_SELECT: {
    fd_set rd = l->master;
    struct timeval tv;
    if (select(l->maxfd + 1, &rd, NULL, NULL, loop__timeval(l, &tv)) < 0)
      bench_die("select", errno);
    return FD_ISSET(l->wake_rd, &rd) ? loop__drain(l) : 0;
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
  if (l->wake_rd >= 0) {
    loop_del(l, l->wake_rd);
    close(l->wake_rd);
    if (l->wake_wr != l->wake_rd)
      close(l->wake_wr);
  }
  if (l->epfd >= 0)
    close(l->epfd);
  xsock_selector_close(l->sel);
  free(l->pfds);
  free(l->regs);
  free(l->index);
  free(l);
}
