#include "pipeline/cuda/gpu_batch_stages.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "backends/cuda/cuda_check.h"
#include "core/logging.h"
#include "pipeline/vision_model_io.h"
#include "vision/image_format.h"

namespace fovea::pipeline::detail {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kFrameSlots = 2;   // double-buffered: one uploading while the other is encoded
constexpr size_t kOutputSlots = 2;  // one decoded while the engine writes the next batch's outputs
constexpr size_t kBatchRecords = 6; // batches in flight: queued + one per stage + slack
constexpr size_t kAlignment = 256;
// Pageable frames are copied into the pinned staging in chunks, so the DMA of one chunk overlaps
// the memcpy of the next.
constexpr size_t kStagingChunkBytes = size_t{1} << 20;

size_t align_up(size_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }

double mib(size_t bytes) { return static_cast<double>(bytes) / 1048576.0; }

bool is_page_locked(const void* p) {
  cudaPointerAttributes attributes{};
  const bool locked = p != nullptr && cudaPointerGetAttributes(&attributes, p) == cudaSuccess &&
                      attributes.type == cudaMemoryTypeHost;
  if (!locked) cudaGetLastError();  // pageable memory may be reported as an error
  return locked;
}

float elapsed_ms(cudaEvent_t a, cudaEvent_t b) {
  float ms = 0;
  if (cudaEventElapsedTime(&ms, a, b) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return ms;
}

}  // namespace

struct GpuBatchStages::FrameSlot {
  fovea::cuda::DeviceBuffer device;
  fovea::cuda::PinnedBuffer staging;  // only for pageable frames
  cudaEvent_t released = nullptr;     // recorded on the infer stream after the last encode read it
  bool in_use = false;                // `released` was recorded at least once
};

struct GpuBatchStages::OutputSlot {
  std::vector<fovea::cuda::DeviceBuffer> buffers;  // one per engine output, sized for max_batch
};

struct GpuBatchStages::Batch {
  std::vector<Frame> frames;         // host frames, kept alive by the caller until `done`
  std::vector<Frame> device_frames;  // the same frames with image.data in the frame slot
  BatchCompletion done;
  std::vector<FrameResult> results;
  Status status;
  StageTimes times;
  FrameSlot* frame_slot = nullptr;
  OutputSlot* output_slot = nullptr;
  std::vector<fovea::cuda::DeviceTensor> outputs;  // views into output_slot
  cudaEvent_t upload_start = nullptr, uploaded = nullptr, encode_start = nullptr, encoded = nullptr,
              inferred = nullptr;
};

int GpuBatchStages::max_batches_in_flight() { return static_cast<int>(kBatchRecords) + 1; }

Result<std::unique_ptr<GpuBatchStages>> GpuBatchStages::create(Hooks hooks, int max_batch,
                                                               std::vector<size_t> output_bytes,
                                                               std::string model_name) {
  std::unique_ptr<GpuBatchStages> s(new GpuBatchStages());
  s->hooks_ = std::move(hooks);
  s->model_name_ = std::move(model_name);
  FOVEA_RETURN_IF_ERROR(s->init(max_batch, output_bytes));
  return s;
}

Status GpuBatchStages::init(int max_batch, const std::vector<size_t>& output_bytes) {
  max_batch_ = std::max(1, max_batch);
  for (cudaStream_t* st : {&upload_stream_, &infer_stream_, &decode_stream_})
    FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamCreateWithFlags(st, cudaStreamNonBlocking));
  free_batches_ = std::make_unique<BoundedQueue<Batch*>>(kBatchRecords, QueuePolicy::kBlock);
  for (size_t i = 0; i < kBatchRecords; ++i) {
    auto b = std::make_unique<Batch>();
    for (cudaEvent_t* e : {&b->upload_start, &b->uploaded, &b->encode_start, &b->encoded, &b->inferred})
      FOVEA_CUDA_RETURN_IF_ERROR(cudaEventCreate(e));
    free_batches_->push(b.get());
    batches_.push_back(std::move(b));
  }
  free_frame_slots_ = std::make_unique<BoundedQueue<FrameSlot*>>(kFrameSlots, QueuePolicy::kBlock);
  for (size_t i = 0; i < kFrameSlots; ++i) {
    auto slot = std::make_unique<FrameSlot>();
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventCreateWithFlags(&slot->released, cudaEventDisableTiming));
    free_frame_slots_->push(slot.get());
    frame_slots_.push_back(std::move(slot));
  }
  free_output_slots_ = std::make_unique<BoundedQueue<OutputSlot*>>(kOutputSlots, QueuePolicy::kBlock);
  for (size_t i = 0; i < kOutputSlots; ++i) {
    auto slot = std::make_unique<OutputSlot>();
    for (size_t bytes : output_bytes) {
      FOVEA_ASSIGN_OR_RETURN(fovea::cuda::DeviceBuffer buf,
                             fovea::cuda::DeviceBuffer::allocate(bytes, "a pipeline output slot"));
      slot->buffers.push_back(std::move(buf));
    }
    free_output_slots_->push(slot.get());
    output_slots_.push_back(std::move(slot));
  }
  // The queues between stages hold at most what the batch records allow; depth 2 lets each stage
  // have the next batch ready when it finishes the current one.
  to_upload_ = std::make_unique<BoundedQueue<Batch*>>(2, QueuePolicy::kBlock);
  to_infer_ = std::make_unique<BoundedQueue<Batch*>>(2, QueuePolicy::kBlock);
  to_decode_ = std::make_unique<BoundedQueue<Batch*>>(2, QueuePolicy::kBlock);
  upload_thread_ = std::thread([this] { run_upload(); });
  infer_thread_ = std::thread([this] { run_infer(); });
  decode_thread_ = std::thread([this] { run_decode(); });
  return Status::ok();
}

