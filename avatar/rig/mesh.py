"""The warp mesh: FaceMesh triangles plus a band of triangles out to a window's border, rasterised once.

Every pixel of a window gets the triangle it lies in and its three barycentric weights, so any set of
vertex displacements becomes a dense displacement field by one weighted sum (done per basis at build time).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.spatial import Delaunay

from avatar.rig import landmarks as L


@dataclass
class Mesh:
    """Vertices (canvas px) and triangles; the first 478 vertices are the landmarks, then the outer band."""

    vertices: np.ndarray  # (V, 2) float64
    triangles: np.ndarray  # (T, 3) int32


@dataclass
class Raster:
    """Per-pixel triangle id (-1: none) and barycentric weights over a window (x0, y0, x1, y1)."""

    box: tuple[int, int, int, int]
    tri: np.ndarray  # (h, w) int32
    bary: np.ndarray  # (h, w, 3) float32

    def field(self, mesh: Mesh, per_vertex: np.ndarray) -> np.ndarray:
        """Dense (h, w, 2) field interpolating per-vertex 2-vectors; zero where no triangle covers."""
        idx = np.clip(self.tri, 0, None)
        verts = mesh.triangles[idx]  # (h, w, 3)
        out = np.einsum("hwk,hwkc->hwc", self.bary, per_vertex[verts].astype(np.float32))
        out[self.tri < 0] = 0.0
        return out.astype(np.float32)


def build_mesh(points: np.ndarray, box: tuple[int, int, int, int], holes: list[np.ndarray]) -> Mesh:
    """FaceMesh triangles (minus any inside the mouth or eye holes) and a Delaunay band to `box`'s edge."""
    tris = L.triangles()
    p2 = points[:, :2].astype(np.float64)
    keep = []
    for t in tris:
        c = p2[t].mean(axis=0)
        if not any(cv2.pointPolygonTest(h.astype(np.float32), (float(c[0]), float(c[1])), False) > 0 for h in holes):
            keep.append(t)
    oval = np.array(L.FACE_OVAL)
    centre = p2[oval].mean(axis=0)
    ring1 = centre + (p2[oval] - centre) * 1.22
    x0, y0, x1, y1 = box
    n_side = 12
    xs, ys = np.linspace(x0, x1 - 1, n_side), np.linspace(y0, y1 - 1, n_side)
    border = np.concatenate([
        np.stack([xs, np.full(n_side, y0)], 1), np.stack([xs, np.full(n_side, y1 - 1)], 1),
        np.stack([np.full(n_side, x0), ys], 1), np.stack([np.full(n_side, x1 - 1), ys], 1),
    ])  # fmt: skip
    inside = (ring1[:, 0] > x0) & (ring1[:, 0] < x1 - 1) & (ring1[:, 1] > y0) & (ring1[:, 1] < y1 - 1)
    ring1 = ring1[inside]
    verts = np.concatenate([p2, ring1, border])
    band_ids = np.concatenate([oval, len(p2) + np.arange(len(ring1)), len(p2) + len(ring1) + np.arange(len(border))])
    dl = Delaunay(verts[band_ids])
    oval_poly = p2[oval].astype(np.float32)
    band = []
    for s in dl.simplices:
        t = band_ids[s]
        c = verts[t].mean(axis=0)
        if cv2.pointPolygonTest(oval_poly, (float(c[0]), float(c[1])), False) < 0:
            band.append(t)
    all_tris = np.concatenate([np.array(keep, np.int32), np.array(band, np.int32).reshape(-1, 3)])
    return Mesh(vertices=verts, triangles=all_tris)


def rasterise(mesh: Mesh, box: tuple[int, int, int, int]) -> Raster:
    """Which triangle covers each pixel centre of the window, and the pixel's barycentric weights there."""
    x0, y0, x1, y1 = box
    h, w = y1 - y0, x1 - x0
    ids = np.full((h, w), -1, np.int32)
    shift = 4
    for i, t in enumerate(mesh.triangles):
        pts = np.round((mesh.vertices[t] - (x0, y0)) * (1 << shift)).astype(np.int32)
        cv2.fillConvexPoly(ids, pts, int(i), lineType=cv2.LINE_8, shift=shift)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    px, py = xx + x0, yy + y0
    tri = mesh.triangles[np.clip(ids, 0, None)]
    a, b, c = (mesh.vertices[tri[..., k]] for k in range(3))
    v0, v1 = b - a, c - a
    d = v0[..., 0] * v1[..., 1] - v0[..., 1] * v1[..., 0]
    d = np.where(np.abs(d) < 1e-9, 1e-9, d)
    rx, ry = px - a[..., 0], py - a[..., 1]
    wb = (rx * v1[..., 1] - ry * v1[..., 0]) / d
    wc = (v0[..., 0] * ry - v0[..., 1] * rx) / d
    bary = np.stack([1.0 - wb - wc, wb, wc], axis=-1)
    bary = np.clip(bary, -0.05, 1.05)  # pixels on an edge may sit a hair outside their triangle
    bary /= bary.sum(axis=-1, keepdims=True)
    return Raster(box=box, tri=ids, bary=bary.astype(np.float32))
