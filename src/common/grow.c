/* SPDX-License-Identifier: MIT */
/* The one growth policy of the selector's arrays (contract in selector.h):
 * doubling from a small start, with the only cap placed on the number of
 * registrations, in xsock_selector_add. */
#include "selector.h"

#include <stdlib.h>

uint32_t xsock__grow_cap(uint32_t cap, uint32_t want) {
  uint64_t c = cap ? cap : XSOCK__GROW_MIN;
  while (c < want)
    c *= 2;
  /* want is at most a few times XSOCK__MAX_REGS (2^24), far below 2^32. */
  return (uint32_t)c;
}

void *xsock__grow_array(void *p, uint32_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size)
    return NULL;
  return XSOCK__OS(realloc)(p, (size_t)count * size);
}

#ifdef XSOCK_TEST_HOOKS
/* The allocation entries of the test build's table of OS calls
 * (os_calls.h), one pair for both OSes. */
void *xsock__real_calloc(size_t count, size_t size) {
  return calloc(count, size);
}

void *xsock__real_realloc(void *p, size_t size) { return realloc(p, size); }
#endif
