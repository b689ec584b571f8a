// The optimization profile of an engine: min/opt/max dims of every graph input, from the
// BuildConfig (explicit ranges, or --batch for a symbolic first dim) and the declared shapes.
#pragma once

#include <map>
#include <string>

#include "core/status.h"
#include "engine/build_config.h"
#include "ir/graph.h"

namespace fovea {

using InputProfile = std::map<std::string, ShapeRange>;

// Every graph input's range. Errors name the input: a symbolic dim other than the first with
// no explicit range, ranges whose rank or fixed dims disagree with the model, min > opt > max.
Result<InputProfile> resolve_input_profile(const Graph& graph, const BuildConfig& config);

// The dims of one profile point for all inputs.
enum class ProfilePoint { kMin, kOpt, kMax };
std::map<std::string, Dims> profile_dims(const InputProfile& profile, ProfilePoint point);

// ok when `dims` lies within the profile of input `name`; otherwise an error that says the range
// and how to rebuild.
Status check_within_profile(const InputProfile& profile, const std::string& name, const Dims& dims);

}  // namespace fovea
