"""cs_records: how many master targets tests/cs_server.py's database holds.

    python3 tests/lib/cs_records.py DB      prints the count of master_targets rows
"""
import sqlite3
import sys

if len(sys.argv) != 2:
    sys.stderr.write("usage: cs_records.py DB\n")
    sys.exit(2)
print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM master_targets").fetchone()[0])
