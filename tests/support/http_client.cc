#include "support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cctype>
#include <cstdio>

#include "core/error.h"

namespace depthstyle {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::Connection {
  asio::io_context context;
  beast::tcp_stream stream{context};
  beast::flat_buffer buffer;
};

namespace {

HttpResponse response_from_wire(const http::response<http::string_body>& wire) {
  HttpResponse response;
  response.status = static_cast<int>(wire.result_int());
  for (const auto& field : wire) {
    response.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  }
  response.body = wire.body();
  response.close = !wire.keep_alive();
  return response;
}

}  // namespace

HttpClient::HttpClient(std::string host, int port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

HttpClient::~HttpClient() = default;

void HttpClient::connect() {
  connection_ = std::make_unique<Connection>();
  try {
    tcp::resolver resolver(connection_->context);
    connection_->stream.expires_after(timeout_);
    connection_->stream.connect(resolver.resolve(host_, std::to_string(port_)));
  } catch (const boost::system::system_error& error) {
    connection_.reset();
    throw Error(concat("cannot connect to ", host_, ":", port_, ": ", error.code().message()));
  }
}

HttpResponse HttpClient::send(const HttpRequest& request) {
  if (!connection_) connect();
  http::request<http::string_body> wire;
  wire.method_string(request.method);
  wire.target(request.target);
  wire.version(11);
  wire.set(http::field::host, concat(host_, ":", port_));
  for (const HttpHeader& header : request.headers) wire.insert(header.name, header.value);
  wire.body() = request.body;
  if (!request.body.empty() || request.method == "POST") wire.prepare_payload();
  try {
    connection_->stream.expires_after(timeout_);
    http::write(connection_->stream, wire);
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 32);
    parser.skip(request.method == "HEAD");  // a response to HEAD announces a body it does not carry
    http::read(connection_->stream, connection_->buffer, parser);
    HttpResponse response = response_from_wire(parser.get());
    if (response.close) connection_.reset();
    return response;
  } catch (const boost::system::system_error& error) {
    connection_.reset();
    throw Error(concat(request.method, " ", request.target, " to ", host_, ":", port_, ": ", error.code().message()));
  }
}

HttpResponse HttpClient::get(const std::string& target, std::vector<HttpHeader> headers) {
  return send({"GET", target, std::move(headers), ""});
}

HttpResponse HttpClient::post_form(const std::string& target, const std::string& body,
                                   std::vector<HttpHeader> headers) {
  headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  return send({"POST", target, std::move(headers), body});
}

HttpResponse HttpClient::send_raw(const std::string& bytes) {
  connection_.reset();
  connect();
  HttpResponse response;
  response.status = 0;
  try {
    connection_->stream.expires_after(timeout_);
    asio::write(connection_->stream, asio::buffer(bytes));
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 32);
    http::read(connection_->stream, connection_->buffer, parser);
    response = response_from_wire(parser.get());
  } catch (const boost::system::system_error&) {
    // Closed without a (complete) response: status 0.
  }
  connection_.reset();
  return response;
}

std::string form_urlencode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += '&';
    for (const std::string* part : {&name, &value}) {
      for (const char c : *part) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
          body += c;
        } else {
          char escaped[4];
          std::snprintf(escaped, sizeof escaped, "%%%02X", byte);
          body += escaped;
        }
      }
      if (part == &name) body += '=';
    }
  }
  return body;
}

}  // namespace depthstyle
