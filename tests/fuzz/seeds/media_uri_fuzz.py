"""Seeds for media_uri_fuzz: srt://, udp:// and file:// URIs using every option the parser knows,
valid and just out of range. Usage: media_uri_fuzz.py CORPUS_DIR VECTORS_DIR (the vectors are not used)."""
import sys

from _vectors import write_seed

uris = [
    "srt://:9000", "srt://127.0.0.1:9000", "srt://[::1]:9000", "srt://[::1]:9000?mode=listener",
    "srt://host.example:1?mode=caller&port=5000&adapter=10.0.0.1",
    "srt://:9000?mode=rendezvous", "srt://:9000?mode=caller", "srt://:0", "srt://:65536", "srt://x:99999999999",
    "srt://:9000?latency=120&rcvlatency=0&peerlatency=3600000",
    "srt://:9000?latency=3600001", "srt://:9000?latency=-1",
    "srt://:9000?maxbw=-1&inputbw=0&mininputbw=1000000&oheadbw=25",
    "srt://:9000?payloadsize=1456&pkt_size=188&mss=76&fc=32",
    "srt://:9000?sndbuf=1&rcvbuf=1073741824&mss=1500",
    "srt://:9000?mss=76&sndbuf=1073741824",
    "srt://:9000?conntimeo=1&peeridletimeo=3600000&snddropdelay=-1",
    "srt://:9000?tsbpdmode=0&tlpktdrop=false&nakreport=yes&messageapi=on&enforcedencryption=off",
    "srt://:9000?enforced_encryption=1&streamid=%23!::r=live/golden,m=publish",
    "srt://:9000?passphrase=websrt-golden-secret&pbkeylen=16&kmrefreshrate=200&kmpreannounce=50&cryptomode=aes-gcm",
    "srt://:9000?passphrase=short", "srt://:9000?pbkeylen=8", "srt://:9000?cryptomode=2&cryptomode=auto",
    "srt://:9000?transtype=live&congestion=live", "srt://:9000?transtype=file", "srt://:9000?congestion=file",
    "srt://:9000?unknown=1", "srt://:9000?latency=%", "srt://:9000?%zz=1", "srt://:9000?&&latency&=",
    "srt://:9000?streamid=" + "s" * 512, "srt://:9000?streamid=" + "%41" * 513,
    "udp://:5000", "udp://239.0.0.1:5000?adapter=10.0.0.2", "udp://[ff02::1]:5000?ttl=1",
    "file://con", "file://out.ts", "rtmp://a:1", "srt:/", "", "srt://[::1", "srt://[::1]9000",
]


def main():
    for uri in uris:
        write_seed(sys.argv[1], uri.encode())


if __name__ == "__main__":
    main()
