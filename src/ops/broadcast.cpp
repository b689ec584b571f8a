#include "ops/broadcast.h"

#include <algorithm>

namespace fovea {

Result<Shape> broadcast_shapes(const Shape& a, const Shape& b, const std::string& what) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const Dim da = i < rank - a.size() ? Dim::known(1) : a[i - (rank - a.size())];
    const Dim db = i < rank - b.size() ? Dim::known(1) : b[i - (rank - b.size())];
    if (da.is_known() && db.is_known()) {
      if (da.value != db.value && da.value != 1 && db.value != 1)
        return invalid_argument("{}: shapes {} and {} cannot be broadcast", what, shape_to_string(a), shape_to_string(b));
      out[i] = Dim::known(da.value == 1 ? db.value : da.value);
    } else if (da.is_known() && da.value == 1) {
      out[i] = db;
    } else if (db.is_known() && db.value == 1) {
      out[i] = da;
    } else if (da == db) {
      out[i] = da;
    } else if (da.is_known() || db.is_known()) {
      out[i] = da.is_known() ? da : db;  // a symbolic dim must equal the known non-1 dim
    } else {
      out[i] = Dim::unknown();
    }
  }
  return out;
}

Result<Dims> broadcast_dims(const Dims& a, const Dims& b, const std::string& what) {
  const size_t rank = std::max(a.size(), b.size());
  Dims out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return invalid_argument("{}: shapes {} and {} cannot be broadcast", what, dims_to_string(a), dims_to_string(b));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

}  // namespace fovea
