"""Validation of the shipped JWST models: retrieval calibration, NPE vs dynesty, denoiser figures.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/validate_retrieval.py [--spectra 500] [--nested 10]
[--n-live 100] [--max-calls 300000] [--json]``.

Prints
- expected coverage of the 68 % and 95 % central intervals over ``--spectra`` held-out simulated
  spectra (fresh draws from the priors, never seen in training), per parameter and overall; the SBC
  rank Kolmogorov-Smirnov distance per parameter (5 % critical value 1.36/sqrt(n)); TARP coverage;
- NPE against dynesty nested sampling (same forward model, same Gaussian likelihood, ``--n-live``
  live points, capped at ``--max-calls`` likelihood calls) on ``--nested`` held-out spectra: the
  ratio of 1-sigma widths, median offsets in nested-sampling sigmas, wall time per retrieval;
- the importance-sampling efficiency of the flow on those spectra (the fallback flag);
- the denoiser's held-out figures: SNR gain (dB), RMS residual reduction at S/N 5 and 20, bias in
  sigma, calibration of its predicted sigma.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spectra", type=int, default=500)
    ap.add_argument("--nested", type=int, default=10)
    ap.add_argument("--no-denoiser", action="store_true")
    ap.add_argument("--n-live", type=int, default=100)
    ap.add_argument("--max-calls", type=int, default=300_000)
    ap.add_argument("--models", type=Path, default=ROOT / "data" / "models" / "jwst")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    import torch

    torch.set_num_threads(1)
    from astrobio.adapters.jwst.denoiser import TorchSpectrumDenoiser, evaluate
    from astrobio.adapters.jwst.forward import IsothermalTransmissionModel
    from astrobio.adapters.jwst.npe import ZukoPosteriorEstimator
    from astrobio.adapters.jwst.validation import compare_with_nested, coverage

    model = IsothermalTransmissionModel(ROOT / "data" / "jwst" / "opacity_grid.json")
    estimator = ZukoPosteriorEstimator(args.models, model.grid, model.priors)
    out: dict[str, object] = {"retrieval_model": estimator.model_id}
    cov = coverage(estimator, model, n_spectra=args.spectra) if args.spectra > 0 else None
    out["coverage"] = cov
    if cov is not None and not args.json:
        print(f"retrieval {estimator.model_id}: coverage over {cov['n_spectra']} held-out spectra")
        print(
            f"  68 %: {cov['coverage_68']:.3f}   95 %: {cov['coverage_95']:.3f}   "
            f"TARP 68 %: {cov['tarp_coverage_68']:.3f}   TARP 95 %: {cov['tarp_coverage_95']:.3f}"
        )
        print(f"  SBC rank KS (5 % critical {cov['sbc_ks_critical_5pct']:.3f}):")
        for name, p in cov["per_parameter"].items():
            print(
                f"    {name:24s} cov68 {p['coverage_68']:.3f} cov95 {p['coverage_95']:.3f} "
                f"KS {p['sbc_rank_ks']:.3f}"
            )
        print(
            f"  NPE sampling: {cov['seconds_per_spectrum']:.3f} s per spectrum ({cov['n_samples']} samples)"
        )
    if args.nested > 0:
        cmp = compare_with_nested(
            estimator, model, n_spectra=args.nested, n_live=args.n_live, max_calls=args.max_calls
        )
        out["nested"] = cmp
        if not args.json:
            print(
                f"NPE vs dynesty on {cmp['n_spectra']} spectra ({cmp['n_live']} live points, "
                f"cap {cmp['max_calls']} calls):"
            )
            for name, r in cmp["width_ratio_median_per_parameter"].items():
                print(f"    {name:24s} median width ratio NPE/nested {r:.2f}")
            print(
                f"  widths within a factor 2: {cmp['fraction_widths_within_factor_2']:.2%}; "
                f"median |offset| {cmp['median_abs_offset_in_ns_sigma']:.2f} sigma; "
                f"offsets < 1 sigma: {cmp['fraction_offsets_below_1_sigma']:.2%}"
            )
            print(
                f"  wall time per retrieval: NPE {cmp['npe_seconds_per_spectrum']:.2f} s (incl. importance "
                f"weights), dynesty {cmp['nested_seconds_per_spectrum']:.1f} s"
            )
            print(
                "  importance-sampling efficiency: "
                + ", ".join(f"{e:.4f}" for e in cmp["importance_efficiency"])
            )
    if args.no_denoiser:
        if args.json:
            print(json.dumps(out, indent=1))
        return
    denoiser = TorchSpectrumDenoiser(args.models, model.grid)
    den = evaluate(denoiser._load(), model)
    out["denoiser"] = {"model_id": denoiser.model_id, **den}
    if args.json:
        print(json.dumps(out, indent=1))
        return
    print(f"denoiser {denoiser.model_id} on {den['n_held_out']} held-out spectra (S/N 5-100):")
    print(
        f"  SNR gain: mean {den['snr_improvement_db_mean']:.2f} dB, "
        f"median {den['snr_improvement_db_median']:.2f} dB,"
        f" pooled {den['snr_improvement_db_pooled']:.2f} dB"
    )
    for snr, f in den["at_snr"].items():
        print(
            f"  S/N {snr}: RMS residual {f['rms_residual_noisy_ppm']:.2f} -> "
            f"{f['rms_residual_denoised_ppm']:.2f} ppm "
            f"(x{f['rms_reduction_factor']:.2f}, {f['snr_improvement_db_mean']:.2f} dB)"
        )
    print(
        f"  bias: mean {den['bias_in_sigma_mean']:+.3f} sigma, "
        f"worst bin {den['bias_in_sigma_max_abs_per_bin']:.3f} sigma"
    )
    c = den["calibration"]
    print(
        f"  predicted sigma: |z|<1 {c['coverage_1sigma']:.3f} (0.683), "
        f"|z|<2 {c['coverage_2sigma']:.3f} (0.954), "
        f"std(z) {c['z_std']:.3f}"
    )


if __name__ == "__main__":
    main()
