#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds and runs tests/consumer (C plus a C++ file, -Wall -Wextra -Werror)
# every way a user takes xsock in, one check per way:
#   install       cmake --install of a static and of a shared build into
#                 scratch prefixes; the shared library's SONAME
#   find_package  find_package(xsock CONFIG) against each install; asking
#                 for the next major version must fail
#   pkg-config    pkg-config --static against the static install, and
#                 against the shared one (-DXSOCK_SHARED from Cflags)
#   subdir        add_subdirectory (xsock's own tests must not be built)
#   fetch-path    FetchContent with SOURCE_DIR
#   fetch-git     FetchContent from a file:// git URL at the release tag, in a
#                 scratch clone made and tagged inside the build directory
#                 (the repository itself gets no tag)
#   mingw-static  MinGW cross build against a MinGW install, run under Wine
#   mingw-dll     the same with xsock as a DLL; the DLL and the program link
#                 libgcc (and libstdc++) statically, so the DLL from the
#                 install's bin directory (on WINEPATH) is all they need
#   meson-fallback      Meson: tests/consumer-meson with xsock as a
#                       subproject (subprojects/xsock a symlink to this
#                       tree), dependency('xsock', fallback: ...), static;
#                       xsock's warning flags stay off the consumer's own
#                       files, and xsock builds no example
#   meson-subproject    subproject('xsock').get_variable('xsock_dep'),
#                       default_library=shared; the SONAME, and the program
#                       loads that library
#   meson-wrap          dependency('xsock') alone, resolved by the [provide]
#                       section of a wrap-git file that clones fetch-git's
#                       scratch repository at the release tag
#   meson-mingw-static  the meson-fallback project cross-compiled with
#                       cmake/meson/mingw-w64-x86_64.txt, run under Wine
#   meson-mingw-dll     the same with default_library=shared: the program
#                       imports libxsock-0.dll with XSOCK_SHARED, and the
#                       DLL and the program need no MinGW runtime DLL
#   dropin        only when XSOCK_DROPIN_DIR names a directory holding the
#                 generated xsock.c and xsock.h: the consumer compiled with
#                 them and nothing else (the drop-in leg's hook)
#
#   ci/consumers.sh [BUILD_DIR]      (default: build/consumers)
#
# The consumer checks that xsock_version(), the XSOCK_VERSION_* macros and
# the version the build system found (the CMake package's version file,
# pkg-config's --modversion, or the vendored project(VERSION)) agree.
# The last line is "consumers: N checks, M passed", or
# "consumers: not run (...)" when cmake, meson or a compiler is missing (exit
# XS_EXIT_NOT_RUN, or 1 under CI=true; ci/exit-status.sh). Everything is written under BUILD_DIR.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ci/lib.sh
. "$repo/ci/lib.sh"
build=${1:-$repo/build/consumers}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
jobs=${XSOCK_CI_JOBS:-2}
consumer="$repo/tests/consumer"
toolchain="$repo/cmake/toolchains/mingw-w64-x86_64.cmake"
meson_cross="$repo/cmake/meson/mingw-w64-x86_64.txt"

log() { printf 'consumers: %s\n' "$*" >&2; }
not_run() { xs_not_run consumers "$*"; }

# Debian's meson package brings ninja.
xs_need_pkgs cmake gcc g++ pkg-config git meson >&2 ||
  not_run "could not install cmake, gcc, g++, pkg-config, git, meson"
for tool in cmake cc c++ pkg-config git meson ninja; do
  command -v "$tool" >/dev/null 2>&1 || not_run "$tool not found"
done

rm -rf "$build"
mkdir -p "$build"
total=0 passed=0 failed_names=""
# Runs one check: its output goes to BUILD/NAME.log, shown on failure.
check() { # name command...
  local name=$1; shift
  total=$((total + 1))
  log "$name"
  if "$@" >"$build/$name.log" 2>&1; then
    passed=$((passed + 1))
    log "$name: passed"
  else
    cat "$build/$name.log" >&2
    log "$name: FAILED (see $build/$name.log)"
    failed_names="$failed_names $name"
  fi
}

version=$(sed -nE 's/^#define XSOCK_VERSION_STRING "([^"]+)"$/\1/p' "$repo/include/xsock.h")
[ -n "$version" ] || not_run "no XSOCK_VERSION_STRING in include/xsock.h"

# Only the library: a consumer's install needs no tests, examples or bench.
lib_only=(-DXSOCK_BUILD_TESTS=OFF -DXSOCK_BUILD_EXAMPLES=OFF -DXSOCK_BUILD_BENCH=OFF)

