/* SPDX-License-Identifier: MIT */
/* Selector backend: Winsock select, the last resort on Windows.
 *
 * Notes on Winsock's select (see Microsoft's "select function" and
 * "fd_set structure" pages):
 *  - An fd_set is not a bitmap but a count and an array of SOCKETs,
 *    FD_SETSIZE (64) long by default; select reads fd_count entries, so
 *    sets allocated here with room for every registration work for any
 *    number of sockets. The first argument is ignored.
 *  - Sets are rebuilt from the registrations at each wait (select rewrites
 *    them in place, keeping only the ready sockets). The front end's
 *    wakeup socket is always registered for reading, which matters:
 *    select with three empty sets fails with WSAEINVAL.
 *  - A failed non-blocking connect shows in exceptfds, in neither readfds
 *    nor writefds, so every registration, READ or WRITE, is in exceptfds
 *    too: a READ-only registration then sees the failure as the other
 *    backends report it (READ|ERROR|HANGUP). exceptfds also names a
 *    connected socket with out-of-band data; only a socket without a peer
 *    counts as a failed connect.
 *  - select tells neither a hangup nor an error: a reset or a FIN is just
 *    "readable". Finding out more with recv() or SO_ERROR would consume
 *    what xsock_connect_result() and the caller must still read. So the
 *    sockets select found ready are classified with ONE WSAPoll (timeout
 *    0) over just them, mapped as the WSAPoll backend maps it.
 *  - select keeps the ready sockets in the order they were given (Windows
 *    and Wine both do); results are matched to registrations by walking
 *    both in step, with a search for any that come out of order.
 *  - A socket closed while registered makes the whole select fail with
 *    WSAENOTSOCK. The wait then polls every registration once with
 *    WSAPoll, which names the dead ones (POLLNVAL, ERROR|HANGUP) along
 *    with whatever else is ready.
 *  - A scan that fills the caller's array resumes there next time, so no
 *    registration starves. */
#include "config.h" /* before the guard: it defines XSOCK_HAVE_* */
#if XSOCK_HAVE_SELECT

#include "selector.h"
#include "os.h"
#include "pollbits.h"

#include <stdlib.h>
#include <string.h>

/* What select said about one registration, in mark[]. */
#define SELECT__R 1u
#define SELECT__W 2u
#define SELECT__E 4u
/* A registration's flags (its pos is its index in order[]). */
#define SELECT__STREAM 1u

typedef struct select__state {
  uint32_t *order;        /* slots in registration order */
  unsigned char *mark;    /* per order[] entry: SELECT__R|W|E */
  xsock__sockset_t *rset; /* the sets handed to select */
  xsock__sockset_t *wset;
  xsock__sockset_t *eset;
  WSAPOLLFD *pfds; /* scratch for the classifying WSAPoll */
  uint32_t *pidx;  /* the order[] index of each pfds entry */
  uint32_t n, cap, next;
} select__state_t;

static void select__destroy(struct xsock_selector *sel) {
  select__state_t *st = (select__state_t *)sel->impl;
  free(st->order);
  free(st->mark);
  free(st->rset);
  free(st->wset);
  free(st->eset);
  free(st->pfds);
  free(st->pidx);
  free(st);
  sel->impl = NULL;
}

