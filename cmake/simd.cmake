# One translation unit per ISA (cpp/src/*_avx2.cpp, *_avx512.cpp), each with its own flags;
# the engine picks one at run time, so one binary runs on any x86-64. Never -march=native.
set(VISCOANN_X86 OFF)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64")
  set(VISCOANN_X86 ON)
endif()

function(viscoann_add_simd_sources target)
  if(NOT VISCOANN_X86)
    return()
  endif()
  file(GLOB avx2 CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/cpp/src/*_avx2.cpp)
  file(GLOB avx512 CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/cpp/src/*_avx512.cpp)
  target_sources(${target} PRIVATE ${avx2} ${avx512})
  # -fno-math-errno: an errno-setting sqrt is a branch that stops loops from vectorising; the
  # SIMD kernels never read errno.
  set_source_files_properties(${avx2} PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma;-mf16c;-fno-math-errno")
  set_source_files_properties(${avx512} PROPERTIES
    COMPILE_OPTIONS "-mavx512f;-mavx512vl;-mavx512bw;-mavx512dq;-mfma;-mavx2;-fno-math-errno")
endfunction()
