"""free_port: a TCP port on 127.0.0.1 that nothing listens on (bound, then
released: the kernel does not hand it out again at once).

    python3 tests/lib/free_port.py      prints the port
"""
import socket

s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
