"""sqlite_value: the first column of the first row a query returns, to read
the configuration server's database (tests/cs_server.py --db) from bash.

    python3 tests/lib/sqlite_value.py DB QUERY

Output: that value, or an empty line when the query returns no row.
Exit 0; 1 when DB cannot be opened or QUERY fails (sqlite3's message).
"""
import sqlite3
import sys

if len(sys.argv) != 3:
    sys.stderr.write("usage: sqlite_value.py DB QUERY\n")
    sys.exit(2)
try:
    row = sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()
except sqlite3.Error as e:
    sys.stderr.write("sqlite_value: %s: %s\n" % (sys.argv[1], e))
    sys.exit(1)
print("" if row is None else row[0])
