#!/bin/sh
# eval/fetch.sh PKG — fetch and unpack a Debian bookworm source package into
# .cache/debsrc/PKG/src with a private deb-src list (/work/shared/debsrc.md); the system's apt
# configuration is never touched. Prints the unpacked version on stdout; exits 1 (with a
# message on stderr) when the fetch fails. Nothing here is ever committed (.cache/ is ignored).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cache="$here/.cache/debsrc"
pkg=$1
dir="$cache/$pkg"

version_of() { (cd "$dir" && ls ./*.dsc 2>/dev/null | head -n 1 | sed 's/.*_//; s/\.dsc$//'); }

if [ -d "$dir/src" ] && [ -n "$(version_of)" ]; then
    version_of
    exit 0
fi

# One private list for every package of the evaluation, refreshed once per day at most.
apt_dir="$cache/.apt"
mkdir -p "$apt_dir/lists/partial" "$dir"
if [ ! -f "$apt_dir/src.sources" ]; then
    uri=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' | awk '$2=="bookworm"{print $1; exit}')
    [ -n "$uri" ] || { echo "eval: no bookworm mirror in apt's configuration" >&2; exit 1; }
    printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$uri" > "$apt_dir/src.sources"
fi
o="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$apt_dir -o Dir::State::Lists=$apt_dir/lists"
stamp="$apt_dir/lists/.updated"
if [ -z "$(find "$stamp" -mtime -1 2>/dev/null)" ]; then
    # shellcheck disable=SC2086
    if ! apt-get $o update >"$apt_dir/update.log" 2>&1; then
        echo "eval: apt-get update of the private deb-src list failed (see $apt_dir/update.log)" >&2
        exit 1
    fi
    touch "$stamp"
fi
# shellcheck disable=SC2086
if ! (cd "$dir" && apt-get $o source --download-only "$pkg" >"$dir/fetch.log" 2>&1); then
    echo "eval: cannot fetch the source package '$pkg' (see $dir/fetch.log)" >&2
    exit 1
fi
rm -rf "$dir/src"
if ! (cd "$dir" && dpkg-source -x --no-check ./*.dsc src >"$dir/unpack.log" 2>&1); then
    echo "eval: cannot unpack '$pkg' (see $dir/unpack.log)" >&2
    exit 1
fi
version_of
