"""adcensus: aggregated indicators of online sex-service advertising, never content."""

__version__ = "0.1.0"
