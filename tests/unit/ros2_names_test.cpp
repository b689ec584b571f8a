// ROS 2 names on the DDS wire (rmw_cyclonedds / rmw_fastrtps conventions) and the ROS name
// rules: topics "rt" + fully-qualified name, types pkg::msg::dds_::Type_, and the names ROS
// refuses.
#ifdef FOVEA_HAVE_ROS2

#include <gtest/gtest.h>

#include "io/ros2/message_type_support.h"
#include "io/ros2/ros_names.h"

namespace fovea::io::ros2 {
namespace {

TEST(Ros2Names, TopicMangling) {
  EXPECT_EQ(*dds_topic_name("/camera/image_raw"), "rt/camera/image_raw");
  EXPECT_EQ(*dds_topic_name("image_raw", "/robot1/camera"), "rt/robot1/camera/image_raw");
  EXPECT_EQ(*dds_topic_name("detections", "/"), "rt/detections");
  EXPECT_EQ(*dds_topic_name("/abs", "/ns"), "rt/abs");
  EXPECT_EQ(*ros_topic_name("rt/camera/image_raw"), "/camera/image_raw");
  EXPECT_FALSE(ros_topic_name("ros_discovery_info").is_ok());
  EXPECT_FALSE(ros_topic_name("rq/add_two_intsRequest").is_ok());
}

TEST(Ros2Names, InvalidTopicNamesNameTheProblem) {
  for (const char* bad : {"", "/", "/a//b", "/a/", "/1abc", "/a/2b", "/a b", "/a-b", "~/x", "/{ns}/x", "/ä"}) {
    Result<std::string> r = dds_topic_name(bad);
    EXPECT_FALSE(r.is_ok()) << "'" << bad << "' was accepted";
  }
  Result<std::string> r = dds_topic_name("/cam//image");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("//"), std::string::npos) << r.status().message();
  EXPECT_FALSE(resolve_topic_name("x", "ns").is_ok());  // namespace must be absolute
  EXPECT_TRUE(resolve_topic_name("_x1/y_2", "/").is_ok());
}

TEST(Ros2Names, NodeNamesAndNamespaces) {
  EXPECT_TRUE(validate_node_name("fovea").is_ok());
  EXPECT_TRUE(validate_node_name("fovea_node_2").is_ok());
  EXPECT_FALSE(validate_node_name("").is_ok());
  EXPECT_FALSE(validate_node_name("2fovea").is_ok());
  EXPECT_FALSE(validate_node_name("fo/vea").is_ok());
  EXPECT_FALSE(validate_node_name(std::string(256, 'a')).is_ok());
  EXPECT_TRUE(validate_namespace("/").is_ok());
  EXPECT_TRUE(validate_namespace("/robot1/perception").is_ok());
  EXPECT_FALSE(validate_namespace("robot1").is_ok());
  EXPECT_FALSE(validate_namespace("/robot1/").is_ok());
}

TEST(Ros2Names, TypeMangling) {
  EXPECT_EQ(*dds_type_name("sensor_msgs/msg/Image"), "sensor_msgs::msg::dds_::Image_");
  EXPECT_EQ(*dds_type_name("example_interfaces/srv/AddTwoInts_Request"),
            "example_interfaces::srv::dds_::AddTwoInts_Request_");
  EXPECT_EQ(*ros_type_name("vision_msgs::msg::dds_::Detection2DArray_"), "vision_msgs/msg/Detection2DArray");
  EXPECT_FALSE(dds_type_name("sensor_msgs/Image").is_ok());
  EXPECT_FALSE(dds_type_name("sensor_msgs/foo/Image").is_ok());
  EXPECT_FALSE(ros_type_name("sensor_msgs::msg::Image").is_ok());
  EXPECT_FALSE(ros_type_name("Image_").is_ok());
}

TEST(Ros2Names, IdlcTypeNamesAreTheMangledRosNames) {
  // Every generated descriptor registers exactly what dds_type_name makes of its ROS name.
  for (const char* ros : {"builtin_interfaces/msg/Time", "std_msgs/msg/Header", "sensor_msgs/msg/Image",
                          "sensor_msgs/msg/CompressedImage", "sensor_msgs/msg/CameraInfo",
                          "sensor_msgs/msg/RegionOfInterest", "geometry_msgs/msg/Point", "geometry_msgs/msg/Quaternion",
                          "geometry_msgs/msg/Pose", "geometry_msgs/msg/PoseWithCovariance", "vision_msgs/msg/Point2D",
                          "vision_msgs/msg/Pose2D", "vision_msgs/msg/BoundingBox2D", "vision_msgs/msg/ObjectHypothesis",
                          "vision_msgs/msg/ObjectHypothesisWithPose", "vision_msgs/msg/Detection2D",
                          "vision_msgs/msg/Detection2DArray", "vision_msgs/msg/Classification",
                          "vision_msgs/msg/VisionClass", "vision_msgs/msg/LabelInfo", "rmw_dds_common/msg/Gid",
                          "rmw_dds_common/msg/NodeEntitiesInfo", "rmw_dds_common/msg/ParticipantEntitiesInfo"}) {
    const MessageType* t = find_message_type(ros);
    ASSERT_NE(t, nullptr) << ros;
    EXPECT_EQ(std::string(t->descriptor->m_typename), *dds_type_name(ros));
    // Final, keyless, no type information (as rmw_cyclonedds): matched by type name.
    EXPECT_EQ(t->descriptor->m_nkeys, 0u) << ros;
    EXPECT_EQ(t->descriptor->m_flagset & DDS_TOPIC_XTYPES_METADATA, 0u) << ros;
  }
  EXPECT_EQ(find_message_type("sensor_msgs/msg/Imu"), nullptr);
}

}  // namespace
}  // namespace fovea::io::ros2

#endif  // FOVEA_HAVE_ROS2
