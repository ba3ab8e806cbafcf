#include "report/result_table.h"

#include <gtest/gtest.h>

#include <limits>

#include "report/report.h"

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

TEST(ResultTable, MarkdownRoundsAlignsAndEscapes) {
  EXPECT_EQ(example_table().to_markdown(),
            "| Model | Pairs | Accuracy | Preview |\n"
            "| --- | ---: | ---: | --- |\n"
            "| MiDaS, v1 | 73983 | 0.871 | ![Preview](previews/a.png) |\n"
            "| say \"hi\" \\| <b> | 0 | – | – |\n");
}

TEST(ResultTable, HtmlEscapesTextAndShowsImages) {
  const std::string html = example_table().to_html();
  EXPECT_NE(html.find("<td>say &quot;hi&quot; | &lt;b&gt;</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("<img src=\"previews/a.png\""), std::string::npos) << html;
  EXPECT_NE(html.find("<td class=\"number\">0.871</td>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b>"), std::string::npos);
}

TEST(ResultTable, SignificantDigitsKeepTinyPValuesReadable) {
  ResultTable table({{"p", "p", ColumnKind::kSignificant, 2}});
  for (double p : {0.375, 0.0025727756673129707, 2.2541451703578159e-131, 1.0}) table.add_row({p});
  EXPECT_EQ(table.to_markdown(), "| p |\n| ---: |\n| 0.38 |\n| 0.0026 |\n| 2.3e-131 |\n| 1 |\n");
  EXPECT_EQ(table.to_csv(), "p\n0.375\n0.0025727756673129707\n2.2541451703578159e-131\n1\n");
}

TEST(Report, MarkdownAndHtmlCarryTheSameBlocks) {
  Report report("Demo <report>");
  report.add_heading("Results");
  report.add_paragraph("Accuracy & more.");
  report.add_facts({{"git revision", "abc123"}});
  report.add_table(example_table());
  const std::string markdown = report.to_markdown();
  EXPECT_EQ(markdown.rfind("# Demo <report>\n", 0), 0u);
  EXPECT_NE(markdown.find("## Results\n"), std::string::npos);
  EXPECT_NE(markdown.find("- **git revision**: `abc123`"), std::string::npos);
  const std::string html = report.to_html();
  EXPECT_NE(html.find("<title>Demo &lt;report&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<p>Accuracy &amp; more.</p>"), std::string::npos);
  EXPECT_NE(html.find("<dt>git revision</dt><dd>abc123</dd>"), std::string::npos);
}

TEST(Report, FiguresAreLinkedFromBothFormats) {
  Report report("Figures");
  report.add_figure("chart <1>.svg", "Accuracy & intervals");
  EXPECT_NE(report.to_markdown().find("![Accuracy & intervals](chart <1>.svg)\n\n*Accuracy & intervals*\n"),
            std::string::npos);
  EXPECT_NE(report.to_html().find("<figure><img src=\"chart &lt;1&gt;.svg\" alt=\"Accuracy &amp; intervals\">"
                                  "<figcaption>Accuracy &amp; intervals</figcaption></figure>"),
            std::string::npos);
}

}  // namespace
}  // namespace depthstyle
