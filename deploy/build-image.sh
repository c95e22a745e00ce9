#!/bin/sh
# Build the certstreammonitor images from deploy/Containerfile with Podman (or Docker):
# stage a small build context (the static binary, the CA bundle, ua.txt, a static
# busybox for the scan loop) and build two tags from it. No base image is downloaded.
#
#   deploy/build-image.sh [extra build options...]
#
# Environment (all optional):
#   ENGINE     podman or docker (default: podman if installed, else docker)
#   IMAGE      image name (default: localhost/certstreammonitor); tags :latest, :VERSION
#              and :scan-loop
#   BIN        the static binary (default: target/x86_64-unknown-linux-musl/release/
#              certstreammonitor, made by `cargo build --release --target
#              x86_64-unknown-linux-musl`, README "Building the static binary")
#   CA_BUNDLE  PEM bundle of trusted roots (default: this machine's
#              /etc/ssl/certs/ca-certificates.crt, Debian's ca-certificates package)
#   BUSYBOX    a statically linked busybox (default: /bin/busybox of Debian's
#              busybox-static package; only the :scan-loop image holds it)
set -eu
cd "$(dirname "$0")/.."

engine=${ENGINE:-}
if [ -z "$engine" ]; then
    if command -v podman >/dev/null 2>&1; then engine=podman; else engine=docker; fi
fi
image=${IMAGE:-localhost/certstreammonitor}
bin=${BIN:-target/x86_64-unknown-linux-musl/release/certstreammonitor}
ca=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
busybox=${BUSYBOX:-/bin/busybox}

die() {
    echo "build-image: $*" >&2
    exit 1
}
[ -x "$bin" ] || die "$bin: no such executable (cargo build --release --target x86_64-unknown-linux-musl)"
grep -q 'BEGIN CERTIFICATE' "$ca" 2>/dev/null || die "$ca: not a PEM CA bundle (apt-get install ca-certificates, or set CA_BUNDLE)"
[ -x "$busybox" ] || die "$busybox: missing (apt-get install busybox-static, or set BUSYBOX)"
# Nothing but the binaries is in the image: a dynamically linked one could not start.
for exe in "$bin" "$busybox"; do
    if ldd "$exe" 2>/dev/null | grep -q '=>'; then
        die "$exe is dynamically linked; the image has no libraries"
    fi
done

version=$("$bin" --version | awk '{print $2}')
case $version in
[0-9]*) ;;
*) die "$bin --version: unexpected output" ;;
esac

ctx=$(mktemp -d "${TMPDIR:-/tmp}/certstreammonitor-image.XXXXXX")
trap 'rm -rf "$ctx"' EXIT INT TERM
cp deploy/Containerfile deploy/scan-loop.sh ua.txt "$ctx/"
cp "$bin" "$ctx/certstreammonitor"
cp "$ca" "$ctx/ca-certificates.crt"
cp "$busybox" "$ctx/busybox"
chmod 0755 "$ctx/certstreammonitor" "$ctx/busybox" "$ctx/scan-loop.sh"
chmod 0644 "$ctx/ca-certificates.crt" "$ctx/ua.txt"
mkdir -m 0750 "$ctx/data"
mkdir -m 0755 "$ctx/config"

"$engine" build -f "$ctx/Containerfile" --target monitor \
    -t "$image:latest" -t "$image:$version" "$@" "$ctx"
"$engine" build -f "$ctx/Containerfile" --target scan-loop \
    -t "$image:scan-loop" "$@" "$ctx"
echo "built $image:latest ($version) and $image:scan-loop with $engine"
