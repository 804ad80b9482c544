"""The educators' dashboard: a Mesa SolaraViz app with levers, the org chart, live KPIs and lessons."""
