#include "output_comparison.h"

#include <cmath>

namespace fovea::cli {

OutputComparison compare_outputs(const std::string& name, const Tensor& got, const Tensor& reference,
                                 Precision precision) {
  OutputComparison c;
  c.name = name;
  if (got.dims() != reference.dims()) {
    c.reason = fmt::format("shape {} differs from the reference's {}", dims_to_string(got.dims()),
                           dims_to_string(reference.dims()));
    return c;
  }
  double dot = 0, na = 0, nb = 0, ref_max = 0;
  bool nan = false;
  for (int64_t i = 0; i < got.numel(); ++i) {
    const double a = got.double_at(i), b = reference.double_at(i);
    if (std::isnan(a) != std::isnan(b)) nan = true;
    if (std::isnan(a) || std::isnan(b)) continue;
    c.max_abs = std::max(c.max_abs, std::abs(a - b));
    ref_max = std::max(ref_max, std::abs(b));
    dot += a * b, na += a * a, nb += b * b;
  }
  c.max_rel = ref_max > 0 ? c.max_abs / ref_max : c.max_abs;
  c.cosine = (na > 0 && nb > 0) ? dot / std::sqrt(na * nb) : (na == nb ? 1.0 : 0.0);
  if (nan) {
    c.reason = "NaN where the reference has none (or the reverse)";
  } else if (precision == Precision::kFp32) {
    c.pass = c.max_rel <= kFp32MaxRel;
    if (!c.pass) c.reason = fmt::format("max rel {:.3g} > {:.0e}", c.max_rel, kFp32MaxRel);
  } else {
    c.pass = c.cosine >= kFp16MinCosine && c.max_rel <= kFp16MaxRel;
    if (!c.pass) c.reason = fmt::format("cosine {:.6f} (>= {}) / max rel {:.3g} (<= {})", c.cosine, kFp16MinCosine, c.max_rel, kFp16MaxRel);
  }
  return c;
}

}  // namespace fovea::cli