install_xsock() { # build-dir prefix extra-cmake-args...
  local dir=$1 prefix=$2; shift 2
  cmake -S "$repo" -B "$dir" -DCMAKE_BUILD_TYPE=Release "${lib_only[@]}" \
    -DCMAKE_INSTALL_PREFIX="$prefix" "$@" &&
    cmake --build "$dir" -j"$jobs" &&
    cmake --install "$dir"
}

# ---- install, native, static and shared -----------------------------------

static_prefix="$build/prefix-static"
shared_prefix="$build/prefix-shared"
install_native() {
  install_xsock "$build/xsock-static" "$static_prefix" || return 1
  install_xsock "$build/xsock-shared" "$shared_prefix" -DBUILD_SHARED_LIBS=ON || return 1
  local f
  for f in include/xsock.h include/xsock/posix.h lib/libxsock.a lib/pkgconfig/xsock.pc \
    lib/cmake/xsock/xsockConfig.cmake lib/cmake/xsock/xsockConfigVersion.cmake \
    lib/cmake/xsock/xsockTargets.cmake; do
    [ -f "$static_prefix/$f" ] || { echo "missing $f in the static install"; return 1; }
  done
  # The SONAME carries the major version only: 0.x releases are libxsock.so.0.
  local major=${version%%.*}
  [ -f "$shared_prefix/lib/libxsock.so.$version" ] || { echo "no libxsock.so.$version"; return 1; }
  objdump -p "$shared_prefix/lib/libxsock.so.$version" | grep -E "SONAME +libxsock\.so\.$major\$" ||
    { echo "the SONAME is not libxsock.so.$major"; return 1; }
}
check install install_native

# ---- find_package against each install ------------------------------------

consumer_cmake() { # build-dir cmake-args...
  local dir=$1; shift
  cmake -S "$consumer" -B "$dir" -DCMAKE_BUILD_TYPE=Debug "$@" &&
    cmake --build "$dir" -j"$jobs" &&
    "$dir/consumer"
}
find_package_both() {
  consumer_cmake "$build/find-package-static" -DCMAKE_PREFIX_PATH="$static_prefix" || return 1
  consumer_cmake "$build/find-package-shared" -DCMAKE_PREFIX_PATH="$shared_prefix" || return 1
  # The shared consumer must have run against the installed library.
  ldd "$build/find-package-shared/consumer" | grep -F "$shared_prefix/lib/libxsock.so" ||
    { echo "the consumer did not load the installed libxsock.so"; return 1; }
  # SameMajorVersion: another major version is not this package.
  if cmake -S "$consumer" -B "$build/find-package-major" -DCMAKE_PREFIX_PATH="$static_prefix" \
    -DXSOCK_CONSUMER_FIND_VERSION=$((${version%%.*} + 1)).0; then
    echo "find_package accepted major version $((${version%%.*} + 1)) from a $version install"
    return 1
  fi
}
check find_package find_package_both

# ---- pkg-config against the same installs ---------------------------------

# pkg-config reading one install's xsock.pc only.
pc() { # prefix pkg-config-args...
  local prefix=$1; shift
  PKG_CONFIG_PATH="$prefix/lib/pkgconfig" PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" pkg-config "$@"
}
pkgconfig_build() { # prefix out [--static]
  local prefix=$1 out=$2 static=${3:-} cflags libs modversion
  modversion=$(pc "$prefix" --modversion xsock) || return 1
  [ "$modversion" = "$version" ] || { echo "pkg-config says $modversion, the header $version"; return 1; }
  cflags=$(pc "$prefix" --cflags xsock) && libs=$(pc "$prefix" ${static:+"$static"} --libs xsock) || return 1
  mkdir -p "$out"
  # Word splitting of the flags is wanted: they are pkg-config's output.
  # shellcheck disable=SC2086
  cc -std=c99 -Wall -Wextra -Werror $cflags "-DXSOCK_CONSUMER_EXPECT_VERSION=\"$modversion\"" \
    -c "$consumer/consumer.c" -o "$out/consumer.o" &&
    c++ -std=c++11 -Wall -Wextra -Werror $cflags -c "$consumer/consumer_cxx.cpp" -o "$out/consumer_cxx.o" &&
    c++ "$out/consumer.o" "$out/consumer_cxx.o" $libs -o "$out/consumer" || return 1
  # The shared install is not on the loader's path; a user's would be.
  LD_LIBRARY_PATH="$prefix/lib" "$out/consumer"
}
pkgconfig_both() {
  pkgconfig_build "$static_prefix" "$build/pkg-config-static" --static || return 1
  if pc "$static_prefix" --cflags xsock | grep -q -- -DXSOCK_SHARED; then
    echo "a static build's xsock.pc has -DXSOCK_SHARED"; return 1
  fi
  pc "$static_prefix" --static --libs xsock | grep -q -- -lpthread ||
    { echo "the static xsock.pc does not link pthread"; return 1; }
  pkgconfig_build "$shared_prefix" "$build/pkg-config-shared" || return 1
  pc "$shared_prefix" --cflags xsock | grep -q -- -DXSOCK_SHARED ||
    { echo "the shared build's xsock.pc lacks -DXSOCK_SHARED"; return 1; }
}
check pkg-config pkgconfig_both

