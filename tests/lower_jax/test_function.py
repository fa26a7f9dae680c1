"""``rx.function``: calling conventions, outputs, givens, updates, shared variables, printing."""

import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt


def test_positional_keyword_and_mixed_calls_give_the_same_result():
    x, y = pt.scalar("x"), pt.vector("y")
    f = rx.function([x, y], pt.log(x + y))
    want = np.log([1.5 + 0.5, 1.5 + 2.0])
    for got in (f(1.5, [0.5, 2.0]), f(x=1.5, y=[0.5, 2.0]), f(1.5, y=[0.5, 2.0]), f(y=np.array([0.5, 2.0]), x=1.5)):
        np.testing.assert_allclose(got, want)
        assert isinstance(got, np.ndarray) and got.dtype == np.float64


def test_outputs_single_list_repeated_constant_and_input():
    x = pt.vector("x")
    v = np.array([1.0, 2.0])
    assert isinstance(rx.function([x], x * 2)(v), np.ndarray)
    single_list = rx.function([x], [x * 2])(v)
    assert isinstance(single_list, list) and len(single_list) == 1
    a, b = rx.function([x], [x * 2, x * 2])(v)
    np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(rx.function([x], x)(v), v)
    assert rx.function([], pt.constant(3.0))() == 3.0
    assert rx.function([x], [], on_unused_input="ignore")(v) == []


def test_results_are_fresh_writable_arrays():
    x = pt.vector("x")
    f = rx.function([x], x)
    v = np.ones(2)
    out = f(v)
    out[0] = 5.0  # writing into a result never changes the input or the next result
    assert v[0] == 1.0 and f(v)[0] == 1.0


def test_intermediate_variables_as_inputs():
    x = pt.vector("x")
    z = pt.exp(x)
    z.name = "z"
    f = rx.function([z], pt.log(z))
    np.testing.assert_allclose(f(np.array([1.0, np.e])), [0.0, 1.0])
    np.testing.assert_allclose(f(z=np.array([np.e])), [1.0])


def test_givens_replace_variables_before_compiling():
    x, s = pt.vector("x"), pt.scalar("s")
    f = rx.function([s], (x * 2).sum(), givens={x: pt.stack([s, s + 1])})
    assert f(3.0) == pytest.approx(14.0)
    g = rx.function([s], (x * 2).sum(), givens=[(x, pt.stack([s, s]))])  # a list of pairs works too
    assert g(1.0) == pytest.approx(4.0)


def test_shared_variables_are_read_at_every_call():
    w = rx.shared(np.array([1.0, 2.0]), name="w")
    x = pt.vector("x")
    f = rx.function([x], (w * x).sum())
    assert f(np.ones(2)) == pytest.approx(3.0)
    w.set_value(np.array([10.0, 20.0]))
    assert f(np.ones(2)) == pytest.approx(30.0)
    assert w.name == "w" and str(w) == "w"


def test_shared_value_with_a_new_shape_recompiles():
    w = rx.shared(np.ones(3), name="w")
    f = rx.function([], w.sum() * 2)
    assert f() == 6.0
    w.set_value(np.ones(5))
    assert f() == 10.0


def test_shared_get_value_returns_a_copy_and_set_value_checks_the_type():
    w = rx.shared(np.zeros(2), name="w")
    w.get_value()[0] = 7.0
    assert w.get_value()[0] == 0.0
    w.set_value([1, 2])  # integers are cast to the float64 of the variable
    assert w.get_value().dtype == np.float64
    with pytest.raises(TypeError, match="shared variable w expects 1 dimension"):
        w.set_value(np.zeros((2, 2)))
    fixed = rx.shared(np.zeros(2), name="fixed", shape=(2,))
    with pytest.raises(ValueError, match=r"expects shape \(2,\) but got shape \(3,\)"):
        fixed.set_value(np.zeros(3))


def test_updates_are_written_back_after_each_call():
    count = rx.shared(np.int64(0), name="count")
    total = rx.shared(np.zeros(2), name="total")
    x = pt.vector("x")
    f = rx.function([x], total + x, updates={count: count + 1, total: total + x})
    np.testing.assert_allclose(f(np.ones(2)), [1.0, 1.0])
    np.testing.assert_allclose(f(np.ones(2)), [2.0, 2.0])
    assert count.get_value() == 2
    np.testing.assert_allclose(total.get_value(), [2.0, 2.0])


def test_updates_only_function_and_list_of_pairs():
    w = rx.shared(np.float64(1.0), name="w")
    step = rx.function([], [], updates=[(w, w * 3)])
    step()
    step()
    assert w.get_value() == 9.0


