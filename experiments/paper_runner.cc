// experiment: paper — the whole reproduction (configs/paper.yaml, run by scripts/demo): DIW evaluation, the figure
// grids, the study stimuli and a study database, Table 2 from the paper's counts, and the reproduction report, as
// resumable sub-runs inside one run folder (paper/paper_job.h).
#include "experiment_table.h"
#include "paper/paper_job.h"

namespace depthstyle {
namespace {

class Paper : public Experiment {
 public:
  void declare(Schema& schema) override { declare_paper(schema, options_); }
  void check() const override { check_paper(options_); }
  void run(RunContext& context) override { run_paper(options_, context, experiment_table()); }

 private:
  PaperOptions options_;
};

}  // namespace

std::unique_ptr<Experiment> make_paper() { return std::make_unique<Paper>(); }

}  // namespace depthstyle
