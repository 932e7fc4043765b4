# SPDX-License-Identifier: MIT
# Cross-compiling xsock for 64-bit Windows with clang and lld against the
# MinGW-w64 headers and libraries: the compiler of llvm-mingw and MSYS2
# CLANG64. On Debian: packages clang, lld, mingw-w64-x86-64-dev and
# gcc-mingw-w64-x86-64 (whose libgcc the link needs; llvm-mingw ships
# compiler-rt instead). Use:
#   cmake -S . -B build-clang-mingw \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/clang-mingw-w64-x86_64.cmake
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(XSOCK_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET ${XSOCK_MINGW_TRIPLE})
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_CXX_COMPILER_TARGET ${XSOCK_MINGW_TRIPLE})
set(CMAKE_RC_COMPILER ${XSOCK_MINGW_TRIPLE}-windres)

# The MinGW-w64 headers and import libraries: with the sysroot clang looks
# there alone, never in the machine's own /usr/include.
set(CMAKE_SYSROOT /usr/${XSOCK_MINGW_TRIPLE})
include("${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake")

# clang's MinGW driver finds libgcc in a GCC tree named by version
# (lib/gcc/<triple>/12), while Debian names it 12-win32 or 12-posix: the
# MinGW gcc says where its own is.
find_program(XSOCK_MINGW_GCC ${XSOCK_MINGW_TRIPLE}-gcc)
if(XSOCK_MINGW_GCC)
  execute_process(COMMAND ${XSOCK_MINGW_GCC} -print-libgcc-file-name
                  OUTPUT_VARIABLE xsock_libgcc OUTPUT_STRIP_TRAILING_WHITESPACE)
  get_filename_component(xsock_libgcc_dir "${xsock_libgcc}" DIRECTORY)
  set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld -L${xsock_libgcc_dir}")
  set(CMAKE_SHARED_LINKER_FLAGS_INIT "-fuse-ld=lld -L${xsock_libgcc_dir}")
  set(CMAKE_MODULE_LINKER_FLAGS_INIT "-fuse-ld=lld -L${xsock_libgcc_dir}")
endif()

# ctest runs every test .exe through Wine, as with gcc
# (mingw-w64-x86_64.cmake).
find_program(XSOCK_WINE NAMES wine wine64)
if(XSOCK_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${XSOCK_WINE})
endif()
