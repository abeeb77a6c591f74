"""The README documents every setting the code reads and every option of our management commands (issue 16), and
``.env.example`` copied as it is leaves ``make run`` on its embedded defaults."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class

ROOT = Path(settings.BASE_DIR)
README = (ROOT / "README.md").read_text(encoding="utf-8")
# env("NAME", ...), env.int("NAME", ...), env.db("NAME", ...): every way the settings read a variable.
ENV_READ = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
# Options every Django command has.
BASE_OPTIONS = {
    "--help",
    "--version",
    "--verbosity",
    "--settings",
    "--pythonpath",
    "--traceback",
    "--no-color",
    "--force-color",
    "--skip-checks",
}


def settings_variables() -> set[str]:
    return {
        name
        for path in (ROOT / "credit_portal" / "settings").glob("*.py")
        for name in ENV_READ.findall(path.read_text(encoding="utf-8"))
    }


def test_settings_variables_are_found():
    """The scan itself works (a regex that found nothing would pass the next test vacuously)."""
    found = settings_variables()
    assert {"DATABASE_URL", "REDIS_URL", "RATE_LIMIT_APPLY", "TRUSTED_PROXY_COUNT", "DATABASE_TEST_TEMPLATE"} <= found


def test_every_setting_read_is_documented_in_the_readme():
    undocumented = sorted(name for name in settings_variables() if f"`{name}`" not in README)
    assert not undocumented, f"add these to the README's configuration table: {undocumented}"


def project_commands() -> dict[str, str]:
    """Our own management commands (not Django's or a library's): name -> app."""
    return {
        name: app
        for name, app in get_commands().items()
        if isinstance(app, str) and (ROOT / app / "management" / "commands" / f"{name}.py").exists()
    }


def test_every_command_option_is_documented_in_the_readme():
    commands = project_commands()
    assert {"seed_demo", "create_department", "create_staff", "evaluate_all"} <= set(commands)
    rows = [line for line in README.splitlines() if line.startswith("| `")]
    missing = {}
    for name, app in sorted(commands.items()):
        parser = load_command_class(app, name).create_parser("manage.py", name)
        options = {option for action in parser._actions for option in action.option_strings if option.startswith("--")}
        text = " ".join(row.split(" | ")[0] for row in rows if row.startswith(f"| `{name}"))
        absent = sorted(option for option in options - BASE_OPTIONS if not re.search(rf"{option}(?![\w-])", text))
        if not text or absent:
            missing[name] = absent or "no row"
    assert not missing, f"document these in the README's management commands table: {missing}"


@pytest.mark.parametrize(
    "name",
    [
        "DATABASE_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "CELERY_TASK_ALWAYS_EAGER",
        "SUBJECT_ID_HASH_KEY",
        "DJANGO_DEBUG",  # the site's own 404 under `make run` (issue 16)
    ],
)
def test_env_example_as_copied_keeps_the_embedded_defaults(name):
    """base.py reads ``.env`` by itself: a copied ``.env.example`` must not move ``make run`` to PostgreSQL or
    Redis (nor change the key of the citizen-ID hashes under existing demo data)."""
    values: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=(.*)", line)
        if match:
            values[match.group(1)] = match.group(2).strip()
    assert "DJANGO_SETTINGS_MODULE" in values  # the file is read (a parser that found nothing would pass)
    assert name not in values
