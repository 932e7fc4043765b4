/* SPDX-License-Identifier: MIT */
/* The POSIX selector backends, in the order XSOCK_BACKEND_DEFAULT tries
 * them: the scalable kernel interfaces first (epoll on Linux, kqueue on
 * macOS and the BSDs), then poll, which every POSIX system has and which
 * has no descriptor limit, then select, the last resort. */
#include "selector.h"

XSOCK__INTERNAL const xsock__backend_t
    *const xsock__backends[XSOCK__BACKEND_COUNT + 1] = {
#if XSOCK_HAVE_EPOLL
        &xsock__backend_epoll,
#endif
#if XSOCK_HAVE_KQUEUE
        &xsock__backend_kqueue,
#endif
#if XSOCK_HAVE_POLL
        &xsock__backend_poll,
#endif
#if XSOCK_HAVE_SELECT
        &xsock__backend_select,
#endif
        NULL};
