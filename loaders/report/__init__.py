"""The static HTML report (`boligmon report`, `make report`): see loaders/report/build.py."""

from loaders.report.build import build_report

__all__ = ["build_report"]
