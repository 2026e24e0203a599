"""Seeds for inbox_fuzz: [u16 count] then an inbox of [u32 size][u32 tag][bytes, padded to 4]
records, built from the captured datagrams: whole batches, an empty one, one whose count is short,
one ending in a record that claims more than the buffer holds, one with an oversized record.
Usage: inbox_fuzz.py CORPUS_DIR VECTORS_DIR"""
import struct
import sys

from _vectors import datagrams, write_seed


def record(data, tag):
    return struct.pack("<II", len(data), tag) + data + b"\0" * (-len(data) % 4)


def main():
    corpus = sys.argv[1]
    by_file = {}
    for stem, direction, data in datagrams(sys.argv[2]):
        if len(by_file.setdefault(stem, [])) < 6:
            by_file[stem].append((0 if direction == "c>l" else 1, data))
    for batch in by_file.values():
        inbox = b"".join(record(data, tag) for tag, data in batch)
        write_seed(corpus, struct.pack("<H", len(batch)) + inbox)
        write_seed(corpus, struct.pack("<H", len(batch) - 1) + inbox)
        write_seed(corpus, struct.pack("<H", len(batch)) + inbox + struct.pack("<II", 1400, 0) + b"\1" * 16)
    write_seed(corpus, struct.pack("<H", 0))
    write_seed(corpus, struct.pack("<H", 3) + record(b"", 0) + record(b"abc", 7) + struct.pack("<II", 1501, 0) + b"\0" * 1501)
    write_seed(corpus, struct.pack("<H", 0xFFFF) + record(b"x" * 1500, 0xFFFFFFFF) + record(b"y", 1)[:-2])


if __name__ == "__main__":
    main()
