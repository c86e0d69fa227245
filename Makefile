# Thin wrapper around CMake. `make run` and `make test` are the README's quick start.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SCENARIO ?= workloads/scenarios/gpt4-azure-cutoff.yaml
OUT ?=

.PHONY: deps configure build run test bench format clean

deps:
	@bash tools/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

# The compiler's progress goes to $(BUILD_DIR)/build.log; the terminal gets riftsim's own output and, if
# the build fails, what the compiler said (progress lines left out).
MAKEFLAGS += --no-print-directory
BUILD_LOG = $(BUILD_DIR)/build.log
build: configure
	@[ -x $(BUILD_DIR)/riftsim ] || echo "riftsim: first build, a few minutes on 2 cores (progress in $(BUILD_LOG))" >&2
	@cmake --build $(BUILD_DIR) -j $(JOBS) >$(BUILD_LOG) 2>&1 || { \
	  grep -Ev '^(\[ *[0-9]+%\]|g?make(\[[0-9]+\])?: (Entering|Leaving) directory|Consolidate compiler)' $(BUILD_LOG) >&2; \
	  echo "riftsim: the build failed (whole log: $(BUILD_LOG))" >&2; exit 1; }

run: build
	@$(BUILD_DIR)/riftsim run $(SCENARIO) $(if $(OUT),--out $(OUT))

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	@bash bench/run.sh $(BUILD_DIR)

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	@rm -rf $(BUILD_DIR)
