/* SPDX-License-Identifier: MIT */
/* The Windows selector wakeup channel (src/win32/wakeup.c): a loopback TCP
 * pair from xsock_socketpair(), both ends non-blocking. Each backend
 * watches rd for reading, drains it inside its wait, and never reports
 * it. */
#ifndef XSOCK_WIN32_WAKEUP_H
#define XSOCK_WIN32_WAKEUP_H

#include "os.h"

typedef struct xsock__wakeup {
  SOCKET rd;             /* watched for reading by the backend */
  SOCKET wr;             /* written by xsock__wakeup_signal */
  volatile LONG pending; /* 1 while a byte is (about to be) in flight */
} xsock__wakeup_t;

/* Creates the channel; both ends are INVALID_SOCKET on failure. */
int xsock__wakeup_open(xsock__wakeup_t *w);

void xsock__wakeup_close(xsock__wakeup_t *w);

/* Makes rd readable. Thread-safe. Coalesces: while a wakeup is pending
 * (not yet drained) a further call sends nothing. */
int xsock__wakeup_signal(xsock__wakeup_t *w);

/* Empties rd and re-arms the channel. Called only by the owner's wait,
 * after the backend saw rd readable. */
void xsock__wakeup_drain(xsock__wakeup_t *w);

#endif /* XSOCK_WIN32_WAKEUP_H */
