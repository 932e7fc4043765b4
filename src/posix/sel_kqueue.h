/* SPDX-License-Identifier: MIT */
/* The kqueue backend's state, shared by its two files: sel_kqueue.c (the
 * backend: registrations and the wait) and sel_kqueue_changes.c (how
 * changes reach the kernel: at once, or queued for the next kevent()).
 * The notes on kqueue are at the top of sel_kqueue.c. */
#ifndef XSOCK_POSIX_SEL_KQUEUE_H
#define XSOCK_POSIX_SEL_KQUEUE_H

#include "selector.h"

#include <sys/event.h>
#include <sys/time.h>

/* reg->flags holds the filters the kernel has (or will have once the
 * queued changes reach it), as XSOCK_READ/XSOCK_WRITE, and whether the
 * handle is a datagram socket. */
#define KQUEUE__BOTH (XSOCK_READ | XSOCK_WRITE)
#define KQUEUE__DGRAM 0x100u
/* A one-shot report set the interest to 0 and left the knotes armed. */
#define KQUEUE__FIRED 0x200u

/* Batching needs EV_RECEIPT, to tell each change's errno apart in a call
 * that carries older changes too. Without it every change goes at once. */
#ifdef EV_RECEIPT
#define KQUEUE__QMAX 32
#define KQUEUE__RECEIPT EV_RECEIPT
#else
#define KQUEUE__QMAX 0
#define KQUEUE__RECEIPT 0
#endif

#if XSOCK_KQUEUE_USER_WAKEUP && defined(EVFILT_USER) && defined(NOTE_TRIGGER)
#define KQUEUE__USER_WAKEUP 1
#else
#define KQUEUE__USER_WAKEUP 0
#endif

typedef struct kqueue__state {
  int kq;
  int nq;              /* deferred deletes waiting in queue */
  uint32_t cap;        /* entries of kevs and of slots */
  struct kevent *kevs; /* what one wait collects; receipts of a change */
  uint32_t *slots;     /* slots[i]: the registration of the i-th event */
  /* Deferred deletes, then room for one call's own two changes. */
  struct kevent queue[KQUEUE__QMAX + 2];
} kqueue__state_t;

/* The udata a registration's knotes carry: its token. Where a pointer has
 * fewer than 64 bits, it holds the slot (below 2^24) and the low 8 bits of
 * the generation. */
XSOCK__INTERNAL void *xsock__kqueue_udata(const struct xsock_selector *sel,
                                          uint32_t slot);

/* Hands the kernel the queued deletes and then one change (flags: EV_ADD
 * or EV_DELETE) for each filter in filters, in one call, and stores each
 * new change's errno (0 on success) in err[0] (READ) and err[1] (WRITE).
 * Returns an XSOCK_E* code only when kevent() itself failed (the queue is
 * then kept for the next call). */
XSOCK__INTERNAL int xsock__kqueue_submit(struct xsock_selector *sel,
                                         uint32_t slot, unsigned filters,
                                         unsigned short flags, int err[2]);

/* Queues the EV_DELETE of the filters in drop for the next kevent() call;
 * a full queue is sent at once, with them. */
XSOCK__INTERNAL void xsock__kqueue_defer_delete(struct xsock_selector *sel,
                                                uint32_t slot, unsigned drop);

/* The wait's one kevent(): hands over the queued deletes and collects at
 * most max kevents into st->kevs, so that even unmerged they fit in the
 * caller's array. Returns their count (EV_ERROR entries of failed queued
 * deletes included: skip them) or an XSOCK_E* code (XSOCK_EINTR). */
XSOCK__INTERNAL int xsock__kqueue_collect(kqueue__state_t *st, int max,
                                          const struct timespec *tp);

#endif /* XSOCK_POSIX_SEL_KQUEUE_H */
