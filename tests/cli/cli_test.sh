#!/usr/bin/env bash
# End-to-end tests of the `fovea` command line: inspect and infer on small models, and the error
# exits (non-zero, with a message on stderr). Usage: cli_test.sh path/to/fovea
# Models are written with Debian's python3-onnx when /usr/bin/python3 has it; otherwise only the
# ONNX node test model test_add is used.
set -u
FOVEA=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PY=/usr/bin/python3
ADD_MODEL=/usr/share/libonnx-testdata/data/node/test_add/model.onnx
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }

# expect_ok NAME CMD...: exit 0; stdout in $WORK/out, stderr in $WORK/err.
expect_ok() {
  local name=$1; shift
  if "$@" >"$WORK/out" 2>"$WORK/err"; then pass "$name"; else fail "$name (exit $?): $(cat "$WORK/err")"; fi
}
# expect_error NAME PATTERN CMD...: non-zero exit and PATTERN in stderr.
expect_error() {
  local name=$1 pattern=$2; shift 2
  "$@" >"$WORK/out" 2>"$WORK/err"
  local rc=$?
  if [ $rc -eq 0 ]; then fail "$name: exit 0, expected an error"; return; fi
  if [ $rc -ge 128 ]; then fail "$name: killed by a signal (exit $rc)"; return; fi
  if ! grep -q -- "$pattern" "$WORK/err"; then fail "$name: stderr lacks '$pattern': $(cat "$WORK/err")"; return; fi
  pass "$name"
}
# expect_in NAME PATTERN FILE
expect_in() { if grep -q -- "$2" "$3"; then pass "$1"; else fail "$1: '$2' not in $(cat "$3")"; fi; }

expect_ok "--version" "$FOVEA" --version
expect_in "--version prints the version" "fovea [0-9]" "$WORK/out"
expect_error "no subcommand" "subcommand" "$FOVEA"
expect_error "unknown flag" "--bogus" "$FOVEA" inspect "$ADD_MODEL" --bogus
expect_error "bad --log-level" "log-level" "$FOVEA" --log-level loud inspect "$ADD_MODEL"
expect_ok "--log-level debug" "$FOVEA" --log-level debug inspect "$ADD_MODEL"

