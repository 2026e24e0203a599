// libFuzzer harness for wire::decode_packet, the entry point for every datagram from the network.
#include "round_trip.hpp"
#include "wire/packet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace websrt;
    fuzz::check_round_trip(data, size, wire::decode_packet, [](const wire::Packet& packet, wire::ByteWriter& out) {
        // encode_packet writes into a span; go through it so that encoded_size is checked too.
        std::vector<std::uint8_t> bytes(wire::encoded_size(packet));
        const auto written = wire::encode_packet(packet, bytes);
        if (!written) return out.fail(written.error());
        if (*written != bytes.size()) fuzz::violated("encoded_size disagrees with encode_packet");
        out.bytes(bytes);
    });
    return 0;
}
