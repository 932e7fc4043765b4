/* SPDX-License-Identifier: MIT */
/* errno -> XSOCK_E*. Codes that mean the same thing to a caller are folded
 * into one: EWOULDBLOCK into EAGAIN, ESHUTDOWN into EPIPE, EOPNOTSUPP into
 * ENOTSUP, ENFILE into EMFILE. */
#include "os.h"

#include <netdb.h>
#include <string.h>

int xsock__map_os_error(int e) {
  switch (e) {
  case 0:
    return XSOCK_EUNKNOWN;
  case EAGAIN:
#if defined(EWOULDBLOCK) && EWOULDBLOCK != EAGAIN
  case EWOULDBLOCK:
#endif
    return XSOCK_EAGAIN;
  case EINPROGRESS:
    return XSOCK_EINPROGRESS;
  case ECONNREFUSED:
    return XSOCK_ECONNREFUSED;
  case ECONNRESET:
    return XSOCK_ECONNRESET;
  case ECONNABORTED:
    return XSOCK_ECONNABORTED;
  case EPIPE:
#ifdef ESHUTDOWN
  case ESHUTDOWN:
#endif
    return XSOCK_EPIPE;
  case ETIMEDOUT:
    return XSOCK_ETIMEDOUT;
  case EADDRINUSE:
    return XSOCK_EADDRINUSE;
  case EADDRNOTAVAIL:
    return XSOCK_EADDRNOTAVAIL;
  case EAFNOSUPPORT:
#ifdef EPFNOSUPPORT
  case EPFNOSUPPORT:
#endif
    return XSOCK_EAFNOSUPPORT;
  case EINVAL:
#ifdef EPROTOTYPE
  case EPROTOTYPE:
#endif
#ifdef ENAMETOOLONG
  case ENAMETOOLONG:
#endif
  case EFAULT:
    return XSOCK_EINVAL;
  case EBADF:
    return XSOCK_EBADF;
  case EEXIST:
    return XSOCK_EEXIST;
  case ENOENT:
    return XSOCK_ENOENT;
  case ERANGE:
    return XSOCK_ERANGE;
  case ENOMEM:
    return XSOCK_ENOMEM;
  case EMFILE:
  case ENFILE:
    return XSOCK_EMFILE;
  case ENOTSUP:
#if defined(EOPNOTSUPP) && EOPNOTSUPP != ENOTSUP
  case EOPNOTSUPP:
#endif
#ifdef ESOCKTNOSUPPORT
  case ESOCKTNOSUPPORT:
#endif
  case ENOPROTOOPT:
    return XSOCK_ENOTSUP;
  case ENOSPC:
    return XSOCK_ENOSPC;
  case EINTR:
    return XSOCK_EINTR;
  case ENOTCONN:
    return XSOCK_ENOTCONN;
  case EHOSTUNREACH:
#ifdef EHOSTDOWN
  case EHOSTDOWN:
#endif
    return XSOCK_EHOSTUNREACH;
  case ENETUNREACH:
    return XSOCK_ENETUNREACH;
  case EMSGSIZE:
    return XSOCK_EMSGSIZE;
  case EISCONN:
    return XSOCK_EISCONN;
  case EALREADY:
    return XSOCK_EALREADY;
  case ENOTSOCK:
    return XSOCK_ENOTSOCK;
  case EACCES:
  case EPERM:
    return XSOCK_EACCES;
  case ENOBUFS:
    return XSOCK_ENOBUFS;
  case ENETDOWN:
    return XSOCK_ENETDOWN;
  case ENETRESET:
    return XSOCK_ECONNRESET;
  case EPROTONOSUPPORT:
    return XSOCK_EPROTONOSUPPORT;
  default:
    return XSOCK_EUNKNOWN;
  }
}

int xsock__os_message(int os_error, char *buf, size_t len) {
  /* strerror() is not thread-safe. strerror_r is, but glibc with
   * _GNU_SOURCE gives it another signature (it returns the message, which
   * may not be in tmp), so both forms are handled. */
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
  char tmp[256];
  /* A failed xsock_resolve records getaddrinfo's EAI_* code, which glibc
   * makes negative, apart from every errno value. */
  const char *msg = os_error < 0 ? gai_strerror(os_error)
                                 : strerror_r(os_error, tmp, sizeof tmp);
#else
  char tmp[256];
  const char *msg = tmp;
  if (strerror_r(os_error, tmp, sizeof tmp) != 0)
    msg = "unknown OS error";
#endif
  size_t n = strlen(msg);
  if (n >= len)
    n = len - 1;
  memcpy(buf, msg, n);
  buf[n] = '\0';
  return (int)n;
}
