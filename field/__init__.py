"""The technician's field view: what a contract covers, in plain words."""
