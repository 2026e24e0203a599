"""Shared by the seed generators in this directory: the captured libsrt datagrams in tests/vectors."""
import hashlib
import pathlib


def datagrams(vectors_dir):
    """Yields (file stem, direction 'c>l' or 'l>c', bytes) for every captured datagram."""
    for f in sorted(pathlib.Path(vectors_dir).glob("*.txt")):
        for line in f.read_text().splitlines():
            if line.startswith("#") or len(line) < 5:
                continue
            yield f.stem, line[:3], bytes.fromhex(line[4:].strip())


def write_seed(corpus_dir, data):
    d = pathlib.Path(corpus_dir)
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)
