"The package's shape: imports only go down the layers, none hides inside a function, no circle, short lines."
import ast
from pathlib import Path
import pytest

PACKAGE = Path(__file__).resolve().parents[1]/'bertcourse'
LAYERS = {   # module -> layer; a module may import only modules of a lower layer (see nbs/index.ipynb)
    'core': 0, 'data': 1, 'samples': 2, 'bert': 2, 'tokenizer': 3, 'train': 4,
    'pretraining': 5, 'nsmc': 5, 'nli': 5, 'serve': 5, 'course': 6, 'cli': 7}
GENERATED = {'__init__', '_modidx'}
OPTIONAL_EXTRAS = {'gradio'}   # third-party extras loaded on demand with importlib (`pip install "bertcourse[demo]"`)
MAX_COLUMNS = 120

def modules()->dict[str, ast.Module]:
    "Every hand-written (notebook-exported) module of the package, parsed."
    return {p.stem: ast.parse(p.read_text(encoding='utf-8')) for p in sorted(PACKAGE.glob('*.py')) if p.stem not in GENERATED}

def package_imports(tree:ast.Module)->set[str]:
    "The bertcourse modules a module imports (relative `from .x import` or `from . import x`, or absolute)."
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level == 1 and base: found.add(base.split('.')[0])
            elif node.level == 1: found.update(alias.name for alias in node.names)
            elif base.startswith('bertcourse.'): found.add(base.split('.')[1])
            elif base == 'bertcourse': found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split('.')[1] for a in node.names if a.name.startswith('bertcourse.'))
    return found

def test_every_module_has_a_layer():
    assert set(modules()) == set(LAYERS), 'add new modules to LAYERS (and to the layer diagram in nbs/index.ipynb)'

@pytest.mark.parametrize('name', sorted(LAYERS))
def test_imports_only_go_down(name):
    upward = {m for m in package_imports(modules()[name]) if LAYERS.get(m, 99) >= LAYERS[name]}
    assert not upward, f"bertcourse.{name} (layer {LAYERS[name]}) imports {sorted(upward)} from its own or a later layer"

def test_import_graph_has_no_circle():
    graph = {name: package_imports(tree) for name, tree in modules().items()}
    state = {}
    def visit(node, path):
        if state.get(node) == 'open': raise AssertionError(f"import circle: {' -> '.join(path + [node])}")
        if state.get(node) == 'done': return
        state[node] = 'open'
        for nxt in sorted(graph.get(node, ())): visit(nxt, path + [node])
        state[node] = 'done'
    for name in graph: visit(name, [])

def imports_inside_functions(tree:ast.Module)->list[str]:
    "Import statements, and importlib loads of anything but an optional extra, inside a function body."
    found = []
    for fn in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
        for node in ast.walk(fn):
            if isinstance(node, (ast.Import, ast.ImportFrom)): found.append(f"{fn.name}: line {node.lineno}")
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == 'import_module'
                  and not (node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in OPTIONAL_EXTRAS)):
                found.append(f"{fn.name}: importlib at line {node.lineno}")
    return found

@pytest.mark.parametrize('name', sorted(LAYERS))
def test_no_import_inside_a_function(name):
    assert not imports_inside_functions(modules()[name]), f"bertcourse.{name}: {imports_inside_functions(modules()[name])}"

def test_the_checks_catch_what_they_guard_against():
    bad = ast.parse("from .course import run_course\nfrom bertcourse import cli\ndef f():\n    import os\n"
                    "def g():\n    importlib.import_module('bertcourse.nli')\n")
    assert package_imports(bad) == {'course', 'cli'}
    assert imports_inside_functions(bad) == ['f: line 4', 'g: importlib at line 6']
    assert not imports_inside_functions(ast.parse("def demo():\n    return importlib.import_module('gradio')\n"))

def long_lines(source:str)->list[int]:
    "Numbers of the lines longer than MAX_COLUMNS, except what nbdev generates: the module docstring and `__all__`."
    tree = ast.parse(source)
    generated = {n for node in tree.body[:1] + [n for n in tree.body if isinstance(n, ast.Assign)
                                                 and getattr(n.targets[0], 'id', '') == '__all__']
                 if isinstance(node, (ast.Assign, ast.Expr)) for n in range(node.lineno, node.end_lineno + 1)}
    return [i for i, line in enumerate(source.splitlines(), 1) if len(line) > MAX_COLUMNS and i not in generated]

@pytest.mark.parametrize('name', sorted(LAYERS))
def test_lines_fit_in_120_columns(name):
    long = long_lines((PACKAGE/f'{name}.py').read_text(encoding='utf-8'))
    assert not long, f"bertcourse/{name}.py: lines {long[:10]} are longer than {MAX_COLUMNS} columns (wrap them in the notebook)"

def test_cli_plumbing_stays_out_of_all():
    import bertcourse
    for name in LAYERS:
        module = __import__(f'bertcourse.{name}', fromlist=['__all__'])
        public = set(getattr(module, '__all__', ()))
        assert not public & {'add_cli', 'OWNED'}, f"bertcourse.{name}.__all__ exports CLI plumbing {public & {'add_cli', 'OWNED'}}"
        assert not [n for n in public if n.startswith('_run') or n.endswith('_cli')], f"bertcourse.{name}.__all__ exports a command handler"
    assert bertcourse.__version__
