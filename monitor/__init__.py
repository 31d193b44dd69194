"""technopark-monitor: news monitoring for technoparks, IT parks and innovation agencies."""

__version__ = "0.1.0"
