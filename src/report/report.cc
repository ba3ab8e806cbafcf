#include "report/report.h"

#include "core/atomic_file.h"

namespace depthstyle {
namespace {

constexpr const char* kStyleSheet = R"(
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.5rem; vertical-align: top; }
th { background: #f4f4f4; } td.number { text-align: right; font-variant-numeric: tabular-nums; }
td img { max-width: 16rem; max-height: 12rem; display: block; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; font-family: monospace; }
)";

}  // namespace

Report::Report(std::string title) : title_(std::move(title)) {}

void Report::add_heading(const std::string& text) {
  blocks_.push_back({"## " + markdown_escape(text) + "\n", "<h2>" + html_escape(text) + "</h2>\n"});
}

void Report::add_paragraph(const std::string& text) {
  blocks_.push_back({markdown_escape(text) + "\n", "<p>" + html_escape(text) + "</p>\n"});
}

void Report::add_bullets(const std::vector<Block>& items) {
  std::string markdown, html = "<ul>\n";
  for (const Block& item : items) {
    markdown += "- " + item.markdown + "\n";
    html += "<li>" + item.html + "</li>\n";
  }
  blocks_.push_back({markdown, html + "</ul>\n"});
}

void Report::add_list(const std::vector<std::string>& items) {
  std::vector<Block> bullets;
  for (const std::string& item : items) bullets.push_back({markdown_escape(item), html_escape(item)});
  add_bullets(bullets);
}

void Report::add_facts(const std::vector<std::pair<std::string, std::string>>& facts) {
  std::string markdown, html = "<dl>\n";
  for (const auto& [key, value] : facts) {
    markdown += "- **" + markdown_escape(key) + "**: " + markdown_code_span(value) + "\n";
    html += "<dt>" + html_escape(key) + "</dt><dd>" + html_escape(value) + "</dd>\n";
  }
  blocks_.push_back({markdown, html + "</dl>\n"});
}

void Report::add_table(const ResultTable& table) {
  blocks_.push_back({table.to_markdown(), table.to_html()});
}

// Styled inline, so pages without figures (and their golden copies) keep the shared style sheet unchanged.
void Report::add_figure_block(const std::string& source, const std::string& link, const std::string& caption) {
  blocks_.push_back({"![" + caption + "](" + link + ")\n\n*" + caption + "*\n",
                     "<figure style=\"margin: 1rem 0\"><a href=\"" + html_escape(link) + "\"><img src=\"" +
                         html_escape(source) + "\" alt=\"" + html_escape(caption) +
                         "\" style=\"max-width: 100%; height: auto; border: 1px solid #ddd\"></a>"
                         "<figcaption style=\"color: #555\">" + html_escape(caption) + "</figcaption></figure>\n"});
}

void Report::add_figure(const std::string& image_path, const std::string& caption) {
  add_figure_block(image_path, image_path, caption);
}

void Report::add_embedded_figure(const std::string& image_uri, const std::string& link, const std::string& caption) {
  add_figure_block(image_uri, link, caption);
}

void Report::add_links(const std::vector<std::pair<std::string, std::string>>& links) {
  std::vector<Block> bullets;
  for (const auto& [text, path] : links) {
    bullets.push_back(
        {"[" + text + "](" + path + ")", "<a href=\"" + html_escape(path) + "\">" + html_escape(text) + "</a>"});
  }
  add_bullets(bullets);
}

void Report::append(const Report& other) {
  blocks_.insert(blocks_.end(), other.blocks_.begin(), other.blocks_.end());
}

std::string Report::to_markdown() const {
  std::string out = "# " + markdown_escape(title_) + "\n";
  for (const Block& block : blocks_) out += "\n" + block.markdown;
  return out;
}

std::string Report::to_html() const {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
                    html_escape(title_) + "</title>\n<style>" + kStyleSheet + "</style>\n</head>\n<body>\n<h1>" +
                    html_escape(title_) + "</h1>\n";
  for (const Block& block : blocks_) out += block.html;
  return out + "</body>\n</html>\n";
}

std::filesystem::path Report::write(const std::filesystem::path& dir, const std::string& stem) const {
  write_file_atomically(dir / (stem + ".md"), to_markdown());
  const std::filesystem::path html = dir / (stem + ".html");
  write_file_atomically(html, to_html());
  return html;
}

}  // namespace depthstyle
