"""Re-run nbval over every notebook as if on other machines (``make test-portable``).

The stored outputs are recorded on one machine; a reader's CPU picks other OpenBLAS kernels and
other SIMD loops in numpy, and may run BLAS with several threads. Each "machine" below changes only
the environment of the run:

- ``OPENBLAS_CORETYPE`` forces an OpenBLAS kernel (numpy's and scipy's bundled OpenBLAS are built
  with DYNAMIC_ARCH, so any kernel the CPU can execute may be chosen);
- ``NPY_DISABLE_CPU_FEATURES`` switches off numpy's SIMD dispatch down to its baseline;
- ``OMP_NUM_THREADS`` sets the BLAS thread count; ``PYTHONHASHSEED`` the hash seed.

Before each run the script checks, in a fresh interpreter, that the kernel really changed
(threadpoolctl reports it), so a silently ignored setting cannot pass for a test.

Usage: python tools/test_portable.py [pytest arguments...]   (default: the toc notebooks, 2 workers)
Exit status: 0 when every machine passes, 1 otherwise.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from toc_notebooks import toc_notebooks  # noqa: E402

PROBE = """
import json, numpy as np, threadpoolctl
from numpy._core._multiarray_umath import __cpu_features__ as f, __cpu_dispatch__ as d
import scipy.linalg  # loads scipy's own OpenBLAS too: both must follow the setting
blas = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
print(json.dumps({"kernels": sorted({i.get("architecture") for i in blas}),
                  "threads": sorted({i["num_threads"] for i in blas}),
                  "simd": sorted(k for k in d if f.get(k))}))
"""


def probe(env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def machines(base: dict) -> list[tuple[str, dict[str, str]]]:
    """The simulated machines: four OpenBLAS kernels, SIMD dispatch off, 1 and 2 threads, two hash seeds.

    OpenBLAS reports some kernels under another name: Prescott runs as "Katmai" (its generic SSE3
    code), and AMD Zen CPUs run the "Haswell" kernels, so the Haswell machine stands for Zen too.
    """
    simd_on = " ".join(base["simd"])  # every dispatched feature this CPU has: switched off below
    return [
        ("generic x86-64 (Prescott kernel, reported as Katmai), numpy SIMD dispatch off, 1 thread",
         {"OPENBLAS_CORETYPE": "Prescott", "NPY_DISABLE_CPU_FEATURES": simd_on, "OMP_NUM_THREADS": "1"}),
        ("Nehalem (SSE4.2) kernel, 2 threads, PYTHONHASHSEED=1",
         {"OPENBLAS_CORETYPE": "Nehalem", "OMP_NUM_THREADS": "2", "PYTHONHASHSEED": "1"}),
        ("Sandybridge (AVX) kernel, numpy SIMD dispatch off, 1 thread",
         {"OPENBLAS_CORETYPE": "Sandybridge", "NPY_DISABLE_CPU_FEATURES": simd_on, "OMP_NUM_THREADS": "1"}),
        ("Haswell (AVX2; also what AMD Zen runs) kernel, 2 threads, PYTHONHASHSEED=12345",
         {"OPENBLAS_CORETYPE": "Haswell", "OMP_NUM_THREADS": "2", "PYTHONHASHSEED": "12345"}),
    ]


REPORTED_AS = {"Prescott": "Katmai"}


def main(args: list[str]) -> int:
    if platform.machine().lower() not in {"x86_64", "amd64"}:
        print(f"test-portable simulates x86-64 OpenBLAS kernels; this is {platform.machine()}: skipped")
        return 0
    # The machine's own settings stay (some hosts set OPENBLAS_L2_SIZE for their CPU); each simulated
    # machine then overrides only the kernel, the SIMD dispatch, the thread count and the hash seed.
    clean = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
    base = probe(clean)
    print(f"this machine: OpenBLAS kernel {base['kernels']}, numpy SIMD {base['simd'] or 'baseline only'}")
    targets = args or ["-n", "2", "--dist", "loadfile", "-q", *map(str, toc_notebooks(ROOT))]
    failed = []
    for name, extra in machines(base):
        env = {**clean, **extra}
        if not extra.get("NPY_DISABLE_CPU_FEATURES", "x"):
            env.pop("NPY_DISABLE_CPU_FEATURES")  # baseline-only CPU: nothing to switch off
        seen = probe(env)
        want = REPORTED_AS.get(extra["OPENBLAS_CORETYPE"], extra["OPENBLAS_CORETYPE"])
        assert [k.lower() for k in seen["kernels"]] == [want.lower()], (
            f"asked for the {want} kernel, OpenBLAS runs {seen['kernels']}"
        )
        if "NPY_DISABLE_CPU_FEATURES" in env:
            assert not seen["simd"], f"numpy still dispatches {seen['simd']}"
        print(f"\n== nbval as if on: {name}\n   (checked: kernel {seen['kernels']}, "
              f"BLAS threads {seen['threads']}, SIMD {seen['simd'] or 'baseline only'})", flush=True)
        start = time.perf_counter()
        rc = subprocess.call([sys.executable, "-m", "pytest", *targets], env=env, cwd=ROOT)
        print(f"   {'passed' if rc == 0 else 'FAILED'} in {time.perf_counter() - start:.0f} s", flush=True)
        if rc != 0:
            failed.append(name)
    print()
    for name in failed:
        print(f"FAILED as if on: {name}")
    print(f"test-portable: {len(machines(base)) - len(failed)} machines passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
