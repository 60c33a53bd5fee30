// Private: VISCOANN_HD marks the small functions compiled for host and device alike (the
// conventions of sources.hpp, the engines' math of mlp_math.hpp).
#pragma once

#if defined(__CUDACC__)
#define VISCOANN_HD __host__ __device__ __forceinline__
#else
// static: the ISA-flagged CPU units (*_avx2.cpp, *_avx512.cpp) include these headers too, and
// an external inline copy built with AVX-512 must never be the one a portable caller links to.
#define VISCOANN_HD static inline
#endif