static int select__reserve_set(xsock__sockset_t **set, uint32_t cap) {
  void *p = xsock__grow_array(*set, 1, XSOCK__SOCKSET_SIZE(cap));
  if (p == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  *set = (xsock__sockset_t *)p;
  return 0;
}

/* Grows every array to hold want registrations. */
static int select__reserve(select__state_t *st, uint32_t want) {
  uint32_t cap;
  void *p;
  int rc;
  if (want <= st->cap)
    return 0;
  cap = xsock__grow_cap(st->cap, want);
  if ((p = xsock__grow_array(st->order, cap, sizeof *st->order)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->order = (uint32_t *)p;
  if ((p = xsock__grow_array(st->mark, cap, 1)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->mark = (unsigned char *)p;
  if ((p = xsock__grow_array(st->pfds, cap, sizeof *st->pfds)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->pfds = (WSAPOLLFD *)p;
  if ((p = xsock__grow_array(st->pidx, cap, sizeof *st->pidx)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->pidx = (uint32_t *)p;
  if ((rc = select__reserve_set(&st->rset, cap)) < 0 ||
      (rc = select__reserve_set(&st->wset, cap)) < 0 ||
      (rc = select__reserve_set(&st->eset, cap)) < 0)
    return rc;
  st->cap = cap;
  return 0;
}

static int select__init(struct xsock_selector *sel) {
  select__state_t *st = (select__state_t *)XSOCK__OS(calloc)(1, sizeof *st);
  if (st == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  sel->impl = st;
  return 0;
}

static int select__add_slot(struct xsock_selector *sel, uint32_t slot) {
  select__state_t *st = (select__state_t *)sel->impl;
  xsock__reg_t *reg = &sel->regs[slot];
  int rc, stream;
  if ((rc = xsock__winsel_check((SOCKET)reg->sock, &stream)) < 0)
    return rc;
  if ((rc = select__reserve(st, st->n + 1)) < 0)
    return rc;
  xsock__order_push(sel, st->order, &st->n, slot);
  reg->flags = stream ? SELECT__STREAM : 0u;
  return 0;
}

/* add as the front end tail-calls it (selector.h). */
static int select__add(struct xsock_selector *sel, uint32_t slot) {
  return xsock__added(sel, slot, select__add_slot(sel, slot));
}

static int select__modify(struct xsock_selector *sel, uint32_t slot,
                          unsigned old, void *udata) {
  /* The sets are built from the interest at each wait. */
  return xsock__modified(sel, slot, old, udata, 0);
}

static int select__remove(struct xsock_selector *sel, uint32_t slot) {
  select__state_t *st = (select__state_t *)sel->impl;
  xsock__order_drop(sel, st->order, &st->n, slot);
  return 0;
}

/* Fills the three sets from the interests. */
static void select__build(struct xsock_selector *sel) {
  select__state_t *st = (select__state_t *)sel->impl;
  u_int r = 0, w = 0, e = 0;
  uint32_t i;
  for (i = 0; i < st->n; i++) {
    const xsock__reg_t *reg = &sel->regs[st->order[i]];
    if (reg->interest & XSOCK_READ)
      st->rset->fd_array[r++] = (SOCKET)reg->sock;
    if (reg->interest & XSOCK_WRITE)
      st->wset->fd_array[w++] = (SOCKET)reg->sock;
    /* Every registration with interest in exceptfds, for a failed
     * connect (see the top). */
    if (reg->interest & (XSOCK_READ | XSOCK_WRITE))
      st->eset->fd_array[e++] = (SOCKET)reg->sock;
  }
  st->rset->fd_count = r;
  st->wset->fd_count = w;
  st->eset->fd_count = e;
}

/* Sets bit in mark[] for every registration in set (what select left in
 * it), given that want is the interest that put a socket there. Walks the
 * set and the registrations in step; a socket found out of step is
 * searched for. */
static void select__mark(struct xsock_selector *sel,
                         const xsock__sockset_t *set, unsigned want,
                         unsigned char bit) {
  select__state_t *st = (select__state_t *)sel->impl;
  u_int j = 0;
  uint32_t i;
  for (i = 0; i < st->n && j < set->fd_count; i++) {
    const xsock__reg_t *reg = &sel->regs[st->order[i]];
    if ((reg->interest & want) && set->fd_array[j] == (SOCKET)reg->sock) {
      st->mark[i] |= bit;
      j++;
    }
  }
  for (; j < set->fd_count; j++) {
    SOCKET s = set->fd_array[j];
    for (i = 0; i < st->n; i++) {
      if ((SOCKET)sel->regs[st->order[i]].sock == s) {
        st->mark[i] |= bit;
        break;
      }
    }
  }
}

/* Collects into pfds, in registration order from st->next, at most max
 * registrations with interest: those marked by select (only_marked), or
 * all of them. Returns how many. */
static uint32_t select__collect(struct xsock_selector *sel, int max,
                                int only_marked) {
  select__state_t *st = (select__state_t *)sel->impl;
  uint32_t j = st->next < st->n ? st->next : 0, c, k = 0;
  for (c = 0; c < st->n; c++, j = j + 1 < st->n ? j + 1 : 0) {
    const xsock__reg_t *reg = &sel->regs[st->order[j]];
    if (!reg->interest || (only_marked && !st->mark[j]))
      continue;
    if (k == (uint32_t)max) {
      st->next = j;
      return k;
    }
    st->pfds[k].fd = (SOCKET)reg->sock;
    st->pfds[k].events = xsock__wsapoll_events(reg->interest);
    st->pfds[k].revents = 0;
    st->pidx[k++] = j;
  }
  st->next = 0;
  return k;
}

/* Classifies the k collected registrations with one WSAPoll and stores
 * their events, merged with what select marked. */
static int select__classify(struct xsock_selector *sel, xsock_event_t *evs,
                            uint32_t k) {
  select__state_t *st = (select__state_t *)sel->impl;
  uint32_t i;
  int out = 0, rc;
  if (k == 0)
    return 0;
  rc = XSOCK__OS(WSAPoll)(st->pfds, (ULONG)k, 0);
  for (i = 0; i < k; i++) {
    xsock__reg_t *reg = &sel->regs[st->order[st->pidx[i]]];
    unsigned m = st->mark[st->pidx[i]], raw = 0;
    if (rc != SOCKET_ERROR)
      raw = xsock__wsapoll_raw(st->pfds[i].revents,
                               (reg->flags & SELECT__STREAM) != 0);
    else if (xsock__win_check_socket((SOCKET)reg->sock) == XSOCK_EBADF)
      raw = XSOCK_ERROR | XSOCK_HANGUP; /* WSAPoll refused a dead socket */
    raw |= (m & SELECT__R) ? XSOCK_READ : 0u;
    raw |= (m & SELECT__W) ? XSOCK_WRITE : 0u;
    if ((m & SELECT__E) && xsock__winsel_connect_failed((SOCKET)reg->sock))
      raw |= XSOCK_ERROR | XSOCK_HANGUP;
    evs[out].sock = reg->sock;
    evs[out].events = xsock__ready_events(raw, reg->interest);
    evs[out].udata = reg->udata;
    if (evs[out].events == 0)
      continue;
    out++;
    /* A one-shot registration leaves the next wait's sets by itself. */
    (void)xsock__reg_fire(reg);
  }
  return out;
}

static int select__wait(struct xsock_selector *sel, xsock_event_t *evs, int max,
                        int timeout_ms) {
  select__state_t *st = (select__state_t *)sel->impl;
  struct timeval tv, *ptv = NULL;
  int rc, err;
  if (timeout_ms >= 0) {
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    ptv = &tv;
  }
  select__build(sel);
  rc = XSOCK__OS(select)(0, (fd_set *)st->rset, (fd_set *)st->wset,
                         (fd_set *)st->eset, ptv);
  if (XSOCK__UNLIKELY(rc == SOCKET_ERROR)) {
    err = WSAGetLastError();
    if (err == WSAEINTR)
      return XSOCK_EINTR;
    if (err != WSAENOTSOCK)
      return xsock__os_fail(err);
    /* A registered socket was closed: let WSAPoll name it. */
    if (st->n)
      memset(st->mark, 0, st->n);
    return select__classify(sel, evs, select__collect(sel, max, 0));
  }
  if (rc == 0)
    return 0;
  if (st->n)
    memset(st->mark, 0, st->n);
  select__mark(sel, st->rset, XSOCK_READ, SELECT__R);
  select__mark(sel, st->wset, XSOCK_WRITE, SELECT__W);
  select__mark(sel, st->eset, XSOCK_READ | XSOCK_WRITE, SELECT__E);
  return select__classify(sel, evs, select__collect(sel, max, 1));
}

XSOCK__INTERNAL const xsock__backend_t xsock__backend_select = {
    XSOCK_BACKEND_SELECT, select__init,   select__destroy,
    select__add,          select__modify, select__remove,
    select__wait,         NULL,           0};

#endif /* XSOCK_HAVE_SELECT */
