# SPDX-License-Identifier: MIT
# Install rules: the public headers, the library (static or shared, as
# BUILD_SHARED_LIBS says), the exported CMake package xsock::xsock with its
# version file, and xsock.pc for pkg-config. Included by the top-level
# CMakeLists.txt when XSOCK_INSTALL is on.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The installed target finds its headers under the install prefix.
target_include_directories(xsock PUBLIC "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")

install(FILES "${PROJECT_SOURCE_DIR}/include/xsock.h"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/xsock"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" FILES_MATCHING PATTERN "*.h")

install(TARGETS xsock EXPORT xsockTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")

set(XSOCK_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/xsock")
install(EXPORT xsockTargets NAMESPACE xsock:: DESTINATION "${XSOCK_CMAKE_DIR}")
configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/xsockConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/xsockConfig.cmake"
                              INSTALL_DESTINATION "${XSOCK_CMAKE_DIR}")
# Every 0.x release may change behaviour, yet SameMajorVersion is what a
# 1.x series will need; until then a consumer should ask for the minor it
# was written against (find_package(xsock 0.2)).
write_basic_package_version_file("${PROJECT_BINARY_DIR}/xsockConfigVersion.cmake"
                                 VERSION ${PROJECT_VERSION}
                                 COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/xsockConfig.cmake"
              "${PROJECT_BINARY_DIR}/xsockConfigVersion.cmake"
        DESTINATION "${XSOCK_CMAKE_DIR}")

# xsock.pc. A static library's users link what it links (Libs.private);
# a shared build's users compile with XSOCK_SHARED, which selects
# __declspec(dllimport) on Windows.
if(WIN32)
  set(XSOCK_PC_LIBS_PRIVATE "-lws2_32 -liphlpapi")
else()
  set(XSOCK_PC_LIBS_PRIVATE "-lpthread")
endif()
if(BUILD_SHARED_LIBS)
  set(XSOCK_PC_CFLAGS "-DXSOCK_SHARED")
else()
  set(XSOCK_PC_CFLAGS "")
endif()
# Absolute install directories in the .pc file stay correct whatever
# CMAKE_INSTALL_LIBDIR is (relative, or absolute as some distributions set).
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(XSOCK_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  set(XSOCK_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(XSOCK_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(XSOCK_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/xsock.pc.in" "${PROJECT_BINARY_DIR}/xsock.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/xsock.pc"
        DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
