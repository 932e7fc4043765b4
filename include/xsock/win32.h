/* SPDX-License-Identifier: MIT */
/** Platform types of xsock on Windows. Included by <xsock.h>; do not include
 * directly. */
#ifndef XSOCK_WIN32_H
#define XSOCK_WIN32_H

#include <stdint.h>

/** A Winsock SOCKET is a UINT_PTR. It is spelled as uintptr_t here so that
 * <xsock.h> does not drag <winsock2.h> and <windows.h> (and their macros)
 * into every file of the application; a SOCKET converts to and from it
 * without a cast. */
typedef uintptr_t xsock_t;

/** The value that marks "no handle": INVALID_SOCKET. */
#define XSOCK_INVALID (~(xsock_t)0)

#endif /* XSOCK_WIN32_H */
