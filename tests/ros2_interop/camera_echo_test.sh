#!/bin/bash
# `fovea camera` -> `fovea echo` on loopback: frames arrive with their geometry, encoding and
# frame_id; echo finds the type by itself; an empty topic is a clear error. Usage:
# camera_echo_test.sh FOVEA
set -u
fovea=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CYCLONEDDS_URI="file://$here/cyclonedds_loopback.xml"
domain=$((20 + $$ % 80))
fail() { echo "camera_echo_test: FAILED: $*"; cat "$work"/*.err 2>/dev/null; exit 1; }

# bgr8 at 640x480, type given; then nv12 at 64x48 with the type found by discovery.
"$fovea" echo /cam_test/image --type image --count 20 --timeout 30 --domain "$domain" >"$work/echo1.out" 2>"$work/echo1.err" &
echo_pid=$!
"$fovea" camera --topic /cam_test/image --fps 100 --count 200 --frame-id test_cam --domain "$domain" \
  --wait-subscribers 1 2>"$work/camera1.err" || fail "camera (bgr8)"
wait "$echo_pid" || fail "echo (bgr8)"
[ "$(grep -c "^image 640x480 bgr8 step 1920, 921600 bytes, frame_id 'test_cam'" "$work/echo1.out")" = 20 ] ||
  fail "echo printed $(wc -l <"$work/echo1.out") lines, not 20 bgr8 summaries"
grep -q "echo: 20 messages; latency stamp -> receive: median" "$work/echo1.err" || fail "no latency summary"

"$fovea" camera --topic /cam_test/nv12 --fps 100 --count 1000 --synthetic 64x48 --encoding nv12 \
  --domain "$domain" 2>"$work/camera2.err" &
camera_pid=$!
"$fovea" echo /cam_test/nv12 --count 5 --timeout 30 --domain "$domain" >"$work/echo2.out" 2>"$work/echo2.err" ||
  fail "echo (nv12, type from discovery)"
kill "$camera_pid" 2>/dev/null
wait "$camera_pid" 2>/dev/null
grep -q "sensor_msgs/msg/Image" "$work/echo2.err" || fail "echo did not discover the type"
[ "$(grep -c "^image 64x48 nv12 step 64, 4608 bytes" "$work/echo2.out")" = 5 ] || fail "nv12 summaries"

# Nobody publishes: an error naming the topic, exit 1.
if "$fovea" echo /cam_test/nobody --timeout 1 --domain "$domain" >/dev/null 2>"$work/echo3.err"; then
  fail "echo of an empty topic succeeded"
fi
grep -q "no publisher on /cam_test/nobody" "$work/echo3.err" || fail "unclear error: $(cat "$work/echo3.err")"
echo "camera_echo_test: passed"
