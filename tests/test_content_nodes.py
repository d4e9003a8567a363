"""Content nodes: immutable values, whatever makes their construction cheap."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from quizgen.model.content import Delim, Mat, Num, Seq, Sym, Table, mat


def test_nodes_keep_their_defaults_and_take_keywords():
    assert Num(0.5) == Num(0.5, 3, False, False)
    assert Num(value=0.5, fixed=True) == Num(0.5, 3, True, False)
    assert Sym("Q", sub="j") == Sym("Q", "j", None, None)
    assert Delim(Sym("x")).kind == "paren"
    with pytest.raises(TypeError):
        Num()
    with pytest.raises(TypeError):
        Num(0.5, 3, False, False, "extra")


def test_nodes_are_frozen_and_compare_by_value():
    node = Num(0.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.value = 1.0  # type: ignore[misc]
    assert not hasattr(node, "__dict__")
    assert hash(Seq((Sym("a"), Num(1.0)))) == hash(Seq((Sym("a"), Num(1.0))))
    assert Num(0.5) != Num(0.5, 2)
    # "formatted" says how a matrix was built, not what it holds
    assert Mat(((Num(1.0),),)) == Mat(((Num(1.0),),), formatted=True)
    assert repr(Num(0.5)) == "Num(value=0.5, digits=3, fixed=False, bound=False)"


def test_nodes_pickle_and_replace():
    m = mat([[1.0, 0.25], [0.0, -2.0]])
    assert pickle.loads(pickle.dumps(m)) == m
    assert dataclasses.replace(Num(0.5), digits=1) == Num(0.5, 1)
    t = Table(((("a",),),), ((((Num(1.0)),),),))
    assert dataclasses.replace(t, formatted=True).rows == t.rows


def test_a_remembered_matrix_is_the_matrix_built_afresh():
    from quizgen.model.content import _remembered_mat
    from quizgen.render.text import display_math

    for values in ([[1.0, 0.0], [0.0, 1.0]], [0.5, -0.25, 2.0], [[0.1234, 7.0]], [[-0.0, 1.0]]):
        first, again = mat(values), mat(values)
        assert again is first  # remembered
        rows = tuple(map(tuple, values)) if isinstance(values[0], list) else (tuple(values),)
        assert _remembered_mat.__wrapped__(rows, 3) == first
        assert mat(values, 1) is not first  # the digits are part of what is remembered
    # a negative zero prints as the zero a matrix built earlier holds
    assert display_math(mat([[0.0, 1.0]])) == display_math(mat([[-0.0, 1.0]]))
    assert display_math(mat([-0.0, 0.5])) == "[0.000, 0.500]"
