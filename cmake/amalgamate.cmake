# SPDX-License-Identifier: MIT
# Writes the two-file drop-in of xsock, xsock.h and xsock.c, into OUT:
#   cmake -DOUT=<directory> -P cmake/amalgamate.cmake
# A project then compiles xsock.c with its own files, with no definitions
# and no include path besides the directory that holds both files.
#
# xsock.h is include/xsock.h with its two platform headers inlined, so that
# one header serves every OS. xsock.c is src/common/config.h, then every
# source of src/common, of src/posix (under #ifndef _WIN32) and of
# src/win32 (under #ifdef _WIN32), each local #include "..." replaced by
# the file it names, once per platform; system includes stay. A header
# that exists in both platform trees (os.h, included from common code) is
# inlined twice, each copy under its platform's condition. The drop-in is
# a build output: it is regenerated, never edited or committed.
#
# xsock.c defines XSOCK__INTERNAL and XSOCK__INTERNAL_DATA as static before
# anything else (see src/common/internal.h): every name the library's files
# share becomes internal to xsock.c, and only the xsock_* API is exported.
cmake_minimum_required(VERSION 3.20)

if(NOT OUT)
  message(FATAL_ERROR "usage: cmake -DOUT=<directory> -P amalgamate.cmake")
endif()
get_filename_component(root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
get_filename_component(OUT "${OUT}" ABSOLUTE)
set(include_re "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\"")

# The lines of a file, each kept whole: CMake's list splitting would take
# the semicolons of C apart, so they are escaped first and restored in the
# output.
function(xs_read_lines file out)
  file(READ "${file}" text)
  string(REPLACE ";" "@XS_SEMI@" text "${text}")
  string(REPLACE "\\" "@XS_BSL@" text "${text}")
  string(REPLACE "[" "@XS_LB@" text "${text}")
  string(REPLACE "]" "@XS_RB@" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(${out} "${lines}" PARENT_SCOPE)
endfunction()

function(xs_unescape var)
  set(text "${${var}}")
  string(REPLACE "@XS_SEMI@" ";" text "${text}")
  string(REPLACE "@XS_BSL@" "\\" text "${text}")
  string(REPLACE "@XS_LB@" "[" text "${text}")
  string(REPLACE "@XS_RB@" "]" text "${text}")
  set(${var} "${text}" PARENT_SCOPE)
endfunction()

# Where #include "name" in file leads for platform plat (posix or win32):
# the including file's folder, then the include path of the CMake build
# (src/common, the platform's tree). Empty when it is none of these.
function(xs_resolve file name plat out)
  get_filename_component(dir "${file}" DIRECTORY)
  foreach(d IN ITEMS "${dir}" "${root}/src/common" "${root}/src/${plat}")
    if(EXISTS "${d}/${name}")
      get_filename_component(found "${d}/${name}" ABSOLUTE)
      set(${out} "${found}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

# The preprocessor condition that selects one platform.
function(xs_guard plat out)
  if(plat STREQUAL "win32")
    set(${out} "#ifdef _WIN32" PARENT_SCOPE)
  else()
    set(${out} "#ifndef _WIN32" PARENT_SCOPE)
  endif()
endfunction()

# Inlines one file that is a part of the platforms plats (posix, win32 or
# both); appends to the global property XS_TEXT. Each platform has its own
# set of files already inlined (XS_SEEN_posix, XS_SEEN_win32).
function(xs_inline file plats)
  file(RELATIVE_PATH rel "${root}" "${file}")
  set_property(GLOBAL APPEND_STRING PROPERTY XS_TEXT "/* ---- ${rel} ---- */\n")
  xs_read_lines("${file}" lines)
  foreach(line IN LISTS lines)
    if(NOT line MATCHES "${include_re}")
      set_property(GLOBAL APPEND_STRING PROPERTY XS_TEXT "${line}\n")
      continue()
    endif()
    set(name "${CMAKE_MATCH_1}")
    if(name STREQUAL "xsock.h")
      # The public header is the drop-in's other file.
      set_property(GLOBAL APPEND_STRING PROPERTY XS_TEXT "#include \"xsock.h\"\n")
      continue()
    endif()
    # Where the include leads on each platform, and whether that is the
    # same file, not yet inlined, everywhere.
    set(targets "")
    set(same TRUE)
    foreach(plat IN LISTS plats)
      xs_resolve("${file}" "${name}" "${plat}" target)
      if(NOT target)
        message(FATAL_ERROR "${rel}: #include \"${name}\" leads nowhere (${plat})")
      endif()
      get_property(seen GLOBAL PROPERTY XS_SEEN_${plat})
      if(target IN_LIST seen)
        set(target "-")
      endif()
      list(APPEND targets "${target}")
    endforeach()
    list(REMOVE_DUPLICATES targets)
    list(LENGTH targets n)
    list(LENGTH plats nplats)
    if(n EQUAL 1)
      if(NOT targets STREQUAL "-")
        foreach(plat IN LISTS plats)
          set_property(GLOBAL APPEND PROPERTY XS_SEEN_${plat} "${targets}")
        endforeach()
        xs_inline("${targets}" "${plats}")
      endif()
    else()
      # The platforms differ: each gets its own copy under its condition.
      foreach(plat IN LISTS plats)
        xs_resolve("${file}" "${name}" "${plat}" target)
        get_property(seen GLOBAL PROPERTY XS_SEEN_${plat})
        if(NOT target IN_LIST seen)
          xs_guard("${plat}" guard)
          set_property(GLOBAL APPEND_STRING PROPERTY XS_TEXT "${guard}\n")
          set_property(GLOBAL APPEND PROPERTY XS_SEEN_${plat} "${target}")
          xs_inline("${target}" "${plat}")
          set_property(GLOBAL APPEND_STRING PROPERTY XS_TEXT "#endif\n")
        endif()
      endforeach()
    endif()
  endforeach()
endfunction()

# xsock.h: the public header with its platform headers in place.
set_property(GLOBAL PROPERTY XS_TEXT "")
set_property(GLOBAL PROPERTY XS_SEEN_posix "")
set_property(GLOBAL PROPERTY XS_SEEN_win32 "")
xs_read_lines("${root}/include/xsock.h" lines)
set(header "/* Generated by cmake/amalgamate.cmake from include/xsock.h: do not edit. */\n")
foreach(line IN LISTS lines)
  if(line MATCHES "${include_re}")
    set(sub "${root}/include/${CMAKE_MATCH_1}")
    if(NOT EXISTS "${sub}")
      message(FATAL_ERROR "include/xsock.h: #include \"${CMAKE_MATCH_1}\" leads nowhere")
    endif()
    set(subname "${CMAKE_MATCH_1}")
    xs_read_lines("${sub}" sublines)
    string(APPEND header "/* ---- include/${subname} ---- */\n")
    foreach(subline IN LISTS sublines)
      if(subline MATCHES "${include_re}")
        # A part that can be included alone (xsock/frame.h) takes the main
        # header first; in the drop-in it is inside that header already.
        if(CMAKE_MATCH_1 STREQUAL "../xsock.h")
          continue()
        endif()
        message(FATAL_ERROR "include/${subname} has a local include")
      endif()
      string(APPEND header "${subline}\n")
    endforeach()
  else()
    string(APPEND header "${line}\n")
  endif()
endforeach()
xs_unescape(header)

# xsock.c: the linkage macros, config.h, then every source.
string(CONCAT prologue
  "/* Generated by cmake/amalgamate.cmake from src/: do not edit.\n"
  " * xsock as one file: compile it with the application, xsock.h beside it. */\n"
  "/* Every name shared between the library's files is internal here. */\n"
  "#define XSOCK__INTERNAL static\n"
  "#define XSOCK__INTERNAL_DATA static\n")
set_property(GLOBAL PROPERTY XS_TEXT "${prologue}")
set(config "${root}/src/common/config.h")
set_property(GLOBAL PROPERTY XS_SEEN_posix "${config}")
set_property(GLOBAL PROPERTY XS_SEEN_win32 "${config}")
xs_inline("${config}" "posix;win32")
file(GLOB common "${root}/src/common/*.c")
list(SORT common)
foreach(src IN LISTS common)
  xs_inline("${src}" "posix;win32")
endforeach()
foreach(plat IN ITEMS posix win32)
  file(GLOB sources "${root}/src/${plat}/*.c")
  list(SORT sources)
  xs_guard("${plat}" guard)
  set_property(GLOBAL APPEND_STRING PROPERTY XS_TEXT "${guard}\n")
  foreach(src IN LISTS sources)
    xs_inline("${src}" "${plat}")
  endforeach()
  set_property(GLOBAL APPEND_STRING PROPERTY XS_TEXT "#endif /* ${plat} */\n")
endforeach()
get_property(source GLOBAL PROPERTY XS_TEXT)
xs_unescape(source)

# Every private header must have been reached through some include.
file(GLOB headers "${root}/src/common/*.h" "${root}/src/posix/*.h" "${root}/src/win32/*.h")
get_property(seen_posix GLOBAL PROPERTY XS_SEEN_posix)
get_property(seen_win32 GLOBAL PROPERTY XS_SEEN_win32)
foreach(h IN LISTS headers)
  if(NOT h IN_LIST seen_posix AND NOT h IN_LIST seen_win32)
    file(RELATIVE_PATH rel "${root}" "${h}")
    message(FATAL_ERROR "${rel} is included by no source: it would be missing")
  endif()
endforeach()

file(MAKE_DIRECTORY "${OUT}")
file(WRITE "${OUT}/xsock.h" "${header}")
file(WRITE "${OUT}/xsock.c" "${source}")
message(STATUS "xsock drop-in written to ${OUT}")
