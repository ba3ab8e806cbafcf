// experiment: ablation — a scored style grid over beta, eps and the AdaIN content weight, summarised per setting and
// compared pair by pair with AdaIN, with plots (ablation/ablation_run.h).
#include "ablation/ablation_run.h"
#include "core/error.h"
#include "core/text.h"
#include "experiment_table.h"

namespace depthstyle {
namespace {

class Ablation : public Experiment {
 public:
  void declare(Schema& schema) override { declare_ablation(schema, options_); }

  void check() const override {
    AblationOptions completed = options_;
    complete_ablation(completed);
    const std::vector<std::string> problems = ablation_problems(completed);
    if (!problems.empty()) throw ConfigError("experiment 'ablation':\n  " + join(problems, "\n  "));
  }

  void run(RunContext& context) override {
    AblationOptions completed = options_;
    complete_ablation(completed);
    run_ablation(std::move(completed), context);
  }

 private:
  AblationOptions options_;
};

}  // namespace

std::unique_ptr<Experiment> make_ablation() { return std::make_unique<Ablation>(); }

}  // namespace depthstyle
