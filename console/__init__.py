"""ghaecr-console: an operator console for GitHub Actions -> AWS ECR release pipelines."""

__version__ = "0.1.0"
