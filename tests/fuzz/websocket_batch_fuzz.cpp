// libFuzzer harness for the bridge's "websrt-batch" framing (native-shim/datagram_batch.hpp), the
// split of every batched WebSocket message a page sends: a malformed batch relays nothing, and a
// well-formed one splits into datagrams of 1..max bytes that append() puts back byte for byte.
#include "datagram_batch.hpp"

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

/// The bridge's limit (bridge_limits::max_datagram, which lives beside Boost.Asio): SRT's MSS.
constexpr std::size_t max_datagram = 1500;

[[noreturn]] void violated(const char* what) {
    std::fprintf(stderr, "websrt-batch property violated: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace batch = websrt::native::datagram_batch;
    const std::span<const std::uint8_t> message(data, size);
    std::vector<std::uint8_t> rebuilt;
    std::size_t datagrams = 0;
    const auto malformed = batch::split(message, max_datagram, [&](std::span<const std::uint8_t> datagram) {
        if (datagram.empty() || datagram.size() > max_datagram) violated("a datagram outside 1..max_datagram bytes");
        if (datagram.data() < data || datagram.data() + datagram.size() > data + size)
            violated("a datagram outside the message");
        batch::append(rebuilt, datagram);
        ++datagrams;
    });
    if (malformed != batch::Malformed::none) {
        if (datagrams != 0) violated("a malformed batch relayed datagrams");
        if (batch::describe(malformed).empty()) violated("a malformed batch has no reason");
        return 0;
    }
    if (rebuilt.size() != size || !std::equal(rebuilt.begin(), rebuilt.end(), data))
        violated("append() does not rebuild the batch");
    return 0;
}
