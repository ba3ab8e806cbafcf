// A small HTTP/1.1 server (Boost.Beast over Boost.Asio) for the survey: a pool of threads running one io_context,
// keep-alive connections, limits on what a client may send, and a graceful stop.
//
//   - Limits: request line + headers at most header_limit bytes (else 431), body at most body_limit bytes (else
//     413, decided from Content-Length before the body is read), a malformed request gets 400, and so does an
//     HTTP/1.1 request without a Host header or any request with more than one (RFC 9112 3.2); after any of these
//     the connection is closed. A connection idle (or sending too slowly) for idle_timeout is closed.
//   - HEAD: the handler sees the request as sent (method "HEAD") and answers as it would a GET; the server sends
//     that response's status and headers, Content-Length included, without the body.
//   - The handler runs on a pool thread, one request per connection at a time; it must be thread-safe. An
//     exception from it becomes a 500 (logged), never a dropped connection.
//   - The response to a request is written only after the handler returned, so whatever the handler committed
//     before returning is durable by the time the client sees the response.
//   - stop(): no new connections; idle keep-alive connections are closed; requests being read or handled are
//     finished and answered (with Connection: close); wait() returns when all are done, or after stop_grace.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace depthstyle {

struct HttpServerOptions {
  // Address to listen on: 127.0.0.1 (default) serves this machine only; 0.0.0.0 every interface.
  std::string host = "127.0.0.1";
  // TCP port; 0 = a free port chosen by the system (port() tells which).
  int port = 8080;
  // Threads handling connections, >= 1.
  int threads = 4;
  // Bytes of request line and headers, and of the body, a request may have.
  std::size_t header_limit = 8 * 1024;
  std::size_t body_limit = 16 * 1024;
  // A connection with no complete request for this long is closed.
  std::chrono::milliseconds idle_timeout{30000};
  // How long wait() lets in-flight requests finish after stop().
  std::chrono::milliseconds stop_grace{10000};
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;
// The response the server sends by itself (400, 413, 431, 500), so it carries the application's headers too.
using HttpErrorResponder = std::function<HttpResponse(int status)>;

// One exchange as the server performs it, without a socket: `wire_bytes` is what a client sent on a new connection
// before closing its side; the result is the bytes of the server's response to the first request in them (the same
// limits, refusals and handler call as a connection), or "" where the server would close without answering. For
// tests and the fuzz target of the request path (tests/fuzz).
std::string respond_to_wire_bytes(std::string_view wire_bytes, const HttpServerOptions& options,
                                  const HttpHandler& handler, const HttpErrorResponder& error_responder);

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler, HttpErrorResponder error_responder);
  // Stops and waits.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the threads. Throws Error "cannot listen on HOST:PORT: ..." (port in use, bad address).
  void start();
  // The bound port (after start()).
  int port() const;
  // Asks the server to stop (thread-safe, idempotent, returns at once).
  void stop();
  // Blocks until stop() was called and the in-flight requests are done (or stop_grace passed), then joins.
  void wait();

  // Shared by the server and its connections (defined in http_server.cc).
  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace depthstyle
