#!/bin/bash
# Fast DDS <-> the real `fovea node` (issue 6, item 7): an independent Fast DDS program
# (fastdds_node_peer.cpp) publishes the 5 sample scenes of models/demo/samples/ as bgr8
# sensor_msgs/Image with their CameraInfo; `fovea node` (the demo detector on the CPU) subscribes,
# detects, and publishes Detection2DArray, LabelInfo and, from its annotated-image sink, the paired
# CameraInfo; the Fast DDS program checks every field of every reply and prints the latency.
# Real DDS between separate processes both ways, on loopback only, on a domain of its own; as root
# (where unshare works) inside a private network namespace with only `lo`, like run_interop.sh.
# Usage: fastdds_node_test.sh FOVEA FASTDDS_NODE_PEER REPO_ROOT
set -u
fovea=$1
peer=$2
root=$3
here=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" = 0 ] && [ -z "${FOVEA_INTEROP_NETNS:-}" ] && unshare -n true 2>/dev/null; then
  exec unshare -n env FOVEA_INTEROP_NETNS=1 bash "$0" "$@"
fi
if [ "${FOVEA_INTEROP_NETNS:-}" = 1 ]; then
  ip link set lo up || exit 1
fi

work=$(mktemp -d)
node_pid=""
trap '[ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null; rm -rf "$work"' EXIT
export CYCLONEDDS_URI="file://$here/cyclonedds_loopback.xml"
unset FASTRTPS_DEFAULT_PROFILES_FILE ROS_DOMAIN_ID
domain=${FOVEA_INTEROP_DOMAIN:-$((200 + $$ % 30))}
threshold=0.25
fail() { echo "fastdds_node_test: FAILED: $*"; for f in "$work"/*.err "$work"/*.out; do echo "== $f"; cat "$f"; done; exit 1; }

# Reliable and transient-local both ways (the Fast DDS side too): whichever side finishes
# discovery first, no image and no result is lost, so the test can demand every one.
cat >"$work/node.yaml" <<YAML
sources:
  - name: camera
    type: ros2_image
    topic: /fdnode/image_raw
    camera_info_topic: auto
    camera_info_wait_ms: 1000   # pairing by stamp under CI load, not the wait, is what is checked
    qos: {reliability: reliable, durability: transient_local, depth: 8}
    queue: {depth: 8, policy: block}
models:
  - name: detector
    model_file_path: $root/models/demo/detector.onnx
    labels: $root/models/demo/labels.txt
    device: cpu
    network_image_width: 640
    network_image_height: 640
    image_mean: [0.0, 0.0, 0.0]
    image_stddev: [1.0, 1.0, 1.0]
    enable_padding: true
    confidence_threshold: $threshold
    max_batch_size: 1
sinks:
  - {name: detections, type: ros2_detections, topic: /fdnode/detections,
     qos: {reliability: reliable, durability: transient_local, depth: 8}}
  - {name: annotated, type: ros2_annotated_image, topic: /fdnode/annotated/image_raw}
console_interval_s: 0
YAML

start=$(date +%s%N)
"$fovea" node "$work/node.yaml" --duration 55 --domain "$domain" --node-name fastdds_node_e2e \
  >"$work/node.out" 2>"$work/node.err" &
node_pid=$!
for _ in $(seq 150); do grep -q "node running" "$work/node.err" && break; sleep 0.2; done
grep -q "node running" "$work/node.err" || fail "node did not start within 30 s"
"$peer" "$domain" "$here/fastdds_loopback.xml" "$root/models/demo/samples" "$root/models/demo/labels.txt" "$threshold" \
  2>"$work/peer.err"
peer_rc=$?
kill -INT "$node_pid"
wait "$node_pid"
node_rc=$?
node_pid=""
cat "$work/peer.err"
[ "$peer_rc" = 0 ] || fail "the Fast DDS program's checks (exit $peer_rc)"
[ "$node_rc" = 0 ] || fail "node exited with $node_rc"
grep -q "source camera: 5 frames, 0 dropped" "$work/node.out" || fail "node summary"
grep -q "frames paired by stamp 5, with the latest 0, without 0" "$work/node.out" || fail "CameraInfo pairing"
where="host network namespace"
[ "${FOVEA_INTEROP_NETNS:-}" = 1 ] && where="private network namespace"
echo "fastdds_node_test: passed in $(( ($(date +%s%N) - start) / 1000000 )) ms (domain $domain, $where)"
