/* SPDX-License-Identifier: MIT */
/* Selector backend: Linux epoll, level-triggered.
 *
 * Notes on epoll (see epoll(7), epoll_ctl(2)):
 *  - The kernel keys a registration on the open file description, not on
 *    the descriptor number. A description that outlives a close (dup,
 *    fork) keeps reporting under its old data, and DEL on the closed number
 *    fails with EBADF. So each registration carries a token (slot and
 *    generation) and a stale token is dropped; DEL's EBADF/ENOENT is
 *    ignored on remove.
 *  - EPOLLERR and EPOLLHUP are always reported, even with no events asked
 *    for, so a silent registration (interest 0) must leave the kernel set.
 *  - Kernel updates are deferred where that is safe (the technique libev
 *    uses): lowering the interest (to 0 for one-shot style re-arming, or
 *    dropping WRITE) changes nothing in the kernel at once; the kernel set
 *    is corrected (DEL or MOD) only if it reports something the caller no
 *    longer asked for, and that report is not passed on. "Disarm, read,
 *    re-arm" therefore costs no system call at all, where a one-shot
 *    epoll registration costs one MOD per event. Raising the interest is
 *    always given to the kernel at once, so nothing wanted is missed.
 *    bindex holds what the kernel was last given (EPOLL__IN_SET plus the
 *    XSOCK_READ/XSOCK_WRITE bits).
 *  - EPOLLRDHUP is the peer's FIN; EPOLLHUP alone comes only when both
 *    directions are shut (or for a socket that never connected: Linux's
 *    tcp_poll reports HUP|OUT in the CLOSE state). Both mean HANGUP here,
 *    which only a READ registration sees (src/common/readiness.h): so
 *    EPOLLRDHUP is asked for with EPOLLIN only, or a writer whose peer
 *    half-closed would wake every wait while its send buffer is full.
 *  - A regular file or directory is refused with EPERM (it is always
 *    ready); that is XSOCK_ENOTSUP.
 *  - A refused connect reports EPOLLOUT|EPOLLERR|EPOLLHUP (plus EPOLLIN
 *    and EPOLLRDHUP); nothing here reads the pending error, so
 *    xsock_connect_result() still finds it. */
#include "config.h" /* before the guard: it defines XSOCK_HAVE_* */
#if XSOCK_HAVE_EPOLL

#include "os.h"
#include "readiness.h"
#include "selector.h"
#include "wakeup.h"

#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#define EPOLL__MIN_EVENTS 256
#define EPOLL__WAKE_TOKEN UINT64_MAX
/* In a registration's bindex: the descriptor is in the kernel set; the low
 * bits are the XSOCK_READ/XSOCK_WRITE interest the kernel was given. */
#define EPOLL__IN_SET 0x100u

typedef struct epoll__state {
  int epfd;
  int cap; /* entries of evs */
  struct epoll_event *evs;
  xsock__wakeup_t wake;
} epoll__state_t;

static int epoll__init(struct xsock_selector *sel) {
  epoll__state_t *st = (epoll__state_t *)calloc(1, sizeof *st);
  struct epoll_event ev;
  int rc;
  if (st == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->wake.rfd = st->wake.wfd = -1;
  st->cap = EPOLL__MIN_EVENTS;
  st->evs = (struct epoll_event *)malloc((size_t)st->cap * sizeof *st->evs);
  if (st->evs == NULL) {
    free(st);
    return xsock__fail(XSOCK_ENOMEM, 0);
  }
  st->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (st->epfd < 0) {
    rc = xsock__errno_fail();
    goto fail;
  }
  if ((rc = xsock__wakeup_open(&st->wake)) < 0)
    goto fail;
  ev.events = EPOLLIN;
  ev.data.u64 = EPOLL__WAKE_TOKEN;
  if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, st->wake.rfd, &ev) != 0) {
    rc = xsock__errno_fail();
    goto fail;
  }
  sel->impl = st;
  return 0;
fail:
  xsock__wakeup_close(&st->wake);
  if (st->epfd >= 0)
    close(st->epfd);
  free(st->evs);
  free(st);
  return rc;
}

static void epoll__destroy(struct xsock_selector *sel) {
  epoll__state_t *st = (epoll__state_t *)sel->impl;
  close(st->epfd);
  xsock__wakeup_close(&st->wake);
  free(st->evs);
  free(st);
  sel->impl = NULL;
}

