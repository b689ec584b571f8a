// The GPU model's pipelined stages behind VisionModel::submit: three threads, each with its own
// CUDA stream, joined by bounded queues that carry device buffers plus the CUDA event after which
// they are ready — no host copy between the frame's upload and the decoder:
//
//   upload (stream U)  host frames -> a device frame slot: page-locked frames are DMA'd straight
//                      from the caller's memory, pageable ones through the slot's pinned staging;
//                      records `uploaded`.
//   infer  (stream I)  waits for `uploaded` on the device; encodes every frame from the slot into
//                      the engine's input (the slot is free again after the event `encoded`), runs
//                      the engine (its CUDA graph), copies the outputs into an output slot;
//                      records `inferred`.
//   decode (stream D)  waits for `inferred`; threshold, top-k and NMS on the device, download of
//                      the survivors, mapping to original pixels; the output slot is free again;
//                      calls the batch's completion.
//
// So batch k+1 uploads while batch k runs the engine and batch k-1 is decoded. Two frame slots
// (double-buffered), two output slots and a fixed number of batch records bound everything;
// reserve() allocates the slots up front from the frame size the pipeline reports (a frame larger
// than that grows its slot, logged). The model supplies the work of each stage (Hooks).
#pragma once

#include <cuda_runtime.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backends/cuda/gpu_kernel.h"
#include "core/status.h"
#include "engine/cuda/device_buffer.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/vision_model.h"

namespace fovea::pipeline::detail {

class GpuBatchStages {
 public:
  struct Hooks {
    // Infer thread: encode frames (their images already in DEVICE memory) into the engine input,
    // set results[i].transform, and enqueue the engine; all on `stream`, nothing synchronizes.
    std::function<Status(const std::vector<Frame>& device_frames, std::vector<FrameResult>& results,
                         cudaStream_t stream)>
        encode;
    std::function<Status(cudaStream_t stream)> infer;
    // The engine's output tensors at the current batch (infer thread, after infer).
    std::function<Result<std::vector<fovea::cuda::DeviceTensor>>()> outputs;
    // Decode thread: decode the outputs (copies in an output slot) into results on `stream`.
    std::function<Status(const std::vector<fovea::cuda::DeviceTensor>& outputs, std::vector<FrameResult>& results,
                         StageTimes& times, cudaStream_t stream)>
        decode;
  };

  // output_bytes: each engine output's size at max_batch frames (the output slots' sizes).
  static Result<std::unique_ptr<GpuBatchStages>> create(Hooks hooks, int max_batch, std::vector<size_t> output_bytes,
                                                        std::string model_name);
  ~GpuBatchStages();
  GpuBatchStages(const GpuBatchStages&) = delete;
  GpuBatchStages& operator=(const GpuBatchStages&) = delete;

  // Batch records (6) plus the batch a caller may hold while submit() waits for one.
  static int max_batches_in_flight();

  Result<std::string> reserve(size_t frame_bytes, bool page_locked);
  // Runs `work` on the infer stream and waits for it (before any submit: warm-up).
  Status run_on_infer_stream(const std::function<Status(cudaStream_t)>& work);
  void submit(std::vector<Frame> frames, BatchCompletion done);
  void drain();

 private:
  struct Batch;
  struct FrameSlot;
  struct OutputSlot;
  GpuBatchStages() = default;
  Status init(int max_batch, const std::vector<size_t>& output_bytes);
  void run_upload();
  void run_infer();
  void run_decode();
  Status upload(Batch& b);
  Status encode_and_infer(Batch& b);
  void finish(Batch* b);

  Hooks hooks_;
  std::string model_name_;
  int max_batch_ = 1;
  cudaStream_t upload_stream_ = nullptr, infer_stream_ = nullptr, decode_stream_ = nullptr;
  std::vector<std::unique_ptr<Batch>> batches_;
  std::vector<std::unique_ptr<FrameSlot>> frame_slots_;
  std::vector<std::unique_ptr<OutputSlot>> output_slots_;
  std::unique_ptr<BoundedQueue<Batch*>> free_batches_, to_upload_, to_infer_, to_decode_;
  std::unique_ptr<BoundedQueue<FrameSlot*>> free_frame_slots_;
  std::unique_ptr<BoundedQueue<OutputSlot*>> free_output_slots_;
  std::thread upload_thread_, infer_thread_, decode_thread_;
  std::mutex drain_mutex_;
  std::condition_variable drain_cv_;
  uint64_t submitted_ = 0, completed_ = 0;
};

}  // namespace fovea::pipeline::detail
