/* SPDX-License-Identifier: MIT */
/* The selector front end: the public xsock_selector_* calls. It checks
 * arguments once, keeps the registration table (slots with generations, a
 * free list, the handle -> slot map) and runs the wait loop that turns a
 * backend's single kernel wait into the promised semantics: EINTR resumes
 * with the time left, and a positive timeout never ends early. Backends
 * (selector.h) see only checked calls. */
#include "selector.h"

#include <stdlib.h>

#define SELECTOR__INTEREST (XSOCK_READ | XSOCK_WRITE)
#define SELECTOR__MIN_REGS 64u

static const char *const selector__names[] = {
    NULL, "epoll", "kqueue", "poll", "select", "wsapoll", "afd"};

const char *xsock_backend_name(int backend) {
  if (backend <= 0 ||
      backend >= (int)(sizeof selector__names / sizeof *selector__names))
    return NULL;
  return selector__names[backend];
}

unsigned xsock_selector_supported(void) {
  unsigned mask = 0;
  const xsock__backend_t *const *b;
  for (b = xsock__backends; *b != NULL; b++)
    mask |= 1u << (*b)->id;
  return mask;
}

const char *xsock_selector_backend(const xsock_selector_t *sel) {
  return sel == NULL ? NULL : sel->backend->name;
}

static int selector__start(xsock_selector_t *sel, const xsock__backend_t *b) {
  sel->backend = b;
  sel->impl = NULL;
  return b->init(sel);
}

