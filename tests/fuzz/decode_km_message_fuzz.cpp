// libFuzzer harness for wire::decode_km_message: the key material message (KMREQ/KMRSP).
#include "round_trip.hpp"
#include "wire/km_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace websrt;
    fuzz::check_round_trip(data, size, wire::decode_km_message, wire::write_km_message);
    return 0;
}
