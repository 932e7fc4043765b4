/* SPDX-License-Identifier: MIT */
/* How the kqueue backend's changes reach the kernel (the notes at the top
 * of sel_kqueue.c say why): a change whose errno the caller must see goes
 * at once with EV_RECEIPT, carrying the queued deletes ahead of it; a
 * delete that a modify makes waits in the queue for the next kevent(),
 * the wait's or an immediate change's. */
#include "config.h" /* before the guard: it defines XSOCK_HAVE_* */
#if XSOCK_HAVE_KQUEUE

#include "os.h"
#include "sel_kqueue.h"

void *xsock__kqueue_udata(const struct xsock_selector *sel, uint32_t slot) {
  uint64_t t = xsock__reg_token(sel, slot);
  if (sizeof(void *) < sizeof(uint64_t))
    t = (t & 0xFFFFFFu) | ((t >> 32) << 24);
  return (void *)(uintptr_t)t;
}

int xsock__kqueue_submit(struct xsock_selector *sel, uint32_t slot,
                         unsigned filters, unsigned short flags, int err[2]) {
  kqueue__state_t *st = (kqueue__state_t *)sel->impl;
  struct kevent *ch = st->queue;
  int base = st->nq, n = st->nq, i;
  uintptr_t id = (uintptr_t)sel->regs[slot].sock;
  void *u = xsock__kqueue_udata(sel, slot);
  err[0] = err[1] = 0;
  if (filters & XSOCK_READ)
    EV_SET(&ch[n++], id, EVFILT_READ, flags, 0, 0, u);
  if (filters & XSOCK_WRITE)
    EV_SET(&ch[n++], id, EVFILT_WRITE, flags, 0, 0, u);
  if (n == 0)
    return 0;
#ifdef EV_RECEIPT
  {
    int got;
    for (i = 0; i < n; i++)
      ch[i].flags |= EV_RECEIPT;
    got = XSOCK__OS(kevent)(st->kq, ch, n, st->kevs, n, NULL);
    if (got < 0) {
      for (i = 0; i < base; i++)
        ch[i].flags &= (unsigned short)~EV_RECEIPT;
      return xsock__errno_fail();
    }
    st->nq = 0;
    /* Receipts come back in the order of the changes; the check of the
     * key keeps a queued delete's errno from being read as a new one's. */
    for (i = base; i < got; i++)
      if ((st->kevs[i].flags & EV_ERROR) && st->kevs[i].ident == id)
        err[st->kevs[i].filter == EVFILT_WRITE] = (int)st->kevs[i].data;
  }
#else
  /* Without EV_RECEIPT one change per call keeps each errno exact. */
  (void)base;
  for (i = 0; i < n; i++)
    if (XSOCK__OS(kevent)(st->kq, &ch[i], 1, NULL, 0, NULL) < 0)
      err[ch[i].filter == EVFILT_WRITE] = errno;
#endif
  return 0;
}

void xsock__kqueue_defer_delete(struct xsock_selector *sel, uint32_t slot,
                                unsigned drop) {
  kqueue__state_t *st = (kqueue__state_t *)sel->impl;
  uintptr_t id = (uintptr_t)sel->regs[slot].sock;
  int err[2];
  if (st->nq + 2 > KQUEUE__QMAX) {
    (void)xsock__kqueue_submit(sel, slot, drop, EV_DELETE, err);
    return;
  }
  if (drop & XSOCK_READ)
    EV_SET(&st->queue[st->nq++], id, EVFILT_READ, EV_DELETE, 0, 0, NULL);
  if (drop & XSOCK_WRITE)
    EV_SET(&st->queue[st->nq++], id, EVFILT_WRITE, EV_DELETE, 0, 0, NULL);
}

int xsock__kqueue_collect(kqueue__state_t *st, int max,
                          const struct timespec *tp) {
  int lim = max < (int)st->cap ? max : (int)st->cap, nq = st->nq, n, i;
  for (;;) {
    n = XSOCK__OS(kevent)(st->kq, st->queue, nq, st->kevs, lim, tp);
    if (XSOCK__UNLIKELY(n < 0)) {
      if (errno == EINTR) /* after the changes: they were applied */
        break;
      if (nq == 0)
        return xsock__errno_fail();
      /* A BSD kevent() with no room left to report a failed change stops
       * there. Deletes are idempotent: send them all again, with room. */
      for (i = 0; i < nq; i++)
        st->queue[i].flags |= KQUEUE__RECEIPT;
      (void)XSOCK__OS(kevent)(st->kq, st->queue, nq, st->kevs, nq, NULL);
      nq = 0;
      continue;
    }
    st->nq = nq = 0;
    /* A BSD kevent() that reports a failed change collects nothing. */
    for (i = 0; i < n && (st->kevs[i].flags & EV_ERROR); i++)
      ;
    if (n == 0 || i < n)
      return n;
  }
  st->nq = 0;
  return XSOCK_EINTR;
}

#endif /* XSOCK_HAVE_KQUEUE */
