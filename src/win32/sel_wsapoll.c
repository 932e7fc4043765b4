/* SPDX-License-Identifier: MIT */
/* Selector backend: WSAPoll, on Windows Vista and later.
 *
 * Notes on WSAPoll (see Microsoft's "WSAPoll function" page):
 *  - The WSAPOLLFD array is dense, with a parallel array of slots; remove
 *    moves the last entry into the hole, so add, modify and remove are
 *    O(1). A WSAPoll over zero sockets fails with WSAEINVAL; the front
 *    end's wakeup socket is always registered, so the array is never
 *    empty.
 *  - events may hold only POLLRDNORM/POLLWRNORM (others: WSAEINVAL on
 *    Windows; Wine accepts them). POLLERR, POLLHUP and POLLNVAL come
 *    anyway.
 *  - An entry whose fd is INVALID_SOCKET is not skipped the way poll(2)
 *    skips fd -1: Wine reports POLLNVAL for it. So interest 0 takes the
 *    registration out of the array and puts it back when interest returns.
 *  - A socket closed while registered reports POLLNVAL (ERROR|HANGUP), but
 *    Wine does not count it in the return value, so the scan does not
 *    stop after the returned count: it looks at every entry.
 *  - Failed connects: before Windows 10 version 2004, WSAPoll never
 *    reports a non-blocking connect that fails (the page calls this out:
 *    the socket shows neither POLLERR nor POLLWRNORM; newer Windows and
 *    Wine report POLLERR). select() does report it, in exceptfds, without
 *    reading the pending error. So every stream registration that asks
 *    for WRITE and is not known to be connected is a "connect candidate".
 *    While candidates exist each wait also runs select(timeout 0) over
 *    just them, after WSAPoll, and merges a failure into the same event as
 *    POLLERR; and WSAPoll's timeout is cut to WSAPOLL__SLICE_MS so that a
 *    connect failing during a long wait is still seen (the front end
 *    waits again while nothing is reported: there is no loop here). A
 *    candidate stops being one
 *    once it is seen writable or connected; a failed one stays, so the
 *    failure is reported at every wait, level-triggered.
 *  - Nothing here reads SO_ERROR, so xsock_connect_result() still finds
 *    a refused connect's error.
 *  - A one-shot registration that is reported is quieted in place the way
 *    a parked writer is (below), since the scan is still walking the
 *    array; its modify gives the entry its socket back, or unlinks it.
 *  - POLLHUP (the peer's FIN) comes whatever events asks for, but only a
 *    READ registration sees a hangup (src/common/readiness.h). A WRITE-only
 *    registration that WSAPoll names with POLLHUP and nothing else has a
 *    full send buffer and a peer that sends no more: WSAPoll would end
 *    every wait at once for it. Such an entry is "parked": its fd is
 *    pointed at the wakeup socket with events 0 (WSAPoll reports nothing
 *    for that), and while any are parked each wait checks them with a
 *    WSAPoll of its own (timeout 0) and blocks at most WSAPOLL__SLICE_MS,
 *    as for connect candidates. One that is writable again, failed or
 *    closed is unparked and reported in the same wait; a modify or a
 *    remove unparks it too. */
#include "config.h" /* before the guard: it defines XSOCK_HAVE_* */
#if XSOCK_HAVE_WSAPOLL

#include "selector.h"
#include "os.h"
#include "pollbits.h"

#include <stdlib.h>

/* A registration's flags. Its pos is its index in pfds plus one, 0 while
 * it is not in the array (interest 0). */
#define WSAPOLL__STREAM 1u  /* a stream (TCP) socket */
#define WSAPOLL__CAND 2u    /* a connect candidate (see the notes) */
#define WSAPOLL__SETTLED 4u /* never a candidate again: connected, or UDP */
#define WSAPOLL__PARKED 8u  /* a hung-up writer, out of WSAPoll's sight */

/* How long one WSAPoll may block while connect candidates or parked
 * writers exist. */
#define WSAPOLL__SLICE_MS 50

#ifdef XSOCK_TEST_HOOKS
/* Only in the test build of the library (never in the shipped one): when
 * nonzero, each wait throws away what WSAPoll itself reported for connect
 * candidates except POLLWRNORM, which is what Windows before 10 version
 * 2004 reports for a failed connect, so that the select() fallback is
 * exercised on newer Windows and under Wine (tests/selector_semantics.c). */
int xsock__wsapoll_legacy_connects;
#endif

