"""Seeds for bitsliced_aes_fuzz: [choices][key: 16/24/32][counter: 16][shift][AAD size][AAD][data].
Each key size, both overlap directions, counters about to carry, and data of 0, 1, 15, 16, 17,
127, 128, 129 and 1316 bytes (a live packet).
Usage: bitsliced_aes_fuzz.py CORPUS_DIR VECTORS_DIR"""
import sys

from _vectors import write_seed


def main():
    corpus = sys.argv[1]
    for key_choice, key_size in ((0, 16), (1, 24), (2, 32)):
        for later in (0, 4):
            for length in (0, 1, 15, 16, 17, 127, 128, 129, 1316):
                choices = key_choice | later | ((length % 7) << 5)
                key = bytes((i * 37 + key_size) & 0xFF for i in range(key_size))
                counter = bytes(range(12)) + b"\xff\xff\xff" + bytes([0xF0 + length % 16])
                shift = bytes([length % 48])
                aad = bytes(range(length % 20))
                data = bytes((i * 11) & 0xFF for i in range(length))
                write_seed(corpus, bytes([choices]) + key + counter + shift + bytes([len(aad)]) + aad + data)


if __name__ == "__main__":
    main()
