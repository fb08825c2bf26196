"""Lead import in the GUI: the wizard, its pages and models, the worker, import history."""
