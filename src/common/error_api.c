/* SPDX-License-Identifier: MIT */
/* The error vocabulary: names and messages generated from XSOCK_ERRNO_MAP,
 * and the per-thread record of the last raw OS error. */
#include "internal.h"

#include <string.h>

/* Thread-local so that two threads' failures never mix: the value a caller
 * reads belongs to its own last call. */
static XSOCK__TLS int error__last_os;

int xsock__fail(int err, int os_error) {
  error__last_os = os_error;
  return err;
}

int xsock__os_fail(int os_error) {
  error__last_os = os_error;
  return xsock__map_os_error(os_error);
}

int xsock__last_os_error(void) { return error__last_os; }

int xsock_last_os_error(void) { return xsock__last_os_error(); }

const char *xsock_err_name(int err) {
  switch (err) {
  case 0:
    return "OK";
#define ERROR__NAME(name, value, msg)                                          \
  case XSOCK_##name:                                                           \
    return #name;
    XSOCK_ERRNO_MAP(ERROR__NAME)
#undef ERROR__NAME
  default:
    return "EUNKNOWN";
  }
}

const char *xsock_strerror(int err) {
  switch (err) {
  case 0:
    return "success";
#define ERROR__MSG(name, value, msg)                                           \
  case XSOCK_##name:                                                           \
    return msg;
    XSOCK_ERRNO_MAP(ERROR__MSG)
#undef ERROR__MSG
  default:
    return "unknown error";
  }
}

int xsock_os_strerror(int os_error, char *buf, size_t len) {
  if (buf == NULL || len == 0)
    return xsock__fail(XSOCK_EINVAL, 0);
  return xsock__os_message(os_error, buf, len);
}
