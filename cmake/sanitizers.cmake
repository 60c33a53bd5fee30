# VISCOANN_SANITIZE=ON builds with AddressSanitizer + UBSan (used once in CI for the reader tests).
# PRIVATE: the flags build our own targets and never reach a consumer's.
function(viscoann_sanitize target)
  if(VISCOANN_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    get_target_property(type ${target} TYPE)
    if(NOT type STREQUAL "OBJECT_LIBRARY" AND NOT type STREQUAL "STATIC_LIBRARY")
      target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    endif()
  endif()
endfunction()
