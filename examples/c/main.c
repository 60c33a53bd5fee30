/* A C99 program using the installed viscoann through its C API (viscoann.h).
   Usage: example_c DATA_DIR (the repository's tests/data). Exits non-zero on a wrong number. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "viscoann.h"

/* ---- surrogate: load tests/data/surrogate_tiny.safetensors and check its predictions ---- */
static int check_surrogate(const char* data_dir) {
    char path[1024];
    double X[5][6], expected[5][3], u[5][3];
    viscoann_surrogate* net = NULL;
    FILE* f;
    int n = 0, i, j;
    double scale = 0.0, err = 0.0;

    snprintf(path, sizeof path, "%s/surrogate_tiny.safetensors", data_dir);
    if (viscoann_surrogate_load(path, &net) != VISCOANN_OK) {
        fprintf(stderr, "load failed: %s\n", viscoann_last_error());
        return 1;
    }
    snprintf(path, sizeof path, "%s/surrogate_tiny_expected.csv", data_dir);
    f = fopen(path, "r");
    if (!f || fscanf(f, "%*[^\n]\n") != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        viscoann_surrogate_free(net);
        return 1;
    }
    while (n < 5 && fscanf(f, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &X[n][0], &X[n][1],
                           &X[n][2], &X[n][3], &X[n][4], &X[n][5], &expected[n][0],
                           &expected[n][1], &expected[n][2]) == 9)
        ++n;
    fclose(f);
    if (n != 5 || viscoann_surrogate_predict(net, &X[0][0], 5, &u[0][0], 1) != VISCOANN_OK) {
        fprintf(stderr, "predict failed (%d rows): %s\n", n, viscoann_last_error());
        viscoann_surrogate_free(net);
        return 1;
    }
    viscoann_surrogate_free(net);
    for (i = 0; i < 5; ++i)
        for (j = 0; j < 3; ++j) {
            if (fabs(expected[i][j]) > scale) scale = fabs(expected[i][j]);
            if (fabs(u[i][j] - expected[i][j]) > err) err = fabs(u[i][j] - expected[i][j]);
        }
    printf("surrogate: uz at (10 km, 5 km) = %.6e m per m^3, max error %.2e of scale\n", u[0][2],
           err / scale);
    return err <= 1e-5 * scale ? 0 : 1;
}

int main(int argc, char** argv) {
    int failed = 0;
    printf("viscoann %s, CUDA GPU available: %d\n", viscoann_version(), viscoann_cuda_available());
    failed |= strcmp(viscoann_status_string(VISCOANN_OK), "ok") != 0;
    if (argc > 1) failed |= check_surrogate(argv[1]);
    return failed;
}
