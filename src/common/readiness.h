/* SPDX-License-Identifier: MIT */
/* The one rule that turns what a kernel reported (already in XSOCK_* bits)
 * into what a wait reports for a registration, shared by every backend so
 * that they cannot drift apart (docs/semantics.md, "The normalised table").
 *
 *  - READ and WRITE are kept only where they were asked for.
 *  - HANGUP says the peer will send no more: recv gives 0. That is a
 *    read-side condition, so only a registration that asks for READ sees
 *    it. A registration without READ would otherwise be reported, at every
 *    wait, for a condition its own action (send) cannot clear: a writer
 *    whose peer half-closed and whose send buffer is full. Such a writer
 *    sees the end of the connection as WRITE (the kernel reports a socket
 *    shut for sending as writable, and send then fails) or as ERROR.
 *  - ERROR means the connection is dead (a refused connect, a reset) or an
 *    error is pending; any call on the handle returns it. Every asked bit
 *    is set with it, so a loop that checks only READ or only WRITE still
 *    finds out. A dead stream connection carries HANGUP with its ERROR,
 *    whatever the interest.
 *  - HANGUP with READ asked sets every asked bit too, so that a loop that
 *    checks only its own bit sees the end of the connection.
 *  - Interest 0 reports nothing, even an error or a hangup.
 *  - interest may carry XSOCK_ONESHOT, which is no readiness bit. */
#ifndef XSOCK_COMMON_READINESS_H
#define XSOCK_COMMON_READINESS_H

#include "internal.h"

static inline unsigned xsock__ready_events(unsigned raw, unsigned interest) {
  unsigned ev;
  interest &= XSOCK_READ | XSOCK_WRITE; /* not XSOCK_ONESHOT */
  if (!(interest & XSOCK_READ) && !(raw & XSOCK_ERROR))
    raw &= ~(unsigned)XSOCK_HANGUP;
  ev = raw & interest;
  if (raw & (XSOCK_ERROR | XSOCK_HANGUP))
    ev |= (raw & (XSOCK_ERROR | XSOCK_HANGUP)) | interest;
  return interest ? ev : 0;
}

#endif /* XSOCK_COMMON_READINESS_H */
