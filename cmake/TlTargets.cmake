# Helpers shared by every directory's CMakeLists.txt.
#
# tl_warnings(target)          -Wall -Wextra (and -Werror under TL_WERROR)
# tl_sanitize(target [thread]) ASan+UBSan (default) or TSan, compile and link
include_guard(GLOBAL)

function(tl_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(TL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

function(tl_sanitize target)
  if(NOT TL_SANITIZE)
    return()
  endif()
  if(ARGV1 STREQUAL "thread")
    set(flags -fsanitize=thread -fno-omit-frame-pointer)
  else()
    set(flags -fsanitize=address,undefined -fno-sanitize-recover=undefined
              -fno-omit-frame-pointer)
  endif()
  target_compile_options(${target} PRIVATE ${flags})
  target_link_options(${target} PRIVATE ${flags})
endfunction()
