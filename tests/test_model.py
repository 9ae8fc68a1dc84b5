"""The character tokenizer, model folders and the windowed predictor (tiny models, no training)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer

from xxgk.data.labels import OUTSIDE, labels
from xxgk.inference.predictor import Predictor
from xxgk.models.layout import KINDS, LINES, grid_ids, layout_ids, uses_layout
from xxgk.models.model import (keep_layers, load_model, new_model, save_model, set_attention_dropout,
                               set_hidden_dropout)
from xxgk.models.tokenizer import UNK, build_tokenizer, build_vocab, char_table, encode_chars, is_char_tokenizer
from xxgk.training.windows import owned_spans, window_starts

TEXT = "2020年 大门镇\t规章１２５118\n　（一）予以公开\u00a0x"


@pytest.fixture(scope="module")
def tok():
    return build_tokenizer(build_vocab([TEXT], with_jieba=False))


def tiny(tmp_path=None, **kw):
    torch.manual_seed(0)
    args = dict(layers=1, hidden=16, heads=1, intermediate=32, max_positions=34, dropout=0.0, with_jieba=False)
    args.update(kw)
    return new_model([TEXT], **args)


# --------------------------------------------------------------------------- tokenizer
def test_one_token_per_character_with_exact_offsets(tok):
    enc = tok(TEXT, return_offsets_mapping=True)
    assert len(enc["input_ids"]) == len(TEXT) + 2  # [CLS] … [SEP]
    assert enc["offset_mapping"][1:-1] == [(i, i + 1) for i in range(len(TEXT))]
    assert is_char_tokenizer(tok)


def test_whitespace_kept_each_kind_its_own_token(tok):
    tokens = tok.convert_ids_to_tokens(tok(" \t\n\u3000\u00a0", add_special_tokens=False)["input_ids"])
    assert tokens == [" ", "\t", "\n", "\u3000", "\u00a0"]
    assert UNK not in tokens


def test_fullwidth_digits_read_as_ascii_one_for_one(tok):
    full = tok("１２５（）", add_special_tokens=False, return_offsets_mapping=True)
    half = tok("125()", add_special_tokens=False)
    assert full["input_ids"] == half["input_ids"]
    assert full["offset_mapping"] == [(i, i + 1) for i in range(5)]


def test_unknown_characters_are_one_unk_each(tok):
    s = "规☃𝄞章"  # a BMP symbol and a character outside the BMP, neither in the vocabulary
    enc = tok(s, add_special_tokens=False, return_offsets_mapping=True)
    assert tok.convert_ids_to_tokens(enc["input_ids"]) == ["规", UNK, UNK, "章"]
    assert enc["offset_mapping"] == [(0, 1), (1, 2), (2, 3), (3, 4)]


def test_multi_digit_numbers_are_split_per_digit(tok):
    assert tok.convert_ids_to_tokens(tok("125118", add_special_tokens=False)["input_ids"]) == list("125118")


def test_vocab_has_jieba_characters_and_is_deterministic():
    a, b = build_vocab(["甲"]), build_vocab(["甲"])
    assert a == b and "政" in a and "~" in a and len(a) > 10_000


def test_saved_tokenizer_loads_with_autotokenizer(tok, tmp_path):
    tok.save_pretrained(tmp_path)
    again = AutoTokenizer.from_pretrained(tmp_path)
    assert again(TEXT)["input_ids"] == tok(TEXT)["input_ids"]
    assert encode_chars(again, TEXT) == (tok(TEXT, add_special_tokens=False)["input_ids"], list(range(len(TEXT))))
    assert char_table(again) is not None  # the fast path applies to a reloaded tokenizer too


def test_fast_path_equals_the_rust_tokenizer(tok):
    text = TEXT + "☃𝄞ｘ～\r\x00" + "".join(map(chr, range(0xFF00, 0xFF70)))
    assert char_table(tok) is not None
    assert encode_chars(tok, text)[0] == tok.backend_tokenizer.encode(text, add_special_tokens=False).ids


# --------------------------------------------------------------------------- model folders
def test_model_folder_is_complete_and_round_trips(tmp_path):
    model, tok = tiny()
    save_model(model, tok, tmp_path / "m", {"metrics.json": {"x": 1}, "command.txt": "xxgk train\n"})
    names = {p.name for p in (tmp_path / "m").iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "labels.json", "metrics.json",
            "command.txt"} <= names
    hf = AutoModelForTokenClassification.from_pretrained(tmp_path / "m")
    assert hf.config.id2label[0] == OUTSIDE and hf.config.num_labels == len(labels())
    again, again_tok = load_model(tmp_path / "m")
    for a, b in zip(model.state_dict().values(), again.state_dict().values()):
        assert torch.equal(a, b)
    save_model(again, again_tok, tmp_path / "m2")  # a loaded folder saved again: no record of how it was loaded
    configs = [(tmp_path / m / "tokenizer_config.json").read_text() for m in ("m", "m2")]
    assert configs[0] == configs[1]


def test_keep_layers_makes_a_smaller_model_of_the_chosen_layers_that_saves_and_loads(tmp_path):
    model, tok = tiny(layers=3)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    small = keep_layers(model, [0, 2])
    save_model(small, tok, tmp_path / "m")
    again, _ = load_model(tmp_path / "m")
    assert again.config.num_hidden_layers == 2
    for k, v in again.state_dict().items():  # layer 1 of the small model is layer 2 of the large one
        assert torch.equal(v, state[k.replace("layer.1.", "layer.2.")]), k
    ids = torch.tensor([tok(TEXT)["input_ids"]])
    with torch.inference_mode():
        assert torch.equal(small.eval()(input_ids=ids).logits, again.eval()(input_ids=ids).logits)
    for bad in ([], [2, 0], [0, 3], [1, 1]):
        with pytest.raises(ValueError, match="increasing layer numbers"):
            keep_layers(tiny(layers=3)[0], bad)


def test_attention_dropout_is_set_on_every_layer_and_saved(tmp_path):
    model, tok = tiny(layers=2, attention_dropout=0.3)
    ids = torch.tensor([tok(TEXT)["input_ids"]])
    model.train()
    assert not torch.equal(model(input_ids=ids).logits, model(input_ids=ids).logits)  # masks drawn
    assert set_attention_dropout(model, 0.0) == 2
    assert torch.equal(model(input_ids=ids).logits, model(input_ids=ids).logits)  # no dropout left (hidden 0)
    save_model(model, tok, tmp_path / "m")
    assert load_model(tmp_path / "m")[0].config.attention_probs_dropout_prob == 0.0


def test_hidden_dropout_is_set_everywhere_but_attention_and_saved(tmp_path):
    model, tok = tiny(layers=2, attention_dropout=0.3)
    assert set_hidden_dropout(model, 0.0) == 1 + 2 * 2 + 1  # embeddings, two per layer, the classifier
    drops = {name: m.p for name, m in model.named_modules() if isinstance(m, torch.nn.Dropout)}
    assert {p for name, p in drops.items() if "attention.self" in name} == {0.3}
    assert {p for name, p in drops.items() if "attention.self" not in name} == {0.0}
    save_model(model, tok, tmp_path / "m")
    assert load_model(tmp_path / "m")[0].config.hidden_dropout_prob == 0.0


def test_other_label_scheme_refuses_to_load(tmp_path):
    model, tok = tiny()
    model.config.id2label = {i: f"L{i}" for i in range(model.config.num_labels)}
    save_model(model, tok, tmp_path / "m")
    with pytest.raises(ValueError, match="label scheme"):
        load_model(tmp_path / "m")


# --------------------------------------------------------------------------- windows and the predictor
@pytest.mark.parametrize("n,window,stride", [(1, 8, 6), (8, 8, 6), (9, 8, 6), (50, 8, 6), (50, 8, 8), (33, 10, 3)])
def test_windows_cover_and_owned_spans_partition(n, window, stride):
    starts = window_starts(n, window, stride)
    assert starts[0] == 0 and min(starts[-1] + window, n) == n
    owned = owned_spans(starts, window, n)
    assert owned[0][0] == 0 and owned[-1][1] == n
    for (lo, hi), (lo2, _), s in zip(owned, owned[1:] + [(n, n)], starts):
        assert hi == lo2 and s <= lo <= hi <= s + window


class EchoModel(torch.nn.Module):
    """Logits that name the input token: label ``id % L`` (or, ``echo="types"``, its layout id) —
    so any window misalignment shows."""

    def __init__(self, config, echo="ids"):
        super().__init__()
        self.config, self.echo = config, echo

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        x = token_type_ids if self.echo == "types" else input_ids
        logits = torch.nn.functional.one_hot(x % self.config.num_labels, self.config.num_labels).float() * 20
        return type("Out", (), {"logits": logits})()


def test_predictor_windows_map_back_to_the_right_characters():
    model, tok = tiny()
    text = (TEXT * 7)[:-3]  # several windows of 32 with stride 20, and a ragged end
    p = Predictor(EchoModel(model.config), tok, window=32, stride=20, batch_size=3)
    probs = p.predict_proba(text)
    ids, _ = encode_chars(tok, text)
    assert probs.shape == (len(text), len(labels())) and probs.dtype == np.float32
    assert (probs.argmax(axis=1) == np.array(ids) % len(labels())).all()
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)


def test_predictor_feeds_each_window_the_layout_ids_of_its_characters():
    model, tok = tiny()
    assert uses_layout(model)
    text = ("规章\t12\t\t5\n\n3\n" * 9)[:-2]
    p = Predictor(EchoModel(model.config, echo="types"), tok, window=32, stride=20, batch_size=3)
    assert (p.predict_proba(text).argmax(axis=1) == layout_ids(text) % len(labels())).all()


def test_layout_ids_count_cells_after_the_label_and_lines_after_a_label_line():
    text = "行政处罚\t1\t\t7\n| 规章 | 3 |  | 4 |\n  12 5\n\n9"
    ids = grid_ids(text)
    at = {ch: (int(ids[text.index(ch)]) // LINES, int(ids[text.index(ch)]) % LINES) for ch in "1734259"}
    assert at == {"1": (1, 0), "7": (3, 0), "3": (1, 0), "4": (3, 0), "2": (0, 1), "5": (1, 1), "9": (0, 3)}
    assert len(ids) == len(text) and layout_ids("").shape == (0,)


def test_layout_ids_tell_where_a_number_starts_and_ends():
    text = "行政处罚 534\t12"
    kinds = [int(i) % (KINDS * KINDS) for i in layout_ids(text)]  # before * 3 + after
    digit, blank = 0, 1
    assert kinds[5:8] == [blank * 3 + digit, digit * 3 + digit, digit * 3 + blank]  # 5 3 4
    assert kinds[9] == blank * 3 + digit and kinds[10] == digit * 3 + blank  # 1 2, the end of the text is blank


def test_predictor_on_empty_short_and_long_texts(tmp_path):
    model, tok = tiny()
    save_model(model, tok, tmp_path / "m")
    for quantize in (False, True):
        p = Predictor.load(tmp_path / "m", quantize=quantize, threads=1)
        assert p.window == 32 and len(p.labels) == len(labels())
        assert p.predict_proba("").shape == (0, len(labels()))
        assert p.predict_proba("规").shape == (1, len(labels()))
        long = p.predict_proba(TEXT * 5)
        assert long.shape == (len(TEXT) * 5, len(labels())) and np.isfinite(long).all()
        assert len(p.predict(TEXT)) == len(TEXT)


def test_same_probabilities_as_one_window_when_the_text_fits():
    model, tok = tiny()
    p = Predictor(model, tok)
    text = TEXT[:30]
    enc = tok(text, return_tensors="pt")
    enc["token_type_ids"] = torch.zeros_like(enc["input_ids"])
    enc["token_type_ids"][0, 1:-1] = torch.from_numpy(layout_ids(text))  # the layout ids go in as token types
    with torch.inference_mode():
        direct = torch.softmax(model(**enc).logits[0, 1:-1], -1).numpy()
    np.testing.assert_allclose(p.predict_proba(text), direct, atol=1e-6)


def test_regions_run_only_the_windows_they_need():
    """A region's characters read exactly as in a full run (the same windows); a window that
    owns no region character is not run and reads O."""
    model, tok = tiny()
    p = Predictor(EchoModel(model.config), tok, window=32, stride=20)
    text = TEXT * 6
    assert len(text) > 160
    full = p.predict_proba(text)
    probs = p.predict_proba(text, regions=[(40, 70), (5, 10), (65, 80)])
    inside = np.zeros(len(text), bool)
    inside[5:10] = inside[40:80] = True
    np.testing.assert_array_equal(probs[inside], full[inside])
    assert (probs[120:, labels().index(OUTSIDE)] == 1).all()
    assert (p.predict_proba(text, regions=[(0, len(text))]) == full).all()
