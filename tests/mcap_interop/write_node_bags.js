// Writes camera bags with an independent MCAP writer (@mcap/core's McapWriter) and an independent
// ROS 2 CDR encoder (@foxglove/rosmsg2-serialization), for fovea to replay and check
// (mcap_interop_peer `check`): zstd chunks (@foxglove/wasm-zstd), lz4 chunks (lz4js, LZ4 frame
// format), uncompressed chunks, and no chunks at all.
//   node write_node_bags.js OUTDIR
"use strict";
const fs = require("fs");
const pathLib = require("path");
const { McapWriter, TempBuffer } = require("@mcap/core");
const { parse } = require("@foxglove/rosmsg");
const { MessageWriter } = require("@foxglove/rosmsg2-serialization");
const zstd = require("@foxglove/wasm-zstd");
const lz4js = require("lz4js");

// A rosbag2-style complete definition, comments included (as rosbag2 copies the .msg files).
const IMAGE_DEFINITION = `# This message contains an uncompressed image
std_msgs/Header header # Header timestamp should be acquisition time of image
uint32 height                # image height, that is, number of rows
uint32 width                 # image width, that is, number of columns
string encoding       # Encoding of pixels
uint8 is_bigendian    # is this data bigendian?
uint32 step           # Full row length in bytes
uint8[] data          # actual matrix data, size is (step * rows)

================================================================================
MSG: std_msgs/Header
# Standard metadata for higher-level stamped data types.
builtin_interfaces/Time stamp
string frame_id

================================================================================
MSG: builtin_interfaces/Time
int32 sec
uint32 nanosec
`;

const IMAGES = 6; // mcap_interop_peer checks these (keep the two in step)

// Image i: rgb8 / bgr8 / mono8 in turn, width 6 + i, height 4, odd images with 3 bytes of row padding.
function image(i) {
  const encoding = ["rgb8", "bgr8", "mono8"][i % 3];
  const channels = encoding === "mono8" ? 1 : 3;
  const width = 6 + i;
  const height = 4;
  const step = width * channels + (i % 2) * 3;
  const data = new Uint8Array(step * height);
  for (let k = 0; k < data.length; k++) data[k] = (k * 5 + i * 17) & 0xff;
  return {
    header: { stamp: { sec: 1000 + i, nanosec: 500 * i }, frame_id: "node_cam" },
    height,
    width,
    encoding,
    is_bigendian: 0,
    step,
    data,
  };
}

async function writeBag(file, options) {
  const buffer = new TempBuffer();
  const writer = new McapWriter({ writable: buffer, chunkSize: 300, ...options });
  await writer.start({ profile: "ros2", library: "@mcap/core (fovea interop test)" });
  const schemaId = await writer.registerSchema({
    name: "sensor_msgs/msg/Image",
    encoding: "ros2msg",
    data: new TextEncoder().encode(IMAGE_DEFINITION),
  });
  const channelId = await writer.registerChannel({
    topic: "/camera/image_raw",
    schemaId,
    messageEncoding: "cdr",
    metadata: new Map([["offered_qos_profiles", ""]]),
  });
  const cdr = new MessageWriter(parse(IMAGE_DEFINITION, { ros2: true }));
  for (let i = 0; i < IMAGES; i++) {
    const t = 1000000000n + BigInt(i) * 10000000n;
    await writer.addMessage({ channelId, sequence: i, logTime: t, publishTime: t, data: cdr.writeMessage(image(i)) });
  }
  await writer.end();
  fs.writeFileSync(file, buffer.get());
}

async function main() {
  const out = process.argv[2];
  fs.mkdirSync(out, { recursive: true });
  await zstd.isLoaded;
  await writeBag(pathLib.join(out, "node_zstd.mcap"), {
    compressChunk: (data) => ({ compression: "zstd", compressedData: zstd.compress(data, 3) }),
  });
  await writeBag(pathLib.join(out, "node_lz4.mcap"), {
    compressChunk: (data) => ({ compression: "lz4", compressedData: lz4js.compress(data) }),
  });
  await writeBag(pathLib.join(out, "node_none.mcap"), {});
  await writeBag(pathLib.join(out, "node_unchunked.mcap"), { useChunks: false });
  console.log(`write_node_bags: 4 bags of ${IMAGES} images in ${out}`);
}

main().catch((e) => {
  console.error(`write_node_bags: ${e.stack || e}`);
  process.exit(1);
});
