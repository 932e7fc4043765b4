/* SPDX-License-Identifier: MIT */
/* poll(2) flags <-> XSOCK_* bits, shared by the poll backend and by the
 * select backend (which classifies what select found with one poll). */
#ifndef XSOCK_POSIX_POLLBITS_H
#define XSOCK_POSIX_POLLBITS_H

#include "internal.h"
#include "readiness.h"

#include <poll.h>

/* POLLRDHUP (Linux) reports the peer's FIN even while unread data keeps
 * POLLIN set; elsewhere POLLHUP is what poll has. */
#ifdef POLLRDHUP
#define XSOCK__POLLRDHUP POLLRDHUP
#else
#define XSOCK__POLLRDHUP 0
#endif

/* The pollfd events for an interest; 0 for interest 0 (the caller then
 * sets fd to -1 so that poll ignores the entry, errors included).
 * POLLRDHUP goes with POLLIN only: a hangup is a read-side condition that
 * a registration without READ does not see (src/common/readiness.h), and
 * asking for it there would end every poll at once while a writer whose
 * peer half-closed has a full send buffer. */
static inline short xsock__poll_events(unsigned interest) {
  short ev = 0;
  if (interest & XSOCK_READ)
    ev |= (short)(POLLIN | XSOCK__POLLRDHUP);
  if (interest & XSOCK_WRITE)
    ev |= POLLOUT;
  return ev;
}

/* What poll reported, in XSOCK_* bits, before xsock__ready_events(). POLLNVAL
 * (the descriptor was closed while registered) is ERROR|HANGUP: the handle
 * is dead and the caller should remove it. */
static inline unsigned xsock__poll_raw(short re) {
  unsigned raw = 0;
  if (re & POLLIN)
    raw |= XSOCK_READ;
  if (re & POLLOUT)
    raw |= XSOCK_WRITE;
  if (re & POLLERR)
    raw |= XSOCK_ERROR;
  if (re & (POLLHUP | XSOCK__POLLRDHUP))
    raw |= XSOCK_HANGUP;
  if (re & POLLNVAL)
    raw |= XSOCK_ERROR | XSOCK_HANGUP;
  return raw;
}

#endif /* XSOCK_POSIX_POLLBITS_H */
