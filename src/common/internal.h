/* SPDX-License-Identifier: MIT */
/* Internal declarations shared by every source file of the library.
 *
 * Names: functions that cross files are prefixed xsock__; static helpers are
 * prefixed with their module (addr__parse_v4) so that every source can be
 * glued into one amalgamated file without clashes.
 *
 * The "platform hooks" below are the few OS services that common code needs.
 * Each is implemented once in src/posix and once in src/win32, so that
 * common code never contains an #ifdef _WIN32. */
#ifndef XSOCK_COMMON_INTERNAL_H
#define XSOCK_COMMON_INTERNAL_H

/* First of all: the feature-test macros must precede every system header. */
#include "config.h"

#include "xsock.h"

#include <stdint.h>

/* Thread-local storage. Keyed on the compiler, not the OS: MinGW's gcc
 * understands __thread, only MSVC needs its own spelling. */
#if defined(_MSC_VER)
#define XSOCK__TLS __declspec(thread)
#else
#define XSOCK__TLS __thread
#endif

#if defined(__GNUC__)
#define XSOCK__LIKELY(x) __builtin_expect(!!(x), 1)
#define XSOCK__UNLIKELY(x) __builtin_expect(!!(x), 0)
#define XSOCK__NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define XSOCK__LIKELY(x) (x)
#define XSOCK__UNLIKELY(x) (x)
#define XSOCK__NOINLINE __declspec(noinline)
#else
#define XSOCK__LIKELY(x) (x)
#define XSOCK__UNLIKELY(x) (x)
#define XSOCK__NOINLINE
#endif

/* ---- errors (src/common/error.c) ---- */

/* Records os_error as the calling thread's last OS error and returns its
 * XSOCK_E* mapping. Every failing OS call goes through here. */
int xsock__os_fail(int os_error);

/* Records os_error (0 for errors xsock detects itself) and returns err
 * unchanged: for failures whose code the caller already knows. */
int xsock__fail(int err, int os_error);

/* ---- platform hooks (src/posix, src/win32) ---- */

/* Maps a raw OS error code to XSOCK_E*; XSOCK_EUNKNOWN when unmapped. */
int xsock__map_os_error(int os_error);

/* The OS's message for a raw error code (used by xsock_os_strerror). */
int xsock__os_message(int os_error, char *buf, size_t len);

/* A monotonic clock in nanoseconds. */
uint64_t xsock__now_ns(void);

/* The lookup behind xsock_resolve (src/common/resolve_gai.c, compiled for
 * each OS): getaddrinfo(host, service) for stream
 * sockets of family (XSOCK_AF_UNSPEC, _INET or _INET6; host NULL means the
 * passive any-address), storing at most max converted addresses in out and
 * skipping entries xsock cannot hold. Returns the count (possibly 0) or a
 * mapped XSOCK_EAI_* / XSOCK_E* failure. Arguments are checked already. */
int xsock__os_resolve(const char *host, const char *service, int family,
                      xsock_addr_t *out, size_t max);

/* The kind of socket s is: *family an XSOCK_AF_* (XSOCK_AF_UNSPEC for one
 * xsock does not know) and *type XSOCK_STREAM, XSOCK_DGRAM or 0 for
 * another. XSOCK_EBADF for an invalid or closed handle (src/posix and
 * src/win32 sock_kind.c). */
int xsock__socket_kind(xsock_t s, int *family, int *type);

/* Sets / gets an option (not XSOCK_OPT_TYPE) through the OS
 * (src/common/options_sockopt.c, compiled for each OS). src/common/
 * options.c has checked the option, the value and the socket's kind; the
 * getter returns the OS's raw value (booleans are normalised by the
 * caller). */
int xsock__os_set_option(xsock_t s, int option, int value);
int xsock__os_get_option(xsock_t s, int option, int *value);

/* Looks up an interface name for an IPv6 zone ("lo", "eth0"); 0 when it is
 * unknown. */
uint32_t xsock__if_index(const char *name);

#endif /* XSOCK_COMMON_INTERNAL_H */
