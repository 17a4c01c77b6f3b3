"""Keep the numeric libraries' own thread pools from spinning on the show's few cores.

OpenBLAS (under numpy) and OpenCV each start a pool of worker threads that, after every small job, spin in
`sched_yield` waiting for the next one. A show hands them small jobs 25 times a second, so on a 2-core PC
the spinning alone took most of a core, in system time, from the model, the voice and the encoder. The
host's frame is rendered on one core well within its budget (BENCHMARKS.md), so both run on the calling
thread instead.
"""

from __future__ import annotations


def one_thread_pools() -> dict[str, int]:
    """Run OpenBLAS and OpenCV work on the calling thread; the thread counts now in force."""
    import cv2
    from threadpoolctl import threadpool_info, threadpool_limits

    cv2.setNumThreads(1)
    threadpool_limits(1, user_api="blas")  # kept: not used as a context manager
    blas = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    return {"opencv": cv2.getNumThreads(), "blas": max(blas, default=1)}
