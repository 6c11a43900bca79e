"""Rule modules: every module here is imported by policies.engine.load_rules()."""