# --- inspect and infer on ONNX's test_add (x + y, float32 [3,4,5]) ---
if [ -f "$ADD_MODEL" ]; then
  expect_ok "inspect test_add" "$FOVEA" inspect "$ADD_MODEL"
  expect_in "inspect lists op Add" "Add" "$WORK/out"
  expect_in "inspect shows input x" "x .*float32 *\[3,4,5\]" "$WORK/out"
  expect_in "inspect counts 60 FLOPs" "(60;" "$WORK/out"
  expect_ok "inspect --json" "$FOVEA" inspect "$ADD_MODEL" --json
  expect_in "json has opset" '"opset": ' "$WORK/out"
  cp "$WORK/out" "$WORK/add.json"
  if [ -x "$PY" ]; then
    expect_ok "json parses" "$PY" -c "import json,sys; d=json.load(open('$WORK/add.json')); assert d['flops']==60 and d['op_histogram'][0]['op_type']=='Add'"
  fi

  expect_ok "infer random" "$FOVEA" infer "$ADD_MODEL" --input x=random --input y=random --output-dir "$WORK/o1" --iterations 3 --warmUp 1 --verbose
  [ -s "$WORK/o1/sum.npy" ] && pass "infer wrote sum.npy" || fail "infer wrote no sum.npy"
  expect_in "infer prints latency" "median" "$WORK/out"
  expect_in "infer prints the output summary" "sum .*float32 \[3,4,5\]" "$WORK/out"
  expect_in "--verbose prints node timings" "slowest nodes" "$WORK/out"

  expect_error "missing input" "'y'" "$FOVEA" infer "$ADD_MODEL" --input x=random --output-dir "$WORK/o2"
  expect_error "unknown input" "'z'" "$FOVEA" infer "$ADD_MODEL" --input x=random --input y=random --input z=random --output-dir "$WORK/o2"
  expect_error "unreadable npy" "nonexistent.npy" "$FOVEA" infer "$ADD_MODEL" --input x="$WORK/nonexistent.npy" --input y=random --output-dir "$WORK/o2"
  printf 'not a numpy file' >"$WORK/garbage.npy"
  expect_error "corrupt npy" "garbage.npy" "$FOVEA" infer "$ADD_MODEL" --input x="$WORK/garbage.npy" --input y=random --output-dir "$WORK/o2"
  expect_error "malformed --input" "NAME=" "$FOVEA" infer "$ADD_MODEL" --input x --output-dir "$WORK/o2"
  # Without a usable GPU (CI), every GPU command says why instead of failing obscurely.
  expect_error "--device gpu" "GPU" "$FOVEA" infer "$ADD_MODEL" --input x=random --input y=random --output-dir "$WORK/o2" --device gpu
  if ! "$FOVEA" devices 2>/dev/null | grep -q "^gpu [0-9]"; then
    expect_error "build without a GPU" "GPU" "$FOVEA" build "$ADD_MODEL" -o "$WORK/add.plan"
    expect_error "bench without a GPU" "GPU" "$FOVEA" bench "$ADD_MODEL"
    expect_error "validate without a GPU" "GPU" "$FOVEA" validate "$ADD_MODEL" --plan "$WORK/add.plan"
  fi
  expect_error "--device tpu" "tpu" "$FOVEA" infer "$ADD_MODEL" --input x=random --input y=random --output-dir "$WORK/o2" --device tpu
  expect_error "--iterations 0" "iterations" "$FOVEA" infer "$ADD_MODEL" --input x=random --input y=random --output-dir "$WORK/o2" --iterations 0
  expect_error "missing model" "nonexistent.onnx" "$FOVEA" inspect "$WORK/nonexistent.onnx"

  if [ -x "$PY" ] && "$PY" -c "import numpy" 2>/dev/null; then
    "$PY" -c "
import numpy as np
r = np.random.default_rng(1)
np.save('$WORK/x.npy', r.random((3, 4, 5), dtype=np.float32))
np.save('$WORK/y.npy', r.random((3, 4, 5), dtype=np.float32))
np.save('$WORK/x64.npy', r.random((3, 4, 5)))
np.save('$WORK/xbad.npy', r.random((3, 4), dtype=np.float32))
np.save('$WORK/xbe.npy', np.load('$WORK/x.npy').astype('>f4'))"
    expect_ok "infer from .npy" "$FOVEA" infer "$ADD_MODEL" --input x="$WORK/x.npy" --input y="$WORK/y.npy" --output-dir "$WORK/o3"
    expect_ok "output equals x + y" "$PY" -c "
import numpy as np
s = np.load('$WORK/o3/sum.npy'); e = np.load('$WORK/x.npy') + np.load('$WORK/y.npy')
assert s.dtype == np.float32 and s.shape == (3, 4, 5) and np.allclose(s, e, rtol=1e-6), (s, e)"
    expect_ok "infer from big-endian .npy" "$FOVEA" infer "$ADD_MODEL" --input x="$WORK/xbe.npy" --input y="$WORK/y.npy" --output-dir "$WORK/o4"
    expect_ok "big-endian input gives the same output" cmp "$WORK/o3/sum.npy" "$WORK/o4/sum.npy"
    expect_error "dtype mismatch" "float64" "$FOVEA" infer "$ADD_MODEL" --input x="$WORK/x64.npy" --input y="$WORK/y.npy" --output-dir "$WORK/o2"
    expect_error "shape mismatch" "\[3,4\]" "$FOVEA" infer "$ADD_MODEL" --input x="$WORK/xbad.npy" --input y="$WORK/y.npy" --output-dir "$WORK/o2"
  fi
else
  echo "skip: $ADD_MODEL not installed"
fi

