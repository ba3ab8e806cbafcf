#include "http/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <condition_variable>
#include <list>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/log.h"

namespace depthstyle {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class Connection;

struct HttpServer::State {
  HttpServerOptions options;
  HttpHandler handler;
  HttpErrorResponder error_responder;
  asio::io_context context;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  int port = 0;

  std::mutex mutex;
  std::condition_variable changed;
  bool stopping = false;
  std::chrono::steady_clock::time_point stop_requested;
  // Live connections, for closing the idle ones at stop(); entries remove themselves.
  std::list<std::weak_ptr<Connection>> connections;
  std::atomic<bool> stop_flag{false};

  explicit State(HttpServerOptions server_options, HttpHandler request_handler, HttpErrorResponder errors)
      : options(std::move(server_options)),
        handler(std::move(request_handler)),
        error_responder(std::move(errors)),
        context(options.threads) {}
};

namespace {

HttpRequest request_from_wire(const http::request<http::string_body>& wire) {
  HttpRequest request;
  request.method = std::string(wire.method_string());
  request.target = std::string(wire.target());
  for (const auto& field : wire) {
    request.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  }
  request.body = wire.body();
  return request;
}

// `head`: the answer to a HEAD request, i.e. the GET response's status and headers (Content-Length included) without
// its body (RFC 9110 9.3.2).
http::response<http::string_body> response_to_wire(const HttpResponse& response, unsigned version, bool head) {
  http::response<http::string_body> wire;
  wire.version(version);
  wire.result(static_cast<unsigned>(response.status));
  wire.reason(std::string(http_reason(response.status)));
  for (const HttpHeader& header : response.headers) wire.insert(header.name, header.value);
  wire.body() = response.body;
  wire.prepare_payload();
  if (head) wire.body().clear();
  return wire;
}

// RFC 9112 3.2: an HTTP/1.1 request must carry exactly one Host header (HTTP/1.0 at most one); otherwise 400.
bool has_valid_host(const http::request<http::string_body>& wire) {
  const std::size_t hosts = wire.count(http::field::host);
  return hosts == 1 || (hosts == 0 && wire.version() < 11);
}

bool is_parse_error(const beast::error_code& error) {
  return &error.category() == &http::make_error_code(http::error::bad_target).category();
}

// The status the server refuses a request with after the parser's `error` (a limit broken, or not HTTP).
int refusal_status(const beast::error_code& error) {
  if (error == http::error::header_limit) return 431;
  if (error == http::error::body_limit) return 413;
  return 400;
}

// The server's answer to a request the parser read whole: 400 without a valid Host (`refused`: the server answers
// by itself and closes); otherwise the handler's response, or 500 if the handler throws.
HttpResponse answer(const http::request<http::string_body>& wire, const HttpHandler& handler,
                    const HttpErrorResponder& error_responder, bool& refused) {
  refused = !has_valid_host(wire);
  if (refused) return error_responder(400);
  try {
    return handler(request_from_wire(wire));
  } catch (const std::exception& exception) {
    log_warning("survey server: ", wire.method_string(), " ", wire.target(), " failed: ", exception.what());
    return error_responder(500);
  }
}

}  // namespace

// One client connection: read a request, handle it, write the response, repeat while kept alive. All of its work
// runs on its own strand.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, std::shared_ptr<HttpServer::State> state)
      : stream_(std::move(socket)), state_(std::move(state)) {}

  void start() {
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      registration_ = state_->connections.insert(state_->connections.end(), weak_from_this());
    }
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  ~Connection() {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->connections.erase(registration_);
    state_->changed.notify_all();
  }

  // From stop(): close the connection if it is waiting for a request that has not started to arrive.
  void close_if_idle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->waiting_ && self->buffer_.size() == 0 && !(self->parser_ && self->parser_->got_some())) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        self->stream_.close();
      }
    });
  }

 private:
  void read() {
    if (state_->stop_flag) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->options.header_limit));
    parser_->body_limit(state_->options.body_limit);
    stream_.expires_after(state_->options.idle_timeout);
    waiting_ = true;
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_read(error); });
  }

  void on_read(beast::error_code error) {
    waiting_ = false;
    if (error == http::error::end_of_stream || error == beast::error::timeout ||
        error == asio::error::operation_aborted || error == asio::error::connection_reset ||
        error == asio::error::eof || error == asio::error::bad_descriptor) {
      return close();
    }
    if (error) {
      // A socket error: nobody to answer. A parse error (a limit broken, not HTTP): say so, then close.
      if (!is_parse_error(error)) return close();
      return refuse(refusal_status(error));
    }
    const http::request<http::string_body>& wire = parser_->get();
    bool refused = false;
    const HttpResponse response = answer(wire, state_->handler, state_->error_responder, refused);
    if (refused) return refuse(response);
    const bool keep_alive = wire.keep_alive() && !response.close && !state_->stop_flag;
    write(response, wire.version(), keep_alive, wire.method() == http::verb::head);
  }

  // The server's own answer to a request it does not pass on (unreadable, too large, no Host); then it closes, since
  // where the next request would start is unknown.
  void refuse(int status) { refuse(state_->error_responder(status)); }
  void refuse(HttpResponse response) {
    response.close = true;
    write(response, 11, false, false);
  }

  void write(const HttpResponse& response, unsigned version, bool keep_alive, bool head) {
    response_ = response_to_wire(response, version, head);
    response_.keep_alive(keep_alive);
    stream_.expires_after(state_->options.idle_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), keep_alive](beast::error_code error, std::size_t) {
                        if (error || !keep_alive) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::shared_ptr<HttpServer::State> state_;
  std::list<std::weak_ptr<Connection>>::iterator registration_;
  bool waiting_ = false;
};

