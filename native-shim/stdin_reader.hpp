// Reads standard input on its own thread and cuts it into chunks of one message, with
// backpressure: the thread stops reading while `capacity` chunks wait to be taken. A thread rather than an
// Asio descriptor because stdin may be a regular file, which epoll refuses.
#pragma once

#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace websrt::native {

class StdinReader {
public:
    /// `on_ready` runs on the io_context whenever chunks (or the end of input) become available.
    StdinReader(boost::asio::io_context& io, std::size_t chunk_size, std::size_t capacity,
                std::function<void()> on_ready);
    ~StdinReader();

    /// The oldest chunk, if one is waiting.
    std::optional<std::vector<std::uint8_t>> take();
    /// Puts a chunk back at the front (the consumer could not use it yet).
    void put_back(std::vector<std::uint8_t> chunk);
    /// True once input ended and every chunk was taken.
    [[nodiscard]] bool finished();
    /// The read error that ended input early, if any.
    [[nodiscard]] std::optional<std::string> error();

private:
    void run(std::size_t chunk_size);
    /// Waits for room, then queues a chunk; false when the reader is stopping.
    bool queue(std::vector<std::uint8_t> chunk);

    /// Bytes asked of each read(): a pipe's default buffer.
    static constexpr std::size_t read_size = 64 * 1024;

    boost::asio::io_context& io_;
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
