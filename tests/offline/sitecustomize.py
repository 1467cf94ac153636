"""Loaded by every Python process whose PYTHONPATH starts with this folder (the offline start-up
test): records its start and each socket connect, sendto and name lookup, one JSON line per event, in
the file ``CONNECT_LOG`` names. Records only; blocks nothing (the network namespace does that)."""
import json
import os
import sys

_LOG = os.environ.get("CONNECT_LOG")
_EVENTS = {"python.start": 0, "socket.connect": 1, "socket.sendto": 1, "socket.sendmsg": 1, "socket.getaddrinfo": 0,
           "socket.gethostbyname": 0, "socket.gethostbyaddr": 0}


def _record(event, args):
    where = _EVENTS.get(event)
    if where is None:
        return
    try:
        address = args[where] if len(args) > where else None
        line = json.dumps({"pid": os.getpid(), "event": event, "address": repr(address),
                           "argv": " ".join(sys.argv[:3])})
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(line + "\n")
    except Exception:  # noqa: BLE001 - a recorder must never break the process it watches
        pass


if _LOG:
    _record("python.start", ())  # proof that this process is recorded
    sys.addaudithook(_record)
