#include "report/result_table.h"

#include <gtest/gtest.h>

#include <limits>

#include "core/error.h"
#include "report/report.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

ResultTable example_table() {
  ResultTable table({{"model", "Model"},
                     {"pairs", "Pairs", ColumnKind::kInteger},
                     {"accuracy", "Accuracy", ColumnKind::kNumber, 3},
                     {"preview", "Preview", ColumnKind::kImage}});
  table.add_row({std::string("MiDaS, v1"), std::int64_t{73983}, 0.8712345, std::string("previews/a.png")});
  table.add_row({std::string("say \"hi\" | <b>"), std::int64_t{0}, std::numeric_limits<double>::quiet_NaN(),
                 std::monostate{}});
  return table;
}

TEST(ResultTable, CsvQuotesPerRfc4180AndKeepsFullPrecision) {
  EXPECT_EQ(example_table().to_csv(),
            "model,pairs,accuracy,preview\n"
            "\"MiDaS, v1\",73983,0.8712345,previews/a.png\n"
            "\"say \"\"hi\"\" | <b>\",0,,\n");
}

TEST(ResultTable, JsonUsesKeysAndNullForMissing) {
  const nlohmann::json rows = example_table().to_json();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["model"], "MiDaS, v1");
  EXPECT_EQ(rows[0]["pairs"], 73983);
  EXPECT_DOUBLE_EQ(rows[0]["accuracy"].get<double>(), 0.8712345);
  EXPECT_TRUE(rows[1]["accuracy"].is_null());
  EXPECT_TRUE(rows[1]["preview"].is_null());
}

TEST(ResultTable, AJsonRowMustHoldEveryColumnUnlessTheCallerSaysFieldsAreOptional) {
  ResultTable table({{"model", "Model"}, {"accuracy", "Accuracy", ColumnKind::kNumber, 3}});
  // A misspelt key no longer turns into an empty cell without a word.
  EXPECT_THROW_MESSAGE(table.add_json_row({{"model", "MiDaS"}, {"acuracy", 0.8}}), Error,
                       "result row without column 'accuracy'");
  EXPECT_EQ(table.row_count(), 0u);
  table.add_json_row({{"model", "MiDaS"}, {"accuracy", nullptr}});
  table.add_json_row({{"model", "MiDaS v2"}}, ResultTable::kMissingFieldsAreEmpty);
  EXPECT_EQ(table.to_csv(), "model,accuracy\nMiDaS,\nMiDaS v2,\n");
}

TEST(ResultTable, MarkdownRoundsAlignsAndEscapes) {
  EXPECT_EQ(example_table().to_markdown(),
            "| Model | Pairs | Accuracy | Preview |\n"
            "| --- | ---: | ---: | --- |\n"
            "| MiDaS, v1 | 73983 | 0.871 | ![Preview](previews/a.png) |\n"
            "| say \"hi\" \\| \\<b\\> | 0 | – | – |\n");  // text, not HTML: labels come from input files
}

TEST(ResultTable, HtmlEscapesTextAndShowsImages) {
  const std::string html = example_table().to_html();
  EXPECT_NE(html.find("<td>say &quot;hi&quot; | &lt;b&gt;</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("<img src=\"previews/a.png\""), std::string::npos) << html;
  EXPECT_NE(html.find("<td class=\"number\">0.871</td>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b>"), std::string::npos);
}

TEST(ResultTable, PercentAndSignificantDigitsOnlyChangeTheDisplay) {
  ResultTable table({{"proportion", "Proportion", ColumnKind::kPercent, 1},
                     {"p_value", "p-value", ColumnKind::kSignificant, 2}});
  table.add_row({0.575, 0.0025727756673129707});
  table.add_row({0.02605416366810580, 3.14159e-12});
  EXPECT_EQ(table.to_markdown(),
            "| Proportion | p-value |\n"
            "| ---: | ---: |\n"
            "| 57.5% | 0.0026 |\n"
            "| 2.6% | 3.1e-12 |\n");
  EXPECT_EQ(table.to_csv(), "proportion,p_value\n0.575,0.0025727756673129707\n0.0260541636681058,3.14159e-12\n");
  EXPECT_NE(table.to_html().find("<td class=\"number\">57.5%</td>"), std::string::npos);
}

TEST(ResultTable, AnUnderflowedPValueReadsAsABoundNotZero) {
  ResultTable table({{"p", "p", ColumnKind::kPValue, 2}, {"distance", "d", ColumnKind::kSignificant, 2}});
  table.add_row({0.0, 0.0});
  table.add_row({2.3e-131, 0.5});
  EXPECT_EQ(table.to_markdown(),
            "| p | d |\n"
            "| ---: | ---: |\n"
            "| \\< 1e-300 | 0 |\n"
            "| 2.3e-131 | 0.5 |\n");
  EXPECT_EQ(table.to_csv(), "p,distance\n0,0\n2.3e-131,0.5\n");
}

TEST(Report, MarkdownEscapesPlainTextAndFencesCodeSpansAroundBackticks) {
  EXPECT_EQ(markdown_escape("a|b <script> *x* _y_ [l](u) `c` \\ &amp;\nz"),
            "a\\|b \\<script\\> \\*x\\* \\_y\\_ \\[l\\](u) \\`c\\` \\\\ \\&amp; z");
  // Intraword underscores cannot be emphasis in CommonMark: left as written; at a word's edge they are escaped.
  EXPECT_EQ(markdown_escape("ground_truth_as_depth vgg_normalised.pth _x a_ 3_"),
            "ground_truth_as_depth vgg_normalised.pth \\_x a\\_ 3\\_");
  EXPECT_EQ(markdown_code_span("abc"), "`abc`");
  EXPECT_EQ(markdown_code_span("a`b``c"), "```a`b``c```");
  EXPECT_EQ(markdown_code_span("`x"), "`` `x ``");
  EXPECT_EQ(markdown_code_span("two\nlines"), "`two lines`");
}

TEST(Report, MarkdownAndHtmlCarryTheSameBlocks) {
  Report report("Demo <report>");
  report.add_heading("Results");
  report.add_paragraph("Accuracy & more.");
  report.add_facts({{"git revision", "abc123"}});
  report.add_table(example_table());
  const std::string markdown = report.to_markdown();
  EXPECT_EQ(markdown.rfind("# Demo \\<report\\>\n", 0), 0u);
  EXPECT_NE(markdown.find("## Results\n"), std::string::npos);
  EXPECT_NE(markdown.find("Accuracy \\& more.\n"), std::string::npos);
  EXPECT_NE(markdown.find("- **git revision**: `abc123`"), std::string::npos);
  const std::string html = report.to_html();
  EXPECT_NE(html.find("<title>Demo &lt;report&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<p>Accuracy &amp; more.</p>"), std::string::npos);
  EXPECT_NE(html.find("<dt>git revision</dt><dd>abc123</dd>"), std::string::npos);
}

}  // namespace
}  // namespace depthstyle