# --- models written with python3-onnx: symbolic batch, odd output names, an unsupported op ---
if [ -x "$PY" ] && "$PY" -c "import onnx, numpy" 2>/dev/null; then
  "$PY" - "$WORK" <<'PYEOF'
import sys, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
work = sys.argv[1]
w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(3, 4), "W")
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])
y = helper.make_tensor_value_info("out/put:0", TensorProto.FLOAT, ["batch", 4])
g = helper.make_graph([helper.make_node("MatMul", ["x", "W"], ["mm"], name="mm"),
                       helper.make_node("Relu", ["mm"], ["out/put:0"], name="relu")], "g", [x], [y], [w])
m = helper.make_model(g, producer_name="cli_test", opset_imports=[helper.make_opsetid("", 13)])
m.ir_version = 8
onnx.save(m, work + "/matmul.onnx")
g2 = helper.make_graph([helper.make_node("NotARealOp", ["x"], ["y"], name="weird")], "g2",
                       [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                       [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
m2 = helper.make_model(g2, producer_name="cli_test", opset_imports=[helper.make_opsetid("", 13)])
m2.ir_version = 8
onnx.save(m2, work + "/unsupported.onnx")
PYEOF
  M="$WORK/matmul.onnx"
  expect_ok "inspect symbolic batch" "$FOVEA" inspect "$M"
  expect_in "symbolic dim shown by name" "\[batch,3\]" "$WORK/out"
  expect_in "batch assumed 1" "'batch') = 1" "$WORK/out"
  expect_ok "inspect --json symbolic" "$FOVEA" inspect "$M" --json
  cp "$WORK/out" "$WORK/matmul.json"
  expect_ok "matmul FLOPs and params" "$PY" -c "
import json; d = json.load(open('$WORK/matmul.json'))
assert d['flops'] == 2*3*4 + 4, d['flops']
assert d['parameter_count'] == 12 and d['parameter_bytes'] == 48
assert d['inputs'][0]['shape'] == ['batch', 3] and d['producer'].startswith('cli_test')"
  expect_ok "inspect --shapes batch 8" "$FOVEA" inspect "$M" --json --shapes x:8x3
  cp "$WORK/out" "$WORK/matmul8.json"
  expect_ok "FLOPs scale with --shapes" "$PY" -c "import json; assert json.load(open('$WORK/matmul8.json'))['flops'] == 8 * 28"
  expect_error "--shapes wrong rank" "shape \[8\]" "$FOVEA" inspect "$M" --shapes x:8
  expect_error "--shapes unknown input" "'nope'" "$FOVEA" inspect "$M" --shapes nope:1x3

  expect_ok "infer symbolic batch, --shapes" "$FOVEA" infer "$M" --input x=random --shapes x:2x3 --output-dir "$WORK/o5"
  [ -s "$WORK/o5/out_put_0.npy" ] && pass "output file name sanitized" || fail "no out_put_0.npy in $(ls "$WORK/o5")"
  expect_ok "output has batch 2" "$PY" -c "import numpy as np; a = np.load('$WORK/o5/out_put_0.npy'); assert a.shape == (2, 4) and (a >= 0).all()"
  expect_ok "infer symbolic batch defaults to 1" "$FOVEA" infer "$M" --input x=random --output-dir "$WORK/o6"
  expect_in "default batch is said" "assumed" "$WORK/out"
  expect_ok "default output has batch 1" "$PY" -c "import numpy as np; assert np.load('$WORK/o6/out_put_0.npy').shape == (1, 4)"

  expect_ok "inspect with an unsupported op" "$FOVEA" inspect "$WORK/unsupported.onnx"
  expect_in "unsupported op reported" "NotARealOp" "$WORK/out"
  expect_ok "inspect --json with an unsupported op" "$FOVEA" inspect "$WORK/unsupported.onnx" --json
  expect_in "json unsupported op" '"unsupported_ops": ".*NotARealOp' "$WORK/out"
  expect_error "infer with an unsupported op" "NotARealOp" "$FOVEA" infer "$WORK/unsupported.onnx" --input x=random --output-dir "$WORK/o7"
else
  echo "skip: /usr/bin/python3 with onnx and numpy not available"
fi

# --- fovea eval: a constant-output 2-class detector on a 3-image dataset with a known mAP ---
# The model ignores its 32x32 input and always predicts class 0 at [8,8,16,16] (score .9) and
# class 1 at [4,20,8,8] (score .8). Image 1 holds the class-0 object, image 2 the class-1 one,
# image 3 nothing. Class 0: TP, FP, FP at equal scores (image id order) -> AP 1; class 1: FP, TP,
# FP -> precision envelope .5 -> AP .5; the boxes are exact, so mAP = .75 at every IoU threshold.
if "$PY" -c "import onnx, numpy" 2>/dev/null; then
  E="$WORK/eval"; mkdir -p "$E/ds/images"
  "$PY" - "$E" <<'PYEOF'
import sys, numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
out = sys.argv[1]
c = np.zeros((1, 6, 8), np.float32)
c[0, :, 0] = [16, 16, 16, 16, 0.9, 0.0]   # cx, cy, w, h, class 0, class 1
c[0, :, 1] = [8, 24, 8, 8, 0.0, 0.8]
nodes = [helper.make_node("ReduceMean", ["images"], ["m"], axes=[1, 2, 3], keepdims=1),
         helper.make_node("Reshape", ["m", "shape"], ["r"]),  # [batch, 1, 1]
         helper.make_node("Mul", ["r", "zero"], ["z"]), helper.make_node("Add", ["z", "c"], ["output0"])]
g = helper.make_graph(nodes, "const_detector",
                      [helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 3, 32, 32])],
                      [helper.make_tensor_value_info("output0", TensorProto.FLOAT, ["batch", 6, 8])],
                      [numpy_helper.from_array(np.array(0, np.float32), "zero"), numpy_helper.from_array(c, "c"),
                       numpy_helper.from_array(np.array([-1, 1, 1], np.int64), "shape")])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), out + "/det.onnx")
