#!/bin/sh
# make rpm: source tarball of the tracked files, then rpmbuild -ba into $BUILD/rpm.
set -eu
BUILD=${BUILD:-build}
top=$(pwd)
spec=scripts/rpm/mt-agent.spec
version=$(sed -n 's/^Version: *//p' "$spec")
name=mt-agent-$version
topdir=$top/$BUILD/rpm
rm -rf "$topdir"
mkdir -p "$topdir/SOURCES" "$topdir/SPECS" "$topdir/BUILD" "$topdir/RPMS" "$topdir/SRPMS"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$stage/$name"
else
    tar --exclude="./$BUILD" -cf - . | tar -xf - -C "$stage/$name"
fi
tar -czf "$topdir/SOURCES/$name.tar.gz" -C "$stage" "$name"
cp "$spec" "$topdir/SPECS/"

opts=""
# Off EL: the EL6 BuildRequires are not in this host's rpm database, and there is
# no find-debuginfo; the package content is the same.
if [ ! -f /etc/redhat-release ]; then
    opts="--nodeps"
    set -- --define "debug_package %{nil}"
fi
# shellcheck disable=SC2086
rpmbuild -ba $opts "$@" --define "_topdir $topdir" "$topdir/SPECS/mt-agent.spec" >"$topdir/rpmbuild.log" 2>&1 || {
    tail -n 40 "$topdir/rpmbuild.log" >&2
    echo "make rpm: rpmbuild failed; full log in $topdir/rpmbuild.log" >&2
    exit 1
}
find "$topdir/RPMS" "$topdir/SRPMS" -name '*.rpm' | sort
