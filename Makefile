# Thin wrapper around CMake. `make run` and `make test` are the README's quick start.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SCENARIO ?= workloads/scenarios/gpt4-azure-cutoff.yaml
OUT ?=
SANITIZE_DIR ?= build-asan
FUZZ_DIR ?= build-fuzz
FUZZ_TIME ?= 60

.PHONY: deps configure build run test bench bench-sweep bench-scaling format clean test-sanitize fuzz test-slurm

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

# Every test and every shipped scenario under AddressSanitizer and UndefinedBehaviorSanitizer, in its own
# build folder (docs/simgrid-notes.md: what SimGrid's context switching needs under ASan). -O1 with line
# tables and assertions on: quicker to build than -O2 -g, and reports still name file and line. The
# bad-input corpus is left out here (SANITIZE_EXCLUDE): its 230 files go through the loaders under the
# sanitizers in Fuzz.Replay_*, and through the binary in `make test`.
# Watchdog.ALoopThatNeverLetsTheClockMove and Faults.ARunPastItsSimulatedHorizon make the watchdog stop a
# simulation from inside an actor; under ASan the unwinding across SimGrid's raw context switch is reported
# as stack-use-after-scope right after ASan's own "stack switch, false positive reports may follow"
# warning (docs/simgrid-notes.md): left out here.
# Slurm.SweepOnARealSingleNodeSlurmMatchesLocal checks Slurm's plumbing, not riftsim's memory (the same
# sweep code runs here in Sweep.*): it starts its Slurm once, in `make test`, not again here.
SANITIZE_EXCLUDE ?= BadInput\.|Watchdog\.ALoopThatNeverLetsTheClockMove|Faults\.ARunPastItsSimulatedHorizon|^Slurm\.
test-sanitize: deps
	@cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
	  -DRIFTSIM_SANITIZE=ON -DRIFTSIM_BENCH=OFF >/dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)
	@cd $(SANITIZE_DIR) && ASAN_OPTIONS=detect_stack_use_after_return=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) $(if $(SANITIZE_EXCLUDE),-E '$(SANITIZE_EXCLUDE)')

# The libFuzzer targets of fuzz/ (clang, ASan + UBSan), FUZZ_TIME seconds each, JOBS at a time.
fuzz:
	@bash tools/install-deps.sh fuzz
	@cmake -S . -B $(FUZZ_DIR) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRIFTSIM_FUZZ=ON \
	  -DBUILD_TESTING=OFF -DRIFTSIM_BENCH=OFF >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets
	@bash fuzz/run.sh $(FUZZ_DIR) $(FUZZ_TIME) $(JOBS)

bench: build
	@bash bench/run.sh $(BUILD_DIR)
	@bash bench/sweep.sh $(BUILD_DIR)

# Only the sweep benchmark: 1,000 points of the flagship with failures (docs/sweeps.md).
bench-sweep: build
	@bash bench/sweep.sh $(BUILD_DIR)

# How one portfolio simulation grows with jobs and GPUs, up to the 1,000,000-GPU, 5,000-job target (K=10).
bench-scaling: build
	@bash bench/portfolio-scaling.sh $(BUILD_DIR) 0.5 1 2 4 10

# Only the sweep on a real single-node Slurm (needs root; installs Debian's Slurm and munge if missing,
# starts and stops its own daemons). `make test` runs it too, as the ctest
# Slurm.SweepOnARealSingleNodeSlurmMatchesLocal (docs/sweeps.md, "Testing on Slurm").
test-slurm: build
	@bash tests/slurm/test_slurm_sweep.sh $(BUILD_DIR)

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	@rm -rf $(BUILD_DIR) $(SANITIZE_DIR) $(FUZZ_DIR)
