#!/bin/sh
# Installs what ticketlint needs to build and test, and nothing that is already there.
# Idempotent; safe to run on every `make`. Uses sudo for apt when not root.
#
#   apt: cmake, pkg-config, libclang-dev, libtree-sitter-dev, libcriterion-dev, libjansson-dev
#        and, for the library-model fixtures (fixtures/*/<lib>_*.c compile against the real
#        headers): libmpich-dev (pkg-config `mpich`), liburing-dev (`liburing`), libuv1-dev
#        (`libuv`), libglib2.0-dev (`glib-2.0`, `gio-2.0`). CUDA is not in Debian main: its
#        fixtures use tests/fixtures/cuda_decls/cuda_runtime.h.
#   npm: tree-sitter-c@0.23.6 (its src/parser.c is ABI 14, which libtree-sitter 0.20 accepts),
#        unpacked into .cache/tree-sitter-c (ignored by git, never committed)
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
cache="$here/.cache"
grammar_version=0.23.6
pkgs="cmake pkg-config make gcc libclang-dev libtree-sitter-dev libcriterion-dev libjansson-dev"
pkgs="$pkgs libmpich-dev liburing-dev libuv1-dev libglib2.0-dev"

missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# libclang 14..19 is accepted; CMake finds it through llvm-config (plain or versioned),
# which libclang-dev does not bring: the `llvm` package does.
have_llvm_config=0
for v in "" -19 -18 -17 -16 -15 -14; do
    command -v "llvm-config$v" >/dev/null 2>&1 && have_llvm_config=1
done
[ "$have_llvm_config" -eq 1 ] || missing="$missing llvm"

if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "install-deps: installing:$missing"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

if [ ! -f "$cache/tree-sitter-c/src/parser.c" ] ||
   ! grep -q "\"version\": \"$grammar_version\"" "$cache/tree-sitter-c/package.json" 2>/dev/null; then
    if ! command -v npm >/dev/null 2>&1; then
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm
    fi
    echo "install-deps: fetching tree-sitter-c@$grammar_version from npm"
    mkdir -p "$cache"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "tree-sitter-c@$grammar_version" >/dev/null)
    rm -rf "$cache/tree-sitter-c"
    mkdir -p "$cache/tree-sitter-c"
    tar -xzf "$tmp"/tree-sitter-c-*.tgz -C "$cache/tree-sitter-c" --strip-components=1
    rm -rf "$tmp"
fi
