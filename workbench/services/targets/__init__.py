"""Target accounts: accounts, contacts and buying teams, ICP criteria and fit, the target list."""
