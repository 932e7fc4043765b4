/* SPDX-License-Identifier: MIT */
/* Selector backend: AFD poll requests and an I/O completion port, the
 * Windows default (sel_afd.h explains the technique; sel_afd_nt.c holds
 * the NT calls). A wait costs the same with ten sockets or ten thousand.
 *
 * Notes:
 *  - Each registration owns one request (its mem slot) and has at most
 *    one in flight, on its socket's base handle. A request that completes
 *    is not re-armed at once but queued, and the next wait puts it back in
 *    flight just before it blocks: a request re-armed at once would
 *    complete again before the caller had a chance to read, and report
 *    stale readiness. Queued registrations sit in arm[] (pos = index + 1).
 *  - Interest that grows while a request is in flight needs a new request:
 *    the old one is cancelled, and the wait that reaps the cancellation
 *    re-submits at once and takes one more look at the port (timeout 0),
 *    so a wait with timeout 0 right after the modify still sees readiness
 *    that was already there. Interest that shrinks is applied lazily: the
 *    request in flight may report something no longer asked for, which
 *    xsock__ready_events() drops, and the re-armed one asks for less.
 *  - remove (and the selector's close) cannot free a request in flight:
 *    the driver writes into it when it completes. remove cancels it and
 *    hands it to the orphan list, and the wait that reaps its completion
 *    frees it. close cancels everything and drains the port.
 *  - LOCAL_CLOSE (the socket was closed while registered) ends the
 *    registration's requests without a report; so does a request the
 *    driver refuses at submission (a closed handle). Only a modify that
 *    finds an open socket under the number again, or a remove, follows.
 *  - A one-shot registration that is reported is simply not re-queued:
 *    its request completed, so nothing is in flight until a modify queues
 *    it again, without looking the socket up again (AFD__FIRED).
 *  - The native wakeup is a packet posted to the port with its own key;
 *    sel->wake.pending makes a storm of wakeups post one packet. */
#include "config.h" /* before the guard: it defines XSOCK_HAVE_* */
#if XSOCK_HAVE_AFD

#include "sel_afd.h"
#include "pollbits.h"

#include <stdlib.h>

/* Completion keys: the device's requests, and the wakeup packet. */
#define AFD__KEY_POLL 1u
#define AFD__KEY_WAKE 2u

/* Completions reaped by one GetQueuedCompletionStatusEx at most. */
#define AFD__BATCH 128

/* How long close waits, in all, for cancelled requests to come back. */
#define AFD__DRAIN_MS 5000u

/* A registration's flags. */
#define AFD__CLOSED 2u /* closed under us: no request until modified */
#define AFD__FIRED 4u  /* a one-shot report set the interest to 0 */

typedef struct afd__state {
  xsock__afd_nt_t nt;
  HANDLE iocp;
  uint32_t *arm; /* registrations to put in flight */
  uint32_t narm, arm_cap;
  uint32_t inflight;         /* requests the driver holds, orphans too */
  xsock__afd_req_t *orphans; /* removed, their cancellation pending */
  OVERLAPPED_ENTRY ents[AFD__BATCH];
} afd__state_t;

static void afd__queue(struct xsock_selector *sel, uint32_t slot) {
  afd__state_t *st = (afd__state_t *)sel->impl;
  if (sel->regs[slot].pos == 0) {
    st->arm[st->narm++] = slot;
    sel->regs[slot].pos = st->narm;
  }
}

static void afd__unqueue(struct xsock_selector *sel, uint32_t slot) {
  afd__state_t *st = (afd__state_t *)sel->impl;
  uint32_t i = sel->regs[slot].pos;
  if (i == 0)
    return;
  if (i != st->narm) {
    st->arm[i - 1] = st->arm[st->narm - 1];
    sel->regs[st->arm[i - 1]].pos = i;
  }
  st->narm--;
  sel->regs[slot].pos = 0;
}

/* Puts a registration's request in flight with its current interest. A
 * request the driver refuses names a handle that is no longer a socket:
 * the registration is treated as closed (see the notes). */
static void afd__arm(struct xsock_selector *sel, xsock__reg_t *reg) {
  afd__state_t *st = (afd__state_t *)sel->impl;
  xsock__afd_req_t *req = (xsock__afd_req_t *)reg->mem;
  if (req->busy || !reg->interest || (reg->flags & AFD__CLOSED))
    return;
  if (xsock__afd_submit(&st->nt, req, xsock__afd_events(reg->interest)) < 0)
    reg->flags |= AFD__CLOSED;
  else
    st->inflight++;
}

