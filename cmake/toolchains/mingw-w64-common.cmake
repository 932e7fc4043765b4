# SPDX-License-Identifier: MIT
# What every MinGW-w64 toolchain file here shares, included after it has
# set XSOCK_MINGW_TRIPLE: Debian installs the MinGW-w64 headers and
# libraries under /usr/<triple>, and CMake looks for the target's
# libraries, headers and packages there alone, for programs on the host.
set(CMAKE_FIND_ROOT_PATH /usr/${XSOCK_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
