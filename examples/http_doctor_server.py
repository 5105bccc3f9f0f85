"""A doctor served over HTTP with only the standard library (protocol: `agentsim schema doctor-io`).
Run `python examples/http_doctor_server.py --port 8765`, then in another shell
`agentsim run chest-pain-stemi --doctor http://127.0.0.1:8765/act`."""

import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PLAN = [{"action": "ask", "question": "When did the pain start, where is it, and does it spread anywhere?"},
        {"action": "examine", "request": "pulse, blood pressure and heart sounds"},
        {"action": "order", "tests": ["ECG", "troponin"]}]


def decide(obs):  # obs is the observation: brief, reply, transcript, turn, final_turn, ...
    if obs["turn"] < len(PLAN) and not obs["final_turn"]:
        return PLAN[obs["turn"]]
    stemi = "ST elevation" in (obs["reply"] or "")
    return {"action": "diagnose", "diagnosis": "STEMI" if stemi else "unstable angina", "differential": []}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        # a reset ({"reset": {"brief": ...}}) needs no answer; this doctor keeps no state between turns
        answer = decide(request["observation"]) if "observation" in request else {}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"doctor listening on http://{args.host}:{server.server_address[1]}/act", flush=True)
    server.serve_forever()