static void afd__orphan(afd__state_t *st, xsock__afd_req_t *req) {
  req->orphan = 1;
  req->prev = NULL;
  req->next = st->orphans;
  if (st->orphans != NULL)
    st->orphans->prev = req;
  st->orphans = req;
}

static void afd__unorphan(afd__state_t *st, xsock__afd_req_t *req) {
  if (req->prev != NULL)
    req->prev->next = req->next;
  else
    st->orphans = req->next;
  if (req->next != NULL)
    req->next->prev = req->prev;
}

/* Lets go of a registration's request: freed now when idle, otherwise
 * cancelled and freed when its completion is reaped. */
static void afd__release(afd__state_t *st, xsock__afd_req_t *req) {
  if (!req->busy) {
    free(req);
    return;
  }
  if (!req->cancelling)
    xsock__afd_cancel(&st->nt, req);
  afd__orphan(st, req);
}

static void afd__destroy(struct xsock_selector *sel) {
  afd__state_t *st = (afd__state_t *)sel->impl;
  DWORD waited = 0;
  uint32_t slot;
  for (slot = 0; slot < sel->regs_cap; slot++) {
    xsock__reg_t *reg = &sel->regs[slot];
    if (reg->sock != XSOCK_INVALID && reg->mem != NULL) {
      afd__release(st, (xsock__afd_req_t *)reg->mem);
      reg->mem = NULL;
    }
  }
  /* Every request left is cancelled: reap them all before the memory the
   * driver writes into goes away. Cancellation completes at once; the
   * bound only keeps a broken driver from hanging close. Should it pass,
   * the requests still out are leaked on purpose, as freeing them could
   * corrupt the heap later. */
  while (st->inflight > 0 && waited < AFD__DRAIN_MS) {
    ULONG n = 0, i;
    if (!GetQueuedCompletionStatusEx(st->iocp, st->ents, AFD__BATCH, &n, 100,
                                     FALSE)) {
      waited += 100;
      continue;
    }
    for (i = 0; i < n; i++) {
      xsock__afd_req_t *req = (xsock__afd_req_t *)st->ents[i].lpOverlapped;
      if (st->ents[i].lpCompletionKey != AFD__KEY_POLL || req == NULL)
        continue;
      st->inflight--;
      afd__unorphan(st, req);
      free(req);
    }
  }
  xsock__afd_close(&st->nt);
  CloseHandle(st->iocp);
  free(st->arm);
  free(st);
  sel->impl = NULL;
}

/* Fails init with rc after undoing what it did so far. */
static int afd__init_fail(afd__state_t *st, int rc) {
  xsock__afd_close(&st->nt);
  if (st->iocp != NULL)
    CloseHandle(st->iocp);
  free(st);
  return rc;
}

/* Whether this Winsock gives base handles at all: a layered provider that
 * hides them would make every add fail, and the default order should then
 * pick the next backend. A socket that cannot even be created proves
 * nothing either way. */
static int afd__probe_base(void) {
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  HANDLE base;
  int rc;
  if (s == INVALID_SOCKET)
    return 0;
  rc = xsock__afd_base(s, &base);
  closesocket(s);
  return rc;
}