GpuBatchStages::~GpuBatchStages() {
  if (to_upload_) to_upload_->close();  // each stage closes the next one's queue when it ends
  for (std::thread* t : {&upload_thread_, &infer_thread_, &decode_thread_})
    if (t->joinable()) t->join();
  for (cudaStream_t st : {upload_stream_, infer_stream_, decode_stream_})
    if (st) {
      cudaStreamSynchronize(st);
      cudaStreamDestroy(st);
    }
  for (auto& b : batches_)
    for (cudaEvent_t e : {b->upload_start, b->uploaded, b->encode_start, b->encoded, b->inferred})
      if (e) cudaEventDestroy(e);
  for (auto& slot : frame_slots_)
    if (slot->released) cudaEventDestroy(slot->released);
}

Result<std::string> GpuBatchStages::reserve(size_t frame_bytes, bool page_locked) {
  if (frame_bytes == 0) return std::string(fmt::format("'{}': GPU frame slots grown on demand", model_name_));
  const size_t slot_bytes = align_up(frame_bytes) * static_cast<size_t>(max_batch_);
  for (auto& slot : frame_slots_) {
    if (slot->device.size() < slot_bytes) {
      slot->device.reset();
      FOVEA_ASSIGN_OR_RETURN(slot->device, fovea::cuda::DeviceBuffer::allocate(slot_bytes, "a pipeline frame slot"));
    }
    if (!page_locked) FOVEA_RETURN_IF_ERROR(slot->staging.reserve(slot_bytes));
  }
  size_t out_bytes = 0;
  for (const auto& b : output_slots_.front()->buffers) out_bytes += b.size();
  return fmt::format("'{}': GPU frame slots {} x {} frames x {:.1f} MiB = {:.1f} MiB device{}, output slots {} x {:.1f} MiB",
                     model_name_, kFrameSlots, max_batch_, mib(align_up(frame_bytes)), mib(kFrameSlots * slot_bytes),
                     page_locked ? " (frames page-locked: no staging)"
                                 : fmt::format(" + {:.1f} MiB pinned staging", mib(kFrameSlots * slot_bytes)),
                     kOutputSlots, mib(out_bytes));
}

Status GpuBatchStages::run_on_infer_stream(const std::function<Status(cudaStream_t)>& work) {
  Status st = work(infer_stream_);
  const cudaError_t e = cudaStreamSynchronize(infer_stream_);
  FOVEA_RETURN_IF_ERROR(st);
  FOVEA_CUDA_RETURN_IF_ERROR(e);
  return Status::ok();
}

