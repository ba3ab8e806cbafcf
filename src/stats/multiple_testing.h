// Corrections for testing several hypotheses at once (e.g. every pair of methods in a study with three or more).
#pragma once

#include <vector>

namespace depthstyle {

// Holm's (1979) step-down adjustment, returned in the order given: with the p-values sorted ascending,
// adjusted_(i) = max over j <= i of min(1, (m - j + 1) p_(j)). Equals R's p.adjust(p, "holm"). Controls the
// family-wise error rate under any dependence. Throws UsageError for a value outside [0, 1] (its index is named).
std::vector<double> holm_adjusted_p_values(const std::vector<double>& p_values);

}  // namespace depthstyle
