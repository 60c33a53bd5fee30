// ctest for the traction kernels' block call (viscoann/traction.hpp, viscoann.h): the direct
// evaluation equals the Python traction_kernels of the same patches (recorded before Python
// called this code, tests/data/traction_block_ref.txt) to 1e-9, the block from its radial
// tables to 1e-5 of the largest entry; a block equals its entries computed one by one; the
// self-term is flagged and unloads its patch; Betti reciprocity of small, distant patches; bad
// input is an error naming the argument (C++ exception, C status + message); the tables out of
// one handle and into another through the C API (a simulator's own store).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"
#include "viscoann.h"
#include "viscoann/traction.hpp"

using namespace viscoann;

namespace {

constexpr double kYear = 365.25 * 86400.0;
constexpr double kPi = 3.14159265358979323846;

EarthModel two_layers() {
    EarthModel m;
    m.layers.push_back({12e3, 28e9, Rheology::elastic(30e9)});
    m.layers.push_back({10e3, 35e9, Rheology::burgers(32e9, 3e18, 32e9, 4e17)});
    m.halfspace = Layer{0.0, 40e9, Rheology::maxwell(40e9, 1e19)};
    return m;
}

// east, north, depth, strike, dip, rake, length, width: one in the lid, one crossing the
// 12 km interface, one in the Burgers layer (the reference's Python RectangularFaults), their
// centres >= 2 km from the interfaces (a receiver next to one needs many more wavenumbers).
std::vector<FaultPatch> three_patches() {
    return {{0.0, 0.0, 6e3, 20.0, 70.0, 30.0, 2e3, 2e3},
            {9e3, 4e3, 14e3, 110.0, 90.0, -60.0, 3e3, 6e3},
            {-5e3, 8e3, 18e3, 300.0, 40.0, 150.0, 3e3, 2e3}};
}

// two_layers() and three_patches() in the C API's terms.
struct CCase {
    double th[3] = {12e3, 10e3, 0.0}, lam[3] = {28e9, 35e9, 40e9};
    double muM[3] = {30e9, 32e9, 40e9}, etaM[3] = {INFINITY, 3e18, 1e19};
    double muK[3] = {INFINITY, 32e9, INFINITY}, etaK[3] = {INFINITY, 4e17, INFINITY};
    std::vector<viscoann_patch> cp;
    CCase() {
        for (const FaultPatch& q : three_patches())
            cp.push_back({q.east, q.north, q.depth, q.strike, q.dip, q.rake, q.length, q.width});
    }
    viscoann_status create(double tol, int threads, viscoann_traction** h) const {
        return viscoann_traction_create(2, th, lam, muM, etaM, muK, etaK, cp.size(), cp.data(), tol,
                                        threads, h);
    }
};

double max_abs(const std::vector<double>& v) {
    double a = 0.0;
    for (double x : v) a = std::max(a, std::fabs(x));
    return a;
}

}  // namespace

static void test_equals_python_reference() {
    std::ifstream in(std::string(VISCOANN_SHARED_REFS) + "/traction_block_ref.txt");
    CHECK(in.good());
    std::string line;
    while (in.peek() == '#') std::getline(in, line);
    std::size_t T = 0, R = 0, S = 0;
    in >> T >> R >> S;
    CHECK(T == 3 && R == 3 && S == 3);
    std::vector<double> times(T), ref(T * R * S * 3);
    for (double& t : times) in >> t;
    for (double& v : ref) in >> v;
    CHECK(!in.fail());
    const TractionKernels k(two_layers(), three_patches());
    const std::vector<std::size_t> idx{0, 1, 2};
    std::vector<double> out(ref.size()), direct(ref.size());
    std::vector<std::uint8_t> flags(R * S);
    // The direct evaluation (no tables) to 1e-9, the block's tables to their 1e-5 of max |K|.
    k.block_direct(R, idx.data(), S, idx.data(), T, times.data(), direct.data());
    k.block(R, idx.data(), S, idx.data(), T, times.data(), out.data(), flags.data());
    const double scale = max_abs(ref);
    for (std::size_t i = 0; i < ref.size(); ++i) {
        CHECK_NEAR(direct[i], ref[i], 1e-9 * scale);
        CHECK_NEAR(out[i], ref[i], 1e-5 * scale);
    }
    for (std::size_t i = 0; i < R; ++i)
        for (std::size_t j = 0; j < S; ++j) CHECK(flags[i * S + j] == (i == j ? 1 : 0));
    // Unit slip unloads its own patch: the shear along its rake is negative at every time.
    const auto p = three_patches();
    for (std::size_t it = 0; it < T; ++it)
        for (std::size_t i = 0; i < R; ++i) {
            const double* t = &out[((it * R + i) * S + i) * 3];
            const double r = p[i].rake * kPi / 180.0;
            CHECK(std::cos(r) * t[0] + std::sin(r) * t[1] < 0.0);
        }
}

