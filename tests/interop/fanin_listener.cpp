// Test peer: one websrt listener port that accepts many callers at once and writes each caller's
// stream to <directory>/<stream id>.bin, to prove demultiplexing against real libsrt callers.
//   websrt_fanin_listener <port> <directory> <callers>
// Prints "listening" when bound, exits 0 once <callers> connections have closed cleanly.
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>
#include <fstream>
#include <iostream>
#include <map>

#include "core/random_source.hpp"
#include "udp_driver.hpp"

int main(int argc, char** argv) {
    using namespace websrt;
    if (argc != 4) {
        std::cerr << "usage: websrt_fanin_listener <port> <directory> <callers>\n";
        return 2;
    }
    const auto port = static_cast<unsigned short>(std::stoi(argv[1]));
    const std::string directory = argv[2];
    const int expected = std::stoi(argv[3]);

    boost::asio::io_context io;
    core::CryptoRandom random;
    core::Endpoint endpoint(random);
    if (const auto refused = endpoint.listen({})) {
        std::cerr << "fanin_listener: " << *refused << "\n";
        return 1;
    }
    std::map<core::ConnectionId, std::ofstream> outputs;
    int closed = 0;
    int status = 0;
    native::UdpDriver driver(io, endpoint, {boost::asio::ip::udp::v4(), port},
                             {[&](const core::Event& e) {
                                  if (e.kind == core::EventKind::accepted) {
                                      outputs[e.connection].open(directory + "/" + e.stream_id + ".bin",
                                                                 std::ios::binary);
                                      std::cerr << "accepted '" << e.stream_id << "'" << std::endl;
                                  } else if (e.kind == core::EventKind::closed) {
                                      std::vector<std::uint8_t> buffer(1500);
                                      while (auto size = endpoint.receive(e.connection, INT64_MAX / 2, buffer))
                                          outputs[e.connection].write(reinterpret_cast<const char*>(buffer.data()),
                                                                      static_cast<std::streamsize>(*size));
                                      outputs.erase(e.connection);
                                      if (e.reason != core::CloseReason::peer_shutdown) status = 1;
                                      if (++closed == expected) io.stop();
                                  }
                              },
                              [&](core::ConnectionId id, wire::Bytes message) {
                                  outputs[id].write(reinterpret_cast<const char*>(message.data()),
                                                    static_cast<std::streamsize>(message.size()));
                              }});
    std::cerr << "listening on " << port << std::endl;
    io.run();
    return status;
}
