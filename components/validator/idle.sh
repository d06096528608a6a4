#!/bin/sh
# The height-gate container's process: it only has to stay up (its readiness probe is the gate)
# and stop at once on TERM.
trap 'exit 0' TERM
while true; do sleep 3600 & wait $!; done
