"""The install maps the repository's folders onto one package, xxgk."""
import tomllib

from typer.testing import CliRunner

from xxgk.cli import app

from .conftest import REPO


def test_every_code_folder_is_a_listed_subpackage():
    conf = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert conf["package-dir"] == {"xxgk": "."}
    listed = set(conf["packages"])
    found = {"xxgk." + ".".join(p.parent.relative_to(REPO).parts) for p in REPO.glob("*/**/__init__.py")
             if p.parent.relative_to(REPO).parts[0] in {"data", "models", "training", "inference", "eval"}}
    assert found <= listed, f"add to pyproject packages: {sorted(found - listed)}"
    assert not any(name.split(".")[0] != "xxgk" for name in listed)


def test_cli_lists_its_subcommands():
    out = CliRunner().invoke(app, ["--help"]).output
    for command in ("check", "eval", "extract", "train", "bench", "data"):
        assert command in out


def test_train_reports_a_missing_corpus_as_an_error_not_a_traceback(tmp_path):
    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "corpus folder not found" in result.output and "Traceback" not in result.output
