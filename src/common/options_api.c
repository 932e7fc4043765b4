/* SPDX-License-Identifier: MIT */
/* xsock_set_option / xsock_get_option: which option needs which kind of
 * socket, and which values it takes, decided here once for every OS. The
 * OSes disagree underneath (Linux takes SO_KEEPALIVE and SO_LINGER on UDP
 * and SO_BROADCAST on TCP, Windows refuses them with WSAENOPROTOOPT; some
 * Winsock providers accept TCP_NODELAY on UDP), so the answer must not be
 * left to them. The platform hooks only translate an already valid
 * request into the OS's call. */
#include "internal.h"

/* What an option needs of its socket and of its value. */
#define OPTIONS__STREAM 0x01u   /* a stream socket */
#define OPTIONS__DGRAM 0x02u    /* a datagram socket */
#define OPTIONS__INET6 0x04u    /* an IPv6 socket */
#define OPTIONS__TCP 0x08u      /* a stream socket of IPv4 or IPv6 */
#define OPTIONS__BOOLEAN 0x10u  /* value 0 or 1 */
#define OPTIONS__LINGER 0x20u   /* value -1 (off) or 0..65535 seconds */
#define OPTIONS__READONLY 0x40u /* get only */
#define OPTIONS__UNKNOWN 0x80u
#define OPTIONS__KEEPTIME 0x100u /* value 1..OPTIONS__KEEPTIME_MAX seconds */
#define OPTIONS__KEEPCNT 0x200u  /* value 1..OPTIONS__KEEPCNT_MAX probes */
#define OPTIONS__KIND                                                          \
  (OPTIONS__STREAM | OPTIONS__DGRAM | OPTIONS__INET6 | OPTIONS__TCP)

/* The longest linger: Windows keeps it in 16 bits, and one limit for every
 * OS keeps the option portable. */
#define OPTIONS__LINGER_MAX 65535

/* The keepalive limits are Linux's (MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL,
 * MAX_TCP_KEEPCNT), the narrowest of the OSes': macOS, the BSDs and
 * Windows take more, but a value refused on one OS would break the
 * promise that a call gives the same result everywhere. 0 is refused too:
 * Linux refuses it, and elsewhere it would mean "probe at once" or "never
 * give up". */
#define OPTIONS__KEEPTIME_MAX 32767
#define OPTIONS__KEEPCNT_MAX 127

static unsigned options__rules(int option) {
  switch (option) {
  case XSOCK_OPT_REUSEADDR:
    return OPTIONS__BOOLEAN;
  case XSOCK_OPT_NODELAY:
    return OPTIONS__BOOLEAN | OPTIONS__TCP;
  case XSOCK_OPT_KEEPALIVE:
    return OPTIONS__BOOLEAN | OPTIONS__STREAM;
  case XSOCK_OPT_SNDBUF:
  case XSOCK_OPT_RCVBUF:
  case XSOCK_OPT_RCVTIMEO: /* milliseconds, 0 for none; any socket */
  case XSOCK_OPT_SNDTIMEO:
    return 0;
  case XSOCK_OPT_V6ONLY:
    return OPTIONS__BOOLEAN | OPTIONS__INET6;
  case XSOCK_OPT_LINGER:
    return OPTIONS__LINGER | OPTIONS__STREAM;
  case XSOCK_OPT_BROADCAST:
    return OPTIONS__BOOLEAN | OPTIONS__DGRAM;
  case XSOCK_OPT_TYPE:
    return OPTIONS__READONLY;
  case XSOCK_OPT_KEEPIDLE:
  case XSOCK_OPT_KEEPINTVL:
    return OPTIONS__KEEPTIME | OPTIONS__TCP;
  case XSOCK_OPT_KEEPCNT:
    return OPTIONS__KEEPCNT | OPTIONS__TCP;
  case XSOCK_OPT_REUSEPORT:
    /* TCP only: whether every OS that balances connections also balances
     * datagrams is not established, and the option promises balancing. */
    return OPTIONS__BOOLEAN | OPTIONS__TCP;
  default:
    return OPTIONS__UNKNOWN;
  }
}

/* Checks that s is a socket of the kind the rules ask for; stores its type
 * in *type when asked. */
static int options__check_kind(xsock_t s, unsigned rules, int *type) {
  int family, kind, rc = xsock__socket_kind(s, &family, &kind);
  if (rc < 0)
    return rc;
  if (((rules & OPTIONS__STREAM) && kind != XSOCK_STREAM) ||
      ((rules & OPTIONS__DGRAM) && kind != XSOCK_DGRAM) ||
      ((rules & OPTIONS__INET6) && family != XSOCK_AF_INET6) ||
      ((rules & OPTIONS__TCP) &&
       (kind != XSOCK_STREAM ||
        (family != XSOCK_AF_INET && family != XSOCK_AF_INET6))))
    return xsock__fail(XSOCK_ENOTSUP, 0);
  if (type != NULL)
    *type = kind;
  return 0;
}

/* 1 when value is one the option takes. */
static int options__value_ok(unsigned rules, int value) {
  if (rules & OPTIONS__BOOLEAN)
    return value == 0 || value == 1;
  if (rules & OPTIONS__LINGER)
    return value >= -1 && value <= OPTIONS__LINGER_MAX;
  if (rules & OPTIONS__KEEPTIME)
    return value >= 1 && value <= OPTIONS__KEEPTIME_MAX;
  if (rules & OPTIONS__KEEPCNT)
    return value >= 1 && value <= OPTIONS__KEEPCNT_MAX;
  return value >= 0;
}

int xsock_set_option(xsock_t s, int option, int value) {
  unsigned rules = options__rules(option);
  int rc;
  if (rules & (OPTIONS__UNKNOWN | OPTIONS__READONLY))
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  if (!options__value_ok(rules, value))
    return xsock__fail(XSOCK_EINVAL, 0);
  if ((rules & OPTIONS__KIND) && (rc = options__check_kind(s, rules, NULL)) < 0)
    return rc;
  return xsock__os_set_option(s, option, value);
}

/* The checks and the read of xsock_get_option; *v is the value read. */
static int options__get(xsock_t s, int option, int *v) {
  unsigned rules = options__rules(option);
  int rc;
  if (rules & OPTIONS__UNKNOWN)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  if (option == XSOCK_OPT_TYPE) {
    if ((rc = options__check_kind(s, 0, v)) < 0)
      return rc;
    if (*v != XSOCK_STREAM && *v != XSOCK_DGRAM)
      return xsock__fail(XSOCK_ENOTSUP, 0); /* raw, seqpacket: not ours */
    return 0;
  }
  if ((rules & OPTIONS__KIND) && (rc = options__check_kind(s, rules, NULL)) < 0)
    return rc;
  if ((rc = xsock__os_get_option(s, option, v)) < 0)
    return rc;
  /* The BSDs return a boolean option as its flag bit (e.g. 4), and some
   * Winsock providers a one-byte BOOLEAN: booleans read back as 0/1. */
  if (rules & OPTIONS__BOOLEAN)
    *v = *v != 0;
  return 0;
}

int xsock_get_option(xsock_t s, int option, int *value) {
  int v = 0, rc;
  if (value == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  rc = options__get(s, option, &v);
  /* The one place that sets the out-parameter: 0 on any failure, so that
   * no OS leaves a half-read value behind. */
  *value = rc < 0 ? 0 : v;
  return rc;
}