void GpuBatchStages::submit(std::vector<Frame> frames, BatchCompletion done) {
  std::optional<Batch*> b = free_batches_->pop();  // blocks while every record is in flight
  if (!b) {
    done(internal_error("model '{}': the GPU stages are shut down", model_name_), StageTimes{});
    return;
  }
  Batch& batch = **b;
  batch.frames = std::move(frames);
  batch.done = std::move(done);
  batch.results = results_for(batch.frames);
  batch.status = Status::ok();
  batch.times = StageTimes{};
  batch.frame_slot = nullptr;
  batch.output_slot = nullptr;
  batch.outputs.clear();
  {
    std::lock_guard lock(drain_mutex_);
    ++submitted_;
  }
  to_upload_->push(&batch);
}

void GpuBatchStages::drain() {
  std::unique_lock lock(drain_mutex_);
  drain_cv_.wait(lock, [&] { return completed_ == submitted_; });
}

void GpuBatchStages::run_upload() {
  while (std::optional<Batch*> b = to_upload_->pop()) {
    Batch& batch = **b;
    if (batch.status.is_ok()) batch.status = upload(batch);
    to_infer_->push(&batch);
  }
  to_infer_->close();
}

// Copies every distinct frame (crops of one frame share it) into a free frame slot.
Status GpuBatchStages::upload(Batch& b) {
  std::optional<FrameSlot*> got = free_frame_slots_->pop();
  if (!got) return internal_error("model '{}': the GPU stages are shut down", model_name_);
  FrameSlot& slot = **got;
  b.frame_slot = &slot;
  // The last batch that used this slot must be done reading it before it is overwritten.
  if (slot.in_use) FOVEA_CUDA_RETURN_IF_ERROR(cudaEventSynchronize(slot.released));

  std::vector<size_t> offsets(b.frames.size());
  std::vector<int> same_as(b.frames.size(), -1);
  size_t need = 0;
  for (size_t i = 0; i < b.frames.size(); ++i) {
    for (size_t j = 0; j < i && same_as[i] < 0; ++j)
      if (b.frames[j].image.data == b.frames[i].image.data && same_as[j] < 0) same_as[i] = static_cast<int>(j);
    if (same_as[i] >= 0) continue;
    offsets[i] = need;
    need += align_up(vision::required_bytes(b.frames[i].image));
  }
  bool any_pageable = false;
  std::vector<bool> locked(b.frames.size(), false);
  for (size_t i = 0; i < b.frames.size(); ++i)
    if (same_as[i] < 0) {
      locked[i] = is_page_locked(b.frames[i].image.data);
      any_pageable |= !locked[i];
    }
  if (slot.device.size() < need) {
    log::info("model '{}': growing a GPU frame slot to {:.1f} MiB for a batch of larger frames", model_name_, mib(need));
    slot.device.reset();
    FOVEA_ASSIGN_OR_RETURN(slot.device, fovea::cuda::DeviceBuffer::allocate(need, "a pipeline frame slot"));
  }
  if (any_pageable && slot.staging.size() < need) FOVEA_RETURN_IF_ERROR(slot.staging.reserve(need));

  FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(b.upload_start, upload_stream_));
  std::byte* device = slot.device.bytes_ptr();
  b.device_frames = b.frames;
  for (size_t i = 0; i < b.frames.size(); ++i) {
    if (same_as[i] >= 0) {
      b.device_frames[i].image.data = b.device_frames[static_cast<size_t>(same_as[i])].image.data;
      continue;
    }
    const auto* src = reinterpret_cast<const std::byte*>(b.frames[i].image.data);
    const size_t bytes = vision::required_bytes(b.frames[i].image);
    std::byte* dst = device + offsets[i];
    if (locked[i]) {
      FOVEA_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, upload_stream_));
    } else {
      std::byte* staging = slot.staging.data() + offsets[i];
      for (size_t done = 0; done < bytes; done += kStagingChunkBytes) {
        const size_t n = std::min(kStagingChunkBytes, bytes - done);
        std::memcpy(staging + done, src + done, n);
        FOVEA_CUDA_RETURN_IF_ERROR(
            cudaMemcpyAsync(dst + done, staging + done, n, cudaMemcpyHostToDevice, upload_stream_));
      }
    }
    b.device_frames[i].image.data = reinterpret_cast<const uint8_t*>(dst);
    b.device_frames[i].image.size_bytes = bytes;
  }
  FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(b.uploaded, upload_stream_));
  return Status::ok();
}

