#include "io/ros2/message_type_support.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "io/ros2/idl/builtin_interfaces.h"
#include "io/ros2/idl/geometry_msgs.h"
#include "io/ros2/idl/rmw_dds_common.h"
#include "io/ros2/idl/rmw_dds_common_humble.h"
#include "io/ros2/idl/sensor_msgs.h"
#include "io/ros2/idl/std_msgs.h"
#include "io/ros2/idl/vision_msgs.h"

namespace fovea::io::ros2 {
namespace {

// Keeps the arrays a C view points to (sequences of nested structs) alive while it is written.
class ViewArena {
 public:
  template <typename T>
  T* alloc(size_t n) {
    if (n == 0) return nullptr;
    auto block = std::shared_ptr<T[]>(new T[n]());
    T* p = block.get();
    blocks_.push_back(std::move(block));
    return p;
  }

 private:
  std::vector<std::shared_ptr<void>> blocks_;
};

// Every fill/read overload, declared up front so the sequence templates below find them all.
#define FOVEA_ROS2_CONVERSIONS(C, M)         \
  void fill(C& c, const M& m, ViewArena& a); \
  void read(const C& c, M& m);
FOVEA_ROS2_CONVERSIONS(vision_msgs_msg_dds__ObjectHypothesis_, msg::ObjectHypothesis)
FOVEA_ROS2_CONVERSIONS(vision_msgs_msg_dds__ObjectHypothesisWithPose_, msg::ObjectHypothesisWithPose)
FOVEA_ROS2_CONVERSIONS(vision_msgs_msg_dds__Detection2D_, msg::Detection2D)
FOVEA_ROS2_CONVERSIONS(vision_msgs_msg_dds__VisionClass_, msg::VisionClass)
FOVEA_ROS2_CONVERSIONS(rmw_dds_common_msg_dds__Gid_, msg::Gid)
FOVEA_ROS2_CONVERSIONS(rmw_dds_common_humble_msg_dds__Gid_, msg::Gid)
FOVEA_ROS2_CONVERSIONS(rmw_dds_common_msg_dds__NodeEntitiesInfo_, msg::NodeEntitiesInfo)
FOVEA_ROS2_CONVERSIONS(rmw_dds_common_humble_msg_dds__NodeEntitiesInfo_, msg::NodeEntitiesInfo)
#undef FOVEA_ROS2_CONVERSIONS

// DDS never writes through a sample it serializes; the C types just are not const-correct.
char* c_str(const std::string& s) { return const_cast<char*>(s.c_str()); }
std::string from_c_str(const char* s) { return s == nullptr ? std::string() : std::string(s); }

template <typename Seq, typename T>
void view_primitive_seq(Seq& seq, const std::vector<T>& v) {
  seq._maximum = seq._length = static_cast<uint32_t>(v.size());
  seq._buffer = const_cast<T*>(v.data());
  seq._release = false;
}

template <typename Seq, typename T>
void read_primitive_seq(const Seq& seq, std::vector<T>& v) {
  if (seq._buffer == nullptr || seq._length == 0) {
    v.clear();
    return;
  }
  v.assign(seq._buffer, seq._buffer + seq._length);
}

// ---- C++ -> C views (fill) and C -> C++ copies (read), one pair per type ----

void fill(builtin_interfaces_msg_dds__Time_& c, const msg::Time& m, ViewArena&) {
  c.sec = m.sec;
  c.nanosec = m.nanosec;
}
void read(const builtin_interfaces_msg_dds__Time_& c, msg::Time& m) {
  m.sec = c.sec;
  m.nanosec = c.nanosec;
}

void fill(std_msgs_msg_dds__Header_& c, const msg::Header& m, ViewArena& a) {
  fill(c.stamp, m.stamp, a);
  c.frame_id = c_str(m.frame_id);
}
void read(const std_msgs_msg_dds__Header_& c, msg::Header& m) {
  read(c.stamp, m.stamp);
  m.frame_id = from_c_str(c.frame_id);
}

void fill(sensor_msgs_msg_dds__Image_& c, const msg::Image& m, ViewArena& a) {
  fill(c.header, m.header, a);
  c.height = m.height;
  c.width = m.width;
  c.encoding = c_str(m.encoding);
  c.is_bigendian = m.is_bigendian;
  c.step = m.step;
  view_primitive_seq(c.data, m.data);
}
void read(const sensor_msgs_msg_dds__Image_& c, msg::Image& m) {
  read(c.header, m.header);
  m.height = c.height;
  m.width = c.width;
  m.encoding = from_c_str(c.encoding);
  m.is_bigendian = c.is_bigendian;
  m.step = c.step;
  read_primitive_seq(c.data, m.data);
}

void fill(sensor_msgs_msg_dds__CompressedImage_& c, const msg::CompressedImage& m, ViewArena& a) {
  fill(c.header, m.header, a);
  c.format = c_str(m.format);
  view_primitive_seq(c.data, m.data);
}
void read(const sensor_msgs_msg_dds__CompressedImage_& c, msg::CompressedImage& m) {
  read(c.header, m.header);
  m.format = from_c_str(c.format);
  read_primitive_seq(c.data, m.data);
}

void fill(sensor_msgs_msg_dds__RegionOfInterest_& c, const msg::RegionOfInterest& m, ViewArena&) {
  c.x_offset = m.x_offset;
  c.y_offset = m.y_offset;
  c.height = m.height;
  c.width = m.width;
  c.do_rectify = m.do_rectify;
}
void read(const sensor_msgs_msg_dds__RegionOfInterest_& c, msg::RegionOfInterest& m) {
  m.x_offset = c.x_offset;
  m.y_offset = c.y_offset;
  m.height = c.height;
  m.width = c.width;
  m.do_rectify = c.do_rectify;
}

void fill(sensor_msgs_msg_dds__CameraInfo_& c, const msg::CameraInfo& m, ViewArena& a) {
  fill(c.header, m.header, a);
  c.height = m.height;
  c.width = m.width;
  c.distortion_model = c_str(m.distortion_model);
  view_primitive_seq(c.d, m.d);
  std::copy(m.k.begin(), m.k.end(), c.k);
  std::copy(m.r.begin(), m.r.end(), c.r);
  std::copy(m.p.begin(), m.p.end(), c.p);
  c.binning_x = m.binning_x;
  c.binning_y = m.binning_y;
  fill(c.roi, m.roi, a);
}
void read(const sensor_msgs_msg_dds__CameraInfo_& c, msg::CameraInfo& m) {
  read(c.header, m.header);
  m.height = c.height;
  m.width = c.width;
  m.distortion_model = from_c_str(c.distortion_model);
  read_primitive_seq(c.d, m.d);
  std::copy(std::begin(c.k), std::end(c.k), m.k.begin());
  std::copy(std::begin(c.r), std::end(c.r), m.r.begin());
  std::copy(std::begin(c.p), std::end(c.p), m.p.begin());
  m.binning_x = c.binning_x;
  m.binning_y = c.binning_y;
  read(c.roi, m.roi);
}

void fill(geometry_msgs_msg_dds__Point_& c, const msg::Point& m, ViewArena&) {
  c.x = m.x;
  c.y = m.y;
  c.z = m.z;
}
void read(const geometry_msgs_msg_dds__Point_& c, msg::Point& m) {
  m.x = c.x;
  m.y = c.y;
  m.z = c.z;
}

void fill(geometry_msgs_msg_dds__Quaternion_& c, const msg::Quaternion& m, ViewArena&) {
  c.x = m.x;
  c.y = m.y;
  c.z = m.z;
  c.w = m.w;
}
void read(const geometry_msgs_msg_dds__Quaternion_& c, msg::Quaternion& m) {
  m.x = c.x;
  m.y = c.y;
  m.z = c.z;
  m.w = c.w;
}

void fill(geometry_msgs_msg_dds__Pose_& c, const msg::Pose& m, ViewArena& a) {
  fill(c.position, m.position, a);
  fill(c.orientation, m.orientation, a);
}
void read(const geometry_msgs_msg_dds__Pose_& c, msg::Pose& m) {
  read(c.position, m.position);
  read(c.orientation, m.orientation);
}

void fill(geometry_msgs_msg_dds__PoseWithCovariance_& c, const msg::PoseWithCovariance& m, ViewArena& a) {
  fill(c.pose, m.pose, a);
  std::copy(m.covariance.begin(), m.covariance.end(), c.covariance);
}
void read(const geometry_msgs_msg_dds__PoseWithCovariance_& c, msg::PoseWithCovariance& m) {
  read(c.pose, m.pose);
  std::copy(std::begin(c.covariance), std::end(c.covariance), m.covariance.begin());
}

void fill(vision_msgs_msg_dds__Point2D_& c, const msg::Point2D& m, ViewArena&) {
  c.x = m.x;
  c.y = m.y;
}
void read(const vision_msgs_msg_dds__Point2D_& c, msg::Point2D& m) {
  m.x = c.x;
  m.y = c.y;
}

void fill(vision_msgs_msg_dds__Pose2D_& c, const msg::Pose2D& m, ViewArena& a) {
  fill(c.position, m.position, a);
  c.theta = m.theta;
}
void read(const vision_msgs_msg_dds__Pose2D_& c, msg::Pose2D& m) {
  read(c.position, m.position);
  m.theta = c.theta;
}

void fill(vision_msgs_msg_dds__BoundingBox2D_& c, const msg::BoundingBox2D& m, ViewArena& a) {
  fill(c.center, m.center, a);
  c.size_x = m.size_x;
  c.size_y = m.size_y;
}
void read(const vision_msgs_msg_dds__BoundingBox2D_& c, msg::BoundingBox2D& m) {
  read(c.center, m.center);
  m.size_x = c.size_x;
  m.size_y = c.size_y;
}

void fill(vision_msgs_msg_dds__ObjectHypothesis_& c, const msg::ObjectHypothesis& m, ViewArena&) {
  c.class_id = c_str(m.class_id);
  c.score = m.score;
}
void read(const vision_msgs_msg_dds__ObjectHypothesis_& c, msg::ObjectHypothesis& m) {
  m.class_id = from_c_str(c.class_id);
  m.score = c.score;
}

void fill(vision_msgs_msg_dds__ObjectHypothesisWithPose_& c, const msg::ObjectHypothesisWithPose& m, ViewArena& a) {
  fill(c.hypothesis, m.hypothesis, a);
  fill(c.pose, m.pose, a);
}
void read(const vision_msgs_msg_dds__ObjectHypothesisWithPose_& c, msg::ObjectHypothesisWithPose& m) {
  read(c.hypothesis, m.hypothesis);
  read(c.pose, m.pose);
}

// Sequences of nested structs: C elements in the arena, each filled from its C++ element.
template <typename Seq, typename CElem, typename Elem>
void view_struct_seq(Seq& seq, const std::vector<Elem>& v, ViewArena& a) {
  CElem* buffer = a.alloc<CElem>(v.size());
  for (size_t i = 0; i < v.size(); ++i) fill(buffer[i], v[i], a);
  seq._maximum = seq._length = static_cast<uint32_t>(v.size());
  seq._buffer = buffer;
  seq._release = false;
}
template <typename Seq, typename Elem>
void read_struct_seq(const Seq& seq, std::vector<Elem>& v) {
  v.assign(seq._buffer == nullptr ? 0 : seq._length, Elem{});
  for (size_t i = 0; i < v.size(); ++i) read(seq._buffer[i], v[i]);
}

void fill(vision_msgs_msg_dds__Detection2D_& c, const msg::Detection2D& m, ViewArena& a) {
  fill(c.header, m.header, a);
  view_struct_seq<decltype(c.results), vision_msgs_msg_dds__ObjectHypothesisWithPose_>(c.results, m.results, a);
  fill(c.bbox, m.bbox, a);
  c.id = c_str(m.id);
}
void read(const vision_msgs_msg_dds__Detection2D_& c, msg::Detection2D& m) {
  read(c.header, m.header);
  read_struct_seq(c.results, m.results);
  read(c.bbox, m.bbox);
  m.id = from_c_str(c.id);
}

void fill(vision_msgs_msg_dds__Detection2DArray_& c, const msg::Detection2DArray& m, ViewArena& a) {
  fill(c.header, m.header, a);
  view_struct_seq<decltype(c.detections), vision_msgs_msg_dds__Detection2D_>(c.detections, m.detections, a);
}
void read(const vision_msgs_msg_dds__Detection2DArray_& c, msg::Detection2DArray& m) {
  read(c.header, m.header);
  read_struct_seq(c.detections, m.detections);
}

void fill(vision_msgs_msg_dds__Classification_& c, const msg::Classification& m, ViewArena& a) {
  fill(c.header, m.header, a);
  view_struct_seq<decltype(c.results), vision_msgs_msg_dds__ObjectHypothesis_>(c.results, m.results, a);
}
void read(const vision_msgs_msg_dds__Classification_& c, msg::Classification& m) {
  read(c.header, m.header);
  read_struct_seq(c.results, m.results);
}

void fill(vision_msgs_msg_dds__VisionClass_& c, const msg::VisionClass& m, ViewArena&) {
  c.class_id = m.class_id;
  c.class_name = c_str(m.class_name);
}
void read(const vision_msgs_msg_dds__VisionClass_& c, msg::VisionClass& m) {
  m.class_id = c.class_id;
  m.class_name = from_c_str(c.class_name);
}

void fill(vision_msgs_msg_dds__LabelInfo_& c, const msg::LabelInfo& m, ViewArena& a) {
  fill(c.header, m.header, a);
  view_struct_seq<decltype(c.class_map), vision_msgs_msg_dds__VisionClass_>(c.class_map, m.class_map, a);
  c.threshold = m.threshold;
}
void read(const vision_msgs_msg_dds__LabelInfo_& c, msg::LabelInfo& m) {
  read(c.header, m.header);
  read_struct_seq(c.class_map, m.class_map);
  m.threshold = c.threshold;
}

// Discovery info: the same shapes in the 16-byte (Jazzy) and 24-byte (Humble) layouts. GIDs
// are the 16 GUID bytes, zero-padded; the bounded strings are inline char[257], so longer ones
// are cut at 256 characters (node names and namespaces are at most 255: ros_names.h).
template <typename CGid>
void fill(CGid& c, const msg::Gid& m, ViewArena&) {
  std::memset(c.data, 0, sizeof(c.data));
  std::memcpy(c.data, m.data.data(), std::min(sizeof(c.data), m.data.size()));
}
template <typename CGid>
void read(const CGid& c, msg::Gid& m) {
  std::memcpy(m.data.data(), c.data, std::min(sizeof(c.data), m.data.size()));
}
void fill(rmw_dds_common_msg_dds__Gid_& c, const msg::Gid& m, ViewArena& a) { fill<>(c, m, a); }
void fill(rmw_dds_common_humble_msg_dds__Gid_& c, const msg::Gid& m, ViewArena& a) { fill<>(c, m, a); }
void read(const rmw_dds_common_msg_dds__Gid_& c, msg::Gid& m) { read<>(c, m); }
void read(const rmw_dds_common_humble_msg_dds__Gid_& c, msg::Gid& m) { read<>(c, m); }

template <size_t N>
void copy_bounded(char (&dst)[N], const std::string& src) {
  const size_t n = std::min(src.size(), N - 1);
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}
template <size_t N>
std::string read_bounded(const char (&src)[N]) {
  return std::string(src, strnlen(src, N));
}

template <typename CInfo, typename CGid>
void fill_node_info(CInfo& c, const msg::NodeEntitiesInfo& m, ViewArena& a) {
  copy_bounded(c.node_namespace, m.node_namespace);
  copy_bounded(c.node_name, m.node_name);
  view_struct_seq<decltype(c.reader_gid_seq), CGid>(c.reader_gid_seq, m.reader_gid_seq, a);
  view_struct_seq<decltype(c.writer_gid_seq), CGid>(c.writer_gid_seq, m.writer_gid_seq, a);
}
template <typename CInfo>
void read_node_info(const CInfo& c, msg::NodeEntitiesInfo& m) {
  m.node_namespace = read_bounded(c.node_namespace);
  m.node_name = read_bounded(c.node_name);
  read_struct_seq(c.reader_gid_seq, m.reader_gid_seq);
  read_struct_seq(c.writer_gid_seq, m.writer_gid_seq);
}
void fill(rmw_dds_common_msg_dds__NodeEntitiesInfo_& c, const msg::NodeEntitiesInfo& m, ViewArena& a) {
  fill_node_info<rmw_dds_common_msg_dds__NodeEntitiesInfo_, rmw_dds_common_msg_dds__Gid_>(c, m, a);
}
void fill(rmw_dds_common_humble_msg_dds__NodeEntitiesInfo_& c, const msg::NodeEntitiesInfo& m, ViewArena& a) {
  fill_node_info<rmw_dds_common_humble_msg_dds__NodeEntitiesInfo_, rmw_dds_common_humble_msg_dds__Gid_>(c, m, a);
}
void read(const rmw_dds_common_msg_dds__NodeEntitiesInfo_& c, msg::NodeEntitiesInfo& m) { read_node_info(c, m); }
void read(const rmw_dds_common_humble_msg_dds__NodeEntitiesInfo_& c, msg::NodeEntitiesInfo& m) {
  read_node_info(c, m);
}

void fill(rmw_dds_common_msg_dds__ParticipantEntitiesInfo_& c, const msg::ParticipantEntitiesInfo& m, ViewArena& a) {
  fill(c.gid, m.gid, a);
  view_struct_seq<decltype(c.node_entities_info_seq), rmw_dds_common_msg_dds__NodeEntitiesInfo_>(
      c.node_entities_info_seq, m.node_entities_info_seq, a);
}
void fill(rmw_dds_common_humble_msg_dds__ParticipantEntitiesInfo_& c, const msg::ParticipantEntitiesInfo& m,
          ViewArena& a) {
  fill(c.gid, m.gid, a);
  view_struct_seq<decltype(c.node_entities_info_seq), rmw_dds_common_humble_msg_dds__NodeEntitiesInfo_>(
      c.node_entities_info_seq, m.node_entities_info_seq, a);
}
void read(const rmw_dds_common_msg_dds__ParticipantEntitiesInfo_& c, msg::ParticipantEntitiesInfo& m) {
  read(c.gid, m.gid);
  read_struct_seq(c.node_entities_info_seq, m.node_entities_info_seq);
}
void read(const rmw_dds_common_humble_msg_dds__ParticipantEntitiesInfo_& c, msg::ParticipantEntitiesInfo& m) {
  read(c.gid, m.gid);
  read_struct_seq(c.node_entities_info_seq, m.node_entities_info_seq);
}

// The two type-erased conversions of MessageType for a (C++ message, C sample) pair.
template <typename Msg, typename C>
void with_sample(const void* msg, const std::function<void(const void*)>& fn) {
  ViewArena arena;
  C sample{};
  fill(sample, *static_cast<const Msg*>(msg), arena);
  fn(&sample);
}
template <typename Msg, typename C>
void read_sample(const void* sample, void* msg) {
  read(*static_cast<const C*>(sample), *static_cast<Msg*>(msg));
}

template <typename Msg, typename C>
MessageType make_type(std::string_view ros_name, const dds_topic_descriptor_t& descriptor) {
  return MessageType{ros_name, &descriptor, &with_sample<Msg, C>, &read_sample<Msg, C>};
}

// Humble's discovery type: idlc's descriptor for the renamed module, registered under the ROS
// type name (DDS matching compares type names only: the IDL is compiled without type information).
const dds_topic_descriptor_t& humble_participant_entities_info_descriptor() {
  static const dds_topic_descriptor_t descriptor = [] {
    dds_topic_descriptor_t d = rmw_dds_common_humble_msg_dds__ParticipantEntitiesInfo__desc;
    d.m_typename = rmw_dds_common_msg_dds__ParticipantEntitiesInfo__desc.m_typename;
    return d;
  }();
  return descriptor;
}

}  // namespace

#define FOVEA_ROS2_DEFINE_MESSAGE_TYPE(T, C, ROS_NAME)                                 \
  template <>                                                                          \
  const MessageType& message_type<msg::T>() {                                          \
    static const MessageType type = make_type<msg::T, C>(ROS_NAME, C##_desc);          \
    return type;                                                                       \
  }
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(Time, builtin_interfaces_msg_dds__Time_, "builtin_interfaces/msg/Time")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(Header, std_msgs_msg_dds__Header_, "std_msgs/msg/Header")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(Image, sensor_msgs_msg_dds__Image_, "sensor_msgs/msg/Image")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(CompressedImage, sensor_msgs_msg_dds__CompressedImage_,
                               "sensor_msgs/msg/CompressedImage")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(RegionOfInterest, sensor_msgs_msg_dds__RegionOfInterest_,
                               "sensor_msgs/msg/RegionOfInterest")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(CameraInfo, sensor_msgs_msg_dds__CameraInfo_, "sensor_msgs/msg/CameraInfo")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(Point, geometry_msgs_msg_dds__Point_, "geometry_msgs/msg/Point")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(Quaternion, geometry_msgs_msg_dds__Quaternion_, "geometry_msgs/msg/Quaternion")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(Pose, geometry_msgs_msg_dds__Pose_, "geometry_msgs/msg/Pose")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(PoseWithCovariance, geometry_msgs_msg_dds__PoseWithCovariance_,
                               "geometry_msgs/msg/PoseWithCovariance")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(Point2D, vision_msgs_msg_dds__Point2D_, "vision_msgs/msg/Point2D")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(Pose2D, vision_msgs_msg_dds__Pose2D_, "vision_msgs/msg/Pose2D")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(BoundingBox2D, vision_msgs_msg_dds__BoundingBox2D_, "vision_msgs/msg/BoundingBox2D")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(ObjectHypothesis, vision_msgs_msg_dds__ObjectHypothesis_,
                               "vision_msgs/msg/ObjectHypothesis")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(ObjectHypothesisWithPose, vision_msgs_msg_dds__ObjectHypothesisWithPose_,
                               "vision_msgs/msg/ObjectHypothesisWithPose")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(Detection2D, vision_msgs_msg_dds__Detection2D_, "vision_msgs/msg/Detection2D")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(Detection2DArray, vision_msgs_msg_dds__Detection2DArray_,
                               "vision_msgs/msg/Detection2DArray")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(Classification, vision_msgs_msg_dds__Classification_, "vision_msgs/msg/Classification")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(VisionClass, vision_msgs_msg_dds__VisionClass_, "vision_msgs/msg/VisionClass")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(LabelInfo, vision_msgs_msg_dds__LabelInfo_, "vision_msgs/msg/LabelInfo")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(Gid, rmw_dds_common_msg_dds__Gid_, "rmw_dds_common/msg/Gid")
FOVEA_ROS2_DEFINE_MESSAGE_TYPE(NodeEntitiesInfo, rmw_dds_common_msg_dds__NodeEntitiesInfo_,
                               "rmw_dds_common/msg/NodeEntitiesInfo")
#undef FOVEA_ROS2_DEFINE_MESSAGE_TYPE

const MessageType& participant_entities_info_type(Distro distro) {
  static const MessageType jazzy =
      make_type<msg::ParticipantEntitiesInfo, rmw_dds_common_msg_dds__ParticipantEntitiesInfo_>(
          "rmw_dds_common/msg/ParticipantEntitiesInfo", rmw_dds_common_msg_dds__ParticipantEntitiesInfo__desc);
  static const MessageType humble =
      make_type<msg::ParticipantEntitiesInfo, rmw_dds_common_humble_msg_dds__ParticipantEntitiesInfo_>(
          "rmw_dds_common/msg/ParticipantEntitiesInfo", humble_participant_entities_info_descriptor());
  return distro == Distro::kHumble ? humble : jazzy;
}

const MessageType* find_message_type(std::string_view ros_name) {
  static const MessageType* const kTypes[] = {
      &message_type<msg::Time>(),
      &message_type<msg::Header>(),
      &message_type<msg::Image>(),
      &message_type<msg::CompressedImage>(),
      &message_type<msg::RegionOfInterest>(),
      &message_type<msg::CameraInfo>(),
      &message_type<msg::Point>(),
      &message_type<msg::Quaternion>(),
      &message_type<msg::Pose>(),
      &message_type<msg::PoseWithCovariance>(),
      &message_type<msg::Point2D>(),
      &message_type<msg::Pose2D>(),
      &message_type<msg::BoundingBox2D>(),
      &message_type<msg::ObjectHypothesis>(),
      &message_type<msg::ObjectHypothesisWithPose>(),
      &message_type<msg::Detection2D>(),
      &message_type<msg::Detection2DArray>(),
      &message_type<msg::Classification>(),
      &message_type<msg::VisionClass>(),
      &message_type<msg::LabelInfo>(),
      &message_type<msg::Gid>(),
      &message_type<msg::NodeEntitiesInfo>(),
      &participant_entities_info_type(Distro::kJazzy),
  };
  for (const MessageType* t : kTypes)
    if (t->ros_name == ros_name) return t;
  return nullptr;
}

}  // namespace fovea::io::ros2
