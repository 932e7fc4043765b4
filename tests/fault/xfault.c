/* SPDX-License-Identifier: MIT */
/* The fakes behind xfault.h. This file sees the library's private table of
 * OS calls (os_calls.h, through internal.h), so that every fake has
 * exactly its entry's type; it is compiled with XSOCK_TEST_HOOKS and the
 * library's private include directories, into the fault tests only. */
#include "internal.h" /* first: its config.h sets the feature macros */

#include "xfault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

typedef struct xf_plan {
  long after;    /* calls still to let through before failing */
  long times;    /* failures left; -1 for every call */
  int err;       /* the OS error to fail with */
  long calls;    /* calls seen */
  long injected; /* faults injected */
} xf_plan_t;

static xf_plan_t xf_plans[XF_KINDS];
static size_t xf_cap;
static size_t xf_alloc_top; /* the largest block asked for */
static long xf_total;
/* XF_WAIT calls whose timeout was zero: looks that cannot sleep. */
static long xf_zero_waits;
static int xf_report_set;

/* Counts a call of kind k and says whether it must fail: 0 to go on,
 * else the error to fail with (XF_EINTR_LATE included). */
static int xf_take(xf_call_t k, int *err) {
  xf_plan_t *p = &xf_plans[k];
  p->calls++;
  if (p->times == 0)
    return 0;
  if (p->after > 0) {
    p->after--;
    return 0;
  }
  if (p->times > 0)
    p->times--;
  p->injected++;
  xf_total++;
  *err = p->err;
  return 1;
}

static size_t xf_capped(size_t len) {
  return xf_cap != 0 && len > xf_cap ? xf_cap : len;
}

#ifdef _WIN32
/* ---- Windows fakes ---- */
#define XF_FAIL(k, failed)                                                     \
  do {                                                                         \
    int e_;                                                                    \
    if (xf_take(k, &e_)) {                                                     \
      WSASetLastError(e_);                                                     \
      return failed;                                                           \
    }                                                                          \
  } while (0)

static SOCKET xf_WSASocketW(int af, int type, int protocol,
                            WSAPROTOCOL_INFOW *info, GROUP g, DWORD flags) {
  XF_FAIL(XF_SOCKET, INVALID_SOCKET);
  return xsock__os_calls_real.WSASocketW(af, type, protocol, info, g, flags);
}

static SOCKET xf_accept(SOCKET s, struct sockaddr *sa, int *len) {
  XF_FAIL(XF_ACCEPT, INVALID_SOCKET);
  return xsock__os_calls_real.accept(s, sa, len);
}

static int xf_connect(SOCKET s, const struct sockaddr *sa, int len) {
  XF_FAIL(XF_CONNECT, SOCKET_ERROR);
  return xsock__os_calls_real.connect(s, sa, len);
}

static int xf_send(SOCKET s, const char *buf, int len, int flags) {
  XF_FAIL(XF_SEND, SOCKET_ERROR);
  return xsock__os_calls_real.send(s, buf, (int)xf_capped((size_t)len), flags);
}

static int xf_recv(SOCKET s, char *buf, int len, int flags) {
  XF_FAIL(XF_RECV, SOCKET_ERROR);
  return xsock__os_calls_real.recv(s, buf, len, flags);
}

static int xf_sendto(SOCKET s, const char *buf, int len, int flags,
                     const struct sockaddr *sa, int salen) {
  XF_FAIL(XF_SEND, SOCKET_ERROR);
  return xsock__os_calls_real.sendto(s, buf, len, flags, sa, salen);
}

static int xf_recvfrom(SOCKET s, char *buf, int len, int flags,
                       struct sockaddr *sa, int *salen) {
  XF_FAIL(XF_RECV, SOCKET_ERROR);
  return xsock__os_calls_real.recvfrom(s, buf, len, flags, sa, salen);
}

