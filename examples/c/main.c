/* A C99 program using the installed viscoann through its C API (viscoann.h).
   Usage: example_c DATA_DIR (the repository's tests/data). Exits non-zero on a wrong number. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "viscoann.h"

#define ROWS 20

/* ---- Okada: the canonical source at the first reference rows, checked ---- */
static int check_okada(const char* data_dir) {
    char path[4096], line[512];
    double x[ROWS], y[ROWS], z[ROWS], depth[ROWS], ref[ROWS][3], u[3 * ROWS];
    const double potency[4] = {1.0, 0.0, 0.0, 0.0};
    int rows = 0, bad = 0, i, k;
    FILE* f;

    snprintf(path, sizeof path, "%s/okada/canonical_surface.csv", data_dir);
    f = fopen(path, "r");
    if (!f || !fgets(line, sizeof line, f)) {
        fprintf(stderr, "cannot read %s\n", path);
        return 2;
    }
    /* The reference is Okada's Fortran in float64 (REAL*8 interface): allow 1e-9. */
    while (rows < ROWS && fgets(line, sizeof line, f)) {
        double v[6];
        if (sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
            break;
        x[rows] = v[0];
        y[rows] = v[1];
        z[rows] = 0.0;
        depth[rows] = v[2];
        for (k = 0; k < 3; ++k) ref[rows][k] = v[3 + k];
        ++rows;
    }
    fclose(f);
    for (i = 0; i < rows; ++i) {
        /* One source per call here (each row has its own depth); n points per call in general. */
        viscoann_status s = viscoann_okada_point(1, &x[i], &y[i], &z[i], depth[i], 90.0, potency,
                                                 2.0 / 3.0, &u[3 * i], NULL, NULL, NULL, 0);
        double scale = 0.0;
        if (s != VISCOANN_OK) {
            fprintf(stderr, "viscoann_okada_point: %s: %s\n", viscoann_status_string(s),
                    viscoann_last_error());
            return 1;
        }
        for (k = 0; k < 3; ++k) scale = fmax(scale, fabs(ref[i][k]));
        for (k = 0; k < 3; ++k)
            if (!(fabs(u[3 * i + k] - ref[i][k]) <= 1e-9 * scale)) ++bad;
    }
    printf("u(%.0f, %.0f) = (%.6e, %.6e, %.6e); %d rows checked, %d values off\n", x[0], y[0], u[0],
           u[1], u[2], rows, bad);
    /* A bad argument comes back as a status with a message naming it. */
    if (viscoann_okada_point(1, x, y, z, -1.0, 90.0, potency, 0.5, u, NULL, NULL, NULL, 0) !=
            VISCOANN_INVALID_ARGUMENT ||
        strstr(viscoann_last_error(), "depth") == NULL)
        ++bad;
    printf("bad argument reported as: %s\n", viscoann_last_error());
    return (bad == 0 && rows == ROWS) ? 0 : 1;
}

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
    while (n < 5 &&
           fscanf(f, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &X[n][0], &X[n][1], &X[n][2], &X[n][3],
                  &X[n][4], &X[n][5], &expected[n][0], &expected[n][1], &expected[n][2]) == 9)
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
    if (argc < 2) {
        fprintf(stderr, "usage: %s <tests/data dir>\n", argv[0]);
        return 2;
    }
    failed |= strcmp(viscoann_status_string(VISCOANN_OK), "ok") != 0;
    failed |= check_okada(argv[1]);
    failed |= check_surrogate(argv[1]);
    return failed;
}
