# Thin wrapper around CMake. The two commands of the quick start:
#   make demo   install what is missing, build, run ticketlint's main job on the bundled example
#   make test   install what is missing, build, run every test through CTest
BUILD    ?= build
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps configure build test release-check demo bench eval clean

all: build

deps:
	@./cmake/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Debug -DTL_WERROR=ON $(CMAKE_FLAGS)

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory release-check

# The tests run a Debug build with sanitizers; optimised builds warn differently (GCC's
# -Wmaybe-uninitialized, -Wstringop-*), so the shipped configuration is compiled too, with
# warnings as errors.
release-check: deps
	cmake -S . -B $(BUILD)-release -DCMAKE_BUILD_TYPE=Release -DTL_SANITIZE=OFF -DTL_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD)-release -j $(JOBS) --target ticketlint

demo: build
	@./cmake/demo.sh $(BUILD)

bench: deps
	@./bench/run.sh

# ticketlint on real C code (Debian source packages, fetched at run time; not part of
# `make test`): a table of findings per package and rule. docs/eval.md holds the review.
eval: deps
	@./eval/run.sh

clean:
	rm -rf $(BUILD) $(BUILD)-release