PYEOF
  for i in 1 2 3; do { printf 'P6\n32 32\n255\n'; head -c 3072 /dev/zero; } >"$E/ds/images/$i.ppm"; done
  printf 'a\nb\n' >"$E/labels.txt"
  cat >"$E/ds/annotations.json" <<'JSONEOF'
{"images": [{"id": 1, "file_name": "1.ppm", "width": 32, "height": 32}, {"id": 2, "file_name": "2.ppm", "width": 32, "height": 32},
            {"id": 3, "file_name": "3.ppm", "width": 32, "height": 32}],
 "categories": [{"id": 5, "name": "a"}, {"id": 9, "name": "b"}],
 "annotations": [{"id": 1, "image_id": 1, "category_id": 5, "bbox": [8, 8, 16, 16], "area": 256, "iscrowd": 0},
                 {"id": 2, "image_id": 2, "category_id": 9, "bbox": [4, 20, 8, 8], "area": 64, "iscrowd": 0}]}
JSONEOF
  expect_ok "eval on a 3-image dataset" "$FOVEA" eval --model "$E/det.onnx" --dataset "$E/ds" --labels "$E/labels.txt" \
    --batch 2 --json "$E/r.json" --cocoResults "$E/coco.json"
  expect_in "eval prints mAP@0.5" "mAP@0.5  *0.750" "$WORK/out"
  expect_in "eval prints mAP@0.5:0.95" "mAP@0.5:0.95  *0.750" "$WORK/out"
  expect_in "eval prints images/s" "images/s" "$WORK/out"
  expect_ok "eval JSON numbers" "$PY" -c "