static int xf_WSASend(SOCKET s, WSABUF *bufs, DWORD count, DWORD *sent,
                      DWORD flags, WSAOVERLAPPED *ov,
                      LPWSAOVERLAPPED_COMPLETION_ROUTINE done) {
  WSABUF cut[64];
  DWORD i, n = 0;
  size_t left = xf_cap;
  XF_FAIL(XF_SEND, SOCKET_ERROR);
  if (xf_cap == 0 || count == 0 || count > 64)
    return xsock__os_calls_real.WSASend(s, bufs, count, sent, flags, ov, done);
  /* The first cap bytes of the buffers, as a short send would take. */
  for (i = 0; i < count && left > 0; i++) {
    cut[n] = bufs[i];
    if (cut[n].len > left)
      cut[n].len = (ULONG)left;
    left -= cut[n].len;
    n++;
  }
  return xsock__os_calls_real.WSASend(s, cut, n, sent, flags, ov, done);
}

static int xf_WSARecv(SOCKET s, WSABUF *bufs, DWORD count, DWORD *got,
                      DWORD *flags, WSAOVERLAPPED *ov,
                      LPWSAOVERLAPPED_COMPLETION_ROUTINE done) {
  XF_FAIL(XF_RECV, SOCKET_ERROR);
  return xsock__os_calls_real.WSARecv(s, bufs, count, got, flags, ov, done);
}

static int xf_WSAPoll(WSAPOLLFD *fds, ULONG n, INT timeout_ms) {
  xf_zero_waits += timeout_ms == 0;
  XF_FAIL(XF_WAIT, SOCKET_ERROR);
  return xsock__os_calls_real.WSAPoll(fds, n, timeout_ms);
}

static int xf_select(int nfds, fd_set *r, fd_set *w, fd_set *e,
                     struct timeval *tv) {
  xf_zero_waits += tv != NULL && tv->tv_sec == 0 && tv->tv_usec == 0;
  XF_FAIL(XF_WAIT, SOCKET_ERROR);
  return xsock__os_calls_real.select(nfds, r, w, e, tv);
}

static BOOL xf_gqcs(HANDLE port, OVERLAPPED_ENTRY *ents, ULONG max, ULONG *n,
                    DWORD timeout_ms, BOOL alertable) {
  int e;
  xf_zero_waits += timeout_ms == 0;
  if (xf_take(XF_WAIT, &e)) {
    *n = 0;
    SetLastError((DWORD)e);
    return FALSE;
  }
  return xsock__os_calls_real.GetQueuedCompletionStatusEx(
      port, ents, max, n, timeout_ms, alertable);
}

static void xf_point_table(void) {
  xsock__os_calls.WSASocketW = xf_WSASocketW;
  xsock__os_calls.accept = xf_accept;
  xsock__os_calls.connect = xf_connect;
  xsock__os_calls.send = xf_send;
  xsock__os_calls.recv = xf_recv;
  xsock__os_calls.sendto = xf_sendto;
  xsock__os_calls.recvfrom = xf_recvfrom;
  xsock__os_calls.WSASend = xf_WSASend;
  xsock__os_calls.WSARecv = xf_WSARecv;
  xsock__os_calls.WSAPoll = xf_WSAPoll;
  xsock__os_calls.select = xf_select;
  xsock__os_calls.GetQueuedCompletionStatusEx = xf_gqcs;
}

long xf_open_handles(void) {
  DWORD n = 0;
  if (!GetProcessHandleCount(GetCurrentProcess(), &n))
    return -1;
  return (long)n;
}

#else
/* ---- POSIX fakes ---- */
#define XF_FAIL(k, failed)                                                     \
  do {                                                                         \
    int e_;                                                                    \
    if (xf_take(k, &e_)) {                                                     \
      errno = e_;                                                              \
      return failed;                                                           \
    }                                                                          \
  } while (0)

static int xf_socket(int domain, int type, int protocol) {
  XF_FAIL(XF_SOCKET, -1);
  return xsock__os_calls_real.socket(domain, type, protocol);
}

static int xf_socketpair(int domain, int type, int protocol, int *fds) {
  XF_FAIL(XF_SOCKET, -1);
  return xsock__os_calls_real.socketpair(domain, type, protocol, fds);
}

static int xf_accept(int fd, struct sockaddr *sa, socklen_t *len) {
  XF_FAIL(XF_ACCEPT, -1);
  return xsock__os_calls_real.accept(fd, sa, len);
}