# ---- vendored: add_subdirectory and FetchContent --------------------------
# tests/consumer/CMakeLists.txt fails the configure when the vendored xsock
# builds a target of its own tests or turns its install rules on.

check subdir consumer_cmake "$build/subdir" -DXSOCK_CONSUMER_MODE=subdir -DXSOCK_DIR="$repo"
check fetch-path consumer_cmake "$build/fetch-path" -DXSOCK_CONSUMER_MODE=fetch_path -DXSOCK_DIR="$repo"

# A scratch repository holding this tree's files as they are on disk
# (committed or not, so a local run tests what it sees), tagged vVERSION
# the way a release is: FetchContent clones it by the tag over file://. The
# tag lives only in the scratch repository. The Meson wrap check clones it
# too; the first check to need it makes it.
scratch="$build/scratch-repo"
# shellcheck disable=SC2016 # the $f in single quotes is the inner shell's.
make_scratch() {
  local tag="v$version"
  [ ! -d "$scratch/.git" ] || return 0
  mkdir -p "$scratch" &&
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard |
      xargs -0 sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh |
      tar --null -T - -cf -) | tar -xf - -C "$scratch" || return 1
  git -C "$scratch" init -q &&
    git -C "$scratch" add -A &&
    git -C "$scratch" -c user.name=consumers -c user.email=consumers@localhost \
      -c commit.gpgsign=false commit -q -m "scratch copy for the FetchContent check" &&
    git -C "$scratch" -c tag.gpgsign=false tag "$tag"
}
fetch_git() {
  make_scratch || return 1
  consumer_cmake "$build/fetch-git" -DXSOCK_CONSUMER_MODE=fetch_git \
    -DXSOCK_GIT_URL="file://$scratch" -DXSOCK_GIT_TAG="v$version"
}
check fetch-git fetch_git

# ---- Meson: xsock as a subproject ------------------------------------------
# The consumer's Meson project is assembled in the build directory:
# tests/consumer-meson's build files, tests/consumer's sources, and xsock
# under its subprojects/, so that nothing is written into the repository.

# Makes the project in DIR, with subprojects/xsock a symlink to this tree.
meson_project() { # dir
  local dir=$1
  mkdir -p "$dir/subprojects" &&
    cp "$repo/tests/consumer-meson/meson.build" "$repo/tests/consumer-meson/meson_options.txt" \
      "$consumer/consumer.c" "$consumer/consumer_cxx.cpp" "$dir/" &&
    ln -s "$repo" "$dir/subprojects/xsock"
}
# Configures and builds the project in SRC into BUILD/NAME. The fallback
# is forced so that an xsock installed on the machine cannot stand in.
meson_consumer() { # name src meson-args...
  local name=$1 src=$2; shift 2
  meson setup "$build/$name" "$src" --force-fallback-for=xsock "$@" &&
    meson compile -C "$build/$name" -j "$jobs"
}
# The compile command of one object, from compile_commands.json.
meson_command() { # build-dir object
  grep -F -- "-o $2 " "$1/compile_commands.json"
}

meson_fallback() {
  local out="$build/meson-fallback" cmd
  meson_project "$build/meson-fallback-src" &&
    meson_consumer meson-fallback "$build/meson-fallback-src" -Dmode=fallback \
      -Ddefault_library=static &&
    "$out/consumer" || return 1
  [ -f "$out/subprojects/xsock/libxsock.a" ] || { echo "no static libxsock.a"; return 1; }
  # xsock's warning set and XSOCK_BUILDING are the library's own: the
  # consumer's files get only what the consumer asked for.
  cmd=$(meson_command "$out" consumer.p/consumer.c.o) || { echo "no compile command for consumer.c"; return 1; }
  case $cmd in
    *-Wshadow* | *-Wundef* | *-DXSOCK_BUILDING*)
      echo "xsock's private flags reached the consumer: $cmd"; return 1 ;;
  esac
  meson_command "$out" subprojects/xsock/libxsock.a.p/src_common_version.c.o | grep -q -- -Wshadow ||
    { echo "the library was not built with its warning set"; return 1; }
  # A vendoring parent gets the library alone.
  if grep -q echo_server "$out/build.ninja"; then
    echo "the subproject built xsock's examples"; return 1
  fi
}
check meson-fallback meson_fallback

