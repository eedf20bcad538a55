"""The bounded load run (`make load`): 50 concurrent respondents submit complete surveys against
gunicorn on loopback. `run.py` orchestrates, `prepare.py` writes the data, `locustfile.py` drives."""
