#include "core/batch_outcome.h"

#include "core/error.h"

namespace depthstyle {

void BatchOutcome::failed(const std::string& unit, const std::string& reason) {
  failures_.push_back(unit.empty() ? reason : concat(unit, ": ", reason));
}

int BatchOutcome::finish(std::ostream& out) const {
  out << command_ << ": " << written_ << " written";
  if (skipped_ > 0) out << ", " << skipped_ << " skipped (output exists; --overwrite replaces it)";
  out << ", " << failures_.size() << " failed" << (failures_.empty() ? "\n" : ":\n");
  for (const std::string& failure : failures_) out << "  " << failure << "\n";
  return failures_.empty() ? 0 : 1;
}

}  // namespace depthstyle
