# Optional CUDA engine: AUTO enables it when a CUDA compiler is found, ON insists, OFF skips.
include(CheckLanguage)
set(VISCOANN_HAVE_CUDA OFF)
if(NOT VISCOANN_CUDA STREQUAL "OFF")
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      # Build machines have no GPU: an explicit list, never "native" (A100 and H100 SASS,
      # plus sm_90 PTX so newer GPUs JIT-compile it).
      set(CMAKE_CUDA_ARCHITECTURES 80-real 90)
    endif()
    enable_language(CUDA)
    set(VISCOANN_HAVE_CUDA ON)
  elseif(VISCOANN_CUDA STREQUAL "ON")
    message(FATAL_ERROR "VISCOANN_CUDA=ON but no CUDA compiler was found")
  endif()
endif()
