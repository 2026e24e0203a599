// The input reader's thread: large reads cut into message-sized chunks, queued with backpressure.
#include "input_reader.hpp"

#include <boost/asio/post.hpp>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace websrt::native {

InputReader::InputReader(boost::asio::io_context& io, InputSource source, std::size_t chunk_size, std::size_t capacity,
                         std::function<void()> on_ready)
    : io_(io),
      source_(std::move(source)),
      capacity_(capacity),
      on_ready_(std::move(on_ready)),
      thread_([this, chunk_size] { run(chunk_size); }) {}

InputReader::~InputReader() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    room_.notify_all();
    // A read() blocked on a terminal or pipe cannot be interrupted portably: detach in that case;
    // the process is exiting anyway.
    if (thread_.joinable()) thread_.detach();
}

void InputReader::run(std::size_t chunk_size) {
    read_all(chunk_size);
    // Only this thread uses the descriptor: it closes one it was given to own once done with it.
    if (source_.owned) ::close(source_.fd);
}

void InputReader::read_all(std::size_t chunk_size) {
    // Large reads, cut into whole chunks: one read() and one wake-up of the consumer per pipe
    // buffer, not per message (at 200 Mbit/s that was 17000 of each a second). The cut is the
    // same as reading a chunk at a time: whole chunks while input lasts, the rest at its end, as
    // srt-live-transmit makes messages of a byte stream.
    std::vector<std::uint8_t> block(std::max(read_size, chunk_size));
    std::vector<std::uint8_t> pending;  // read, not yet a whole chunk
    for (;;) {
        const ssize_t n = ::read(source_.fd, block.data(), block.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int read_errno = errno;
            std::lock_guard lock(mutex_);
            error_ = "reading " + source_.name + ": " + std::strerror(read_errno);
        }
        const bool end = n <= 0;
        if (n > 0) pending.insert(pending.end(), block.data(), block.data() + n);
        std::size_t offset = 0;
        while (pending.size() - offset >= chunk_size || (end && offset < pending.size())) {
            const std::size_t size = std::min(chunk_size, pending.size() - offset);
            if (!queue({pending.begin() + static_cast<std::ptrdiff_t>(offset),
                        pending.begin() + static_cast<std::ptrdiff_t>(offset + size)}))
                return;
            offset += size;
        }
        pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(offset));
        if (end) {
            {
                std::lock_guard lock(mutex_);
                ended_ = true;
            }
            boost::asio::post(io_, on_ready_);
            return;
        }
    }
}

bool InputReader::queue(std::vector<std::uint8_t> chunk) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [this] { return chunks_.size() < capacity_ || stopping_; });
    if (stopping_) return false;
    // The consumer takes everything queued each time it runs (or retries on its own while the
    // send buffer is full): it needs waking only when the queue was empty.
    const bool wake = chunks_.empty();
    chunks_.push_back(std::move(chunk));
    if (wake) boost::asio::post(io_, on_ready_);
    return true;
}

std::optional<std::vector<std::uint8_t>> InputReader::take() {
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

void InputReader::put_back(std::vector<std::uint8_t> chunk) {
    std::lock_guard lock(mutex_);
    chunks_.push_front(std::move(chunk));
}

bool InputReader::finished() {
    std::lock_guard lock(mutex_);
    return ended_ && chunks_.empty();
}

std::optional<std::string> InputReader::error() {
    std::lock_guard lock(mutex_);
    return error_;
}

}  // namespace websrt::native
