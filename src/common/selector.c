/* SPDX-License-Identifier: MIT */
/* The selector front end: the public xsock_selector_* calls. It checks
 * arguments once, opens the first backend that starts (or the one asked
 * for), refuses the selector's own handles, and fills in the registration
 * table, whose slots each OS tree's handle_map.c hands out (on POSIX the
 * slot is the descriptor itself; on Windows a free list and a handle ->
 * slot map find it). It owns the generic wakeup channel, a registration the
 * caller can never name, whose event it takes out of every wait; and it runs
 * the wait loop that turns a backend's single kernel wait into the promised
 * semantics: EINTR resumes with the time left, and a positive timeout never
 * ends early. Backends (selector.h) see only checked calls. */
#include "selector.h"

#include <stdlib.h>

#define SELECTOR__INTEREST (XSOCK_READ | XSOCK_WRITE | XSOCK_ONESHOT)

const char *xsock_backend_name(int backend) {
  switch (backend) {
#define SELECTOR__NAME(name, id, str)                                          \
  case id:                                                                     \
    return str;
    XSOCK_BACKEND_MAP(SELECTOR__NAME)
#undef SELECTOR__NAME
  default:
    return NULL;
  }
}

unsigned xsock_selector_supported(void) {
  unsigned mask = 0;
  const xsock__backend_t *const *b;
  for (b = xsock__backends; *b != NULL; b++)
    mask |= 1u << (*b)->id;
  return mask;
}

const char *xsock_selector_backend(const xsock_selector_t *sel) {
  return sel == NULL ? NULL : xsock_backend_name(sel->backend->id);
}

/* Registers the generic wakeup channel like any handle, but outside the
 * handle map, so that no call of the caller's can reach it. */
static int selector__open_wakeup(xsock_selector_t *sel) {
  xsock__reg_t *reg;
  uint32_t slot = 0;
  int rc;
  if ((rc = xsock__os_wakeup_open(&sel->wake)) < 0)
    return rc;
  xsock__sel_own(sel, sel->wake.rd);
  if (sel->wake.wr != sel->wake.rd)
    xsock__sel_own(sel, sel->wake.wr);
  if ((rc = xsock__slot_alloc(sel, sel->wake.rd, &slot)) < 0)
    return rc;
  reg = &sel->regs[slot];
  reg->sock = sel->wake.rd;
  reg->interest = XSOCK_READ;
  /* Named before add, so that xsock__added keeps it out of the map. */
  sel->wake_slot = slot;
  if ((rc = sel->backend->add(sel, slot)) < 0)
    sel->wake_slot = XSOCK__NO_SLOT; /* its slot is free again */
  return rc;
}

