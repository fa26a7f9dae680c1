"""rewrax.symbolic: the graph IR and its NumPy-like tensor API (``import rewrax.symbolic as pt``)."""

from rewrax.symbolic import random  # noqa: F401
from rewrax.symbolic import extra_ops, linalg, nlinalg, slinalg, special  # noqa: F401  (PyTensor's sub-namespaces)
from rewrax.symbolic.extra_ops import (  # noqa: F401  (pt.diff, pt.unique, ... as in PyTensor)
    bartlett, bincount, compress, concat_with_broadcast, diff, fill_diagonal, fill_diagonal_offset, geomspace,
    linspace, logspace, ravel_multi_index, searchsorted, unique, unravel_index,
)
from rewrax.symbolic.basic import (  # noqa: F401
    TYPED_CONSTRUCTORS, RandomKeySharedVariable, TensorConstant, TensorSharedVariable, TensorVariable,
    as_tensor, as_tensor_variable, constant, matrix, scalar, shared, shared_rng, tensor, tensor3, tensor4,
    vector,
)
from rewrax.symbolic.blockwise import Blockwise  # noqa: F401
from rewrax.symbolic.check import Check, ParameterValueError, check  # noqa: F401
from rewrax.symbolic.config import config  # noqa: F401
from rewrax.symbolic.control import IfElse, Scan, ifelse, scan  # noqa: F401
from rewrax.symbolic.elemwise import DimShuffle, Elemwise  # noqa: F401
from rewrax.symbolic.gradient import (  # noqa: F401
    DisconnectedInputError, Lop, Rop, disconnected_grad, grad, hessian, jacobian, stop_gradient, zero_grad,
)
from rewrax.symbolic.graph import (  # noqa: F401
    ancestors, clone_replace, explicit_graph_inputs, graph_inputs, graph_replace, io_toposort, toposort,
)
from rewrax.symbolic.linalg import (  # noqa: F401
    cho_solve, cholesky, det, dot, inv, logdet, matmul, matrix_inverse, outer, slogdet, solve,
    solve_triangular, trace,
)
from rewrax.symbolic.math import *  # noqa: F401,F403
from rewrax.symbolic.math import (  # noqa: F401
    abs, all, any, cast, max, min, pow, round, sum, switch, where, zeros_like, ones_like, full_like,
)
from rewrax.symbolic.op import NotDifferentiableError, Op, UndefinedGrad  # noqa: F401
from rewrax.symbolic.printing import debugprint, dprint  # noqa: F401
from rewrax.symbolic.shape_ops import constant_value  # noqa: F401
from rewrax.symbolic.shape_api import (  # noqa: F401
    alloc, arange, atleast_1d, atleast_2d, broadcast_arrays, broadcast_to, concatenate, diag, diagonal,
    dimshuffle, expand_dims, eye, flatten, full, moveaxis, ones, repeat, reshape, shape, shape_padleft,
    shape_padright, specify_shape, split, squeeze, stack, swapaxes, tile, transpose, tril, triu, zeros,
)
from rewrax.symbolic.sorting import argsort, sort  # noqa: F401
from rewrax.symbolic.subtensor import (  # noqa: F401
    flip, inc_subtensor, set_subtensor, take, take_along_axis,
)
from rewrax.symbolic.type import RandomKeyType, TensorType  # noqa: F401
from rewrax.symbolic.variable import Apply, Constant, SharedVariable, Variable  # noqa: F401
from rewrax.symbolic.vectorize import vectorize_graph  # noqa: F401

globals().update(TYPED_CONSTRUCTORS)
concat = concatenate
get_underlying_scalar_constant_value = constant_value