static int xf_accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags) {
  XF_FAIL(XF_ACCEPT, -1);
  return xsock__os_calls_real.accept4(fd, sa, len, flags);
}

static int xf_connect(int fd, const struct sockaddr *sa, socklen_t len) {
  int e;
  if (xf_take(XF_CONNECT, &e)) {
    if (e == XF_EINTR_LATE) {
      /* The handshake goes on in the kernel; the caller hears EINTR. */
      (void)xsock__os_calls_real.connect(fd, sa, len);
      e = EINTR;
    }
    errno = e;
    return -1;
  }
  return xsock__os_calls_real.connect(fd, sa, len);
}

static ssize_t xf_send(int fd, const void *buf, size_t len, int flags) {
  XF_FAIL(XF_SEND, -1);
  return xsock__os_calls_real.send(fd, buf, xf_capped(len), flags);
}

static ssize_t xf_recv(int fd, void *buf, size_t len, int flags) {
  XF_FAIL(XF_RECV, -1);
  return xsock__os_calls_real.recv(fd, buf, len, flags);
}

static ssize_t xf_sendto(int fd, const void *buf, size_t len, int flags,
                         const struct sockaddr *sa, socklen_t salen) {
  XF_FAIL(XF_SEND, -1);
  return xsock__os_calls_real.sendto(fd, buf, len, flags, sa, salen);
}

static ssize_t xf_recvfrom(int fd, void *buf, size_t len, int flags,
                           struct sockaddr *sa, socklen_t *salen) {
  XF_FAIL(XF_RECV, -1);
  return xsock__os_calls_real.recvfrom(fd, buf, len, flags, sa, salen);
}

static ssize_t xf_sendmsg(int fd, const struct msghdr *msg, int flags) {
  struct msghdr cut;
  struct iovec iov[64];
  size_t left = xf_cap, i, n = 0;
  XF_FAIL(XF_SEND, -1);
  if (xf_cap == 0 || msg->msg_iovlen > 64)
    return xsock__os_calls_real.sendmsg(fd, msg, flags);
  /* The first cap bytes of the buffers, as a short send would take. */
  for (i = 0; i < (size_t)msg->msg_iovlen && left > 0; i++) {
    iov[n] = msg->msg_iov[i];
    if (iov[n].iov_len > left)
      iov[n].iov_len = left;
    left -= iov[n].iov_len;
    n++;
  }
  cut = *msg;
  cut.msg_iov = iov;
  cut.msg_iovlen = n;
  return xsock__os_calls_real.sendmsg(fd, &cut, flags);
}

static ssize_t xf_recvmsg(int fd, struct msghdr *msg, int flags) {
  XF_FAIL(XF_RECV, -1);
  return xsock__os_calls_real.recvmsg(fd, msg, flags);
}

static int xf_poll(struct pollfd *fds, nfds_t n, int timeout_ms) {
  xf_zero_waits += timeout_ms == 0;
  XF_FAIL(XF_WAIT, -1);
  return xsock__os_calls_real.poll(fds, n, timeout_ms);
}

static int xf_select(int nfds, fd_set *r, fd_set *w, fd_set *e,
                     struct timeval *tv) {
  xf_zero_waits += tv != NULL && tv->tv_sec == 0 && tv->tv_usec == 0;
  XF_FAIL(XF_WAIT, -1);
  return xsock__os_calls_real.select(nfds, r, w, e, tv);
}

#if XSOCK_HAVE_EPOLL
static int xf_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev) {
  XF_FAIL(XF_CTL, -1);
  return xsock__os_calls_real.epoll_ctl(epfd, op, fd, ev);
}

static int xf_epoll_wait(int epfd, struct epoll_event *evs, int max,
                         int timeout_ms) {
  xf_zero_waits += timeout_ms == 0;
  XF_FAIL(XF_WAIT, -1);
  return xsock__os_calls_real.epoll_wait(epfd, evs, max, timeout_ms);
}
#endif

#if XSOCK_HAVE_KQUEUE
/* A kevent() is a registration when it carries changes and either has no
 * room for events or asks only for receipts; otherwise it is a wait
 * (which may carry queued deletes). */