typedef struct wsapoll__state {
  WSAPOLLFD *pfds;        /* one entry per registration with interest */
  uint32_t *slots;        /* slots[i] is the registration of pfds[i] */
  uint32_t n, cap;        /* entries used / allocated */
  uint32_t next;          /* where the next scan starts */
  uint32_t ncand;         /* registrations flagged WSAPOLL__CAND */
  uint32_t nparked;       /* registrations flagged WSAPOLL__PARKED */
  xsock__sockset_t *cset; /* scratch: the candidates, for select */
  uint32_t *cidx;         /* scratch: the pfds index of each cset entry */
} wsapoll__state_t;

/* Grows every array to hold want entries. Only add calls it, for all
 * registrations, so modify and wait never allocate. */
static int wsapoll__reserve(wsapoll__state_t *st, uint32_t want) {
  uint32_t cap;
  void *p;
  if (want <= st->cap)
    return 0;
  cap = xsock__grow_cap(st->cap, want);
  if ((p = xsock__grow_array(st->pfds, cap, sizeof *st->pfds)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->pfds = (WSAPOLLFD *)p;
  if ((p = xsock__grow_array(st->slots, cap, sizeof *st->slots)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->slots = (uint32_t *)p;
  if ((p = xsock__grow_array(st->cidx, cap, sizeof *st->cidx)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->cidx = (uint32_t *)p;
  if ((p = xsock__grow_array(st->cset, 1, XSOCK__SOCKSET_SIZE(cap))) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->cset = (xsock__sockset_t *)p;
  st->cap = cap;
  return 0;
}

static void wsapoll__destroy(struct xsock_selector *sel) {
  wsapoll__state_t *st = (wsapoll__state_t *)sel->impl;
  free(st->pfds);
  free(st->slots);
  free(st->cidx);
  free(st->cset);
  free(st);
  sel->impl = NULL;
}

static int wsapoll__init(struct xsock_selector *sel) {
  wsapoll__state_t *st = (wsapoll__state_t *)XSOCK__OS(calloc)(1, sizeof *st);
  if (st == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  sel->impl = st;
  return 0;
}

/* Puts a registration with interest into the array (room is reserved). */
static void wsapoll__link(struct xsock_selector *sel, uint32_t slot) {
  wsapoll__state_t *st = (wsapoll__state_t *)sel->impl;
  xsock__reg_t *reg = &sel->regs[slot];
  st->pfds[st->n].fd = (SOCKET)reg->sock;
  st->pfds[st->n].events = xsock__wsapoll_events(reg->interest);
  st->pfds[st->n].revents = 0;
  st->slots[st->n] = slot;
  reg->pos = ++st->n;
}

/* Takes a registration out of the array; the last entry fills the hole. */
static void wsapoll__unlink(struct xsock_selector *sel, uint32_t slot) {
  wsapoll__state_t *st = (wsapoll__state_t *)sel->impl;
  xsock__reg_t *reg = &sel->regs[slot];
  uint32_t i = reg->pos - 1, last = st->n - 1;
  if (i != last) {
    st->pfds[i] = st->pfds[last];
    st->slots[i] = st->slots[last];
    sel->regs[st->slots[i]].pos = i + 1;
  }
  st->n--;
  reg->pos = 0;
}

/* Gives a parked writer's entry its socket back (see the notes). */
static void wsapoll__unpark(struct xsock_selector *sel, xsock__reg_t *reg) {
  wsapoll__state_t *st = (wsapoll__state_t *)sel->impl;
  WSAPOLLFD *pfd = &st->pfds[reg->pos - 1];
  pfd->fd = (SOCKET)reg->sock;
  pfd->events = xsock__wsapoll_events(reg->interest);
  reg->flags &= ~WSAPOLL__PARKED;
  st->nparked--;
}

/* Whether WSAPoll named a registration for a hangup it does not see and
 * nothing else: a WRITE-only stream socket with a full send buffer whose
 * peer sent its FIN. Left in the array, it would end every wait. */
static int wsapoll__hung_writer(const xsock__reg_t *reg, SHORT re) {
  return (re & POLLHUP) && !(re & (POLLWRNORM | POLLERR | POLLNVAL)) &&
         !(reg->interest & XSOCK_READ) && (reg->flags & WSAPOLL__STREAM);
}

/* Parks an entry: pointed at the front end's wakeup socket with no events,
 * it makes WSAPoll report nothing (see the notes). */
static void wsapoll__park(struct xsock_selector *sel, xsock__reg_t *reg) {
  wsapoll__state_t *st = (wsapoll__state_t *)sel->impl;
  WSAPOLLFD *pfd = &st->pfds[reg->pos - 1];
  pfd->fd = (SOCKET)sel->wake.rd;
  pfd->events = 0;
  reg->flags |= WSAPOLL__PARKED;
  st->nparked++;
}

/* Polls each parked writer on its own, without blocking; one that WSAPoll
 * now names for more than the hangup (writable, an error, closed) is
 * unparked, with what WSAPoll said in its revents for the scan. */
static void wsapoll__check_parked(struct xsock_selector *sel) {
  wsapoll__state_t *st = (wsapoll__state_t *)sel->impl;
  uint32_t i;
  for (i = 0; i < st->n; i++) {
    xsock__reg_t *reg = &sel->regs[st->slots[i]];
    WSAPOLLFD one;
    if (!(reg->flags & WSAPOLL__PARKED))
      continue;
    one.fd = (SOCKET)reg->sock;
    one.events = xsock__wsapoll_events(reg->interest);
    one.revents = 0;
    if (XSOCK__OS(WSAPoll)(&one, 1, 0) == SOCKET_ERROR)
      one.revents = POLLNVAL; /* closed while registered */
    if (one.revents & (POLLWRNORM | POLLERR | POLLNVAL)) {
      wsapoll__unpark(sel, reg);
      st->pfds[i].revents = one.revents;
    }
  }
}

/* Makes the candidate flag match the interest (see the notes). A stream
 * socket that asks for WRITE and has a peer is connected: it is settled
 * without ever becoming a candidate. */
static void wsapoll__update_candidate(struct xsock_selector *sel,
                                      xsock__reg_t *reg) {
  wsapoll__state_t *st = (wsapoll__state_t *)sel->impl;
  int want = (reg->interest & XSOCK_WRITE) && !(reg->flags & WSAPOLL__SETTLED);
  if (want && !(reg->flags & WSAPOLL__CAND)) {
    struct sockaddr_storage ss;
    int len = (int)sizeof ss;
    if (getpeername((SOCKET)reg->sock, (struct sockaddr *)&ss, &len) == 0) {
      reg->flags |= WSAPOLL__SETTLED;
    } else {
      reg->flags |= WSAPOLL__CAND;
      st->ncand++;
    }
  } else if (!want && (reg->flags & WSAPOLL__CAND)) {
    reg->flags &= ~WSAPOLL__CAND;
    st->ncand--;
  }
}

/* Silences a one-shot registration that was just reported, in place, as a
 * parked entry is (pointed at the wakeup socket with no events): the scan
 * is still walking the array, so the entry cannot leave it now. A modify
 * gives it its socket back or unlinks it. It is no connect candidate
 * while its interest is 0. */
static void wsapoll__quiet(struct xsock_selector *sel, xsock__reg_t *reg) {
  wsapoll__state_t *st = (wsapoll__state_t *)sel->impl;
  WSAPOLLFD *pfd = &st->pfds[reg->pos - 1];
  pfd->fd = (SOCKET)sel->wake.rd;
  pfd->events = 0;
  wsapoll__update_candidate(sel, reg);
}

static int wsapoll__add_slot(struct xsock_selector *sel, uint32_t slot) {
  wsapoll__state_t *st = (wsapoll__state_t *)sel->impl;
  xsock__reg_t *reg = &sel->regs[slot];
  int rc, stream;
  if ((rc = xsock__winsel_check((SOCKET)reg->sock, &stream)) < 0)
    return rc;
  /* Room for every registration, so that modify can link without
   * allocating: the ones there are and this one. */
  if ((rc = wsapoll__reserve(st, sel->regs_used + 1)) < 0)
    return rc;
  reg->flags = stream ? WSAPOLL__STREAM : WSAPOLL__SETTLED;
  if (reg->interest)
    wsapoll__link(sel, slot);
  wsapoll__update_candidate(sel, reg);
  return 0;
}

/* add as the front end tail-calls it (selector.h). */
static int wsapoll__add(struct xsock_selector *sel, uint32_t slot) {
  return xsock__added(sel, slot, wsapoll__add_slot(sel, slot));
}

static int wsapoll__modify(struct xsock_selector *sel, uint32_t slot,
                           unsigned old, void *udata) {
  wsapoll__state_t *st = (wsapoll__state_t *)sel->impl;
  xsock__reg_t *reg = &sel->regs[slot];
  if (reg->flags & WSAPOLL__PARKED)
    wsapoll__unpark(sel, reg);
  if (!reg->interest) {
    if (reg->pos)
      wsapoll__unlink(sel, slot);
  } else if (!reg->pos) {
    wsapoll__link(sel, slot);
  } else {
    /* The socket too: a reported one-shot entry was quieted. */
    st->pfds[reg->pos - 1].fd = (SOCKET)reg->sock;
    st->pfds[reg->pos - 1].events = xsock__wsapoll_events(reg->interest);
  }
  wsapoll__update_candidate(sel, reg);
  return xsock__modified(sel, slot, old, udata, 0);
}

static int wsapoll__remove(struct xsock_selector *sel, uint32_t slot) {
  wsapoll__state_t *st = (wsapoll__state_t *)sel->impl;
  xsock__reg_t *reg = &sel->regs[slot];
  if (reg->flags & WSAPOLL__CAND)
    st->ncand--;
  if (reg->flags & WSAPOLL__PARKED)
    st->nparked--;
  if (reg->pos)
    wsapoll__unlink(sel, slot);
  reg->flags = 0;
  return 0;
}

/* Runs select(timeout 0) over the connect candidates and marks a failed
 * connect as POLLERR in its revents, where the scan finds it. A select
 * error (a candidate closed meanwhile, which WSAPoll reports as POLLNVAL)
 * leaves the WSAPoll result as it is. */
static void wsapoll__check_candidates(struct xsock_selector *sel) {
  wsapoll__state_t *st = (wsapoll__state_t *)sel->impl;
  struct timeval tv = {0, 0};
  u_int k = 0, j, c;
  uint32_t i;
  for (i = 0; i < st->n; i++) {
    if (sel->regs[st->slots[i]].flags & WSAPOLL__CAND) {
      st->cset->fd_array[k] = st->pfds[i].fd;
      st->cidx[k++] = i;
    }
  }
  if (k == 0)
    return;
  st->cset->fd_count = k;
  if (XSOCK__OS(select)(0, NULL, NULL, (fd_set *)st->cset, &tv) <= 0)
    return;
  /* select left only the failed ones in the set (normally none or one). */
  for (j = 0; j < st->cset->fd_count; j++) {
    SOCKET s = st->cset->fd_array[j];
    for (c = 0; c < k; c++) {
      WSAPOLLFD *pfd = &st->pfds[st->cidx[c]];
      if (pfd->fd == s) {
        if (xsock__winsel_connect_failed(s))
          pfd->revents |= POLLERR;
        break;
      }
    }
  }
}

static int wsapoll__wait(struct xsock_selector *sel, xsock_event_t *evs,
                         int max, int timeout_ms) {
  wsapoll__state_t *st = (wsapoll__state_t *)sel->impl;
  uint32_t i, k;
  int out = 0;
  if ((st->ncand || st->nparked) &&
      (timeout_ms < 0 || timeout_ms > WSAPOLL__SLICE_MS))
    timeout_ms = WSAPOLL__SLICE_MS;
  if (XSOCK__UNLIKELY(XSOCK__OS(WSAPoll)(st->pfds, (ULONG)st->n, timeout_ms) ==
                      SOCKET_ERROR))
    return xsock__wsa_fail();
  if (st->ncand) {
#ifdef XSOCK_TEST_HOOKS
    if (xsock__wsapoll_legacy_connects) {
      for (i = 0; i < st->n; i++)
        if (sel->regs[st->slots[i]].flags & WSAPOLL__CAND)
          st->pfds[i].revents &= POLLWRNORM;
    }
#endif
    wsapoll__check_candidates(sel);
  }
  if (st->nparked)
    wsapoll__check_parked(sel);
  i = st->next < st->n ? st->next : 0;
  for (k = 0; k < st->n; k++, i = i + 1 < st->n ? i + 1 : 0) {
    SHORT re = st->pfds[i].revents;
    xsock__reg_t *reg;
    if (re == 0)
      continue;
    if (out == max) {
      st->next = i;
      return out;
    }
    reg = &sel->regs[st->slots[i]];
    if ((re & POLLWRNORM) && (reg->flags & WSAPOLL__CAND)) {
      /* Connected: WSAPoll alone reports everything from now on. */
      reg->flags = (reg->flags & ~WSAPOLL__CAND) | WSAPOLL__SETTLED;
      st->ncand--;
    }
    if (XSOCK__UNLIKELY(wsapoll__hung_writer(reg, re))) {
      wsapoll__park(sel, reg);
      continue;
    }
    evs[out].sock = reg->sock;
    evs[out].events = xsock__ready_events(
        xsock__wsapoll_raw(re, (reg->flags & WSAPOLL__STREAM) != 0),
        reg->interest);
    evs[out].udata = reg->udata;
    if (evs[out].events == 0)
      continue;
    out++;
    if (xsock__reg_fire(reg))
      wsapoll__quiet(sel, reg);
  }
  st->next = 0;
  return out;
}

XSOCK__INTERNAL const xsock__backend_t xsock__backend_wsapoll = {
    XSOCK_BACKEND_WSAPOLL,
    wsapoll__init,
    wsapoll__destroy,
    wsapoll__add,
    wsapoll__modify,
    wsapoll__remove,
    wsapoll__wait,
    NULL,
    0};

#endif /* XSOCK_HAVE_WSAPOLL */
