"""tar_escape: writes a gzip tarball whose one member's name holds terminal
escape sequences (ESC [2J, an OSC title ending in BEL) and climbs out with
'../', to see the agent print names from archives escaped.

    python3 tests/lib/tar_escape.py OUT.tar.gz

Output: OUT.tar.gz (one regular file, "#!/bin/sh\\n"). Exit 0, 1 when OUT
cannot be written.
"""
import io
import sys
import tarfile

NAME = "../\x1b[2J\x1b]0;owned\x07evil"

with tarfile.open(sys.argv[1], "w:gz") as t:
    data = b"#!/bin/sh\n"
    ti = tarfile.TarInfo(NAME)
    ti.size = len(data)
    t.addfile(ti, io.BytesIO(data))
