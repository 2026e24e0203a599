// Reads a file descriptor (standard input, or a file `websrt transmit` opened) on its own thread
// and cuts it into chunks of one message, with backpressure: the thread stops reading while
// `capacity` chunks wait to be taken. A thread rather than an Asio descriptor because the input may
// be a regular file, which epoll refuses.
#pragma once

#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace websrt::native {

/// What to read: a descriptor, the name read errors give it ("standard input", "file '/x.ts'"),
/// and whether the reader closes it when its thread is done with it.
struct InputSource {
    int fd = 0;
    std::string name;
    bool owned = false;
};

class InputReader {
public:
    /// `on_ready` runs on the io_context whenever chunks (or the end of input) become available.
    InputReader(boost::asio::io_context& io, InputSource source, std::size_t chunk_size, std::size_t capacity,
                std::function<void()> on_ready);
    ~InputReader();

    /// The oldest chunk, if one is waiting.
    std::optional<std::vector<std::uint8_t>> take();
    /// Puts a chunk back at the front (the consumer could not use it yet).
    void put_back(std::vector<std::uint8_t> chunk);
    /// True once input ended and every chunk was taken.
    [[nodiscard]] bool finished();
    /// The read error that ended input early, if any: one line naming the input.
    [[nodiscard]] std::optional<std::string> error();

private:
    void run(std::size_t chunk_size);
    /// Reads until the input ends (or fails, or the reader stops), queueing chunks on the way.
    void read_all(std::size_t chunk_size);
    /// Waits for room, then queues a chunk; false when the reader is stopping.
    bool queue(std::vector<std::uint8_t> chunk);

    /// Bytes asked of each read(): a pipe's default buffer.
    static constexpr std::size_t read_size = 64 * 1024;

    boost::asio::io_context& io_;
    InputSource source_;
    std::size_t capacity_;
    std::function<void()> on_ready_;
    std::mutex mutex_;
    std::condition_variable room_;
    std::deque<std::vector<std::uint8_t>> chunks_;
    bool ended_ = false;
    bool stopping_ = false;
    std::optional<std::string> error_;
    std::thread thread_;
};

}  // namespace websrt::native