static int afd__init(struct xsock_selector *sel) {
  afd__state_t *st = (afd__state_t *)XSOCK__OS(calloc)(1, sizeof *st);
  int rc;
  if (st == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
  if (st->iocp == NULL)
    return afd__init_fail(st, xsock__os_fail((int)GetLastError()));
  if ((rc = xsock__afd_open(&st->nt, st->iocp, AFD__KEY_POLL)) < 0 ||
      (rc = afd__probe_base()) < 0)
    return afd__init_fail(st, rc);
  sel->impl = st;
  xsock__sel_own(sel, (xsock_t)(uintptr_t)st->iocp);
  xsock__sel_own(sel, (xsock_t)(uintptr_t)st->nt.device);
  return 0;
}

/* Checks that the handle registered in reg is a socket and finds its
 * base handle again. (Whether it is a stream, which the check also tells,
 * matters to no rule of this backend: the driver reports a failed
 * connect itself.) */
static int afd__rebase(xsock__reg_t *reg, xsock__afd_req_t *req) {
  int stream, rc;
  if ((rc = xsock__winsel_check((SOCKET)reg->sock, &stream)) < 0 ||
      (rc = xsock__afd_base((SOCKET)reg->sock, &req->base)) < 0)
    return rc;
  reg->flags = 0;
  return 0;
}

static int afd__add_slot(struct xsock_selector *sel, uint32_t slot) {
  afd__state_t *st = (afd__state_t *)sel->impl;
  xsock__reg_t *reg = &sel->regs[slot];
  xsock__afd_req_t *req;
  int rc;
  /* Room in arm[] for every registration, so that nothing else allocates:
   * the ones there are and this one. */
  if (sel->regs_used + 1 > st->arm_cap) {
    uint32_t cap = xsock__grow_cap(st->arm_cap, sel->regs_used + 1);
    void *p = xsock__grow_array(st->arm, cap, sizeof *st->arm);
    if (p == NULL)
      return xsock__fail(XSOCK_ENOMEM, 0);
    st->arm = (uint32_t *)p;
    st->arm_cap = cap;
  }
  if ((req = (xsock__afd_req_t *)XSOCK__OS(calloc)(1, sizeof *req)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  req->token = xsock__reg_token(sel, slot);
  /* The common add: the base handle and the first request, in flight at
   * once. The driver refuses a poll on anything that is not a socket, so
   * a request it takes vouches for the handle, and the check of
   * afd__rebase (a getsockopt: under Wine one more trip through its
   * server, which measured as much as the rest of the add) is needed
   * only when something was refused, to name the error. Nothing was
   * reported yet, so the request cannot report stale readiness. */
  reg->flags = 0;
  if (reg->interest && xsock__afd_base((SOCKET)reg->sock, &req->base) == 0 &&
      xsock__afd_submit(&st->nt, req, xsock__afd_events(reg->interest)) == 0) {
    st->inflight++;
    reg->mem = req;
    return 0;
  }
  if ((rc = afd__rebase(reg, req)) < 0) {
    free(req);
    return rc;
  }
  reg->mem = req;
  if (reg->interest)
    afd__queue(sel, slot); /* the wait's submit decides, as for a modify */
  return 0;
}

/* add as the front end tail-calls it (selector.h). */
static int afd__add(struct xsock_selector *sel, uint32_t slot) {
  return xsock__added(sel, slot, afd__add_slot(sel, slot));
}

static int afd__change(struct xsock_selector *sel, uint32_t slot,
                       unsigned old) {
  afd__state_t *st = (afd__state_t *)sel->impl;
  xsock__reg_t *reg = &sel->regs[slot];
  xsock__afd_req_t *req = (xsock__afd_req_t *)reg->mem;
  ULONG want = xsock__afd_events(reg->interest);
  int rc;
  if (want == 0)
    return 0; /* lazily: the request in flight reports nothing wanted */
  if (req->busy) {
    if ((want & ~req->armed) && !req->cancelling)
      xsock__afd_cancel(&st->nt, req);
    return 0;
  }
  /* Nothing in flight: the number may name another socket by now (closed
   * under us, or silent with interest 0), so look it up again; a one-shot
   * re-arm vouches for the handle (selector.h) and does not. */
  if (((old == 0 && !(reg->flags & AFD__FIRED)) ||
       (reg->flags & AFD__CLOSED)) &&
      (rc = afd__rebase(reg, req)) < 0)
    return rc;
  reg->flags &= ~AFD__FIRED;
  afd__queue(sel, slot);
  return 0;
}

static int afd__modify(struct xsock_selector *sel, uint32_t slot, unsigned old,
                       void *udata) {
  return xsock__modified(sel, slot, old, udata, afd__change(sel, slot, old));
}

static int afd__remove(struct xsock_selector *sel, uint32_t slot) {
  afd__state_t *st = (afd__state_t *)sel->impl;
  xsock__reg_t *reg = &sel->regs[slot];
  afd__unqueue(sel, slot);
  afd__release(st, (xsock__afd_req_t *)reg->mem);
  reg->mem = NULL;
  reg->flags = 0;
  return 0;
}

/* Turns n reaped completions into events, from evs[out]; returns the new
 * count. *again is set when a cancelled request was re-submitted (its
 * interest grew), whose answer a second look at the port may find. */
static int afd__reap(struct xsock_selector *sel, ULONG n, xsock_event_t *evs,
                     int out, int *again) {
  afd__state_t *st = (afd__state_t *)sel->impl;
  ULONG i;
  for (i = 0; i < n; i++) {
    const OVERLAPPED_ENTRY *e = &st->ents[i];
    xsock__afd_req_t *req = (xsock__afd_req_t *)e->lpOverlapped;
    xsock__reg_t *reg;
    LONG status;
    ULONG got;
    if (e->lpCompletionKey == AFD__KEY_WAKE) {
      InterlockedExchange(&sel->wake.pending, 0);
      sel->woken = 1;
      continue;
    }
    st->inflight--;
    req->busy = 0;
    if (XSOCK__UNLIKELY(req->orphan)) {
      afd__unorphan(st, req); /* removed: its memory goes now */
      free(req);
      continue;
    }
    /* A live request's registration is live: remove orphans it. */
    reg = &sel->regs[(uint32_t)req->token];
    status = req->iosb.u.status;
    got = status == XSOCK__AFD_STATUS_SUCCESS && req->poll.count > 0
              ? req->poll.events
              : 0;
    if (got & XSOCK__AFD_LOCAL_CLOSE) {
      reg->flags |= AFD__CLOSED;
      continue;
    }
    if (status == XSOCK__AFD_STATUS_CANCELLED) {
      /* Cancelled for a grown interest: straight back in flight. */
      afd__arm(sel, reg);
      *again |= req->busy;
      continue;
    }
    if (status != XSOCK__AFD_STATUS_SUCCESS)
      got = XSOCK__AFD_ABORT; /* the driver failed the poll itself */
    evs[out].events = xsock__ready_events(xsock__afd_raw(got), reg->interest);
    evs[out].sock = reg->sock;
    evs[out].udata = reg->udata;
    if (evs[out].events != 0) {
      out++;
      /* A reported one-shot registration is not re-armed: the request
       * that just completed was its last until a modify. */
      if (xsock__reg_fire(reg))
        reg->flags |= AFD__FIRED;
    }
    if (reg->interest)
      afd__queue(sel, (uint32_t)req->token);
  }
  return out;
}

/* One GetQueuedCompletionStatusEx for at most max completions; the count
 * reaped, 0 on a timeout, or an error. */
static int afd__get(afd__state_t *st, int max, int timeout_ms, ULONG *n) {
  ULONG want = max < AFD__BATCH ? (ULONG)max : AFD__BATCH;
  DWORD err;
  *n = 0;
  if (XSOCK__OS(GetQueuedCompletionStatusEx)(
          st->iocp, st->ents, want, n,
          timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms, FALSE))
    return 0;
  err = GetLastError();
  *n = 0;
  return err == WAIT_TIMEOUT ? 0 : xsock__os_fail((int)err);
}

static int afd__wait(struct xsock_selector *sel, xsock_event_t *evs, int max,
                     int timeout_ms) {
  afd__state_t *st = (afd__state_t *)sel->impl;
  ULONG n;
  int out, again = 0, rc;
  while (st->narm > 0) {
    uint32_t slot = st->arm[--st->narm];
    sel->regs[slot].pos = 0;
    afd__arm(sel, &sel->regs[slot]);
  }
  if ((rc = afd__get(st, max, timeout_ms, &n)) < 0)
    return rc;
  out = afd__reap(sel, n, evs, 0, &again);
  if (again && out < max) {
    if ((rc = afd__get(st, max - out, 0, &n)) < 0)
      return out > 0 ? out : rc;
    out = afd__reap(sel, n, evs, out, &again);
  }
  return out;
}

static int afd__wakeup(struct xsock_selector *sel) {
  afd__state_t *st = (afd__state_t *)sel->impl;
  if (InterlockedCompareExchange(&sel->wake.pending, 1, 0) != 0)
    return 0; /* a packet is on its way already */
  if (!PostQueuedCompletionStatus(st->iocp, 0, AFD__KEY_WAKE, NULL)) {
    InterlockedExchange(&sel->wake.pending, 0);
    return xsock__os_fail((int)GetLastError());
  }
  return 0;
}

XSOCK__INTERNAL const xsock__backend_t xsock__backend_afd = {
    XSOCK_BACKEND_AFD, afd__init, afd__destroy, afd__add, afd__modify,
    afd__remove,       afd__wait, afd__wakeup,  1};

#endif /* XSOCK_HAVE_AFD */
