/* SPDX-License-Identifier: MIT */
/* The selector's registration slots and its handle -> slot map on Windows
 * (contract in src/common/selector.h, "slots and the handle -> slot map").
 *
 * Windows SOCKETs are opaque numbers (multiples of four, but not dense),
 * so slots come from a free list and a hash map finds them: handles are
 * spread with a Fibonacci multiply before masking, the table is kept at
 * most half full, which keeps linear probe runs short, and deletion
 * shifts later entries of the run back instead of leaving tombstones, so
 * a long-lived selector with heavy churn never degrades. */
#include "selector.h"

#include <stdlib.h>
#include <string.h>

static uint32_t map__home(const struct xsock_selector *sel, xsock_t s) {
  /* The conversion is well defined for an unsigned SOCKET. */
  uint64_t k = (uint64_t)s * UINT64_C(0x9E3779B97F4A7C15);
  return (uint32_t)(k >> 32) & sel->map_mask;
}

uint32_t xsock__map_find(const struct xsock_selector *sel, xsock_t s) {
  uint32_t i, e;
  for (i = map__home(sel, s);; i = (i + 1) & sel->map_mask) {
    e = sel->map[i];
    if (e == 0)
      return XSOCK__NO_SLOT;
    if (sel->regs[e - 1].sock == s)
      return e - 1;
  }
}

static void map__put(struct xsock_selector *sel, uint32_t slot) {
  uint32_t i = map__home(sel, sel->regs[slot].sock);
  while (sel->map[i] != 0)
    i = (i + 1) & sel->map_mask;
  sel->map[i] = slot + 1;
}

/* Makes room for count entries (load factor at most 1/2); XSOCK_ENOMEM
 * leaves the map unchanged. */
static int map__reserve(struct xsock_selector *sel, uint32_t count) {
  uint32_t cap = sel->map == NULL ? 0 : sel->map_mask + 1;
  uint32_t new_cap, *old = sel->map, slot;
  if ((uint64_t)count * 2 <= cap)
    return 0;
  /* A power of two, as masking needs: the growth policy doubles from a
   * power of two. count is bounded by XSOCK__MAX_REGS. */
  new_cap = xsock__grow_cap(cap, count * 2);
  sel->map = (uint32_t *)xsock__grow_array(NULL, new_cap, sizeof *sel->map);
  if (sel->map == NULL) {
    sel->map = old;
    return xsock__fail(XSOCK_ENOMEM, 0);
  }
  memset(sel->map, 0, (size_t)new_cap * sizeof *sel->map);
  sel->map_mask = new_cap - 1;
  /* Rehash from the registration table, which is the source of truth;
   * the wakeup's registration is never in the map. */
  for (slot = 0; old != NULL && slot < sel->regs_cap; slot++)
    if (sel->regs[slot].sock != XSOCK_INVALID && slot != sel->wake_slot)
      map__put(sel, slot);
  free(old);
  return 0;
}

int xsock__map_init(struct xsock_selector *sel) {
  sel->regs = NULL;
  sel->regs_cap = 0;
  sel->free_head = XSOCK__NO_SLOT;
  sel->map = NULL;
  /* The map exists from the start so that lookups never meet NULL. */
  return map__reserve(sel, 1);
}

int xsock__slot_alloc(struct xsock_selector *sel, xsock_t s, uint32_t *slot) {
  int rc;
  (void)s;
  if ((rc = map__reserve(sel, sel->regs_used + 1)) < 0)
    return rc;
  if (sel->free_head == XSOCK__NO_SLOT) {
    uint32_t cap = xsock__grow_cap(sel->regs_cap, sel->regs_cap + 1), i;
    xsock__reg_t *regs =
        (xsock__reg_t *)xsock__grow_array(sel->regs, cap, sizeof *regs);
    if (regs == NULL)
      return xsock__fail(XSOCK_ENOMEM, 0);
    /* New slots go on the free list lowest first, so slots stay dense. */
    for (i = cap; i-- > sel->regs_cap;) {
      xsock__reg_clear(&regs[i]);
      regs[i].gen = 0;
      regs[i].mem = NULL;
      regs[i].next_free = sel->free_head;
      sel->free_head = i;
    }
    sel->regs = regs;
    sel->regs_cap = cap;
  }
  *slot = sel->free_head;
  sel->free_head = sel->regs[*slot].next_free;
  /* The backend's fields start empty for every registration. */
  xsock__reg_clear(&sel->regs[*slot]);
  sel->regs[*slot].mem = NULL;
  return 0;
}

void xsock__slot_free(struct xsock_selector *sel, uint32_t slot) {
  xsock__reg_t *reg = &sel->regs[slot];
  xsock__reg_clear(reg);
  reg->gen++;
  reg->next_free = sel->free_head;
  sel->free_head = slot;
}

void xsock__map_insert(struct xsock_selector *sel, uint32_t slot) {
  map__put(sel, slot);
}

void xsock__map_erase(struct xsock_selector *sel, uint32_t slot) {
  uint32_t mask = sel->map_mask;
  uint32_t i = map__home(sel, sel->regs[slot].sock), j, home;
  while (sel->map[i] != slot + 1)
    i = (i + 1) & mask;
  /* Backward shift: move each later entry of the run into the hole when
   * its home position does not lie cyclically in (hole, entry]. */
  for (j = (i + 1) & mask; sel->map[j] != 0; j = (j + 1) & mask) {
    home = map__home(sel, sel->regs[sel->map[j] - 1].sock);
    if (((j - home) & mask) >= ((j - i) & mask)) {
      sel->map[i] = sel->map[j];
      i = j;
    }
  }
  sel->map[i] = 0;
}

void xsock__map_free(struct xsock_selector *sel) {
  free(sel->map);
  sel->map = NULL;
  sel->map_mask = 0;
  free(sel->regs);
  sel->regs = NULL;
  sel->regs_cap = 0;
}
