/* SPDX-License-Identifier: MIT */
/* The selector's handle -> slot map (contract in selector.h).
 *
 * Handles are small dense integers on POSIX and multiples of four on
 * Windows, so they are spread with a Fibonacci multiply before masking;
 * the table is kept at most half full, which keeps linear probe runs
 * short. Deletion shifts later entries of the run back instead of leaving
 * tombstones, so a long-lived selector with heavy churn never degrades. */
#include "selector.h"

#include <stdlib.h>
#include <string.h>

static uint32_t map__home(const struct xsock_selector *sel, xsock_t s) {
  /* The conversion is well defined for a negative int and for an
   * unsigned SOCKET alike. */
  uint64_t k = (uint64_t)s * UINT64_C(0x9E3779B97F4A7C15);
  return (uint32_t)(k >> 32) & sel->map_mask;
}

uint32_t xsock__map_find(const struct xsock_selector *sel, xsock_t s) {
  uint32_t i, e;
  if (sel->map == NULL)
    return XSOCK__NO_SLOT;
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

int xsock__map_reserve(struct xsock_selector *sel, uint32_t count) {
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
}
