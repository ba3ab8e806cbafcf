#include "http/http_message.h"

#include <algorithm>
#include <cctype>

namespace depthstyle {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string find_header(const std::vector<HttpHeader>& headers, std::string_view name) {
  for (const HttpHeader& header : headers) {
    if (same_name(header.name, name)) return header.value;
  }
  return "";
}

void HttpResponse::set_header(const std::string& name, const std::string& value) {
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [&](const HttpHeader& header) { return same_name(header.name, name); }),
                headers.end());
  headers.push_back({name, value});
}

std::string_view http_reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 303: return "See Other";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

}  // namespace depthstyle
