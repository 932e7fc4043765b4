// SPDX-License-Identifier: MIT
// A C++ translation unit that includes xsock.h, built with -Wall -Wextra
// -Werror: the header must compile as C++ and give C linkage to what it
// declares, or this program does not link.
#include <xsock.h>

#include <cstring>

extern "C" int xsock_consumer_cxx_check(void);

extern "C" int xsock_consumer_cxx_check(void) {
  const char *v = xsock_version();
  return (v != nullptr && std::strcmp(v, XSOCK_VERSION_STRING) == 0) ? 0 : 1;
}
