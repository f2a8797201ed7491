"""The one way in to the database: configuration, engine, sessions, models, migrations."""
