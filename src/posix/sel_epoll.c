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
 *    for; interest 0 therefore takes the descriptor out of the kernel set
 *    (DEL) and puts it back (ADD) when interest returns.
 *  - EPOLLRDHUP is the peer's FIN; EPOLLHUP alone comes only when both
 *    directions are shut. Both mean HANGUP here.
 *  - A regular file or directory is refused with EPERM (it is always
 *    ready); that is XSOCK_ENOTSUP.
 *  - A refused connect reports EPOLLOUT|EPOLLERR|EPOLLHUP (plus EPOLLIN
 *    and EPOLLRDHUP); nothing here reads the pending error, so
 *    xsock_connect_result() still finds it. */
#ifdef XSOCK_HAVE_EPOLL

#include "posix.h"
#include "selector.h"
#include "wakeup.h"

#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#define EPOLL__MIN_EVENTS 256
#define EPOLL__WAKE_TOKEN UINT64_MAX

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

static int epoll__ctl(struct xsock_selector *sel, int op, uint32_t slot) {
  epoll__state_t *st = (epoll__state_t *)sel->impl;
  const xsock__reg_t *reg = &sel->regs[slot];
  struct epoll_event ev;
  ev.events = EPOLLRDHUP;
  if (reg->interest & XSOCK_READ)
    ev.events |= EPOLLIN;
  if (reg->interest & XSOCK_WRITE)
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

/* Puts a registration into the kernel set. EEXIST means the kernel still
 * holds this open file under an older registration: it was closed while
 * registered and a dup (or a fork) kept it open, and now the same file is
 * back under this number. Its registration is taken over with MOD, so the
 * old token (dropped as stale) is replaced by this one. */
static int epoll__arm(struct xsock_selector *sel, uint32_t slot) {
  int rc = epoll__ctl(sel, EPOLL_CTL_ADD, slot);
  if (rc == XSOCK_EEXIST)
    rc = epoll__ctl(sel, EPOLL_CTL_MOD, slot);
  return rc;
}

static int epoll__add(struct xsock_selector *sel, uint32_t slot) {
  xsock__reg_t *reg = &sel->regs[slot];
  int rc;
  if (reg->interest == 0) {
    /* Not left with the kernel (it would report errors and hangups), but
     * checked like a real add: the kernel is asked to take it and to drop
     * it again, so that a descriptor epoll refuses (a regular file, a
     * device without poll support) fails here and not at a later modify. */
    if ((rc = xsock__posix_check_pollable(reg->sock)) < 0)
      return rc;
    if ((rc = epoll__arm(sel, slot)) < 0 ||
        (rc = epoll__ctl(sel, EPOLL_CTL_DEL, slot)) < 0)
      return rc;
    reg->bindex = 0;
  } else {
    if ((rc = epoll__arm(sel, slot)) < 0)
      return rc;
    reg->bindex = 1;
  }
  epoll__grow((epoll__state_t *)sel->impl, sel->regs_used + 1);
  return 0;
}

static int epoll__modify(struct xsock_selector *sel, uint32_t slot,
                         unsigned old) {
  xsock__reg_t *reg = &sel->regs[slot];
  int rc;
  if (reg->interest == old)
    return 0;
  if (reg->interest == 0) {
    rc = epoll__ctl(sel, EPOLL_CTL_DEL, slot);
    reg->bindex = 0;
    return rc;
  }
  rc = reg->bindex ? epoll__ctl(sel, EPOLL_CTL_MOD, slot)
                   : epoll__arm(sel, slot);
  if (rc == 0)
    reg->bindex = 1;
  return rc;
}

static int epoll__remove(struct xsock_selector *sel, uint32_t slot) {
  const xsock__reg_t *reg = &sel->regs[slot];
  if (reg->bindex == 0)
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
    const xsock__reg_t *reg = xsock__reg_by_token(sel, kev[i].data.u64);
    if (XSOCK__UNLIKELY(reg == NULL)) {
      if (kev[i].data.u64 == EPOLL__WAKE_TOKEN) {
        xsock__wakeup_drain(&st->wake);
        sel->woken = 1;
      }
      continue;
    }
    /* The kernel only watches handles with interest, so the merged flags
     * are never empty; the test costs nothing and keeps the contract. */
    evs[out].sock = reg->sock;
    evs[out].events = xsock__reg_events(epoll__raw(kev[i].events), reg->interest);
    evs[out].udata = reg->udata;
    out += evs[out].events != 0;
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
