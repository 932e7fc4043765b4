/* SPDX-License-Identifier: MIT */
/* The POSIX selector wakeup channel (src/posix/wakeup.c): an eventfd on
 * Linux, a non-blocking close-on-exec pipe elsewhere. Each backend watches
 * rfd for reading, drains it inside its wait, and never reports it. */
#ifndef XSOCK_POSIX_WAKEUP_H
#define XSOCK_POSIX_WAKEUP_H

typedef struct xsock__wakeup {
  int rfd; /* watched for reading by the backend */
  int wfd; /* written by xsock__wakeup_signal; equal to rfd for eventfd */
} xsock__wakeup_t;

/* Creates the channel; both fds are -1 on failure. */
int xsock__wakeup_open(xsock__wakeup_t *w);

void xsock__wakeup_close(xsock__wakeup_t *w);

/* Makes rfd readable. Async-signal-safe and thread-safe: one write(2),
 * errno preserved, nothing recorded in thread-local state. A full pipe or
 * counter means a wakeup is already pending, which is success: wakeups
 * coalesce. */
int xsock__wakeup_signal(const xsock__wakeup_t *w);

/* Empties rfd so that it stops being readable until the next signal. */
void xsock__wakeup_drain(const xsock__wakeup_t *w);

#endif /* XSOCK_POSIX_WAKEUP_H */
