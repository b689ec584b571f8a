// Metrics: histogram quantiles against exact order statistics, the Prometheus text served at
// /metrics (fetched with httplib::Client from an ephemeral port and parsed line by line), the JSON
// summary and the console line.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#ifdef FOVEA_HAVE_HTTPLIB
#include <httplib.h>
#endif

#include "pipeline/metrics_http_server.h"
#include "pipeline/metrics_report.h"
#include "pipeline/pipeline_runtime.h"
#include "pipeline_test_fakes.h"

namespace fovea::pipeline {
namespace {

using namespace std::chrono_literals;

// The sample of rank ceil(q * n) (1-based) of the sorted samples: the quantile definition the
// histogram estimates.
double exact_quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const size_t rank = std::max<size_t>(1, static_cast<size_t>(std::ceil(q * static_cast<double>(v.size()))));
  return v[rank - 1];
}

TEST(PipelineMetrics, HistogramQuantilesWithinOneBucketOfExact) {
  std::mt19937 rng(7);
  std::lognormal_distribution<double> dist(std::log(12.0), 0.6);  // latencies around 12 ms
  LatencyHistogram h;
  std::vector<double> samples;
  for (int i = 0; i < 20000; ++i) {
    const double v = dist(rng);
    samples.push_back(v);
    h.record_ms(v);
  }
  const LatencySummary s = h.summary();
  EXPECT_EQ(s.count, samples.size());
  EXPECT_DOUBLE_EQ(s.max_ms, *std::max_element(samples.begin(), samples.end()));
  EXPECT_DOUBLE_EQ(s.min_ms, *std::min_element(samples.begin(), samples.end()));
  for (const auto& [q, est] : {std::pair{0.5, s.p50_ms}, {0.9, s.p90_ms}, {0.99, s.p99_ms}}) {
    const double exact = exact_quantile(samples, q);
    // Bucket edges are 2^(1/16) apart: the estimate is the upper edge of the exact sample's bucket.
    EXPECT_GE(est, exact) << "q " << q;
    EXPECT_LE(est, exact * std::exp2(1.0 / 16) + 1e-12) << "q " << q;
  }
  // The Prometheus buckets are exact counts.
  for (size_t i = 0; i < kLatencyBucketBoundsMs.size(); ++i) {
    const auto n = std::count_if(samples.begin(), samples.end(), [&](double v) { return v <= kLatencyBucketBoundsMs[i]; });
    EXPECT_EQ(s.cumulative[i], static_cast<uint64_t>(n)) << "le " << kLatencyBucketBoundsMs[i];
  }
  LatencyHistogram one;
  one.record_ms(3.0);
  EXPECT_DOUBLE_EQ(one.quantile_ms(0.99), 3.0) << "clamped to the only sample";
  EXPECT_DOUBLE_EQ(LatencyHistogram().quantile_ms(0.5), 0.0);
}

// Runs a small finished pipeline: 2 sources into one fake model, a corrupt frame, one sink.
std::unique_ptr<Pipeline> finished_pipeline() {
  std::vector<PipelineSourceSpec> sources;
  sources.push_back({std::make_unique<testing::CountingSource>("cam \"a\"", 20, 0us, false, std::set<int64_t>{4}),
                     LaneOptions{4, QueuePolicy::kBlock}});
  sources.push_back({std::make_unique<testing::CountingSource>("cam_b", 12, 0us, false), LaneOptions{4, QueuePolicy::kBlock}});
  std::vector<PipelineModelSpec> models;
  PipelineModelSpec m;
  m.name = "det";
  m.instances.push_back(std::make_unique<testing::FakeVisionModel>(4, 2000us));
  m.batching.max_batch_size = 4;
  m.batching.max_queue_delay = 1000us;
  models.push_back(std::move(m));
  std::vector<PipelineSinkSpec> sinks;
  sinks.push_back({std::make_unique<testing::RecordingSink>("rec"), {}, 4});
  PipelineOptions o;
  o.use_nvml = false;
  o.deadline_ms = 1;  // every result is late: misses counted
  auto p = Pipeline::create(std::move(sources), std::move(models), std::move(sinks), o);
  EXPECT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_TRUE((*p)->start().is_ok());
  EXPECT_TRUE((*p)->wait_for(30s));
  (*p)->wait();
  return std::move(p).value();
}

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Parses Prometheus text format 0.0.4; fails the test on any malformed line.
std::vector<Sample> parse_prometheus(const std::string& text, std::map<std::string, std::string>* types) {
  std::vector<Sample> out;
  const std::regex sample_re(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$)");
  const std::regex label_re(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)")re");
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream t(line.substr(7));
      std::string name, type;
      t >> name >> type;
      EXPECT_TRUE(type == "counter" || type == "gauge" || type == "histogram") << line;
      EXPECT_EQ(types->count(name), 0u) << "family declared twice: " << name;
      (*types)[name] = type;
      continue;
    }
    if (line.rfind("# HELP ", 0) == 0) continue;
    std::smatch m;
    if (!std::regex_match(line, m, sample_re)) {
      ADD_FAILURE() << "malformed line: '" << line << "'";
      continue;
    }
    Sample s;
    s.name = m[1];
    const std::string labels = m[3];
    for (auto it = std::sregex_iterator(labels.begin(), labels.end(), label_re); it != std::sregex_iterator(); ++it)
      s.labels[(*it)[1]] = (*it)[2];
    const std::string v = m[4];
    s.value = v == "+Inf" ? INFINITY : std::stod(v);
    out.push_back(std::move(s));
  }
  return out;
}

