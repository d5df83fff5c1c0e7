"""Machine-learned climate surrogates (PyTorch + Lightning).

- :class:`~astrobio.adapters.ml.training.LightningSurrogateTrainer` — the ``SurrogateTrainer``;
- :class:`~astrobio.adapters.ml.registry.FileSurrogateRegistry` — the ``SurrogateRegistry`` on a
  directory of content-addressed checkpoints (imports without torch);
- :class:`~astrobio.adapters.ml.inference.TorchClimateSurrogate` — the ``ClimateSurrogate``.

Nothing is imported here: ``import astrobio.adapters.ml`` must not load torch.
"""
