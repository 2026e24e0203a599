// libFuzzer harness for wire::decode_handshake: the handshake body with its extension blocks.
#include "round_trip.hpp"
#include "wire/handshake.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace websrt;
    fuzz::check_round_trip(data, size, wire::decode_handshake, wire::write_handshake);
    return 0;
}
