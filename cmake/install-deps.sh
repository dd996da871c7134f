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
#        unpacked into .cache/tree-sitter-c (ignored by git, never committed);
#        for the SARIF schema test (tests/sarif): ajv@8.17.1 and ajv-formats@3.0.1 installed
#        into .cache/npm/node_modules, and sarif-2.1.0.json, the official SARIF 2.1.0 schema,
#        taken from the tarball of @microsoft/sarif-multitool-linux@5.7.0 (43 MB, kept as
#        .cache/npm/microsoft-sarif-multitool-linux-5.7.0.tgz so it is fetched once)
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
cache="$here/.cache"
grammar_version=0.23.6
ajv_version=8.17.1
ajv_formats_version=3.0.1
multitool_version=5.7.0
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

# npm when a step below needs it (Debian's npm brings nodejs).
need_npm() {
    if ! command -v npm >/dev/null 2>&1; then
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm
    fi
}

# The SARIF schema test: ajv and ajv-formats, pinned, into .cache/npm/node_modules.
npm_dir="$cache/npm"
if ! grep -q "\"version\": \"$ajv_version\"" "$npm_dir/node_modules/ajv/package.json" 2>/dev/null ||
   ! grep -q "\"version\": \"$ajv_formats_version\"" \
        "$npm_dir/node_modules/ajv-formats/package.json" 2>/dev/null; then
    need_npm
    echo "install-deps: installing ajv@$ajv_version ajv-formats@$ajv_formats_version into $npm_dir"
    mkdir -p "$npm_dir"
    npm install --silent --no-audit --no-fund --no-save --no-package-lock \
        --cache "$npm_dir/_cacache" --prefix "$npm_dir" \
        "ajv@$ajv_version" "ajv-formats@$ajv_formats_version"
fi
# ... and the official SARIF 2.1.0 schema, shipped in the multitool's npm tarball.
multitool_tgz="$npm_dir/microsoft-sarif-multitool-linux-$multitool_version.tgz"
if [ ! -s "$npm_dir/sarif-2.1.0.json" ]; then
    need_npm
    mkdir -p "$npm_dir"
    if [ ! -s "$multitool_tgz" ]; then
        echo "install-deps: fetching @microsoft/sarif-multitool-linux@$multitool_version (43 MB) for its SARIF schema"
        tmp=$(mktemp -d)
        (cd "$tmp" && npm pack --silent --cache "$npm_dir/_cacache" \
            "@microsoft/sarif-multitool-linux@$multitool_version" >/dev/null)
        mv "$tmp"/microsoft-sarif-multitool-linux-*.tgz "$multitool_tgz"
        rm -rf "$tmp"
    fi
    tar -xzf "$multitool_tgz" -O package/sarif-2.1.0.json >"$npm_dir/sarif-2.1.0.json.tmp"
    mv "$npm_dir/sarif-2.1.0.json.tmp" "$npm_dir/sarif-2.1.0.json"
fi