/* Starts backend b on sel, its wakeup included. */
static int selector__start(xsock_selector_t *sel, const xsock__backend_t *b) {
  int rc;
  sel->backend = b;
  sel->impl = NULL;
  sel->own_count = 0;
  sel->own_mask = 0;
  sel->wake.rd = sel->wake.wr = XSOCK_INVALID;
  sel->wake.pending = 0;
  sel->wake_slot = XSOCK__NO_SLOT;
  sel->wake_in_wait = 0;
  sel->look_skip = b->quick_look ? 0 : -1;
  sel->look_gap = 0;
  if ((rc = b->init(sel)) < 0)
    return rc;
  if (b->wakeup != NULL || (rc = selector__open_wakeup(sel)) == 0)
    return 0;
  /* The table keeps its (free) slots for the next backend to try. */
  b->destroy(sel);
  xsock__os_wakeup_close(&sel->wake);
  return rc;
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
  sel = (xsock_selector_t *)XSOCK__OS(calloc)(1, sizeof *sel);
  if (sel == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  sel->wake_slot = XSOCK__NO_SLOT;
  if (xsock__map_init(sel) < 0) {
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
  xsock__os_wakeup_close(&sel->wake);
  xsock__map_free(sel);
  free(sel);
}

/* Whether selector__check would fail: its tests as one condition, for
 * add and modify, which then let selector__check name the error (a tail
 * call), so that the path to their backend's tail call needs no stack
 * frame. */
static XSOCK__ALWAYS_INLINE int selector__bad(const xsock_selector_t *sel,
                                              xsock_t s, unsigned events) {
  return XSOCK__UNLIKELY(sel == NULL) || XSOCK__UNLIKELY(s == XSOCK_INVALID) ||
         XSOCK__UNLIKELY(events & ~(unsigned)SELECTOR__INTEREST);
}

static XSOCK__NOINLINE int selector__check(xsock_selector_t *sel, xsock_t s,
                                           unsigned events) {
  if (sel == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  if (events & ~(unsigned)SELECTOR__INTEREST)
    return xsock__fail(XSOCK_EINVAL, 0);
  return 0;
}

/* The interest a registration keeps: XSOCK_ONESHOT alone is interest 0,
 * so that a nonzero interest always asks for READ or WRITE. */
static unsigned selector__interest(unsigned events) {
  return (events & (XSOCK_READ | XSOCK_WRITE)) ? events : 0u;
}

/* Whether s is a handle the selector opened itself. */
static int selector__is_own(const xsock_selector_t *sel, xsock_t s) {
  unsigned i;
  for (i = 0; i < sel->own_count; i++)
    if (sel->own[i] == s)
      return 1;
  return 0;
}

/* Fills in the free slot for a registration of s and hands it to the
 * backend, which counts it, or frees the slot on failure (xsock__added):
 * so this is a tail call. A free slot's backend fields are zero already
 * (xsock__slot_free and xsock__slot_alloc clear them). */
static inline int selector__add_at(xsock_selector_t *sel, uint32_t slot,
                                   xsock_t s, unsigned events, void *udata) {
  xsock__reg_t *reg = &sel->regs[slot];
  reg->sock = s;
  reg->interest = (uint16_t)selector__interest(events);
  reg->udata = udata;
  return sel->backend->add(sel, slot);
}

/* The rest of an add, out of line so that the common one keeps nothing
 * across a call: a handle that may be the selector's own, the limit on
 * registrations, and a slot that must be allocated (the table grown on
 * POSIX, the free list and the map on Windows). */
static XSOCK__NOINLINE int selector__add_rest(xsock_selector_t *sel, xsock_t s,
                                              unsigned events, void *udata) {
  uint32_t slot = 0; /* set by xsock__slot_alloc; gcc -O2 cannot see it */
  int rc;
  /* A stale number the selector now uses itself (its wakeup, epoll's
   * descriptor) is a closed handle of the caller's: watching it would
   * report the selector's own state and, after a remove, lose it. */
  if (selector__is_own(sel, s))
    return xsock__fail(XSOCK_EBADF, 0);
  if (sel->regs_used >= XSOCK__MAX_REGS)
    return xsock__fail(XSOCK_ENOMEM, 0);
  /* Everything that can run out of memory happens before the kernel is
   * told, so a failure never needs to undo a kernel registration. */
  if ((slot = xsock__slot_quick(sel, s)) == XSOCK__NO_SLOT &&
      (rc = xsock__slot_alloc(sel, s, &slot)) < 0)
    return rc;
  return selector__add_at(sel, slot, s, events, udata);
}

int xsock_selector_add(xsock_selector_t *sel, xsock_t s, unsigned events,
                       void *udata) {
  uint32_t slot;
  if (XSOCK__UNLIKELY(selector__bad(sel, s, events)))
    return selector__check(sel, s, events);
  if (XSOCK__UNLIKELY(xsock__map_find(sel, s) != XSOCK__NO_SLOT))
    return xsock__fail(XSOCK_EEXIST, 0);
  /* The common case: a handle that cannot be one of the selector's own
   * (its bit in own_mask is clear), below the limit, in a slot the table
   * has. */
  slot = xsock__slot_quick(sel, s);
  if (XSOCK__UNLIKELY(((sel->own_mask >> ((unsigned)s & 63u)) & 1u) ||
                      slot == XSOCK__NO_SLOT ||
                      sel->regs_used >= XSOCK__MAX_REGS))
    return selector__add_rest(sel, s, events, udata);
  return selector__add_at(sel, slot, s, events, udata);
}

int xsock_selector_modify(xsock_selector_t *sel, xsock_t s, unsigned events,
                          void *udata) {
  uint32_t slot;
  unsigned old;
  if (XSOCK__UNLIKELY(selector__bad(sel, s, events)))
    return selector__check(sel, s, events);
  slot = xsock__map_find(sel, s);
  if (XSOCK__UNLIKELY(slot == XSOCK__NO_SLOT))
    return xsock__fail(XSOCK_ENOENT, 0);
  old = sel->regs[slot].interest;
  sel->regs[slot].interest = (uint16_t)selector__interest(events);
  /* The backend stores udata, or puts the interest back on failure
   * (xsock__modified), so this is a tail call. */
  return sel->backend->modify(sel, slot, old, udata);
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
  xsock__slot_free(sel, slot);
  sel->regs_used--;
  return rc < 0 ? rc : 0;
}

/* Takes the generic wakeup's event, if the wait reported it, out of the n
 * events: the channel is drained and the wait counts as woken. Only the
 * wakeup's own handle can match, since add refuses it. Out of line: the
 * busiest backend (epoll) drains the channel in its own wait. */
static XSOCK__NOINLINE int selector__take_wakeup(xsock_selector_t *sel, int n) {
  xsock_event_t *evs = sel->wait_evs;
  int i;
  for (i = 0; i < n; i++) {
    if (XSOCK__UNLIKELY(evs[i].sock == sel->wake.rd)) {
      xsock__os_wakeup_drain(&sel->wake);
      sel->woken = 1;
      evs[i] = evs[n - 1];
      return n - 1;
    }
  }
  return n;
}

/* One kernel wait through the backend, with the wakeup taken out. evs
 * must be sel->wait_evs. */
static inline int selector__wait_once(xsock_selector_t *sel, xsock_event_t *evs,
                                      int max, int timeout_ms) {
  int n;
  sel->woken = 0;
  n = sel->backend->wait(sel, evs, max, timeout_ms);
  return n > 0 && !sel->wake_in_wait ? selector__take_wakeup(sel, n) : n;
}

/* The rest of a wait whose kernel wait gave n <= 0: an error, EINTR, a
 * timeout that ran out, a wakeup, or a wait that ended with nothing to
 * report although no wakeup came (a dropped stale event, a spurious wake,
 * a backend's shortened slice). This is the one wait loop of the library:
 * no backend loops or keeps a deadline of its own. EINTR and an early
 * return wait again, a positive timeout for the time left to the deadline
 * xsock_selector_wait set. Kept out of line, with the wait's arguments
 * read back from the selector, so that the common path (events at the
 * first kernel wait) keeps nothing across the backend's call. */
static XSOCK__NOINLINE int selector__wait_rest(xsock_selector_t *sel, int n) {
  xsock_event_t *evs = sel->wait_evs;
  int max = sel->wait_max, timeout_ms = sel->wait_timeout, t = timeout_ms;
  for (;;) {
    if (n > 0)
      return n;
    if (n < 0 && n != XSOCK_EINTR)
      return n == XSOCK__TIMED_OUT ? 0 : n;
    if (n == 0 && (sel->woken || timeout_ms == 0))
      return 0;
    if (timeout_ms > 0) {
      uint64_t now = xsock__now_ns();
      if (now >= sel->wait_deadline)
        return 0;
      /* Rounded up, so the last wait cannot end before the deadline. */
      t = (int)((sel->wait_deadline - now + 999999u) / 1000000u);
    }
    n = selector__wait_once(sel, evs, max, t);
  }
}

/* The longest run of positive-timeout waits made without a first look
 * after looks that found nothing. */
#define SELECTOR__LOOK_GAP_MAX 64

/* A wait with a positive timeout, which must run to its deadline however
 * often it is cut short (the deadline an EINTR resumes against costs a
 * clock read). A server under load, whose waits nearly always find events
 * ready, needs no deadline: where the backend's look is quick, the wait
 * first looks with timeout 0 and reads the clock only when it finds
 * nothing. A look that finds nothing is one more kernel call for a wait
 * about to sleep, so after one the next waits skip it, twice as many
 * after each further miss (up to SELECTOR__LOOK_GAP_MAX), until a look
 * finds events again. Either way the wait returns what it would without
 * the look: an interrupted or empty look is followed by the timed wait
 * as if it had not been made. Out of line; the look takes the wait's
 * arguments as they came, the rest reads them back from the selector, so
 * that no path keeps anything across a call. */
static XSOCK__NOINLINE int selector__wait_timed(xsock_selector_t *sel,
                                                xsock_event_t *evs, int max) {
  int n;
  if (XSOCK__LIKELY(sel->look_skip == 0)) {
    n = selector__wait_once(sel, evs, max, 0);
    if (XSOCK__LIKELY(n > 0)) {
      sel->look_gap = 0; /* a store costs less than a test */
      return n;
    }
    if (n == 0 ? sel->woken : n != XSOCK__TIMED_OUT && n != XSOCK_EINTR)
      return n;
    if (sel->look_gap < SELECTOR__LOOK_GAP_MAX)
      sel->look_gap = sel->look_gap == 0 ? 1 : 2 * sel->look_gap;
    sel->look_skip = sel->look_gap;
  } else if (sel->look_skip > 0) {
    sel->look_skip--;
  }
  sel->wait_deadline = xsock__now_ns() + (uint64_t)sel->wait_timeout * 1000000u;
  n = selector__wait_once(sel, sel->wait_evs, sel->wait_max, sel->wait_timeout);
  /* Events, or a wakeup: the wait is over (a woken wait is a threaded
   * server's hot path, timed or not). */
  if (XSOCK__LIKELY(n > 0) || (n == 0 && sel->woken))
    return n;
  return selector__wait_rest(sel, n);
}

int xsock_selector_wait(xsock_selector_t *sel, xsock_event_t *evs, int max,
                        int timeout_ms) {
  int n;
  if (XSOCK__UNLIKELY(sel == NULL) || XSOCK__UNLIKELY(evs == NULL) ||
      XSOCK__UNLIKELY(max <= 0))
    return xsock__fail(XSOCK_EINVAL, 0);
  sel->wait_evs = evs;
  sel->wait_max = max;
  sel->wait_timeout = timeout_ms;
  if (XSOCK__UNLIKELY(timeout_ms > 0))
    return selector__wait_timed(sel, evs, max);
  n = selector__wait_once(sel, evs, max, timeout_ms);
  if (XSOCK__LIKELY(n > 0))
    return n;
  /* A wakeup, or a poll that found nothing: the wait is over, without the
   * call out of line (a woken wait is a threaded server's hot path). */
  if (n == XSOCK__TIMED_OUT ||
      (n == 0 && (sel->woken || sel->wait_timeout == 0)))
    return 0;
  return selector__wait_rest(sel, n);
}

int xsock_selector_wakeup(xsock_selector_t *sel) {
  /* Not through xsock__fail: this may run in a signal handler, where
   * touching thread-local storage is not async-signal-safe everywhere. */
  if (sel == NULL)
    return XSOCK_EINVAL;
  if (sel->backend->wakeup != NULL)
    return sel->backend->wakeup(sel);
  return xsock__os_wakeup_signal(&sel->wake);
}
