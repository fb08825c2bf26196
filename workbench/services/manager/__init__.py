"""Pipeline files for managers: export, rollup of many files, what changed, reports."""
