"""A fake OpenAI-compatible model server on 127.0.0.1, for tests of the LLM layer.

litellm is pointed at it (``model: openai/<name>``, ``api_base: server.url``), so the real
HTTP path runs — sync and async transports alike — and nothing leaves the machine.

    with FakeLLM() as server:
        server.answer(lambda request: {"findings": []})      # every request: this JSON
        server.script("fake-a", Fail(500), Fail(429))         # first two calls to fake-a fail
        ... run a command with llm: {model: openai/fake-a, api_base: server.url} ...
        assert server.count == 3 and server.max_in_flight <= 2

A responder gets the request (:class:`Request`: the JSON body, the model, the messages'
text) and returns a ``str`` (the answer's content), a ``dict``/``list`` (sent as JSON
text), a :class:`Fail` (an HTTP error status) or a :class:`Slow` (an answer after a
delay, to test timeouts and concurrency). Scripted answers for a model are used first,
in order, then the responder. Every request is recorded in ``server.requests``.

A request with ``"stream": true`` gets its answer as server-sent events (chunked, a few
characters a chunk, then a last chunk with ``finish_reason`` and the usage, then
``[DONE]``); a :class:`Cut` answer streams the first ``after`` characters of its text and
then drops the connection mid-stream, as a server that dies or a network that fails.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable


@dataclass
class Fail:
    status: int = 500
    message: str = "fake failure"


@dataclass
class Slow:
    seconds: float
    answer: Any = ""


@dataclass
class Cut:
    text: str
    after: int = 20


@dataclass
class Request:
    path: str
    body: dict
    headers: dict

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    @property
    def text(self) -> str:
        """Every message's content, joined: what the model was shown."""
        parts = []
        for m in self.body.get("messages", []):
            c = m.get("content")
            if isinstance(c, list):
                c = " ".join(str(x.get("text", "")) for x in c if isinstance(x, dict))
            parts.append(str(c or ""))
        return "\n".join(parts)


@dataclass
class FakeLLM:
    responder: Callable[[Request], Any] = field(default=lambda request: "{}")
    requests: list[Request] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    tokens_in: int = 11
    tokens_out: int = 7

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[str, list[Any]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ set-up
    def answer(self, responder: Callable[[Request], Any] | Any) -> "FakeLLM":
        self.responder = responder if callable(responder) else (lambda request, _a=responder: _a)
        return self

    def script(self, model: str, *answers: Any) -> "FakeLLM":
        """Answers for requests to ``model`` (the name after ``openai/``), used first."""
        with self._lock:
            self._scripts.setdefault(model, []).extend(answers)
        return self

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def count(self) -> int:
        return len(self.requests)

    def start(self) -> "FakeLLM":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:   # quiet
                pass

            def do_GET(self) -> None:               # /v1/models
                self._send(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                request = Request(self.path, body, {k.lower(): v for k, v in self.headers.items()})
                with fake._lock:
                    fake.requests.append(request)
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                    queue = fake._scripts.get(request.model)
                    answer = queue.pop(0) if queue else None
                try:
                    if answer is None:
                        answer = fake.responder(request)
                    while isinstance(answer, Slow):
                        time.sleep(answer.seconds)
                        answer = answer.answer
                    if isinstance(answer, Fail):
                        self._send(answer.status, {"error": {"message": answer.message, "type": "fake",
                                                             "code": str(answer.status)}})
                        return
                    if body.get("stream"):
                        self._stream(request, answer)
                        return
                    content = answer if isinstance(answer, str) else json.dumps(answer)
                    self._send(200, {
                        "id": f"fake-{len(fake.requests)}", "object": "chat.completion",
                        "created": int(time.time()), "model": request.model or "fake",
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": content}}],
                        "usage": {"prompt_tokens": fake.tokens_in, "completion_tokens": fake.tokens_out,
                                  "total_tokens": fake.tokens_in + fake.tokens_out},
                    })
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

            def _stream(self, request: Request, answer: Any) -> None:
                cut = answer if isinstance(answer, Cut) else None
                content = cut.text if cut else (answer if isinstance(answer, str) else json.dumps(answer))
                sent = content[:cut.after] if cut else content
                rid = f"fake-{len(fake.requests)}"

                def event(payload: dict) -> None:
                    data = b"data: " + json.dumps(payload).encode() + b"\n\n"
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                    self.wfile.flush()

                def chunk(delta: dict, finish: str | None = None, usage: dict | None = None) -> dict:
                    out = {"id": rid, "object": "chat.completion.chunk", "created": int(time.time()),
                           "model": request.model or "fake",
                           "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                    if usage is not None:
                        out["choices"] = []
                        out["usage"] = usage
                    return out

                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.send_header("Connection", "close")
                    self.close_connection = True
                    self.end_headers()
                    event(chunk({"role": "assistant", "content": ""}))
                    for i in range(0, len(sent), 8):
                        event(chunk({"content": sent[i:i + 8]}))
                    if cut:                  # the connection drops: no last chunk, no end of the body
                        return
                    event(chunk({}, "stop"))
                    usage = {"prompt_tokens": fake.tokens_in, "completion_tokens": fake.tokens_out,
                             "total_tokens": fake.tokens_in + fake.tokens_out}
                    if (request.body.get("stream_options") or {}).get("include_usage"):
                        event(chunk({}, None, usage))
                    data = b"data: [DONE]\n\n"
                    self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(data), data))
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    # one connection per request: a client's pooled connection to a stopped
                    # server whose port a later server reuses would fail its next request
                    self.send_header("Connection", "close")
                    self.close_connection = True
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):   # the client timed out
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeLLM":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
