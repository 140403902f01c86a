# The two commands: `make demo` and `make test`. Both install what is missing first.
.PHONY: all deps build demo test test-asan fuzz bench clean

JOBS ?= $(shell nproc)

all: build

deps:
	@scripts/install-deps

build/build.ninja: | deps
	cmake --preset default >/dev/null

build: deps build/build.ninja
	cmake --build build -j $(JOBS)

demo: build
	build/anshin demo

test: build
	ctest --test-dir build --output-on-failure -j $(JOBS)

test-asan: deps
	cmake --preset asan >/dev/null
	cmake --build build-asan -j $(JOBS)
	ctest --test-dir build-asan --output-on-failure -j $(JOBS)

fuzz: deps
	scripts/fuzz-all

bench: build
	bench/sweep
	bench/identify

clean:
	rm -rf build build-asan build-fuzz
