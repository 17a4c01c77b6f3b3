"""Finds tests that would fail on a busy machine because they bound a wall-clock duration.

Tests assert behaviour; how long something takes is a figure for `nightshift bench`. The rule, read
from each test file's syntax tree:

1. A wall-clock value is a call to time.perf_counter / monotonic / time (or their _ns forms), a name
   assigned from an expression holding one (within the function, loops and comprehensions included), a
   list one is appended to (`seen.append((pts, time.monotonic()))`; an attribute's list for the whole
   file, element by element for tuples), a call to a function of the same file that returns one, or a
   figure the product or a bench measures on the wall clock, named in WALL_CLOCK_FIELDS (an attribute, a
   name or a string key; a rate, or a count a busy machine makes fewer of, in WALL_CLOCK_RATES).
2. Its direction: a duration (later minus earlier) grows when the machine is busy; a value it is
   subtracted from or divided into ("how early", "per second") shrinks.
3. An assert is flagged when it compares a wall-clock value with a bound that holds none, in the
   direction load pushes towards failure: a growing value bounded from above (`took < 0.5`, also
   `== pytest.approx(...)`), a shrinking one from below. Comparing two wall-clock values (the same work
   at two sizes, one event before another) is relative and never flagged.
4. Not flagged: a constant bound of FLOOR_S or more on a duration (in milliseconds when the value's
   name says `ms`; a count in WALL_CLOCK_COUNTS is no duration), which only catches a hang; and an assert
   with a `# generous: why` or `# relative: why` comment on one of its lines, for a bound kept on purpose
   at about ten times the target or a comparison the rule cannot see as relative.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

FLOOR_S = 5.0
MARKERS = ("# generous:", "# relative:")
CLOCKS = {"perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "time", "time_ns"}
WALL_CLOCK_FIELDS = {
    "first_face_s", "first_frame_s", "first_face_ms", "first_frame_ms", "track_ms_per_frame",  # takeover
    "silent_after_ms", "silent_at", "stopClickedAt", "requested_at",  # the console's emergency stop
    "render_ms_per_frame", "clock_lag_beyond_frame_max_ms",  # a real-time programme
    "first_sentence_s", "total_s",  # a reply's timing
}  # fmt: skip
WALL_CLOCK_COUNTS = {"frames_dropped"}  # what a real-time programme late on its clock leaves out
WALL_CLOCK_RATES = {"flood_rate_per_s", "preview_fps", "frames_sent", "video_tracked"}  # fewer on a busy machine

Pol = frozenset[int]  # +1: grows under load, -1: shrinks under load
NONE: Pol = frozenset()
UP: Pol = frozenset({1})
DOWN: Pol = frozenset({-1})


def _field(name: object) -> Pol:
    return UP if name in WALL_CLOCK_FIELDS | WALL_CLOCK_COUNTS else DOWN if name in WALL_CLOCK_RATES else NONE


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


def _flip(p: Pol) -> Pol:
    return frozenset(-x for x in p)


def _is_clock(call: ast.Call) -> bool:
    f = call.func
    if isinstance(f, ast.Attribute):
        return f.attr in CLOCKS and isinstance(f.value, ast.Name) and f.value.id == "time"
    return isinstance(f, ast.Name) and f.id in CLOCKS - {"time"}


Shape = tuple[Pol, ...]  # a list of tuples: the direction of each element


class _File:
    """What one file's functions tell each other: the ones returning a wall-clock value, and the attributes
    holding lists of them."""

    def __init__(self) -> None:
        self.returns: dict[str, Pol] = {}
        self.lists: dict[str, Shape] = {}


class _Scope:
    """Wall-clock names of one function, with what the file says."""

    def __init__(self, file: _File) -> None:
        self.names: dict[str, Pol] = {}
        self.lists: dict[str, Shape] = {}
        self._names: dict[str, Pol] = {}  # the pass under way (see learn)
        self._lists: dict[str, Shape] = {}
        self.file = file
        self.returns = file.returns

    def shape(self, e: ast.AST) -> Shape | None:
        if isinstance(e, ast.Subscript) and isinstance(e.slice, ast.Slice):  # rows[1:]
            return self.shape(e.value)
        if isinstance(e, ast.Name):
            return self.lists.get(e.id)
        if isinstance(e, ast.Attribute):
            return self.file.lists.get(e.attr)
        return None

    def _element(self, e: ast.Subscript) -> Pol | None:
        """`rows[i][k]` of a list of tuples: the direction of element k."""
        shape = self.shape(e.value.value) if isinstance(e.value, ast.Subscript) else None
        k = e.slice.value if isinstance(e.slice, ast.Constant) else None
        return shape[k] if shape is not None and isinstance(k, int) and -len(shape) <= k < len(shape) else None

    def pol(self, e: ast.AST | None) -> Pol:
        """The directions load moves `e` in (empty: no wall-clock value in it)."""
        if e is None:
            return NONE
        if isinstance(e, ast.Call):
            if _is_clock(e):
                return UP
            own = self.returns.get(e.func.id, NONE) if isinstance(e.func, ast.Name) else NONE
            return own.union(*(self.pol(a) for a in [*e.args, *(k.value for k in e.keywords)]),
                             self.pol(e.func.value) if isinstance(e.func, ast.Attribute) else NONE)
        if isinstance(e, ast.BinOp):
            left, right = self.pol(e.left), self.pol(e.right)
            if left and right:  # later - earlier is a duration; a ratio of two timings is relative
                return left if isinstance(e.op, ast.Sub) else NONE if isinstance(e.op, ast.Div) else left | right
            if right and isinstance(e.op, (ast.Sub, ast.Div)):
                return _flip(right)
            return left | right
        if isinstance(e, ast.UnaryOp):
            return _flip(self.pol(e.operand)) if isinstance(e.op, ast.USub) else self.pol(e.operand)
        if (shape := self.shape(e)) is not None:
            return frozenset().union(*shape)
        if isinstance(e, ast.Name):
            return _field(e.id) or self.names.get(e.id, NONE)
        if isinstance(e, ast.Attribute):
            return _field(e.attr) or self.pol(e.value)
        if isinstance(e, ast.Constant):
            return _field(e.value)
        if isinstance(e, ast.Subscript):
            element = self._element(e)
            return element if element is not None else self.pol(e.value) | self.pol(e.slice)
        if isinstance(e, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return self.pol(e.elt)
        return frozenset().union(*(self.pol(c) for c in ast.iter_child_nodes(e) if isinstance(c, ast.expr)))

    def bind(self, target: ast.AST, p: Pol, enumerate_: bool = False) -> None:
        if isinstance(target, ast.Name) and p:
            self._names[target.id] = self._names.get(target.id, NONE) | p
        elif isinstance(target, (ast.Tuple, ast.List)):
            for i, t in enumerate(target.elts):
                self.bind(t, NONE if enumerate_ and i == 0 else p)

    def bind_loop(self, target: ast.AST, it: ast.AST) -> None:
        """A for loop's or a comprehension's names: element by element over a list of tuples."""
        name = it.func.id if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) else None
        if name == "enumerate" and isinstance(target, ast.Tuple) and len(target.elts) == 2 and it.args:
            self.bind_loop(target.elts[1], it.args[0])
            return
        if name == "zip" and isinstance(target, ast.Tuple) and len(target.elts) == len(it.args):
            for t, arg in zip(target.elts, it.args, strict=True):
                self.bind_loop(t, arg)
            return
        shape = self.shape(it)
        if shape is not None and isinstance(target, ast.Tuple) and len(target.elts) == len(shape):
            for t, p in zip(target.elts, shape, strict=True):
                self.bind(t, p)
        else:
            self.bind(target, self.pol(it))

    def append(self, call: ast.Call) -> None:
        """`xs.append(v)`, `self.xs.append(v)`: a list of wall-clock values, or of tuples holding some."""
        f = call.func
        if not (isinstance(f, ast.Attribute) and f.attr == "append" and len(call.args) == 1):
            return
        v = call.args[0]
        shape = tuple(self.pol(x) for x in v.elts) if isinstance(v, ast.Tuple) else (self.pol(v),)
        if not any(shape):
            return
        lists = self._lists if isinstance(f.value, ast.Name) else self.file.lists
        key = f.value.id if isinstance(f.value, ast.Name) else getattr(f.value, "attr", None)
        if key is None:
            return
        old = lists.get(key)
        if old is not None and len(old) == len(shape):
            shape = tuple(a | b for a, b in zip(old, shape, strict=True))
        lists[key] = shape

    def learn(self, fn: ast.AST) -> None:
        """Each pass reads what the one before found, so the order of the statements does not matter."""
        for _ in range(4):
            self._names, self._lists = {}, {}
            for node in ast.walk(fn):
                if isinstance(node, ast.Assign):
                    for t in node.targets:
                        self.bind(t, self.pol(node.value))
                elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                    self.bind(node.target, self.pol(node.value))
                elif isinstance(node, (ast.For, ast.comprehension)):
                    self.bind_loop(node.target, node.iter)
                elif isinstance(node, ast.Call):
                    self.append(node)
            self.names, self.lists = self._names, self._lists


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _learn_file(tree: ast.AST) -> _File:
    file = _File()
    for _ in range(2):
        for fn in _functions(tree):
            scope = _Scope(file)
            scope.learn(fn)
            p = frozenset().union(*(scope.pol(r.value) for r in ast.walk(fn) if isinstance(r, ast.Return)))
            if p:
                file.returns[fn.name] = p
    return file


def _constant(e: ast.AST) -> float | None:
    try:
        value = eval(compile(ast.Expression(e), "<bound>", "eval"), {"__builtins__": {}})  # noqa: S307 - numbers only
    except Exception:  # noqa: BLE001 - anything but arithmetic on numbers is not a constant
        return None
    return float(value) if isinstance(value, (int, float)) else None


def _words(e: ast.AST) -> list[str]:
    nodes = list(ast.walk(e))
    return ([n.id for n in nodes if isinstance(n, ast.Name)] + [n.attr for n in nodes if isinstance(n, ast.Attribute)]
            + [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)])


def _floor(e: ast.AST) -> float:
    """The bound from which an upper bound on `e` only catches a hang (none for a count)."""
    words = _words(e)
    if WALL_CLOCK_COUNTS.intersection(words):
        return float("inf")
    return FLOOR_S * (1000.0 if any(w == "ms" or w.endswith("_ms") or "_ms_" in w for w in words) else 1.0)


def _fails_under_load(scope: _Scope, value: ast.AST, op: ast.cmpop, bound: ast.AST, value_left: bool) -> bool:
    p = scope.pol(value)
    if not p or scope.pol(bound):
        return False
    approx = isinstance(bound, ast.Call) and "approx" in ast.unparse(bound.func)
    upper = approx or (isinstance(op, (ast.Lt, ast.LtE)) if value_left else isinstance(op, (ast.Gt, ast.GtE)))
    lower = approx or (isinstance(op, (ast.Gt, ast.GtE)) if value_left else isinstance(op, (ast.Lt, ast.LtE)))
    if -1 in p and lower:
        return True
    if not (1 in p and upper):
        return False
    limit = _constant(bound)  # a duration bounded above: a bound at the floor or more only catches a hang
    return limit is None or limit < _floor(value)


def _flagged(scope: _Scope, test: ast.AST) -> bool:
    for cmp in (n for n in ast.walk(test) if isinstance(n, ast.Compare)):
        sides = [cmp.left, *cmp.comparators]
        for a, b, op in zip(sides, sides[1:], cmp.ops, strict=False):
            if _fails_under_load(scope, a, op, b, True) or _fails_under_load(scope, b, op, a, False):
                return True
    return False


def _marked_lines(source: str) -> set[int]:
    return {tok.start[0] for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT and tok.string.startswith(MARKERS)}  # fmt: skip


def scan_source(source: str, path: Path = Path("<source>")) -> list[Finding]:
    """Every assert in `source` that bounds a wall-clock duration the way a busy machine breaks."""
    tree = ast.parse(source)
    file = _learn_file(tree)
    marked = _marked_lines(source)
    lines = source.splitlines()
    found: set[Finding] = set()
    for fn in _functions(tree):
        scope = _Scope(file)
        scope.learn(fn)
        for node in ast.walk(fn):
            if not isinstance(node, ast.Assert) or not _flagged(scope, node.test):
                continue
            if marked & set(range(node.lineno, (node.end_lineno or node.lineno) + 1)):
                continue
            found.add(Finding(path, node.lineno, lines[node.lineno - 1].strip()))
    return sorted(found, key=lambda f: f.line)


def scan(root: Path) -> list[Finding]:
    """scan_source over every test_*.py under root (paths named from root's parent: tests/...)."""
    files = sorted(root.rglob("test_*.py"))
    return [f for p in files for f in scan_source(p.read_text(encoding="utf-8"), p.relative_to(root.parent))]
