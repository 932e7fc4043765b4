/* SPDX-License-Identifier: MIT */
#include "internal.h"

const char *xsock_version(void) { return XSOCK_VERSION_STRING; }
