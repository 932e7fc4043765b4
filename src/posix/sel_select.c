/* SPDX-License-Identifier: MIT */
/* Selector backend: select(2), the last resort on POSIX.
 *
 * Notes on select (see select(2) and POSIX's pselect page):
 *  - An fd_set holds descriptors below FD_SETSIZE (1024 on glibc, macOS
 *    and the BSDs unless rebuilt); FD_SET beyond it writes out of bounds.
 *    add therefore refuses fd >= FD_SETSIZE with XSOCK_ERANGE.
 *  - select reports only "readable" and "writable": a refused connect, a
 *    reset or a FIN look like plain readiness, and finding out more with
 *    recv() or getsockopt(SO_ERROR) would consume the pending error that
 *    xsock_connect_result() must still read. So the descriptors select
 *    found ready are classified with ONE poll(timeout 0) over just them,
 *    and mapped as the poll backend maps them.
 *  - A descriptor closed while registered makes the whole select fail
 *    with EBADF. The wait then polls every registration once (timeout 0),
 *    which names the dead ones (POLLNVAL, reported as ERROR|HANGUP) along
 *    with whatever else is ready.
 *  - Master sets are kept and copied for each wait; the registration order
 *    is a dense slot array (remove swaps with the last), and a scan that
 *    fills the caller's array resumes there next time, so none starves. */
#include "config.h" /* before the guard: it defines XSOCK_HAVE_* */
#if XSOCK_HAVE_SELECT

#include "pollbits.h"
#include "os.h"
#include "selector.h"

#include <stdlib.h>
#include <sys/select.h>
#include <sys/time.h>

typedef struct select__state {
  fd_set rmaster, wmaster; /* what is watched */
  fd_set rset, wset;       /* per-wait copies, kept here, off the stack */
  int maxfd;               /* highest watched descriptor, or -1 */
  uint32_t *order;         /* slots in registration order */
  struct pollfd *pfds;     /* scratch for the classifying poll */
  uint32_t *pslots;        /* the slot of each pfds entry */
  uint32_t n, cap, next;
} select__state_t;

static void select__destroy(struct xsock_selector *sel) {
  select__state_t *st = (select__state_t *)sel->impl;
  free(st->order);
  free(st->pfds);
  free(st->pslots);
  free(st);
  sel->impl = NULL;
}

