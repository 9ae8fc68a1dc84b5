"""Training: config, window sampling, a tiny model trained to overfit → saved → reloaded → same labels,
resume, --init-from and --base-model.  Hand-made two-report corpus, fixed seeds."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch
from pydantic import ValidationError
from transformers import AutoModelForTokenClassification, AutoTokenizer

from xxgk.data.gold import Record
from xxgk.data.labels import Span, label2id, labels, spans_to_tags
from xxgk.models.layout import layout_ids
from xxgk.models.model import load_model
from xxgk.models.prior import PRIOR_FILE, ValuePrior
from xxgk.data.schema import get_template
from xxgk.inference.predictor import Predictor
from xxgk.training.config import TrainConfig, load_config
from xxgk.training.train import run_training, train, write_prior
from xxgk.training.windows import DocStats, WindowSampler, table_label_mask

DOCS = [
    [("2020", "YEAR"), ("年", None), ("大门镇", "AGENCY"), ("报告\n", None), ("一、总体情况", "H1"),
     ("\n", None), ("规章", "R:t2.regulations"), ("\t", None), ("3", "V:t2.regulations.new_made"), ("\t", None),
     ("1", "V:t2.regulations.new_published"), ("\t", None), ("4", "V:t2.regulations.total_published"),
     ("\n", None)],
    [("２０２０", "YEAR"), ("年　", None), ("红椿镇", "AGENCY"), ("\n", None), ("二、主动公开政府信息情况", "H2"),
     ("\n", None), ("规范性文件", "R:t2.normative"), (" ", None), ("12", "V:t2.normative.new_made"),
     ("5", "V:t2.normative.new_published"), ("118", "V:t2.normative.total_published"), ("\n", None)],
]
FAST = dict(layers=1, hidden=32, heads=1, dropout=0.0, replace_rate=0.0, batch_size=2, lr=5e-3, threads=1,
            bf16=False, log_every=10)


def row(doc, i):
    text, spans = "", []
    for piece, tag in doc:
        if tag:
            spans.append(Span(len(text), len(text) + len(piece), tag))
        text += piece
    ids = label2id()
    cells = {f: None for f in get_template("2019").fields}
    for piece, tag in doc:
        if tag and tag.startswith("V:"):
            cells[tag[2:]] = int(piece)
    gold = Record(template="2019", cells=cells, id=f"mini-{i}", year=2020, extra={"meta": {"layout": "mini"}})
    return {"id": gold.id, "text": text, "labels": [ids[t] for t in spans_to_tags(len(text), spans)],
            "gold": json.dumps(gold.to_json(), ensure_ascii=False), "layout": "mini", "template": "2019",
            "damage": [], "seed": i, "level": "town", "year": 2020}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    import datasets

    datasets.disable_progress_bars()
    path = tmp_path_factory.mktemp("corpus") / "c"
    ds = datasets.Dataset.from_list([row(d, i) for i, d in enumerate(DOCS)])
    datasets.DatasetDict({"train": ds, "validation": ds}).save_to_disk(str(path))
    return path


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "m"
    config = TrainConfig(data=corpus, out=out, max_steps=150, eval_every=75, **FAST)
    best = run_training(config, "xxgk train --data c --out m  # corpus seed 0")
    return out, best


def gold_rows(corpus):
    import datasets

    return list(datasets.load_from_disk(str(corpus))["train"])


# --------------------------------------------------------------------------- config
def test_config_rejects_unknown_keys_and_bad_combinations(tmp_path):
    with pytest.raises(ValidationError, match="lerning_rate"):
        TrainConfig(data="c", out="m", lerning_rate=1e-3)
    with pytest.raises(ValidationError, match="not both"):
        TrainConfig(data="c", out="m", base_model="a", init_from="b")
    with pytest.raises(ValidationError, match="give --init-from"):
        TrainConfig(data="c", out="m", keep_layers=[0, 2])
    (tmp_path / "cfg.json").write_text(json.dumps({"layers": 3, "typo": 1}))
    with pytest.raises(ValidationError, match="typo"):
        load_config(tmp_path / "cfg.json", data="c", out="m")


def test_config_file_with_command_line_on_top(tmp_path):
    (tmp_path / "cfg.json").write_text(json.dumps({"layers": 3, "seed": 7}))
    config = load_config(tmp_path / "cfg.json", data="c", out="m", seed=None, init_from="x")
    assert (config.layers, config.seed, config.learning_rate, config.window_chars) == (3, 7, 1e-4, 510)


# --------------------------------------------------------------------------- sampling
def test_sampler_puts_table_ratio_of_windows_on_tables():
    n, window = 4000, 100
    table = np.zeros(n, bool)
    table[3000:3050] = True  # one small table in a long narrative document
    stats = DocStats(lengths=np.array([n]), table_counts=np.array([50]))
    sampler = WindowSampler(stats, window, 0.8, seed=0, table_positions=lambda doc: np.flatnonzero(table))
    hits = [table[s:s + window].any() for _, s in (sampler.draw() for _ in range(2000))]
    assert 0.78 < np.mean(hits) < 0.86  # 80 % aimed at the table, plus uniform windows that land there
    assert table_label_mask().sum() > 0 and not table_label_mask()[0]


# --------------------------------------------------------------------------- train → save → load → predict
def test_tiny_model_overfits_and_predicts_the_same_after_reload(trained, corpus, tmp_path_factory):
    out, best = trained
    assert best["cell_accuracy"] == 1.0 and best["token_f1"] == 1.0
    folder = out / "model-best"
    for name in ("config.json", "model.safetensors", "tokenizer.json", "labels.json", "training_config.json",
                 "command.txt", "metrics.json", "README.md", PRIOR_FILE):
        assert (folder / name).is_file(), name
    prior = ValuePrior.load(folder)  # the training split's forms; `xxgk data prior` writes the same anew
    assert prior == ValuePrior.from_cells(json.loads(r["gold"])["cells"] for r in gold_rows(corpus))
    assert Predictor.load(folder).prior == prior
    rebuilt = tmp_path_factory.mktemp("prior")
    shutil.copy(folder / "training_config.json", rebuilt)
    write_prior(rebuilt)
    assert ValuePrior.load(rebuilt) == prior
    assert "corpus seed 0" in (folder / "command.txt").read_text()
    assert "| mini | 2 | 100.00 %" in (folder / "README.md").read_text()
    assert json.loads((out / "training_config.json").read_text())["max_steps"] == 150
    hf = AutoModelForTokenClassification.from_pretrained(folder).eval()
    tok = AutoTokenizer.from_pretrained(folder)
    predictors = [Predictor.load(folder, quantize=False), Predictor.load(folder, quantize=True)]
    for r in gold_rows(corpus):
        gold = [labels()[i] for i in r["labels"]]
        enc = tok(r["text"], return_tensors="pt")
        types = torch.zeros_like(enc["input_ids"])  # the layout ids go in as token types
        types[0, 1:-1] = torch.from_numpy(layout_ids(r["text"]))
        with torch.inference_mode():
            hf_ids = hf(**enc, token_type_ids=types).logits[0, 1:-1].argmax(-1).tolist()
        assert [labels()[i] for i in hf_ids] == gold
        for p in predictors:
            assert p.predict(r["text"]) == gold


def test_resume_continues_from_the_saved_step_and_matches_an_unbroken_run(corpus, tmp_path):
    def cfg(out, **kw):
        return TrainConfig(data=corpus, out=out, max_steps=20, eval_every=10, seed=3, **{**FAST, **kw})

    unbroken = [e for e in train(cfg(tmp_path / "a")) if e.kind == "eval"][-1]
    for event in train(cfg(tmp_path / "b")):  # stop right after the step-10 checkpoint
        if event.kind == "eval":
            break
    with pytest.raises(ValueError, match="--resume"):
        list(train(cfg(tmp_path / "b")))
    with pytest.raises(ValueError, match="changed config"):
        list(train(cfg(tmp_path / "b", resume=True, lr=1e-2)))
    events = list(train(cfg(tmp_path / "b", resume=True)))
    assert events[0].kind == "start" and events[0].step == 10
    assert events[-1].step == 20
    state = torch.load(tmp_path / "b" / "model-last" / "trainer_state.pt", weights_only=False)
    assert state["step"] == 20 and [h["step"] for h in state["history"]] == [10, 20]
    a = AutoModelForTokenClassification.from_pretrained(tmp_path / "a" / "model-last").state_dict()
    b = AutoModelForTokenClassification.from_pretrained(tmp_path / "b" / "model-last").state_dict()
    for k in a:
        torch.testing.assert_close(a[k], b[k])
    assert events[-1].kind == "done" and unbroken.step == 20


def test_init_from_fine_tunes_an_xxgk_model(trained, corpus, tmp_path):
    out, _ = trained
    config = TrainConfig(data=corpus, out=tmp_path / "ft", max_steps=10, eval_every=10, init_from=out / "model-best",
                         attention_dropout=0.2, **{**FAST, "dropout": 0.05})
    events = list(train(config))
    assert "fine-tuned from xxgk model" in events[0].message
    assert events[-1].metrics["cell_accuracy"] == 1.0
    saved = load_model(tmp_path / "ft" / "model-last")[0].config
    assert (saved.attention_probs_dropout_prob, saved.hidden_dropout_prob) == (0.2, 0.05)  # the config's


def make_base_checkpoint(path, chars: str) -> None:
    """A tiny randomly initialised BERT with its own WordPiece vocabulary, saved like a hub checkpoint."""
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece
    from transformers import BertConfig, BertForMaskedLM, BertTokenizerFast

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(chars) - set(" \t\n\u3000"))
    tok = Tokenizer(WordPiece({t: i for i, t in enumerate(vocab)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True, handle_chinese_chars=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2),
                                                                                                ("[SEP]", 3)])
    BertTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                      sep_token="[SEP]", mask_token="[MASK]").save_pretrained(path)
    torch.manual_seed(0)
    BertForMaskedLM(BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=1,
                               intermediate_size=64, max_position_embeddings=64)).save_pretrained(path)


def test_base_model_with_a_foreign_tokenizer(corpus, tmp_path):
    rows = gold_rows(corpus)
    make_base_checkpoint(tmp_path / "base", "".join(r["text"] for r in rows[:1]))  # doc 2 has unknown chars
    config = TrainConfig(data=corpus, out=tmp_path / "m", max_steps=150, eval_every=150,
                         base_model=tmp_path / "base", **{**FAST, "lr": 5e-3})
    events = list(train(config))
    assert "fine-tuned from checkpoint" in events[0].message
    p = Predictor.load(tmp_path / "m" / "model-best", quantize=False)
    assert p.window == 62  # the checkpoint's 64 positions
    for r in rows:
        pred, gold = p.predict(r["text"]), [labels()[i] for i in r["labels"]]
        for ch, a, b in zip(r["text"], pred, gold):
            assert a == (b if not ch.isspace() else "O")  # BERT drops white space: read as O


def test_teacher_is_distilled_into_a_fresh_model(trained, corpus, tmp_path):
    """--teacher with the whole loss on its probabilities: a fresh student learns to read as the
    teacher does (here: the gold labels, which the teacher reads); the teacher is not changed."""
    teacher = trained[0] / "model-best"
    before = (teacher / "model.safetensors").read_bytes()
    config = TrainConfig(data=corpus, out=tmp_path / "s", max_steps=300, eval_every=300, teacher=teacher,
                         distill_weight=1.0, seed=1, **FAST)
    best = run_training(config)
    assert best["cell_accuracy"] == 1.0
    student = Predictor.load(tmp_path / "s" / "model-best", quantize=False)
    reference = Predictor.load(teacher, quantize=False)
    for r in gold_rows(corpus):
        assert student.predict(r["text"]) == reference.predict(r["text"])
    assert (teacher / "model.safetensors").read_bytes() == before
    assert json.loads((tmp_path / "s" / "training_config.json").read_text())["teacher"] == str(teacher)


def test_distill_loss_is_zero_for_the_teachers_own_logits_and_skips_unlabelled_tokens():
    from xxgk.training.train import distill_loss

    logits = torch.randn(1, 4, 5)
    labels = torch.tensor([[-100, 1, 2, -100]])
    assert distill_loss(logits, logits, labels, 2.0).item() == pytest.approx(0.0, abs=1e-6)
    other = logits.clone()
    other[0, 0] += 10  # an unlabelled token ([CLS], padding) does not count
    assert distill_loss(logits, other, labels, 2.0).item() == pytest.approx(0.0, abs=1e-6)
    other[0, 1] += torch.tensor([5.0, 0, 0, 0, 0])
    assert distill_loss(logits, other, labels, 2.0).item() > 0.1


def test_config_is_written_first_and_errors_are_clear(tmp_path):
    config = TrainConfig(data=tmp_path / "nowhere", out=tmp_path / "m", **FAST)
    with pytest.raises(ValueError, match="corpus folder not found"):
        list(train(config))
    assert json.loads((tmp_path / "m" / "training_config.json").read_text())["layers"] == 1


def test_validation_reports_that_fail_to_decode_are_said_not_just_scored_zero(corpus, tmp_path, monkeypatch, capsys):
    """A decoder that raises (here: a stale import in a long run) scores 0 % — and the run says why."""
    import xxgk.training.validate as validate

    def broken(*args, **kwargs):
        raise ImportError("cannot import name 'x'")

    monkeypatch.setattr(validate, "decode", broken)
    config = TrainConfig(data=corpus, out=tmp_path / "m", max_steps=2, eval_every=2, **FAST)
    best = run_training(config)
    assert best["decode_failures"] == 2 and best["cell_accuracy"] == 0.0
    out = capsys.readouterr()
    assert "2 of 2 validation reports failed to decode, e.g. mini-0: ImportError: cannot import name 'x'" in \
        out.out + out.err