void GpuBatchStages::run_infer() {
  while (std::optional<Batch*> b = to_infer_->pop()) {
    Batch& batch = **b;
    if (batch.status.is_ok()) batch.status = encode_and_infer(batch);
    if (batch.frame_slot) {  // free the frame slot even when a stage failed
      if (cudaEventRecord(batch.frame_slot->released, infer_stream_) == cudaSuccess) batch.frame_slot->in_use = true;
      free_frame_slots_->push(batch.frame_slot);
      batch.frame_slot = nullptr;
    }
    to_decode_->push(&batch);
  }
  to_decode_->close();
}

Status GpuBatchStages::encode_and_infer(Batch& b) {
  FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamWaitEvent(infer_stream_, b.uploaded));
  FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(b.encode_start, infer_stream_));
  FOVEA_RETURN_IF_ERROR(hooks_.encode(b.device_frames, b.results, infer_stream_));
  FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(b.encoded, infer_stream_));
  FOVEA_RETURN_IF_ERROR(hooks_.infer(infer_stream_));
  FOVEA_ASSIGN_OR_RETURN(std::vector<fovea::cuda::DeviceTensor> outputs, hooks_.outputs());
  std::optional<OutputSlot*> got = free_output_slots_->pop();
  if (!got) return internal_error("model '{}': the GPU stages are shut down", model_name_);
  b.output_slot = *got;
  if (outputs.size() != b.output_slot->buffers.size())
    return internal_error("model '{}': {} outputs, {} output slot buffers", model_name_, outputs.size(),
                          b.output_slot->buffers.size());
  // A copy lets the engine write the next batch's outputs while this one is decoded.
  for (size_t i = 0; i < outputs.size(); ++i) {
    fovea::cuda::DeviceBuffer& dst = b.output_slot->buffers[i];
    if (outputs[i].nbytes() > dst.size())
      return internal_error("model '{}': output {} needs {} bytes, its slot has {}", model_name_, i,
                            outputs[i].nbytes(), dst.size());
    FOVEA_CUDA_RETURN_IF_ERROR(
        cudaMemcpyAsync(dst.bytes_ptr(), outputs[i].data, outputs[i].nbytes(), cudaMemcpyDeviceToDevice, infer_stream_));
    fovea::cuda::DeviceTensor view = outputs[i];
    view.data = dst.bytes_ptr();
    b.outputs.push_back(view);
  }
  FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(b.inferred, infer_stream_));
  return Status::ok();
}

void GpuBatchStages::run_decode() {
  while (std::optional<Batch*> b = to_decode_->pop()) {
    Batch& batch = **b;
    if (batch.status.is_ok()) {
      // Waiting here first keeps decode_ms the decoder's own time.
      if (cudaError_t e = cudaEventSynchronize(batch.inferred); e != cudaSuccess)
        batch.status = internal_error("model '{}': inference failed on the GPU: {}", model_name_, cudaGetErrorString(e));
    }
    if (batch.status.is_ok()) {
      const auto t0 = Clock::now();
      batch.status = hooks_.decode(batch.outputs, batch.results, batch.times, decode_stream_);
      batch.times.decode_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count() - batch.times.download_ms;
      batch.times.upload_ms = elapsed_ms(batch.upload_start, batch.uploaded);
      batch.times.encode_ms = elapsed_ms(batch.encode_start, batch.encoded);
      batch.times.infer_ms = elapsed_ms(batch.encoded, batch.inferred);
    }
    finish(&batch);
  }
}

void GpuBatchStages::finish(Batch* b) {
  if (b->output_slot) free_output_slots_->push(b->output_slot);
  b->output_slot = nullptr;
  b->outputs.clear();
  BatchCompletion done = std::move(b->done);
  const StageTimes times = b->times;
  Result<std::vector<FrameResult>> results =
      b->status.is_ok() ? Result<std::vector<FrameResult>>(std::move(b->results))
                        : Result<std::vector<FrameResult>>(b->status);
  b->frames.clear();
  b->device_frames.clear();
  b->results.clear();
  // The record goes back before `done`, so a completion that submits again cannot deadlock.
  free_batches_->push(b);
  if (done) done(std::move(results), times);
  {
    std::lock_guard lock(drain_mutex_);
    ++completed_;
  }
  drain_cv_.notify_all();
}

}  // namespace fovea::pipeline::detail
