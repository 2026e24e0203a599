// Errors as values at the core's boundary: a small std::expected stand-in (C++20 has none, and
// Emscripten 3.1.6's libc++ neither), so decoders never throw and never read past their input.
#pragma once

#include <cstdint>
#include <utility>
#include <variant>

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

/// Either a value or a WireError. Access to the wrong alternative is a programming error and is
/// checked by std::get (which would throw); callers test `ok()` first.
template <class T>
class Result {
public:
    Result(T value) : state_(std::move(value)) {}            // NOLINT: implicit by design
    Result(WireError error) : state_(error) {}                // NOLINT: implicit by design

    [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    [[nodiscard]] T& value() & { return *std::get_if<0>(&state_); }
    [[nodiscard]] const T& value() const& { return *std::get_if<0>(&state_); }
    [[nodiscard]] T&& value() && { return std::move(*std::get_if<0>(&state_)); }
    T* operator->() { return std::get_if<0>(&state_); }
    const T* operator->() const { return std::get_if<0>(&state_); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    [[nodiscard]] WireError error() const noexcept {
        const WireError* e = std::get_if<1>(&state_);
        return e ? *e : WireError::bad_value;
    }

private:
    std::variant<T, WireError> state_;
};

}  // namespace websrt::wire
