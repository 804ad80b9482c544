"""`exsim calibrate`: fit the model's quit-hazard parameters to an organisation's own HR data."""
