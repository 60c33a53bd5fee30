/* A C99 program using the installed viscoann through its C API (viscoann.h). */
#include <stdio.h>
#include <string.h>

#include "viscoann.h"

int main(void) {
    printf("viscoann %s, CUDA GPU available: %d\n", viscoann_version(), viscoann_cuda_available());
    return strcmp(viscoann_status_string(VISCOANN_OK), "ok") == 0 ? 0 : 1;
}
