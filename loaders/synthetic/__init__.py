"""Synthetic municipality generator with planted, known truth (see truth/scenarios.md)."""

from .generator import generate

__all__ = ["generate"]