static void test_block_equals_entries() {
    // Rows and columns in any order and subset give the same entries: the quadrature is the
    // pair's and the tables the handle's, not the call's.
    const TractionKernels k(two_layers(), three_patches());
    const double times[2] = {0.5 * kYear, 20.0 * kYear};
    const std::size_t rows[3] = {2, 0, 1}, cols[2] = {2, 0};
    std::vector<double> blk(2 * 3 * 2 * 3);
    k.block(3, rows, 2, cols, 2, times, blk.data());
    const double scale = max_abs(blk);
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 2; ++j) {
            double e[2 * 3];
            k.block(1, &rows[i], 1, &cols[j], 2, times, e);
            for (std::size_t it = 0; it < 2; ++it)
                for (int c = 0; c < 3; ++c)
                    CHECK_NEAR(blk[((it * 3 + i) * 2 + j) * 3 + std::size_t(c)], e[it * 3 + c],
                               1e-13 * scale);
        }
}

static void test_reciprocity_small_distant_patches() {
    // Betti: A_i s_i . t_ij = A_j s_j . t_ji (tractions projected on each other's slip) for
    // patches small against their distance, in different layers, at every time.
    EarthModel m = two_layers();
    const std::vector<FaultPatch> p{{0.0, 0.0, 8e3, 30.0, 60.0, 45.0, 200.0, 200.0},
                                    {15e3, 6e3, 17e3, 120.0, 80.0, -30.0, 300.0, 250.0}};
    const TractionKernels k(m, p, {}, 1e-8);
    const double times[3] = {0.0, 2.0 * kYear, 40.0 * kYear};
    const std::size_t idx[2] = {0, 1};
    std::vector<double> out(3 * 2 * 2 * 3);
    k.block(2, idx, 2, idx, 3, times, out.data());
    for (std::size_t it = 0; it < 3; ++it) {
        auto proj = [&](std::size_t i, std::size_t j) {
            const double r = p[i].rake * kPi / 180.0;
            const double* t = &out[((it * 2 + i) * 2 + j) * 3];
            return p[i].length * p[i].width * (std::cos(r) * t[0] + std::sin(r) * t[1]);
        };
        const double a = proj(0, 1), b = proj(1, 0);
        // Centre tractions of 200-300 m patches 18 km apart: second-order error ~ (L/r)^2.
        CHECK(std::fabs(a - b) <= 1e-3 * std::fabs(a));
    }
}

static void test_bad_input() {
    auto p = three_patches();
    const TractionKernels k(two_layers(), p);
    const double t[1] = {0.0};
    const std::size_t ok[1] = {0}, bad[2] = {1, 3};
    double out[6];
    CHECK_THROWS(k.block(2, bad, 1, ok, 1, t, out), std::invalid_argument, "rows[1] = 3");
    CHECK_THROWS(k.block(1, ok, 2, bad, 1, t, out), std::invalid_argument, "cols[1] = 3");
    const double tneg[1] = {-1.0};
    CHECK_THROWS(k.block(1, ok, 1, ok, 1, tneg, out), std::invalid_argument, "times[0]");
    p[1].width = 0.0;
    CHECK_THROWS(TractionKernels(two_layers(), p), std::invalid_argument, "patches[1].width");
    p[1].width = 2e3;
    p[2].depth = 0.5e3;
    CHECK_THROWS(TractionKernels(two_layers(), p), std::invalid_argument, "patches[2] has its top");

    // The C API: status codes and messages, never an exception.
    CCase cc;
    viscoann_traction* h = nullptr;
    CHECK(cc.create(1e-6, 1, &h) == VISCOANN_OK);
    CHECK(viscoann_traction_size(h) == 3);
    const size_t crow[1] = {0}, ccol[2] = {2, 5};
    CHECK(viscoann_traction_block(h, 1, crow, 2, ccol, 1, t, out) == VISCOANN_INVALID_ARGUMENT);
    CHECK(std::strstr(viscoann_last_error(), "cols[1] = 5") != nullptr);
    CHECK(viscoann_traction_block(nullptr, 1, crow, 1, ccol, 1, t, out) ==
          VISCOANN_INVALID_ARGUMENT);
    CHECK(std::strstr(viscoann_last_error(), "traction") != nullptr);
    // A valid C call equals the C++ entry.
    double c_out[3], cpp_out[3];
    unsigned char fl = 9;
    CHECK(viscoann_traction_block_flags(h, 1, crow, 1, crow, 1, t, c_out, &fl) == VISCOANN_OK);
    k.block(1, ok, 1, ok, 1, t, cpp_out);
    for (int c = 0; c < 3; ++c) CHECK_NEAR(c_out[c], cpp_out[c], 1e-12 * std::fabs(cpp_out[1]));
    CHECK(fl == 1);
    viscoann_traction_destroy(h);
    cc.cp[0].dip = 95.0;
    CHECK(cc.create(1e-6, 1, &h) == VISCOANN_INVALID_ARGUMENT);
    CHECK(h == nullptr);
    CHECK(std::strstr(viscoann_last_error(), "patches[0].dip = 95") != nullptr);
    cc.cp[0].dip = 70.0;
    CHECK(cc.create(0.0, 1, &h) == VISCOANN_INVALID_ARGUMENT);
    CHECK(std::strstr(viscoann_last_error(), "tol = 0") != nullptr);
}

