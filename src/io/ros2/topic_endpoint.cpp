#include "io/ros2/topic_endpoint.h"

#include <array>

#include "io/ros2/node_graph.h"

namespace fovea::io::ros2 {
namespace {

int64_t system_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TopicWriter::TopicWriter(std::shared_ptr<detail::NodeGraph> graph, const MessageType& type, std::string ros_topic,
                         dds_entity_t topic, dds_entity_t writer, Guid guid)
    : graph_(std::move(graph)), type_(type), ros_topic_(std::move(ros_topic)), topic_(topic), writer_(writer),
      guid_(guid) {}

TopicWriter::~TopicWriter() {
  dds_delete(writer_);
  dds_delete(topic_);
  graph_->remove_endpoint(EndpointKind::kWriter, guid_);
}

Status TopicWriter::write(const void* msg) {
  dds_return_t rc = DDS_RETCODE_OK;
  type_.with_dds_sample(msg, [&](const void* sample) { rc = dds_write(writer_, sample); });
  if (rc != DDS_RETCODE_OK) return io_error("publishing on {}: {}", ros_topic_, dds_strretcode(rc));
  return Status::ok();
}

int TopicWriter::matched_subscriptions() const {
  dds_publication_matched_status_t st;
  if (dds_get_publication_matched_status(writer_, &st) != DDS_RETCODE_OK) return 0;
  return static_cast<int>(st.current_count);
}

TopicReader::TopicReader(std::shared_ptr<detail::NodeGraph> graph, const MessageType& type, std::string ros_topic,
                         dds_entity_t topic, dds_entity_t reader, Guid guid)
    : graph_(std::move(graph)), type_(type), ros_topic_(std::move(ros_topic)), topic_(topic), reader_(reader),
      guid_(guid) {
  // A waitset on "samples present" plus a guard condition that interrupt() raises.
  waitset_ = dds_create_waitset(graph_->participant());
  read_condition_ = dds_create_readcondition(reader_, DDS_ANY_STATE);
  guard_ = dds_create_guardcondition(graph_->participant());
  dds_waitset_attach(waitset_, read_condition_, read_condition_);
  dds_waitset_attach(waitset_, guard_, guard_);
}

TopicReader::~TopicReader() {
  dds_delete(waitset_);
  dds_delete(guard_);
  dds_delete(read_condition_);
  dds_delete(reader_);
  dds_delete(topic_);
  graph_->remove_endpoint(EndpointKind::kReader, guid_);
}

bool TopicReader::wait(std::chrono::nanoseconds timeout) {
  std::array<dds_attach_t, 2> triggered{};
  const dds_return_t n = dds_waitset_wait(waitset_, triggered.data(), triggered.size(), timeout.count());
  bool data = false;
  for (dds_return_t i = 0; i < n; ++i) {
    if (triggered[i] == static_cast<dds_attach_t>(guard_)) dds_set_guardcondition(guard_, false);
    if (triggered[i] == static_cast<dds_attach_t>(read_condition_)) data = true;
  }
  return data;
}

void TopicReader::interrupt() { dds_set_guardcondition(guard_, true); }

Result<size_t> TopicReader::take(size_t max,
                                 const std::function<void(const void* sample, const SampleMeta& meta)>& fn) {
  constexpr size_t kBatch = 16;
  size_t total = 0;
  while (total < max) {
    std::array<void*, kBatch> samples{};  // null: Cyclone lends its own buffers
    std::array<dds_sample_info_t, kBatch> infos;
    const size_t want = std::min(kBatch, max - total);
    const dds_return_t n = dds_take(reader_, samples.data(), infos.data(), want, static_cast<uint32_t>(want));
    if (n < 0) return io_error("taking from {}: {}", ros_topic_, dds_strretcode(n));
    if (n == 0) break;
    const int64_t now = system_now_ns();
    for (dds_return_t i = 0; i < n; ++i) {
      if (!infos[i].valid_data) continue;  // disposal / unregistration notices
      fn(samples[i], SampleMeta{infos[i].source_timestamp, now});
      ++total;
    }
    dds_return_loan(reader_, samples.data(), n);
    if (static_cast<size_t>(n) < want) break;
  }
  return total;
}

int TopicReader::matched_publications() const {
  dds_subscription_matched_status_t st;
  if (dds_get_subscription_matched_status(reader_, &st) != DDS_RETCODE_OK) return 0;
  return static_cast<int>(st.current_count);
}

}  // namespace fovea::io::ros2