meson_subproject() {
  local out="$build/meson-subproject" lib major=${version%%.*}
  meson_project "$build/meson-subproject-src" &&
    meson_consumer meson-subproject "$build/meson-subproject-src" -Dmode=subproject \
      -Ddefault_library=shared &&
    "$out/consumer" || return 1
  lib="$out/subprojects/xsock/libxsock.so.$version"
  [ -f "$lib" ] || { echo "no libxsock.so.$version"; return 1; }
  objdump -p "$lib" | grep -E "SONAME +libxsock\.so\.$major\$" ||
    { echo "the SONAME is not libxsock.so.$major"; return 1; }
  ldd "$out/consumer" | grep -F "$out/subprojects/xsock/libxsock.so.$major" ||
    { echo "the consumer did not load the subproject's libxsock.so"; return 1; }
  meson_command "$out" consumer.p/consumer.c.o | grep -q -- -DXSOCK_SHARED ||
    { echo "xsock_dep of a shared build does not carry -DXSOCK_SHARED"; return 1; }
}
check meson-subproject meson_subproject

# The WrapDB way: the parent names the dependency alone, and the wrap
# file's [provide] section says which subproject provides it (xsock's
# meson.build overrides the dependency 'xsock'). Meson clones the scratch
# repository at the release tag into the scratch project.
meson_wrap() {
  local src="$build/meson-wrap-src"
  make_scratch || return 1
  mkdir -p "$src/subprojects" &&
    cp "$repo/tests/consumer-meson/meson.build" "$repo/tests/consumer-meson/meson_options.txt" \
      "$consumer/consumer.c" "$consumer/consumer_cxx.cpp" "$src/" || return 1
  printf '%s\n' '[wrap-git]' "url = file://$scratch" "revision = v$version" 'depth = 1' '' \
    '[provide]' 'dependency_names = xsock' >"$src/subprojects/xsock.wrap"
  meson_consumer meson-wrap "$src" -Dmode=wrap && "$build/meson-wrap/consumer"
}
check meson-wrap meson_wrap

# ---- the drop-in (a hook for the drop-in leg) ------------------------------

if [ -n "${XSOCK_DROPIN_DIR:-}" ]; then
  dropin() {
    local out="$build/dropin"
    mkdir -p "$out"
    cc -std=c99 -Wall -Wextra -Werror -I"$XSOCK_DROPIN_DIR" -c "$XSOCK_DROPIN_DIR/xsock.c" -o "$out/xsock.o" &&
      cc -std=c99 -Wall -Wextra -Werror -I"$XSOCK_DROPIN_DIR" -c "$consumer/consumer.c" -o "$out/consumer.o" &&
      c++ -std=c++11 -Wall -Wextra -Werror -I"$XSOCK_DROPIN_DIR" -c "$consumer/consumer_cxx.cpp" -o "$out/consumer_cxx.o" &&
      c++ "$out/xsock.o" "$out/consumer.o" "$out/consumer_cxx.o" -lpthread -o "$out/consumer" &&
      "$out/consumer"
  }
  check dropin dropin
fi

# ---- MinGW against a MinGW install, under Wine -----------------------------

mingw_ready=""
if xs_need_pkgs gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 wine wine64 >&2 &&
  command -v x86_64-w64-mingw32-g++ >/dev/null 2>&1 && command -v wine >/dev/null 2>&1 &&
  command -v wineserver >/dev/null 2>&1; then
  mingw_ready=1
fi

