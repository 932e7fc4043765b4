# SPDX-License-Identifier: MIT
# Cross-compiling xsock for Linux on s390x with Debian's cross compiler
# (packages gcc-s390x-linux-gnu and its libc6-dev cross package), the
# tests run under qemu-user. Use:
#   cmake -S . -B build-s390x \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/s390x-linux-gnu.cmake \
#         -DXSOCK_CMOCKA_SOURCE_DIR=<CMocka source tree>
# CMocka is not installed for the target, so the tests build it from its
# source (ci/cmocka-source.sh fetches the same tree the Windows leg uses).
# ci/qemu.sh does all of this.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)
# s390x is big-endian: the leg that tests every byte-order assumption.
include("${CMAKE_CURRENT_LIST_DIR}/qemu-linux-common.cmake")