// A simulator's own store through the C API: the tables read out of one handle and given to a
// fresh one make its block equal the first's bit for bit; other tables of the right size
// change the block (they are used); a wrong size is an error naming both sizes.
static void test_tables_out_and_back_in() {
    const CCase cc;
    auto make = [&] {
        viscoann_traction* h = nullptr;
        CHECK(cc.create(1e-6, 2, &h) == VISCOANN_OK);
        return h;
    };
    const double t[2] = {0.0, 10 * kYear};
    const size_t idx[3] = {0, 1, 2};
    std::vector<double> a(2 * 9 * 3), b(a.size()), c(a.size());
    viscoann_traction* A = make();
    CHECK(viscoann_traction_block(A, 3, idx, 3, idx, 2, t, a.data()) == VISCOANN_OK);
    const size_t n = viscoann_traction_n_panels(A);
    CHECK(n >= 2);
    viscoann_traction *B = make(), *C = make();
    for (size_t p = 0; p < n; ++p) {
        size_t size = 0;
        CHECK(viscoann_traction_panel_tables(A, p, 2, t, nullptr, &size) == VISCOANN_OK);
        std::vector<double> tab(size);
        CHECK(viscoann_traction_panel_tables(A, p, 2, t, tab.data(), &size) == VISCOANN_OK);
        CHECK(viscoann_traction_set_panel_tables(B, p, 2, t, tab.data(), size) == VISCOANN_OK);
        std::vector<double> zeros(size, 0.0);
        CHECK(viscoann_traction_set_panel_tables(C, p, 2, t, zeros.data(), size) == VISCOANN_OK);
        if (p == 0) {
            CHECK(viscoann_traction_set_panel_tables(B, p, 2, t, tab.data(), size - 1) ==
                  VISCOANN_INVALID_ARGUMENT);
            CHECK(std::strstr(viscoann_last_error(), "table values is invalid; allowed: ") !=
                  nullptr);
            size_t wrong = size + 1;
            CHECK(viscoann_traction_panel_tables(A, p, 2, t, tab.data(), &wrong) ==
                  VISCOANN_INVALID_ARGUMENT);
        }
    }
    CHECK(viscoann_traction_block(B, 3, idx, 3, idx, 2, t, b.data()) == VISCOANN_OK);
    CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
    CHECK(viscoann_traction_block(C, 3, idx, 3, idx, 2, t, c.data()) == VISCOANN_OK);
    double diff = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) diff = std::max(diff, std::fabs(a[i] - c[i]));
    CHECK(diff > 1e-6 * max_abs(a));
    CHECK(viscoann_traction_panel_tables(A, 0, 2, t, nullptr, nullptr) ==
          VISCOANN_INVALID_ARGUMENT);
    size_t dummy = 0;
    CHECK(viscoann_traction_panel_tables(A, n, 2, t, nullptr, &dummy) == VISCOANN_INVALID_ARGUMENT);
    CHECK(std::strstr(viscoann_last_error(), "is invalid; allowed: <") != nullptr);
    for (viscoann_traction* h : {A, B, C}) viscoann_traction_destroy(h);
}

int main() {
    test_equals_python_reference();
    test_tables_out_and_back_in();
    test_block_equals_entries();
    test_reciprocity_small_distant_patches();
    test_bad_input();
    return check::report();
}
