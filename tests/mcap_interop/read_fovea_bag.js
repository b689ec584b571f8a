// Reads a bag that fovea wrote (tests/mcap_interop/mcap_interop_peer.cpp, `write`) with an
// independent MCAP implementation (@mcap/core: indexed reader and stream reader, chunk and summary
// CRCs checked) and decodes every message with an independent ROS 2 CDR decoder
// (@foxglove/rosmsg2-serialization) built from the schema text fovea stored, then checks the
// schemas, channels, counts and decoded fields against what the peer generated.
//   node read_fovea_bag.js BAG
"use strict";
const fs = require("fs");
const { McapIndexedReader, McapStreamReader } = require("@mcap/core");
const { parse } = require("@foxglove/rosmsg");
const { MessageReader } = require("@foxglove/rosmsg2-serialization");
const { crc32 } = require("@foxglove/crc");
const zstd = require("@foxglove/wasm-zstd");
const lz4 = require("@foxglove/wasm-lz4");

const IMAGES = 5; // what mcap_interop_peer writes (keep the two in step)

let failures = 0;
function check(ok, what) {
  if (!ok) {
    failures++;
    console.error(`FAIL: ${what}`);
  }
}
function eq(got, want, what) {
  check(got === want, `${what}: got ${String(got)}, want ${String(want)}`);
}

