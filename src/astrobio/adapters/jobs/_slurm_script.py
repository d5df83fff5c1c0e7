"""SLURM job scripts (rendered from templates) and SLURM job states mapped onto the port's."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from string import Template

from astrobio.adapters.jobs._common import LOG_NAME
from astrobio.application.ports.job_runner import BatchJobSpec, BatchState

EXIT_NAME = "job.exitcode"
"""The job script writes its command's exit code to ``<workdir>/job.exitcode`` when it ends."""

_HEADER = Template(
    """#!/bin/bash
# Rendered by astrobio SlurmJobRunner.
#SBATCH --job-name=$job_name
#SBATCH --output=$output
#SBATCH --chdir=$chdir
#SBATCH --cpus-per-task=$cpus
#SBATCH --mem=${mem_mb}M
#SBATCH --time=$time_min
$extra"""
)

# One element: its environment, its command, then its exit code written atomically (write + rename),
# so a reader sees either no file or all of it. When SLURM ends the job (SIGTERM to every process:
# time limit, scancel, preemption), the trap writes TIMEOUT (past the time limit) or TERMINATED
# instead, so the outcome outlives the controller's job record even without accounting.
_BODY = Template(
    """trap 'if [ "$$SECONDS" -ge $limit_s ]; then r=TIMEOUT; else r=TERMINATED; fi; \
echo "$$r" > $exit_tmp && mv -f $exit_tmp $exit_file; exit 143' TERM
${exports}${command}
rc=$$?
printf '%s\\n' "$$rc" > $exit_tmp && mv -f $exit_tmp $exit_file
exit "$$rc"
"""
)

_ARRAY_ELEMENT = Template(
    """  $index)
    mkdir -p -- $workdir && cd -- $workdir || exit 1
    exec > $log 2>&1
$body    ;;
"""
)

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _directive_path(path: str) -> str:
    """A path for an #SBATCH line: double-quoted, with ``%`` escaped from SLURM's filename patterns."""
    if any(c in path for c in '"\n\\'):
        raise ValueError(f"unsupported character in path for SLURM: {path!r}")
    return '"' + path.replace("%", "%%") + '"'


def _body(spec: BatchJobSpec, time_limit_min: int) -> str:
    # Not indented: a value or argument may hold a newline inside its quotes.
    exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in spec.env.items())
    return _BODY.substitute(
        exports=exports,
        command=shlex.join(spec.argv),
        exit_tmp=f"{EXIT_NAME}.tmp",
        exit_file=EXIT_NAME,
        # bash's $SECONDS starts a moment after the job: 2 s of slack.
        limit_s=60 * time_limit_min - 2,
    )


def _header(
    specs: Sequence[BatchJobSpec], *, output: str, chdir: str, partition: str | None, array: bool
) -> str:
    extra = ""
    if partition:
        extra += f"#SBATCH --partition={partition}\n"
    if array:
        extra += f"#SBATCH --array=0-{len(specs) - 1}\n"
    gpus = max(s.gpus for s in specs)
    if gpus > 0:
        extra += f"#SBATCH --gpus-per-node={gpus}\n"
    return _HEADER.substitute(
        job_name=_UNSAFE_NAME.sub("_", specs[0].name) or "astrobio",
        output=_directive_path(output),
        chdir=_directive_path(chdir),
        cpus=max(s.cpus for s in specs),
        mem_mb=max(s.mem_mb for s in specs),
        time_min=max(s.time_limit_min for s in specs),
        extra=extra,
    )


def render_job(spec: BatchJobSpec, *, partition: str | None = None) -> str:
    """The sbatch script for one job: its log is ``<workdir>/job.log``, it runs in ``workdir``."""
    header = _header([spec], output=f"{spec.workdir}/{LOG_NAME}", chdir=spec.workdir,
                     partition=partition, array=False)
    return header + "\n" + _body(spec, spec.time_limit_min)


def render_array(specs: Sequence[BatchJobSpec], *, partition: str | None = None) -> str:
    """One sbatch script for a job array: element ``i`` runs ``specs[i]`` in its own workdir.

    SLURM gives an array one resource request, so every element asks for the largest ``cpus``,
    ``mem_mb`` and ``time_limit_min`` of the elements, and the array takes the first one's name.
    The array's own output goes to /dev/null: each element redirects to its ``workdir/job.log``.
    """
    limit = max(s.time_limit_min for s in specs)
    cases = "".join(
        _ARRAY_ELEMENT.substitute(
            index=i,
            workdir=shlex.quote(spec.workdir),
            log=shlex.quote(LOG_NAME),
            body=_body(spec, limit),
        )
        for i, spec in enumerate(specs)
    )
    header = _header(specs, output="/dev/null", chdir=specs[0].workdir, partition=partition, array=True)
    return (
        header
        + '\ncase "${SLURM_ARRAY_TASK_ID}" in\n'
        + cases
        + '  *)\n    echo "no element $SLURM_ARRAY_TASK_ID in this array" >&2\n    exit 2\n    ;;\nesac\n'
    )


# --- states -------------------------------------------------------------------------------------

_STATES: dict[str, BatchState] = {
    **dict.fromkeys(
        ["PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "RESV_DEL_HOLD",
         "RESIZING", "STAGE_IN"],
        BatchState.PENDING,
    ),
    **dict.fromkeys(
        ["RUNNING", "COMPLETING", "SIGNALING", "STAGE_OUT", "SUSPENDED", "STOPPED", "UPDATE_DB",
         "POWER_UP_NODE"],
        BatchState.RUNNING,
    ),
    "COMPLETED": BatchState.COMPLETED,
    **dict.fromkeys(
        ["FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE", "PREEMPTED",
         "SPECIAL_EXIT"],
        BatchState.FAILED,
    ),
    **dict.fromkeys(["CANCELLED", "REVOKED"], BatchState.CANCELLED),
}


def map_state(slurm_state: str) -> BatchState:
    """The port's state for a SLURM job state (``"CANCELLED by 0"`` and ``"RUNNING+"`` included).

    Pending-like states (``CONFIGURING``, ``REQUEUED`` ...) are ``PENDING``; states of a job that
    holds its allocation (``COMPLETING``, ``SUSPENDED`` ...) are ``RUNNING``; every unsuccessful
    end (``TIMEOUT``, ``OUT_OF_MEMORY``, ``NODE_FAIL``, ``PREEMPTED`` ...) is ``FAILED``;
    ``REVOKED`` (a federated sibling ran elsewhere) is ``CANCELLED``. Unknown names: ``UNKNOWN``.
    """
    word = slurm_state.split()[0].rstrip("+") if slurm_state.split() else ""
    return _STATES.get(word.upper(), BatchState.UNKNOWN)


def parse_exit_code(text: str) -> int | None:
    """``"1:0"`` → 1, ``"0:15"`` → 143 (killed by signal 15, as a shell reports it)."""
    match = re.fullmatch(r"\s*(\d+)(?::(\d+))?\s*", text)
    if match is None:
        return None
    code, sig = int(match.group(1)), int(match.group(2) or 0)
    return 128 + sig if sig else code
