# SPDX-License-Identifier: MIT
# Cross-compiling xsock for Linux on aarch64 with Debian's cross compiler
# (packages gcc-aarch64-linux-gnu and its libc6-dev cross package), the
# tests run under qemu-user. Use:
#   cmake -S . -B build-aarch64 \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake \
#         -DXSOCK_CMOCKA_SOURCE_DIR=<CMocka source tree>
# CMocka is not installed for the target, so the tests build it from its
# source (ci/cmocka-source.sh fetches the same tree the Windows leg uses).
# ci/qemu.sh does all of this.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
include("${CMAKE_CURRENT_LIST_DIR}/qemu-linux-common.cmake")
