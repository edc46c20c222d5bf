"""Waits until Gatehouse's readiness endpoint answers 200, polling every 10 ms from this one process
(a curl per poll would spend the CPU the timed start-up needs). Usage: wait-ready.py PORT PID TIMEOUT_S;
exits 0 when ready, 1 on timeout or when process PID has exited."""
import os
import socket
import sys
import time

port, pid, deadline = int(sys.argv[1]), int(sys.argv[2]), time.monotonic() + float(sys.argv[3])
request = b"GET /actuator/health/readiness HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(request)
            if conn.recv(16).startswith(b"HTTP/1.1 200"):
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.01)
sys.exit(1)
