# SPDX-License-Identifier: MIT
# Cross-compiling xsock for 32-bit Windows with MinGW-w64 (Debian package
# gcc-mingw-w64-i686). Use:
#   cmake -S . -B build-mingw32 \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-i686.cmake
# There SOCKET and HANDLE are 32-bit and the program runs through WoW64 on
# a 64-bit Windows. No emulator is named: a 64-bit-only Wine starts a
# 32-bit .exe, runs nothing and exits 0, which would pass for a test. The
# tests run on Windows itself (the MSYS2 MINGW32 and MSVC Win32 jobs of
# .github/workflows/matrix.yml); ci/windows.sh i686 builds them here, where
# tests/test_sizes.c checks the layouts at compile time.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86)

set(XSOCK_MINGW_TRIPLE i686-w64-mingw32)
set(CMAKE_C_COMPILER ${XSOCK_MINGW_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${XSOCK_MINGW_TRIPLE}-g++)
set(CMAKE_RC_COMPILER ${XSOCK_MINGW_TRIPLE}-windres)

include("${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake")