/* Gives the kernel one registration with the given interest. */
static int epoll__ctl(struct xsock_selector *sel, int op, uint32_t slot,
                      unsigned interest) {
  epoll__state_t *st = (epoll__state_t *)sel->impl;
  const xsock__reg_t *reg = &sel->regs[slot];
  struct epoll_event ev;
  ev.events = 0;
  if (interest & XSOCK_READ)
    ev.events |= EPOLLIN | EPOLLRDHUP;
  if (interest & XSOCK_WRITE)
    ev.events |= EPOLLOUT;
  ev.data.u64 = xsock__reg_token(sel, slot);
  if (epoll_ctl(st->epfd, op, reg->sock, op == EPOLL_CTL_DEL ? NULL : &ev) == 0)
    return 0;
  if (errno == EPERM)
    return xsock__fail(XSOCK_ENOTSUP, EPERM);
  return xsock__errno_fail();
}

/* Grows the event array so that one wait can collect an event for every
 * registration (plus the wakeup); a wait never allocates. Failure is not
 * an error: a smaller array only spreads events over more waits. */
static void epoll__grow(epoll__state_t *st, uint32_t regs) {
  struct epoll_event *evs;
  int cap = st->cap;
  if ((uint64_t)regs + 1 <= (uint64_t)cap || cap >= (1 << 24))
    return;
  while ((uint64_t)cap < (uint64_t)regs + 1 && cap < (1 << 24))
    cap *= 2;
  evs = (struct epoll_event *)realloc(st->evs, (size_t)cap * sizeof *evs);
  if (evs != NULL) {
    st->evs = evs;
    st->cap = cap;
  }
}

/* Puts a registration into the kernel set with its current interest.
 * EEXIST means the kernel still holds this open file under an older
 * registration: it was closed while registered and a dup (or a fork) kept
 * it open, and now the same file is back under this number. Its
 * registration is taken over with MOD, so the old token (dropped as
 * stale) is replaced by this one. */
static int epoll__arm(struct xsock_selector *sel, uint32_t slot) {
  xsock__reg_t *reg = &sel->regs[slot];
  int rc = epoll__ctl(sel, EPOLL_CTL_ADD, slot, reg->interest);
  if (rc == XSOCK_EEXIST)
    rc = epoll__ctl(sel, EPOLL_CTL_MOD, slot, reg->interest);
  if (rc == 0)
    reg->bindex = EPOLL__IN_SET | reg->interest;
  return rc;
}

static int epoll__add(struct xsock_selector *sel, uint32_t slot) {
  xsock__reg_t *reg = &sel->regs[slot];
  int rc;
  if ((rc = epoll__arm(sel, slot)) < 0)
    return rc;
  if (reg->interest == 0) {
    /* Checked like a real add (the kernel took it, so a descriptor epoll
     * refuses fails here and not at a later modify), but not left with
     * the kernel, which would report its errors and hangups. */
    if ((rc = epoll__ctl(sel, EPOLL_CTL_DEL, slot, 0)) < 0)
      return rc;
    reg->bindex = 0;
  }
  epoll__grow((epoll__state_t *)sel->impl, sel->regs_used + 1);
  return 0;
}

static int epoll__modify(struct xsock_selector *sel, uint32_t slot,
                         unsigned old) {
  xsock__reg_t *reg = &sel->regs[slot];
  unsigned given = (unsigned)reg->bindex;
  int rc;
  (void)old;
  if (reg->interest == 0)
    return 0; /* deferred: see the notes */
  if (!(given & EPOLL__IN_SET))
    return epoll__arm(sel, slot);
  if ((reg->interest & ~given) == 0)
    return 0; /* the kernel watches this much already: deferred */
  if ((rc = epoll__ctl(sel, EPOLL_CTL_MOD, slot, reg->interest)) < 0)
    return rc;
  reg->bindex = EPOLL__IN_SET | reg->interest;
  return 0;
}

/* Brings the kernel set in line with a registration whose interest was
 * lowered after the kernel was given it, once the kernel reports what is
 * no longer wanted. A failure leaves things as they were: the report is
 * dropped again next time (a descriptor closed while registered can no
 * longer be reached at all; see xsock_selector_remove). */
