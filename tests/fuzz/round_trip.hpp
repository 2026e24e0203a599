// The property every decoder harness checks: whatever a decoder accepts must encode, and decoding
// that encoding must give the same value back. A violation aborts, which libFuzzer reports with
// the input that caused it (crashes and UB are caught by ASan/UBSan on top).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "wire/byte_io.hpp"

namespace websrt::fuzz {

[[noreturn]] inline void violated(const char* what) {
    std::fprintf(stderr, "round-trip property violated: %s\n", what);
    std::abort();
}

/// `decode(Bytes) -> Result<T>`, `write(const T&, ByteWriter&)`.
template <class Decode, class Write>
void check_round_trip(const std::uint8_t* data, std::size_t size, Decode decode, Write write) {
    const auto first = decode(wire::Bytes(data, size));
    if (!first) return;
    auto measure = wire::ByteWriter::measuring();
    write(*first, measure);
    if (!measure.ok()) violated("a decoded value cannot be encoded");
    std::vector<std::uint8_t> buffer(measure.written());
    wire::ByteWriter writer(buffer);
    write(*first, writer);
    if (!writer.ok() || writer.written() != buffer.size()) violated("encoding wrote other than the measured size");
    const auto second = decode(wire::Bytes(buffer));
    if (!second) violated("the encoding of a decoded value does not decode");
    if (!(*second == *first)) violated("decode(encode(x)) != x");
}

}  // namespace websrt::fuzz