def test_givens_may_replace_a_shared_variable():
    w = rx.shared(np.ones(2), name="w")
    s = pt.scalar("s")
    f = rx.function([s], (w * s).sum(), givens={w: pt.constant(np.array([2.0, 3.0]))})
    assert f(2.0) == pytest.approx(10.0)


def test_dprint_of_a_compiled_function_shows_topological_indices():
    x, s = pt.vector("x"), pt.scalar("s")
    f = rx.function([x, s], pt.exp(x) * s, mode="FAST_COMPILE")
    text = rx.dprint(f, file="str")
    lines = text.splitlines()
    assert lines[0].startswith("Mul [id A]") and lines[0].endswith(" 2")
    assert any(line.strip().startswith("├─ Exp [id B] 0") for line in lines)
    assert any("ExpandDims{axis=0} [id D] 1" in line for line in lines)


def test_modes():
    x = pt.vector("x")
    for mode in (None, "JAX", "FAST_RUN", "FAST_COMPILE", rx.Mode(optimize=False)):
        np.testing.assert_allclose(rx.function([x], x + 1, mode=mode)(np.zeros(2)), [1.0, 1.0])


def test_trust_input_skips_conversion():
    x = pt.vector("x")
    f = rx.function([x], x * 2, trust_input=True)
    np.testing.assert_allclose(f(np.ones(2)), [2.0, 2.0])


def test_allow_input_downcast():
    x = pt.fvector("x")
    f = rx.function([x], x * 2, allow_input_downcast=True)
    out = f(np.array([1.0, 2.0]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [2.0, 4.0])


def test_python_numbers_and_lists_are_weakly_typed_inputs():
    x = pt.fvector("x")
    i = pt.bscalar("i")
    f = rx.function([x, i], x * i)
    out = f([1.5, 2.5], 3)  # a list of Python floats fits float32; 3 fits int8
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [4.5, 7.5])


def test_jax_arrays_are_accepted_as_inputs():
    import jax
    import jax.numpy as jnp

    x = pt.vector("x")
    f = rx.function([x], x + 1)
    with jax.enable_x64(True):
        v = jnp.arange(3.0)
    np.testing.assert_allclose(f(v), [1.0, 2.0, 3.0])


def test_large_constants_are_passed_not_embedded():
    from rewrax.lower_jax.function import HOIST_CONSTANT_SIZE

    x = pt.vector("x")
    big = np.arange(HOIST_CONSTANT_SIZE + 1, dtype="float64")
    f = rx.function([x], (x * big).sum())
    assert len(f._consts) == 1
    assert f(np.ones(big.size)) == pytest.approx(big.sum())
    # placed on the device once, in float64 even when the call enabled x64 only for itself
    placed = f._device_consts[0]
    assert placed.dtype == np.float64
    assert f(2 * np.ones(big.size)) == pytest.approx(2 * big.sum())
    assert f._device_consts[0] is placed


def test_eval_caches_its_function_and_accepts_names():
    x = pt.vector("x")
    y = pt.exp(x)
    v = np.array([0.0, 1.0])
    np.testing.assert_allclose(y.eval({x: v}), np.exp(v))
    np.testing.assert_allclose(y.eval({"x": v}), np.exp(v))
    np.testing.assert_allclose(pt.constant(2.0).eval(), 2.0)


def test_compiled_function_without_x64_flag_still_computes_in_float64():
    import jax

    x = pt.vector("x")
    f = rx.function([x], x / 3)
    with jax.enable_x64(False):
        out = f(np.ones(2))
    assert out.dtype == np.float64
    assert out[0] == 1 / 3


def test_eval_can_override_a_shared_variable_without_changing_it():
    w = rx.shared(np.ones(2), name="w")
    x = pt.vector("x")
    np.testing.assert_allclose((w * x).eval({x: np.ones(2), w: np.array([3.0, 4.0])}), [3.0, 4.0])
    np.testing.assert_allclose(w.get_value(), [1.0, 1.0])


def test_parameter_checks_in_a_function_with_updates():
    sigma = pt.scalar("sigma")
    calls = rx.shared(np.int64(0), name="calls")
    f = rx.function([sigma], pt.check(pt.log(sigma), sigma > 0, msg="sigma > 0"), updates={calls: calls + 1})
    assert f(np.e) == pytest.approx(1.0)
    with pytest.raises(pt.ParameterValueError, match="sigma > 0"):
        f(-1.0)
    assert calls.get_value() == 1  # a failed check writes no update
