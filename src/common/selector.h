/* SPDX-License-Identifier: MIT */
/* The contract between the selector front end (src/common/selector.c) and
 * its backends (src/posix/sel_*.c, src/win32/sel_*.c). Documented here
 * once; backends do not repeat it.
 *
 * The front end owns argument checks and the registration table: a dense,
 * slot-indexed array of xsock__reg_t plus a map from handle to slot. A
 * backend owns its kernel object and whatever arrays it needs (a pollfd
 * array, fd sets), and converts what the kernel reports straight into the
 * caller's xsock_event_t array.
 *
 * Each backend is one file, guarded by its XSOCK_HAVE_<X> macro, with
 * static functions and one exported const table:
 *     const xsock__backend_t xsock__backend_epoll = { ... };
 *
 * Rules every backend follows:
 *  - add/modify/remove/wait/wakeup never abort or print; failures return
 *    XSOCK_E* (through xsock__os_fail for OS errors).
 *  - add is called after the front end checked the arguments and found
 *    the handle unregistered; when add fails the front end frees the slot.
 *    add must reject an invalid or closed handle with XSOCK_EBADF and a
 *    regular file or directory with XSOCK_ENOTSUP.
 *  - interest 0 means registered but silent: the kernel must not be asked
 *    to watch the handle (epoll/kqueue/poll report errors and hangups even
 *    with no events requested), so nothing is reported for it.
 *  - remove succeeds when the handle was already closed; the front end
 *    frees the slot whatever remove returns.
 *  - wait performs ONE kernel wait with timeout_ms (< 0 forever, 0 poll) and
 *    returns the number of events stored (<= max), or XSOCK_EINTR, or an
 *    error. The front end handles EINTR, early returns and the deadline.
 *    When the wait consumed a wakeup the backend sets sel->woken = 1.
 *  - wait stores one merged event per handle, with xsock__ready_events()
 *    applied, and never an event for a slot whose token is stale
 *    (xsock__reg_by_token returns NULL).
 *  - wait allocates nothing; grow arrays in add (or init).
 *  - wakeup is async-signal-safe on POSIX and thread-safe everywhere.
 */
#ifndef XSOCK_COMMON_SELECTOR_H
#define XSOCK_COMMON_SELECTOR_H

#include "internal.h"

/* One registration. Lives in sel->regs[slot]; the array may move when it
 * grows (only in add), so backends keep slots or tokens, never pointers. */
typedef struct xsock__reg {
  xsock_t sock;      /* XSOCK_INVALID when the slot is free */
  unsigned interest; /* XSOCK_READ | XSOCK_WRITE, or 0 */
  void *udata;
  uint32_t gen; /* bumped whenever the slot is freed */
  uint32_t next_free;
  size_t bindex; /* backend's own index for this registration (e.g.
                    its position in a pollfd array), free for its use */
} xsock__reg_t;

struct xsock_selector;

typedef struct xsock__backend {
  int id;           /* XSOCK_BACKEND_* */
  const char *name; /* "epoll", ... */
  /* Creates the kernel object and the wakeup channel; stores its state in
   * sel->impl. XSOCK_ENOTSUP if this OS cannot run the backend. */
  int (*init)(struct xsock_selector *sel);
  void (*destroy)(struct xsock_selector *sel);
  int (*add)(struct xsock_selector *sel, uint32_t slot);
  /* Called after sel->regs[slot].interest was updated; old_interest is
   * what it was. */
  int (*modify)(struct xsock_selector *sel, uint32_t slot,
                unsigned old_interest);
  int (*remove)(struct xsock_selector *sel, uint32_t slot);
  int (*wait)(struct xsock_selector *sel, xsock_event_t *evs, int max,
              int timeout_ms);
  int (*wakeup)(struct xsock_selector *sel);
} xsock__backend_t;

struct xsock_selector {
  const xsock__backend_t *backend;
  void *impl; /* backend state */
  xsock__reg_t *regs;
  uint32_t regs_cap;  /* slots allocated */
  uint32_t regs_used; /* live registrations */
  uint32_t free_head; /* first free slot, or UINT32_MAX */
  /* handle -> slot map, open addressing with linear probing. */
  uint32_t *map;     /* slot + 1, 0 = empty */
  uint32_t map_mask; /* capacity - 1 (capacity a power of two) */
  int woken;         /* set by a backend's wait when it drained a wakeup;
                        the front end clears it before each wait */
};

/* A kernel-held token that names a registration: the slot in the low 32
 * bits, the slot's generation in the high 32. A kernel that still reports
 * a removed registration (epoll on a dup'ed descriptor, an AFD completion
 * that raced a cancel) carries a stale generation and is dropped. */
static inline uint64_t xsock__reg_token(const struct xsock_selector *sel,
                                        uint32_t slot) {
  return ((uint64_t)sel->regs[slot].gen << 32) | slot;
}

/* The registration a kernel token names, or NULL when the token is stale.
 * The token must be one that xsock__reg_token() made for this selector (a
 * backend tests its own private tokens, such as its wakeup's, first): its
 * slot then still exists, because the table never shrinks, and only the
 * generation needs a test. A free slot needs none of its own either:
 * freeing bumped its generation, so no token handed out for it can match
 * until it is used again. */
static inline xsock__reg_t *
xsock__reg_by_token(const struct xsock_selector *sel, uint64_t token) {
  xsock__reg_t *reg = &sel->regs[(uint32_t)token];
  return XSOCK__LIKELY(reg->gen == (uint32_t)(token >> 32)) ? reg : NULL;
}

/* The normalisation every backend applies to what its OS reported is
 * xsock__ready_events() in readiness.h. */

/* The backends compiled in, in the order XSOCK_BACKEND_DEFAULT tries them
 * (defined in the platform's backends table, src/posix/backends.c or
 * src/win32/backends.c); terminated by NULL. */
extern const xsock__backend_t *const xsock__backends[];

/* Every backend's table, each defined in its own guarded file. Declaring
 * one that is not compiled in is harmless: only backends.c names them. */
extern const xsock__backend_t xsock__backend_epoll;
extern const xsock__backend_t xsock__backend_kqueue;
extern const xsock__backend_t xsock__backend_poll;
extern const xsock__backend_t xsock__backend_select;
extern const xsock__backend_t xsock__backend_wsapoll;
extern const xsock__backend_t xsock__backend_afd;

/* ---- handle -> slot map (src/common/handle_map.c) ----
 * Open addressing with linear probing and backward-shift deletion (no
 * tombstones, so lookups never slow down after many removes). An entry
 * holds slot + 1; its key is sel->regs[slot].sock, so the map stores no
 * copy of the handle. Only add/modify/remove use it, never wait. */
#define XSOCK__NO_SLOT UINT32_MAX

/* The slot registered for s, or XSOCK__NO_SLOT. */
uint32_t xsock__map_find(const struct xsock_selector *sel, xsock_t s);

/* Makes room for count entries (load factor at most 1/2); XSOCK_ENOMEM
 * leaves the map unchanged. Called before insert so that insert cannot
 * fail. */
int xsock__map_reserve(struct xsock_selector *sel, uint32_t count);

/* Inserts sel->regs[slot].sock -> slot; room must have been reserved. */
void xsock__map_insert(struct xsock_selector *sel, uint32_t slot);

/* Removes the entry of sel->regs[slot].sock, which must be present and
 * still hold its handle. */
void xsock__map_erase(struct xsock_selector *sel, uint32_t slot);

void xsock__map_free(struct xsock_selector *sel);

#endif /* XSOCK_COMMON_SELECTOR_H */
