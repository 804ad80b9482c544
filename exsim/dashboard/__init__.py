"""The educators' dashboard: a Solara page around the Mesa model: lessons, levers, live plots against the baseline, org chart."""
