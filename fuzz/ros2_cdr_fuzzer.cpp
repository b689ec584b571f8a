// libFuzzer target: untrusted ROS 2 message bytes (CDR with the encapsulation header) through the
// decoders the transport and bag replay use, for every message type fovea receives, then the
// image converters on whatever decodes. The first byte picks the type. Nothing may crash, leak
// or read out of bounds; errors are fine.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "io/ros2/cdr_codec.h"
#include "io/ros2/message_conversion.h"

namespace ros2 = fovea::io::ros2;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t selector = data[0];
  const std::span<const uint8_t> bytes(data + 1, size - 1);
  switch (selector % 6) {
    case 0: {
      auto image = ros2::deserialize<ros2::msg::Image>(bytes);
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
      auto image = ros2::deserialize<ros2::msg::CompressedImage>(bytes);
      if (image.is_ok() && image->data.size() < (1u << 20)) (void)ros2::compressed_image_to_frame(*image, "fuzz");
      break;
    }
    case 2: (void)ros2::deserialize<ros2::msg::CameraInfo>(bytes); break;
    case 3: (void)ros2::deserialize<ros2::msg::Detection2DArray>(bytes); break;
    case 4: (void)ros2::deserialize<ros2::msg::LabelInfo>(bytes); break;
    case 5: {
      ros2::msg::ParticipantEntitiesInfo info;
      (void)ros2::deserialize_message(
          ros2::participant_entities_info_type(selector & 0x80 ? ros2::Distro::kHumble : ros2::Distro::kJazzy), bytes,
          &info);
      break;
    }
  }
  return 0;
}
