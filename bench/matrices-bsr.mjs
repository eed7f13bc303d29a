// Block-structured benchmark matrices, built straight into canonical CSR arrays.
import { lib } from './dist.mjs';

const { CsrMatrix } = lib;

/**
 * The CSR arrays of a 3D elasticity-like operator on an n x n x n grid of nodes with `dof` unknowns
 * per node (default 4): every node couples to each neighbour of the stencil (27-point: the nodes of
 * the surrounding 3x3x3 cube, as trilinear hexahedral elements give; 7-point: the face neighbours)
 * through a dense dof x dof block. Unknowns are numbered node-major (row = node*dof + a), so the
 * matrix has a natural dof x dof block structure: `toBsr(dof)` stores no explicit zeros. All block
 * entries are nonzero; the matrix is symmetric and diagonally dominant. n^3*dof rows; about
 * (3n-2)^3 * dof^2 nonzeros for the 27-point stencil.
 */
export function elasticity3dArrays(n, { stencil = 27, dof = 4 } = {}) {
  if (stencil !== 27 && stencil !== 7) throw new Error('stencil must be 27 or 7');
  const nodes = n * n * n;
  const rows = nodes * dof;
  // Neighbour offsets in increasing node order (z, then y, then x), so columns come out sorted.
  const offsets = [];
  for (let dz = -1; dz <= 1; dz++) {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const far = Math.abs(dx) + Math.abs(dy) + Math.abs(dz);
        if (stencil === 27 || far <= 1) offsets.push([dx, dy, dz]);
      }
    }
  }
  const inside = (v) => v >= 0 && v < n;
  const rowPtr = new Int32Array(rows + 1);
  let nnz = 0;
  for (let z = 0; z < n; z++) {
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        let nb = 0;
        for (const [dx, dy, dz] of offsets) if (inside(x + dx) && inside(y + dy) && inside(z + dz)) nb++;
        const node = (z * n + y) * n + x;
        for (let a = 0; a < dof; a++) {
          nnz += nb * dof;
          rowPtr[node * dof + a + 1] = nnz;
        }
      }
    }
  }
  if (nnz > 2147483647) throw new Error(`n = ${n} gives ${nnz} nonzeros, more than int32 indices address`);
  const colIdx = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const nbr = new Int32Array(offsets.length);
  let k = 0;
  for (let z = 0; z < n; z++) {
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const node = (z * n + y) * n + x;
        let nb = 0;
        for (const [dx, dy, dz] of offsets) {
          if (inside(x + dx) && inside(y + dy) && inside(z + dz)) nbr[nb++] = ((z + dz) * n + (y + dy)) * n + (x + dx);
        }
        for (let a = 0; a < dof; a++) {
          for (let t = 0; t < nb; t++) {
            const m = nbr[t];
            for (let b = 0; b < dof; b++) {
              colIdx[k] = m * dof + b;
              // Off-diagonal blocks: -(1 + small symmetric pattern); diagonal block: dominant diagonal.
              values[k++] = m === node ? (a === b ? 2 * stencil * dof : 0.5) : -(1 + 0.125 * ((a + b) % 3));
            }
          }
        }
      }
    }
  }
  return { rows, cols: rows, rowPtr, colIdx, values };
}

/** elasticity3dArrays as a CsrMatrix (adopting the arrays). */
export function elasticity3d(n, options = {}) {
  return CsrMatrix.fromArrays(elasticity3dArrays(n, options), { copy: false, validate: false });
}