import json; r = json.load(open('$E/r.json')); c = {x['name']: x for x in r['classes']}
assert abs(r['map50'] - 0.75) < 1e-9 and abs(r['map50_95'] - 0.75) < 1e-9, r
assert abs(c['a']['ap50_95'] - 1) < 1e-9 and abs(c['b']['ap50_95'] - 0.5) < 1e-9 and c['b']['category_id'] == 9, c
assert r['images_evaluated'] == 3 and r['timing']['images_per_s'] > 0
d = json.load(open('$E/coco.json')); assert len(d) == 6 and {x['category_id'] for x in d} == {5, 9}, d"
  printf '{"images": [{"id": 1, "file_name": "1.ppm", "width": 32}], "categories": [{"id": 0, "name": "a"}], "annotations": []}' \
    >"$E/bad.json"
  expect_error "eval names a bad annotation field" "images\[0\]: missing field \"height\"" \
    "$FOVEA" eval --model "$E/det.onnx" --dataset "$E/ds" --annotations "$E/bad.json"
  rm "$E/ds/images/3.ppm"
  "$FOVEA" eval --model "$E/det.onnx" --dataset "$E/ds" >"$WORK/out" 2>"$WORK/err"
  [ $? -eq 2 ] && pass "eval exits 2 when an image fails" || fail "eval with a missing image: expected exit 2"
  expect_in "eval names the missing image" "3.ppm" "$WORK/err"
else
  echo "skip: fovea eval checks need /usr/bin/python3 with onnx and numpy"
fi

# --- fovea detect: a folder of 2 images + 1 corrupt file on the YOLOv8n-architecture model (CPU) ---
YOLO_MODEL=$(dirname "$0")/../../models/demo/detector.onnx
if [ -f "$YOLO_MODEL" ]; then
  D=$WORK/detect
  mkdir -p "$D/in"
  { printf 'P6\n96 64\n255\n'; head -c $((96 * 64 * 3)) /dev/urandom; } >"$D/in/a.ppm"
  { printf 'P6\n50 80\n255\n'; head -c $((50 * 80 * 3)) /dev/urandom; } >"$D/in/b.ppm"
  printf 'this is not a jpeg' >"$D/in/c_corrupt.jpg"
  printf 'ignored' >"$D/in/notes.txt"
  OMP_NUM_THREADS=2 "$FOVEA" detect --model "$YOLO_MODEL" --conf 0.3 "$D/in" --out "$D/out" >"$WORK/out" 2>"$WORK/err"
  rc=$?
  [ $rc -eq 2 ] && pass "detect exits 2 when an input fails" || fail "detect with a corrupt file: exit $rc, expected 2: $(cat "$WORK/err")"
  expect_in "detect names the corrupt file" "c_corrupt.jpg.*not a supported image" "$WORK/err"
  [ -s "$D/out/a.json" ] && [ -s "$D/out/b.json" ] && pass "detect wrote one JSON per image" || fail "detect JSONs missing: $(ls "$D/out")"
  [ ! -e "$D/out/c_corrupt.json" ] && pass "no JSON for the corrupt file" || fail "a JSON for the corrupt file"
  [ -s "$D/out/a.png" ] && [ -s "$D/out/b.png" ] && pass "detect wrote annotated images" || fail "annotated images missing: $(ls "$D/out")"
  [ -s "$D/out/coco_results.json" ] && pass "detect wrote coco_results.json" || fail "no coco_results.json"
  expect_in "detect prints the stage timing" "infer .*[0-9]" "$WORK/out"
  expect_in "detect counts the failure" "2 images, 0 video frames, .* 1 failed" "$WORK/out"
  if [ -x "$PY" ]; then
    expect_ok "detect JSONs parse" "$PY" -c "
import json
a = json.load(open('$D/out/a.json')); c = json.load(open('$D/out/coco_results.json'))
assert a['width'] == 96 and a['height'] == 64 and a['source'].endswith('a.ppm'), a
for d in a['detections']:
    x1, y1, x2, y2 = d['box']; assert 0 <= x1 < x2 <= 96 and 0 <= y1 < y2 <= 64 and d['score'] > 0.3, d
