"""One module per topic, each registering its claims with :func:`~neuromanifold.experiments.registry.claim`."""
