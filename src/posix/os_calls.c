/* SPDX-License-Identifier: MIT */
/* The table of OS calls of the test build (os_calls.h): each entry starts
 * as a wrapper of the real call. The shipped library compiles none of
 * this. */
#include "os.h"

#ifdef XSOCK_TEST_HOOKS

static int oscalls__socket(int domain, int type, int protocol) {
  return socket(domain, type, protocol);
}

static int oscalls__socketpair(int domain, int type, int protocol, int *fds) {
  return socketpair(domain, type, protocol, fds);
}

static int oscalls__accept(int fd, struct sockaddr *sa, socklen_t *len) {
  return accept(fd, sa, len);
}

#ifdef XSOCK__HAVE_ACCEPT4
static int oscalls__accept4(int fd, struct sockaddr *sa, socklen_t *len,
                            int flags) {
  return accept4(fd, sa, len, flags);
}
#else
/* No accept4() here (macOS): listen.c never names the entry. */
#define oscalls__accept4 NULL
#endif

static int oscalls__connect(int fd, const struct sockaddr *sa, socklen_t len) {
  return connect(fd, sa, len);
}

static ssize_t oscalls__send(int fd, const void *buf, size_t len, int flags) {
  return send(fd, buf, len, flags);
}

static ssize_t oscalls__recv(int fd, void *buf, size_t len, int flags) {
  return recv(fd, buf, len, flags);
}

static ssize_t oscalls__sendto(int fd, const void *buf, size_t len, int flags,
                               const struct sockaddr *sa, socklen_t salen) {
  return sendto(fd, buf, len, flags, sa, salen);
}

static ssize_t oscalls__recvfrom(int fd, void *buf, size_t len, int flags,
                                 struct sockaddr *sa, socklen_t *salen) {
  return recvfrom(fd, buf, len, flags, sa, salen);
}

static ssize_t oscalls__sendmsg(int fd, const struct msghdr *msg, int flags) {
  return sendmsg(fd, msg, flags);
}

static ssize_t oscalls__recvmsg(int fd, struct msghdr *msg, int flags) {
  return recvmsg(fd, msg, flags);
}

static int oscalls__poll(struct pollfd *fds, nfds_t n, int timeout_ms) {
  return poll(fds, n, timeout_ms);
}

static int oscalls__select(int nfds, fd_set *r, fd_set *w, fd_set *e,
                           struct timeval *tv) {
  return select(nfds, r, w, e, tv);
}

#if XSOCK_HAVE_EPOLL
static int oscalls__epoll_ctl(int epfd, int op, int fd,
                              struct epoll_event *ev) {
  return epoll_ctl(epfd, op, fd, ev);
}

static int oscalls__epoll_wait(int epfd, struct epoll_event *evs, int max,
                               int timeout_ms) {
  return epoll_wait(epfd, evs, max, timeout_ms);
}
#endif

#if XSOCK_HAVE_KQUEUE
static int oscalls__kevent(int kq, const struct kevent *changes, int nchanges,
                           struct kevent *events, int nevents,
                           const struct timespec *timeout) {
  return kevent(kq, changes, nchanges, events, nevents, timeout);
}
#endif

#define OSCALLS__TABLE                                                         \
  {                                                                            \
    oscalls__socket, oscalls__socketpair, oscalls__accept, oscalls__accept4,   \
        oscalls__connect, oscalls__send, oscalls__recv, oscalls__sendto,       \
        oscalls__recvfrom, oscalls__sendmsg, oscalls__recvmsg, oscalls__poll,  \
        oscalls__select OSCALLS__EPOLL OSCALLS__KQUEUE, xsock__real_calloc,    \
        xsock__real_realloc                                                    \
  }
#if XSOCK_HAVE_EPOLL
#define OSCALLS__EPOLL , oscalls__epoll_ctl, oscalls__epoll_wait
#else
#define OSCALLS__EPOLL
#endif
#if XSOCK_HAVE_KQUEUE
#define OSCALLS__KQUEUE , oscalls__kevent
#else
#define OSCALLS__KQUEUE
#endif

const xsock__os_calls_t xsock__os_calls_real = OSCALLS__TABLE;
xsock__os_calls_t xsock__os_calls = OSCALLS__TABLE;

#else
/* ISO C wants a declaration in every translation unit. */
typedef int xsock__os_calls_unused;
#endif /* XSOCK_TEST_HOOKS */
