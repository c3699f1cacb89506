#!/usr/bin/env python3
"""Renders real chat templates with Python's Jinja2, configured as transformers' apply_chat_template
configures it (sandboxed environment, trim_blocks, lstrip_blocks, loopcontrols, tojson, raise_exception,
strftime_now), and writes the expected prompts that ChatTemplateTest compares ours with.

  python3 scripts/tokenizer-golden/chat_templates.py CACHE_DIR OUT.json
CACHE_DIR holds the fixture folders (scripts/fetch-tokenizers.sh qwen3 llama3 llama3_2).
"""
import datetime
import json
import os
import sys

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

NOW = datetime.datetime(2026, 12, 8, 1, 30, 0)


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def env():
    e = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    e.filters["tojson"] = tojson
    e.globals["raise_exception"] = raise_exception
    e.globals["strftime_now"] = lambda fmt: NOW.strftime(fmt)
    return e


def special(cfg, key):
    v = cfg.get(key)
    if isinstance(v, dict):
        v = v.get("content")
    return v


SYS = "You are a careful mathematician. Put the final answer in \\boxed{}."
USER = "What is 12 + 30?\nThink step by step."
CASES = [
    ("system+user", [{"role": "system", "content": SYS}, {"role": "user", "content": USER}], True),
    ("user", [{"role": "user", "content": USER}], True),
    ("user-no-generation-prompt", [{"role": "user", "content": USER}], False),
    ("unicode", [{"role": "system", "content": "  Réponds en français.  "},
                 {"role": "user", "content": "数学: 3×4=? 🙂\t\n  "}], True),
    ("multi-turn-thinking", [{"role": "user", "content": "1+1?"},
                             {"role": "assistant", "content": "<think>\nadd them\n</think>\n\nIt is \\boxed{2}."},
                             {"role": "user", "content": "And 2+2?"}], True),
    ("tool-response-user", [{"role": "user", "content": "Compute."},
                            {"role": "assistant", "content": "Calling."},
                            {"role": "user", "content": "<tool_response>4</tool_response>"}], True),
]


def main():
    cache, out = sys.argv[1], sys.argv[2]
    e = env()
    golden = []
    for name in ["qwen3", "qwen2_5", "llama3", "llama3_2"]:
        with open(os.path.join(cache, name + "-3.7.2", "tokenizer_config.json"), encoding="utf-8") as f:
            cfg = json.load(f)
        tpl = e.from_string(cfg["chat_template"])
        tokens = {k: special(cfg, k) for k in ["bos_token", "eos_token", "pad_token", "unk_token"] if special(cfg, k)}
        for case, messages, gen in CASES:
            text = tpl.render(messages=messages, tools=None, documents=None, add_generation_prompt=gen, **tokens)
            golden.append({"tokenizer": name, "case": case, "messages": messages, "add_generation_prompt": gen,
                           "now": NOW.isoformat(), "expected": text})
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"generator": "Python Jinja2 " + jinja2.__version__ + ", transformers' apply_chat_template settings",
                   "cases": golden}, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
