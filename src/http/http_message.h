// HTTP/1.1 requests and responses as plain values, so application code (the survey pages) knows nothing of the
// network library: http_server.h turns wire requests into HttpRequest and HttpResponse back into wire responses.
// Header names compare case-insensitively (RFC 9110); values are kept as received.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace depthstyle {

struct HttpHeader {
  std::string name;
  std::string value;
};

// The first value of header `name` (case-insensitive), or "" when absent.
std::string find_header(const std::vector<HttpHeader>& headers, std::string_view name);

struct HttpRequest {
  std::string method;  // "GET", "POST", ... as sent
  std::string target;  // origin-form as sent, undecoded: "/survey", "/i/3fa0...?x=1"
  std::vector<HttpHeader> headers;
  std::string body;

  std::string header(std::string_view name) const { return find_header(headers, name); }
  // The target without its query string.
  std::string path() const { return target.substr(0, target.find('?')); }
};

struct HttpResponse {
  int status = 200;
  std::vector<HttpHeader> headers;
  std::string body;
  // Close the connection after this response (the server also closes when the client asked to or on errors).
  bool close = false;

  std::string header(std::string_view name) const { return find_header(headers, name); }
  // Replaces every header `name` by one with `value`.
  void set_header(const std::string& name, const std::string& value);
};

// "Not Found" for 404, ... ("" for codes it does not know).
std::string_view http_reason(int status);

}  // namespace depthstyle
