// http/http_server.h: the request path of the survey server without a socket (respond_to_wire_bytes): Beast's
// parser under the server's header and body limits, the Host rule, the conversion to HttpRequest, the handler's
// response back to the wire, HEAD. The handler echoes what it received, so every field of the request is read.
#include "fuzz/fuzz_support.h"
#include "http/http_server.h"

using namespace depthstyle;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const HttpServerOptions options = [] {
    HttpServerOptions server;
    server.header_limit = 1024;  // small, so that the fuzzer reaches the 431 and 413 paths with inputs of a few KB
    server.body_limit = 512;
    return server;
  }();
  const HttpHandler echo = [](const HttpRequest& request) {
    HttpResponse response;
    response.status = request.path() == "/missing" ? 404 : 200;
    response.body = request.method + " " + request.target + "\n" + request.header("Content-Type") + "\n" +
                    request.body;
    for (const HttpHeader& header : request.headers) response.body += header.name + ": " + header.value + "\n";
    response.set_header("Content-Type", "text/plain");
    return response;
  };
  const HttpErrorResponder errors = [](int status) {
    HttpResponse response;
    response.status = status;
    response.body = std::string(http_reason(status));
    return response;
  };
  const std::string reply = respond_to_wire_bytes(fuzz::as_text(data, size), options, echo, errors);
  DEPTHSTYLE_ASSERT(reply.empty() || reply.rfind("HTTP/1.", 0) == 0);
  return 0;
}
