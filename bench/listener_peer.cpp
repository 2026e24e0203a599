// websrt's side of bench/run.py's listener figures: one websrt listener port (the same UdpDriver
// and Endpoint as `websrt transmit`) that admits any number of callers and reads and discards
// what they send, as bench/libsrt_peer.py does for libsrt.
//   websrt_bench_listener <port>     prints "listening" when bound; runs until killed
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>
#include <iostream>
#include <string>

#include "core/random_source.hpp"
#include "udp_driver.hpp"

int main(int argc, char** argv) {
    using namespace websrt;
    if (argc != 2) {
        std::cerr << "usage: websrt_bench_listener <port>\n";
        return 2;
    }
    boost::asio::io_context io;
    core::CryptoRandom random;
    core::Endpoint endpoint(random);
    if (endpoint.listen({})) return 2;  // the default config is always valid
    const auto port = static_cast<unsigned short>(std::stoi(argv[1]));
    native::UdpDriver driver(io, endpoint, {boost::asio::ip::udp::v4(), port},
                             {[](const core::Event&) {}, [](core::ConnectionId, wire::Bytes) {}});
    std::cout << "listening" << std::endl;
    io.run();
    return 0;
}
