// libFuzzer harness for wire::decode_loss_list: the NAK's range-compressed loss list.
#include "round_trip.hpp"
#include "wire/loss_list.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace websrt;
    fuzz::check_round_trip(data, size, wire::decode_loss_list, wire::write_loss_list);
    return 0;
}
