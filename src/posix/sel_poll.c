/* SPDX-License-Identifier: MIT */
/* Selector backend: poll(2), on every POSIX system.
 *
 * Notes on poll (see poll(2) and POSIX's poll page):
 *  - The pollfd array is dense, in registration order (the front end's
 *    wakeup is one of them), with a parallel array of slots; remove moves
 *    the last entry into the hole (and updates that registration's pos),
 *    so add, modify and remove are O(1).
 *  - POLLERR, POLLHUP and POLLNVAL are reported even when not asked for;
 *    interest 0 sets the entry's fd to -1, which poll skips entirely.
 *  - A one-shot registration that is reported gets fd -1 at once: poll
 *    has no kernel state, so disarming costs nothing.
 *  - POLLNVAL means the descriptor was closed while registered; it is
 *    reported as ERROR|HANGUP so that the caller removes it.
 *  - A peer's FIN is POLLRDHUP on Linux (asked for with POLLIN); elsewhere
 *    POLLHUP, or POLLIN with recv() giving 0 on systems that report
 *    neither (macOS sets POLLHUP only once both directions are closed).
 *  - poll never reads a socket's pending error, so a failed connect is
 *    still there for xsock_connect_result().
 *  - poll returns the number of ready entries, so the scan stops after
 *    that many. When more are ready than the caller's array holds, the
 *    next scan starts where this one stopped, so no handle starves. */
#include "config.h" /* before the guard: it defines XSOCK_HAVE_* */
#if XSOCK_HAVE_POLL

#include "pollbits.h"
#include "os.h"
#include "selector.h"

#include <stdlib.h>

typedef struct poll__state {
  struct pollfd *fds; /* one entry per registration */
  uint32_t *slots;    /* slots[i] is the registration of fds[i] */
  uint32_t n, cap;    /* entries used / allocated */
  uint32_t next;      /* where the next scan starts */
} poll__state_t;

static int poll__reserve(poll__state_t *st, uint32_t want) {
  uint32_t cap;
  void *p;
  if (want <= st->cap)
    return 0;
  cap = xsock__grow_cap(st->cap, want);
  if ((p = xsock__grow_array(st->fds, cap, sizeof *st->fds)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->fds = (struct pollfd *)p;
  if ((p = xsock__grow_array(st->slots, cap, sizeof *st->slots)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->slots = (uint32_t *)p;
  st->cap = cap;
  return 0;
}

static void poll__destroy(struct xsock_selector *sel) {
  poll__state_t *st = (poll__state_t *)sel->impl;
  free(st->fds);
  free(st->slots);
  free(st);
  sel->impl = NULL;
}

static int poll__init(struct xsock_selector *sel) {
  poll__state_t *st = (poll__state_t *)XSOCK__OS(calloc)(1, sizeof *st);
  if (st == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  sel->impl = st;
  return 0;
}

static void poll__set(struct pollfd *pfd, const xsock__reg_t *reg) {
  pfd->fd = reg->interest ? reg->sock : -1;
  pfd->events = xsock__poll_events(reg->interest);
  pfd->revents = 0;
}

static int poll__add_slot(struct xsock_selector *sel, uint32_t slot) {
  poll__state_t *st = (poll__state_t *)sel->impl;
  xsock__reg_t *reg = &sel->regs[slot];
  int rc;
  if ((rc = xsock__posix_check_pollable(reg->sock)) < 0)
    return rc;
  if ((rc = poll__reserve(st, st->n + 1)) < 0)
    return rc;
  poll__set(&st->fds[st->n], reg);
  st->slots[st->n] = slot;
  reg->pos = st->n++;
  return 0;
}

/* add as the front end tail-calls it (selector.h). */
static int poll__add(struct xsock_selector *sel, uint32_t slot) {
  return xsock__added(sel, slot, poll__add_slot(sel, slot));
}

static int poll__modify(struct xsock_selector *sel, uint32_t slot, unsigned old,
                        void *udata) {
  poll__state_t *st = (poll__state_t *)sel->impl;
  poll__set(&st->fds[sel->regs[slot].pos], &sel->regs[slot]);
  return xsock__modified(sel, slot, old, udata, 0);
}

static int poll__remove(struct xsock_selector *sel, uint32_t slot) {
  poll__state_t *st = (poll__state_t *)sel->impl;
  uint32_t i = sel->regs[slot].pos, last = st->n - 1;
  if (i != last) {
    st->fds[i] = st->fds[last];
    st->slots[i] = st->slots[last];
    sel->regs[st->slots[i]].pos = i;
  }
  st->n--;
  return 0;
}

static int poll__wait(struct xsock_selector *sel, xsock_event_t *evs, int max,
                      int timeout_ms) {
  poll__state_t *st = (poll__state_t *)sel->impl;
  const struct pollfd *fds = st->fds;
  uint32_t start = st->next < st->n ? st->next : 0, i, end;
  int left, out = 0, pass;
  left = XSOCK__OS(poll)(st->fds, st->n, timeout_ms);
  if (XSOCK__UNLIKELY(left < 0))
    return errno == EINTR ? XSOCK_EINTR : xsock__errno_fail();
  /* From where the last full scan stopped to the end, then the rest: two
   * plain loops that stop after the last ready entry, with no wrap-around
   * test per entry. */
  st->next = 0;
  for (pass = 0; pass < 2 && left > 0; pass++) {
    i = pass ? 0 : start;
    end = pass ? start : st->n;
    for (; i < end; i++) {
      xsock__reg_t *reg;
      unsigned ev;
      if (XSOCK__LIKELY(fds[i].revents == 0))
        continue;
      if (out == max) {
        st->next = i;
        return out;
      }
      reg = &sel->regs[st->slots[i]];
      ev = xsock__ready_events(xsock__poll_raw(fds[i].revents), reg->interest);
      if (ev != 0) {
        evs[out].sock = reg->sock;
        evs[out].events = ev;
        evs[out].udata = reg->udata;
        out++;
        if (xsock__reg_fire(reg))
          st->fds[i].fd = -1; /* silent until modify sets it again */
      }
      if (--left == 0)
        break;
    }
  }
  return out;
}

XSOCK__INTERNAL const xsock__backend_t xsock__backend_poll = {
    XSOCK_BACKEND_POLL, poll__init, poll__destroy, poll__add, poll__modify,
    poll__remove,       poll__wait, NULL,          0};

#endif /* XSOCK_HAVE_POLL */
