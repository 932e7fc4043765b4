/* SPDX-License-Identifier: MIT */
/* The selector's generic wakeup channel (contract in selector.h), which
 * the front end registers like any handle and drains itself.
 *
 * Linux: one eventfd. Its counter adds up every write and a single read
 * empties it. Elsewhere: a pipe, both ends non-blocking and close-on-exec;
 * a write that finds it full is fine (a wakeup is pending already), and
 * the drain reads until it would block.
 *
 * Either way a wakeup is pending from the signal that writes until the
 * wait that takes it (w->pending, an atomic flag): the signals between
 * write nothing, so any number of wakeups before a wait cost one write and
 * one early return. The drain empties the channel before it ends the
 * pending wakeup; the other order would let a signal's write land in
 * between, be drained unseen, and leave every later signal silent. epoll
 * takes the flag without reading at all (sel_epoll.c). */
#include "os.h"
#include "selector.h"

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/eventfd.h>
#endif

#ifndef __linux__
static int wakeup__prepare(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
    return -1;
  fl = fcntl(fd, F_GETFD);
  if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
    return -1;
  return 0;
}
#endif

int xsock__os_wakeup_open(xsock__wakeup_t *w) {
#ifdef __linux__
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) {
    w->rd = w->wr = XSOCK_INVALID;
    return xsock__errno_fail();
  }
  w->rd = w->wr = fd;
  return 0;
#else
  /* pipe2 is missing on macOS; the window before FD_CLOEXEC is set only
   * matters to a program that forks from another thread meanwhile. */
  int fds[2], rc;
  w->rd = w->wr = -1;
  if (pipe(fds) != 0)
    return xsock__errno_fail();
  if (wakeup__prepare(fds[0]) != 0 || wakeup__prepare(fds[1]) != 0) {
    rc = xsock__errno_fail();
    close(fds[0]);
    close(fds[1]);
    return rc;
  }
  w->rd = fds[0];
  w->wr = fds[1];
  return 0;
#endif
}

void xsock__os_wakeup_close(xsock__wakeup_t *w) {
  if (w->rd >= 0)
    close(w->rd);
  if (w->wr >= 0 && w->wr != w->rd)
    close(w->wr);
  w->rd = w->wr = -1;
}

int xsock__os_wakeup_signal(xsock__wakeup_t *w) {
  int saved, rc = 0;
#ifdef __linux__
  uint64_t one = 1;
#else
  unsigned char one = 1;
#endif
  ssize_t r;
  if (__atomic_exchange_n(&w->pending, 1, __ATOMIC_ACQ_REL) != 0)
    return 0; /* written already, and not yet taken by a wait */
  /* A signal handler may interrupt code that reads errno right after a
   * failing call, so errno is put back as it was. */
  saved = errno;
  do
    r = write(w->wr, &one, sizeof one);
  while (r < 0 && errno == EINTR);
  if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
    rc = xsock__map_os_error(errno);
    /* Nothing was written: the next signal must try again. */
    __atomic_store_n(&w->pending, 0, __ATOMIC_RELEASE);
  }
  errno = saved;
  return rc;
}

void xsock__os_wakeup_drain(xsock__wakeup_t *w) {
#ifdef __linux__
  uint64_t count;
  ssize_t r;
  do
    r = read(w->rd, &count, sizeof count);
  while (r < 0 && errno == EINTR);
#else
  unsigned char buf[64];
  ssize_t r;
  do
    r = read(w->rd, buf, sizeof buf);
  while (r == (ssize_t)sizeof buf || (r < 0 && errno == EINTR));
#endif
  (void)__atomic_exchange_n(&w->pending, 0, __ATOMIC_ACQ_REL);
}
