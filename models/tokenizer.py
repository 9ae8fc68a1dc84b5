"""The character tokenizer: one token per character, nothing dropped, exact offsets.

Why not a stock BERT tokenizer: it drops white space (which carries the table
layout of a report: cells separated by tabs or runs of spaces, rows by line
breaks) and turns a multi-digit run such as ``125118`` into one token, so the
cell boundaries inside a run-together number (the per-character B- tags of
`xxgk.data.labels`) cannot be expressed.  Here every character is one token:

* a pre-tokenizer isolates every character (``[\\s\\S]``: line breaks included);
* white space is kept, each kind its own token (``\\n``, ``\\t``, space, U+3000,
  NBSP …), because a tab and an ideographic space mean different layouts;
* a normalizer folds the full-width ASCII forms (``１２３`` ``（`` ``：``) onto
  ASCII one character for one character, so ``１２`` and ``12`` read alike; no
  normalizer that changes the length (NFKC would turn ``㈠`` into ``(一)``) is used,
  so offsets stay exact and ``len(input_ids) == len(text) + 2`` ([CLS], [SEP]);
* a character outside the vocabulary becomes one ``[UNK]``.

The vocabulary is the training corpus's characters, jieba's dictionary characters
(so rare characters of agency names that new annotations bring in already have
an id, and `--init-from` fine-tuning never needs a vocabulary change) and
printable ASCII.  The result is saved as a `PreTrainedTokenizerFast`, so
``AutoTokenizer.from_pretrained(model_dir)`` loads it.
"""
from __future__ import annotations

import json
import string
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import numpy as np
from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers, processors
from tokenizers.models import WordLevel
from transformers import PreTrainedTokenizerFast

PAD, UNK, CLS, SEP, MASK = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"
SPECIAL_TOKENS = (PAD, UNK, CLS, SEP, MASK)
# White space kept as tokens of their own (the full-width space is *not* folded to a space).
WHITESPACE = ("\n", "\t", " ", "\r", "\u3000", "\u00a0", "\u2002", "\u2003", "\u2009", "\u200b", "\f", "\v")
# Full-width ASCII (U+FF01 … U+FF5E) -> ASCII (U+0021 … U+007E): one character for one.
FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}


@cache
def jieba_characters() -> frozenset[str]:
    """Every character of jieba's dictionary (about 12 000, nearly all CJK)."""
    import jieba  # a dependency; only its dict.txt is read

    path = Path(jieba.__file__).parent / "dict.txt"
    chars: set[str] = set()
    with path.open(encoding="utf-8") as f:
        for line in f:
            chars.update(line.split(" ", 1)[0])
    return frozenset(chars)


def normalize_char(ch: str) -> str:
    """The character the model sees for ``ch`` (what the tokenizer's normalizer does)."""
    return FULLWIDTH.get(ch, ch)


def build_vocab(texts: Iterable[str] = (), *, with_jieba: bool = True) -> list[str]:
    """Special tokens, white space, printable ASCII, then the other characters sorted (deterministic)."""
    chars: set[str] = set(string.printable) - set(string.whitespace)
    if with_jieba:
        chars |= set(map(normalize_char, jieba_characters()))
    for text in texts:
        chars.update(map(normalize_char, set(text)))
    head = [*SPECIAL_TOKENS, *WHITESPACE]
    return head + sorted(chars - set(head))


def build_tokenizer(vocab: list[str], model_max_length: int = 512) -> PreTrainedTokenizerFast:
    """A one-token-per-character fast tokenizer over ``vocab`` (see the module docstring)."""
    if len(set(vocab)) != len(vocab):
        raise ValueError("vocabulary has duplicate entries")
    missing = [t for t in SPECIAL_TOKENS if t not in vocab]
    if missing:
        raise ValueError(f"vocabulary lacks special tokens {missing}")
    ids = {tok: i for i, tok in enumerate(vocab)}
    tok = Tokenizer(WordLevel(vocab=ids, unk_token=UNK))
    tok.normalizer = normalizers.Sequence([normalizers.Replace(a, b) for a, b in FULLWIDTH.items()])
    tok.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    tok.post_processor = processors.TemplateProcessing(
        single=f"{CLS} $A {SEP}", pair=f"{CLS} $A {SEP} $B {SEP}",
        special_tokens=[(CLS, ids[CLS]), (SEP, ids[SEP])])
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token=UNK, pad_token=PAD, cls_token=CLS, sep_token=SEP, mask_token=MASK,
        model_max_length=model_max_length, padding_side="right", truncation_side="right",
        clean_up_tokenization_spaces=False)


def is_char_tokenizer(tokenizer) -> bool:
    """True when ``tokenizer`` maps every character (white space too) to exactly one token."""
    probe = "a1２ \n\t\u3000中"
    enc = tokenizer.backend_tokenizer.encode(probe, add_special_tokens=False)
    return len(enc.ids) == len(probe) and enc.offsets == [(i, i + 1) for i in range(len(probe))]


def char_table(tokenizer) -> np.ndarray | None:
    """Code point → token id, when ``tokenizer`` is one `build_tokenizer` made (else None).

    The same mapping as the Rust pipeline (normalizer, per-character split, WordLevel
    lookup), as one numpy gather: ~0.1 ms instead of ~15 ms for 10k characters — the
    94 full-width ``Replace`` normalizers each rescan the text.  Cached on the tokenizer.
    """
    cached = tokenizer.__dict__.get("_xxgk_char_table", False)
    if cached is not False:
        return cached
    table = None
    spec = json.loads(tokenizer.backend_tokenizer.to_str())
    ref = json.loads(build_tokenizer(list(SPECIAL_TOKENS)).backend_tokenizer.to_str())
    if (spec.get("model", {}).get("type") == "WordLevel" and spec.get("normalizer") == ref["normalizer"]
            and spec.get("pre_tokenizer") == ref["pre_tokenizer"]):
        vocab = tokenizer.get_vocab()
        table = np.full(0x110000, vocab[spec["model"]["unk_token"]], dtype=np.int32)
        for tok, i in vocab.items():
            if len(tok) == 1:
                table[ord(tok)] = i
        for full, half in FULLWIDTH.items():
            table[ord(full)] = table[ord(half)]
    tokenizer.__dict__["_xxgk_char_table"] = table
    return table


def encode_chars(tokenizer, text: str) -> tuple[list[int], list[int]]:
    """Token ids of ``text`` (no special tokens) and, per token, the index of its character.

    With a one-token-per-character tokenizer the second list is ``0 … len(text)-1``.
    With a foreign tokenizer (``--base-model``, e.g. a Chinese BERT) each character
    is given to it as a pre-split word: a character may then give no token (white
    space, for BERT) or several (its sub-tokens; all point at the character, and
    training labels only the first).  Calls the Rust tokenizer directly (no warning
    about texts longer than the model's window), or `char_table` for our own.
    """
    table = char_table(tokenizer)
    if table is not None:
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)  # lone surrogate: [UNK]
        ids = table[points]
        return ids.tolist(), list(range(len(text)))
    backend = tokenizer.backend_tokenizer
    if is_char_tokenizer(tokenizer):
        enc = backend.encode(text, add_special_tokens=False)
        if len(enc.ids) != len(text):
            raise ValueError(f"tokenizer gave {len(enc.ids)} tokens for {len(text)} characters")
        return enc.ids, list(range(len(text)))
    if not text:
        return [], []
    enc = backend.encode(list(text), is_pretokenized=True, add_special_tokens=False)
    return enc.ids, [int(w) for w in enc.word_ids]
