// A report written both as Markdown and as one HTML page from the same blocks (headings, paragraphs, tables,
// figures), so the two never disagree. Reports read only stored results; they never compute anything.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "report/result_table.h"

namespace depthstyle {

class Report {
 public:
  explicit Report(std::string title);

  void add_heading(const std::string& text);
  // Plain text; HTML-escaped in the page.
  void add_paragraph(const std::string& text);
  // A bulleted list of plain-text items.
  void add_list(const std::vector<std::string>& items);
  // A "key: value" list, e.g. run provenance.
  void add_facts(const std::vector<std::pair<std::string, std::string>>& facts);
  void add_table(const ResultTable& table);
  // A picture (path relative to the report's folder) with a caption below it.
  void add_figure(const std::string& image_path, const std::string& caption);
  // A picture inside the page (`image_uri`: a data: URI, report/embedded_image.h) that links to the full-size file
  // `link` (relative to the report's folder); the Markdown shows the linked file.
  void add_embedded_figure(const std::string& image_uri, const std::string& link, const std::string& caption);
  // A list of (text, path relative to the report's folder) links, e.g. a run's record files.
  void add_links(const std::vector<std::pair<std::string, std::string>>& links);

  // Appends the blocks of `other` (not its title).
  void append(const Report& other);

  std::string to_markdown() const;
  std::string to_html() const;
  // Writes <dir>/<stem>.md and <dir>/<stem>.html atomically; returns the HTML path.
  std::filesystem::path write(const std::filesystem::path& dir, const std::string& stem) const;

 private:
  struct Block {
    std::string markdown;
    std::string html;
  };
  void add_figure_block(const std::string& source, const std::string& link, const std::string& caption);
  void add_bullets(const std::vector<Block>& items);

  std::string title_;
  std::vector<Block> blocks_;
};

}  // namespace depthstyle
