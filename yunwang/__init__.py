"""yunwang (云网): infrastructure as code, monitoring and MLPS 2.0 audit for a city's government cloud."""

__version__ = "0.1.0"
