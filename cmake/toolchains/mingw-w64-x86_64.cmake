# SPDX-License-Identifier: MIT
# Cross-compiling xsock for 64-bit Windows with MinGW-w64 (Debian packages
# gcc-mingw-w64-x86-64, and g++-mingw-w64-x86-64 for C++). Use:
#   cmake -S . -B build-mingw \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-x86_64.cmake
# xsock itself is C; the C++ compiler is named for projects that use this
# file to build C++ against xsock (tests/consumer does).
#
# ctest runs the tests under Wine. 32-bit Windows has its own file,
# mingw-w64-i686.cmake, which names no emulator: under a 64-bit-only Wine
# a 32-bit .exe exits 0 without running anything.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(XSOCK_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${XSOCK_MINGW_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${XSOCK_MINGW_TRIPLE}-g++)
set(CMAKE_RC_COMPILER ${XSOCK_MINGW_TRIPLE}-windres)

include("${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake")

# ctest runs every test .exe through Wine. ci/windows.sh prepares a private,
# pre-started Wine prefix so that this is fast and cannot hang.
find_program(XSOCK_WINE NAMES wine wine64)
if(XSOCK_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${XSOCK_WINE})
endif()