static int xf_kevent(int kq, const struct kevent *changes, int nchanges,
                     struct kevent *events, int nevents,
                     const struct timespec *timeout) {
  int ctl =
      nchanges > 0 && (nevents == 0 || (changes[0].flags & EV_RECEIPT) != 0);
  xf_zero_waits +=
      !ctl && timeout != NULL && timeout->tv_sec == 0 && timeout->tv_nsec == 0;
  XF_FAIL(ctl ? XF_CTL : XF_WAIT, -1);
  return xsock__os_calls_real.kevent(kq, changes, nchanges, events, nevents,
                                     timeout);
}
#endif

static void xf_point_table(void) {
  xsock__os_calls.socket = xf_socket;
  xsock__os_calls.socketpair = xf_socketpair;
  xsock__os_calls.accept = xf_accept;
  if (xsock__os_calls_real.accept4 != NULL)
    xsock__os_calls.accept4 = xf_accept4;
  xsock__os_calls.connect = xf_connect;
  xsock__os_calls.send = xf_send;
  xsock__os_calls.recv = xf_recv;
  xsock__os_calls.sendto = xf_sendto;
  xsock__os_calls.recvfrom = xf_recvfrom;
  xsock__os_calls.sendmsg = xf_sendmsg;
  xsock__os_calls.recvmsg = xf_recvmsg;
  xsock__os_calls.poll = xf_poll;
  xsock__os_calls.select = xf_select;
#if XSOCK_HAVE_EPOLL
  xsock__os_calls.epoll_ctl = xf_epoll_ctl;
  xsock__os_calls.epoll_wait = xf_epoll_wait;
#endif
#if XSOCK_HAVE_KQUEUE
  xsock__os_calls.kevent = xf_kevent;
#endif
}

long xf_open_handles(void) {
  struct rlimit rl;
  long n = 0, fd, top = 4096;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
      (long)rl.rlim_cur < top)
    top = (long)rl.rlim_cur;
  for (fd = 0; fd < top; fd++)
    if (fcntl((int)fd, F_GETFD) != -1)
      n++;
  return n;
}
#endif

/* ---- allocation, the same on both OSes ---- */

static void *xf_calloc(size_t count, size_t size) {
  int e;
  if (size != 0 && count <= (size_t)-1 / size && count * size > xf_alloc_top)
    xf_alloc_top = count * size;
  if (xf_take(XF_ALLOC, &e))
    return NULL;
  return xsock__os_calls_real.calloc(count, size);
}

static void *xf_realloc(void *p, size_t size) {
  int e;
  if (size > xf_alloc_top)
    xf_alloc_top = size;
  if (xf_take(XF_ALLOC, &e))
    return NULL;
  return xsock__os_calls_real.realloc(p, size);
}

static void xf_report(void) {
  printf("xfault: %ld faults injected\n", xf_total);
}

void xf_install(void) {
  xf_reset();
  xf_point_table();
  xsock__os_calls.calloc = xf_calloc;
  xsock__os_calls.realloc = xf_realloc;
  if (!xf_report_set) {
    xf_report_set = 1;
    atexit(xf_report);
  }
}

void xf_uninstall(void) {
  xsock__os_calls = xsock__os_calls_real;
  xf_reset();
}

int xf_setup(void **state) {
  (void)state;
  xf_install();
  return 0;
}

int xf_teardown(void **state) {
  (void)state;
  xf_uninstall();
  return 0;
}

void xf_reset(void) {
  memset(xf_plans, 0, sizeof xf_plans);
  xf_cap = 0;
  xf_alloc_top = 0;
  xf_zero_waits = 0;
}

void xf_fail(xf_call_t kind, long after, long times, int err) {
  xf_plans[kind].after = after;
  xf_plans[kind].times = times;
  xf_plans[kind].err = err;
}

void xf_send_cap(size_t cap) { xf_cap = cap; }

long xf_calls(xf_call_t kind) { return xf_plans[kind].calls; }

long xf_injected(xf_call_t kind) { return xf_plans[kind].injected; }

long xf_zero_wait_calls(void) { return xf_zero_waits; }

size_t xf_alloc_largest(void) { return xf_alloc_top; }
