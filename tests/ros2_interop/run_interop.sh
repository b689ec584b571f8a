#!/bin/bash
# Runs the Fast DDS peer against fovea's peer on loopback and passes when both do.
# Usage: run_interop.sh FASTDDS_PEER FOVEA_PEER
# As root (and where unshare works) the two run in a private network namespace with only `lo`, so
# no traffic leaves the machine and parallel runs cannot meet; otherwise both still talk only
# over 127.0.0.1 (unicast discovery, see the two XML files), on a domain of their own.
# FOVEA_INTEROP_NETNS=host skips the namespace.
set -u
fastdds_peer=$1
fovea_peer=$2
here=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" = 0 ] && [ -z "${FOVEA_INTEROP_NETNS:-}" ] && unshare -n true 2>/dev/null; then
  exec unshare -n env FOVEA_INTEROP_NETNS=1 bash "$0" "$@"
fi
if [ "${FOVEA_INTEROP_NETNS:-}" = 1 ]; then
  ip link set lo up || exit 1
fi

domain=${FOVEA_INTEROP_DOMAIN:-$((100 + $$ % 100))}
export CYCLONEDDS_URI="file://$here/cyclonedds_loopback.xml"
unset FASTRTPS_DEFAULT_PROFILES_FILE ROS_DOMAIN_ID

# 10 good images + 1 PNG answered, 1 malformed image dropped.
"$fovea_peer" "$domain" 11 1 &
fovea_pid=$!
"$fastdds_peer" "$domain" "$here/fastdds_loopback.xml"
fastdds_rc=$?
wait "$fovea_pid"
fovea_rc=$?
where="host network namespace"
[ "${FOVEA_INTEROP_NETNS:-}" = 1 ] && where="private network namespace"
echo "interop: fastdds_peer exit $fastdds_rc, fovea_peer exit $fovea_rc (domain $domain, $where)"
[ "$fastdds_rc" = 0 ] && [ "$fovea_rc" = 0 ]