double value_of(const std::vector<Sample>& samples, const std::string& name, const std::map<std::string, std::string>& labels) {
  for (const Sample& s : samples) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels) match = match && s.labels.count(k) && s.labels.at(k) == v;
    if (match) return s.value;
  }
  ADD_FAILURE() << "no sample " << name;
  return -1;
}

TEST(PipelineMetrics, PrometheusTextServedAtMetrics) {
  auto p = finished_pipeline();
#ifndef FOVEA_HAVE_HTTPLIB
  GTEST_SKIP() << "built without cpp-httplib";
#else
  auto server = MetricsHttpServer::start("127.0.0.1", 0, [&] { return render_prometheus(p->snapshot()); });
  ASSERT_TRUE(server.is_ok()) << server.status().to_string();
  ASSERT_GT((*server)->port(), 0);
  httplib::Client client("127.0.0.1", (*server)->port());
  client.set_connection_timeout(5);
  auto res = client.Get("/metrics");
  ASSERT_TRUE(res) << "GET /metrics failed";
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->get_header_value("Content-Type").find("text/plain; version=0.0.4"), std::string::npos);
  EXPECT_EQ(client.Get("/nope")->status, 404);

  std::map<std::string, std::string> types;
  const std::vector<Sample> samples = parse_prometheus(res->body, &types);
  ASSERT_FALSE(samples.empty());
  EXPECT_EQ(types["fovea_frames_processed_total"], "counter");
  EXPECT_EQ(types["fovea_latency_seconds"], "histogram");
  EXPECT_EQ(types["fovea_queue_depth"], "gauge");
  // Label values are escaped: the source named cam "a" comes back intact.
  const std::string a = R"(cam \"a\")";
  EXPECT_EQ(value_of(samples, "fovea_frames_processed_total", {{"model", "det"}, {"source", a}}), 19);
  EXPECT_EQ(value_of(samples, "fovea_frames_processed_total", {{"model", "det"}, {"source", "cam_b"}}), 12);
  EXPECT_EQ(value_of(samples, "fovea_frames_dropped_total", {{"source", a}, {"reason", "decode_error"}}), 1);
  EXPECT_EQ(value_of(samples, "fovea_frames_dropped_total", {{"source", "cam_b"}, {"reason", "queue_full"}}), 0);
  EXPECT_EQ(value_of(samples, "fovea_inference_count_total", {{"model", "det"}}), 31);
  EXPECT_EQ(value_of(samples, "fovea_deadline_misses_total", {{"model", "det"}}), 31);
  EXPECT_EQ(value_of(samples, "fovea_nvml_available", {}), 0);
  EXPECT_EQ(value_of(samples, "fovea_frames_in_flight", {{"source", "cam_b"}}), 0);
  const double exec = value_of(samples, "fovea_inference_exec_count_total", {{"model", "det"}});
  EXPECT_GE(exec, 8);  // 31 frames in batches of at most 4
  EXPECT_EQ(value_of(samples, "fovea_batch_size_count", {{"model", "det"}}), exec);
  EXPECT_EQ(value_of(samples, "fovea_batch_size_sum", {{"model", "det"}}), 31);

  // Histograms: cumulative buckets never decrease and +Inf equals _count.
  std::map<std::string, std::vector<double>> buckets;
  for (const Sample& s : samples)
    if (s.name == "fovea_latency_seconds_bucket")
      buckets[s.labels.at("model") + "/" + s.labels.at("stage")].push_back(s.value);
  ASSERT_EQ(buckets.size(), kStageCount);
  for (const auto& [series, counts] : buckets) {
    EXPECT_TRUE(std::is_sorted(counts.begin(), counts.end())) << series;
    const std::string stage = series.substr(series.find('/') + 1);
    EXPECT_EQ(counts.back(), value_of(samples, "fovea_latency_seconds_count", {{"model", "det"}, {"stage", stage}}));
  }
  EXPECT_EQ(value_of(samples, "fovea_latency_seconds_count", {{"stage", "end_to_end"}}), 31);
  const double p50 = value_of(samples, "fovea_latency_quantile_seconds", {{"stage", "infer"}, {"quantile", "0.5"}});
  EXPECT_GT(p50, 0.0019);  // the fake model reports 2 ms per batch
  EXPECT_LT(p50, 0.0022);
  (*server)->stop();
