# VISCOANN_SANITIZE=ON builds with AddressSanitizer + UBSan (used once in CI for the reader tests).
function(viscoann_sanitize target)
  if(VISCOANN_SANITIZE)
    target_compile_options(${target} PUBLIC -fsanitize=address,undefined -fno-omit-frame-pointer
                                            -fno-sanitize-recover=all)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()
