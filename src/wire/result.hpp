// The codec's errors: decoders never throw and never read past their input; they return one of these.
#pragma once

#include <cstdint>

#include "base/expected.hpp"

namespace websrt::wire {

enum class WireError : std::uint8_t {
    truncated,         // the datagram ends before a field the header promises
    bad_length,        // a length field or the datagram size is not one SRT allows
    bad_value,         // a field holds a value SRT does not define (e.g. a KM message of another version)
    buffer_too_small,  // the caller's output buffer cannot hold the encoding
};

/// A short, static, human-readable description; never allocates.
constexpr const char* describe(WireError error) noexcept {
    switch (error) {
    case WireError::truncated: return "datagram truncated";
    case WireError::bad_length: return "length field out of range";
    case WireError::bad_value: return "field value not defined by SRT";
    case WireError::buffer_too_small: return "output buffer too small";
    }
    return "unknown wire error";
}

/// Either a value or a WireError.
template <class T>
using Result = Expected<T, WireError>;

}  // namespace websrt::wire