#endif
}

TEST(PipelineMetrics, SummaryJsonAndConsoleLine) {
  auto p = finished_pipeline();
  const MetricsSnapshot s = p->snapshot();
  const nlohmann::json j = nlohmann::json::parse(render_summary_json(s));
  ASSERT_EQ(j["lanes"].size(), 2u);
  uint64_t processed = 0;
  for (const auto& lane : j["lanes"]) {
    processed += lane["processed"].get<uint64_t>();
    EXPECT_EQ(lane["in_flight"], 0);
  }
  EXPECT_EQ(processed, 31u);
  EXPECT_EQ(j["sources"][0]["decode_errors"], 1);
  EXPECT_EQ(j["models"][0]["stages"]["end_to_end"]["count"], 31);
  EXPECT_GT(j["models"][0]["stages"]["end_to_end"]["p99_ms"].get<double>(), 0.0);
  EXPECT_EQ(j["models"][0]["deadline_misses"], 31);
  EXPECT_NE(j["nvml"].get<std::string>().find("unavailable"), std::string::npos);
  const std::string line = format_console_line(s);
  EXPECT_NE(line.find("det: e2e p50"), std::string::npos) << line;
  EXPECT_NE(line.find("nvml unavailable"), std::string::npos) << line;
  EXPECT_NE(line.find("late 31"), std::string::npos) << line;
}

TEST(PipelineMetrics, NvmlAbsentIsReportedNotFatal) {
  auto nvml = NvmlMonitor::open();
  ASSERT_TRUE(nvml);
  if (nvml->available()) {
    EXPECT_FALSE(nvml->sample().empty());  // a GPU machine
  } else {
    EXPECT_NE(nvml->status().find("nvml unavailable"), std::string::npos);
    EXPECT_TRUE(nvml->sample().empty());
  }
}

TEST(PipelineMetrics, HttpServerRejectsABusyPort) {
#ifndef FOVEA_HAVE_HTTPLIB
  GTEST_SKIP() << "built without cpp-httplib";
#else
  auto first = MetricsHttpServer::start("127.0.0.1", 0, [] { return std::string("x"); });
  ASSERT_TRUE(first.is_ok());
  auto second = MetricsHttpServer::start("127.0.0.1", (*first)->port(), [] { return std::string("y"); });
  ASSERT_FALSE(second.is_ok());
  EXPECT_NE(second.status().message().find("metrics_port"), std::string::npos);
#endif
}

}  // namespace
}  // namespace fovea::pipeline
