// experiment: style_grid — contents x styles x methods x content weights / betas / epsilons x sizes, each cell an
// output image with a stable key and a result row; figure sheets like the paper's Fig. 3-6 (grid/).
#include "experiment_table.h"
#include "grid/style_grid_options.h"
#include "grid/style_grid_run.h"
#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

class StyleGrid : public Experiment {
 public:
  void declare(Schema& schema) override { declare_style_grid(schema, options_); }

  void check() const override {
    StyleGridOptions completed = options_;
    complete_style_grid(completed);
    const std::vector<std::string> problems = style_grid_problems(completed);
    if (!problems.empty()) throw ConfigError("experiment 'style_grid':\n  " + join(problems, "\n  "));
  }

  void run(RunContext& context) override {
    StyleGridOptions completed = options_;
    complete_style_grid(completed);
    run_style_grid(std::move(completed), context);
  }

 private:
  StyleGridOptions options_;
};

}  // namespace

std::unique_ptr<Experiment> make_style_grid() { return std::make_unique<StyleGrid>(); }

}  // namespace depthstyle
