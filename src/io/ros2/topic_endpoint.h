// Publishers and subscriptions on ROS 2 topics: DDS writers and readers of one node (node.h).
// TopicWriter / TopicReader are untyped (a MessageType and void* messages); Publisher<Msg> and
// Subscription<Msg> are the typed faces callers use. Each endpoint's GUID is listed in the
// node's ros_discovery_info while it lives, so `ros2 topic info -v` names fovea's node.
// Thread-safety: each endpoint may be used from one thread at a time; different endpoints of a
// node from different threads (Cyclone is thread-safe; the node's graph state has a mutex).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <dds/dds.h>

#include "core/status.h"
#include "io/ros2/graph_identity.h"
#include "io/ros2/message_type_support.h"
#include "io/ros2/qos_profile.h"

namespace fovea::io::ros2 {

namespace detail {
class NodeGraph;
}

class TopicWriter {
 public:
  TopicWriter(std::shared_ptr<detail::NodeGraph> graph, const MessageType& type, std::string ros_topic,
              dds_entity_t topic, dds_entity_t writer, Guid guid);
  ~TopicWriter();
  TopicWriter(const TopicWriter&) = delete;
  TopicWriter& operator=(const TopicWriter&) = delete;

  // Serializes and sends `msg` (the C++ message of type()); blocks at most as long as reliable
  // flow control needs. Errors name the topic.
  Status write(const void* msg);
  // Subscriptions currently matched (discovered, compatible QoS).
  int matched_subscriptions() const;
  const std::string& topic() const { return ros_topic_; }
  const MessageType& type() const { return type_; }
  const Guid& guid() const { return guid_; }

 private:
  std::shared_ptr<detail::NodeGraph> graph_;
  const MessageType& type_;
  std::string ros_topic_;
  dds_entity_t topic_, writer_;
  Guid guid_;
};

// What a subscription knows about a received sample besides its content.
struct SampleMeta {
  int64_t source_timestamp_ns = 0;  // the writer's clock at write time
  int64_t receive_time_ns = 0;      // system clock when fovea took it from the reader
};

class TopicReader {
 public:
  TopicReader(std::shared_ptr<detail::NodeGraph> graph, const MessageType& type, std::string ros_topic,
              dds_entity_t topic, dds_entity_t reader, Guid guid);
  ~TopicReader();
  TopicReader(const TopicReader&) = delete;
  TopicReader& operator=(const TopicReader&) = delete;

  // Blocks until samples may be taken, interrupt() is called, or `timeout` passes; true when
  // samples are waiting.
  bool wait(std::chrono::nanoseconds timeout);
  // Wakes a wait() in another thread (shutdown).
  void interrupt();
  // Takes up to `max` samples and calls fn(c_sample, meta) for each (C sample of type(): read it
  // with type().read_dds_sample). Returns how many were taken.
  Result<size_t> take(size_t max, const std::function<void(const void* sample, const SampleMeta& meta)>& fn);
  int matched_publications() const;
  const std::string& topic() const { return ros_topic_; }
  const MessageType& type() const { return type_; }
  const Guid& guid() const { return guid_; }

 private:
  std::shared_ptr<detail::NodeGraph> graph_;
  const MessageType& type_;
  std::string ros_topic_;
  dds_entity_t topic_, reader_, waitset_ = 0, read_condition_ = 0, guard_ = 0;
  Guid guid_;
};

template <typename Msg>
class Publisher {
 public:
  explicit Publisher(std::unique_ptr<TopicWriter> writer) : writer_(std::move(writer)) {}
  Status publish(const Msg& msg) { return writer_->write(&msg); }
  int matched_subscriptions() const { return writer_->matched_subscriptions(); }
  TopicWriter& endpoint() { return *writer_; }

 private:
  std::unique_ptr<TopicWriter> writer_;
};

template <typename Msg>
struct Received {
  Msg msg;
  SampleMeta meta;
};

template <typename Msg>
class Subscription {
 public:
  explicit Subscription(std::unique_ptr<TopicReader> reader) : reader_(std::move(reader)) {}
  bool wait(std::chrono::nanoseconds timeout) { return reader_->wait(timeout); }
  void interrupt() { reader_->interrupt(); }
  // Takes up to `max` messages (copied out of DDS).
  Result<std::vector<Received<Msg>>> take(size_t max = 16) {
    std::vector<Received<Msg>> out;
    Result<size_t> n = reader_->take(max, [&](const void* sample, const SampleMeta& meta) {
      Received<Msg>& r = out.emplace_back();
      reader_->type().read_dds_sample(sample, &r.msg);
      r.meta = meta;
    });
    if (!n.is_ok()) return n.status();
    return out;
  }
  int matched_publications() const { return reader_->matched_publications(); }
  TopicReader& endpoint() { return *reader_; }

 private:
  std::unique_ptr<TopicReader> reader_;
};

}  // namespace fovea::io::ros2
