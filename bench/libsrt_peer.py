#!/usr/bin/env python3
"""libsrt itself (Debian's libsrt 1.5.1, through ctypes) as a benchmark peer: many callers in one
process, and a listener that accepts any number of them and reads what they send. The same
callers measure websrt's listener and libsrt's, so the two listeners are compared under one load.

    python3 bench/libsrt_peer.py listen PORT        # accepts and reads until killed
"""
import ctypes
import ctypes.util
import socket
import sys
import threading

SRTO_RCVSYN = 2  # blocking receive (libsrt SRT_SOCKOPT)


class SockaddrIn(ctypes.Structure):
    _fields_ = [("family", ctypes.c_ushort), ("port", ctypes.c_ushort), ("addr", ctypes.c_ubyte * 4), ("zero", ctypes.c_ubyte * 8)]


def _load():
    for name in ("libsrt-gnutls.so.1.5", "libsrt-openssl.so.1.5", ctypes.util.find_library("srt") or "libsrt.so.1.5"):
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError:
            continue
    else:
        raise RuntimeError("libsrt 1.5 not found (apt-get install libsrt1.5-gnutls)")
    lib.srt_getlasterror_str.restype = ctypes.c_char_p
    lib.srt_startup()
    return lib


srt = _load()


def address(host, port):
    a = SockaddrIn()
    a.family = socket.AF_INET
    a.port = socket.htons(port)
    a.addr[:] = socket.inet_aton(host)
    return a


def check(result, what):
    if result < 0:
        raise RuntimeError(f"{what}: {srt.srt_getlasterror_str().decode()}")
    return result


class Caller:
    """One libsrt caller socket (blocking connect, live mode defaults)."""

    def __init__(self, host, port):
        self.sock = check(srt.srt_create_socket(), "srt_create_socket")
        a = address(host, port)
        check(srt.srt_connect(self.sock, ctypes.byref(a), ctypes.sizeof(a)), "srt_connect")

    def send(self, data):
        return srt.srt_sendmsg2(self.sock, data, len(data), None)

    def close(self):
        srt.srt_close(self.sock)


class EpollEvent(ctypes.Structure):
    _fields_ = [("fd", ctypes.c_int), ("events", ctypes.c_int)]


SRT_EPOLL_IN = 0x1


def listen(port):
    """Accepts any number of callers; one thread reads them all through libsrt's epoll, as a
    libsrt server would (no thread per connection)."""
    sock = check(srt.srt_create_socket(), "srt_create_socket")
    a = address("127.0.0.1", port)
    check(srt.srt_bind(sock, ctypes.byref(a), ctypes.sizeof(a)), "srt_bind")
    check(srt.srt_listen(sock, 1024), "srt_listen")
    eid = check(srt.srt_epoll_create(), "srt_epoll_create")
    print("listening", flush=True)

    def read():
        events = (EpollEvent * 256)()
        buffer = ctypes.create_string_buffer(1500)
        while True:
            ready = srt.srt_epoll_uwait(eid, events, 256, 100)
            for event in events[:max(0, ready)]:
                while srt.srt_recvmsg(event.fd, buffer, 1500) > 0:
                    pass

    threading.Thread(target=read, daemon=True).start()
    no = ctypes.c_bool(False)
    mask = ctypes.c_int(SRT_EPOLL_IN)
    while True:
        peer_addr = SockaddrIn()
        size = ctypes.c_int(ctypes.sizeof(peer_addr))
        peer = srt.srt_accept(sock, ctypes.byref(peer_addr), ctypes.byref(size))
        if peer < 0:
            return
        srt.srt_setsockflag(peer, SRTO_RCVSYN, ctypes.byref(no), ctypes.sizeof(no))
        srt.srt_epoll_add_usock(eid, peer, ctypes.byref(mask))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "listen":
        listen(int(sys.argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
