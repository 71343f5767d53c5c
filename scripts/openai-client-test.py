#!/usr/bin/env python3
"""The `openai` client library, unchanged, against `vellum serve`: chat, a stream, and a JSON-schema answer.

usage: scripts/openai-client-test.py BASE_URL   (e.g. http://127.0.0.1:8088/v1; run by scripts/openai-client-test.sh)
Exits non-zero on the first check that fails, naming it.
"""
import json
import sys

from openai import OpenAI

base_url = sys.argv[1]
client = OpenAI(base_url=base_url, api_key="unused-on-loopback", max_retries=0, timeout=120)
messages = [{"role": "user", "content": "Name three colours."}]


def check(condition, what):
    if not condition:
        sys.exit(f"openai-client-test: FAILED: {what}")
    print(f"ok  {what}")


models = client.models.list()
check(len(models.data) == 1, "models.list names the one model")
model = models.data[0].id

chat = client.chat.completions.create(model=model, messages=messages, max_tokens=8, temperature=0)
check(chat.choices[0].message.role == "assistant", "chat: the answer is the assistant's")
check(chat.usage.completion_tokens <= 8 and chat.usage.prompt_tokens > 0, "chat: usage counts within max_tokens")

stream = client.chat.completions.create(model=model, messages=messages, max_tokens=8, temperature=0, stream=True,
                                        stream_options={"include_usage": True})
pieces, reasons, usage = [], [], None
for chunk in stream:
    for choice in chunk.choices:
        if choice.delta.content:
            pieces.append(choice.delta.content)
        if choice.finish_reason:
            reasons.append(choice.finish_reason)
    if chunk.usage:
        usage = chunk.usage
check("".join(pieces) == chat.choices[0].message.content, "stream: the pieces add up to the same greedy answer")
check(reasons == [chat.choices[0].finish_reason], "stream: one finish_reason, as in the whole answer")
check(usage is not None and usage.total_tokens == chat.usage.total_tokens, "stream: usage in the last chunk")

schema = {"type": "object", "properties": {"colour": {"type": "string", "enum": ["red", "green", "blue"]},
                                           "count": {"type": "integer"}},
          "required": ["colour", "count"], "additionalProperties": False}
constrained = client.chat.completions.create(
    model=model, temperature=0, max_tokens=40,
    messages=[{"role": "user", "content": "Pick a colour and a count, as JSON."}],
    response_format={"type": "json_schema", "json_schema": {"name": "pick", "schema": schema}})
answer = json.loads(constrained.choices[0].message.content)
check(set(answer) == {"colour", "count"} and answer["colour"] in ("red", "green", "blue") and isinstance(answer["count"], int),
      "json_schema: the answer parses and fits the schema")

completion = client.completions.create(model=model, prompt="The capital of France is", max_tokens=4, temperature=0)
check(completion.usage.completion_tokens <= 4, "completions: a plain-text continuation")
print("openai-client-test: all checks passed")
