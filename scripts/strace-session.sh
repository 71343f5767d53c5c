#!/usr/bin/env bash
# Shows that a whole workspace session (start the server, de-identify, draft a note, sign it) opens no socket but
# the listening one: `vellum serve` runs under `strace -f -e trace=network`, a client drives the session over
# loopback, and every socket(), connect() and bind() the server made is listed. Passes when the only internet socket
# created is the listener (accepted connections come from accept4) and nothing connected to an internet address.
# usage: scripts/strace-session.sh [VELLUM_BINARY] [MODEL]   (needs strace: apt-get install strace)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
binary=${1:-.build/debug/vellum}
model=${2:-smollm2-135m-instruct}
trace=$(mktemp)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export VELLUM_DATA_DIR=$(mktemp -d)
strace -f -qq --seccomp-bpf -e trace=network -o "$trace" "$binary" serve --model "$model" --port "$port" --threads 2 --context 2048 2>/dev/null &
pid=$!
trap 'pkill -TERM -P "$pid" 2>/dev/null || true' EXIT
python3 - "$port" <<'PY'
import json, sys, time, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
def call(method, path, body=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=900) as response:
        return json.loads(response.read())
for _ in range(600):
    try:
        call("GET", "/health"); break
    except OSError:
        time.sleep(0.1)
text = "Pt Ann Lee, MRN 5531208, seen 11/02/2026. c/o cough x3d. Lisinopril 10mg daily. f/u 1 wk."
call("POST", "/api/tasks/deidentify", {"text": text})
note = call("POST", "/api/tasks/note", {"text": text})
call("POST", f"/api/drafts/{note['draft_id']}/sign", {"by": "Dr Lee"})
print(f"session: de-identified, drafted {note['draft_id']}, signed")
PY
# SIGTERM to the server (strace's child), not to strace: strace detaches from a traced server and leaves it running.
pkill -TERM -P "$pid" || true
wait "$pid" 2>/dev/null || true
trap - EXIT
echo "--- network system calls of the server (strace -e trace=network):"
grep -E 'socket\(|connect\(|bind\(|listen\(|sendto\(' "$trace" | sed -E 's/^[0-9]+ +//' | sort | uniq -c
# Local-only sockets are listed above but allowed: AF_UNIX (glibc asking the name-service cache daemon, nscd, for the
# login name) and AF_NETLINK (getaddrinfo asking the kernel which local addresses exist). An AF_INET/AF_INET6 socket
# other than the listener, or any connect() to an internet address, would be a way off the machine.
inet_sockets=$(grep -cE ' socket\(AF_INET6?,' "$trace" || true)
inet_connects=$(grep -E ' connect\(' "$trace" | grep -cE 'AF_INET' || true)
echo "--- internet sockets created: $inet_sockets, connect() to an internet address: $inet_connects, connections accepted: $(grep -c ' accept4(' "$trace" || true)"
if [ "$inet_sockets" -ne 1 ] || [ "$inet_connects" -ne 0 ]; then
  echo "strace-session: FAILED: the server created or connected internet sockets other than its listener" >&2
  exit 1
fi
echo "strace-session: the only internet socket is the listener on 127.0.0.1:$port; nothing was connected"
