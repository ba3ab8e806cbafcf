// A blocking HTTP/1.1 client over one kept-alive TCP connection (Boost.Beast): what the survey tests, the
// WebDriver test and the benchmark use to talk to a server on this machine. Not for the open internet (no TLS, no
// redirects followed, no proxy).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "http/http_message.h"

namespace depthstyle {

class HttpClient {
 public:
  // Connects lazily, on the first request. `timeout` bounds each request (connect, write and read).
  HttpClient(std::string host, int port, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends the request (Host and Content-Length are added) and reads the response. Reconnects first if the server
  // closed the connection after the previous response. Never retries: a request that fails throws Error and may or
  // may not have reached the server.
  HttpResponse send(const HttpRequest& request);
  HttpResponse get(const std::string& target, std::vector<HttpHeader> headers = {});
  // POST with an application/x-www-form-urlencoded body.
  HttpResponse post_form(const std::string& target, const std::string& body, std::vector<HttpHeader> headers = {});
  // Writes `bytes` as they are (malformed requests in tests) and reads one response; the connection is closed
  // afterwards. A server that closes without answering gives status 0.
  HttpResponse send_raw(const std::string& bytes);

 private:
  struct Connection;
  void connect();
  std::string host_;
  int port_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<Connection> connection_;
};

// "a=1&b=x%20y" from name/value pairs, each percent-encoded (RFC 3986 unreserved characters kept).
std::string form_urlencode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace depthstyle