async function main() {
  const path = process.argv[2];
  await zstd.isLoaded;
  await lz4.isLoaded;
  const decompressHandlers = {
    zstd: (buffer, size) => zstd.decompress(buffer, Number(size)),
    lz4: (buffer, size) => lz4(buffer, Number(size)),
  };
  const bytes = new Uint8Array(fs.readFileSync(path));
  const readable = {
    size: async () => BigInt(bytes.length),
    read: async (offset, size) => bytes.subarray(Number(offset), Number(offset + size)),
  };
  const reader = await McapIndexedReader.Initialize({ readable, decompressHandlers });
  eq(reader.header.profile, "ros2", "header.profile");
  check(reader.header.library.startsWith("fovea "), `header.library '${reader.header.library}'`);
  // The data section CRC (which @mcap/core reads but does not check).
  check(reader.dataSectionCrc !== undefined, "DataEnd carries a data section CRC");
  eq(crc32(bytes.subarray(0, Number(reader.dataEndOffset))), reader.dataSectionCrc, "data section CRC");

  const byTopic = new Map();
  for (const channel of reader.channelsById.values()) byTopic.set(channel.topic, channel);
  const expected = {
    "/camera/image_raw": ["sensor_msgs/msg/Image", IMAGES],
    "/detections": ["vision_msgs/msg/Detection2DArray", IMAGES],
    "/camera/compressed": ["sensor_msgs/msg/CompressedImage", 1],
  };
  eq(byTopic.size, Object.keys(expected).length, "channel count");
  const decoders = new Map();
  for (const [topic, [type, count]] of Object.entries(expected)) {
    const channel = byTopic.get(topic);
    check(channel !== undefined, `channel ${topic}`);
    if (!channel) continue;
    eq(channel.messageEncoding, "cdr", `${topic} message encoding`);
    const schema = reader.schemasById.get(channel.schemaId);
    check(schema !== undefined, `${topic} schema`);
    if (!schema) continue;
    eq(schema.name, type, `${topic} schema name`);
    eq(schema.encoding, "ros2msg", `${topic} schema encoding`);
    const text = new TextDecoder().decode(schema.data);
    check(text.includes("\n" + "=".repeat(80) + "\nMSG: std_msgs/Header\n"), `${topic} schema lists std_msgs/Header as rosbag2 does`);
    decoders.set(channel.id, { topic, reader: new MessageReader(parse(text, { ros2: true })) });
    eq(reader.statistics.channelMessageCounts.get(channel.id), BigInt(count), `${topic} message count (statistics)`);
    if (topic !== "/camera/compressed")
      check(/^RIHS01_[0-9a-f]{64}$/.test(channel.metadata.get("topic_type_hash") || ""), `${topic} topic_type_hash`);
  }
  eq(reader.statistics.messageCount, BigInt(2 * IMAGES + 1), "statistics message count");

  const seen = { "/camera/image_raw": 0, "/detections": 0, "/camera/compressed": 0 };
  let lastLogTime = -1n;
  for await (const message of reader.readMessages()) {
    check(message.logTime >= lastLogTime, "messages in log-time order");
    lastLogTime = message.logTime;
    const decoder = decoders.get(message.channelId);
    if (!decoder) continue;
    const m = decoder.reader.readMessage(message.data);
    check(!decoder.reader.lastReadHadTrailingBytes(), `${decoder.topic}: no trailing bytes after the message`);
    const i = seen[decoder.topic]++;
    if (decoder.topic === "/camera/image_raw") {
      eq(m.header.frame_id, "camera", "image frame_id");
      eq(m.header.stamp.sec, 1700000000 + i, "image stamp.sec");
      eq(m.header.stamp.nanosec, 1000 * i, "image stamp.nanosec");
      eq(m.encoding, "rgb8", "image encoding");
      eq(m.width, 8, "image width");
      eq(m.height, 6, "image height");
      eq(m.step, 24, "image step");
      eq(m.is_bigendian, 0, "image is_bigendian");
      eq(m.data.length, 24 * 6, "image data length");
      let bad = 0;
      for (let k = 0; k < m.data.length; k++) if (m.data[k] !== ((k * 7 + i * 13) & 0xff)) bad++;
      eq(bad, 0, `image ${i} pixels that differ`);
    } else if (decoder.topic === "/detections") {
      eq(m.header.frame_id, "camera", "detections frame_id");
      eq(m.header.stamp.sec, 1700000000 + i, "detections stamp.sec");
      eq(m.detections.length, i, `detections in message ${i}`);
      m.detections.forEach((d, j) => {
        eq(d.header.frame_id, "camera", "detection header copied");
        eq(d.results.length, 1, "one hypothesis");
        eq(d.results[0].hypothesis.class_id, String(j), "class_id");
        eq(d.results[0].hypothesis.score, 0.25 * (j + 1), "score");
        eq(d.results[0].pose.pose.orientation.w, 1, "pose orientation w");
        eq(d.bbox.center.position.x, 10 * j + 5, "bbox center x");
        eq(d.bbox.center.position.y, 20 * j + 10, "bbox center y");
        eq(d.bbox.center.theta, 0, "bbox theta");
        eq(d.bbox.size_x, 10, "bbox size_x");
        eq(d.bbox.size_y, 20, "bbox size_y");
        eq(d.id, "", "detection id");
      });
    } else {
      eq(m.format, "png", "compressed format");
      eq(Array.from(m.data.subarray(0, 8)).join(","), "137,80,78,71,13,10,26,10", "PNG signature");
    }
  }
  for (const [topic, [, count]] of Object.entries(expected)) eq(seen[topic], count, `${topic} messages read`);

  // The stream reader walks every record linearly (framing, chunk CRCs, the summary, the footer).
  const stream = new McapStreamReader({ decompressHandlers });
  stream.append(bytes);
  const kinds = {};
  for (let record; (record = stream.nextRecord()); ) kinds[record.type] = (kinds[record.type] || 0) + 1;
  check(stream.done(), "stream reader reached the closing magic");
  eq(kinds.Message, 2 * IMAGES + 1, "messages (stream reader)");
  eq(kinds.Footer, 1, "footer (stream reader)");
  check((kinds.ChunkIndex || 0) >= 1, "chunk indexes in the summary");
  check((kinds.MessageIndex || 0) >= 1, "message indexes after chunks");

  if (failures) {
    console.error(`read_fovea_bag: ${path}: ${failures} check(s) failed`);
    process.exit(1);
  }
  console.log(`read_fovea_bag: ${path}: ok (${2 * IMAGES + 1} messages, compression '${reader.chunkIndexes[0].compression}')`);
}

main().catch((e) => {
  console.error(`read_fovea_bag: ${e.stack || e}`);
  process.exit(1);
});
