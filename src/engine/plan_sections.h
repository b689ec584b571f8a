// The JSON sections of a plan file: the header and the tactics (docs/plan-format.md). Parsers
// take untrusted text: every field is type- and range-checked, errors name the field.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "backends/tactic.h"
#include "core/status.h"
#include "engine/plan_file.h"

namespace fovea::plan_sections {

std::string header_to_json(const PlanHeader& header);
// `format_version` comes from the container. For the current version every field is required;
// for other versions fields this fovea does not find stay empty, so their mismatch can still be
// reported with a rebuild command.
Result<PlanHeader> header_from_json(std::string_view json, uint32_t format_version);

std::string tactics_to_json(const std::map<std::string, Tactic>& tactics);
Result<std::map<std::string, Tactic>> tactics_from_json(std::string_view json);

}  // namespace fovea::plan_sections
