# The two commands of the README: `make demo` and `make test`. Everything a fresh machine
# lacks is installed here into .venv (torch pinned to the CPU build in constraints.txt).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
CTEST_BUILD := build/ctest
ASAN_BUILD  := build/asan
JOBS   ?= 2
# The wheel build (make install) already compiles and links the CUDA target; the ctest build
# skips it to halve CI time (GPU checks run from pytest). CTEST_CUDA=AUTO builds it here too.
CTEST_CUDA ?= OFF
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: demo test install pytest ctest asan lint format clean

demo: install
	mkdir -p out
	$(BIN)/viscoann info
	$(BIN)/viscoann bench seed --scale 0.01 --plot out/seed_table.png | tee out/seed_table.txt
	$(BIN)/viscoann solve --depth-km 10 --time-yr 0 20 --eta-m 1e19 --eta-k 1e18 --n 101 \
		--out out/field.h5 --plot out/postseismic_map.png --profile 20,10 \
		--profile-out out/profile.csv --profile-plot out/profile.png
	$(BIN)/viscoann predict --depth-km 10 --time-yr 0 20 --eta-m 1e19 --eta-k 1e18 --n 101 \
		--out out/predicted_field.h5 --plot out/predicted_map.png
	$(BIN)/viscoann okada --depth-km 7.9 --extent-km 50 --n 201 --out out/okada_field.h5 --plot out/okada_map.png
	@echo "demo outputs: out/seed_table.txt out/seed_table.png out/postseismic_map.png out/profile.png out/predicted_map.png out/okada_map.png"

test: lint install pytest ctest asan

$(BIN)/python:
	$(PYTHON) -m venv --system-site-packages $(VENV)

$(VENV)/.deps: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install -c constraints.txt "scikit-build-core>=0.10" "pybind11>=2.12" "cmake>=3.24" ninja \
	  ruff clang-format
	touch $@

install: $(VENV)/.deps
	$(PIP) install --no-build-isolation -c constraints.txt ".[dev]"

pytest: install
	$(BIN)/python -m pytest

ctest: $(VENV)/.deps
	cmake -S . -B $(CTEST_BUILD) -G Ninja -DVISCOANN_BUILD_TESTS=ON -DVISCOANN_CUDA=$(CTEST_CUDA)
	cmake --build $(CTEST_BUILD) -j $(JOBS)
	ctest --test-dir $(CTEST_BUILD) --output-on-failure -j $(JOBS)

# The model-file reader's tests (malformed files, mutation corpus, its fuzz target over
# tests/data) under ASan + UBSan.
asan: $(VENV)/.deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DVISCOANN_BUILD_TESTS=ON -DVISCOANN_SANITIZE=ON \
	  -DVISCOANN_CUDA=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target test_model_io viscoann_fuzz_model_io
	ctest --test-dir $(ASAN_BUILD) -R '^(test_model_io|fuzz_model_io)$$' --output-on-failure

# Formatting is the tools' (versions pinned in constraints.txt); `make format` applies them.
CXX_SOURCES = $$(git ls-files '*.cpp' '*.hpp' '*.h' '*.c' '*.cu')
lint: $(VENV)/.deps
	$(BIN)/ruff format --check python tests bench examples
	$(BIN)/ruff check python tests bench examples
	$(BIN)/clang-format --dry-run -Werror $(CXX_SOURCES)

format: $(VENV)/.deps
	$(BIN)/ruff format python tests bench examples
	$(BIN)/ruff check --fix python tests bench examples
	$(BIN)/clang-format -i $(CXX_SOURCES)

clean:
	rm -rf build out
