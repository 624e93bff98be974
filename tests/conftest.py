import pytest

from coursekit.build import build_site


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The whole site, built once per test session with `mkdocs build --strict`."""
    result = build_site(tmp_path_factory.mktemp("site") / "site")
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.log}"
    return result


@pytest.fixture(scope="session")
def site(built):
    return built.site


@pytest.fixture(scope="session")
def script_runs():
    """Each snippet run once as a script, shared by the tests that look at its results."""
    from coursekit.scripts import run_script

    cache = {}

    def run(path):
        if path not in cache:
            cache[path] = run_script(path)
        return cache[path]

    return run
