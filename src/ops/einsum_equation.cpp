#include "ops/einsum_equation.h"

#include <algorithm>

namespace fovea {
namespace {

constexpr int kEllipsisMark = -1;

int label_id(char ch) {
  if (ch >= 'A' && ch <= 'Z') return ch - 'A';
  if (ch >= 'a' && ch <= 'z') return 26 + (ch - 'a');
  return -2;
}

// One term ("ab...c") as label ids with kEllipsisMark for "...".
Result<std::vector<int>> parse_term(const std::string& term, const std::string& eq) {
  std::vector<int> out;
  bool seen_ellipsis = false;
  for (size_t i = 0; i < term.size(); ++i) {
    const char ch = term[i];
    if (ch == ' ') continue;
    if (ch == '.') {
      if (term.compare(i, 3, "...") != 0 || seen_ellipsis)
        return invalid_argument("Einsum equation '{}': malformed or repeated ellipsis in term '{}'", eq, term);
      seen_ellipsis = true;
      out.push_back(kEllipsisMark);
      i += 2;
      continue;
    }
    const int id = label_id(ch);
    if (id < 0) return invalid_argument("Einsum equation '{}': invalid character '{}'", eq, ch);
    out.push_back(id);
  }
  return out;
}

}  // namespace

Result<EinsumAxes> parse_einsum(const std::string& eq, const std::vector<int64_t>& ranks) {
  if (eq.size() > 4096) return invalid_argument("Einsum equation is too long ({} chars)", eq.size());
  const size_t arrow = eq.find("->");
  if (arrow != std::string::npos && eq.find("->", arrow + 2) != std::string::npos)
    return invalid_argument("Einsum equation '{}' has more than one '->'", eq);
  const std::string lhs = eq.substr(0, arrow);
  std::vector<std::vector<int>> terms;
  size_t start = 0;
  while (true) {
    const size_t comma = lhs.find(',', start);
    FOVEA_ASSIGN_OR_RETURN(auto t, parse_term(lhs.substr(start, comma - start), eq));
    terms.push_back(std::move(t));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (terms.size() != ranks.size())
    return invalid_argument("Einsum equation '{}' has {} input terms but the node has {} inputs", eq, terms.size(),
                            ranks.size());
  EinsumAxes axes;
  // Ellipsis rank of each input, and the broadcast ellipsis rank.
  int64_t ell_rank = 0;
  std::vector<int64_t> ell(terms.size(), 0);
  for (size_t i = 0; i < terms.size(); ++i) {
    const bool has_ell = std::count(terms[i].begin(), terms[i].end(), kEllipsisMark) > 0;
    const int64_t labels = static_cast<int64_t>(terms[i].size()) - (has_ell ? 1 : 0);
    if (has_ell ? ranks[i] < labels : ranks[i] != labels)
      return invalid_argument("Einsum equation '{}': term {} has {} labels but input {} has rank {}", eq, i, labels, i,
                              ranks[i]);
    ell[i] = has_ell ? ranks[i] - labels : 0;
    ell_rank = std::max(ell_rank, ell[i]);
  }
  if (ell_rank > 64) return invalid_argument("Einsum equation '{}': too many ellipsis dims", eq);
  axes.num_ids = kEllipsisBase + static_cast<int>(ell_rank);
  std::vector<int> count(kEllipsisBase, 0);
  for (size_t i = 0; i < terms.size(); ++i) {
    std::vector<int> ids;
    for (int id : terms[i]) {
      if (id == kEllipsisMark) {
        for (int64_t j = 0; j < ell[i]; ++j) ids.push_back(kEllipsisBase + static_cast<int>(ell_rank - ell[i] + j));
      } else {
        ids.push_back(id);
        ++count[id];
      }
    }
    axes.inputs.push_back(std::move(ids));
  }
  if (arrow == std::string::npos) {
    // Implicit output: broadcast ellipsis dims, then labels seen once, in alphabetical order.
    for (int64_t j = 0; j < ell_rank; ++j) axes.output.push_back(kEllipsisBase + static_cast<int>(j));
    for (int id = 0; id < kEllipsisBase; ++id)
      if (count[id] == 1) axes.output.push_back(id);
    return axes;
  }
  FOVEA_ASSIGN_OR_RETURN(auto out_term, parse_term(eq.substr(arrow + 2), eq));
  std::vector<bool> used(kEllipsisBase, false);
  for (int id : out_term) {
    if (id == kEllipsisMark) {
      for (int64_t j = 0; j < ell_rank; ++j) axes.output.push_back(kEllipsisBase + static_cast<int>(j));
      continue;
    }
    if (count[id] == 0) return invalid_argument("Einsum equation '{}': output label not in any input", eq);
    if (used[id]) return invalid_argument("Einsum equation '{}': output label repeated", eq);
    used[id] = true;
    axes.output.push_back(id);
  }
  return axes;
}

}  // namespace fovea
