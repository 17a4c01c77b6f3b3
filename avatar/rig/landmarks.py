"""MediaPipe FaceMesh landmark groups the rig needs (indices into the 478-point refined mesh).

"Right" and "left" are the subject's: the right eye appears on the image's left.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

N_LANDMARKS = 478
N_MESH = 468  # the tesselated points; 468..477 are the two irises

FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
             152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)  # fmt: skip

# Inner lip contour, corner to corner: upper then lower (13/14 are the centre of the gap).
INNER_UPPER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
INNER_LOWER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
OUTER_UPPER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
OUTER_LOWER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
INNER_LOOP = INNER_UPPER + tuple(reversed(INNER_LOWER[1:-1]))  # a closed polygon of 20 points
OUTER_LOOP = OUTER_UPPER + tuple(reversed(OUTER_LOWER[1:-1]))
MOUTH_CORNERS = (61, 291)
INNER_CORNERS = (78, 308)

# Eyes: outer corner → inner corner along the upper lid, and along the lower lid.
RIGHT_EYE_UPPER = (33, 246, 161, 160, 159, 158, 157, 173, 133)
RIGHT_EYE_LOWER = (33, 7, 163, 144, 145, 153, 154, 155, 133)
LEFT_EYE_UPPER = (263, 466, 388, 387, 386, 385, 384, 398, 362)
LEFT_EYE_LOWER = (263, 249, 390, 373, 374, 380, 381, 382, 362)
RIGHT_BROW_LOWER = (46, 53, 52, 65, 55)
LEFT_BROW_LOWER = (276, 283, 282, 295, 285)
RIGHT_IRIS = (468, 469, 470, 471, 472)  # centre first
LEFT_IRIS = (473, 474, 475, 476, 477)

NOSE_TIP = 1
CHIN = 152
FOREHEAD = 10
CHEEK_RIGHT = 234  # the face's widest points, used for width and yaw
CHEEK_LEFT = 454


@lru_cache(maxsize=1)
def triangles() -> np.ndarray:
    """The FaceMesh tesselation as (T, 3) vertex indices: every 3-clique of its edge graph.

    MediaPipe publishes edges only; the cliques are its triangles. There are none across the
    mouth or the eyes, so the lips can part and the lids can move.
    """
    from mediapipe.python.solutions.face_mesh_connections import FACEMESH_TESSELATION

    edges = {tuple(sorted(e)) for e in FACEMESH_TESSELATION}
    adj: dict[int, set[int]] = {}
    for a, b in edges:
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    tris = {tuple(sorted((a, b, c))) for a, b in edges for c in adj[a] & adj[b]}
    return np.array(sorted(tris), dtype=np.int32)


@lru_cache(maxsize=1)
def mesh_edges() -> np.ndarray:
    """The tesselation's edges as (E, 2) indices, for drawing the preview."""
    from mediapipe.python.solutions.face_mesh_connections import FACEMESH_TESSELATION

    return np.array(sorted({tuple(sorted(e)) for e in FACEMESH_TESSELATION}), dtype=np.int32)
