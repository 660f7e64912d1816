"""The layout is the architecture (README, *Layout*): every import among `cases` modules, at
module level or inside a function, runs one way — no circle, and nothing outside the views and
the URL map imports a view."""

import ast
from pathlib import Path

import cases

CASES = Path(cases.__file__).parent
PARTS = (
    "workflow",
    "reminders",
    "reports",
    "patient",
    "contacts",
    "records",
    "screening",
    "today",
    "caseload",
    "backups",
    "housekeeping",
    "fhir",
    "imports",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(CASES.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path for path in CASES.rglob("*.py") if "migrations" not in path.parts
    }


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The `cases` modules a file imports: `from cases.x import y` names `cases.x.y` when that
    is a module, else `cases.x`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module not in modules:
                continue
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, if there is any (depth-first search, white/grey/black)."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "grey"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "grey":
                return stack[stack.index(target) :] + [target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = "black"
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_parts_are_importable_packages():
    import cases.backups
    import cases.contacts
    import cases.fhir
    import cases.housekeeping
    import cases.imports
    import cases.patient
    import cases.records
    import cases.reminders
    import cases.reports
    import cases.screening
    import cases.workflow

    parts = (
        cases.workflow,
        cases.reminders,
        cases.reports,
        cases.patient,
        cases.contacts,
        cases.records,
        cases.screening,
        cases.backups,
        cases.housekeeping,
        cases.fhir,
        cases.imports,
    )
    for part in parts:
        assert part.__doc__, f"{part.__name__} says what lives there and what it may import"


def test_no_import_circle_among_cases_modules():
    assert _cycle(import_graph()) is None


def test_nothing_imports_a_view():
    offenders = [
        f"{name} imports {target}"
        for name, targets in import_graph().items()
        for target in targets
        if target.startswith("cases.views")
        and name != "cases.urls"
        and not (name.startswith("cases.views.") and target == "cases.views.common")
    ]
    assert offenders == []


def test_parts_depend_on_the_core_not_on_the_pages():
    """A part (workflow, reminders, reports, patient, backups, housekeeping) imports the core
    (models, access, audit, business days) and other parts, never the views, the admin or the
    URL map."""
    above = ("cases.views", "cases.admin", "cases.urls")
    offenders = [
        f"{name} imports {target}"
        for name, targets in import_graph().items()
        if name.split(".")[1:2] and name.split(".")[1] in PARTS
        for target in targets
        if target.startswith(above)
    ]
    assert offenders == []


def test_the_checker_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_fhir_models_are_imported_only_when_a_referral_arrives():
    """fhir.resources takes about a second to import: only inside a function of
    `cases.fhir.parse`, never at a module's top, so no process pays for it at start-up."""
    at_top, inside = [], []
    for name, path in _modules().items():
        tree = ast.parse(path.read_text())
        top_level = set(tree.body)
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "fhir.resources" or n.startswith("fhir.resources.") for n in names):
                (at_top if node in top_level else inside).append(name)
    assert at_top == []
    assert inside == ["cases.fhir.parse"]
