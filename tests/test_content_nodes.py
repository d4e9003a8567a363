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