int xsock_selector_open(xsock_selector_t **out, int backend) {
  const xsock__backend_t *const *b;
  xsock_selector_t *sel;
  int rc = XSOCK_ENOTSUP, found = 0;
  if (out == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  *out = NULL;
  if ((rc = xsock__check_init()) < 0)
    return rc;
  rc = XSOCK_ENOTSUP;
  sel = (xsock_selector_t *)calloc(1, sizeof *sel);
  if (sel == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  sel->free_head = XSOCK__NO_SLOT;
  /* The map exists from the start so that lookups never meet NULL. */
  if (xsock__map_reserve(sel, 1) < 0) {
    free(sel);
    return xsock__fail(XSOCK_ENOMEM, 0);
  }
  for (b = xsock__backends; *b != NULL; b++) {
    if (backend != XSOCK_BACKEND_DEFAULT && (*b)->id != backend)
      continue;
    found = 1;
    rc = selector__start(sel, *b);
    if (rc == 0) {
      *out = sel;
      return 0;
    }
    /* A named backend reports its own failure (EMFILE says more than
     * ENOTSUP); the default goes on to the next one. */
    if (backend != XSOCK_BACKEND_DEFAULT)
      break;
  }
  xsock__map_free(sel);
  free(sel);
  if (!found)
    return xsock__fail(XSOCK_ENOTSUP, 0);
  return rc;
}

void xsock_selector_close(xsock_selector_t *sel) {
  if (sel == NULL)
    return;
  sel->backend->destroy(sel);
  xsock__map_free(sel);
  free(sel->regs);
  free(sel);
}

/* Takes a free slot, growing the table (the only place it moves). */
static int selector__alloc_slot(xsock_selector_t *sel, uint32_t *slot) {
  if (sel->free_head == XSOCK__NO_SLOT) {
    uint32_t cap = sel->regs_cap ? sel->regs_cap * 2 : SELECTOR__MIN_REGS, i;
    xsock__reg_t *regs;
    if (cap <= sel->regs_cap || cap >= XSOCK__NO_SLOT / 2)
      return xsock__fail(XSOCK_ENOMEM, 0);
    regs = (xsock__reg_t *)realloc(sel->regs, (size_t)cap * sizeof *regs);
    if (regs == NULL)
      return xsock__fail(XSOCK_ENOMEM, 0);
    /* New slots go on the free list lowest first, so slots stay dense. */
    for (i = cap; i-- > sel->regs_cap;) {
      regs[i].sock = XSOCK_INVALID;
      regs[i].interest = 0;
      regs[i].udata = NULL;
      regs[i].gen = 0;
      regs[i].bindex = 0;
      regs[i].next_free = sel->free_head;
      sel->free_head = i;
    }
    sel->regs = regs;
    sel->regs_cap = cap;
  }
  *slot = sel->free_head;
  sel->free_head = sel->regs[*slot].next_free;
  return 0;
}

/* Returns a slot to the free list. The generation bump makes every token
 * a kernel still holds for it stale. */
static void selector__free_slot(xsock_selector_t *sel, uint32_t slot) {
  xsock__reg_t *reg = &sel->regs[slot];
  reg->sock = XSOCK_INVALID;
  reg->interest = 0;
  reg->udata = NULL;
  reg->gen++;
  reg->next_free = sel->free_head;
  sel->free_head = slot;
}

static int selector__check(xsock_selector_t *sel, xsock_t s, unsigned events) {
  if (sel == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  if (events & ~(unsigned)SELECTOR__INTEREST)
    return xsock__fail(XSOCK_EINVAL, 0);
  return 0;
}

int xsock_selector_add(xsock_selector_t *sel, xsock_t s, unsigned events,
                       void *udata) {
  uint32_t slot = 0; /* set by selector__alloc_slot; gcc -O2 cannot see it */
  xsock__reg_t *reg;
  int rc = selector__check(sel, s, events);
  if (rc < 0)
    return rc;
  if (xsock__map_find(sel, s) != XSOCK__NO_SLOT)
    return xsock__fail(XSOCK_EEXIST, 0);
  /* Everything that can run out of memory happens before the kernel is
   * told, so a failure never needs to undo a kernel registration. */
  if ((rc = xsock__map_reserve(sel, sel->regs_used + 1)) < 0)
    return rc;
  if ((rc = selector__alloc_slot(sel, &slot)) < 0)
    return rc;
  reg = &sel->regs[slot];
  reg->sock = s;
  reg->interest = events;
  reg->udata = udata;
  reg->bindex = 0;
  rc = sel->backend->add(sel, slot);
  if (rc < 0) {
    selector__free_slot(sel, slot);
    return rc;
  }
  xsock__map_insert(sel, slot);
  sel->regs_used++;
  return 0;
}

int xsock_selector_modify(xsock_selector_t *sel, xsock_t s, unsigned events,
                          void *udata) {
  uint32_t slot;
  unsigned old;
  int rc = selector__check(sel, s, events);
  if (rc < 0)
    return rc;
  slot = xsock__map_find(sel, s);
  if (slot == XSOCK__NO_SLOT)
    return xsock__fail(XSOCK_ENOENT, 0);
  old = sel->regs[slot].interest;
  sel->regs[slot].interest = events;
  rc = sel->backend->modify(sel, slot, old);
  if (rc < 0) {
    /* The backend left its kernel state as it was; so does the table. */
    sel->regs[slot].interest = old;
    return rc;
  }
  sel->regs[slot].udata = udata;
  return 0;
}

int xsock_selector_remove(xsock_selector_t *sel, xsock_t s) {
  uint32_t slot;
  int rc = selector__check(sel, s, 0);
  if (rc < 0)
    return rc;
  slot = xsock__map_find(sel, s);
  if (slot == XSOCK__NO_SLOT)
    return xsock__fail(XSOCK_ENOENT, 0);
  rc = sel->backend->remove(sel, slot);
  /* The slot is freed whatever the backend said: a handle the kernel no
   * longer knows must not stay registered here, and the new generation
   * keeps any late kernel report of it from reaching the caller. */
  xsock__map_erase(sel, slot);
  selector__free_slot(sel, slot);
  sel->regs_used--;
  return rc < 0 ? rc : 0;
}

/* Every wait that is not the common case: a positive timeout, which must
 * run to its deadline (the only path that reads the clock), and the rare
 * outcomes of any wait: EINTR, and a wait that ended with nothing to
 * report although no wakeup came (a dropped stale event, a spurious
 * wake). Kept out of line so that the fast path stays a few instructions
 * around the backend's wait. */
static XSOCK__NOINLINE int selector__wait_loop(xsock_selector_t *sel,
                                               xsock_event_t *evs, int max,
                                               int timeout_ms) {
  uint64_t deadline = 0;
  int n, t = timeout_ms;
  if (timeout_ms > 0)
    deadline = xsock__now_ns() + (uint64_t)timeout_ms * 1000000u;
  for (;;) {
    sel->woken = 0;
    n = sel->backend->wait(sel, evs, max, t);
    if (n > 0)
      return n;
    if (n < 0 && n != XSOCK_EINTR)
      return n;
    if (n == 0 && (sel->woken || timeout_ms == 0))
      return 0;
    if (timeout_ms > 0) {
      uint64_t now = xsock__now_ns();
      if (now >= deadline)
        return 0;
      /* Rounded up, so the last wait cannot end before the deadline. */
      t = (int)((deadline - now + 999999u) / 1000000u);
    }
  }
}

int xsock_selector_wait(xsock_selector_t *sel, xsock_event_t *evs, int max,
                        int timeout_ms) {
  int n;
  if (XSOCK__UNLIKELY(sel == NULL || evs == NULL || max <= 0))
    return xsock__fail(XSOCK_EINVAL, 0);
  if (XSOCK__UNLIKELY(timeout_ms > 0))
    return selector__wait_loop(sel, evs, max, timeout_ms);
  sel->woken = 0;
  n = sel->backend->wait(sel, evs, max, timeout_ms);
  if (XSOCK__LIKELY(n > 0))
    return n;
  if (n == 0 && (sel->woken || timeout_ms == 0))
    return 0;
  if (n < 0 && n != XSOCK_EINTR)
    return n;
  return selector__wait_loop(sel, evs, max, timeout_ms);
}

int xsock_selector_wakeup(xsock_selector_t *sel) {
  /* Not through xsock__fail: this may run in a signal handler, where
   * touching thread-local storage is not async-signal-safe everywhere. */
  if (sel == NULL)
    return XSOCK_EINVAL;
  return sel->backend->wakeup(sel);
}
