"""The shared resolution layer: module indexes, project modules, names, inference, and
the run that holds them (``run.Run``)."""
