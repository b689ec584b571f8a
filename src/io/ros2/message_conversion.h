// ROS 2 messages <-> fovea's frame path: sensor_msgs/Image and CompressedImage in as frames,
// results out as vision_msgs/Detection2DArray, Classification, LabelInfo and mask images. This is
// what the pipeline's ROS source and sinks call; nothing below the io layer knows ROS exists.
//
// Incoming messages are untrusted: every size is checked before use and a bad message is an
// error naming the field ("image.step", "image.data", ...), counted by the optional
// MessageDropCounter (with a rate-limited log). Results keep the input's header (stamp and
// frame_id) and are in original-image pixels.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "io/ros2/message_drops.h"
#include "io/ros2/messages.h"
#include "pipeline/frame_source.h"
#include "pipeline/vision_model.h"
#include "vision/image_format.h"

namespace fovea::io::ros2 {

// (time_from_ns / time_to_ns: messages.h)
msg::Header header_from_frame(const pipeline::FrameHeader& header);
pipeline::FrameHeader frame_header_from(const msg::Header& header);

// The pixels of an Image message as a view (valid while `image` lives), after checking: the
// encoding is one vision::parse_encoding knows; width and height in [1, kMaxImageSide];
// is_bigendian is 0 for mono16 (fovea reads 16-bit pixels little-endian); step >= one row's bytes;
// data holds step * rows bytes (rows = height, 1.5 * height for nv12).
Result<vision::ImageView> image_view_of(const msg::Image& image);

// A frame over an Image message's pixels; SourceFrame::pixels keeps the message alive.
// `source` names the frame (e.g. the topic) in later errors. Errors are counted in `drops`.
Result<pipeline::SourceFrame> image_to_frame(std::shared_ptr<const msg::Image> image, const std::string& source,
                                             MessageDropCounter* drops = nullptr);

// A CompressedImage (JPEG or PNG; format "jpeg", "png" or "<enc>; <codec> compressed <enc>")
// decoded with stb to rgb8. "compressedDepth" images are refused (not camera frames).
Result<pipeline::SourceFrame> compressed_image_to_frame(const msg::CompressedImage& image, const std::string& source,
                                                        MessageDropCounter* drops = nullptr);

// An Image message holding a copy of `view`'s pixels with tight rows (step = row bytes).
Result<msg::Image> image_from_view(const vision::ImageView& view, const msg::Header& header);

// An Image message in `encoding` (any the encoder reads) made from 8-bit RGB pixels (tight rows,
// width * 3 bytes each): what a camera publishes. YUV encodings use BT.601 limited range (the
// inverse of vision::yuv_to_rgb), one chroma sample per 2 (4:2:2) or 2x2 (4:2:0) pixels taken from
// the first; 4:2:2 needs an even width, nv12 an even width and height.
Result<msg::Image> image_from_rgb(const uint8_t* rgb, int width, int height, vision::PixelEncoding encoding,
                                  const msg::Header& header);

// How a class id goes into ObjectHypothesis.class_id: the decimal id ("0", what Isaac ROS
// publishes; LabelInfo maps it to a name) or the label ("person"; the decimal id when the labels
// do not cover it).
enum class ClassIdFormat { kIndex, kLabel };
Result<ClassIdFormat> parse_class_id_format(std::string_view name);  // "index" / "label"
std::string class_id_string(int class_id, const std::vector<std::string>& labels, ClassIdFormat format);

// One Detection2D per detection: bbox center and size in original pixels, one hypothesis (class
// id, score), the frame's header on the array and on each detection; keypoints are not carried
// (vision_msgs has no field for them).
msg::Detection2DArray detections_to_message(const pipeline::FrameResult& result,
                                            const std::vector<std::string>& labels, ClassIdFormat format);
// The top-k classes, best first.
msg::Classification classification_to_message(const pipeline::FrameResult& result,
                                               const std::vector<std::string>& labels, ClassIdFormat format);
// The segmentation mask ([H, W] uint8 class ids) as a mono8 Image, or coloured by the VOC palette
// as rgb8 (vision::palette_color). Errors when the result has no such mask.
Result<msg::Image> mask_to_image(const pipeline::FrameResult& result);
Result<msg::Image> mask_to_color_image(const pipeline::FrameResult& result);
// The label map: class ids 0..N-1 with their names; `threshold` is the detector's confidence
// threshold. Ids beyond 65535 do not fit VisionClass and are an error.
Result<msg::LabelInfo> label_info_message(const std::vector<std::string>& labels, float threshold,
                                          const msg::Header& header);

}  // namespace fovea::io::ros2
