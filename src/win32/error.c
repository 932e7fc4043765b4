/* SPDX-License-Identifier: MIT */
/* Winsock (WSAE*, WSA*) and Win32 (ERROR_*) codes -> XSOCK_E*, and the
 * system's message for one (xsock_os_strerror).
 *
 * Choices that make a Windows program see what a POSIX one sees:
 *  - WSAEWOULDBLOCK is XSOCK_EAGAIN. xsock_connect() turns it into
 *    XSOCK_EINPROGRESS itself, which is what the same moment is on POSIX.
 *  - WSAENOTSOCK is XSOCK_EBADF, not XSOCK_ENOTSOCK: Windows says
 *    WSAENOTSOCK for a SOCKET that was closed (or never existed), which is
 *    what POSIX calls EBADF. An xsock_t on Windows can only ever be a
 *    socket, so "not a socket" always means "bad or closed handle" there,
 *    and the same test (use after close gives XSOCK_EBADF) holds on both.
 *  - WSAECONNABORTED and WSAENETRESET are XSOCK_ECONNRESET: Windows reports
 *    a connection that its stack dropped (or that the peer reset while data
 *    was being sent) with them where POSIX says ECONNRESET.
 *  - WSAESHUTDOWN (send after shutdown) is XSOCK_EPIPE, as POSIX's EPIPE.
 *  - getaddrinfo's EAI_* codes are WSA codes on Windows (EAI_NONAME is
 *    WSAHOST_NOT_FOUND, EAI_AGAIN WSATRY_AGAIN, ...), so they are mapped
 *    here too. */
#include "os.h"

#include <string.h>

int xsock__map_os_error(int e) {
  switch (e) {
  case WSAEWOULDBLOCK:
    return XSOCK_EAGAIN;
  case WSAEINPROGRESS:
    return XSOCK_EINPROGRESS;
  case WSAEALREADY:
    return XSOCK_EALREADY;
  case WSAEISCONN:
    return XSOCK_EISCONN;
  case WSAENOTCONN:
    return XSOCK_ENOTCONN;
  case WSAECONNREFUSED:
    return XSOCK_ECONNREFUSED;
  case WSAECONNRESET:
  case WSAECONNABORTED:
  case WSAENETRESET:
    return XSOCK_ECONNRESET;
  case WSAESHUTDOWN:
  case WSAEDISCON:
    return XSOCK_EPIPE;
  case WSAETIMEDOUT:
    return XSOCK_ETIMEDOUT;
  case WSAEADDRINUSE:
    return XSOCK_EADDRINUSE;
  case WSAEADDRNOTAVAIL:
    return XSOCK_EADDRNOTAVAIL;
  case WSAEAFNOSUPPORT: /* also EAI_FAMILY */
  case WSAEPFNOSUPPORT:
    return XSOCK_EAFNOSUPPORT;
  case WSAEPROTONOSUPPORT:
    return XSOCK_EPROTONOSUPPORT;
  case WSAESOCKTNOSUPPORT: /* also EAI_SOCKTYPE */
  case WSAEOPNOTSUPP:
  case WSAENOPROTOOPT:
  case WSAVERNOTSUPPORTED:
  case ERROR_NOT_SUPPORTED:
    return XSOCK_ENOTSUP;
  case WSAEINVAL: /* also EAI_BADFLAGS */
  case WSAEFAULT:
  case WSAEPROTOTYPE:
  case WSAENAMETOOLONG:
  case WSAEDESTADDRREQ:
  case ERROR_INVALID_PARAMETER: /* WSA_INVALID_PARAMETER */
    return XSOCK_EINVAL;
  case WSAENOTSOCK:
  case WSAEBADF:
  case ERROR_INVALID_HANDLE: /* WSA_INVALID_HANDLE */
    return XSOCK_EBADF;
  case WSAEMSGSIZE:
    return XSOCK_EMSGSIZE;
  case WSAEACCES:
  case ERROR_ACCESS_DENIED:
    return XSOCK_EACCES;
  case WSAEMFILE:
  case WSAEPROCLIM:
  case ERROR_TOO_MANY_OPEN_FILES:
    return XSOCK_EMFILE;
  case WSAENOBUFS:
    return XSOCK_ENOBUFS;
  case ERROR_NOT_ENOUGH_MEMORY: /* WSA_NOT_ENOUGH_MEMORY, EAI_MEMORY */
  case ERROR_OUTOFMEMORY:
    return XSOCK_ENOMEM;
  case WSAEHOSTUNREACH:
  case WSAEHOSTDOWN:
    return XSOCK_EHOSTUNREACH;
  case WSAENETUNREACH:
    return XSOCK_ENETUNREACH;
  case WSAENETDOWN:
  case WSASYSNOTREADY:
    return XSOCK_ENETDOWN;
  case WSAEINTR:
  case WSAECANCELLED:
    return XSOCK_EINTR;
  case WSANOTINITIALISED:
    return XSOCK_ENOTINIT;
  case WSAHOST_NOT_FOUND: /* EAI_NONAME */
  case WSANO_DATA:        /* EAI_NODATA: the name has no address */
  case WSATYPE_NOT_FOUND: /* EAI_SERVICE */
    return XSOCK_EAI_NONAME;
  case WSATRY_AGAIN: /* EAI_AGAIN */
    return XSOCK_EAI_AGAIN;
  case WSANO_RECOVERY: /* EAI_FAIL */
    return XSOCK_EAI_FAIL;
  case ERROR_ALREADY_EXISTS:
    return XSOCK_EEXIST;
  case ERROR_FILE_NOT_FOUND:
  case ERROR_NOT_FOUND:
    return XSOCK_ENOENT;
  case ERROR_INSUFFICIENT_BUFFER:
    return XSOCK_ENOSPC;
  default:
    return XSOCK_EUNKNOWN;
  }
}

int xsock__os_message(int os_error, char *buf, size_t len) {
  char tmp[512];
  DWORD n = FormatMessageA(
      FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
      (DWORD)os_error, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), tmp,
      (DWORD)sizeof tmp, NULL);
  size_t m;
  if (n == 0) {
    static const char unknown[] = "unknown OS error";
    memcpy(tmp, unknown, sizeof unknown);
    n = (DWORD)(sizeof unknown - 1);
  }
  /* System messages end with ".\r\n"; the line break is not part of the
   * message a caller wants to embed in its own line. */
  while (n > 0 &&
         (tmp[n - 1] == '\r' || tmp[n - 1] == '\n' || tmp[n - 1] == ' '))
    n--;
  m = n;
  if (m >= len)
    m = len - 1;
  memcpy(buf, tmp, m);
  buf[m] = '\0';
  return (int)m;
}
