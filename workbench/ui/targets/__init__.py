"""The Targets area: target list, account detail, ICP checklist and criteria, contacts, menu."""
