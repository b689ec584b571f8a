#!/usr/bin/env python3
"""Runs an ONNX model with ONNX Runtime (CPU) on .npy inputs and writes one .npy per output.

    python3 ort_reference.py MODEL.onnx --input NAME=FILE.npy [--input ...] --output-dir DIR
                             [--threads N] [--optimization all|basic|extended|disable]

Each output is written to DIR/<name>.npy, the name made safe as fovea does: every character
outside [A-Za-z0-9._-] becomes '_' (an empty name becomes '_'). Prints one line per output
("output NAME SHAPE DTYPE FILE"). `fovea validate --reference onnxruntime` calls this script
with python3 when Node's onnxruntime is not installed.

Exit status: 0 on success, 2 for a usage or input error (message on stderr naming the input or
file at fault), 3 when ONNX Runtime cannot load or run the model.
"""
import argparse
import os
import re
import sys

USAGE_ERROR = 2
RUNTIME_ERROR = 3

# ONNX Runtime's tensor type strings for the element types fovea reads and writes.
ORT_TYPE_TO_NUMPY = {
    "tensor(float)": "float32", "tensor(double)": "float64", "tensor(float16)": "float16",
    "tensor(int64)": "int64", "tensor(int32)": "int32", "tensor(int16)": "int16", "tensor(int8)": "int8",
    "tensor(uint8)": "uint8", "tensor(uint16)": "uint16", "tensor(uint32)": "uint32",
    "tensor(uint64)": "uint64", "tensor(bool)": "bool",
}


class UsageError(Exception):
    pass


def sanitized_file_stem(name):
    """The output name as a file name: characters outside [A-Za-z0-9._-] become '_'."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    return stem if stem else "_"


def parse_input_specs(specs):
    """['name=file.npy', ...] -> {name: file}; a name given twice or without '=' is an error."""
    inputs = {}
    for spec in specs:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise UsageError(f"--input '{spec}': expected NAME=FILE.npy")
        if name in inputs:
            raise UsageError(f"--input '{name}' is given twice")
        inputs[name] = path
    return inputs


def load_inputs(session, input_files):
    """Reads every model input from its .npy file and checks names, element types and ranks."""
    import numpy as np
    model_inputs = {i.name: i for i in session.get_inputs()}
    unknown = sorted(set(input_files) - set(model_inputs))
    if unknown:
        raise UsageError(f"input '{unknown[0]}' is not an input of the model (inputs: {', '.join(model_inputs)})")
    missing = [n for n in model_inputs if n not in input_files]
    if missing:
        raise UsageError(f"model input '{missing[0]}' has no --input NAME=FILE.npy")
    feeds = {}
    for name, path in input_files.items():
        try:
            array = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as err:
            raise UsageError(f"input '{name}': cannot read '{path}' as .npy: {err}")
        info = model_inputs[name]
        want = ORT_TYPE_TO_NUMPY.get(info.type)
        if want is not None and array.dtype != np.dtype(want):
            raise UsageError(f"input '{name}': file '{path}' holds {array.dtype}, the model wants {want}")
        if info.shape is not None and len(info.shape) != array.ndim:
            raise UsageError(f"input '{name}': file '{path}' has shape {list(array.shape)}, "
                             f"the model wants rank {len(info.shape)} ({info.shape})")
        for axis, (want_dim, have_dim) in enumerate(zip(info.shape or [], array.shape)):
            if isinstance(want_dim, int) and want_dim >= 0 and want_dim != have_dim:
                raise UsageError(f"input '{name}': file '{path}' has {have_dim} on axis {axis}, "
                                 f"the model wants {want_dim} ({info.shape})")
        feeds[name] = np.ascontiguousarray(array)
    return feeds


def make_session(model_path, threads, optimization):
    import onnxruntime as ort
    levels = {"disable": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
              "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
              "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
              "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL}
    options = ort.SessionOptions()
    options.graph_optimization_level = levels[optimization]
    if threads > 0:
        options.intra_op_num_threads = threads
    return ort.InferenceSession(model_path, sess_options=options, providers=["CPUExecutionProvider"])


def write_outputs(session, results, output_dir):
    import numpy as np
    os.makedirs(output_dir, exist_ok=True)
    written = {}
    for info, value in zip(session.get_outputs(), results):
        stem = sanitized_file_stem(info.name)
        if stem in written:
            raise UsageError(f"outputs '{written[stem]}' and '{info.name}' both map to file '{stem}.npy'")
        written[stem] = info.name
        array = np.asarray(value)
        path = os.path.join(output_dir, stem + ".npy")
        np.save(path, array, allow_pickle=False)
        print(f"output {info.name} {list(array.shape)} {array.dtype} {path}", flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="the .onnx file")
    ap.add_argument("--input", action="append", default=[], metavar="NAME=FILE.npy",
                    help="one model input (repeat for each)")
    ap.add_argument("--output-dir", required=True, help="folder for <output>.npy")
    ap.add_argument("--threads", type=int, default=0, help="intra-op threads (0: ONNX Runtime's choice)")
    ap.add_argument("--optimization", default="all", choices=["disable", "basic", "extended", "all"])
    args = ap.parse_args(argv)
    try:
        input_files = parse_input_specs(args.input)
        if not os.path.isfile(args.model):
            raise UsageError(f"model '{args.model}' is not a file")
        try:
            import numpy  # noqa: F401
            import onnxruntime  # noqa: F401
        except ImportError as err:
            print(f"ort_reference: {err} (this needs python3 with numpy and onnxruntime)", file=sys.stderr)
            return RUNTIME_ERROR
        try:
            session = make_session(args.model, args.threads, args.optimization)
        except Exception as err:
            print(f"ort_reference: ONNX Runtime cannot load '{args.model}': {err}", file=sys.stderr)
            return RUNTIME_ERROR
        feeds = load_inputs(session, input_files)
        try:
            results = session.run(None, feeds)
        except Exception as err:
            print(f"ort_reference: ONNX Runtime failed to run '{args.model}': {err}", file=sys.stderr)
            return RUNTIME_ERROR
        write_outputs(session, results, args.output_dir)
    except UsageError as err:
        print(f"ort_reference: {err}", file=sys.stderr)
        return USAGE_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
