// libFuzzer harness for the bindings' record reader and writer (bindings/datagram_records.hpp),
// which parse the inbox JS fills with datagram records. Input: 2 bytes of record count (what JS
// passes to handleInbox), the rest is the inbox, copied into a heap buffer of exactly that size so
// that ASan sees any read past it. Asserted: every record lies inside the buffer, in order, 4-byte
// aligned, without overlap, at most max_record_payload bytes, at most `count` of them; the records
// are exactly those an independent reading of the format finds; and writing them back with
// RecordWriter and reading that gives the same records.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "bindings/datagram_records.hpp"

namespace {

using namespace websrt::bindings;

[[noreturn]] void violated(const char* what, long long detail = 0) {
    std::fprintf(stderr, "inbox record invariant violated: %s (%lld)\n", what, detail);
    std::abort();
}

struct Plain {
    std::uint32_t tag;
    std::size_t offset;  // of the payload in the buffer
    std::size_t size;
};

/// The format read the slow, obvious way: record i starts where record i-1's padded payload ends.
std::vector<Plain> reference_read(const std::vector<std::uint8_t>& buffer, std::size_t count) {
    std::vector<Plain> records;
    std::size_t at = 0;
    while (records.size() < count && at + 8 <= buffer.size()) {
        std::uint32_t size = 0, tag = 0;
        for (int i = 3; i >= 0; --i) size = size << 8 | buffer[at + i];
        for (int i = 7; i >= 4; --i) tag = tag << 8 | buffer[at + i];
        if (size > 1500 || at + 8 + size > buffer.size()) break;
        records.push_back({tag, at + 8, size});
        at += 8 + (size + 3) / 4 * 4;
    }
    return records;
}

std::vector<Plain> read_all(const std::vector<std::uint8_t>& buffer, std::size_t count) {
    std::vector<Plain> records;
    RecordReader reader(buffer, count);
    const std::uint8_t* begin = buffer.data();
    const std::uint8_t* end = buffer.data() + buffer.size();
    std::size_t previous_end = 0;
    while (const auto record = reader.next()) {
        const std::uint8_t* first = record->bytes.data();
        if (record->bytes.size() > max_record_payload)
            violated("record above the payload limit", static_cast<long long>(record->bytes.size()));
        if (first < begin || first + record->bytes.size() > end) violated("record outside the buffer");
        const auto offset = static_cast<std::size_t>(first - begin);
        if (offset < previous_end + record_header)
            violated("records overlap or go back", static_cast<long long>(offset));
        if ((offset - record_header) % 4 != 0)
            violated("record header not 4-byte aligned", static_cast<long long>(offset));
        records.push_back({record->tag, offset, record->bytes.size()});
        previous_end = offset + padded(record->bytes.size());
        if (records.size() > count || records.size() > buffer.size() / record_header)
            violated("more records than asked for or than fit", static_cast<long long>(records.size()));
    }
    // Once it stops, it stays stopped.
    if (reader.next()) violated("reader yielded a record after ending");
    return records;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t count = data[0] | std::size_t{data[1]} << 8;
    const std::vector<std::uint8_t> inbox(data + 2, data + size);

    const auto records = read_all(inbox, count);
    const auto expected = reference_read(inbox, count);
    if (records.size() != expected.size())
        violated("record count differs from the reference reading", static_cast<long long>(records.size()));
    for (std::size_t i = 0; i < records.size(); ++i)
        if (records[i].tag != expected[i].tag || records[i].size != expected[i].size ||
            records[i].offset != expected[i].offset)
            violated("record differs from the reference reading", static_cast<long long>(i));

    // Write them back as the outbox is written (full-size slots), into a buffer that holds them.
    std::vector<std::uint8_t> outbox(records.size() * (record_header + max_record_payload) + (data[0] & 7));
    RecordWriter writer(outbox);
    for (const auto& record : records) {
        const auto slot = writer.slot();
        if (slot.size() != max_record_payload) violated("writer has no full slot where one fits");
        if (record.size) std::memcpy(slot.data(), inbox.data() + record.offset, record.size);
        writer.commit(record.size, record.tag);
    }
    if (const auto slot = writer.slot(); !slot.empty() && slot.data() + slot.size() > outbox.data() + outbox.size())
        violated("writer offers a slot past the buffer");
    const auto again = read_all(outbox, writer.count());
    if (again.size() != records.size())
        violated("written records do not read back", static_cast<long long>(again.size()));
    for (std::size_t i = 0; i < again.size(); ++i) {
        if (again[i].tag != records[i].tag || again[i].size != records[i].size)
            violated("written record reads back different", static_cast<long long>(i));
        if (again[i].size &&
            std::memcmp(outbox.data() + again[i].offset, inbox.data() + records[i].offset, again[i].size) != 0)
            violated("written payload reads back different", static_cast<long long>(i));
    }
    return 0;
}
