/* SPDX-License-Identifier: MIT */
/* The Windows selector backends, in the order XSOCK_BACKEND_DEFAULT tries
 * them: AFD first (a wait costs the same whatever the number of sockets),
 * which does not start where ntdll lacks what it needs or a layered
 * provider hides the sockets' base handles; then WSAPoll (one array, no
 * limit on the number of sockets), then select, which every Winsock
 * has. */
#include "selector.h"

XSOCK__INTERNAL const xsock__backend_t
    *const xsock__backends[XSOCK__BACKEND_COUNT + 1] = {
#if XSOCK_HAVE_AFD
        &xsock__backend_afd,
#endif
#if XSOCK_HAVE_WSAPOLL
        &xsock__backend_wsapoll,
#endif
#if XSOCK_HAVE_SELECT
        &xsock__backend_select,
#endif
        NULL};