static int select__init(struct xsock_selector *sel) {
  select__state_t *st = (select__state_t *)XSOCK__OS(calloc)(1, sizeof *st);
  if (st == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  FD_ZERO(&st->rmaster);
  FD_ZERO(&st->wmaster);
  st->maxfd = -1;
  sel->impl = st;
  return 0;
}

static int select__reserve(select__state_t *st, uint32_t want) {
  uint32_t cap;
  void *p;
  if (want <= st->cap)
    return 0;
  cap = xsock__grow_cap(st->cap, want);
  if ((p = xsock__grow_array(st->order, cap, sizeof *st->order)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->order = (uint32_t *)p;
  if ((p = xsock__grow_array(st->pfds, cap, sizeof *st->pfds)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->pfds = (struct pollfd *)p;
  if ((p = xsock__grow_array(st->pslots, cap, sizeof *st->pslots)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->pslots = (uint32_t *)p;
  st->cap = cap;
  return 0;
}

/* Puts reg's descriptor into the master sets its interest asks for. */
static void select__watch(select__state_t *st, const xsock__reg_t *reg) {
  int fd = reg->sock;
  FD_CLR(fd, &st->rmaster);
  FD_CLR(fd, &st->wmaster);
  if (reg->interest & XSOCK_READ)
    FD_SET(fd, &st->rmaster);
  if (reg->interest & XSOCK_WRITE)
    FD_SET(fd, &st->wmaster);
  if (reg->interest && fd > st->maxfd)
    st->maxfd = fd;
}

/* Lowers maxfd after fd stopped being watched. O(n), but only when the
 * highest descriptor goes away. */
static void select__lower_max(struct xsock_selector *sel, int fd) {
  select__state_t *st = (select__state_t *)sel->impl;
  uint32_t j;
  if (fd != st->maxfd)
    return;
  st->maxfd = -1;
  for (j = 0; j < st->n; j++) {
    const xsock__reg_t *reg = &sel->regs[st->order[j]];
    if (reg->interest && reg->sock != fd && reg->sock > st->maxfd)
      st->maxfd = reg->sock;
  }
}

static int select__add(struct xsock_selector *sel, uint32_t slot) {
  select__state_t *st = (select__state_t *)sel->impl;
  xsock__reg_t *reg = &sel->regs[slot];
  int rc;
  if ((rc = xsock__posix_check_pollable(reg->sock)) < 0)
    return rc;
  if (reg->sock >= FD_SETSIZE)
    return xsock__fail(XSOCK_ERANGE, 0);
  if ((rc = select__reserve(st, st->n + 1)) < 0)
    return rc;
  xsock__order_push(sel, st->order, &st->n, slot);
  select__watch(st, reg);
  return 0;
}

static int select__modify(struct xsock_selector *sel, uint32_t slot,
                          unsigned old, void *udata) {
  select__state_t *st = (select__state_t *)sel->impl;
  const xsock__reg_t *reg = &sel->regs[slot];
  select__watch(st, reg);
  if (old && !reg->interest)
    select__lower_max(sel, reg->sock);
  return xsock__modified(sel, slot, old, udata, 0);
}

static int select__remove(struct xsock_selector *sel, uint32_t slot) {
  select__state_t *st = (select__state_t *)sel->impl;
  xsock__reg_t *reg = &sel->regs[slot];
  FD_CLR(reg->sock, &st->rmaster);
  FD_CLR(reg->sock, &st->wmaster);
  xsock__order_drop(sel, st->order, &st->n, slot);
  select__lower_max(sel, reg->sock);
  return 0;
}

/* Classifies the k collected entries with one poll and stores the events;
 * from_select adds what select itself saw (nothing after an EBADF). */
static int select__classify(struct xsock_selector *sel, xsock_event_t *evs,
                            uint32_t k, int from_select) {
  select__state_t *st = (select__state_t *)sel->impl;
  uint32_t i;
  int out = 0, rc;
  /* A signal here ends this wait like one during select: the front end
   * waits again (nothing was consumed), so no loop of its own. */
  if ((rc = XSOCK__OS(poll)(st->pfds, k, 0)) < 0 && errno == EINTR)
    return XSOCK_EINTR;
  for (i = 0; i < k; i++) {
    xsock__reg_t *reg = &sel->regs[st->pslots[i]];
    int fd = reg->sock;
    unsigned raw = rc > 0 ? xsock__poll_raw(st->pfds[i].revents) : 0;
    if (from_select) {
      raw |= FD_ISSET(fd, &st->rset) ? XSOCK_READ : 0u;
      raw |= FD_ISSET(fd, &st->wset) ? XSOCK_WRITE : 0u;
    }
    evs[out].sock = fd;
    evs[out].events = xsock__ready_events(raw, reg->interest);
    evs[out].udata = reg->udata;
    if (evs[out].events == 0)
      continue;
    out++;
    if (xsock__reg_fire(reg)) {
      /* Silent until modified; maxfd may stay high, which costs nothing
       * but a longer scan in the kernel. */
      FD_CLR(fd, &st->rmaster);
      FD_CLR(fd, &st->wmaster);
    }
  }
  return out;
}

/* Puts entry j of the registration order into the classifying poll. */
static void select__take(select__state_t *st, const xsock__reg_t *reg,
                         uint32_t k, uint32_t slot) {
  st->pfds[k].fd = reg->sock;
  st->pfds[k].events = xsock__poll_events(reg->interest);
  st->pfds[k].revents = 0;
  st->pslots[k] = slot;
}

/* Collects into pfds, in registration order from st->next, at most max
 * watched entries: those select found ready (from_select, stopping after
 * the left ready bits), or all of them. Returns how many. Two plain loops
 * (from st->next to the end, then the rest), no wrap-around per entry. */
static uint32_t select__collect(struct xsock_selector *sel, int max, int left,
                                int from_select) {
  select__state_t *st = (select__state_t *)sel->impl;
  uint32_t start = st->next < st->n ? st->next : 0, j, end, k = 0;
  int pass;
  st->next = 0;
  for (pass = 0; pass < 2 && (!from_select || left > 0); pass++) {
    j = pass ? 0 : start;
    end = pass ? start : st->n;
    for (; j < end; j++) {
      const xsock__reg_t *reg = &sel->regs[st->order[j]];
      int hits = 0;
      if (!reg->interest)
        continue;
      if (from_select) {
        hits = (FD_ISSET(reg->sock, &st->rset) != 0) +
               (FD_ISSET(reg->sock, &st->wset) != 0);
        if (XSOCK__LIKELY(!hits))
          continue;
      }
      if (k == (uint32_t)max) {
        st->next = j;
        return k;
      }
      select__take(st, reg, k++, st->order[j]);
      if (from_select && (left -= hits) <= 0)
        break;
    }
  }
  return k;
}

static int select__wait(struct xsock_selector *sel, xsock_event_t *evs, int max,
                        int timeout_ms) {
  select__state_t *st = (select__state_t *)sel->impl;
  struct timeval tv, *ptv = NULL;
  int rc;
  uint32_t k;
  if (timeout_ms >= 0) {
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    ptv = &tv;
  }
  st->rset = st->rmaster;
  st->wset = st->wmaster;
  rc = XSOCK__OS(select)(st->maxfd + 1, &st->rset, &st->wset, NULL, ptv);
  if (XSOCK__UNLIKELY(rc < 0)) {
    if (errno == EINTR)
      return XSOCK_EINTR;
    if (errno != EBADF)
      return xsock__errno_fail();
    /* A registered descriptor was closed: let poll name it. */
    k = select__collect(sel, max, 0, 0);
    return select__classify(sel, evs, k, 0);
  }
  if (rc == 0)
    return 0;
  k = select__collect(sel, max, rc, 1);
  return select__classify(sel, evs, k, 1);
}

XSOCK__INTERNAL const xsock__backend_t xsock__backend_select = {
    XSOCK_BACKEND_SELECT, select__init,   select__destroy, select__add,
    select__modify,       select__remove, select__wait,    NULL};

#endif /* XSOCK_HAVE_SELECT */
