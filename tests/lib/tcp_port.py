"""tcp_port: a TCP port on 127.0.0.1 for a test's own server, and whether it
answers yet.

    python3 tests/lib/tcp_port.py free
        prints a port the kernel gave a socket bound to 127.0.0.1:0 (free
        when printed; the caller binds it soon after)
    python3 tests/lib/tcp_port.py connect PORT
        exit 0 when a connection to 127.0.0.1:PORT succeeds within 1 s, 1 when
        refused or timed out (the caller loops, bounded)

Exit 2 on usage.
"""
import socket
import sys

if len(sys.argv) == 2 and sys.argv[1] == "free":
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
elif len(sys.argv) == 3 and sys.argv[1] == "connect":
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[2])), 1).close()
    except (OSError, ValueError):
        sys.exit(1)
else:
    sys.stderr.write("usage: tcp_port.py free | connect PORT\n")
    sys.exit(2)
