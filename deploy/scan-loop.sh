#!/bin/sh
# Run `certstreammonitor scan` again and again, SCAN_INTERVAL seconds (default 600) after
# the end of the previous run: one loop in one process, so two scans never overlap
# however long a run takes (a slow Tor circuit, thousands of hosts). The scan-loop image
# runs it under busybox sh; any POSIX sh works.
#
# SIGTERM/SIGINT (podman stop, docker compose down) are passed on to the running scan,
# which records what it finished and exits 0 (README "scan", SIGINT/SIGTERM); then the
# loop ends with the scan's status (0 when stopped during a pause). A shell waiting for a foreground command would not
# run its trap before the command ends, and as PID 1 of a container it gets no default
# signal handling, hence the background job and `wait`.
#
# Extra arguments are passed to every scan (e.g. -f).
set -u
interval=${SCAN_INTERVAL:-600}
conf=${CSM_CONF:-/config/certstreammonitor.conf}
case $interval in
'' | *[!0-9]*)
    echo "scan-loop: SCAN_INTERVAL must be a number of seconds, not '$interval'" >&2
    exit 2
    ;;
esac

job=
scanning=no
stop() {
    status=0
    if [ -n "$job" ]; then
        kill -TERM "$job" 2>/dev/null
        wait "$job"
        ended=$?
        # A scan passes on its status; a pause cut short is no failure.
        [ "$scanning" = no ] || status=$ended
    fi
    exit "$status"
}
trap stop TERM INT

while :; do
    certstreammonitor scan -c "$conf" "$@" &
    job=$!
    scanning=yes
    wait "$job"
    status=$?
    scanning=no
    job=
    # A failed run (1: unreadable DB, network trouble; 2: configuration error) is
    # reported and tried again after the pause: a fixed conf is picked up then.
    [ "$status" -eq 0 ] || echo "scan-loop: scan exited $status" >&2
    sleep "$interval" &
    job=$!
    wait "$job"
    job=
done