static void epoll__settle(struct xsock_selector *sel, xsock__reg_t *reg) {
  epoll__state_t *st = (epoll__state_t *)sel->impl;
  uint32_t slot = (uint32_t)(reg - sel->regs);
  if (reg->interest == 0) {
    if (epoll_ctl(st->epfd, EPOLL_CTL_DEL, reg->sock, NULL) == 0)
      reg->bindex = 0;
  } else if (epoll__ctl(sel, EPOLL_CTL_MOD, slot, reg->interest) == 0) {
    reg->bindex = EPOLL__IN_SET | reg->interest;
  }
}

static int epoll__remove(struct xsock_selector *sel, uint32_t slot) {
  const xsock__reg_t *reg = &sel->regs[slot];
  if (!(reg->bindex & EPOLL__IN_SET))
    return 0;
  if (epoll_ctl(((epoll__state_t *)sel->impl)->epfd, EPOLL_CTL_DEL, reg->sock,
                NULL) == 0)
    return 0;
  /* A handle closed while registered: the kernel dropped it already (or a
   * dup keeps it open, and nothing can reach it any more). Success, and
   * no error is recorded for a call that succeeds. */
  if (errno == EBADF || errno == ENOENT)
    return 0;
  return xsock__errno_fail();
}

/* epoll's bits as XSOCK_* bits. With Linux's values (IN 0x1, OUT 0x4,
 * ERR 0x8, HUP 0x10, RDHUP 0x2000) that is two shifts and masks; the
 * condition is a constant expression, so only one branch is compiled. */
static inline unsigned epoll__raw(uint32_t e) {
  if (EPOLLIN == 0x1 && EPOLLOUT == 0x4 && EPOLLERR == 0x8 &&
      EPOLLHUP == 0x10 && EPOLLRDHUP == 0x2000)
    return (e & 0x1u) | ((e >> 1) & 0xEu) | ((e >> 10) & 0x8u);
  return ((e & EPOLLIN) ? XSOCK_READ : 0u) |
         ((e & EPOLLOUT) ? XSOCK_WRITE : 0u) |
         ((e & EPOLLERR) ? XSOCK_ERROR : 0u) |
         ((e & (EPOLLHUP | EPOLLRDHUP)) ? XSOCK_HANGUP : 0u);
}

static int epoll__wait(struct xsock_selector *sel, xsock_event_t *evs, int max,
                       int timeout_ms) {
  epoll__state_t *st = (epoll__state_t *)sel->impl;
  const struct epoll_event *kev = st->evs;
  int n, i, out = 0;
  n = epoll_wait(st->epfd, st->evs, max < st->cap ? max : st->cap, timeout_ms);
  if (XSOCK__UNLIKELY(n < 0))
    return errno == EINTR ? XSOCK_EINTR : xsock__errno_fail();
  for (i = 0; i < n; i++) {
    uint64_t token = kev[i].data.u64;
    xsock__reg_t *reg;
    unsigned raw, ev;
    if (XSOCK__UNLIKELY(token == EPOLL__WAKE_TOKEN)) {
      xsock__wakeup_drain(&st->wake);
      sel->woken = 1;
      continue;
    }
    if (XSOCK__UNLIKELY((reg = xsock__reg_by_token(sel, token)) == NULL))
      continue; /* stale: removed since the kernel queued it */
    raw = epoll__raw(kev[i].events);
    if (XSOCK__LIKELY(reg->bindex == (EPOLL__IN_SET | reg->interest))) {
      /* The kernel watches exactly the (nonzero) interest, so whatever it
       * reports is wanted; only an error or hangup needs the full rule
       * (which drops a hangup that a registration without READ does not
       * see). */
      ev = raw;
      if (raw & (XSOCK_ERROR | XSOCK_HANGUP) &&
          (ev = xsock__ready_events(raw, reg->interest)) == 0)
        continue;
    } else {
      /* It still watches more than is wanted (a deferred lowering):
       * correct it now and pass on only what is still asked for. */
      epoll__settle(sel, reg);
      if ((ev = xsock__ready_events(raw, reg->interest)) == 0)
        continue;
    }
    evs[out].sock = reg->sock;
    evs[out].events = ev;
    evs[out].udata = reg->udata;
    out++;
  }
  return out;
}

static int epoll__wakeup(struct xsock_selector *sel) {
  return xsock__wakeup_signal(&((epoll__state_t *)sel->impl)->wake);
}

const xsock__backend_t xsock__backend_epoll = {
    XSOCK_BACKEND_EPOLL, "epoll",       epoll__init, epoll__destroy, epoll__add,
    epoll__modify,       epoll__remove, epoll__wait, epoll__wakeup};

#endif /* XSOCK_HAVE_EPOLL */
