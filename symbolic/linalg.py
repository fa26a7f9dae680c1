"""``pt.linalg``: every linear-algebra function, as PyTensor's ``pytensor.tensor.linalg``.

The Ops live in ``linalg_core`` (dot, matmul, cholesky, solve, solve_triangular, inv, det,
slogdet), ``nlinalg`` (NumPy-style: eig, eigh, svd, pinv, norm, ...) and ``slinalg``
(SciPy-style: expm, qr, lu, eigvalsh, block_diag, Lyapunov solvers, ...); this module
gathers them under one name.

``schur``, ``qz`` and ``ordqz`` are not provided: they return Schur forms whose JAX
lowering exists only on CPU (``jax.scipy.linalg.schur``; no QZ at all) and without a gradient.
"""

from rewrax.symbolic.linalg_core import (  # noqa: F401
    Cholesky, Det, Dot, Matmul, MatrixInverse, SlogDet, Solve, SolveTriangular, _batched, _mT, _square, cho_solve,
    cholesky, det, dot, inv, logdet, matmul, matrix_inverse, outer, slogdet, solve, solve_triangular, trace,
)
from rewrax.symbolic.nlinalg import (  # noqa: F401
    SVD, Eig, Eigh, Pinv, eig, eigh, kron, lstsq, matrix_dot, matrix_power, norm, pinv, svd, tensorinv, tensorsolve,
)
from rewrax.symbolic.slinalg import (  # noqa: F401
    QR, Eigvalsh, Expm, LUFactor, PivotToPermutation, block_diag, cholesky, eigvalsh, expm, lu, lu_factor, lu_solve,
    pivot_to_permutation, qr, solve, solve_continuous_lyapunov, solve_discrete_lyapunov, solve_sylvester,
)
