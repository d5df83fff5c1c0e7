"""The surrogate networks: shapes, size, periodic longitude, ensemble arithmetic."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from astrobio.adapters.ml.models.scalar import ScalarMLP, ensemble_moments  # noqa: E402
from astrobio.adapters.ml.models.unet3d import (  # noqa: E402
    PeriodicConv3d,
    UNet3d,
    set_conv_backend,
    set_mc_dropout,
)

torch.set_num_threads(1)
GRID = (10, 32, 64)


def _n_params(m: torch.nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def _randomized(model: torch.nn.Module, seed: int = 0) -> torch.nn.Module:
    """Zero-initialized heads would make every output the base field: give all weights values."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.2)
    return model.eval()


def test_unet_maps_parameters_to_3d_fields_and_a_surface_field() -> None:
    model = UNet3d(static_channels=10).eval()
    y3d, y2d = model(torch.randn(3, 8))
    assert y3d.shape == (3, 5, *GRID)
    assert y2d.shape == (3, 1, 32, 64)


def test_untrained_unet_predicts_its_base_fields() -> None:
    model = UNet3d(static_channels=10).eval()
    with torch.no_grad():
        model.base3d.normal_()
        model.base2d.normal_()
        y3d, y2d = model(torch.randn(2, 8))
    torch.testing.assert_close(y3d, model.base3d.expand_as(y3d))
    torch.testing.assert_close(y2d, model.base2d.expand_as(y2d))


def test_default_models_stay_small() -> None:
    assert _n_params(UNet3d(static_channels=10)) <= 500_000
    assert _n_params(UNet3d(static_channels=10, width=12)) <= 500_000
    assert _n_params(ScalarMLP()) <= 20_000


def test_periodic_conv_wraps_longitude() -> None:
    """A point at the last longitude reaches the first one (zero padding would cut it off)."""
    conv = PeriodicConv3d(1, 1)
    with torch.no_grad():
        conv.weight.fill_(1.0)
        conv.bias.zero_()
    x = torch.zeros(1, 1, 4, 8, 16)
    x[..., 2, 4, 15] = 1.0
    y = conv(x)
    assert y[0, 0, 2, 4, 0] == 1.0 and y[0, 0, 2, 4, 14] == 1.0 and y[0, 0, 2, 4, 1] == 0.0


def test_feature_across_the_dateline_is_handled_like_one_in_the_middle() -> None:
    """A field that differs only across the 0/360 seam gives the rolled output of the same field
    placed mid-grid: the whole U-Net (without position channels) is lon-shift equivariant."""
    model = _randomized(UNet3d(n_params=2, static_channels=1, embed=False))
    seam = torch.zeros(1, *GRID)
    seam[..., 2:8, 10:20, 60:] = 1.0  # straddles lon index 63 | 0
    seam[..., 2:8, 10:20, :4] = 1.0
    middle = torch.roll(seam, shifts=32, dims=-1)  # same feature at lon 28..35
    p = torch.tensor([[0.3, -0.7]])
    outputs = []
    for field in (seam, middle):
        with torch.no_grad():
            model.static.copy_(field)
            model.enc0.clear_cache()
            outputs.append(model(p))
    (s3, s2), (m3, m2) = outputs
    torch.testing.assert_close(torch.roll(s3, 32, dims=-1), m3, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(torch.roll(s2, 32, dims=-1), m2, atol=1e-5, rtol=1e-4)
    assert not torch.allclose(s3, m3)  # the feature really moved


def test_onednn_and_native_convolutions_agree() -> None:
    model = _randomized(UNet3d(static_channels=10))
    p = torch.randn(2, 8)
    with torch.no_grad():
        fast = model(p)
        set_conv_backend(model, "native")
        model.enc0.clear_cache()
        slow = model(p)
    torch.testing.assert_close(fast[0], slow[0], atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(fast[1], slow[1], atol=1e-4, rtol=1e-4)


def test_mc_dropout_makes_repeated_predictions_differ() -> None:
    model = _randomized(UNet3d(static_channels=10, dropout=0.2))
    p = torch.randn(1, 8)
    with torch.no_grad():
        a, b = model(p)[0], model(p)[0]
        assert torch.equal(a, b)
        set_mc_dropout(model, True)
        c, d = model(p)[0], model(p)[0]
    assert not torch.equal(c, d)


def test_unet_rejects_a_grid_it_cannot_pool() -> None:
    with pytest.raises(ValueError, match="multiples of 4"):
        UNet3d(grid=(10, 30, 64))


def test_scalar_mlp_gives_mean_and_bounded_log_variance() -> None:
    mean, log_var = ScalarMLP()(torch.randn(5, 8))
    assert mean.shape == log_var.shape == (5, 7)
    assert bool((log_var >= -10).all() and (log_var <= 4).all())


def test_ensemble_moments_add_member_spread_and_member_variance() -> None:
    means = torch.tensor([[1.0], [3.0]])
    variances = torch.tensor([[0.5], [1.5]])
    mu, sigma = ensemble_moments(means, variances)
    assert mu.item() == 2.0
    assert sigma.item() == pytest.approx((1.0 + 1.0) ** 0.5)  # spread 1 + mean variance 1
    assert ensemble_moments(means[:1])[1].item() == 0.0
