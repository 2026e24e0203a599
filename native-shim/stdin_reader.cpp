#include "stdin_reader.hpp"

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace websrt::native {

StdinReader::StdinReader(boost::asio::io_context& io, std::size_t chunk_size, std::size_t capacity,
                         std::function<void()> on_ready)
    : io_(io), capacity_(capacity), on_ready_(std::move(on_ready)), thread_([this, chunk_size] { run(chunk_size); }) {}

StdinReader::~StdinReader() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    room_.notify_all();
    // A read() blocked on a terminal or pipe cannot be interrupted portably: detach in that case;
    // the process is exiting anyway.
    if (thread_.joinable()) thread_.detach();
}

void StdinReader::run(std::size_t chunk_size) {
    for (;;) {
        std::vector<std::uint8_t> chunk(chunk_size);
        // Fill whole chunks when the input allows (a pipe hands out what the writer wrote), so a
        // byte stream becomes full-size messages as srt-live-transmit makes them.
        std::size_t filled = 0;
        bool end = false;
        while (filled < chunk_size) {
            const ssize_t n = ::read(STDIN_FILENO, chunk.data() + filled, chunk_size - filled);
            if (n > 0) {
                filled += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                std::lock_guard lock(mutex_);
                error_ = std::string("reading standard input: ") + std::strerror(errno);
            }
            end = true;
            break;
        }
        chunk.resize(filled);
        {
            std::unique_lock lock(mutex_);
            room_.wait(lock, [this] { return chunks_.size() < capacity_ || stopping_; });
            if (stopping_) return;
            if (!chunk.empty()) chunks_.push_back(std::move(chunk));
            if (end) ended_ = true;
        }
        boost::asio::post(io_, on_ready_);
        if (end) return;
    }
}

std::optional<std::vector<std::uint8_t>> StdinReader::take() {
    std::optional<std::vector<std::uint8_t>> chunk;
    {
        std::lock_guard lock(mutex_);
        if (chunks_.empty()) return std::nullopt;
        chunk = std::move(chunks_.front());
        chunks_.pop_front();
    }
    room_.notify_one();
    return chunk;
}

void StdinReader::put_back(std::vector<std::uint8_t> chunk) {
    std::lock_guard lock(mutex_);
    chunks_.push_front(std::move(chunk));
}

bool StdinReader::finished() {
    std::lock_guard lock(mutex_);
    return ended_ && chunks_.empty();
}

std::optional<std::string> StdinReader::error() {
    std::lock_guard lock(mutex_);
    return error_;
}

}  // namespace websrt::native
