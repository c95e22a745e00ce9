#!/bin/sh
# Build the images with Podman and run them offline (.ci/run calls this after the static
# build): `--version`, the README's replay job with --network none into a named volume
# (the DB must appear in the volume on the host, owned by the image's user), and one
# pass of the scan loop, stopped with SIGTERM (exit 0 expected).
#
# Podman from Debian's packages (apt-get install podman runc busybox-static); in a
# container or VM without systemd it needs the runc runtime, cgroupfs and no default
# ulimits, hence the containers.conf made here (CONTAINERS_CONF).
set -eu
cd "$(dirname "$0")/.."

command -v podman >/dev/null 2>&1 || { echo "test-image: podman missing" >&2; exit 1; }
image=localhost/certstreammonitor-ci
work=$(mktemp -d "${TMPDIR:-/tmp}/certstreammonitor-ci.XXXXXX")
vol=certstreammonitor-ci-$$
version=$(target/x86_64-unknown-linux-musl/release/certstreammonitor --version 2>/dev/null | awk '{print $2}' || true)
cleanup() {
    podman rm -f -i "$vol-scan" >/dev/null 2>&1 || true
    podman volume rm -f "$vol" >/dev/null 2>&1 || true
    # The tags, and with them their untagged build layers.
    podman rmi -f -i "$image:latest" "$image:scan-loop" "$image:$version" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
cat > "$work/containers.conf" <<'CONF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF="$work/containers.conf"
fail() {
    echo "test-image: $*" >&2
    exit 1
}

ENGINE=podman IMAGE=$image deploy/build-image.sh

# --version, in the image as built.
want=$(target/x86_64-unknown-linux-musl/release/certstreammonitor --version)
got=$(podman run --rm --network none "$image:latest" --version)
[ "$got" = "$want" ] || fail "--version in the image: '$got', want '$want'"
# Nothing runs as root in it.
user=$(podman image inspect --format '{{.Config.User}}' "$image:latest")
[ "$user" = "10001:10001" ] || fail "image user '$user'"

# The README's replay job, with the deploy conf, into a named volume as compose uses.
podman volume create "$vol" >/dev/null
podman run --rm --network none \
    -v "$vol:/data" \
    -v "$PWD/deploy/certstreammonitor.conf:/config/certstreammonitor.conf:ro" \
    -v "$PWD/samples:/samples:ro" \
    "$image:latest" monitor -c /config/certstreammonitor.conf \
    --replay /samples/certstream-sample.jsonl > "$work/replay.txt"
grep -q '^\[' "$work/replay.txt" || fail "the replay printed no match"
mnt=$(podman volume inspect --format '{{.Mountpoint}}' "$vol")
db="$mnt/certstreammonitor.sqlite"
[ -s "$db" ] || fail "no DB in the volume ($db)"
[ -s "$mnt/certstreammonitor.log" ] || fail "no log in the volume"
owner=$(stat -c %u:%g "$db")
[ "$owner" = "10001:10001" ] || fail "DB owned by $owner"
echo "replay in the image: $(grep -c '^\[' "$work/replay.txt") matches, DB $(stat -c %s "$db") bytes in volume $vol"

# The scan loop: one pass over the stored hosts (no network: every probe fails at once,
# nothing is marked), then SIGTERM during the pause ends it with status 0.
podman run -d --name "$vol-scan" --network none -e SCAN_INTERVAL=3600 \
    -v "$vol:/data" \
    -v "$PWD/deploy/certstreammonitor.conf:/config/certstreammonitor.conf:ro" \
    "$image:scan-loop" >/dev/null
i=0
until podman logs "$vol-scan" 2>&1 | grep -q 'Scan finished'; do
    i=$((i + 1))
    [ "$i" -le 120 ] || { podman logs "$vol-scan" >&2; fail "no scan summary within 120 s"; }
    sleep 1
done
podman stop -t 30 "$vol-scan" >/dev/null
code=$(podman inspect --format '{{.State.ExitCode}}' "$vol-scan")
[ "$code" = 0 ] || { podman logs "$vol-scan" >&2; fail "scan loop exit status $code after SIGTERM"; }
echo "scan loop in the image: $(podman logs "$vol-scan" 2>&1 | grep 'Scan finished')"
echo "image test OK"
