"""make bench, SQS throughput's reference (issue #15): raw SQLite, with the durability rekey's
store uses (WAL, synchronous=FULL), inserting and deleting the rows of a message queue — ten
per transaction, as SendMessageBatch and DeleteMessageBatch carry them — for a given time.
Prints the messages inserted and deleted per second. Python's sqlite3 is the system libsqlite3.
Usage: python3 raw_sqlite.py DIRECTORY SECONDS BODY_BYTES"""
import os
import sys
import sqlite3
import time
import uuid

directory, seconds, body_bytes = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
db = sqlite3.connect(os.path.join(directory, "raw.db"), isolation_level=None)
for pragma in ("journal_mode=WAL", "synchronous=FULL", "temp_store=MEMORY"):
    db.execute(f"PRAGMA {pragma}")
db.execute("CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, account TEXT NOT NULL, queue TEXT NOT NULL,"
           " body BLOB NOT NULL, visible_at INTEGER NOT NULL)")
db.execute("CREATE INDEX IF NOT EXISTS messages_visible ON messages(account, queue, visible_at)")
body = os.urandom(body_bytes)
done = 0
started = time.monotonic()
while time.monotonic() - started < seconds:
    ids = [str(uuid.uuid4()) for _ in range(10)]
    now = int(time.time() * 1000)
    db.execute("BEGIN")
    db.executemany("INSERT INTO messages VALUES (?, '000000000000', 'q', ?, ?)", [(i, body, now) for i in ids])
    db.execute("COMMIT")
    db.execute("BEGIN")
    db.executemany("DELETE FROM messages WHERE id = ?", [(i,) for i in ids])
    db.execute("COMMIT")
    done += 10
print(f"{done / (time.monotonic() - started):.0f}")