namespace {

void accept_next(const std::shared_ptr<HttpServer::State>& state) {
  state->acceptor->async_accept(
      asio::make_strand(state->context), [state](beast::error_code error, tcp::socket socket) {
        if (error == asio::error::operation_aborted || !state->acceptor->is_open()) return;
        if (!error) std::make_shared<Connection>(std::move(socket), state)->start();
        accept_next(state);
      });
}

}  // namespace

std::string respond_to_wire_bytes(std::string_view wire_bytes, const HttpServerOptions& options,
                                  const HttpHandler& handler, const HttpErrorResponder& error_responder) {
  if (wire_bytes.empty()) return "";  // the client closed without sending anything: the server just closes
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
  parser.body_limit(options.body_limit);
  beast::error_code error;
  // As async_read does: offer everything received; the parser takes whole header lines and body chunks.
  std::size_t offset = 0;
  while (!parser.is_done() && !error && offset < wire_bytes.size()) {
    const std::size_t used =
        parser.put(asio::buffer(wire_bytes.data() + offset, wire_bytes.size() - offset), error);
    offset += used;
    if (error == http::error::need_more) {
      if (used == 0) break;
      error = {};
    }
  }
  // The bytes end here, as if the client closed its side: a request cut short is a parse error (partial_message).
  if (!parser.is_done() && (!error || error == http::error::need_more)) {
    error = {};
    parser.put_eof(error);
  }
  bool refused = true;
  HttpResponse response;
  if (error) {
    // end_of_stream: the bytes held no start of a request (the server closes such a connection without answering).
    if (!is_parse_error(error) || error == http::error::end_of_stream) return "";
    response = error_responder(refusal_status(error));
  } else {
    response = answer(parser.get(), handler, error_responder, refused);
  }
  const bool head = !refused && parser.get().method() == http::verb::head;
  http::response<http::string_body> wire = response_to_wire(response, refused ? 11 : parser.get().version(), head);
  wire.keep_alive(!refused && parser.get().keep_alive() && !response.close);
  std::ostringstream out;
  out << wire;
  return out.str();
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler, HttpErrorResponder error_responder)
    : state_(std::make_shared<State>(std::move(options), std::move(handler), std::move(error_responder))) {
  DEPTHSTYLE_ASSERT(state_->options.threads >= 1);
}

HttpServer::~HttpServer() {
  stop();
  wait();
}

void HttpServer::start() {
  State& state = *state_;
  const std::string where = concat(state.options.host, ":", state.options.port);
  try {
    const tcp::endpoint endpoint(asio::ip::make_address(state.options.host),
                                 static_cast<unsigned short>(state.options.port));
    state.acceptor.emplace(asio::make_strand(state.context));
    state.acceptor->open(endpoint.protocol());
    state.acceptor->set_option(asio::socket_base::reuse_address(true));
    state.acceptor->bind(endpoint);
    state.acceptor->listen(asio::socket_base::max_listen_connections);
    state.port = state.acceptor->local_endpoint().port();
  } catch (const boost::system::system_error& error) {
    throw Error(concat("cannot listen on ", where, ": ", error.code().message()));
  }
  accept_next(state_);
  for (int i = 0; i < state.options.threads; ++i) {
    state.threads.emplace_back([state = state_] { state->context.run(); });
  }
}

int HttpServer::port() const { return state_->port; }

void HttpServer::stop() {
  State& state = *state_;
  // Owners taken under the lock are released after it: the last owner's destructor takes the lock itself.
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    if (state.stopping) return;
    state.stopping = true;
    state.stop_flag = true;
    state.stop_requested = std::chrono::steady_clock::now();
    for (const std::weak_ptr<Connection>& weak : state.connections) {
      if (std::shared_ptr<Connection> connection = weak.lock()) live.push_back(std::move(connection));
    }
    state.changed.notify_all();
  }
  for (const std::shared_ptr<Connection>& connection : live) connection->close_if_idle();
  if (state.acceptor) {
    asio::post(state.acceptor->get_executor(), [state = state_] {
      beast::error_code ignored;
      state->acceptor->close(ignored);
    });
  }
}

void HttpServer::wait() {
  State& state = *state_;
  {
    std::unique_lock<std::mutex> lock(state.mutex);
    state.changed.wait(lock, [&] { return state.stopping; });
    state.changed.wait_until(lock, state.stop_requested + state.options.stop_grace,
                             [&] { return state.connections.empty(); });
  }
  // Whatever is left after the grace period (a client that never finishes its request) is cut off.
  state.context.stop();
  for (std::thread& thread : state.threads) {
    if (thread.joinable()) thread.join();
  }
  state.threads.clear();
}

}  // namespace depthstyle
