// libFuzzer target: untrusted ROS 2 message bytes (CDR with the encapsulation header) through
// fovea's CDR codec (io/ros2/cdr/cdr_codec.h: what bag replay uses) for every message type fovea
// receives, then the image converters on whatever decodes. Differential: Cyclone DDS's own
// validation and reader (what a subscription uses) must accept exactly the same bytes and decode
// them to the same message. The first byte picks the type. Nothing may crash, leak or read out of
// bounds; a disagreement with Cyclone aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>

#include "../tests/unit/ros2_cyclone_cdr_reference.h"
#include "io/ros2/cdr/cdr_codec.h"
#include "io/ros2/message_conversion.h"

namespace ros2 = fovea::io::ros2;

namespace {

// Decodes with both; aborts when they disagree. Returns fovea's result.
template <typename Msg>
fovea::Result<Msg> decode_both(std::span<const uint8_t> bytes, const ros2::MessageType& type) {
  fovea::Result<Msg> mine = ros2::deserialize<Msg>(bytes);
  Msg theirs;
  const bool cyclone_ok = ros2::cyclone_reference::deserialize(type, bytes, &theirs);
  if (mine.is_ok() != cyclone_ok) {
    std::fprintf(stderr, "ros2_cdr_fuzzer: %s: fovea %s, Cyclone %s\n", std::string(type.ros_name).c_str(),
                 mine.is_ok() ? "accepts" : mine.status().message().c_str(), cyclone_ok ? "accepts" : "refuses");
    std::abort();
  }
  if (mine.is_ok() && *ros2::serialize(*mine) != *ros2::serialize(theirs)) {
    std::fprintf(stderr, "ros2_cdr_fuzzer: %s decodes differently\n", std::string(type.ros_name).c_str());
    std::abort();
  }
  return mine;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t selector = data[0];
  const std::span<const uint8_t> bytes(data + 1, size - 1);
  switch (selector % 6) {
    case 0: {
      auto image = decode_both<ros2::msg::Image>(bytes, ros2::message_type<ros2::msg::Image>());
      if (image.is_ok()) {
        auto frame = ros2::image_to_frame(std::make_shared<ros2::msg::Image>(std::move(image).value()), "fuzz");
        // A valid frame's pixels are readable to their last byte.
        if (frame.is_ok() && frame->frame.image.size_bytes > 0) {
          volatile uint8_t last = frame->frame.image.data[frame->frame.image.size_bytes - 1];
          (void)last;
        }
      }
      break;
    }
    case 1: {
      auto image = decode_both<ros2::msg::CompressedImage>(bytes, ros2::message_type<ros2::msg::CompressedImage>());
      if (image.is_ok() && image->data.size() < (1u << 20)) (void)ros2::compressed_image_to_frame(*image, "fuzz");
      break;
    }
    case 2: (void)decode_both<ros2::msg::CameraInfo>(bytes, ros2::message_type<ros2::msg::CameraInfo>()); break;
    case 3:
      (void)decode_both<ros2::msg::Detection2DArray>(bytes, ros2::message_type<ros2::msg::Detection2DArray>());
      break;
    case 4: (void)decode_both<ros2::msg::LabelInfo>(bytes, ros2::message_type<ros2::msg::LabelInfo>()); break;
    case 5: {
      const ros2::Distro distro = selector & 0x80 ? ros2::Distro::kHumble : ros2::Distro::kJazzy;
      auto mine = ros2::deserialize_participant_entities_info(bytes, ros2::gid_wire_size(distro));
      ros2::msg::ParticipantEntitiesInfo theirs;
      if (mine.is_ok() != ros2::cyclone_reference::deserialize(ros2::participant_entities_info_type(distro), bytes, &theirs))
        std::abort();
      break;
    }
  }
  return 0;
}
