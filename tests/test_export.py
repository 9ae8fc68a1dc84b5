from typer.testing import CliRunner

from xxgk.cli import app
from xxgk.data.gold import load_record
from xxgk.data.synth import build_corpus


def test_export_split_gives_files_that_eval_scores_perfectly(tmp_path):
    build_corpus(40, 5, tmp_path / "corpus", progress=False, workers=1)
    runner = CliRunner()
    res = runner.invoke(app, ["data", "export", "--data", str(tmp_path / "corpus"), "--split", "train", "--n", "3",
                              "--out", str(tmp_path / "x")])
    assert res.exit_code == 0, res.output
    golds = sorted((tmp_path / "x" / "gold").glob("*.json"))
    assert len(golds) == 3
    rec = load_record(golds[0])
    assert (tmp_path / "x" / rec.source).is_file() and rec.extra["meta"]["layout"]
    res = runner.invoke(app, ["eval", "--gold", str(tmp_path / "x" / "gold"), "--pred", str(tmp_path / "x" / "gold"),
                              "--out", str(tmp_path / "ev")])
    assert res.exit_code == 0 and "cell accuracy 100.00 %" in res.output
    bad = runner.invoke(app, ["data", "export", "--data", str(tmp_path / "corpus"), "--split", "nope",
                              "--out", str(tmp_path / "y")])
    assert bad.exit_code == 2 and "no split 'nope'" in bad.output
