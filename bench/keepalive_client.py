"""An HTTP/1.1 client for the ingest bench: N keep-alive connections driven from one thread.

The bench's senders share the machine's two cores with the API workers and PostgreSQL, so
their CPU is taken from the server they measure. One thread with a selector over N sockets
(the requests built before the clock starts) costs a fraction of N threads of http.client,
and it is still a fair client: each connection sends its next request only after it has
read the whole answer (status line, headers, the Content-Length body), and every answer's
JSON is parsed.
"""

from __future__ import annotations

import json
import selectors
import socket
import time
from collections.abc import Sequence


def request_bytes(path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """One POST as it goes on the wire (Host and Content-Length added)."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body  # fmt: skip


def _answer(buf: bytearray) -> tuple[int, bytes, int] | None:
    """(status, body, bytes used) once `buf` holds a whole answer, else None."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buf[:end]).decode("latin-1").split("\r\n")
    length = None
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
        elif name.strip().lower() == "transfer-encoding":
            raise ValueError("chunked answers are not expected from the webhook")
    if length is None:
        raise ValueError("an answer without Content-Length")
    if len(buf) < end + 4 + length:
        return None
    return int(head[0].split()[1]), bytes(buf[end + 4 : end + 4 + length]), end + 4 + length


def post_all(
    port: int, requests: Sequence[bytes], connections: int = 8
) -> list[tuple[int, dict, float]]:
    """Send every request, in order, over `connections` keep-alive sockets; per request its
    (status, parsed JSON answer, seconds from send to the answer's last byte)."""
    out: list[tuple[int, dict, float] | None] = [None] * len(requests)
    sel = selectors.DefaultSelector()
    pending = iter(range(len(requests)))
    state: dict[socket.socket, list] = {}  # socket -> [request index, sent at, buffer]

    def send_next(sock: socket.socket) -> None:
        i = next(pending, None)
        if i is None:
            sel.unregister(sock)
            sock.close()
            return
        state[sock] = [i, time.perf_counter(), bytearray()]
        sock.sendall(requests[i])

    for _ in range(min(connections, len(requests))):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sel.register(sock, selectors.EVENT_READ)
        send_next(sock)
    while sel.get_map():
        for key, _ in sel.select(timeout=30) or [(None, None)]:
            if key is None:
                raise TimeoutError("no answer from the API for 30 s")
            sock = key.fileobj
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("the API closed a keep-alive connection")
            i, t0, buf = state[sock]
            buf += chunk
            done = _answer(buf)
            if done is not None:
                status, body, _ = done
                out[i] = (status, json.loads(body), time.perf_counter() - t0)
                send_next(sock)
    return out  # type: ignore[return-value]
