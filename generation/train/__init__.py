"""Training of the built-in model: `python -m generation.train vqvae|gpt ...`."""
