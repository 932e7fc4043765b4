/* SPDX-License-Identifier: MIT */
/* The selector's registration slots on POSIX (contract in
 * src/common/selector.h, "slots and the handle -> slot map").
 *
 * POSIX descriptors are the lowest free small integers, so the table is
 * indexed by the descriptor: no map, no free list, and a lookup is one
 * bounds check (inline, in selector.h). It grows by half (not by
 * doubling) to the highest descriptor registered, which keeps the bytes
 * per registration low; it only grows in add, never in a wait. */
#include "selector.h"

#include <stdlib.h>
#include <string.h>

int xsock__map_init(struct xsock_selector *sel) {
  sel->regs = NULL;
  sel->regs_cap = 0;
  return 0;
}

int xsock__slot_alloc(struct xsock_selector *sel, xsock_t s, uint32_t *slot) {
  uint32_t want, cap, i;
  xsock__reg_t *regs;
  if (s < 0)
    return xsock__fail(XSOCK_EBADF, 0);
  if ((uint32_t)s >= XSOCK__MAX_REGS) {
    /* Beyond any table a selector allocates. A number that names nothing
     * is still XSOCK_EBADF, as for every closed handle. */
    int family, type;
    if (xsock__socket_kind(s, &family, &type) == XSOCK_EBADF)
      return XSOCK_EBADF;
    return xsock__fail(XSOCK_ENOMEM, 0);
  }
  want = (uint32_t)s + 1;
  if (want > sel->regs_cap) {
    cap = sel->regs_cap ? sel->regs_cap : XSOCK__GROW_MIN;
    while (cap < want)
      cap += cap / 2;
    regs = (xsock__reg_t *)xsock__grow_array(sel->regs, cap, sizeof *regs);
    if (regs == NULL)
      return xsock__fail(XSOCK_ENOMEM, 0);
    for (i = sel->regs_cap; i < cap; i++) {
      xsock__reg_clear(&regs[i]);
      regs[i].gen = 0;
    }
    sel->regs = regs;
    sel->regs_cap = cap;
  }
  *slot = (uint32_t)s;
  xsock__reg_clear(&sel->regs[*slot]);
  return 0;
}

void xsock__slot_free(struct xsock_selector *sel, uint32_t slot) {
  xsock__reg_clear(&sel->regs[slot]);
  sel->regs[slot].gen++;
}

void xsock__map_free(struct xsock_selector *sel) {
  free(sel->regs);
  sel->regs = NULL;
  sel->regs_cap = 0;
}