assert all(set(r) == {'image_id', 'category_id', 'bbox', 'score'} for r in c)
assert {r['image_id'] for r in c} <= {1, 2}
assert len(c) == len(a['detections']) + len(json.load(open('$D/out/b.json'))['detections'])"
  fi
  OMP_NUM_THREADS=2 expect_ok "detect one file, --noImages --json --batch 2" "$FOVEA" detect --model "$YOLO_MODEL" \
    --conf 0.3 --batch 2 --noImages --json "$D/in/a.ppm" "$D/in/b.ppm" --out "$D/out2"
  [ ! -e "$D/out2/a.png" ] && [ -s "$D/out2/a.json" ] && pass "--noImages writes JSON only" || fail "--noImages: $(ls "$D/out2")"
  cp "$WORK/out" "$D/summary.json"
  if [ -x "$PY" ]; then
    expect_ok "--json summary parses" "$PY" -c "
import json; s = json.load(open('$D/summary.json')); assert s['images'] == 2 and s['failed'] == [] and s['timing_ms']['infer']['count'] == 1, s"
    expect_ok "batch of 2 equals singles" "$PY" -c "
import json
for n in ('a', 'b'):
    x = json.load(open('$D/out/%s.json' % n))['detections']; y = json.load(open('$D/out2/%s.json' % n))['detections']
    assert len(x) == len(y) and all(abs(p - q) < 0.02 for u, v in zip(x, y) for p, q in zip(u['box'], v['box'])), n"
  fi
  "$FOVEA" detect --model "$YOLO_MODEL" "$D/in/a.ppm" "$D/missing.png" --noImages --out "$D/out3" >"$WORK/out" 2>"$WORK/err"
  [ $? -eq 2 ] && pass "detect exits 2 for a missing input" || fail "detect with a missing input: expected exit 2"
  expect_in "detect names the missing input" "missing.png: no such file" "$WORK/err"
  [ -s "$D/out3/a.json" ] && pass "the run goes on after a missing input" || fail "no a.json after a missing input"
  expect_error "detect with a bad model" "not_a_model.onnx" "$FOVEA" detect --model "$D/not_a_model.onnx" "$D/in" --out "$D/o4"
  expect_error "detect --networkSize checked" "networkSize" "$FOVEA" detect --model "$YOLO_MODEL" --networkSize 64 "$D/in" --out "$D/o5"
  printf 'not a plan' >"$D/model.plan"
  expect_error "detect of a .plan on the CPU" "only on the GPU" "$FOVEA" detect --model "$D/model.plan" "$D/in" --out "$D/o6"
else
  echo "skip: fovea detect checks need models/demo/detector.onnx"
fi

# fovea run: a finite image folder through the CPU demo detector; every frame accounted for.
SAMPLES=$(dirname "$0")/../../models/demo/samples/images
if [ -f "$YOLO_MODEL" ] && [ -d "$SAMPLES" ]; then
  R="$WORK/run"
  mkdir -p "$R"
  cat >"$R/pipeline.yaml" <<YAML
sources:
  - {name: samples, type: image_folder, path: $(cd "$SAMPLES" && pwd)}
models:
  - {name: detector, model_file_path: $(cd "$(dirname "$YOLO_MODEL")" && pwd)/detector.onnx, device: cpu, max_batch_size: 2}
sinks:
  - {name: out, type: json_lines, path: $R/detections.jsonl}
deadline_ms: 0
metrics_port: -1
summary_path: $R/summary.json
YAML
  expect_ok "run a pipeline over the sample images" "$FOVEA" run "$R/pipeline.yaml" --no-progress
  expect_ok "run: 5 frames in, 5 processed, none dropped, 5 JSON lines" "$PY" -c "
import json; s = json.load(open('$R/summary.json')); lane = s['lanes'][0]
assert lane['entered'] == 5 and lane['processed'] == 5 and sum(lane['dropped'].values()) == 0, lane
lines = open('$R/detections.jsonl').read().splitlines(); assert len(lines) == 5, len(lines)"
  printf 'sources: []\nbogus_key: 1\n' >"$R/bad.yaml"
  expect_error "run: a bad config names the key" "bogus_key" "$FOVEA" run "$R/bad.yaml"
else
  echo "skip: fovea run checks need the demo detector and samples"
fi

if [ $failures -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
