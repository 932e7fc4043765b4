/* SPDX-License-Identifier: MIT */
/* The OS calls a test may make fail (fault injection): the Windows mirror
 * of src/posix/os_calls.h, which says how the table works.
 *
 * The entries have plain signatures of this file's own (no WSAAPI), so
 * that a fake is an ordinary function of exactly the entry's type; the
 * wrappers in os_calls.c make the real calls. */
#ifndef XSOCK_WIN32_OS_CALLS_H
#define XSOCK_WIN32_OS_CALLS_H

#ifdef XSOCK_TEST_HOOKS

#include "config.h"

#include <stddef.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

typedef struct xsock__os_calls {
  /* Handles: WSASocketW makes every socket, the emulated socketpair's
   * and the selector's wakeup pair included. */
  /* (af, type, protocol, info, group, flags): unnamed so that the line
   * fits, which clang-format otherwise lays out two ways in turn. */
  SOCKET (*WSASocketW)(int, int, int, WSAPROTOCOL_INFOW *, GROUP, DWORD);
  SOCKET (*accept)(SOCKET s, struct sockaddr *sa, int *len);
  int (*connect)(SOCKET s, const struct sockaddr *sa, int len);
  /* Data. */
  int (*send)(SOCKET s, const char *buf, int len, int flags);
  int (*recv)(SOCKET s, char *buf, int len, int flags);
  int (*sendto)(SOCKET s, const char *buf, int len, int flags,
                const struct sockaddr *sa, int salen);
  int (*recvfrom)(SOCKET s, char *buf, int len, int flags, struct sockaddr *sa,
                  int *salen);
  int (*WSASend)(SOCKET s, WSABUF *bufs, DWORD count, DWORD *sent, DWORD flags,
                 WSAOVERLAPPED *ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE done);
  int (*WSARecv)(SOCKET s, WSABUF *bufs, DWORD count, DWORD *got, DWORD *flags,
                 WSAOVERLAPPED *ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE done);
  /* Readiness: xsock_wait, connect's result, the wsapoll and select
   * backends, and the AFD backend's completion port. */
  int (*WSAPoll)(WSAPOLLFD *fds, ULONG n, INT timeout_ms);
  int (*select)(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv);
  BOOL(*GetQueuedCompletionStatusEx)
  (HANDLE port, OVERLAPPED_ENTRY *ents, ULONG max, ULONG *n, DWORD timeout_ms,
   BOOL alertable);
  XSOCK__OS_CALLS_ALLOC /* internal.h: the entries both OSes share */
} xsock__os_calls_t;

#endif /* XSOCK_TEST_HOOKS */

#endif /* XSOCK_WIN32_OS_CALLS_H */
