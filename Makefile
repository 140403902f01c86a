# The two commands: `make demo` and `make test`. Both install what is missing first.
.PHONY: all deps build demo test test-asan fuzz bench clean kb-bundle

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
	scripts/install-browser-tools
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

# A signed knowledge-base bundle of data/ for `anshin kb update FILE` (docs/kb-format.md "Bundles").
# KEY is the Ed25519 private key (PEM) whose public half is in keys/kb/ or /etc/anshin/kb-keys/.
KB_BUNDLE ?= anshin-kb.bundle
kb-bundle: build
	@test -n "$(KEY)" || { echo "usage: make kb-bundle KEY=private-key.pem [KB_BUNDLE=anshin-kb.bundle]" >&2; exit 1; }
	build/anshin kb bundle --key "$(KEY)" --data data -o "$(KB_BUNDLE)"

clean:
	rm -rf build build-asan build-fuzz
