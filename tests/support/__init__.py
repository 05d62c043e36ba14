"""What the test modules share besides fixtures (tests/ is on sys.path: `support.<module>`)."""
