#!/bin/sh
# Regenerates the committed Thrift Java under src/generated/java (apt-get install thrift-compiler). See README.md.
# The compiler is pinned to 0.17.x: its output compiles against the libthrift in pom.xml (0.17.0-0.20.0).
set -eu
cd "$(dirname "$0")"
expected="0.17."
version=$(thrift -version | sed -n 's/^Thrift version \([0-9.]*\).*/\1/p')
case "$version" in
  "$expected"*) ;;
  *) echo "regenerate.sh: need thrift ${expected}x, found '${version:-none}'" >&2; exit 1 ;;
esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
thrift -gen java:generated_annotations=suppress -out "$out" aurora_api.thrift
target=../../generated/java/io/heroncp/aurora/thrift
rm -rf "$target"
mkdir -p "$(dirname "$target")"
cp -R "$out/io/heroncp/aurora/thrift" "$target"
