// `fovea echo`'s text: result messages as YAML in `ros2 topic echo`'s layout (checked literally
// for a small message, and read back with yaml-cpp), images as one line.
#ifdef FOVEA_HAVE_ROS2

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "io/ros2/message_text.h"

namespace fovea::io::ros2 {
namespace {

TEST(Ros2MessageText, Detection2DArrayYaml) {
  msg::Detection2DArray a;
  a.header = {{12, 5}, "cam"};
  msg::Detection2D d;
  d.header = a.header;
  d.bbox = {{{60, 120.5}, 0}, 100, 200};
  msg::ObjectHypothesisWithPose h;
  h.hypothesis = {"0", 0.875};
  d.results = {h};
  a.detections = {d};
  const std::string y = to_yaml(a);
  EXPECT_EQ(y.substr(0, y.find("    pose:")),
            "header:\n"
            "  stamp:\n"
            "    sec: 12\n"
            "    nanosec: 5\n"
            "  frame_id: cam\n"
            "detections:\n"
            "- header:\n"
            "    stamp:\n"
            "      sec: 12\n"
            "      nanosec: 5\n"
            "    frame_id: cam\n"
            "  results:\n"
            "  - hypothesis:\n"
            "      class_id: '0'\n"
            "      score: 0.875\n");
  const YAML::Node n = YAML::Load(y);
  EXPECT_EQ(n["header"]["frame_id"].as<std::string>(), "cam");
  const YAML::Node det = n["detections"][0];
  EXPECT_EQ(det["results"][0]["hypothesis"]["class_id"].as<std::string>(), "0");
  EXPECT_EQ(det["results"][0]["pose"]["pose"]["orientation"]["w"].as<double>(), 1.0);
  EXPECT_EQ(det["results"][0]["pose"]["covariance"].size(), 36u);
  EXPECT_EQ(det["bbox"]["center"]["position"]["y"].as<double>(), 120.5);
  EXPECT_EQ(det["bbox"]["size_x"].as<double>(), 100.0);
  EXPECT_EQ(det["id"].as<std::string>(), "");
  EXPECT_EQ(to_yaml(msg::Detection2DArray{}), "header:\n  stamp:\n    sec: 0\n    nanosec: 0\n  frame_id: ''\n"
                                              "detections: []\n");
}

TEST(Ros2MessageText, ClassificationAndLabelInfoYaml) {
  msg::Classification c;
  c.results = {{"tabby cat", 0.5}, {"it's", 0.25}};
  const YAML::Node n = YAML::Load(to_yaml(c));
  EXPECT_EQ(n["results"][0]["class_id"].as<std::string>(), "tabby cat");
  EXPECT_EQ(n["results"][1]["class_id"].as<std::string>(), "it's");
  EXPECT_EQ(n["results"][1]["score"].as<double>(), 0.25);
  msg::LabelInfo l;
  l.class_map = {{0, "person"}, {1, "true"}};
  l.threshold = 0.5f;
  const YAML::Node m = YAML::Load(to_yaml(l));
  EXPECT_EQ(m["class_map"][1]["class_id"].as<int>(), 1);
  EXPECT_EQ(m["class_map"][1]["class_name"].as<std::string>(), "true");
  EXPECT_EQ(m["threshold"].as<double>(), 0.5);
}

TEST(Ros2MessageText, ImageSummary) {
  msg::Image i;
  i.header = {{1700000000, 42}, "camera"};
  i.width = 640;
  i.height = 480;
  i.encoding = "bgr8";
  i.step = 1920;
  i.data.resize(921600);
  EXPECT_EQ(summarize(i), "640x480 bgr8 step 1920, 921600 bytes, frame_id 'camera', stamp 1700000000.000000042");
}

}  // namespace
}  // namespace fovea::io::ros2

#endif  // FOVEA_HAVE_ROS2
