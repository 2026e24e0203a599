// Errors as values at the core's boundary: a small std::expected stand-in (C++20 has none, and
// Emscripten 3.1.6's libc++ neither), shared by the codec, the crypto adapter and the core.
#pragma once

#include <utility>
#include <variant>

namespace websrt {

/// Either a value or an error of enum type E. Callers test `ok()` before `value()`; reading the
/// wrong alternative is a programming error.
template <class T, class E>
class Expected {
public:
    Expected(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
    Expected(E error) : state_(error) {}             // NOLINT: implicit by design

    [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    [[nodiscard]] T& value() & { return *std::get_if<0>(&state_); }
    [[nodiscard]] const T& value() const& { return *std::get_if<0>(&state_); }
    [[nodiscard]] T&& value() && { return std::move(*std::get_if<0>(&state_)); }
    T* operator->() { return std::get_if<0>(&state_); }
    const T* operator->() const { return std::get_if<0>(&state_); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    /// The error; E{} when there is a value (meaningful only when !ok()).
    [[nodiscard]] E error() const noexcept {
        const E* e = std::get_if<1>(&state_);
        return e ? *e : E{};
    }

private:
    std::variant<T, E> state_;
};

}  // namespace websrt
