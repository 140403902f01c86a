#!/usr/bin/env bash
# scripts/install-deps: the plain list (make demo) holds no test-only package; --test adds them, keeps the rest.
set -uo pipefail
src="$1"
build=$("$src/scripts/install-deps" --list) || { echo "FAIL: install-deps --list"; exit 1; }
test=$("$src/scripts/install-deps" --list --test) || { echo "FAIL: install-deps --list --test"; exit 1; }
failed=0
for p in chromium nmap clang-14 libclang-rt-14-dev gstreamer1.0-rtsp python3-gst-1.0 python3-jsonschema lintian \
         libgtest-dev zsh fish postgresql-15; do
  if grep -qx "$p" <<<"$build"; then echo "FAIL: make demo would install the test-only package $p"; failed=1; fi
  if ! grep -qx "$p" <<<"$test"; then echo "FAIL: make test would not install $p"; failed=1; fi
done
for p in cmake g++ libyaml-cpp-dev libcli11-dev libsqlite3-dev libpq-dev ieee-data; do
  grep -qx "$p" <<<"$build" || { echo "FAIL: make demo would not install $p"; failed=1; }
done
while read -r p; do
  grep -qx "$p" <<<"$test" || { echo "FAIL: --test drops the build package $p"; failed=1; }
done <<<"$build"
if grep -q 'install-deps --test' "$src/Makefile" && grep -q '^demo: deps ' "$src/Makefile"; then :; else
  echo "FAIL: the Makefile does not route make demo to install-deps and make test to install-deps --test"; failed=1
fi
[ $failed -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $failed
