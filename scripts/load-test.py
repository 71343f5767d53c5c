#!/usr/bin/env python3
"""Load test for `vellum serve`, from a second process on loopback (standard library only).

N concurrent streaming chat clients; every K-th hangs up after its first content event. Every request must end
one of three ways: a complete stream ending in `data: [DONE]`, a 503 with Retry-After, or (for the hang-ups) a
disconnect; anything else is a lost request and fails the run. Reports throughput, p50/p95 time to first token,
the server's own counters from /health, and its peak RSS (VmHWM from /proc, sampled RSS alongside).

usage: scripts/load-test.py --port PORT --pid SERVER_PID [--clients 32] [--hang-up-every 4] [--max-tokens 32]
"""
import argparse
import http.client
import json
import statistics
import sys
import threading
import time


def rss_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def client(index, args, results):
    hang_up = args.hang_up_every > 0 and index % args.hang_up_every == args.hang_up_every - 1
    body = json.dumps({"messages": [{"role": "user", "content": f"Write a short sentence about the number {index}."}],
                       "max_tokens": args.max_tokens, "temperature": 0.7, "seed": index, "stream": True,
                       "stream_options": {"include_usage": True}})
    started = time.monotonic()
    outcome = {"index": index, "hang_up": hang_up, "ttft": None, "pieces": 0, "tokens": 0}
    try:
        connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=600)
        connection.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        outcome["status"] = response.status
        if response.status == 503:
            outcome["end"] = "refused" if response.getheader("Retry-After") else "503 without Retry-After"
            response.read()
            return
        if response.status != 200:
            outcome["end"] = f"status {response.status}"
            return
        while True:
            line = response.readline()
            if not line:
                outcome["end"] = "closed before [DONE]"
                return
            line = line.decode().strip()
            if line == "data: [DONE]":
                outcome["end"] = "done"
                return
            if not line.startswith("data: "):
                continue
            chunk = json.loads(line[6:])
            if chunk.get("usage"):
                outcome["tokens"] = chunk["usage"]["completion_tokens"]
            if any(choice.get("delta", {}).get("content") for choice in chunk.get("choices", [])):
                outcome["pieces"] += 1
                if outcome["ttft"] is None:
                    outcome["ttft"] = time.monotonic() - started
                    if hang_up:
                        connection.sock.close()
                        outcome["end"] = "hung up"
                        return
    except Exception as error:  # a reset or a timeout is a lost request, reported below
        outcome["end"] = f"error {type(error).__name__}"
    finally:
        outcome["seconds"] = time.monotonic() - started
        results.append(outcome)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True, help="the server's process id, for its memory")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--hang-up-every", type=int, default=4)
    parser.add_argument("--max-tokens", type=int, default=32)
    args = parser.parse_args()

    results, samples, running = [], [], True

    def sample():
        while running:
            samples.append(rss_kib(args.pid, "VmRSS"))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    rss_before = rss_kib(args.pid, "VmRSS")
    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i, args, results)) for i in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    running = False
    sampler.join()

    connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
    connection.request("GET", "/health")
    health = json.loads(connection.getresponse().read())

    ends = {}
    for r in results:
        ends[r["end"]] = ends.get(r["end"], 0) + 1
    lost = [r for r in results if r["end"] not in ("done", "refused", "hung up")]
    ttfts = sorted(r["ttft"] for r in results if r["ttft"] is not None)
    tokens = sum(r["tokens"] for r in results if r["end"] == "done")

    def percentile(values, p):
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")

    print(f"clients {args.clients}, hang-ups every {args.hang_up_every}, max_tokens {args.max_tokens}")
    print(f"outcomes: {json.dumps(ends, sort_keys=True)}")
    print(f"wall {wall:.1f} s; {tokens} tokens generated in finished streams: {tokens / wall:.1f} tokens/s overall")
    print(f"time to first token: p50 {percentile(ttfts, 50):.2f} s, p95 {percentile(ttfts, 95):.2f} s (n={len(ttfts)})")
    print(f"server RSS: before {rss_before / 1024:.0f} MiB, sampled max {max(samples or [0]) / 1024:.0f} MiB, "
          f"peak (VmHWM) {rss_kib(args.pid, 'VmHWM') / 1024:.0f} MiB")
    print(f"server counters: {json.dumps(health['generations'], sort_keys=True)}")
    if len(results) != args.clients or lost:
        sys.exit(f"load-test: FAILED: {len(lost)} lost request(s): {lost[:3]}")
    print("load-test: no lost request")


if __name__ == "__main__":
    main()