if [ -n "$mingw_ready" ]; then
  # Wine as ci/windows.sh runs it: a private prefix in the build directory,
  # a persistent wineserver, and a warm-up outside any pipe so that Wine's
  # background services do not hold this script's output open.
  export WINEPREFIX="$build/wineprefix" WINEDEBUG=-all WINEARCH=win64
  export WINEDLLOVERRIDES="mscoree,mshtml="
  mkdir -p "$WINEPREFIX"
  trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
  wine_ok=""
  if wineserver -p && timeout --kill-after=10 300 wine cmd /c exit </dev/null >/dev/null 2>&1; then
    wine_ok=1
  fi

  mingw_consumer() { # name xsock-cmake-args...
    local name=$1 prefix="$build/prefix-$1" out="$build/$1-consumer"; shift
    [ -n "$wine_ok" ] || { echo "wine cannot start a program"; return 1; }
    install_xsock "$build/xsock-$name" "$prefix" -DCMAKE_TOOLCHAIN_FILE="$toolchain" "$@" || return 1
    # xsock_DIR names the package directly: the toolchain's find root
    # (the MinGW sysroot) does not contain the scratch prefix.
    cmake -S "$consumer" -B "$out" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Debug \
      -Dxsock_DIR="$prefix/lib/cmake/xsock" \
      -DCMAKE_EXE_LINKER_FLAGS="-static-libgcc -static-libstdc++" &&
      cmake --build "$out" -j"$jobs" || return 1
    # Nothing is copied beside the program: the DLL build's libxsock.dll is
    # found through WINEPATH in the install's bin directory, as a user's
    # PATH would find it.
    WINEPATH="$prefix/bin" timeout --kill-after=10 120 wine "$out/consumer.exe" </dev/null
  }
  mingw_dll() {
    mingw_consumer mingw-dll -DBUILD_SHARED_LIBS=ON -DCMAKE_SHARED_LINKER_FLAGS=-static-libgcc || return 1
    [ -f "$build/prefix-mingw-dll/bin/libxsock.dll" ] || { echo "no libxsock.dll in the install's bin"; return 1; }
    [ -f "$build/prefix-mingw-dll/lib/libxsock.dll.a" ] || { echo "no import library in the install's lib"; return 1; }
    # The DLL and the program import system DLLs and xsock only.
    local dll
    for dll in "$build/prefix-mingw-dll/bin/libxsock.dll" "$build/mingw-dll-consumer/consumer.exe"; do
      if x86_64-w64-mingw32-objdump -p "$dll" | grep -iE "DLL Name: (libgcc|libstdc|libwinpthread)"; then
        echo "$dll needs a MinGW runtime DLL"; return 1
      fi
    done
  }
  check mingw-static mingw_consumer mingw-static
  check mingw-dll mingw_dll

  # The Meson consumer cross-compiled with the committed cross file. The
  # C++ runtime and libgcc are linked statically, as above, so that Wine
  # needs no MinGW DLL beside the program.
  meson_mingw() { # name default-library
    local name=$1 out="$build/$1"
    [ -n "$wine_ok" ] || { echo "wine cannot start a program"; return 1; }
    meson_project "$build/$name-src" &&
      meson_consumer "$name" "$build/$name-src" --cross-file "$meson_cross" -Dmode=fallback \
        -Ddefault_library="$2" -Dc_link_args=-static-libgcc \
        -Dcpp_link_args="-static-libgcc -static-libstdc++" || return 1
    # A DLL build's libxsock-0.dll is found through WINEPATH, where it was
    # built.
    WINEPATH="$out/subprojects/xsock" timeout --kill-after=10 120 wine "$out/consumer.exe" </dev/null
  }
  meson_mingw_dll() {
    local out="$build/meson-mingw-dll" f
    meson_mingw meson-mingw-dll shared || return 1
    x86_64-w64-mingw32-objdump -p "$out/consumer.exe" | grep -iE "DLL Name: libxsock(-[0-9]+)?\.dll" ||
      { echo "the program does not import the xsock DLL"; return 1; }
    for f in "$out"/subprojects/xsock/libxsock*.dll "$out/consumer.exe"; do
      if x86_64-w64-mingw32-objdump -p "$f" | grep -iE "DLL Name: (libgcc|libstdc|libwinpthread)"; then
        echo "$f needs a MinGW runtime DLL"; return 1
      fi
    done
  }
  check meson-mingw-static meson_mingw meson-mingw-static static
  check meson-mingw-dll meson_mingw_dll
  wineserver -k >/dev/null 2>&1 || true
else
  # The native ways still count; the missing cross tools fail four checks.
  for name in mingw-static mingw-dll meson-mingw-static meson-mingw-dll; do
    total=$((total + 1))
    log "$name: FAILED (MinGW g++ or Wine missing and could not be installed)"
    failed_names="$failed_names $name"
  done
fi

[ -z "$failed_names" ] || log "failed:$failed_names"
printf 'consumers: %s checks, %s passed\n' "$total" "$passed"
[ "$passed" -eq "$total" ]
