"""The public face, the packaging and the one-way layering of rewrax."""

import ast
import importlib
import importlib.metadata
from pathlib import Path

import pytest

import rewrax as rx
import rewrax.symbolic as pt

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["symbolic", "rewrites", "lower_jax", "model", "samplers"]

GRAPH_API = ["function", "Function", "Mode", "dprint", "debugprint", "clone_replace", "graph_replace",
             "graph_inputs", "explicit_graph_inputs", "ancestors", "toposort", "io_toposort", "shared", "config",
             "wrap_jax", "rewrite_graph", "grad", "vectorize_graph", "jacobian", "hessian", "Lop", "Rop"]
TENSOR_API = ["scalar", "vector", "matrix", "tensor3", "tensor4", "tensor", "constant", "as_tensor",
              "as_tensor_variable", "dscalar", "fvector", "imatrix", "ltensor3", "TensorType", "Variable", "Apply",
              "Op", "Constant", "SharedVariable", "TensorVariable", "TensorConstant", "random", "linalg"]


@pytest.mark.parametrize("name", GRAPH_API)
def test_graph_tools_are_on_rx(name):
    assert hasattr(rx, name), f"rx.{name} is missing"


@pytest.mark.parametrize("name", TENSOR_API)
def test_tensor_api_is_on_pt(name):
    assert hasattr(pt, name), f"pt.{name} is missing"


def test_subpackages_install_under_one_name():
    for layer in LAYERS:
        module = importlib.import_module(f"rewrax.{layer}")
        assert Path(module.__file__).resolve().parent == ROOT / layer
    top_level = importlib.metadata.distribution("rewrax").read_text("top_level.txt")
    assert top_level is None or top_level.split() == ["rewrax"], top_level


def test_pyproject_installs_every_package_and_no_top_level_model():
    import tomllib

    setup = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert all(name.startswith("rewrax") for name in setup["package-dir"])
    assert all(name == "rewrax" or name.startswith("rewrax.") for name in setup["packages"])
    for layer in LAYERS:
        assert setup["package-dir"][f"rewrax.{layer}"] == layer
        # every folder with an __init__.py must be listed, or `pip install .` leaves it out
        for init in (ROOT / layer).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT).parts
            assert "rewrax." + ".".join(parts) in setup["packages"], f"{init.parent} is not in [tool.setuptools] packages"


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node.lineno


def test_layers_only_import_downwards():
    bad = []
    for rank, layer in enumerate(LAYERS):
        for path in sorted((ROOT / layer).rglob("*.py")):
            for module, line in _imports(path):
                where = f"{path.relative_to(ROOT)}:{line} imports {module}"
                top = module.split(".")[0]
                if top in LAYERS:
                    bad.append(where + " (use rewrax." + module + ")")
                elif module == "rewrax":
                    bad.append(where + " (the public face; import the layer instead)")
                elif top == "rewrax":
                    target = module.split(".")[1]
                    if target in LAYERS and LAYERS.index(target) > rank:
                        bad.append(where + f" ({layer} is below {target})")
    assert not bad, "\n".join(bad)


def test_init_files_only_re_export():
    for layer in ["rewrax", *LAYERS]:
        tree = ast.parse((ROOT / layer / "__init__.py").read_text(encoding="utf-8"))
        logic = [type(n).__name__ for n in tree.body
                 if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While, ast.If, ast.With))]
        assert not logic, f"{layer}/__init__.py holds {logic}"


def test_the_demo_runs_and_leaves_jax_configuration_alone():
    import subprocess
    import sys

    code = ("import jax, runpy; before = jax.config.jax_enable_x64; "
            "runpy.run_module('rewrax', run_name='__main__'); print('x64 flag:', before, jax.config.jax_enable_x64)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PATH": "", "JAX_PLATFORMS": "cpu"}).stdout
    assert "Log [id A]" in out
    assert "f(x=0, y=[1, e]) = [0. 1.]" in out
    assert "x64 flag: False False" in out  # float64 results without flipping JAX's global flag
